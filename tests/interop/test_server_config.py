"""IedServerConfig settings and IedServer_setTimeQuality on our library against the
reference: defaults, round trips and the public struct's fields; the report setting bits;
which timestamps get the server's time quality; and what a disabled log service hides
from clients."""

import ctypes
import functools

import pytest

import differential
import harness
from differential import IED_ERROR_OK, Client
from refserver import ReferenceServer
from refserver import _free_port as free_port
from refserver import _wait_listening as wait_listening

FC_ST = 0
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


def utc_octets(lib, value):
    return bytes(ctypes.string_at(lib.MmsValue_getUtcTimeBuffer(value), 8))


# setTimeQuality arguments, each followed by an update of a timestamp.
TIME_QUALITIES = [(True, True, True, 5), (True, False, False, 10), (False, False, True, 0),
                  (False, False, False, 31), (False, False, False, -1),
                  (False, False, False, 32), (False, True, False, 7)]


def time_quality_observation(which):
    """The stored UTC time after each update function, with the default time quality and
    after each setTimeQuality; a second server keeps its own."""
    srv = Served(which)
    other = Served(which)
    lib = srv.lib
    try:
        t = srv.node(b"DEMOProt/GGIO1.Ind1.t")
        value = lib.IedServer_getAttributeValue(srv.server, t)
        ts = (ctypes.c_uint8 * 8)(1, 2, 3, 4, 5, 6, 7, 0)
        given = lib.MmsValue_newUtcTimeByMsTime(1700000000999)
        out = []

        def updates():
            lib.IedServer_updateUTCTimeAttributeValue(srv.server, t, 1700000000123)
            utc = utc_octets(lib, value)
            lib.IedServer_updateTimestampAttributeValue(srv.server, t, ts)
            stamp = utc_octets(lib, value)
            lib.IedServer_updateAttributeValue(srv.server, t, given)
            return utc, stamp, utc_octets(lib, value)

        out.append(updates())
        for args in TIME_QUALITIES:
            lib.IedServer_setTimeQuality(srv.server, *args)
            out.append(updates())
        # The same millisecond again: nothing changes, not even the time quality (also
        # when the stored fraction differs below the millisecond).
        lib.IedServer_updateUTCTimeAttributeValue(srv.server, t, 1700000000123)
        lib.IedServer_setTimeQuality(srv.server, True, False, True, 3)
        lib.IedServer_updateUTCTimeAttributeValue(srv.server, t, 1700000000123)
        same = [utc_octets(lib, value)]
        lib.MmsValue_setUtcTimeByBuffer(value, (ctypes.c_uint8 * 8)(*bytes.fromhex("6553f1001f7cff00")))
        lib.IedServer_updateUTCTimeAttributeValue(srv.server, t, 1700000000123)
        same.append(utc_octets(lib, value))
        lib.IedServer_updateUTCTimeAttributeValue(srv.server, t, 1700000000124)
        same.append(utc_octets(lib, value))
        out.append(same)
        t2 = other.node(b"DEMOProt/GGIO1.Ind1.t")
        lib.IedServer_updateUTCTimeAttributeValue(other.server, t2, 1700000000123)
        out.append(utc_octets(lib, lib.IedServer_getAttributeValue(other.server, t2)))
        lib.MmsValue_delete(given)
        return out
    finally:
        srv.close()
        other.close()


@pytest.mark.parametrize("which", ["reference", "ours"])
def test_time_quality_applies_to_utc_time_updates(which):
    got = time_quality_observation(which)
    # Default: leap seconds known, 10 bits accurate; the fraction of 123 ms.
    assert got[0][0] == bytes.fromhex("6553f1001f7ced8a")
    assert [utc[7] for utc, _, _ in got[1:-2]] == [0xe5, 0x8a, 0x20, 0x1f, 0x1f, 0x00, 0x47]
    # A Timestamp and an MmsValue keep their own time quality.
    assert all(stamp == bytes([1, 2, 3, 4, 5, 6, 7, 0]) for _, stamp, _ in got[:-2])
    assert all(given[7] == 0x0a for _, _, given in got[:-2])
    assert got[-2] == [bytes.fromhex("6553f1001f7ced47"), bytes.fromhex("6553f1001f7cff00"),
                       bytes.fromhex("6553f1001fbe76a3")]
    assert got[-1][7] == 0x8a
    assert got == on_reference("time_quality_observation")


@pytest.mark.parametrize("which", ["reference", "ours"])
def test_time_quality_is_what_clients_read(which):
    srv = ReferenceServer(harness.DEMO_MODEL, which=which)
    try:
        srv.lib.IedServer_setTimeQuality.argtypes = [ctypes.c_void_p, ctypes.c_bool,
                                                     ctypes.c_bool, ctypes.c_bool, ctypes.c_int]
        srv.lib.IedServer_setTimeQuality(srv.server, False, True, True, 12)
        srv.set("DEMOProt/GGIO1.Ind1.t", "utctime", "1700000000123")
        port = srv.start()
        lib = differential.load("ours")
        client = Client(lib)
        try:
            assert client.connect(port) == IED_ERROR_OK
            value, err = client.call("readObject", b"DEMOProt/GGIO1.Ind1.t", FC_ST)
            assert err == IED_ERROR_OK and value
            assert utc_octets(lib, value) == bytes.fromhex("6553f1001f7ced6c")
            lib.MmsValue_delete(value)
        finally:
            client.destroy()
    finally:
        srv.stop()


def test_null_server_time_quality(ours):
    """The reference crashes on a NULL server; ours ignores setTimeQuality, and a UTC time
    update without a server gets the default time quality."""
    ours.IedServer_setTimeQuality(None, True, True, True, 3)
    value = ours.MmsValue_newUtcTime(0)
    da = (ctypes.c_uint8 * 80)()
    ctypes.c_void_p.from_address(ctypes.addressof(da) + 64).value = value
    ours.IedServer_updateUTCTimeAttributeValue(None, ctypes.addressof(da), 1700000000123)
    assert utc_octets(ours, value) == bytes.fromhex("6553f1001f7ced8a")
    ours.MmsValue_delete(value)


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
