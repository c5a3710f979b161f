"""The GetNameList-based async directory calls: one page per call, names appended to the
caller's result list (or a new one), more-follows reported; observed on the reference with
tests/fixtures/large.cfg (7329 variables in BIGDev, two pages)."""
import ctypes
import threading

import pytest

import harness
from differential import Client, list_pointers

HANDLER = ctypes.CFUNCTYPE(None, ctypes.c_uint32, ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p,
                           ctypes.c_bool)
IED_ERROR_OBJECT_DOES_NOT_EXIST = 22


@pytest.fixture(scope="module")
def large_server():
    with harness.reference_server_ctl(harness.LARGE_MODEL) as srv:
        yield srv


def strings(lib, ll):
    return [ctypes.string_at(p).decode() for p in list_pointers(ll)] if ll else None


def test_name_list_pages(lib, large_server):
    for name in ("getServerDirectoryAsync", "getLogicalDeviceVariablesAsync",
                 "getLogicalDeviceDataSetsAsync"):
        getattr(lib, "IedConnection_" + name).restype = ctypes.c_uint32
    lib.LinkedList_create.restype = ctypes.c_void_p
    lib.LinkedList_destroy.argtypes = [ctypes.c_void_p]
    seen, done = [], threading.Semaphore(0)

    def on_page(invoke_id, _param, err, names, more):
        seen.append((invoke_id, err, names, strings(lib, names), more))
        done.release()

    callback = HANDLER(on_page)
    client = Client(lib)
    try:
        for _ in range(3):  # the reference server drops about one connection in a hundred
            if client.connect(large_server.port) == 0 and \
                    client.call("readBooleanValue", b"BIGDev/GGIO1.Ind1.stVal", 0)[1] == 0:
                break
            lib.IedConnection_close(client.handle)
        else:
            pytest.fail("cannot connect to the large model's server")
        handle, err = ctypes.c_void_p(client.handle), ctypes.c_int(-1)
        call = lambda name, *args: getattr(lib, "IedConnection_" + name)(
            handle, ctypes.byref(err), *args, callback, None)

        first = call("getServerDirectoryAsync", None, None)
        assert err.value == 0 and done.acquire(timeout=5)
        result = lib.LinkedList_create()
        call("getLogicalDeviceVariablesAsync", b"BIGDev", None, ctypes.c_void_p(result))
        assert done.acquire(timeout=5)
        last = seen[-1][3][-1]
        call("getLogicalDeviceVariablesAsync", b"BIGDev", last.encode(), ctypes.c_void_p(result))
        assert done.acquire(timeout=5)
        call("getLogicalDeviceVariablesAsync", b"NOPE", None, None)
        assert done.acquire(timeout=5)
        call("getLogicalDeviceDataSetsAsync", b"BIGDev", None, None)
        assert done.acquire(timeout=5)

        ids = [s[0] for s in seen]
        assert ids == list(range(first, first + 5))
        assert seen[0][1:] == (0, seen[0][2], ["BIGAux", "BIGDev"], False)
        # Both pages land in the caller's list, which the handler receives.
        assert seen[1][2] == seen[2][2] == result
        assert (len(seen[1][3]), seen[1][3][-1], seen[1][4]) == (3432, "GGIO35$ST$Ind12$q", True)
        assert (len(seen[2][3]), seen[2][3][-1], seen[2][4]) == (6863, "GGIO60$ST$Ind16", True)
        assert seen[3][1:] == (IED_ERROR_OBJECT_DOES_NOT_EXIST, None, None, False)
        assert seen[4][3] == ["LLN0$Set1", "LLN0$Set2", "LLN0$Set3", "LLN0$Set4", "LLN0$Set5"]
        for s in (seen[0], seen[4]):
            lib.LinkedList_destroy(s[2])
        lib.LinkedList_destroy(result)
    finally:
        client.destroy()
