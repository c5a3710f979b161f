/* The dynamic model API as a C server program uses it: build, look up, destroy. Runs on our
 * library (also under valgrind: IedModel_destroy must free all of it), on the reference, and
 * linked against the reference on ours. */
#include "iec61850_model.h"
#include "iec61850_dynamic_model.h"
#include "check.h"

static IedModel* build(void)
{
    IedModel* model = IedModel_create("DYN");
    LogicalDevice* ld = LogicalDevice_create("Prot", model);
    LogicalDevice_createEx("Meas", model, "FunctionalMeas");
    LogicalNode* lln0 = LogicalNode_create("LLN0", ld);
    DataObject* mod = DataObject_create("Mod", (ModelNode*) lln0, 0);
    DataAttribute* st = DataAttribute_create("stVal", (ModelNode*) mod, IEC61850_ENUMERATED,
                                             IEC61850_FC_ST, TRG_OPT_DATA_CHANGED, 0, 0);
    MmsValue* one = MmsValue_newIntegerFromInt32(1);
    DataAttribute_setValue(st, one);
    MmsValue_delete(one);
    DataObject* arr = DataObject_create("Har", (ModelNode*) lln0, 4);
    DataAttribute_create("mag", arr->firstChild, IEC61850_FLOAT32, IEC61850_FC_MX, 0, 0, 0);
    DataAttribute_create("vals", (ModelNode*) mod, IEC61850_INT32, IEC61850_FC_MX, 0, 3, 0);
    DataSet* ds = DataSet_create("Events", lln0);
    DataSetEntry_create(ds, "LLN0$ST$Mod$stVal", -1, NULL);
    DataSetEntry_create(ds, "Meas/MMXU1$MX$TotW$mag", -1, NULL);
    DataSetEntry_create(ds, "LLN0$MX$Har", 2, "mag");
    ReportControlBlock_create("rcb", lln0, "id", true, "Events", 1, 27, 0xff, 50, 1000);
    LogControlBlock_create("lcb", lln0, "Events", "Prot/LLN0$Log", 27, 0, true, true);
    Log_create("Log", lln0);
    SettingGroupControlBlock_create(lln0, 1, 2);
    uint8_t mac[6] = {1, 0x0c, 0xcd, 1, 0, 1};
    GSEControlBlock* g = GSEControlBlock_create("gcb", lln0, "goid", "Events", 1, false, 4, 1000);
    GSEControlBlock_addPhyComAddress(g, PhyComAddress_create(4, 1, 0x1000, mac));
    SVControlBlock* sv = SVControlBlock_create("sv", lln0, "svid", "Events", 1, 0, 80, 0, true);
    SVControlBlock_addPhyComAddress(sv, PhyComAddress_create(4, 1, 0x4000, mac));
    return model;
}

int main(void)
{
    for (int round = 0; round < 3; round++) {
        IedModel* model = build();
        char* ref = ModelNode_getObjectReference(
            IedModel_getModelNodeByShortObjectReference(model, "Prot/LLN0.Har(0).mag"), NULL);
        check(ref != NULL && strcmp(ref, "DYNProt/LLN0.Har(0).mag") == 0,
              "array element reference (malloc'ed when no buffer is given)");
        free(ref);
        check(IedModel_getDevice(model, "FunctionalMeas") != NULL, "device by ldName");
        DataSet* ds = IedModel_lookupDataSet(model, "DYNProt/LLN0$Events");
        check(ds != NULL && DataSet_getSize(ds) == 3, "data set of three entries");
        check(LogicalDevice_getSettingGroupControlBlock(IedModel_getDeviceByInst(model, "Prot"))
                  != NULL, "setting group control block");
        IedModel_destroy(model);
    }
    /* (Refusals of impossible parents and values are ours alone: tested in Rust.) */
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
