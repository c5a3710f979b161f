/* A model declared as initialised C structs, the way libiec61850's generated static models
 * are (parent/sibling/firstChild pointers between structs of static storage), used through
 * the iec61850_model.h lookups. Runs on our library, on the reference, and linked against
 * the reference on ours: the answers must be the same. Nothing here is ever freed. */
#include "iec61850_model.h"
#include "iec61850_dynamic_model.h"
#include "check.h"

extern LogicalDevice iedModel_Prot;
extern LogicalNode iedModel_Prot_LLN0, iedModel_Prot_GGIO1;
extern DataObject iedModel_Prot_LLN0_Mod, iedModel_Prot_GGIO1_Ind1;
extern DataAttribute iedModel_Prot_LLN0_Mod_stVal, iedModel_Prot_LLN0_Mod_ctlModel;
extern DataAttribute iedModel_Prot_GGIO1_Ind1_stVal, iedModel_Prot_GGIO1_Ind1_q;
extern DataSetEntry ds_Events_fcda0, ds_Events_fcda1;

IedModel iedModel = {"STAT", &iedModel_Prot, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL};

LogicalDevice iedModel_Prot = {LogicalDeviceModelType, "Prot", (ModelNode*) &iedModel, NULL,
                               (ModelNode*) &iedModel_Prot_LLN0, NULL};

LogicalNode iedModel_Prot_LLN0 = {LogicalNodeModelType, "LLN0", (ModelNode*) &iedModel_Prot,
                                  (ModelNode*) &iedModel_Prot_GGIO1,
                                  (ModelNode*) &iedModel_Prot_LLN0_Mod};
DataObject iedModel_Prot_LLN0_Mod = {DataObjectModelType, "Mod", (ModelNode*) &iedModel_Prot_LLN0,
                                     NULL, (ModelNode*) &iedModel_Prot_LLN0_Mod_stVal, 0, -1};
DataAttribute iedModel_Prot_LLN0_Mod_stVal = {
    DataAttributeModelType, "stVal", (ModelNode*) &iedModel_Prot_LLN0_Mod,
    (ModelNode*) &iedModel_Prot_LLN0_Mod_ctlModel, NULL, 0, -1, IEC61850_FC_ST,
    IEC61850_ENUMERATED, TRG_OPT_DATA_CHANGED, NULL, 100};
DataAttribute iedModel_Prot_LLN0_Mod_ctlModel = {
    DataAttributeModelType, "ctlModel", (ModelNode*) &iedModel_Prot_LLN0_Mod, NULL, NULL, 0, -1,
    IEC61850_FC_CF, IEC61850_ENUMERATED, 0, NULL, 101};

LogicalNode iedModel_Prot_GGIO1 = {LogicalNodeModelType, "GGIO1", (ModelNode*) &iedModel_Prot,
                                   NULL, (ModelNode*) &iedModel_Prot_GGIO1_Ind1};
DataObject iedModel_Prot_GGIO1_Ind1 = {DataObjectModelType, "Ind1",
                                       (ModelNode*) &iedModel_Prot_GGIO1, NULL,
                                       (ModelNode*) &iedModel_Prot_GGIO1_Ind1_stVal, 0, -1};
DataAttribute iedModel_Prot_GGIO1_Ind1_stVal = {
    DataAttributeModelType, "stVal", (ModelNode*) &iedModel_Prot_GGIO1_Ind1,
    (ModelNode*) &iedModel_Prot_GGIO1_Ind1_q, NULL, 0, -1, IEC61850_FC_ST, IEC61850_BOOLEAN,
    TRG_OPT_DATA_CHANGED | TRG_OPT_DATA_UPDATE, NULL, 200};
DataAttribute iedModel_Prot_GGIO1_Ind1_q = {
    DataAttributeModelType, "q", (ModelNode*) &iedModel_Prot_GGIO1_Ind1, NULL, NULL, 0, -1,
    IEC61850_FC_ST, IEC61850_QUALITY, TRG_OPT_QUALITY_CHANGED, NULL, 201};

DataSetEntry ds_Events_fcda0 = {"Prot", false, "GGIO1$ST$Ind1$stVal", -1, NULL, NULL,
                                &ds_Events_fcda1};
DataSetEntry ds_Events_fcda1 = {"Prot", false, "GGIO1$ST$Ind1$q", -1, NULL, NULL, NULL};
DataSet ds_Events = {"Prot", "LLN0$Events", 2, &ds_Events_fcda0, NULL};

int main(void)
{
    iedModel.dataSets = &ds_Events;
    char buf[130];

    check(IedModel_getLogicalDeviceCount(&iedModel) == 1, "one logical device");
    check(LogicalDevice_getLogicalNodeCount(&iedModel_Prot) == 2, "two logical nodes");
    check(IedModel_getDevice(&iedModel, "STATProt") == &iedModel_Prot, "device by domain name");
    check(IedModel_getDeviceByInst(&iedModel, "Prot") == &iedModel_Prot, "device by inst");
    check(IedModel_getDeviceByIndex(&iedModel, 0) == &iedModel_Prot, "device by index");
    check(LogicalDevice_getLogicalNode(&iedModel_Prot, "GGIO1") == &iedModel_Prot_GGIO1,
          "logical node by name");

    ModelNode* st = IedModel_getModelNodeByObjectReference(&iedModel, "STATProt/GGIO1.Ind1.stVal");
    check(st == (ModelNode*) &iedModel_Prot_GGIO1_Ind1_stVal, "node by object reference");
    check(IedModel_getModelNodeByShortObjectReference(&iedModel, "Prot/LLN0.Mod.ctlModel")
              == (ModelNode*) &iedModel_Prot_LLN0_Mod_ctlModel, "node by short reference");
    check(IedModel_getModelNodeByShortAddress(&iedModel, 201)
              == (ModelNode*) &iedModel_Prot_GGIO1_Ind1_q, "node by short address");
    check(LogicalDevice_getChildByMmsVariableName(&iedModel_Prot, "LLN0$CF$Mod$ctlModel")
              == (ModelNode*) &iedModel_Prot_LLN0_Mod_ctlModel, "node by MMS variable name");
    check(LogicalDevice_getChildByMmsVariableName(&iedModel_Prot, "LLN0$ST$Mod$ctlModel") == NULL,
          "an MMS name with the wrong FC finds nothing");
    check(ModelNode_getChildWithFc((ModelNode*) &iedModel_Prot_LLN0_Mod, "stVal", IEC61850_FC_ST)
              == (ModelNode*) &iedModel_Prot_LLN0_Mod_stVal, "child with FC");
    check(ModelNode_getChild((ModelNode*) &iedModel_Prot_GGIO1, "Ind1.q")
              == (ModelNode*) &iedModel_Prot_GGIO1_Ind1_q, "child by path");
    check(ModelNode_getChildCount((ModelNode*) &iedModel_Prot_GGIO1_Ind1) == 2, "child count");

    ModelNode_getObjectReference(st, buf);
    check(strcmp(buf, "STATProt/GGIO1.Ind1.stVal") == 0, "object reference");
    ModelNode_getObjectReferenceEx(st, buf, true);
    check(strcmp(buf, "Prot/GGIO1.Ind1.stVal") == 0, "object reference without IED name");
    check(strcmp(ModelNode_getName(st), "stVal") == 0, "name");
    check(ModelNode_getParent(st) == (ModelNode*) &iedModel_Prot_GGIO1_Ind1, "parent");
    check(ModelNode_getType(st) == DataAttributeModelType, "type");
    check(DataAttribute_getType(&iedModel_Prot_GGIO1_Ind1_stVal) == IEC61850_BOOLEAN,
          "attribute type");
    check(DataAttribute_getFC(&iedModel_Prot_LLN0_Mod_ctlModel) == IEC61850_FC_CF, "attribute FC");
    check(DataAttribute_getTrgOps(&iedModel_Prot_GGIO1_Ind1_stVal) == 5, "trigger options");

    check(LogicalNode_hasFCData(&iedModel_Prot_LLN0, IEC61850_FC_CF), "LLN0 has CF data");
    check(!LogicalNode_hasFCData(&iedModel_Prot_GGIO1, IEC61850_FC_CF), "GGIO1 has no CF data");
    check(DataObject_hasFCData(&iedModel_Prot_GGIO1_Ind1, IEC61850_FC_ST), "Ind1 has ST data");

    check(IedModel_lookupDataSet(&iedModel, "STATProt/LLN0$Events") == &ds_Events,
          "data set by reference");
    check(LogicalNode_getDataSet(&iedModel_Prot_LLN0, "Events") == &ds_Events,
          "data set of a logical node");
    check(DataSet_getSize(&ds_Events) == 2 && DataSet_getFirstEntry(&ds_Events) == &ds_Events_fcda0
              && DataSetEntry_getNext(&ds_Events_fcda0) == &ds_Events_fcda1, "data set entries");

    LinkedList children = ModelNode_getChildren((ModelNode*) &iedModel_Prot_GGIO1_Ind1);
    check(LinkedList_size(children) == 2
              && LinkedList_getData(LinkedList_get(children, 1)) == &iedModel_Prot_GGIO1_Ind1_q,
          "children list");
    LinkedList_destroyStatic(children);

    /* Values set on a static attribute are the library's MmsValues. */
    MmsValue* v = MmsValue_newBoolean(true);
    DataAttribute_setValue(&iedModel_Prot_GGIO1_Ind1_stVal, v);
    check(iedModel_Prot_GGIO1_Ind1_stVal.mmsValue != NULL
              && iedModel_Prot_GGIO1_Ind1_stVal.mmsValue != v
              && MmsValue_getBoolean(iedModel_Prot_GGIO1_Ind1_stVal.mmsValue),
          "setValue stores a copy");
    check(IedModel_lookupDataAttributeByMmsValue(&iedModel, iedModel_Prot_GGIO1_Ind1_stVal.mmsValue)
              == &iedModel_Prot_GGIO1_Ind1_stVal, "attribute by value");
    MmsValue* copy = iedModel_Prot_GGIO1_Ind1_stVal.mmsValue;
    IedModel_setAttributeValuesToNull(&iedModel);
    check(iedModel_Prot_GGIO1_Ind1_stVal.mmsValue == NULL, "values set to NULL");
    MmsValue_delete(copy);
    MmsValue_delete(v);

    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
