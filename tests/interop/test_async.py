"""readObjectAsync / writeObjectAsync on both libraries against the reference server.

Expected values were observed on the reference: invoke IDs count from 1, a malformed
reference fails at once with OBJECT_REFERENCE_INVALID and ID 0, a missing object is a
DATA_ACCESS_ERROR value with err 0, and handlers run on a thread other than the caller's.
"""
import ctypes
import threading

READ_HANDLER = ctypes.CFUNCTYPE(None, ctypes.c_uint32, ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p)
WRITE_HANDLER = ctypes.CFUNCTYPE(None, ctypes.c_uint32, ctypes.c_void_p, ctypes.c_int)

FC_MX, FC_SP = 1, 2
MMS_FLOAT, MMS_DATA_ACCESS_ERROR = 6, 15
IED_ERROR_CONNECTION_LOST, IED_ERROR_OBJECT_REFERENCE_INVALID, IED_ERROR_TYPE_INCONSISTENT = 3, 12, 25


def prototypes(lib):
    lib.IedConnection_create.restype = ctypes.c_void_p
    lib.IedConnection_destroy.argtypes = [ctypes.c_void_p]
    lib.IedConnection_connect.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_int), ctypes.c_char_p, ctypes.c_int]
    lib.IedConnection_close.argtypes = [ctypes.c_void_p]
    lib.IedConnection_readObjectAsync.restype = ctypes.c_uint32
    lib.IedConnection_readObjectAsync.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_int), ctypes.c_char_p,
                                                  ctypes.c_int, READ_HANDLER, ctypes.c_void_p]
    lib.IedConnection_writeObjectAsync.restype = ctypes.c_uint32
    lib.IedConnection_writeObjectAsync.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_int), ctypes.c_char_p,
                                                   ctypes.c_int, ctypes.c_void_p, WRITE_HANDLER, ctypes.c_void_p]
    lib.MmsValue_getType.argtypes = [ctypes.c_void_p]
    lib.MmsValue_toFloat.argtypes = [ctypes.c_void_p]
    lib.MmsValue_toFloat.restype = ctypes.c_float
    lib.MmsValue_delete.argtypes = [ctypes.c_void_p]
    lib.MmsValue_newIntegerFromInt32.restype = ctypes.c_void_p


def test_async_read_and_write(lib, server):
    prototypes(lib)
    done = threading.Event()
    seen = []

    def on_read(invoke_id, _param, err, value):
        kind = lib.MmsValue_getType(value) if value else None
        number = lib.MmsValue_toFloat(value) if kind == MMS_FLOAT else None
        seen.append(("read", invoke_id, err, kind, number, threading.current_thread() is threading.main_thread()))
        if value:
            lib.MmsValue_delete(value)  # the handler owns the value

    def on_write(invoke_id, _param, err):
        seen.append(("write", invoke_id, err))
        if len(seen) == 4:
            done.set()

    read_cb, write_cb = READ_HANDLER(on_read), WRITE_HANDLER(on_write)
    con = lib.IedConnection_create()
    err = ctypes.c_int(-1)
    assert lib.IedConnection_readObjectAsync(con, ctypes.byref(err), b"DEMOMeas/MMXU1.TotW.mag.f", FC_MX,
                                             read_cb, None) == 0
    assert err.value == IED_ERROR_CONNECTION_LOST
    for _ in range(3):  # the reference server drops about one connection in a hundred
        lib.IedConnection_connect(con, ctypes.byref(err), b"127.0.0.1", server.port)
        if err.value == 0:
            break
    assert err.value == 0
    ids = []
    for ref in [b"DEMOMeas/MMXU1.TotW.mag.f", b"DEMOMeas/MMXU1.Nope.mag.f", b"no-slash"]:
        ids.append((lib.IedConnection_readObjectAsync(con, ctypes.byref(err), ref, FC_MX, read_cb, None), err.value))
    value = lib.MmsValue_newIntegerFromInt32(5)
    for ref, fc in [(b"DEMOMeas/GAPC1.SetI32.setVal", FC_SP), (b"DEMOMeas/MMXU1.TotW.mag.f", FC_MX)]:
        ids.append((lib.IedConnection_writeObjectAsync(con, ctypes.byref(err), ref, fc, value, write_cb, None),
                    err.value))
    assert done.wait(5), seen
    lib.MmsValue_delete(value)
    lib.IedConnection_close(con)
    lib.IedConnection_destroy(con)
    assert ids == [(1, 0), (2, 0), (0, IED_ERROR_OBJECT_REFERENCE_INVALID), (3, 0), (4, 0)]
    assert seen == [("read", 1, 0, MMS_FLOAT, 1500.25, False), ("read", 2, 0, MMS_DATA_ACCESS_ERROR, None, False),
                    ("write", 3, 0), ("write", 4, IED_ERROR_TYPE_INCONSISTENT)]
