/* Model discovery and data sets against the reference server on demo.cfg, from C.
 * Expected results were observed on the reference libiec61850 1.6.1 client (and are what
 * the same calls give in tests/interop/test_directory.py and test_datasets.py). */
#include "../tests/interop/ref_test_util.h"

static IedConnection con;

/* The strings of a LinkedList joined with ',' (the list is freed); "NULL" for NULL. */
static void joined(LinkedList list, char* out, size_t size)
{
    LinkedList node;
    out[0] = '\0';
    if (list == NULL) {
        snprintf(out, size, "NULL");
        return;
    }
    for (node = LinkedList_getNext(list); node != NULL; node = LinkedList_getNext(node)) {
        if (out[0] != '\0')
            strncat(out, ",", size - strlen(out) - 1);
        strncat(out, (const char*) LinkedList_getData(node), size - strlen(out) - 1);
    }
    LinkedList_destroy(list);
}

static void expect_list(LinkedList list, IedClientError err, const char* expected, const char* what)
{
    char got[2048];
    joined(list, got, sizeof(got));
    rt_check(err == IED_ERROR_OK && strcmp(got, expected) == 0, "%s: got [%s] err %d, expected [%s]",
             what, got, (int) err, expected);
}

static void test_directories(void)
{
    IedClientError err = -1;
    LinkedList l;

    l = IedConnection_getServerDirectory(con, &err, false);
    expect_list(l, err, "DEMOMeas,DEMOProt", "getServerDirectory");
    l = IedConnection_getLogicalDeviceDirectory(con, &err, "DEMOProt");
    expect_list(l, err, "GGIO1,LLN0,LPHD1,PTOC1", "getLogicalDeviceDirectory");
    l = IedConnection_getLogicalNodeDirectory(con, &err, "DEMOProt/LLN0", ACSI_CLASS_DATA_OBJECT);
    expect_list(l, err, "Mod,NamPlt,Beh,Health", "getLogicalNodeDirectory DATA_OBJECT");
    l = IedConnection_getLogicalNodeDirectory(con, &err, "DEMOProt/LLN0", ACSI_CLASS_DATA_SET);
    expect_list(l, err, "Events,Status", "getLogicalNodeDirectory DATA_SET");
    l = IedConnection_getLogicalNodeDirectory(con, &err, "DEMOProt/LLN0", ACSI_CLASS_URCB);
    expect_list(l, err, "EventsRCB01,EventsRCB02", "getLogicalNodeDirectory URCB");
    l = IedConnection_getLogicalNodeDirectory(con, &err, "DEMOProt/LLN0", ACSI_CLASS_BRCB);
    expect_list(l, err, "StatusBRCB01", "getLogicalNodeDirectory BRCB");
    l = IedConnection_getDataDirectory(con, &err, "DEMOProt/GGIO1.SPCSO1");
    expect_list(l, err, "ctlModel,Oper,q,stVal,t", "getDataDirectory");
    l = IedConnection_getDataDirectoryFC(con, &err, "DEMOProt/GGIO1.SPCSO1");
    expect_list(l, err, "ctlModel[CF],Oper[CO],q[ST],stVal[ST],t[ST]", "getDataDirectoryFC");
    l = IedConnection_getDataDirectoryByFC(con, &err, "DEMOProt/GGIO1.SPCSO1", IEC61850_FC_CO);
    expect_list(l, err, "Oper", "getDataDirectoryByFC CO");
    l = IedConnection_getLogicalDeviceDataSets(con, &err, "DEMOProt");
    expect_list(l, err, "LLN0$Events,LLN0$Status", "getLogicalDeviceDataSets");

    err = -1;
    l = IedConnection_getLogicalDeviceDirectory(con, &err, "NOPE");
    rt_check(l == NULL, "unknown LD gives NULL");
    RT_EQ(err, IED_ERROR_OBJECT_REFERENCE_INVALID, "getLogicalDeviceDirectory of an unknown LD");
    l = IedConnection_getLogicalDeviceVariables(con, &err, "NOPE");
    RT_EQ(err, IED_ERROR_OBJECT_DOES_NOT_EXIST, "getLogicalDeviceVariables of an unknown LD");
    l = IedConnection_getDataDirectory(con, &err, "DEMOProt/GGIO1.Nope");
    expect_list(l, err, "", "getDataDirectory of an unknown DO is empty");

    IedConnection_getDeviceModelFromServer(con, &err);
    RT_EQ(err, IED_ERROR_OK, "getDeviceModelFromServer");
    l = IedConnection_getLogicalNodeDirectory(con, &err, "DEMOProt/GGIO1", ACSI_CLASS_DATA_OBJECT);
    expect_list(l, err, "SPCSO1,SPCSO2,SPCSO3,SPCSO4,NamPlt,Beh,Ind1,Ind2", "DATA_OBJECT from the model");
}

static void test_data_sets(void)
{
    IedClientError err = -1;
    bool deletable = true;
    LinkedList members = LinkedList_create();
    LinkedList l;
    ClientDataSet ds;
    char text[256];

    l = IedConnection_getDataSetDirectory(con, &err, "DEMOProt/LLN0.Events", &deletable);
    expect_list(l, err,
                "DEMOProt/GGIO1.Ind1.stVal[ST],DEMOProt/GGIO1.Ind2.stVal[ST],"
                "DEMOProt/GGIO1.SPCSO1.stVal[ST],DEMOProt/GGIO1.SPCSO2.stVal[ST]",
                "getDataSetDirectory");
    rt_check(!deletable, "a data set of the model is not deletable");

    LinkedList_add(members, strdup("DEMOProt/GGIO1.Ind1.stVal[ST]"));
    LinkedList_add(members, strdup("DEMOMeas/MMXU1.TotW.mag.f[MX]"));
    IedConnection_createDataSet(con, &err, "DEMOProt/LLN0.FromC", members);
    RT_EQ(err, IED_ERROR_OK, "createDataSet");
    IedConnection_createDataSet(con, &err, "DEMOProt/LLN0.FromC", members);
    RT_EQ(err, IED_ERROR_OBJECT_EXISTS, "createDataSet twice");
    LinkedList_destroy(members);

    ds = IedConnection_readDataSetValues(con, &err, "DEMOProt/LLN0.FromC", NULL);
    RT_EQ(err, IED_ERROR_OK, "readDataSetValues");
    if (rt_check(ds != NULL, "a ClientDataSet")) {
        rt_check(strcmp(ClientDataSet_getReference(ds), "DEMOProt/LLN0$FromC") == 0,
                 "reference with $ (got %s)", ClientDataSet_getReference(ds));
        RT_EQ(ClientDataSet_getDataSetSize(ds), 2, "data set size");
        MmsValue_printToBuffer(ClientDataSet_getValues(ds), text, sizeof(text));
        rt_check(strcmp(text, "{false,1500.250000}") == 0, "values (got %s)", text);
        ClientDataSet_destroy(ds);
    }
    rt_check(IedConnection_deleteDataSet(con, &err, "DEMOProt/LLN0.FromC") && err == IED_ERROR_OK,
             "deleteDataSet");
    rt_check(!IedConnection_deleteDataSet(con, &err, "DEMOProt/LLN0.FromC"), "second delete fails");
    RT_EQ(err, IED_ERROR_OBJECT_DOES_NOT_EXIST, "second delete");
    rt_check(!IedConnection_deleteDataSet(con, &err, "DEMOProt/LLN0.Events"), "model data set stays");
    RT_EQ(err, IED_ERROR_ACCESS_DENIED, "delete of a model data set");
}

int main(void)
{
    int port = rt_server_port();

    con = IedConnection_create();
    if (!rt_check(rt_connect(con, port) == IED_ERROR_OK, "connect to 127.0.0.1:%d", port)) {
        IedConnection_destroy(con);
        return rt_summary();
    }
    test_directories();
    test_data_sets();
    IedConnection_close(con);
    IedConnection_destroy(con);
    return rt_summary();
}
