"""Every basic type written by the client and read back, and server updates seen by the client.

Runs on the reference and on our library against a reference server on demo.cfg.
Expected values were observed with the reference client; where the reference
accepts doubtful values (uint32 >= 2^31, over-long strings) the tests stay clear.
"""

import ctypes

import pytest

from differential import (
    IED_ERROR_OK, FC_CF, FC_DC, FC_MX, FC_SP, FC_ST, MMS_BIT_STRING, MMS_FLOAT, MMS_INTEGER,
    MMS_OCTET_STRING, MMS_STRING, MMS_UNSIGNED, MMS_UTC_TIME, MMS_VISIBLE_STRING)

G = b"DEMOMeas/GAPC1."
IED_ERROR_UNEXPECTED_VALUE, IED_ERROR_OBJECT_NONEXISTENT = 13, 22


def ref(name):
    return G + name.encode() + b".setVal"


@pytest.mark.parametrize("value", [False, True, False])
def test_boolean(conn, value):
    assert conn.call("writeBooleanValue", ref("SetBool"), FC_SP, value)[1] == IED_ERROR_OK
    assert conn.call("readBooleanValue", ref("SetBool"), FC_SP) == (value, IED_ERROR_OK)


@pytest.mark.parametrize("name,value", [
    ("SetI32", -2147483648), ("SetI32", 2147483647), ("SetI32", 0),
    ("SetI8", -100), ("SetI16", 32767), ("SetEnum", 5),
])
def test_int32(conn, name, value):
    assert conn.call("writeInt32Value", ref(name), FC_SP, value)[1] == IED_ERROR_OK
    assert conn.call("readInt32Value", ref(name), FC_SP) == (value, IED_ERROR_OK)


def test_int32_write_read_as_int64(conn):
    assert conn.call("writeInt32Value", ref("SetI64"), FC_SP, 7)[1] == IED_ERROR_OK
    assert conn.call("readInt64Value", ref("SetI64"), FC_SP) == (7, IED_ERROR_OK)


@pytest.mark.parametrize("value", [-9000000000000000000, 9000000000000000000, -1])
def test_int64_via_write_object(conn, value):
    v = conn.lib.MmsValue_newIntegerFromInt64(value)
    assert conn.write_value(ref("SetI64"), FC_SP, v) == IED_ERROR_OK
    assert conn.call("readInt64Value", ref("SetI64"), FC_SP) == (value, IED_ERROR_OK)
    assert conn.read_printed(ref("SetI64"), FC_SP) == (MMS_INTEGER, str(value), IED_ERROR_OK)


@pytest.mark.parametrize("name,value", [
    ("SetU32", 2147483647), ("SetU32", 0), ("SetU32", 123456), ("SetU8", 255), ("SetU16", 65535),
])
def test_unsigned32(conn, name, value):
    assert conn.call("writeUnsigned32Value", ref(name), FC_SP, value)[1] == IED_ERROR_OK
    assert conn.call("readUnsigned32Value", ref(name), FC_SP) == (value, IED_ERROR_OK)
    assert conn.read_printed(ref(name), FC_SP) == (MMS_UNSIGNED, str(value), IED_ERROR_OK)


def test_unsigned_cf_and_visible_string_dc(conn):
    cfg = G + b"CfgU32.cfgVal"
    assert conn.call("writeUnsigned32Value", cfg, FC_CF, 99)[1] == IED_ERROR_OK
    assert conn.call("readUnsigned32Value", cfg, FC_CF) == (99, IED_ERROR_OK)
    d = G + b"CfgU32.d"
    assert conn.call("writeVisibleStringValue", d, FC_DC, b"new description")[1] == IED_ERROR_OK
    assert conn.read_string(d, FC_DC) == (b"new description", IED_ERROR_OK)


@pytest.mark.parametrize("value", [-1.5e10, 0.0, 3.25, -0.125])
def test_float(conn, value):
    assert conn.call("writeFloatValue", ref("SetF32"), FC_SP, value)[1] == IED_ERROR_OK
    # float32 rounding: -1.5e10 reads back as -15000000512.0
    assert conn.call("readFloatValue", ref("SetF32"), FC_SP) == \
        (ctypes.c_float(value).value, IED_ERROR_OK)


def test_float_setting_in_structure(conn):
    r = b"DEMOProt/PTOC1.StrVal.setMag.f"
    assert conn.call("writeFloatValue", r, FC_SP, 99.5)[1] == IED_ERROR_OK
    assert conn.call("readFloatValue", r, FC_SP) == (99.5, IED_ERROR_OK)
    assert conn.read_printed("DEMOProt/PTOC1.StrVal.setMag", FC_SP) == \
        (1, "{99.500000}", IED_ERROR_OK)


def test_double_via_write_object(conn):
    v = conn.lib.MmsValue_newDouble(1.0 / 3)
    assert conn.write_value(ref("SetF64"), FC_SP, v) == IED_ERROR_OK
    assert conn.read_printed(ref("SetF64"), FC_SP) == (MMS_FLOAT, "0.333333", IED_ERROR_OK)
    value, err = conn.call("readObject", ref("SetF64"), FC_SP)
    assert err == IED_ERROR_OK
    assert conn.lib.MmsValue_toDouble(value) == 1.0 / 3
    conn.lib.MmsValue_delete(value)


@pytest.mark.parametrize("name,value", [
    ("SetVs32", b"abcdefghij"), ("SetVs32", b""), ("SetVs32", b"x" * 32),
    ("SetVs255", b"y" * 255), ("SetVs255", b"with spaces and $ . /"),
])
def test_visible_string(conn, name, value):
    assert conn.call("writeVisibleStringValue", ref(name), FC_SP, value)[1] == IED_ERROR_OK
    assert conn.read_string(ref(name), FC_SP) == (value, IED_ERROR_OK)
    assert conn.read_printed(ref(name), FC_SP) == \
        (MMS_VISIBLE_STRING, value.decode(), IED_ERROR_OK)


def test_unicode_string_via_write_object(conn):
    v = conn.lib.MmsValue_newMmsString(b"mms string")
    assert conn.write_value(ref("SetUni"), FC_SP, v) == IED_ERROR_OK
    assert conn.read_printed(ref("SetUni"), FC_SP) == (MMS_STRING, "mms string", IED_ERROR_OK)
    # Observed on the reference: readStringValue also returns an MMS_STRING.
    assert conn.read_string(ref("SetUni"), FC_SP) == (b"mms string", IED_ERROR_OK)


@pytest.mark.parametrize("data,printed", [
    (b"\x01\x02\xfe\xff", "0102feff"), (b"", ""), (bytes(range(64)), bytes(range(64)).hex()),
])
def test_octet_string_via_write_object(conn, data, printed):
    lib = conn.lib
    v = lib.MmsValue_newOctetString(len(data), 64)
    lib.MmsValue_setOctetString(v, data, len(data))
    assert conn.write_value(ref("SetOct"), FC_SP, v) == IED_ERROR_OK
    assert conn.read_printed(ref("SetOct"), FC_SP) == (MMS_OCTET_STRING, printed, IED_ERROR_OK)
    value, err = conn.call("readObject", ref("SetOct"), FC_SP)
    assert err == IED_ERROR_OK
    size = lib.MmsValue_getOctetStringSize(value)
    assert ctypes.string_at(lib.MmsValue_getOctetStringBuffer(value), size) == data
    lib.MmsValue_delete(value)


def test_utc_time_via_write_object_and_timestamp_read(conn):
    lib = conn.lib
    v = lib.MmsValue_newUtcTimeByMsTime(1700000000123)
    assert conn.write_value(ref("SetTs"), FC_SP, v) == IED_ERROR_OK
    assert conn.read_printed(ref("SetTs"), FC_SP) == \
        (MMS_UTC_TIME, "20231114221320.123Z", IED_ERROR_OK)
    value, err = conn.call("readObject", ref("SetTs"), FC_SP)
    assert err == IED_ERROR_OK
    assert lib.MmsValue_getUtcTimeInMs(value) == 1700000000123
    lib.MmsValue_delete(value)
    ts = (ctypes.c_uint8 * 8)()
    ret, err = conn.call("readTimestampValue", ref("SetTs"), FC_SP, ts)
    assert err == IED_ERROR_OK
    # Observed on the reference: the caller's Timestamp is filled and returned; the bytes
    # are the 8 octets of the UtcTime (seconds, fraction of 2^-24 s, time quality 0x0a
    # which MmsValue_newUtcTimeByMsTime sets).
    assert ret == ctypes.addressof(ts)
    assert bytes(ts).hex() == "6553f1001f7ced0a"


@pytest.mark.parametrize("bits,value,printed", [
    (13, 0x0801, "1000000000010"), (13, 0, "0000000000000"), (13, 0x1fff, "1111111111111"),
])
def test_quality_via_write_object(conn, bits, value, printed):
    lib = conn.lib
    v = lib.MmsValue_newBitString(bits)
    lib.MmsValue_setBitStringFromInteger(v, value)
    assert conn.write_value(ref("SetQ"), FC_SP, v) == IED_ERROR_OK
    assert conn.read_printed(ref("SetQ"), FC_SP) == (MMS_BIT_STRING, printed, IED_ERROR_OK)
    assert conn.call("readQualityValue", ref("SetQ"), FC_SP) == (value, IED_ERROR_OK)


@pytest.mark.parametrize("reference,fc", [
    (b"DEMOProt/LLN0.EventsRCB01.OptFlds", 15),  # 10 bits (FC RP)
    (b"DEMOProt/LLN0.EventsRCB01.TrgOps", 15),  # 6 bits
])
def test_quality_of_another_bit_string_is_refused(conn, reference, fc):
    """Observed on the reference: a bit string that is not 13 bits long is no quality."""
    assert conn.call("readQualityValue", reference, fc) == (0, IED_ERROR_UNEXPECTED_VALUE)


@pytest.mark.parametrize("reference,expected", [
    (G + b"IntIn.q", IED_ERROR_UNEXPECTED_VALUE),  # not a UtcTime
    (G + b"Nope.t", IED_ERROR_OBJECT_NONEXISTENT),
])
def test_failed_timestamp_read_returns_the_callers_timestamp(conn, reference, expected):
    """Observed on the reference: the caller's Timestamp comes back, untouched."""
    ts = (ctypes.c_uint8 * 8)(*range(1, 9))
    ret, err = conn.call("readTimestampValue", reference, FC_ST, ts)
    assert (ret, err) == (ctypes.addressof(ts), expected)
    assert list(ts) == list(range(1, 9))
    assert conn.call("readTimestampValue", reference, FC_ST, None) == (None, expected)


# Server-side updates (the refserver "set" command) read by the client.

def test_server_updates_reach_the_client(conn, server):
    server.set("DEMOMeas/GAPC1.IntIn.stVal", "int32", "-123456")
    assert conn.call("readInt32Value", G + b"IntIn.stVal", FC_ST) == (-123456, IED_ERROR_OK)
    server.set("DEMOMeas/GAPC1.CntRs.actVal", "int64", "-5000000000")
    assert conn.call("readInt64Value", G + b"CntRs.actVal", FC_ST) == \
        (-5000000000, IED_ERROR_OK)
    server.set("DEMOMeas/GAPC1.UIntIn.stVal", "uint32", "77")
    assert conn.call("readUnsigned32Value", G + b"UIntIn.stVal", FC_ST) == (77, IED_ERROR_OK)
    server.set("DEMOMeas/MMXU1.TotW.mag.f", "float", "-2.5")
    assert conn.call("readFloatValue", b"DEMOMeas/MMXU1.TotW.mag.f", FC_MX) == \
        (-2.5, IED_ERROR_OK)
    server.set("DEMOProt/GGIO1.Ind1.stVal", "bool", "true")
    assert conn.call("readBooleanValue", b"DEMOProt/GGIO1.Ind1.stVal", FC_ST) == \
        (True, IED_ERROR_OK)
    server.set("DEMOMeas/GAPC1.StrIn.stVal", "string", "updated by server")
    assert conn.read_string(G + b"StrIn.stVal", FC_ST) == (b"updated by server", IED_ERROR_OK)
    # QUALITY_VALIDITY_QUESTIONABLE | QUALITY_DETAIL_OLD_DATA | QUALITY_TEST
    server.set("DEMOMeas/GAPC1.IntIn.q", "quality", str(3 | 128 | 2048))
    assert conn.call("readQualityValue", G + b"IntIn.q", FC_ST) == \
        (3 | 128 | 2048, IED_ERROR_OK)
    assert conn.read_printed(G + b"IntIn.q", FC_ST) == \
        (MMS_BIT_STRING, "1100000100010", IED_ERROR_OK)
    server.set("DEMOMeas/GAPC1.IntIn.t", "utctime", "1600000000500")
    assert conn.read_printed(G + b"IntIn.t", FC_ST) == \
        (MMS_UTC_TIME, "20200913122640.500Z", IED_ERROR_OK)
    server.set("DEMOMeas/GAPC1.OctIn.stVal", "octets", "00ff10")
    assert conn.read_printed(G + b"OctIn.stVal", FC_ST) == \
        (MMS_OCTET_STRING, "00ff10", IED_ERROR_OK)
