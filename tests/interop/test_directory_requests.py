"""The MMS requests each directory function sends, recorded by a proxy between the client
and a reference server (tests/fixtures/directory.cfg, and large.cfg for paging).

Observed on the reference (libiec61850 1.6.1): the first directory query of an
IedConnection that needs the model (server, logical device, logical node and data
directories, logical node variables) fetches it whole -- the domain names, then every
domain's variable names, page by page -- and later queries answer from that copy, even
after a reconnect; getDeviceModelFromServer fetches it again every time. The logical
device variables and data sets, the data set and log classes of a logical node directory,
the variable specifications and the file directory ask the server on every call.
"""
import ctypes
import threading

import pytest

import harness
from differential import Client, connect_verified, string_list_call
from mms_recorder import RecordingProxy

CLASS_VARIABLE, CLASS_DATA_SET, CLASS_JOURNAL, CLASS_DOMAIN = 0, 2, 8, 9
FC_ST, FC_MX, FC_SP, FC_CO, FC_NONE = 0, 1, 2, 12, -1
ACSI_DATA_OBJECT, ACSI_DATA_SET, ACSI_LOG = 0, 1, 5
PROBE = (b"DIRDev/GAPC1.Set1.setVal", FC_SP)
LARGE_PROBE = (b"BIGDev/LLN0.Mod.stVal", FC_ST)


def name_list(object_class, domain=None, after=None):
    """A GetNameList request as the recorder renders it."""
    scope = f"[1]'{domain}'" if domain else "[0]:"
    request = f"[0]([0]:{object_class:02x}) [1]({scope})"
    return f"GetNameList({request}{f' [2]{after!r}' if after else ''})"


def variable_attributes(domain, item):
    """A GetVariableAccessAttributes request of a domain-specific name."""
    return f"GetVariableAccessAttributes([0]([1](u26'{domain}' u26'{item}')))"


MODEL = [name_list(CLASS_DOMAIN), name_list(CLASS_VARIABLE, "DIRAux"),
         name_list(CLASS_VARIABLE, "DIRDev")]
# large.cfg: BIGDev's 7329 names take three pages.
BIGDEV_VARIABLES = [name_list(CLASS_VARIABLE, "BIGDev"),
                    name_list(CLASS_VARIABLE, "BIGDev", "GGIO35$ST$Ind12$q"),
                    name_list(CLASS_VARIABLE, "BIGDev", "GGIO60$ST$Ind16")]
LARGE_MODEL = [name_list(CLASS_DOMAIN), name_list(CLASS_VARIABLE, "BIGAux")] + BIGDEV_VARIABLES


def recording(model):
    """A recording proxy in front of a reference server on `model`, for a module."""
    with harness.reference_server_ctl(model) as srv, RecordingProxy(srv.port) as p:
        yield p


@pytest.fixture(scope="module")
def proxy():
    """A recording proxy in front of a reference server on directory.cfg."""
    yield from recording(harness.DIRECTORY_MODEL)


@pytest.fixture(scope="module")
def large_proxy():
    """A recording proxy in front of a reference server on large.cfg."""
    yield from recording(harness.LARGE_MODEL)


def connect(client, proxy, probe=PROBE):
    """Connects through `proxy` and forgets the requests of the connection check."""
    assert connect_verified(client, proxy.port, probe=probe) == 0
    proxy.take()


@pytest.fixture
def rec(client, proxy):
    """A client connected through the directory.cfg proxy, and a function that runs one
    list call and returns (names, err, the requests it sent)."""
    connect(client, proxy)

    def run(name, *args):
        names, err = string_list_call(client, name, *args)
        return names, err, proxy.take()
    return run


def requests_of(run, name, *args):
    return run(name, *args)[2]


# --- the first query of a connection ------------------------------------------------------

@pytest.mark.parametrize("name,args,requests", [
    ("getServerDirectory", (False,), MODEL),
    ("getLogicalDeviceList", (), MODEL),
    ("getLogicalDeviceDirectory", (b"DIRDev",), MODEL),
    ("getLogicalDeviceDirectory", (b"NOPE",), MODEL),
    ("getLogicalDeviceDirectory", (b"",), MODEL),
    ("getLogicalNodeDirectory", (b"DIRDev/LLN0", ACSI_DATA_OBJECT), MODEL),
    ("getLogicalNodeDirectory", (b"NOPE/LLN0", ACSI_DATA_OBJECT), MODEL),
    ("getLogicalNodeDirectory", (b"DIRDev/LLN0", 6), MODEL),  # SGCB
    ("getLogicalNodeDirectory", (b"DIRDev/LLN0", 8), MODEL),  # GsCB
    ("getLogicalNodeDirectory", (b"DIRDev/LLN0", 99), MODEL),
    ("getLogicalNodeDirectory", (b"DIRDev/LLN0", ACSI_DATA_SET),
     [name_list(CLASS_DATA_SET, "DIRDev")]),
    ("getLogicalNodeDirectory", (b"NOPE/LLN0", ACSI_DATA_SET), [name_list(CLASS_DATA_SET, "NOPE")]),
    ("getLogicalNodeDirectory", (b"DIRDev/LLN0", ACSI_LOG), [name_list(CLASS_JOURNAL, "DIRDev")]),
    ("getLogicalNodeDirectory", (b"DIRDev", ACSI_DATA_OBJECT), []),
    ("getLogicalNodeVariables", (b"DIRDev/LLN0",), MODEL),
    ("getLogicalNodeVariables", (b"DIRDev",), MODEL),
    ("getLogicalDeviceVariables", (b"DIRDev",), [name_list(CLASS_VARIABLE, "DIRDev")]),
    ("getLogicalDeviceVariables", (b"NOPE",), [name_list(CLASS_VARIABLE, "NOPE")]),
    ("getLogicalDeviceDataSets", (b"DIRDev",), [name_list(CLASS_DATA_SET, "DIRDev")]),
    ("getDataDirectory", (b"DIRDev/LLN0.Mod",), MODEL),
    ("getDataDirectory", (b"DIRDev/LLN0",), MODEL),
    ("getDataDirectory", (b"NOPE/LLN0.Mod",), MODEL),
    ("getDataDirectoryFC", (b"DIRDev/LLN0.Mod",), MODEL),
    ("getDataDirectoryByFC", (b"DIRDev/LLN0.Mod", FC_ST), MODEL),
    ("getDataDirectoryByFC", (b"DIRDev/LLN0.Mod", 99), []),
    ("getServerDirectory", (True,), ["FileDirectory()"]),
])
def test_first_query(rec, name, args, requests):
    assert requests_of(rec, name, *args) == requests


# --- later queries on the same connection ---------------------------------------------------

def test_model_is_fetched_once(rec):
    assert requests_of(rec, "getLogicalDeviceDirectory", b"DIRDev") == MODEL
    cached = [("getServerDirectory", False), ("getLogicalDeviceList",),
              ("getLogicalDeviceDirectory", b"DIRAux"), ("getLogicalDeviceDirectory", b"NOPE"),
              ("getLogicalNodeVariables", b"DIRDev/GGIO1"), ("getLogicalNodeVariables", b"DIRDev"),
              ("getDataDirectory", b"DIRDev/GGIO1.AnIn1"), ("getDataDirectory", b"NOPE/X.Y"),
              ("getDataDirectoryFC", b"DIRDev/MMXU1.A"),
              ("getDataDirectoryByFC", b"DIRDev/MMXU1.A", FC_MX)]
    cached += [("getLogicalNodeDirectory", b"DIRDev/LLN0", c) for c in range(11)
               if c not in (ACSI_DATA_SET, ACSI_LOG)]
    for call in cached:
        assert requests_of(rec, *call) == [], call
    # These ask the server every time.
    for _ in range(2):
        assert requests_of(rec, "getLogicalNodeDirectory", b"DIRDev/LLN0", ACSI_DATA_SET) == \
            [name_list(CLASS_DATA_SET, "DIRDev")]
        assert requests_of(rec, "getLogicalNodeDirectory", b"DIRDev/LLN0", ACSI_LOG) == \
            [name_list(CLASS_JOURNAL, "DIRDev")]
        assert requests_of(rec, "getLogicalDeviceVariables", b"DIRAux") == \
            [name_list(CLASS_VARIABLE, "DIRAux")]
        assert requests_of(rec, "getLogicalDeviceDataSets", b"DIRDev") == \
            [name_list(CLASS_DATA_SET, "DIRDev")]
        assert requests_of(rec, "getServerDirectory", True) == ["FileDirectory()"]


def test_device_model_from_server_fetches_every_time(client, proxy):
    connect(client, proxy)
    for _ in range(2):
        assert client.call("getDeviceModelFromServer") == (None, 0)
        assert proxy.take() == MODEL
    names, err = string_list_call(client, "getLogicalDeviceDirectory", b"DIRDev")
    assert (names, err, proxy.take()) == (["GAPC1", "GGIO1", "LLN0", "MMXU1"], 0, [])


def test_model_outlives_the_connection(client, proxy):
    connect(client, proxy)
    string_list_call(client, "getServerDirectory", False)
    assert proxy.take() == MODEL
    # Observed on the reference: after a close the copy still answers, and a new
    # connection of the same IedConnection keeps using it.
    client.lib.IedConnection_close(client.handle)
    assert string_list_call(client, "getLogicalDeviceDirectory", b"DIRAux") == \
        (["LLN0", "LPHD1"], 0)
    assert string_list_call(client, "getLogicalDeviceVariables", b"DIRAux") == (None, 3)
    connect(client, proxy)
    assert string_list_call(client, "getLogicalNodeVariables", b"DIRAux/LPHD1") == \
        (["DC", "DC$PhyNam", "DC$PhyNam$vendor"], 0)
    assert proxy.take() == []


def browse(client, ld):
    """The usual browse of one device: its nodes, their data objects, their children."""
    count = 0
    lns, err = string_list_call(client, "getLogicalDeviceDirectory", ld)
    assert err == 0
    for ln in lns:
        ref = ld + b"/" + ln.encode()
        dos, err = string_list_call(client, "getLogicalNodeDirectory", ref, ACSI_DATA_OBJECT)
        assert err == 0
        for do in dos:
            names, err = string_list_call(client, "getDataDirectory", ref + b"." + do.encode())
            assert err == 0
            count += len(names)
    return len(lns), count


def test_browse_sends_one_model_fetch(client, proxy):
    connect(client, proxy)
    assert browse(client, b"DIRDev") == (4, 67)
    assert browse(client, b"DIRAux") == (2, 4)
    assert proxy.take() == MODEL


def test_large_browse_sends_one_model_fetch(client, large_proxy):
    connect(client, large_proxy, LARGE_PROBE)
    assert browse(client, b"BIGDev") == (61, 5404)
    assert large_proxy.take() == LARGE_MODEL


def test_large_device_variables_page_every_time(client, large_proxy):
    connect(client, large_proxy, LARGE_PROBE)
    for _ in range(2):
        names, err = string_list_call(client, "getLogicalDeviceVariables", b"BIGDev")
        assert (len(names), err, large_proxy.take()) == (7329, 0, BIGDEV_VARIABLES)
    # ...and do not stand in for the model.
    string_list_call(client, "getLogicalDeviceDirectory", b"BIGDev")
    assert large_proxy.take() == LARGE_MODEL


# --- variable specifications ---------------------------------------------------------------

# Observed on the reference: the reference becomes `LN$FC$rest` with `.` turned into `$`
# (array indices and other characters kept); FC NONE sends the text after `/` unchanged.
SPECIFICATIONS = [
    (b"DIRDev/GGIO1.AnIn1", FC_MX, 0, "GGIO1$MX$AnIn1"),
    (b"DIRDev/GGIO1", FC_ST, 0, "GGIO1$ST"),
    (b"DIRDev/GGIO1.SPCSO1$Oper", FC_CO, 0, "GGIO1$CO$SPCSO1$Oper"),
    (b"DIRDev/GAPC1.Arr.vals(1)", FC_SP, 22, "GAPC1$SP$Arr$vals(1)"),
    (b"DIRDev/GGIO1..Ind1", FC_ST, 22, "GGIO1$ST$$Ind1"),
    (b"DIRDev/", FC_ST, 22, "$ST"),
    (b"DIRDev/GGIO1.Ind1", FC_NONE, 22, "GGIO1.Ind1"),
    (b"garbage", FC_ST, 12, None),
    (b"DIRDev/GGIO1.Ind1", 99, 12, None),
]


@pytest.mark.parametrize("ref,fc,err,item", SPECIFICATIONS,
                         ids=[f"{r.decode()}-{fc}" for r, fc, _, _ in SPECIFICATIONS])
def test_variable_specification(client, proxy, ref, fc, err, item):
    connect(client, proxy)
    for _ in range(2):  # never cached
        spec, got = client.call("getVariableSpecification", ref, fc)
        if spec:
            client.lib.MmsVariableSpecification_destroy(spec)
        assert (got, proxy.take()) == (err, [variable_attributes("DIRDev", item)] if item else [])


# --- the asynchronous variants --------------------------------------------------------------

NAME_LIST_HANDLER = ctypes.CFUNCTYPE(None, ctypes.c_uint32, ctypes.c_void_p, ctypes.c_int,
                                     ctypes.c_void_p, ctypes.c_bool)
SPEC_HANDLER = ctypes.CFUNCTYPE(None, ctypes.c_uint32, ctypes.c_void_p, ctypes.c_int,
                                ctypes.c_void_p)


def test_async_variants(client, large_proxy):
    lib = client.lib
    connect(client, large_proxy, LARGE_PROBE)
    done = threading.Semaphore(0)

    def names_done(_id, _param, _err, names, _more):
        lib.LinkedList_destroy(names)
        done.release()

    def spec_done(_id, _param, _err, spec):
        lib.MmsVariableSpecification_destroy(spec)
        done.release()
    on_names, on_spec = NAME_LIST_HANDLER(names_done), SPEC_HANDLER(spec_done)
    err = ctypes.c_int(-1)

    def run(name, *args):
        getattr(lib, "IedConnection_" + name)(ctypes.c_void_p(client.handle), ctypes.byref(err),
                                              *args, None)
        assert err.value == 0 and done.acquire(timeout=5)
        return large_proxy.take()

    assert run("getServerDirectoryAsync", None, None, on_names) == [name_list(CLASS_DOMAIN)]
    assert run("getServerDirectoryAsync", b"BIGAux", None, on_names) == \
        [name_list(CLASS_DOMAIN, after="BIGAux")]
    assert run("getLogicalDeviceVariablesAsync", b"BIGDev", None, None, on_names) == \
        BIGDEV_VARIABLES[:1]
    assert run("getLogicalDeviceVariablesAsync", b"BIGDev", b"GGIO35$ST$Ind12$q", None,
               on_names) == BIGDEV_VARIABLES[1:2]
    assert run("getLogicalDeviceDataSetsAsync", b"BIGDev", None, None, on_names) == \
        [name_list(CLASS_DATA_SET, "BIGDev")]
    assert run("getVariableSpecificationAsync", b"BIGDev/GGIO2.Ind1$stVal", FC_ST, on_spec) == \
        [variable_attributes("BIGDev", "GGIO2$ST$Ind1$stVal")]
