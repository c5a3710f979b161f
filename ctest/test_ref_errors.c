/* Error codes of the read/write services against the reference server (demo.cfg).
 * Expected codes were observed on the reference libiec61850 1.6.1 client. */
#include "../tests/interop/ref_test_util.h"

static IedConnection con;

struct ref_fc {
    const char* ref;
    FunctionalConstraint fc;
};

/* Well-formed references the server does not have: unknown DO, LN, LD, or wrong FC. */
static const struct ref_fc missing[] = {
    { "DEMOMeas/GAPC1.Nope.stVal", IEC61850_FC_ST },
    { "DEMOMeas/XXXX1.IntIn.stVal", IEC61850_FC_ST },
    { "NOLD/GAPC1.IntIn.stVal", IEC61850_FC_ST },
    { "DEMOMeas/GAPC1.IntIn.stVal", IEC61850_FC_MX },
};

/* References the client rejects itself: no "/", empty, FC out of range. */
static const struct ref_fc malformed[] = {
    { "garbage", IEC61850_FC_ST },
    { "", IEC61850_FC_ST },
    { "DEMOMeas/GAPC1.IntIn.stVal", (FunctionalConstraint) 99 },
};

static void test_missing(void)
{
    size_t i;
    for (i = 0; i < sizeof(missing) / sizeof(missing[0]); i++) {
        IedClientError err = -1;
        char buf[64] = "";
        MmsValue* v = IedConnection_readObject(con, &err, missing[i].ref, missing[i].fc);

        /* observed: readObject succeeds with a DATA_ACCESS_ERROR value */
        RT_EQ(err, IED_ERROR_OK, missing[i].ref);
        if (rt_check(v != NULL, "readObject of a missing object returns a value")) {
            RT_EQ(MmsValue_getType(v), MMS_DATA_ACCESS_ERROR, "value type");
            RT_EQ(MmsValue_getDataAccessError(v), DATA_ACCESS_ERROR_OBJECT_NONE_EXISTENT, "access error");
            MmsValue_printToBuffer(v, buf, sizeof(buf));
            rt_check(strcmp(buf, "error 10") == 0, "printed as \"error 10\" (got \"%s\")", buf);
            MmsValue_delete(v);
        }
        err = -1;
        RT_EQ(IedConnection_readInt32Value(con, &err, missing[i].ref, missing[i].fc), 0, "typed read value");
        RT_EQ(err, IED_ERROR_OBJECT_DOES_NOT_EXIST, "typed read of a missing object");
        err = -1;
        IedConnection_writeInt32Value(con, &err, missing[i].ref, missing[i].fc, 1);
        RT_EQ(err, IED_ERROR_OBJECT_DOES_NOT_EXIST, "write of a missing object");
    }
}

static void test_malformed(void)
{
    size_t i;
    for (i = 0; i < sizeof(malformed) / sizeof(malformed[0]); i++) {
        IedClientError err = -1;
        MmsValue* v = IedConnection_readObject(con, &err, malformed[i].ref, malformed[i].fc);

        rt_check(v == NULL, "readObject \"%s\" fc %d returns NULL", malformed[i].ref, (int) malformed[i].fc);
        RT_EQ(err, IED_ERROR_OBJECT_REFERENCE_INVALID, "readObject of a malformed reference");
        err = -1;
        IedConnection_readInt32Value(con, &err, malformed[i].ref, malformed[i].fc);
        RT_EQ(err, IED_ERROR_OBJECT_REFERENCE_INVALID, "typed read of a malformed reference");
        err = -1;
        IedConnection_writeInt32Value(con, &err, malformed[i].ref, malformed[i].fc, 1);
        RT_EQ(err, IED_ERROR_OBJECT_REFERENCE_INVALID, "write of a malformed reference");
    }
    {
        IedClientError err = -1;
        RT_EQ(IedConnection_readInt32Value(con, &err, "DEMOMeas/GAPC1.IntIn.stVal", IEC61850_FC_ST), -42,
              "the connection survives the errors");
        RT_EQ(err, IED_ERROR_OK, "the connection survives the errors: error");
    }
}

static void test_wrong_type_reads(void)
{
    const char* i32 = "DEMOMeas/GAPC1.IntIn.stVal";
    IedClientError err = -1;
    Timestamp ts;
    char* s;

    RT_EQ(IedConnection_readInt32Value(con, &err, "DEMOMeas/MMXU1.TotW.mag.f", IEC61850_FC_MX), 0, "int32 of float");
    RT_EQ(err, IED_ERROR_UNEXPECTED_VALUE_RECEIVED, "readInt32Value of a float");
    err = -1;
    rt_check(IedConnection_readFloatValue(con, &err, i32, IEC61850_FC_ST) == 0.0f, "float of int is 0");
    RT_EQ(err, IED_ERROR_UNEXPECTED_VALUE_RECEIVED, "readFloatValue of an integer");
    err = -1;
    s = IedConnection_readStringValue(con, &err, i32, IEC61850_FC_ST);
    rt_check(s == NULL, "string of int is NULL");
    RT_EQ(err, IED_ERROR_UNEXPECTED_VALUE_RECEIVED, "readStringValue of an integer");
    err = -1;
    rt_check(!IedConnection_readBooleanValue(con, &err, i32, IEC61850_FC_ST), "boolean of int is false");
    RT_EQ(err, IED_ERROR_UNEXPECTED_VALUE_RECEIVED, "readBooleanValue of an integer");
    err = -1;
    RT_EQ(IedConnection_readQualityValue(con, &err, i32, IEC61850_FC_ST), 0, "quality of int");
    RT_EQ(err, IED_ERROR_UNEXPECTED_VALUE_RECEIVED, "readQualityValue of an integer");
    err = -1;
    IedConnection_readInt32Value(con, &err, "DEMOMeas/GAPC1.IntIn", IEC61850_FC_ST);
    RT_EQ(err, IED_ERROR_UNEXPECTED_VALUE_RECEIVED, "readInt32Value of a structure");
    err = -1;
    IedConnection_readTimestampValue(con, &err, i32, IEC61850_FC_ST, &ts);
    RT_EQ(err, IED_ERROR_UNEXPECTED_VALUE_RECEIVED, "readTimestampValue of an integer");
    /* observed: integer readers convert between int32, int64 and uint32 */
    err = -1;
    RT_EQ(IedConnection_readInt64Value(con, &err, i32, IEC61850_FC_ST), -42, "readInt64Value of an int32");
    RT_EQ(err, IED_ERROR_OK, "readInt64Value of an int32: error");
    err = -1;
    RT_EQ(IedConnection_readInt32Value(con, &err, "DEMOMeas/GAPC1.UIntIn.stVal", IEC61850_FC_ST), 4000000,
          "readInt32Value of an unsigned");
    RT_EQ(err, IED_ERROR_OK, "readInt32Value of an unsigned: error");
}

static void test_write_errors(void)
{
    const char* i32 = "DEMOMeas/GAPC1.SetI32.setVal";
    IedClientError err = -1;
    MmsValue* v;

    IedConnection_writeInt32Value(con, &err, "DEMOMeas/GAPC1.IntIn.stVal", IEC61850_FC_ST, 5);
    RT_EQ(err, IED_ERROR_ACCESS_DENIED, "write ST");
    err = -1;
    IedConnection_writeFloatValue(con, &err, "DEMOMeas/MMXU1.TotW.mag.f", IEC61850_FC_MX, 5.0f);
    RT_EQ(err, IED_ERROR_ACCESS_DENIED, "write MX");
    err = -1;
    IedConnection_writeVisibleStringValue(con, &err, "DEMOMeas/LLN0.NamPlt.ldNs", IEC61850_FC_EX, (char*) "x");
    RT_EQ(err, IED_ERROR_ACCESS_DENIED, "write EX");
    err = -1;
    IedConnection_writeBooleanValue(con, &err, "DEMOProt/GGIO1.SPCSO1.Oper.ctlVal", IEC61850_FC_CO, true);
    RT_EQ(err, IED_ERROR_ACCESS_DENIED, "write one CO attribute");

    err = -1;
    IedConnection_writeFloatValue(con, &err, i32, IEC61850_FC_SP, 5.0f);
    RT_EQ(err, IED_ERROR_TYPE_INCONSISTENT, "float into int32");
    err = -1;
    IedConnection_writeBooleanValue(con, &err, i32, IEC61850_FC_SP, true);
    RT_EQ(err, IED_ERROR_TYPE_INCONSISTENT, "boolean into int32");
    err = -1;
    IedConnection_writeVisibleStringValue(con, &err, i32, IEC61850_FC_SP, (char*) "x");
    RT_EQ(err, IED_ERROR_TYPE_INCONSISTENT, "string into int32");
    err = -1;
    IedConnection_writeInt32Value(con, &err, "DEMOMeas/GAPC1.SetU16.setVal", IEC61850_FC_SP, 1000);
    RT_EQ(err, IED_ERROR_TYPE_INCONSISTENT, "int32 into INT16U");
    err = -1;
    IedConnection_writeFloatValue(con, &err, "DEMOMeas/GAPC1.SetF64.setVal", IEC61850_FC_SP, 2.5f);
    RT_EQ(err, IED_ERROR_TYPE_INCONSISTENT, "float32 into FLOAT64");
    err = -1;
    IedConnection_writeVisibleStringValue(con, &err, "DEMOMeas/GAPC1.SetUni.setVal", IEC61850_FC_SP, (char*) "x");
    RT_EQ(err, IED_ERROR_TYPE_INCONSISTENT, "visible string into unicode string");
    err = -1;
    v = MmsValue_newIntegerFromInt32(5);
    IedConnection_writeObject(con, &err, "DEMOMeas/GAPC1.SetBool.setVal", IEC61850_FC_SP, v);
    MmsValue_delete(v);
    RT_EQ(err, IED_ERROR_TYPE_INCONSISTENT, "writeObject integer into boolean");
    /* observed: on ST the type check comes before the access check */
    err = -1;
    v = MmsValue_newBoolean(true);
    IedConnection_writeObject(con, &err, "DEMOMeas/GAPC1.IntIn.stVal", IEC61850_FC_ST, v);
    MmsValue_delete(v);
    RT_EQ(err, IED_ERROR_TYPE_INCONSISTENT, "writeObject boolean into ST int32");
    err = -1;
    IedConnection_writeInt32Value(con, &err, i32, IEC61850_FC_CF, 5);
    RT_EQ(err, IED_ERROR_OBJECT_DOES_NOT_EXIST, "write with the wrong FC");
}

int main(void)
{
    int port = rt_server_port();

    con = IedConnection_create();
    if (!rt_check(rt_connect(con, port) == IED_ERROR_OK, "connect to 127.0.0.1:%d", port)) {
        IedConnection_destroy(con);
        return rt_summary();
    }
    test_missing();
    test_malformed();
    test_wrong_type_reads();
    test_write_errors();
    IedConnection_close(con);
    IedConnection_destroy(con);
    return rt_summary();
}
