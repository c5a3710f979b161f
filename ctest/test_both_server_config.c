/* IedServerConfig as C programs use it (the struct is public: fields read directly, the
 * IEC61850_REPORTSETTINGS_* bits), IedServer_setTimeQuality on a UTC time update, and the
 * functionally constrained data a server lends out (the model's own values, the same
 * pointer each time, never freed by the caller). Runs on our library (also under
 * valgrind), on the reference, and linked against the reference on ours. */
#include "iec61850_server.h"
#include "iec61850_config_file_parser.h"
#include "check.h"

static void config_checks(void)
{
    IedServerConfig config = IedServerConfig_create();
    check(config->enableLogService && config->useIntegratedGoosePublisher, "log and GOOSE on");
    check(config->enableEditSG && config->enableResvTmsForSGCB && config->enableResvTmsForBRCB,
          "SG editing and ResvTms on");
    check(!config->enableOwnerForRCB && !config->syncIntegrityReportTimes, "Owner and sync off");
    check(config->reportSettingsWritable == 0x3f, "every report setting writable");

    IedServerConfig_enableOwnerForRCB(config, true);
    IedServerConfig_setSyncIntegrityReportTimes(config, true);
    IedServerConfig_enableLogService(config, false);
    IedServerConfig_enableResvTmsForBRCB(config, false);
    check(config->enableOwnerForRCB && IedServerConfig_isOwnerForRCBEnabled(config), "Owner on");
    check(IedServerConfig_getSyncIntegrityReportTimes(config), "sync on");
    check(!config->enableLogService && !IedServerConfig_isLogServiceEnabled(config), "log off");
    check(!IedServerConfig_isResvTmsForBRCBEnabled(config), "BRCB ResvTms off");

    IedServerConfig_setReportSetting(config, IEC61850_REPORTSETTINGS_RPT_ID | IEC61850_REPORTSETTINGS_INTG_PD, false);
    check(config->reportSettingsWritable == 0x1e, "RptID and IntgPd fixed");
    check(!IedServerConfig_getReportSetting(config, IEC61850_REPORTSETTINGS_RPT_ID), "RptID not writable");
    check(IedServerConfig_getReportSetting(config, IEC61850_REPORTSETTINGS_RPT_ID | IEC61850_REPORTSETTINGS_DATSET),
          "any writable bit counts");
    IedServerConfig_setReportSetting(config, 0xc1, true);
    check(config->reportSettingsWritable == 0x1f, "only the six settings are stored");
    IedServerConfig_destroy(config);
}

int main(void)
{
    config_checks();
    IedModel* model = ConfigFileParser_createModelFromConfigFileEx(RS61850_FIXTURES "/demo.cfg");
    check(model != NULL, "demo.cfg loads");
    if (model == NULL) {
        printf("%d passed, %d failed\n", passed, failed);
        return 1;
    }
    IedServer server = IedServer_create(model);
    check(server != NULL, "server created");

    DataAttribute* t = (DataAttribute*) IedModel_getModelNodeByObjectReference(model, "DEMOProt/GGIO1.Ind1.t");
    IedServer_updateUTCTimeAttributeValue(server, t, 1700000000123ULL);
    check(MmsValue_getUtcTimeQuality(IedServer_getAttributeValue(server, t)) == 0x8a,
          "default time quality: leap seconds known, 10 bits");
    IedServer_setTimeQuality(server, false, true, true, 12);
    IedServer_updateUTCTimeAttributeValue(server, t, 1700000000123ULL);
    check(MmsValue_getUtcTimeQuality(IedServer_getAttributeValue(server, t)) == 0x8a,
          "the same millisecond changes nothing, not even the time quality");
    IedServer_updateUTCTimeAttributeValue(server, t, 1700000000456ULL);
    check(MmsValue_getUtcTimeQuality(IedServer_getAttributeValue(server, t)) == 0x6c,
          "the server's time quality");
    check(MmsValue_getUtcTimeInMs(IedServer_getAttributeValue(server, t)) == 1700000000456ULL,
          "the time itself");

    DataObject* spcso1 = (DataObject*) IedModel_getModelNodeByObjectReference(model, "DEMOProt/GGIO1.SPCSO1");
    DataAttribute* stVal = (DataAttribute*) IedModel_getModelNodeByObjectReference(model, "DEMOProt/GGIO1.SPCSO1.stVal");
    MmsValue* st = IedServer_getFunctionalConstrainedData(server, spcso1, IEC61850_FC_ST);
    check(st != NULL && MmsValue_getType(st) == MMS_STRUCTURE && MmsValue_getArraySize(st) == 3,
          "ST of SPCSO1: {stVal, q, t}");
    check(st == IedServer_getFunctionalConstrainedData(server, spcso1, IEC61850_FC_ST), "the same each time");
    check(st != NULL && MmsValue_getElement(st, 0) == IedServer_getAttributeValue(server, stVal),
          "its stVal is the model's value");
    IedServer_updateBooleanAttributeValue(server, stVal, true);
    check(st != NULL && MmsValue_getBoolean(MmsValue_getElement(st, 0)), "an update shows in it");
    check(IedServer_getFunctionalConstrainedData(server, spcso1, IEC61850_FC_CO) == NULL, "no CO");
    check(IedServer_getFunctionalConstrainedData(server, spcso1, IEC61850_FC_SP) == NULL, "no SP");
    DataObject* totW = (DataObject*) IedModel_getModelNodeByObjectReference(model, "DEMOMeas/MMXU1.TotW");
    MmsValue* mx = IedServer_getFunctionalConstrainedData(server, totW, IEC61850_FC_MX);
    check(mx != NULL && MmsValue_getArraySize(mx) == 3, "MX of TotW: {mag, q, t}");
    if (mx != NULL)
        MmsValue_setFloat(MmsValue_getElement(MmsValue_getElement(mx, 0), 0), 12.5f);
    DataAttribute* f = (DataAttribute*) IedModel_getModelNodeByObjectReference(model, "DEMOMeas/MMXU1.TotW.mag.f");
    check(IedServer_getFloatAttributeValue(server, f) == 12.5f, "a change through it is the model's");

    IedServer_destroy(server);
    IedModel_destroy(model);
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
