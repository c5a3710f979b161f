"""Model discovery: server, logical device, logical node and data directories, the device
model, variable specifications, and reads/writes of array elements and components.

Every test runs on the reference client and on ours against a reference server on
tests/fixtures/directory.cfg (and large.cfg for GetNameList paging). All expected values
were observed on the reference (libiec61850 1.6.1); names are returned as the reference
server sorts them (see `reference_order`) unless a comment says otherwise.
"""

import os
import sys

import pytest

import differential
import harness
from differential import (
    FC_CF, FC_CO, FC_DC, FC_MX, FC_SP, FC_ST, IED_ERROR_OBJECT_DOES_NOT_EXIST,
    IED_ERROR_OBJECT_REFERENCE_INVALID, IED_ERROR_OK, MMS_DATA_ACCESS_ERROR, MMS_FLOAT,
    MMS_INTEGER, MMS_STRUCTURE, string_list_call)

sys.path.insert(0, os.path.join(harness.REPO, "tests", "fixtures"))
import gen_large  # noqa: E402

FC_SV, FC_SG, FC_SE, FC_BL, FC_RP, FC_BR, FC_ALL, FC_NONE = 3, 6, 7, 10, 15, 16, 99, -1
MMS_ARRAY, MMS_BOOLEAN, MMS_BIT_STRING, MMS_UNSIGNED = 0, 2, 3, 5
MMS_OCTET_STRING, MMS_VISIBLE_STRING, MMS_UTC_TIME = 7, 8, 14
IED_ERROR_USER_PROVIDED_INVALID_ARGUMENT = 10
IED_ERROR_OBJECT_VALUE_INVALID = 32
IED_ERROR_MALFORMED_MESSAGE = 34
IED_ERROR_UNKNOWN = 99
DATA_ACCESS_ERROR_OBJECT_NONE_EXISTENT = 10
(ACSI_DATA_OBJECT, ACSI_DATA_SET, ACSI_BRCB, ACSI_URCB, ACSI_LCB, ACSI_LOG, ACSI_SGCB,
 ACSI_GOCB, ACSI_GSCB, ACSI_MSVCB, ACSI_USVCB) = range(11)

PROBE = (b"DIRDev/GAPC1.Set1.setVal", FC_SP)  # an INT32 the connection check reads


@pytest.fixture(scope="module")
def server():
    """A reference server on directory.cfg for this module."""
    with harness.reference_server_ctl(harness.DIRECTORY_MODEL) as srv:
        yield srv


@pytest.fixture
def conn(client, server):
    """A client of the library under test connected to the directory.cfg server."""
    assert differential.connect_verified(client, server.port, probe=PROBE) == IED_ERROR_OK
    return client


def reference_order(name):
    """Sort key of the reference server's name lists (observed): letters as A a B b ... Z z,
    then `$`, `_`, then digits; a name sorts before its extensions."""
    key = []
    for ch in name:
        if ch.isalpha():
            key.append(2 * (ord(ch.upper()) - ord("A")) + ch.islower())
        elif ch == "$":
            key.append(60)
        elif ch == "_":
            key.append(61)
        elif ch.isdigit():
            key.append(70 + int(ch))
        else:
            key.append(100 + ord(ch))
    return key


def ls(conn, name, *args):
    return string_list_call(conn, name, *args)


# --- server and logical device directories --------------------------------------------

def test_server_directory_lists_logical_devices(conn):
    # Observed on the reference: LD names (IED name + LD instance), sorted.
    assert ls(conn, "getServerDirectory", False) == (["DIRAux", "DIRDev"], IED_ERROR_OK)
    assert ls(conn, "getLogicalDeviceList") == (["DIRAux", "DIRDev"], IED_ERROR_OK)


@pytest.mark.parametrize("ld,expected", [
    (b"DIRDev", (["GAPC1", "GGIO1", "LLN0", "MMXU1"], IED_ERROR_OK)),
    (b"DIRAux", (["LLN0", "LPHD1"], IED_ERROR_OK)),
    # Observed on the reference: an unknown or empty LD name is OBJECT_REFERENCE_INVALID.
    (b"NOPE", (None, IED_ERROR_OBJECT_REFERENCE_INVALID)),
    (b"", (None, IED_ERROR_OBJECT_REFERENCE_INVALID)),
])
def test_logical_device_directory(conn, ld, expected):
    assert ls(conn, "getLogicalDeviceDirectory", ld) == expected


# --- logical node variables and logical device variables ------------------------------

# Observed on the reference: getLogicalNodeVariables gives the MMS variable names below the
# LN with the `LN$` prefix removed: the FC names, then every `FC$DO[$DA...]` path (arrays
# are not expanded), in the server's sort order.
LN_VARIABLES = {
    "GAPC1": [
        "MX", "MX$Hist", "MX$Hist$vals", "SG", "SG$SgVal", "SG$SgVal$setVal", "SP", "SP$Arr",
        "SP$Arr$vals", "SP$Set1", "SP$Set1$setVal", "SP$Set2", "SP$Set2$setVal", "SP$Str",
        "SP$Str$setVal"
    ],
    "GGIO1": [
        "BL", "BL$AnIn1", "BL$AnIn1$blkEna", "CF", "CF$AnIn1", "CF$AnIn1$db",
        "CF$AnIn1$units", "CF$AnIn1$units$multiplier", "CF$AnIn1$units$SIUnit", "CF$SPCSO1",
        "CF$SPCSO1$ctlModel", "CO", "CO$SPCSO1", "CO$SPCSO1$Oper", "CO$SPCSO1$Oper$Check",
        "CO$SPCSO1$Oper$ctlNum", "CO$SPCSO1$Oper$ctlVal", "CO$SPCSO1$Oper$origin",
        "CO$SPCSO1$Oper$origin$orCat", "CO$SPCSO1$Oper$origin$orIdent", "CO$SPCSO1$Oper$T",
        "CO$SPCSO1$Oper$Test", "DC", "DC$AnIn1", "DC$AnIn1$d", "MX", "MX$AnIn1",
        "MX$AnIn1$mag", "MX$AnIn1$mag$f", "MX$AnIn1$q", "MX$AnIn1$t", "ST", "ST$Ind1",
        "ST$Ind1$q", "ST$Ind1$stVal", "ST$Ind1$t", "ST$Ind2", "ST$Ind2$q", "ST$Ind2$stVal",
        "ST$Ind2$t", "ST$SPCSO1", "ST$SPCSO1$q", "ST$SPCSO1$stVal", "ST$SPCSO1$t", "SV",
        "SV$AnIn1", "SV$AnIn1$subEna"
    ],
    "LLN0": [
        "BR", "BR$brcbA", "BR$brcbA$BufTm", "BR$brcbA$ConfRev", "BR$brcbA$DatSet",
        "BR$brcbA$EntryID", "BR$brcbA$GI", "BR$brcbA$IntgPd", "BR$brcbA$OptFlds",
        "BR$brcbA$PurgeBuf", "BR$brcbA$ResvTms", "BR$brcbA$RptEna", "BR$brcbA$RptID",
        "BR$brcbA$SqNum", "BR$brcbA$TimeofEntry", "BR$brcbA$TrgOps", "CF", "CF$Mod",
        "CF$Mod$ctlModel", "DC", "DC$NamPlt", "DC$NamPlt$d", "DC$NamPlt$vendor", "GO",
        "GO$gcbEvents", "GO$gcbEvents$ConfRev", "GO$gcbEvents$DatSet",
        "GO$gcbEvents$DstAddress", "GO$gcbEvents$DstAddress$Addr",
        "GO$gcbEvents$DstAddress$APPID", "GO$gcbEvents$DstAddress$PRIORITY",
        "GO$gcbEvents$DstAddress$VID", "GO$gcbEvents$FixedOffs", "GO$gcbEvents$GoEna",
        "GO$gcbEvents$GoID", "GO$gcbEvents$MaxTime", "GO$gcbEvents$MinTime",
        "GO$gcbEvents$NdsCom", "LG", "LG$EventLog", "LG$EventLog$DatSet",
        "LG$EventLog$IntgPd", "LG$EventLog$LogEna", "LG$EventLog$LogRef",
        "LG$EventLog$NewEntr", "LG$EventLog$NewEntrTm", "LG$EventLog$OldEntr",
        "LG$EventLog$OldEntrTm", "LG$EventLog$TrgOps", "MS", "MS$msvA", "MS$msvA$ConfRev",
        "MS$msvA$DatSet", "MS$msvA$DstAddress", "MS$msvA$DstAddress$Addr",
        "MS$msvA$DstAddress$APPID", "MS$msvA$DstAddress$PRIORITY", "MS$msvA$DstAddress$VID",
        "MS$msvA$MsvID", "MS$msvA$noASDU", "MS$msvA$OptFlds", "MS$msvA$SmpMod",
        "MS$msvA$SmpRate", "MS$msvA$SvEna", "RP", "RP$urcbA", "RP$urcbA$BufTm",
        "RP$urcbA$ConfRev", "RP$urcbA$DatSet", "RP$urcbA$GI", "RP$urcbA$IntgPd",
        "RP$urcbA$OptFlds", "RP$urcbA$Resv", "RP$urcbA$RptEna", "RP$urcbA$RptID",
        "RP$urcbA$SqNum", "RP$urcbA$TrgOps", "SP", "SP$SGCB", "SP$SGCB$ActSG",
        "SP$SGCB$CnfEdit", "SP$SGCB$EditSG", "SP$SGCB$LActTm", "SP$SGCB$NumOfSG",
        "SP$SGCB$ResvTms", "ST", "ST$Mod", "ST$Mod$q", "ST$Mod$stVal", "ST$Mod$t", "US",
        "US$usvA", "US$usvA$ConfRev", "US$usvA$DatSet", "US$usvA$DstAddress",
        "US$usvA$DstAddress$Addr", "US$usvA$DstAddress$APPID", "US$usvA$DstAddress$PRIORITY",
        "US$usvA$DstAddress$VID", "US$usvA$noASDU", "US$usvA$OptFlds", "US$usvA$Resv",
        "US$usvA$SmpMod", "US$usvA$SmpRate", "US$usvA$SvEna", "US$usvA$UsvID"
    ],
    "MMXU1": [
        "CF", "CF$A", "CF$A$phsA", "CF$A$phsA$units", "CF$A$phsA$units$SIUnit", "MX", "MX$A",
        "MX$A$phsA", "MX$A$phsA$cVal", "MX$A$phsA$cVal$mag", "MX$A$phsA$cVal$mag$f",
        "MX$A$phsA$q", "MX$A$phsA$t", "MX$A$phsB", "MX$A$phsB$cVal", "MX$A$phsB$cVal$mag",
        "MX$A$phsB$cVal$mag$f", "MX$A$phsB$q", "MX$A$phsB$t"
    ],
}
AUX_VARIABLES = [
    "LLN0", "LLN0$ST", "LLN0$ST$Mod", "LLN0$ST$Mod$q", "LLN0$ST$Mod$stVal", "LLN0$ST$Mod$t",
    "LPHD1", "LPHD1$DC", "LPHD1$DC$PhyNam", "LPHD1$DC$PhyNam$vendor",
]


@pytest.mark.parametrize("ln", sorted(LN_VARIABLES))
def test_logical_node_variables(conn, ln):
    assert ls(conn, "getLogicalNodeVariables", b"DIRDev/" + ln.encode()) == \
        (LN_VARIABLES[ln], IED_ERROR_OK)


@pytest.mark.parametrize("lnref,expected", [
    # Observed on the reference: an unknown LN gives an empty list, an unknown LD or a
    # reference without "/" OBJECT_REFERENCE_INVALID.
    (b"DIRDev/NOPE1", ([], IED_ERROR_OK)),
    (b"NOPE/LLN0", (None, IED_ERROR_OBJECT_REFERENCE_INVALID)),
    (b"DIRDev", (None, IED_ERROR_OBJECT_REFERENCE_INVALID)),
])
def test_logical_node_variables_errors(conn, lnref, expected):
    assert ls(conn, "getLogicalNodeVariables", lnref) == expected


def test_logical_device_variables(conn):
    # Observed on the reference: every MMS variable of the domain, `LN`, `LN$FC`,
    # `LN$FC$DO...`, sorted, no duplicates.
    expected = []
    for ln in ["GAPC1", "GGIO1", "LLN0", "MMXU1"]:
        expected += [ln] + [f"{ln}${v}" for v in LN_VARIABLES[ln]]
    names, err = ls(conn, "getLogicalDeviceVariables", b"DIRDev")
    assert err == IED_ERROR_OK
    assert len(names) == 191
    assert names == expected
    assert names == sorted(names, key=reference_order)
    assert ls(conn, "getLogicalDeviceVariables", b"DIRAux") == (AUX_VARIABLES, IED_ERROR_OK)


@pytest.mark.parametrize("ld", [b"NOPE", b""])
def test_logical_device_variables_unknown(conn, ld):
    # Observed on the reference: OBJECT_DOES_NOT_EXIST (unlike getLogicalDeviceDirectory).
    assert ls(conn, "getLogicalDeviceVariables", ld) == (None, IED_ERROR_OBJECT_DOES_NOT_EXIST)
    assert ls(conn, "getLogicalDeviceDataSets", ld) == (None, IED_ERROR_OBJECT_DOES_NOT_EXIST)


def test_logical_device_data_sets(conn):
    # Observed on the reference: `LN$name` of each domain-specific data set, sorted.
    assert ls(conn, "getLogicalDeviceDataSets", b"DIRDev") == \
        (["LLN0$Events", "LLN0$Settings"], IED_ERROR_OK)
    assert ls(conn, "getLogicalDeviceDataSets", b"DIRAux") == ([], IED_ERROR_OK)


# --- logical node directory per ACSI class --------------------------------------------

def _classes(**named):
    """Expected result per ACSI class: an empty list unless named."""
    names = ["DATA_OBJECT", "DATA_SET", "BRCB", "URCB", "LCB", "LOG", "SGCB", "GoCB", "GsCB",
             "MSVCB", "USVCB"]
    return {i: (named.get(n, []), IED_ERROR_OK) for i, n in enumerate(names)}


# Observed on the reference:
# - DATA_OBJECT: the distinct names at `LN$FC$name` in first-seen order (so grouped by FC),
#   except under FC RP, BR and GO; LOG/LCB names (LG), SV control blocks (MS, US) and the
#   SGCB (SP) are listed.
# - DATA_SET: data sets of the LN (`LN$name` stripped to `name`); LOG: journals of the LN.
# - BRCB, URCB, LCB, GoCB: names under BR, RP, LG, GO.
# - SGCB: ["SGCB"] for every LN name of an LD whose LLN0 has one, even an unknown LN.
# - GsCB, MSVCB, USVCB: always empty, even when the LN has MS/US control blocks.
LN_DIRECTORY = {
    b"DIRDev/LLN0": _classes(
        DATA_OBJECT=["Mod", "NamPlt", "EventLog", "msvA", "SGCB", "usvA"],
        DATA_SET=["Events", "Settings"], BRCB=["brcbA"], URCB=["urcbA"], LCB=["EventLog"],
        LOG=["EventLog"], SGCB=["SGCB"], GoCB=["gcbEvents"]),
    b"DIRDev/GGIO1": _classes(DATA_OBJECT=["AnIn1", "SPCSO1", "Ind1", "Ind2"], SGCB=["SGCB"]),
    b"DIRDev/GAPC1": _classes(
        DATA_OBJECT=["Hist", "SgVal", "Arr", "Set1", "Set2", "Str"], SGCB=["SGCB"]),
    b"DIRDev/MMXU1": _classes(DATA_OBJECT=["A"], SGCB=["SGCB"]),
    b"DIRDev/NOPE1": _classes(SGCB=["SGCB"]),
    b"DIRAux/LLN0": _classes(DATA_OBJECT=["Mod"]),
    b"DIRAux/NOPE1": _classes(),
    # Unknown LD: DATA_SET and LOG ask the server (OBJECT_DOES_NOT_EXIST), the other
    # classes give OBJECT_REFERENCE_INVALID.
    b"NOPE/LLN0": {i: (None, IED_ERROR_OBJECT_DOES_NOT_EXIST if i in (ACSI_DATA_SET, ACSI_LOG)
                       else IED_ERROR_OBJECT_REFERENCE_INVALID) for i in range(11)},
    # No "/": USER_PROVIDED_INVALID_ARGUMENT for every class.
    b"DIRDev": {i: (None, IED_ERROR_USER_PROVIDED_INVALID_ARGUMENT) for i in range(11)},
}


@pytest.mark.parametrize("lnref", list(LN_DIRECTORY), ids=lambda r: r.decode())
def test_logical_node_directory(conn, lnref):
    got = {cls: ls(conn, "getLogicalNodeDirectory", lnref, cls) for cls in range(11)}
    assert got == LN_DIRECTORY[lnref]


# --- data directories ------------------------------------------------------------------

# Observed on the reference, per data reference: getDataDirectory (names, duplicates across
# FCs removed), getDataDirectoryFC (`name[FC]`, one entry per FC, grouped by FC in the
# server's order), and getDataDirectoryByFC for the FCs that are not empty.
DATA_DIRECTORY = {
    b"DIRDev/GGIO1.AnIn1": (
        ["blkEna", "db", "units", "d", "mag", "q", "t", "subEna"],
        ["blkEna[BL]", "db[CF]", "units[CF]", "d[DC]", "mag[MX]", "q[MX]", "t[MX]",
         "subEna[SV]"],
        {FC_MX: ["mag", "q", "t"], FC_SV: ["subEna"], FC_CF: ["db", "units"], FC_DC: ["d"],
         FC_BL: ["blkEna"]}),
    b"DIRDev/GGIO1.SPCSO1": (
        ["ctlModel", "Oper", "q", "stVal", "t"],
        ["ctlModel[CF]", "Oper[CO]", "q[ST]", "stVal[ST]", "t[ST]"],
        {FC_ST: ["q", "stVal", "t"], FC_CF: ["ctlModel"], FC_CO: ["Oper"]}),
    b"DIRDev/GGIO1.SPCSO1.Oper": (
        ["Check", "ctlNum", "ctlVal", "origin", "T", "Test"],
        ["Check[CO]", "ctlNum[CO]", "ctlVal[CO]", "origin[CO]", "T[CO]", "Test[CO]"],
        {FC_CO: ["Check", "ctlNum", "ctlVal", "origin", "T", "Test"]}),
    # `$` separators are accepted like `.`.
    b"DIRDev/GGIO1.SPCSO1$Oper": (
        ["Check", "ctlNum", "ctlVal", "origin", "T", "Test"],
        ["Check[CO]", "ctlNum[CO]", "ctlVal[CO]", "origin[CO]", "T[CO]", "Test[CO]"],
        {FC_CO: ["Check", "ctlNum", "ctlVal", "origin", "T", "Test"]}),
    b"DIRDev/GGIO1.SPCSO1.Oper.origin": (
        ["orCat", "orIdent"], ["orCat[CO]", "orIdent[CO]"], {FC_CO: ["orCat", "orIdent"]}),
    b"DIRDev/GGIO1.AnIn1.mag": (["f"], ["f[MX]"], {FC_MX: ["f"]}),
    b"DIRDev/LLN0.Mod": (
        ["ctlModel", "q", "stVal", "t"], ["ctlModel[CF]", "q[ST]", "stVal[ST]", "t[ST]"],
        {FC_ST: ["q", "stVal", "t"], FC_CF: ["ctlModel"]}),
    # A sub-data object present under two FCs: once in getDataDirectory, twice with FCs.
    b"DIRDev/MMXU1.A": (
        ["phsA", "phsB"], ["phsA[CF]", "phsA[MX]", "phsB[MX]"],
        {FC_MX: ["phsA", "phsB"], FC_CF: ["phsA"]}),
    b"DIRDev/MMXU1.A.phsA": (
        ["units", "cVal", "q", "t"], ["units[CF]", "cVal[MX]", "q[MX]", "t[MX]"],
        {FC_MX: ["cVal", "q", "t"], FC_CF: ["units"]}),
    b"DIRDev/GAPC1.SgVal": (["setVal"], ["setVal[SG]"], {FC_SG: ["setVal"]}),
    b"DIRDev/GAPC1.Arr": (["vals"], ["vals[SP]"], {FC_SP: ["vals"]}),
    # Control blocks are listed too.
    b"DIRDev/LLN0.urcbA": (
        ["BufTm", "ConfRev", "DatSet", "GI", "IntgPd", "OptFlds", "Resv", "RptEna", "RptID",
         "SqNum", "TrgOps"],
        ["BufTm[RP]", "ConfRev[RP]", "DatSet[RP]", "GI[RP]", "IntgPd[RP]", "OptFlds[RP]",
         "Resv[RP]", "RptEna[RP]", "RptID[RP]", "SqNum[RP]", "TrgOps[RP]"],
        {FC_RP: ["BufTm", "ConfRev", "DatSet", "GI", "IntgPd", "OptFlds", "Resv", "RptEna",
                 "RptID", "SqNum", "TrgOps"]}),
    # Leaves, arrays (not expanded), unknown DOs and LNs: empty lists, no error.
    b"DIRDev/GGIO1.AnIn1.mag.f": ([], [], {}),
    b"DIRDev/GAPC1.Arr.vals": ([], [], {}),
    b"DIRDev/GGIO1.Nope": ([], [], {}),
    b"DIRDev/NOPE1.Mod": ([], [], {}),
}
DIRECTORY_FCS = [FC_ST, FC_MX, FC_SP, FC_SV, FC_CF, FC_DC, FC_SG, FC_SE, FC_BL, FC_CO, FC_RP,
                 FC_BR]


@pytest.mark.parametrize("dataref", list(DATA_DIRECTORY), ids=lambda r: r.decode())
def test_data_directory(conn, dataref):
    names, with_fc, by_fc = DATA_DIRECTORY[dataref]
    assert ls(conn, "getDataDirectory", dataref) == (names, IED_ERROR_OK)
    assert ls(conn, "getDataDirectoryFC", dataref) == (with_fc, IED_ERROR_OK)
    got = {fc: ls(conn, "getDataDirectoryByFC", dataref, fc) for fc in DIRECTORY_FCS}
    assert got == {fc: (by_fc.get(fc, []), IED_ERROR_OK) for fc in DIRECTORY_FCS}


@pytest.mark.parametrize("dataref", [b"NOPE/LLN0.Mod", b"DIRDev/GGIO1", b"DIRDev/"])
def test_data_directory_invalid_ref(conn, dataref):
    # Observed on the reference: an unknown LD, or no DO name: OBJECT_REFERENCE_INVALID.
    assert ls(conn, "getDataDirectory", dataref) == (None, IED_ERROR_OBJECT_REFERENCE_INVALID)
    assert ls(conn, "getDataDirectoryFC", dataref) == (None, IED_ERROR_OBJECT_REFERENCE_INVALID)
    for fc in (FC_ST, FC_CF):
        assert ls(conn, "getDataDirectoryByFC", dataref, fc) == \
            (None, IED_ERROR_OBJECT_REFERENCE_INVALID)


@pytest.mark.parametrize("fc", [FC_ALL, FC_NONE, 42])
def test_data_directory_by_invalid_fc(conn, fc):
    # Observed on the reference: FC ALL, NONE or out of range: OBJECT_REFERENCE_INVALID.
    assert ls(conn, "getDataDirectoryByFC", b"DIRDev/GGIO1.AnIn1", fc) == \
        (None, IED_ERROR_OBJECT_REFERENCE_INVALID)


def test_device_model_from_server_keeps_results(conn):
    assert conn.call("getDeviceModelFromServer") == (None, IED_ERROR_OK)
    # Observed on the reference: the directory services give the same results afterwards.
    assert ls(conn, "getServerDirectory", False) == (["DIRAux", "DIRDev"], IED_ERROR_OK)
    assert ls(conn, "getLogicalDeviceDirectory", b"DIRDev") == \
        (["GAPC1", "GGIO1", "LLN0", "MMXU1"], IED_ERROR_OK)
    for lnref in (b"DIRDev/LLN0", b"DIRDev/GGIO1", b"NOPE/LLN0"):
        got = {cls: ls(conn, "getLogicalNodeDirectory", lnref, cls) for cls in range(11)}
        assert got == LN_DIRECTORY[lnref]
    assert ls(conn, "getLogicalNodeVariables", b"DIRDev/GAPC1") == \
        (LN_VARIABLES["GAPC1"], IED_ERROR_OK)
    for dataref in (b"DIRDev/MMXU1.A", b"DIRDev/GGIO1.SPCSO1.Oper"):
        names, with_fc, _ = DATA_DIRECTORY[dataref]
        assert ls(conn, "getDataDirectory", dataref) == (names, IED_ERROR_OK)
        assert ls(conn, "getDataDirectoryFC", dataref) == (with_fc, IED_ERROR_OK)
    assert ls(conn, "getDataDirectory", b"NOPE/LLN0.Mod") == \
        (None, IED_ERROR_OBJECT_REFERENCE_INVALID)


# --- reads and writes of components and array elements ----------------------------------

def _write(conn, ref, fc, value):
    return conn.write_value(ref, fc, value)


def test_array_elements(conn):
    lib = conn.lib
    vals = b"DIRDev/GAPC1.Arr.vals"
    for i in range(5):
        assert _write(conn, b"%s(%d)" % (vals, i), FC_SP,
                      lib.MmsValue_newIntegerFromInt32(10 * i + 1)) == IED_ERROR_OK
    # Observed on the reference: the whole array is an MMS array, an element `(i)` its value,
    # the FCD a structure around the array.
    assert conn.read_printed(vals, FC_SP) == (MMS_ARRAY, "{1,11,21,31,41}", IED_ERROR_OK)
    assert conn.read_printed(vals + b"(2)", FC_SP) == (MMS_INTEGER, "21", IED_ERROR_OK)
    assert conn.read_printed(vals + b"(4)", FC_SP) == (MMS_INTEGER, "41", IED_ERROR_OK)
    assert conn.read_printed(b"DIRDev/GAPC1.Arr", FC_SP) == \
        (MMS_STRUCTURE, "{{1,11,21,31,41}}", IED_ERROR_OK)
    # Observed on the reference: an index past the end reads as a DATA_ACCESS_ERROR value
    # (object-non-existent); writing there gives UNKNOWN, a float into the integer
    # element OBJECT_VALUE_INVALID; the array is unchanged.
    assert conn.read_printed(vals + b"(5)", FC_SP) == \
        (MMS_DATA_ACCESS_ERROR, "error 10", IED_ERROR_OK)
    assert _write(conn, vals + b"(7)", FC_SP,
                  lib.MmsValue_newIntegerFromInt32(5)) == IED_ERROR_UNKNOWN
    assert _write(conn, vals + b"(1)", FC_SP,
                  lib.MmsValue_newFloat(1.0)) == IED_ERROR_OBJECT_VALUE_INVALID
    assert conn.read_printed(vals, FC_SP) == (MMS_ARRAY, "{1,11,21,31,41}", IED_ERROR_OK)


def test_float_array_element(conn):
    # Observed on the reference: arrays declared without initial values read as zeros.
    hist = b"DIRDev/GAPC1.Hist.vals"
    assert conn.read_printed(hist, FC_MX) == \
        (MMS_ARRAY, "{0.000000,0.000000,0.000000}", IED_ERROR_OK)
    assert conn.read_printed(hist + b"(1)", FC_MX) == (MMS_FLOAT, "0.000000", IED_ERROR_OK)


def test_components(conn):
    lib = conn.lib
    assert conn.read_printed(b"DIRDev/GGIO1.AnIn1", FC_MX) == \
        (MMS_STRUCTURE, "{{12.500000},0000000000000,19700101000000.000Z}", IED_ERROR_OK)
    assert conn.read_printed(b"DIRDev/GGIO1.AnIn1.mag.f", FC_MX) == \
        (MMS_FLOAT, "12.500000", IED_ERROR_OK)
    assert conn.read_printed(b"DIRDev/MMXU1.A", FC_MX) == (
        MMS_STRUCTURE,
        "{{{{1.500000}},0000000000000,19700101000000.000Z},"
        "{{{2.500000}},0000000000000,19700101000000.000Z}}", IED_ERROR_OK)
    assert conn.read_printed(b"DIRDev/MMXU1.A.phsB.cVal.mag.f", FC_MX) == \
        (MMS_FLOAT, "2.500000", IED_ERROR_OK)
    units = b"DIRDev/GGIO1.AnIn1.units"
    for mult in (3, 0):
        assert _write(conn, units + b".multiplier", FC_CF,
                      lib.MmsValue_newIntegerFromInt32(mult)) == IED_ERROR_OK
        assert conn.read_printed(units, FC_CF) == (MMS_STRUCTURE, "{5,%d}" % mult, IED_ERROR_OK)


# --- variable specifications -------------------------------------------------------------

def _spec(lib, spec):
    """(name, MmsType, size[, children | element | exponent width]) of a specification."""
    name = lib.MmsVariableSpecification_getName(spec)
    mms_type = lib.MmsVariableSpecification_getType(spec)
    size = lib.MmsVariableSpecification_getSize(spec)
    out = (name.decode() if name else None, mms_type, size)
    if mms_type == MMS_STRUCTURE:
        out += (tuple(_spec(lib, lib.MmsVariableSpecification_getChildSpecificationByIndex(
            spec, i)) for i in range(size)),)
    elif mms_type == MMS_ARRAY:
        out += (_spec(lib, lib.MmsVariableSpecification_getArrayElementSpecification(spec)),)
    elif mms_type == MMS_FLOAT:
        out += (lib.MmsVariableSpecification_getExponentWidth(spec),)
    return out


TS = ("t", MMS_UTC_TIME, -1)
Q = ("q", MMS_BIT_STRING, -13)
# Observed on the reference: the top-level specification has no name (NULL); getSize is
# the element count of structures and arrays, the bit width of integers, unsigned and
# floats, minus the maximum length of variable-length strings and bit strings, -1 for
# booleans and UTC times.
VARIABLE_SPECS = [
    (b"DIRDev/GGIO1.AnIn1", FC_MX, (None, MMS_STRUCTURE, 3, (
        ("mag", MMS_STRUCTURE, 1, (("f", MMS_FLOAT, 32, 8),)), Q, TS))),
    (b"DIRDev/GGIO1.AnIn1.mag.f", FC_MX, (None, MMS_FLOAT, 32, 8)),
    (b"DIRDev/GGIO1.SPCSO1", FC_ST, (None, MMS_STRUCTURE, 3, (
        ("stVal", MMS_BOOLEAN, -1), Q, TS))),
    (b"DIRDev/GGIO1.SPCSO1.Oper", FC_CO, (None, MMS_STRUCTURE, 6, (
        ("ctlVal", MMS_BOOLEAN, -1),
        ("origin", MMS_STRUCTURE, 2, (("orCat", MMS_INTEGER, 8),
                                      ("orIdent", MMS_OCTET_STRING, -64))),
        ("ctlNum", MMS_UNSIGNED, 8), ("T", MMS_UTC_TIME, -1), ("Test", MMS_BOOLEAN, -1),
        ("Check", MMS_BIT_STRING, -2)))),
    (b"DIRDev/LLN0.NamPlt.vendor", FC_DC, (None, MMS_VISIBLE_STRING, -255)),
    (b"DIRDev/GAPC1.Arr.vals", FC_SP, (None, MMS_ARRAY, 5, (None, MMS_INTEGER, 32))),
    (b"DIRDev/GAPC1.Hist.vals", FC_MX, (None, MMS_ARRAY, 3, (None, MMS_FLOAT, 32, 8))),
    (b"DIRDev/GAPC1.Arr", FC_SP, (None, MMS_STRUCTURE, 1, (
        ("vals", MMS_ARRAY, 5, (None, MMS_INTEGER, 32)),))),
    # A whole LN for one FC: its data objects in model order.
    (b"DIRDev/GGIO1", FC_ST, (None, MMS_STRUCTURE, 3, tuple(
        (do, MMS_STRUCTURE, 3, (("stVal", MMS_BOOLEAN, -1), Q, TS))
        for do in ("Ind1", "Ind2", "SPCSO1")))),
    (b"DIRDev/LLN0.urcbA", FC_RP, (None, MMS_STRUCTURE, 11, (
        ("RptID", MMS_VISIBLE_STRING, -129), ("RptEna", MMS_BOOLEAN, -1),
        ("Resv", MMS_BOOLEAN, -1), ("DatSet", MMS_VISIBLE_STRING, -129),
        ("ConfRev", MMS_UNSIGNED, 32), ("OptFlds", MMS_BIT_STRING, -10),
        ("BufTm", MMS_UNSIGNED, 32), ("SqNum", MMS_UNSIGNED, 8), ("TrgOps", MMS_BIT_STRING, -6),
        ("IntgPd", MMS_UNSIGNED, 32), ("GI", MMS_BOOLEAN, -1)))),
]


@pytest.mark.parametrize("ref,fc,expected", VARIABLE_SPECS,
                         ids=[f"{r.decode()}-{fc}" for r, fc, _ in VARIABLE_SPECS])
def test_variable_specification(conn, ref, fc, expected):
    spec, err = conn.call("getVariableSpecification", ref, fc)
    assert err == IED_ERROR_OK and spec
    try:
        assert _spec(conn.lib, spec) == expected
    finally:
        conn.lib.MmsVariableSpecification_destroy(spec)


@pytest.mark.parametrize("ref,fc,err", [
    # Observed on the reference: unknown objects, LDs, a wrong FC and array elements give
    # OBJECT_DOES_NOT_EXIST; a reference without "/" or FC ALL OBJECT_REFERENCE_INVALID.
    (b"DIRDev/GGIO1.Nope", FC_ST, IED_ERROR_OBJECT_DOES_NOT_EXIST),
    (b"NOPE/GGIO1.Ind1", FC_ST, IED_ERROR_OBJECT_DOES_NOT_EXIST),
    (b"DIRDev/GGIO1.Ind1", FC_MX, IED_ERROR_OBJECT_DOES_NOT_EXIST),
    (b"DIRDev/GAPC1.Arr.vals(1)", FC_SP, IED_ERROR_OBJECT_DOES_NOT_EXIST),
    (b"garbage", FC_ST, IED_ERROR_OBJECT_REFERENCE_INVALID),
    (b"DIRDev/GGIO1.Ind1", FC_ALL, IED_ERROR_OBJECT_REFERENCE_INVALID),
])
def test_variable_specification_errors(conn, ref, fc, err):
    assert conn.call("getVariableSpecification", ref, fc) == (None, err)


# --- a logical device large enough for GetNameList paging --------------------------------

@pytest.fixture(scope="module")
def large_server():
    """A reference server on large.cfg for this module."""
    with harness.reference_server_ctl(harness.LARGE_MODEL) as srv:
        yield srv


@pytest.fixture
def large_conn(client, large_server):
    """A client of the library under test connected to the large.cfg server."""
    probe = (b"BIGDev/LLN0.Mod.stVal", FC_ST)
    assert differential.connect_verified(client, large_server.port, probe=probe) == IED_ERROR_OK
    return client


def test_large_model_is_up_to_date():
    with open(harness.LARGE_MODEL) as f:
        assert f.read() == gen_large.model_text(), "run tests/fixtures/gen_large.py"


def _large_lns():
    return [f"GGIO{i}" for i in range(1, gen_large.LN_COUNT + 1)] + ["LLN0"]


def test_large_logical_device_variables_are_complete(large_conn):
    names, err = ls(large_conn, "getLogicalDeviceVariables", b"BIGDev")
    assert err == IED_ERROR_OK
    dos = [f"Ind{i}" for i in range(1, gen_large.DO_COUNT + 1)]
    expected = {"LLN0", "LLN0$ST", "LLN0$CF", "LLN0$ST$Mod", "LLN0$CF$Mod",
                "LLN0$CF$Mod$ctlModel"}
    expected |= {f"LLN0$ST$Mod${da}" for da in ("stVal", "q", "t")}
    for ln in _large_lns()[:-1]:
        expected |= {ln, f"{ln}$ST"}
        for do in dos:
            expected |= {f"{ln}$ST${do}"} | {f"{ln}$ST${do}${da}" for da in ("stVal", "q", "t")}
    # Observed on the reference: 7329 names (about 124 kB, several GetNameList pages), all
    # of them, once each, in the server's order.
    assert len(names) == 7329 == len(expected)
    assert set(names) == expected
    assert names == sorted(names, key=reference_order)


def test_large_directories(large_conn):
    # Observed on the reference: complete lists in the server's order (GGIO1, GGIO10, ...).
    lns = sorted(_large_lns(), key=reference_order)
    assert lns[:3] == ["GGIO1", "GGIO10", "GGIO11"]
    assert ls(large_conn, "getLogicalDeviceDirectory", b"BIGDev") == (lns, IED_ERROR_OK)
    dos = sorted((f"Ind{i}" for i in range(1, gen_large.DO_COUNT + 1)), key=reference_order)
    assert ls(large_conn, "getLogicalNodeDirectory", b"BIGDev/GGIO57", ACSI_DATA_OBJECT) == \
        (dos, IED_ERROR_OK)
    variables = ["ST"]
    for do in dos:
        variables += [f"ST${do}"] + [f"ST${do}${da}" for da in ("q", "stVal", "t")]
    assert ls(large_conn, "getLogicalNodeVariables", b"BIGDev/GGIO7") == \
        (variables, IED_ERROR_OK)
    # Observed on the reference (a bug we need not copy): when another LN's name is a
    # prefix of the requested one (GGIO5 of GGIO57), its variables come first, so the
    # list holds every name twice. Either answer passes.
    names, err = ls(large_conn, "getLogicalNodeVariables", b"BIGDev/GGIO57")
    assert err == IED_ERROR_OK
    assert names in (variables, variables + variables)
    assert ls(large_conn, "getLogicalDeviceDataSets", b"BIGDev") == \
        ([f"LLN0$Set{i}" for i in range(1, 6)], IED_ERROR_OK)
    assert ls(large_conn, "getServerDirectory", False) == (["BIGAux", "BIGDev"], IED_ERROR_OK)
