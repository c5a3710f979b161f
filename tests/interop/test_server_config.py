"""IedServerConfig settings on our library against the reference: defaults, round trips
and the public struct's fields; the report setting bits; and what a disabled log service
hides from clients."""

import ctypes
import functools

import pytest

import differential
import harness
from differential import IED_ERROR_OK, Client
from refserver import _free_port as free_port
from refserver import _wait_listening as wait_listening

ACSI_CLASS_LOG = 5
# Fields of the public struct sIedServerConfig (abi/layouts.tsv): name, offset, ctype.
CONFIG_FIELDS = [
    ("reportBufferSize", 0, ctypes.c_int),
    ("reportBufferSizeURCBs", 4, ctypes.c_int),
    ("enableFileService", 16, ctypes.c_bool),
    ("enableDynamicDataSetService", 17, ctypes.c_bool),
    ("maxAssociationSpecificDataSets", 20, ctypes.c_int),
    ("maxDomainSpecificDataSets", 24, ctypes.c_int),
    ("maxDataSetEntries", 28, ctypes.c_int),
    ("enableLogService", 32, ctypes.c_bool),
    ("useIntegratedGoosePublisher", 33, ctypes.c_bool),
    ("edition", 34, ctypes.c_uint8),
    ("maxMmsConnections", 36, ctypes.c_int),
    ("enableEditSG", 40, ctypes.c_bool),
    ("enableResvTmsForSGCB", 41, ctypes.c_bool),
    ("enableResvTmsForBRCB", 42, ctypes.c_bool),
    ("enableOwnerForRCB", 43, ctypes.c_bool),
    ("syncIntegrityReportTimes", 44, ctypes.c_bool),
    ("reportSettingsWritable", 45, ctypes.c_uint8),
]
# Boolean settings: (setter, getter or None, struct field).
FLAGS = [
    ("setSyncIntegrityReportTimes", "getSyncIntegrityReportTimes", "syncIntegrityReportTimes"),
    ("enableLogService", "isLogServiceEnabled", "enableLogService"),
    ("enableEditSG", None, "enableEditSG"),
    ("enableResvTmsForSGCB", None, "enableResvTmsForSGCB"),
    ("enableResvTmsForBRCB", "isResvTmsForBRCBEnabled", "enableResvTmsForBRCB"),
    ("enableOwnerForRCB", "isOwnerForRCBEnabled", "enableOwnerForRCB"),
    ("useIntegratedGoosePublisher", None, "useIntegratedGoosePublisher"),
    ("enableFileService", "isFileServiceEnabled", "enableFileService"),
    ("enableDynamicDataSetService", "isDynamicDataSetServiceEnabled",
     "enableDynamicDataSetService"),
]
GETTERS = ["getSyncIntegrityReportTimes", "isLogServiceEnabled", "isResvTmsForBRCBEnabled",
           "isOwnerForRCBEnabled", "isFileServiceEnabled", "isDynamicDataSetServiceEnabled",
           "getEdition", "getReportBufferSize", "getReportBufferSizeForURCBs",
           "getMaxMmsConnections", "getMaxAssociationSpecificDataSets",
           "getMaxDomainSpecificDataSets", "getMaxDatasSetEntries"]


def fields(config):
    """The public fields of a configuration, read from the struct as C code would."""
    return {name: ctype.from_address(config + off).value for name, off, ctype in CONFIG_FIELDS}


def config_observation(which):
    """Defaults (getters and struct fields), then every flag turned off and on again."""
    lib = differential.load(which)
    config = lib.IedServerConfig_create()
    try:
        out = {"defaults": {g: getattr(lib, "IedServerConfig_" + g)(config) for g in GETTERS},
               "fields": fields(config)}
        for setter, getter, field in FLAGS:
            seen = []
            for value in (False, True, False):
                getattr(lib, "IedServerConfig_" + setter)(config, value)
                got = getattr(lib, "IedServerConfig_" + getter)(config) if getter else None
                seen.append((got, fields(config)[field]))
            out[setter] = seen
        return out
    finally:
        lib.IedServerConfig_destroy(config)


@functools.lru_cache(maxsize=None)
def on_reference(name, *args):
    """An observation of the reference, made once."""
    return globals()[name]("reference", *args)


@pytest.mark.parametrize("which", ["reference", "ours"])
def test_config_defaults_and_round_trips(which):
    got = config_observation(which)
    # Observed on the reference: log, SG editing, ResvTms, GOOSE on; Owner, sync off.
    assert got["fields"]["enableLogService"] is True
    assert got["fields"]["enableOwnerForRCB"] is False
    assert got["fields"]["syncIntegrityReportTimes"] is False
    assert got["fields"]["reportSettingsWritable"] == 0x3f
    assert got["defaults"]["isResvTmsForBRCBEnabled"] is True
    assert got["enableOwnerForRCB"] == [(False, False), (True, True), (False, False)]
    assert got["enableEditSG"] == [(None, False), (None, True), (None, False)]
    assert got == on_reference("config_observation")


# setReportSetting calls (setting, isDyn) in order.
REPORT_SETTING_STEPS = [(0x01, False), (0x02, False), (0x3f, True), (0x40, True), (0x05, False),
                        (0xff, False), (0x40, True), (0x80, True), (0x10, True), (0xff, True),
                        (0x00, False), (0x24, False)]


def report_setting_observation(which):
    """After each step: the stored bits and getReportSetting of every octet."""
    lib = differential.load(which)
    config = lib.IedServerConfig_create()
    try:
        def state():
            return (fields(config)["reportSettingsWritable"],
                    tuple(lib.IedServerConfig_getReportSetting(config, s) for s in range(256)))
        out = [state()]
        for setting, dyn in REPORT_SETTING_STEPS:
            lib.IedServerConfig_setReportSetting(config, setting, dyn)
            out.append(state())
        return out
    finally:
        lib.IedServerConfig_destroy(config)


@pytest.mark.parametrize("which", ["reference", "ours"])
def test_report_settings(which):
    got = report_setting_observation(which)
    # Any bit of the argument counts; bits beyond the six settings are never stored.
    assert got[0][0] == 0x3f and got[0][1][0x41] and not got[0][1][0x40]
    assert [bits for bits, _ in got[1:4]] == [0x3e, 0x3c, 0x3f]
    assert got[6][0] == 0 and got[7][0] == 0
    assert got[9][0] == 0x10
    assert got == on_reference("report_setting_observation")


def test_null_configuration_is_ignored(ours):
    """The reference crashes on a NULL configuration; ours ignores it (false, nothing)."""
    ours.IedServerConfig_setReportSetting(None, 1, True)
    ours.IedServerConfig_enableOwnerForRCB(None, True)
    assert ours.IedServerConfig_getReportSetting(None, 1) is False
    assert ours.IedServerConfig_isOwnerForRCBEnabled(None) is False
    assert ours.IedServerConfig_getSyncIntegrityReportTimes(None) is False


class Served:
    """A server of `which` on `model` (not started), created with a configuration that
    `configure(lib, config)` may change first."""

    def __init__(self, which, model=harness.DEMO_MODEL, configure=None):
        self.lib = lib = differential.load(which)
        self.model = lib.ConfigFileParser_createModelFromConfigFileEx(model.encode())
        assert self.model
        config = lib.IedServerConfig_create()
        if configure:
            configure(lib, config)
        self.server = lib.IedServer_createWithConfig(self.model, None, config)
        lib.IedServerConfig_destroy(config)
        assert self.server

    def node(self, ref):
        node = self.lib.IedModel_getModelNodeByObjectReference(self.model, ref)
        assert node, ref
        return node

    def close(self):
        self.lib.IedServer_destroy(self.server)
        self.lib.IedModel_destroy(self.model)


def journals(which, log_service):
    """The journals a client sees of a directory.cfg server with log services on or off."""
    def configure(lib, config):
        lib.IedServerConfig_enableLogService(config, log_service)

    srv = Served(which, harness.DIRECTORY_MODEL, configure)
    lib = srv.lib
    try:
        port = free_port()
        lib.IedServer_start(srv.server, port)
        assert wait_listening(port)
        client = Client(differential.load("ours"))
        try:
            assert client.connect(port) == IED_ERROR_OK
            return differential.string_list_call(client, "getLogicalNodeDirectory",
                                                 b"DIRDev/LLN0", ACSI_CLASS_LOG)
        finally:
            client.destroy()
    finally:
        lib.IedServer_stop(srv.server)
        srv.close()


@pytest.mark.parametrize("which", ["reference", "ours"])
def test_no_journals_without_log_service(which):
    assert journals(which, True) == (["EventLog"], IED_ERROR_OK)
    assert journals(which, False) == ([], IED_ERROR_OK)
