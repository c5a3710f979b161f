/* Every basic type written and read back through the reference server (demo.cfg).
 * Expected values were observed on the reference libiec61850 1.6.1 client. */
#include "../tests/interop/ref_test_util.h"

#define G "DEMOMeas/GAPC1."

static IedConnection con;

static void check_err(IedClientError err, IedClientError want, const char* what)
{
    RT_EQ(err, want, what);
}

/* readObject printed with MmsValue_printToBuffer, checked against type and text. */
static void check_printed(const char* ref, FunctionalConstraint fc, MmsType type, const char* text)
{
    IedClientError err = -1;
    char buf[600];
    MmsValue* v = IedConnection_readObject(con, &err, ref, fc);

    if (!rt_check(v != NULL && err == IED_ERROR_OK, "readObject %s (err %d)", ref, (int) err))
        return;
    MmsValue_printToBuffer(v, buf, sizeof(buf));
    rt_check(MmsValue_getType(v) == type && strcmp(buf, text) == 0,
             "%s reads as type %d \"%s\" (got type %d \"%s\")", ref, (int) type, text,
             (int) MmsValue_getType(v), buf);
    MmsValue_delete(v);
}

static void write_value(const char* ref, FunctionalConstraint fc, MmsValue* v, const char* what)
{
    IedClientError err = -1;
    IedConnection_writeObject(con, &err, ref, fc, v);
    MmsValue_delete(v);
    check_err(err, IED_ERROR_OK, what);
}

static void test_boolean(void)
{
    IedClientError err = -1;
    int i;
    for (i = 0; i < 2; i++) {
        bool want = i == 0;
        err = -1;
        IedConnection_writeBooleanValue(con, &err, G "SetBool.setVal", IEC61850_FC_SP, want);
        check_err(err, IED_ERROR_OK, "writeBooleanValue");
        err = -1;
        RT_EQ(IedConnection_readBooleanValue(con, &err, G "SetBool.setVal", IEC61850_FC_SP), want,
              "readBooleanValue");
        check_err(err, IED_ERROR_OK, "readBooleanValue: error");
    }
}

static void test_int32(void)
{
    static const struct { const char* ref; int32_t value; } cases[] = {
        { G "SetI32.setVal", INT32_MIN }, { G "SetI32.setVal", INT32_MAX }, { G "SetI32.setVal", 0 },
        { G "SetI8.setVal", -100 }, { G "SetI16.setVal", 32767 }, { G "SetEnum.setVal", 5 },
    };
    size_t i;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        IedClientError err = -1;
        IedConnection_writeInt32Value(con, &err, cases[i].ref, IEC61850_FC_SP, cases[i].value);
        check_err(err, IED_ERROR_OK, "writeInt32Value");
        err = -1;
        RT_EQ(IedConnection_readInt32Value(con, &err, cases[i].ref, IEC61850_FC_SP), cases[i].value,
              cases[i].ref);
        check_err(err, IED_ERROR_OK, "readInt32Value: error");
    }
}

static void test_int64(void)
{
    static const int64_t values[] = { -9000000000000000000LL, 9000000000000000000LL, -1 };
    IedClientError err = -1;
    size_t i;

    IedConnection_writeInt32Value(con, &err, G "SetI64.setVal", IEC61850_FC_SP, 7);
    check_err(err, IED_ERROR_OK, "writeInt32Value into INT64");
    err = -1;
    RT_EQ(IedConnection_readInt64Value(con, &err, G "SetI64.setVal", IEC61850_FC_SP), 7,
          "readInt64Value after writeInt32Value");
    for (i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
        char text[32];
        write_value(G "SetI64.setVal", IEC61850_FC_SP, MmsValue_newIntegerFromInt64(values[i]),
                    "writeObject int64");
        err = -1;
        RT_EQ(IedConnection_readInt64Value(con, &err, G "SetI64.setVal", IEC61850_FC_SP), values[i],
              "readInt64Value");
        check_err(err, IED_ERROR_OK, "readInt64Value: error");
        snprintf(text, sizeof(text), "%lld", (long long) values[i]);
        check_printed(G "SetI64.setVal", IEC61850_FC_SP, MMS_INTEGER, text);
    }
}

static void test_unsigned(void)
{
    static const struct { const char* ref; uint32_t value; } cases[] = {
        { G "SetU32.setVal", 2147483647u }, { G "SetU32.setVal", 0 }, { G "SetU32.setVal", 123456 },
        { G "SetU8.setVal", 255 }, { G "SetU16.setVal", 65535 },
    };
    size_t i;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        IedClientError err = -1;
        char text[16];
        IedConnection_writeUnsigned32Value(con, &err, cases[i].ref, IEC61850_FC_SP, cases[i].value);
        check_err(err, IED_ERROR_OK, "writeUnsigned32Value");
        err = -1;
        RT_EQ(IedConnection_readUnsigned32Value(con, &err, cases[i].ref, IEC61850_FC_SP),
              cases[i].value, cases[i].ref);
        check_err(err, IED_ERROR_OK, "readUnsigned32Value: error");
        snprintf(text, sizeof(text), "%u", (unsigned) cases[i].value);
        check_printed(cases[i].ref, IEC61850_FC_SP, MMS_UNSIGNED, text);
    }
}

static void test_cf_dc(void)
{
    IedClientError err = -1;
    char* s;

    IedConnection_writeUnsigned32Value(con, &err, G "CfgU32.cfgVal", IEC61850_FC_CF, 99);
    check_err(err, IED_ERROR_OK, "write CF unsigned");
    err = -1;
    RT_EQ(IedConnection_readUnsigned32Value(con, &err, G "CfgU32.cfgVal", IEC61850_FC_CF), 99,
          "read CF unsigned");
    err = -1;
    IedConnection_writeVisibleStringValue(con, &err, G "CfgU32.d", IEC61850_FC_DC, (char*) "new description");
    check_err(err, IED_ERROR_OK, "write DC visible string");
    err = -1;
    s = IedConnection_readStringValue(con, &err, G "CfgU32.d", IEC61850_FC_DC);
    rt_check(s != NULL && strcmp(s, "new description") == 0, "read DC visible string");
    free(s);
}

static void test_float(void)
{
    static const float values[] = { -1.5e10f, 0.0f, 3.25f, -0.125f };
    size_t i;
    for (i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
        IedClientError err = -1;
        float got;
        IedConnection_writeFloatValue(con, &err, G "SetF32.setVal", IEC61850_FC_SP, values[i]);
        check_err(err, IED_ERROR_OK, "writeFloatValue");
        err = -1;
        got = IedConnection_readFloatValue(con, &err, G "SetF32.setVal", IEC61850_FC_SP);
        rt_check(got == values[i] && err == IED_ERROR_OK, "readFloatValue %g (got %g)",
                 (double) values[i], (double) got);
    }
    write_value(G "SetF64.setVal", IEC61850_FC_SP, MmsValue_newDouble(1.0 / 3), "writeObject double");
    check_printed(G "SetF64.setVal", IEC61850_FC_SP, MMS_FLOAT, "0.333333");
    {
        IedClientError err = -1;
        MmsValue* v = IedConnection_readObject(con, &err, G "SetF64.setVal", IEC61850_FC_SP);
        rt_check(v != NULL && MmsValue_toDouble(v) == 1.0 / 3, "FLOAT64 keeps double precision");
        if (v)
            MmsValue_delete(v);
    }
    {
        IedClientError err = -1;
        IedConnection_writeFloatValue(con, &err, "DEMOProt/PTOC1.StrVal.setMag.f", IEC61850_FC_SP, 99.5f);
        check_err(err, IED_ERROR_OK, "write float in a structure");
        check_printed("DEMOProt/PTOC1.StrVal.setMag", IEC61850_FC_SP, MMS_STRUCTURE, "{99.500000}");
    }
}

static void test_strings(void)
{
    static const struct { const char* ref; const char* value; } cases[] = {
        { G "SetVs32.setVal", "abcdefghij" }, { G "SetVs32.setVal", "" },
        { G "SetVs32.setVal", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" },
        { G "SetVs255.setVal", "with spaces and $ . /" },
    };
    char long255[256];
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        IedClientError err = -1;
        char* s;
        IedConnection_writeVisibleStringValue(con, &err, cases[i].ref, IEC61850_FC_SP, (char*) cases[i].value);
        check_err(err, IED_ERROR_OK, "writeVisibleStringValue");
        err = -1;
        s = IedConnection_readStringValue(con, &err, cases[i].ref, IEC61850_FC_SP);
        rt_check(s != NULL && err == IED_ERROR_OK && strcmp(s, cases[i].value) == 0,
                 "readStringValue \"%s\"", cases[i].value);
        free(s);
        check_printed(cases[i].ref, IEC61850_FC_SP, MMS_VISIBLE_STRING, cases[i].value);
    }
    memset(long255, 'y', 255);
    long255[255] = '\0';
    {
        IedClientError err = -1;
        IedConnection_writeVisibleStringValue(con, &err, G "SetVs255.setVal", IEC61850_FC_SP, long255);
        check_err(err, IED_ERROR_OK, "write 255 characters");
        check_printed(G "SetVs255.setVal", IEC61850_FC_SP, MMS_VISIBLE_STRING, long255);
    }
    write_value(G "SetUni.setVal", IEC61850_FC_SP, MmsValue_newMmsString("mms string"), "writeObject MMS string");
    check_printed(G "SetUni.setVal", IEC61850_FC_SP, MMS_STRING, "mms string");
    {
        IedClientError err = -1;
        char* s = IedConnection_readStringValue(con, &err, G "SetUni.setVal", IEC61850_FC_SP);
        rt_check(s != NULL && strcmp(s, "mms string") == 0, "readStringValue of an MMS string");
        free(s);
    }
}

static void test_octet_string(void)
{
    static const uint8_t data[4] = { 0x01, 0x02, 0xfe, 0xff };
    IedClientError err = -1;
    MmsValue* v = MmsValue_newOctetString(4, 64);

    MmsValue_setOctetString(v, (uint8_t*) data, 4);
    write_value(G "SetOct.setVal", IEC61850_FC_SP, v, "writeObject octet string");
    check_printed(G "SetOct.setVal", IEC61850_FC_SP, MMS_OCTET_STRING, "0102feff");
    v = IedConnection_readObject(con, &err, G "SetOct.setVal", IEC61850_FC_SP);
    rt_check(v != NULL && MmsValue_getOctetStringSize(v) == 4
             && memcmp(MmsValue_getOctetStringBuffer(v), data, 4) == 0, "octet string bytes");
    if (v)
        MmsValue_delete(v);
    v = MmsValue_newOctetString(0, 64);
    write_value(G "SetOct.setVal", IEC61850_FC_SP, v, "writeObject empty octet string");
    check_printed(G "SetOct.setVal", IEC61850_FC_SP, MMS_OCTET_STRING, "");
}

static void test_time_and_quality(void)
{
    static const uint8_t want_ts[8] = { 0x65, 0x53, 0xf1, 0x00, 0x1f, 0x7c, 0xed, 0x0a };
    IedClientError err = -1;
    Timestamp ts;
    Timestamp* ret;
    MmsValue* v;

    write_value(G "SetTs.setVal", IEC61850_FC_SP, MmsValue_newUtcTimeByMsTime(1700000000123ULL),
                "writeObject UTC time");
    check_printed(G "SetTs.setVal", IEC61850_FC_SP, MMS_UTC_TIME, "20231114221320.123Z");
    v = IedConnection_readObject(con, &err, G "SetTs.setVal", IEC61850_FC_SP);
    rt_check(v != NULL && MmsValue_getUtcTimeInMs(v) == 1700000000123ULL, "UTC time in ms");
    if (v)
        MmsValue_delete(v);
    memset(&ts, 0, sizeof(ts));
    err = -1;
    ret = IedConnection_readTimestampValue(con, &err, G "SetTs.setVal", IEC61850_FC_SP, &ts);
    check_err(err, IED_ERROR_OK, "readTimestampValue");
    /* observed: the caller's Timestamp is filled with the 8 UtcTime octets and returned */
    rt_check(ret == &ts, "readTimestampValue returns the caller's Timestamp");
    rt_check(memcmp(ts.val, want_ts, 8) == 0, "Timestamp octets 6553f1001f7ced0a");

    v = MmsValue_newBitString(13);
    MmsValue_setBitStringFromInteger(v, 0x0801);
    write_value(G "SetQ.setVal", IEC61850_FC_SP, v, "writeObject quality");
    check_printed(G "SetQ.setVal", IEC61850_FC_SP, MMS_BIT_STRING, "1000000000010");
    err = -1;
    RT_EQ(IedConnection_readQualityValue(con, &err, G "SetQ.setVal", IEC61850_FC_SP), 0x0801,
          "readQualityValue");
    check_err(err, IED_ERROR_OK, "readQualityValue: error");
}

int main(void)
{
    int port = rt_server_port();

    con = IedConnection_create();
    if (!rt_check(rt_connect(con, port) == IED_ERROR_OK, "connect to 127.0.0.1:%d", port)) {
        IedConnection_destroy(con);
        return rt_summary();
    }
    test_boolean();
    test_int32();
    test_int64();
    test_unsigned();
    test_cf_dc();
    test_float();
    test_strings();
    test_octet_string();
    test_time_and_quality();
    IedConnection_close(con);
    IedConnection_destroy(con);
    return rt_summary();
}
