"""Log queries (queryLogByTime, queryLogAfter, + async) on both libraries against a
reference server serving tests/fixtures/directory.cfg (log DIRDev/LLN0$EventLog).

The reference build has no log storage (no SQLite), so its logs stay empty: these tests
cover the requests, the empty answer and the errors; entries are tested against the fake
IED (tests/journal.rs) and in unit tests. Observed on the reference: an unknown log (or
an `LN.Log` spelling) is OBJECT_DOES_NOT_EXIST (22), a reference without `/` is
OBJECT_REFERENCE_INVALID (12) without a request, and unconnected calls CONNECTION_LOST
(3). (The reference leaves `error` untouched on success; we write IED_ERROR_OK, so the
tests start from 0.)
"""
import ctypes
import threading

import pytest

import differential
import harness

OK, CONNECTION_LOST, REFERENCE_INVALID, DOES_NOT_EXIST = 0, 3, 12, 22
LOG = b"DIRDev/LLN0$EventLog"
PROBE = (b"DIRDev/LLN0.Mod.stVal", 0)
QUERY_HANDLER = ctypes.CFUNCTYPE(None, ctypes.c_uint32, ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p,
                                 ctypes.c_bool)


@pytest.fixture(scope="module")
def log_server():
    with harness.reference_server_ctl(harness.DIRECTORY_MODEL) as srv:
        yield srv


@pytest.fixture
def lconn(lib, log_server):
    client = differential.Client(lib)
    assert differential.connect_verified(client, log_server.port, probe=PROBE) == OK
    yield client
    client.destroy()


def entry_id(lib):
    value = lib.MmsValue_newOctetString(8, 8)
    lib.MmsValue_setOctetString(value, bytes(range(1, 9)), 8)
    return value


def call(client, name, *args):
    """IedConnection_<name> with error and moreFollows initialised: (list, err, more)."""
    err, more = ctypes.c_int(0), ctypes.c_bool(True)
    ll = getattr(client.lib, "IedConnection_" + name)(client.handle, ctypes.byref(err), *args, ctypes.byref(more))
    return ll, err.value, more.value


def test_queries(lconn, lib):
    ll, err, more = call(lconn, "queryLogByTime", LOG, 0, 2_000_000_000_000)
    assert (err, more) == (OK, False) and ll and differential.list_pointers(ll) == []
    lib.LinkedList_destroy(ll)
    eid = entry_id(lib)
    try:
        ll, err, more = call(lconn, "queryLogAfter", LOG, eid, 1_700_000_000_000)
        assert (err, more) == (OK, False) and ll and differential.list_pointers(ll) == []
        lib.LinkedList_destroy(ll)
        for ref in (b"DIRDev/LLN0$Nothere", b"DIRDev/LLN0.EventLog"):
            assert call(lconn, "queryLogByTime", ref, 0, 1)[:2] == (None, DOES_NOT_EXIST)
            assert call(lconn, "queryLogAfter", ref, eid, 0)[:2] == (None, DOES_NOT_EXIST)
        assert call(lconn, "queryLogByTime", b"garbage", 0, 1)[:2] == (None, REFERENCE_INVALID)
    finally:
        lib.MmsValue_delete(eid)


def test_async_queries(lconn, lib):
    events, done = [], threading.Event()

    def on_result(invoke_id, _param, err, ll, more):
        events.append((invoke_id, err, None if not ll else differential.list_pointers(ll), more))
        if ll:
            lib.LinkedList_destroy(ll)
        done.set()

    cb = QUERY_HANDLER(on_result)
    fn = ctypes.cast(cb, ctypes.c_void_p)
    err = ctypes.c_int(-1)
    invoke_id = lib.IedConnection_queryLogByTimeAsync(lconn.handle, ctypes.byref(err), LOG, 0, 1, fn, None)
    assert done.wait(10) and err.value == OK
    assert events == [(invoke_id, OK, [], False)]
    eid = entry_id(lib)
    try:
        events.clear(), done.clear()
        invoke_id = lib.IedConnection_queryLogAfterAsync(lconn.handle, ctypes.byref(err), b"DIRDev/LLN0$Nothere",
                                                         eid, 0, fn, None)
        assert done.wait(10) and events == [(invoke_id, DOES_NOT_EXIST, None, False)]
    finally:
        lib.MmsValue_delete(eid)
    events.clear()
    assert lib.IedConnection_queryLogByTimeAsync(lconn.handle, ctypes.byref(err), b"garbage", 0, 1, fn, None) == 0
    assert err.value == REFERENCE_INVALID and events == []


def test_unconnected(lib):
    client = differential.Client(lib)
    try:
        assert call(client, "queryLogByTime", LOG, 0, 1)[:2] == (None, CONNECTION_LOST)
    finally:
        client.destroy()
