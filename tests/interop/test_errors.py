"""Error codes of the read/write services, as the reference client reports them.

All expected codes were observed on the reference (libiec61850 1.6.1) against the
reference server on demo.cfg; every test runs on the reference and on our library.
"""

import ctypes

import pytest

from differential import (
    DATA_ACCESS_ERROR_OBJECT_NON_EXISTENT, FC_CF, FC_CO, FC_EX, FC_MX, FC_SP, FC_ST,
    IED_ERROR_ACCESS_DENIED, IED_ERROR_OBJECT_DOES_NOT_EXIST, IED_ERROR_OBJECT_REFERENCE_INVALID,
    IED_ERROR_OK, IED_ERROR_TYPE_INCONSISTENT, IED_ERROR_UNEXPECTED_VALUE_RECEIVED,
    MMS_DATA_ACCESS_ERROR)

# Well-formed references the server does not have (unknown DO, LN, LD, or wrong FC).
MISSING = [
    (b"DEMOMeas/GAPC1.Nope.stVal", FC_ST),
    (b"DEMOMeas/XXXX1.IntIn.stVal", FC_ST),
    (b"NOLD/GAPC1.IntIn.stVal", FC_ST),
    (b"DEMOMeas/GAPC1.IntIn.stVal", FC_MX),
]
# References the client rejects itself: no "/", empty, FC out of range.
MALFORMED = [
    (b"garbage", FC_ST),
    (b"", FC_ST),
    (b"DEMOMeas/GAPC1.IntIn.stVal", 99),
]


@pytest.mark.parametrize("objref,fc", MISSING)
def test_missing_object(conn, objref, fc):
    # Observed on the reference: readObject succeeds with a DATA_ACCESS_ERROR value
    # (object-non-existent), the typed services report OBJECT_DOES_NOT_EXIST.
    value, err = conn.call("readObject", objref, fc)
    assert err == IED_ERROR_OK
    assert value
    assert conn.lib.MmsValue_getType(value) == MMS_DATA_ACCESS_ERROR
    assert conn.lib.MmsValue_getDataAccessError(value) == DATA_ACCESS_ERROR_OBJECT_NON_EXISTENT
    conn.lib.MmsValue_delete(value)
    assert conn.read_printed(objref, fc)[1:] == ("error 10", IED_ERROR_OK)
    assert conn.call("readInt32Value", objref, fc) == (0, IED_ERROR_OBJECT_DOES_NOT_EXIST)
    assert conn.call("writeInt32Value", objref, fc, 1)[1] == IED_ERROR_OBJECT_DOES_NOT_EXIST


@pytest.mark.parametrize("objref,fc", MALFORMED)
def test_malformed_reference(conn, objref, fc):
    assert conn.call("readObject", objref, fc) == (None, IED_ERROR_OBJECT_REFERENCE_INVALID)
    assert conn.call("readInt32Value", objref, fc) == (0, IED_ERROR_OBJECT_REFERENCE_INVALID)
    assert conn.call("writeInt32Value", objref, fc, 1)[1] == IED_ERROR_OBJECT_REFERENCE_INVALID


def test_connection_survives_errors(conn):
    conn.call("readInt32Value", b"garbage", FC_ST)
    conn.call("readInt32Value", b"NOLD/GAPC1.IntIn.stVal", FC_ST)
    assert conn.call("readInt32Value", b"DEMOMeas/GAPC1.IntIn.stVal", FC_ST) == \
        (-42, IED_ERROR_OK)


def test_typed_read_of_wrong_type(conn):
    i32 = b"DEMOMeas/GAPC1.IntIn.stVal"
    # Observed on the reference: UNEXPECTED_VALUE_RECEIVED, with a zero/NULL result.
    assert conn.call("readInt32Value", b"DEMOMeas/MMXU1.TotW.mag.f", FC_MX) == \
        (0, IED_ERROR_UNEXPECTED_VALUE_RECEIVED)
    assert conn.call("readFloatValue", i32, FC_ST) == (0.0, IED_ERROR_UNEXPECTED_VALUE_RECEIVED)
    assert conn.read_string(i32, FC_ST) == (None, IED_ERROR_UNEXPECTED_VALUE_RECEIVED)
    assert conn.call("readBooleanValue", i32, FC_ST) == \
        (False, IED_ERROR_UNEXPECTED_VALUE_RECEIVED)
    assert conn.call("readQualityValue", i32, FC_ST) == (0, IED_ERROR_UNEXPECTED_VALUE_RECEIVED)
    assert conn.call("readInt32Value", b"DEMOMeas/GAPC1.IntIn", FC_ST) == \
        (0, IED_ERROR_UNEXPECTED_VALUE_RECEIVED)
    ts = (ctypes.c_uint8 * 8)()
    assert conn.call("readTimestampValue", i32, FC_ST, ts)[1] == \
        IED_ERROR_UNEXPECTED_VALUE_RECEIVED


def test_typed_reads_that_convert(conn):
    # Observed on the reference: integers and unsigned values convert between the
    # int32/int64/uint32 readers without an error.
    assert conn.call("readInt64Value", b"DEMOMeas/GAPC1.IntIn.stVal", FC_ST) == \
        (-42, IED_ERROR_OK)
    assert conn.call("readInt32Value", b"DEMOMeas/GAPC1.UIntIn.stVal", FC_ST) == \
        (4000000, IED_ERROR_OK)


def test_write_access_denied(conn):
    # ST and MX are not writable; EX is denied; CO cannot be written as a single attribute.
    assert conn.call("writeInt32Value", b"DEMOMeas/GAPC1.IntIn.stVal", FC_ST, 5)[1] == \
        IED_ERROR_ACCESS_DENIED
    assert conn.call("writeFloatValue", b"DEMOMeas/MMXU1.TotW.mag.f", FC_MX, 5.0)[1] == \
        IED_ERROR_ACCESS_DENIED
    assert conn.call("writeVisibleStringValue", b"DEMOMeas/LLN0.NamPlt.ldNs", FC_EX, b"x")[1] \
        == IED_ERROR_ACCESS_DENIED
    assert conn.call("writeBooleanValue", b"DEMOProt/GGIO1.SPCSO1.Oper.ctlVal", FC_CO,
                     True)[1] == IED_ERROR_ACCESS_DENIED
    assert conn.call("readInt32Value", b"DEMOMeas/GAPC1.IntIn.stVal", FC_ST) == \
        (-42, IED_ERROR_OK)


def test_write_type_inconsistent(conn):
    i32 = b"DEMOMeas/GAPC1.SetI32.setVal"
    assert conn.call("writeFloatValue", i32, FC_SP, 5.0)[1] == IED_ERROR_TYPE_INCONSISTENT
    assert conn.call("writeBooleanValue", i32, FC_SP, True)[1] == IED_ERROR_TYPE_INCONSISTENT
    assert conn.call("writeVisibleStringValue", i32, FC_SP, b"x")[1] == \
        IED_ERROR_TYPE_INCONSISTENT
    # int32 into an unsigned attribute, float into a FLOAT64, visible into unicode string
    assert conn.call("writeInt32Value", b"DEMOMeas/GAPC1.SetU16.setVal", FC_SP, 1000)[1] == \
        IED_ERROR_TYPE_INCONSISTENT
    assert conn.call("writeFloatValue", b"DEMOMeas/GAPC1.SetF64.setVal", FC_SP, 2.5)[1] == \
        IED_ERROR_TYPE_INCONSISTENT
    assert conn.call("writeVisibleStringValue", b"DEMOMeas/GAPC1.SetUni.setVal", FC_SP,
                     b"x")[1] == IED_ERROR_TYPE_INCONSISTENT
    lib = conn.lib
    assert conn.write_value("DEMOMeas/GAPC1.SetBool.setVal", FC_SP,
                            lib.MmsValue_newIntegerFromInt32(5)) == IED_ERROR_TYPE_INCONSISTENT
    # Observed on the reference: on ST the type check comes before the access check.
    assert conn.write_value("DEMOMeas/GAPC1.IntIn.stVal", FC_ST,
                            lib.MmsValue_newBoolean(True)) == IED_ERROR_TYPE_INCONSISTENT
    assert conn.call("readInt32Value", i32, FC_SP)[1] == IED_ERROR_OK


def test_write_wrong_fc(conn):
    # The attribute exists with FC SP, not CF.
    assert conn.call("writeInt32Value", b"DEMOMeas/GAPC1.SetI32.setVal", FC_CF, 5)[1] == \
        IED_ERROR_OBJECT_DOES_NOT_EXIST
