"""Every attribute of the demo model, read back by the client as the server initialised it.

Expected values come from demo.cfg; the MmsValue types and printed forms were
observed with the reference client against the reference server.
"""

import harness
from differential import IED_ERROR_OK, FC_MX, FC_ST

# DataAttributeType -> (MmsType, printed value when the model gives no initial value)
EXPECTED_BY_TYPE = {
    0: (2, "false"),  # BOOLEAN
    1: (4, "0"), 2: (4, "0"), 3: (4, "0"), 4: (4, "0"),  # INT8..INT64
    6: (5, "0"), 7: (5, "0"), 9: (5, "0"),  # INT8U, INT16U, INT32U
    10: (6, "0.000000"), 11: (6, "0.000000"),  # FLOAT32, FLOAT64
    12: (4, "0"),  # ENUMERATED
    13: (7, ""),  # OCTET_STRING_64 (printed as hex)
    16: (8, ""), 19: (8, ""), 20: (8, ""),  # VISIBLE_STRING_32/129/255
    21: (13, ""),  # UNICODE_STRING_255 (MMS_STRING)
    22: (14, "19700101000000.000Z"),  # TIMESTAMP
    23: (3, "0000000000000"),  # QUALITY: 13 bits
    24: (3, "00"),  # CHECK: 2 bits
}


# Values the reference server fills in itself (observed).
SERVER_SET = {"DEMOProt/GGIO1.SPCSO2.SBO": (8, "DEMOProt/GGIO1$CO$SPCSO2")}


def expected(ref, da_type, init):
    if ref in SERVER_SET:
        return SERVER_SET[ref]
    mms_type, default = EXPECTED_BY_TYPE[da_type]
    if init is None:
        return mms_type, default
    if da_type == 0:
        return mms_type, "true" if init in ("1", "true") else "false"
    if da_type in (10, 11):
        return mms_type, "%f" % float(init)
    return mms_type, init


def test_every_attribute_reads_its_initial_value(conn):
    attrs = harness.model_attributes()
    assert len(attrs) > 150
    wrong = []
    for ref, fc, da_type, init in attrs:
        mms_type, text, err = conn.read_printed(ref, fc)
        want = expected(ref, da_type, init)
        if (mms_type, text, err) != (*want, IED_ERROR_OK):
            wrong.append((ref, fc, (mms_type, text, err), want))
    assert wrong == []


def test_read_data_object_and_logical_node(conn):
    # Observed on the reference: the structure keeps the model order.
    assert conn.read_printed("DEMOMeas/MMXU1.TotW", FC_MX) == (
        1, "{{1500.250000},0000000000000,19700101000000.000Z}", IED_ERROR_OK)
    assert conn.read_printed("DEMOMeas/MMXU1", FC_MX) == (
        1, "{{{1500.250000},0000000000000,19700101000000.000Z},"
           "{{-200.500000},0000000000000,19700101000000.000Z},"
           "{{50.000000},0000000000000,19700101000000.000Z}}", IED_ERROR_OK)
    assert conn.read_printed("DEMOProt/GGIO1.Ind2", FC_ST) == (
        1, "{true,0000000000000,19700101000000.000Z}", IED_ERROR_OK)


def test_report_control_blocks_are_served(conn):
    # Observed on the reference: RCBs are read as LD/LLN0.<name> with FC RP or BR.
    assert conn.read_printed("DEMOProt/LLN0.EventsRCB01", 15) == (
        1, "{Events,false,false,DEMOProt/LLN0$Events,1,0111101110,50,0,011011,1000,false}",
        IED_ERROR_OK)
    assert conn.read_printed("DEMOProt/LLN0.StatusBRCB01.DatSet", 16) == (
        8, "DEMOProt/LLN0$Status", IED_ERROR_OK)
    assert conn.read_printed("DEMOMeas/LLN0.MeasRCB01.RptID", 15) == (
        8, "Measurements", IED_ERROR_OK)
