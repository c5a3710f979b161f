"""The server data model built the same way on the reference and on our library, compared
node by node (tests/interop/model_walk.py): the dynamic model API here; each builder is a
function of the library that returns the model, which the test then destroys."""
import ctypes

import pytest

from model_walk import ModelNode, Summary, compare, report

TRG_DCHG, TRG_QCHG, TRG_DUPD, TRG_GI = 1, 2, 4, 16
FC_ST, FC_MX, FC_SP, FC_CF, FC_DC, FC_CO = 0, 1, 2, 4, 5, 12
BOOLEAN, INT32, FLOAT32, VISIBLE_STRING_255, TIMESTAMP, QUALITY, CONSTRUCTED = \
    0, 3, 10, 20, 22, 23, 27


def dynamic_model(L):
    """Every creation function of iec61850_dynamic_model.h, with values set."""
    m = L.IedModel_create(b"DYN")
    ld = L.LogicalDevice_create(b"Prot", m)
    ld2 = L.LogicalDevice_createEx(b"Meas", m, b"FunctionalMeas")
    lln0 = L.LogicalNode_create(b"LLN0", ld)
    mod = L.DataObject_create(b"Mod", lln0, 0)
    st = L.DataAttribute_create(b"stVal", mod, 12, FC_ST, TRG_DCHG, 0, 11)
    L.DataAttribute_create(b"q", mod, QUALITY, FC_ST, TRG_QCHG, 0, 12)
    L.DataAttribute_create(b"t", mod, TIMESTAMP, FC_ST, 0, 0, 13)
    L.DataAttribute_create(b"ctlModel", mod, 12, FC_CF, TRG_DCHG, 0, 0)
    value = L.MmsValue_newIntegerFromInt32(1)
    L.DataAttribute_setValue(st, value)
    L.MmsValue_setInt32(value, 3)
    L.DataAttribute_setValue(st, value)  # updates the attribute's own copy in place
    L.MmsValue_delete(value)
    ggio = L.LogicalNode_create(b"GGIO1", ld)
    ind = L.DataObject_create(b"Ind1", ggio, 0)
    L.DataAttribute_create(b"stVal", ind, BOOLEAN, FC_ST, TRG_DCHG | TRG_DUPD, 0, 21)
    L.DataAttribute_create(b"stVal", ind, BOOLEAN, FC_SP, 0, 0, 22)  # same name, other FC
    oper = L.DataAttribute_create(b"Oper", ind, CONSTRUCTED, FC_CO, 0, 0, 0)
    L.DataAttribute_create(b"ctlVal", oper, BOOLEAN, FC_CO, 0, 0, 0)
    arr = L.DataObject_create(b"Har", ggio, 3)
    el = ModelNode.from_address(arr).firstChild
    L.DataAttribute_create(b"mag", el, FLOAT32, FC_MX, TRG_DCHG, 0, 31)
    L.DataAttribute_create(b"vals", ind, INT32, FC_MX, TRG_DCHG, 4, 32)
    text = L.MmsValue_newVisibleString(b"hello")
    d = L.DataAttribute_create(b"d", ind, VISIBLE_STRING_255, FC_DC, 0, 0, 0)
    L.DataAttribute_setValue(d, text)
    L.MmsValue_delete(text)
    mmxu = L.LogicalNode_create(b"MMXU1", ld2)
    tot = L.DataObject_create(b"TotW", mmxu, 0)
    L.DataAttribute_create(b"mag", tot, FLOAT32, FC_MX, TRG_DCHG, 0, 41)
    ds = L.DataSet_create(b"Events", lln0)
    L.DataSetEntry_create(ds, b"GGIO1$ST$Ind1$stVal", -1, None)
    L.DataSetEntry_create(ds, b"GGIO1$MX$Ind1$vals", 2, None)
    L.DataSetEntry_create(ds, b"Meas/MMXU1$MX$TotW$mag", -1, None)
    L.DataSetEntry_create(ds, b"GGIO1$MX$Har", 1, b"mag")
    L.DataSet_create(b"Empty", ggio)
    L.ReportControlBlock_create(b"urcb01", lln0, None, False, b"Events", 1, 27, 0xEF, 50, 1000)
    brcb = L.ReportControlBlock_create(b"brcb01", lln0, b"MyId", True, None, 2, 16, 0, 0, 0)
    L.ReportControlBlock_setPreconfiguredClient(brcb, 4, (ctypes.c_uint8 * 4)(10, 0, 0, 7))
    L.LogControlBlock_create(b"EventLog", lln0, b"Events", b"Prot/LLN0$EventLog", 27, 500,
                             True, False)
    L.Log_create(b"EventLog", lln0)
    L.SettingGroupControlBlock_create(lln0, 1, 3)
    gse = L.GSEControlBlock_create(b"gcb01", lln0, b"goid", b"Events", 2, True, 10, 2000)
    mac = (ctypes.c_uint8 * 6)(0x01, 0x0C, 0xCD, 0x01, 0x00, 0x01)
    L.GSEControlBlock_addPhyComAddress(gse, L.PhyComAddress_create(4, 1, 0x1000, mac))
    sv = L.SVControlBlock_create(b"msvcb01", lln0, b"svid", b"Events", 1, 0, 4000, 3, False)
    mac2 = (ctypes.c_uint8 * 6)(0x01, 0x0C, 0xCD, 0x04, 0x00, 0x01)
    L.SVControlBlock_addPhyComAddress(sv, L.PhyComAddress_create(5, 2, 0x4000, mac2))
    L.IedModel_setIedNameForDynamicModel(m, b"RENAMED")
    return m


BUILDERS = {"dynamic": dynamic_model}


SUMMARY = Summary()


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_same_model_on_both_libraries(name):
    ref_lines, our_lines, nodes = compare(BUILDERS[name])
    pairs, extra = SUMMARY.add(ref_lines, our_lines, nodes)
    assert not pairs and not extra, report(pairs, extra, ref_lines, our_lines)


def test_summary():
    """Runs last in this module: the counts of what was compared."""
    print("\n" + SUMMARY.line())
    assert SUMMARY.models == len(BUILDERS) and SUMMARY.differ == 0
