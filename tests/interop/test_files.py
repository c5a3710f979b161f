"""MMS file services (getFileDirectory*, getFile*, setFile*, deleteFile*, getServerDirectory
with file names) on both libraries against a reference server serving a temporary
filestore (refserver.py --filestore).

Expected values were observed on the reference: the listing is recursive and in the
server's directory order, missing files and directories are OBJECT_DOES_NOT_EXIST (22),
deleting a directory is ACCESS_DENIED (21), a destination in a missing directory is
UNKNOWN (99), the client's filestore base path is prepended verbatim (default
./vmd-filestore/), and without a connection every call is CONNECTION_LOST (3).
"""
import ctypes
import os
import random
import subprocess
import sys
import threading

import pytest

import differential
import harness
from conftest import load_lib

OK, CONNECTION_LOST, ACCESS_DENIED, DOES_NOT_EXIST, UNKNOWN = 0, 3, 21, 22, 99

GET_FILE_HANDLER = ctypes.CFUNCTYPE(ctypes.c_bool, ctypes.c_void_p, ctypes.POINTER(ctypes.c_uint8),
                                    ctypes.c_uint32)
DIRECTORY_HANDLER = ctypes.CFUNCTYPE(ctypes.c_bool, ctypes.c_uint32, ctypes.c_void_p, ctypes.c_int,
                                     ctypes.c_char_p, ctypes.c_uint32, ctypes.c_uint64, ctypes.c_bool)
GET_FILE_ASYNC_HANDLER = ctypes.CFUNCTYPE(ctypes.c_bool, ctypes.c_uint32, ctypes.c_void_p, ctypes.c_int,
                                          ctypes.c_uint32, ctypes.c_void_p, ctypes.c_uint32, ctypes.c_bool)
GENERIC_HANDLER = ctypes.CFUNCTYPE(None, ctypes.c_uint32, ctypes.c_void_p, ctypes.c_int)

MANY = 40
FILES = {
    "a.txt": b"hello world\n",
    "empty.bin": b"",
    "sub/b.bin": bytes(random.Random(1).randrange(256) for _ in range(3000)),
    # Several FileRead PDUs, the last one partial.
    "big.bin": random.Random(2).randbytes(3 * 1024 * 1024 + 17),
}
FILES.update({f"many/file_with_a_rather_long_name_{i:03}.txt": b"%d\n" % i for i in range(MANY)})


def fn(cb):
    return ctypes.cast(cb, ctypes.c_void_p)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    root = tmp_path_factory.mktemp("filestore")
    for name, data in FILES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return root


@pytest.fixture(scope="module")
def local(tmp_path_factory):
    """The client's own filestore (what setFile uploads from)."""
    root = tmp_path_factory.mktemp("local")
    (root / "up.txt").write_bytes(b"local content\n")
    (root / "upload.bin").write_bytes(random.Random(3).randbytes(200_000))
    return root


@pytest.fixture(scope="module")
def file_server(store):
    proc = subprocess.Popen(
        [sys.executable, os.path.join(harness.HERE, "refserver.py"), "run", "--model",
         harness.DEMO_MODEL, "--filestore", str(store)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
    line = proc.stdout.readline()
    assert line.startswith("PORT "), line
    yield int(line.split()[1])
    proc.stdin.close()
    proc.wait(timeout=10)


@pytest.fixture
def fconn(lib, file_server):
    client = differential.Client(lib)
    assert differential.connect_verified(client, file_server) == OK
    yield client
    client.destroy()


def entries(lib, ll):
    """(name, size, lastModified) of a FileDirectoryEntry list, which is then freed."""
    if not ll:
        return None
    try:
        return [(lib.FileDirectoryEntry_getFileName(p).decode(), lib.FileDirectoryEntry_getFileSize(p),
                 lib.FileDirectoryEntry_getLastModified(p)) for p in differential.list_pointers(ll)]
    finally:
        lib.LinkedList_destroyDeep(ll, fn(lib.dll.FileDirectoryEntry_destroy))


def expected_entry(store, name):
    st = os.stat(store / name)
    return name, st.st_size, int(st.st_mtime) * 1000


def get_file(client, name, stop_after=None):
    chunks = []

    def on_chunk(_param, buf, n):
        chunks.append(ctypes.string_at(buf, n))
        return stop_after is None or len(chunks) < stop_after

    cb = GET_FILE_HANDLER(on_chunk)
    total, err = client.call("getFile", name.encode(), fn(cb), None)
    return total, err, chunks


def test_directory_listings(fconn, lib, store):
    listed = entries(lib, fconn.call("getFileDirectory", None)[0])
    assert sorted(listed) == sorted(expected_entry(store, n) for n in FILES)
    names = [e[0] for e in listed]
    assert len(set(names)) == len(names)
    sub, err = fconn.call("getFileDirectory", b"sub")
    assert err == OK and entries(lib, sub) == [expected_entry(store, "sub/b.bin")]
    # A file name lists that file; a trailing slash is accepted.
    assert entries(lib, fconn.call("getFileDirectory", b"a.txt")[0]) == [expected_entry(store, "a.txt")]
    assert entries(lib, fconn.call("getFileDirectory", b"sub/")[0]) == [expected_entry(store, "sub/b.bin")]
    ll, err = fconn.call("getFileDirectory", b"nothere")
    assert (ll, err) == (None, DOES_NOT_EXIST)
    server_dir, err = fconn.call("getServerDirectory", True)
    assert err == OK and entries(lib, server_dir) == listed


def test_directory_pages(fconn, lib, store):
    more = ctypes.c_bool(True)
    page, err = fconn.call("getFileDirectoryEx", b"many", None, ctypes.byref(more))
    page = entries(lib, page)
    assert err == OK and not more.value and len(page) == MANY
    # Continuing after the last entry gives an empty page.
    more.value = True
    rest, err = fconn.call("getFileDirectoryEx", b"many", page[-1][0].encode(), ctypes.byref(more))
    assert (entries(lib, rest), err, more.value) == ([], OK, False)
    # Continuing in the middle gives the entries after it, in the same order.
    middle = page[MANY // 2][0].encode()
    rest, err = fconn.call("getFileDirectoryEx", b"many", middle, ctypes.byref(more))
    assert entries(lib, rest) == page[MANY // 2 + 1:]


def test_listings_equal_the_reference_clients(file_server):
    listings = []
    for which in ("reference", "ours"):
        lib = load_lib(which)
        client = differential.Client(lib)
        try:
            assert differential.connect_verified(client, file_server) == OK
            listing = [entries(lib, client.call("getFileDirectory", d)[0]) for d in (None, b"sub", b"many")]
            more = ctypes.c_bool(True)
            listing.append(entries(lib, client.call("getFileDirectoryEx", None, None, ctypes.byref(more))[0]))
            listing.append(more.value)
            listings.append(listing)
        finally:
            client.destroy()
    assert listings[0] == listings[1]


@pytest.mark.parametrize("name", ["a.txt", "empty.bin", "sub/b.bin", "big.bin"])
def test_get_file_is_byte_exact(fconn, name):
    total, err, chunks = get_file(fconn, name)
    assert (err, total) == (OK, len(FILES[name]))
    assert b"".join(chunks) == FILES[name]
    if name == "empty.bin":
        assert chunks == [b""]  # the handler sees the empty chunk
    if name == "big.bin":
        assert len(chunks) > 1


def test_get_file_errors_and_stop(fconn):
    assert get_file(fconn, "nothere")[:2] == (0, DOES_NOT_EXIST)
    total, err, chunks = get_file(fconn, "big.bin", stop_after=1)
    assert err == OK and len(chunks) == 1 and total == len(chunks[0]) < len(FILES["big.bin"])
    # The connection is still usable and the file was closed.
    assert get_file(fconn, "a.txt")[:2] == (len(FILES["a.txt"]), OK)


def test_set_and_delete_file(fconn, lib, store, local):
    lib.IedConnection_setFilestoreBasepath(fconn.handle, (str(local) + "/").encode())
    for src, dst in (("up.txt", "uploaded.txt"), ("upload.bin", "sub/uploaded.bin")):
        assert fconn.call("setFile", src.encode(), dst.encode())[1] == OK
        assert (store / dst).read_bytes() == (local / src).read_bytes()
        assert fconn.call("deleteFile", dst.encode())[1] == OK
        assert not (store / dst).exists()
    assert fconn.call("deleteFile", b"uploaded.txt")[1] == DOES_NOT_EXIST
    assert fconn.call("deleteFile", b"sub")[1] == ACCESS_DENIED
    assert fconn.call("setFile", b"missing.txt", b"x.txt")[1] == DOES_NOT_EXIST
    assert fconn.call("setFile", b"up.txt", b"nodir/x.txt")[1] == UNKNOWN
    # The base path is prepended verbatim: without the slash the file is not found.
    lib.IedConnection_setFilestoreBasepath(fconn.handle, str(local).encode())
    assert fconn.call("setFile", b"up.txt", b"y.txt")[1] == DOES_NOT_EXIST


def test_default_filestore_basepath(fconn, lib, store, tmp_path, monkeypatch):
    (tmp_path / "vmd-filestore").mkdir()
    (tmp_path / "vmd-filestore" / "d.txt").write_bytes(b"default base\n")
    monkeypatch.chdir(tmp_path)
    lib.IedConnection_setFilestoreBasepath(fconn.handle, None)
    assert fconn.call("setFile", b"d.txt", b"d.txt")[1] == OK
    assert (store / "d.txt").read_bytes() == b"default base\n"
    assert fconn.call("deleteFile", b"d.txt")[1] == OK


def wait_for(events, done, timeout=20):
    assert done.wait(timeout), events


def test_async_directory(fconn, lib, store):
    events, done = [], threading.Event()
    stop_at = [None]

    def on_entry(invoke_id, _param, err, name, size, _modified, more):
        events.append((invoke_id, err, name and name.decode(), size, more))
        if name is None or len(events) == stop_at[0]:
            done.set()
        return stop_at[0] is None or len(events) < stop_at[0]

    cb = DIRECTORY_HANDLER(on_entry)
    err = ctypes.c_int(-1)
    invoke_id = lib.IedConnection_getFileDirectoryAsyncEx(fconn.handle, ctypes.byref(err), b"sub", None, fn(cb),
                                                         None)
    wait_for(events, done)
    assert err.value == OK and invoke_id
    assert events == [(invoke_id, OK, "sub/b.bin", 3000, True), (invoke_id, OK, None, 0, False)]

    events.clear(), done.clear()
    invoke_id = lib.IedConnection_getFileDirectoryAsyncEx(fconn.handle, ctypes.byref(err), b"nothere", None,
                                                         fn(cb), None)
    wait_for(events, done)
    assert events == [(invoke_id, DOES_NOT_EXIST, None, 0, False)]

    # Returning false stops the entries (no final call).
    events.clear(), done.clear()
    stop_at[0] = 2
    lib.IedConnection_getFileDirectoryAsyncEx(fconn.handle, ctypes.byref(err), None, None, fn(cb), None)
    wait_for(events, done)
    assert len(events) == 2 and all(e[2] for e in events)
    listing, err = fconn.call("getFileDirectory", b"sub")
    assert err == OK and entries(lib, listing) == [expected_entry(store, "sub/b.bin")]


def test_async_get_file(fconn, lib):
    events, data, done = [], bytearray(), threading.Event()
    stop_at = [None]

    def on_chunk(invoke_id, _param, err, original, buf, n, more):
        events.append((invoke_id, err, original, n, more))
        if n:
            data.extend(ctypes.string_at(buf, n))
        keep_going = stop_at[0] is None or len(events) < stop_at[0]
        if not more or err != OK or not keep_going:
            done.set()
        return keep_going

    cb = GET_FILE_ASYNC_HANDLER(on_chunk)
    err = ctypes.c_int(-1)
    for name in ("a.txt", "empty.bin", "big.bin"):
        events.clear(), data.clear(), done.clear()
        invoke_id = lib.IedConnection_getFileAsync(fconn.handle, ctypes.byref(err), name.encode(), fn(cb), None)
        wait_for(events, done)
        assert err.value == OK and bytes(data) == FILES[name]
        # The handler gets the FileOpen's invoke ID (the reference's return value races with
        # the chain of requests, so it is not compared) and each FileRead's.
        first = events[0][0]
        assert invoke_id and all(e[0] == first and e[1] == OK for e in events), (invoke_id, events)
        # (The previous download's FileClose may take an ID in between.)
        originals = [e[2] for e in events]
        assert first < originals[0] and originals == sorted(set(originals)), (invoke_id, events)
        assert [e[4] for e in events] == [True] * (len(events) - 1) + [False]

    events.clear(), done.clear()
    lib.IedConnection_getFileAsync(fconn.handle, ctypes.byref(err), b"nothere", fn(cb), None)
    wait_for(events, done)
    assert len(events) == 1 and events[0][1:] == (DOES_NOT_EXIST, events[0][0], 0, False)

    events.clear(), done.clear()
    stop_at[0] = 1
    lib.IedConnection_getFileAsync(fconn.handle, ctypes.byref(err), b"big.bin", fn(cb), None)
    wait_for(events, done)
    assert len(events) == 1 and events[0][4]
    assert get_file(fconn, "a.txt")[:2] == (len(FILES["a.txt"]), OK)


def test_async_set_and_delete(fconn, lib, store, local):
    events, done = [], threading.Event()

    def on_done(invoke_id, _param, err):
        events.append((invoke_id, err))
        done.set()

    cb = GENERIC_HANDLER(on_done)
    err = ctypes.c_int(-1)
    lib.IedConnection_setFilestoreBasepath(fconn.handle, (str(local) + "/").encode())
    invoke_id = lib.IedConnection_setFileAsync(fconn.handle, ctypes.byref(err), b"up.txt", b"async.txt", fn(cb),
                                               None)
    wait_for(events, done)
    assert events == [(invoke_id, OK)] and (store / "async.txt").read_bytes() == b"local content\n"
    for expected in (OK, DOES_NOT_EXIST):
        events.clear(), done.clear()
        invoke_id = lib.IedConnection_deleteFileAsync(fconn.handle, ctypes.byref(err), b"async.txt", fn(cb), None)
        wait_for(events, done)
        assert events == [(invoke_id, expected)]


def test_unconnected(lib):
    client = differential.Client(lib)
    try:
        assert get_file(client, "a.txt")[:2] == (0, CONNECTION_LOST)
        assert client.call("getFileDirectory", None) == (None, CONNECTION_LOST)
        assert client.call("deleteFile", b"x")[1] == CONNECTION_LOST
        assert client.call("setFile", b"x", b"y")[1] == CONNECTION_LOST
    finally:
        client.destroy()


def test_file_directory_entry_accessors(lib):
    entry = lib.FileDirectoryEntry_create(b"dir/name.txt", 1234, 1_795_594_646_000)
    assert lib.FileDirectoryEntry_getFileName(entry) == b"dir/name.txt"
    assert lib.FileDirectoryEntry_getFileSize(entry) == 1234
    assert lib.FileDirectoryEntry_getLastModified(entry) == 1_795_594_646_000
    lib.FileDirectoryEntry_destroy(entry)
