"""connectAsync / releaseAsync / abortAsync on both libraries against the reference server.
Expected values were observed on the reference: connectAsync reports CONNECTING before it
returns and CONNECTED later; a second connectAsync gives ALREADY_CONNECTED; an unresolvable
name gives UNKNOWN without any state change; release/abort of a closed connection give
NOT_CONNECTED; a release ends with CLOSED and one closed-handler call."""
import ctypes
import socket
import time

STATE = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int)
CLOSED = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p)
IED_STATE_CLOSED, IED_STATE_CONNECTING, IED_STATE_CONNECTED = 0, 1, 2
IED_ERROR_NOT_CONNECTED, IED_ERROR_ALREADY_CONNECTED, IED_ERROR_UNKNOWN = 1, 2, 99


def wait_for(predicate, seconds=5.0):
    deadline = time.monotonic() + seconds
    while not predicate() and time.monotonic() < deadline:
        time.sleep(0.005)
    return predicate()


def test_async_connect_release_abort(lib, server):
    # A CDLL of its own: the prototypes set here must not leak into other tests' functions.
    dll = ctypes.CDLL(lib.path)
    dll.IedConnection_create.restype = ctypes.c_void_p
    for name in ("connectAsync", "releaseAsync", "abortAsync", "getState", "destroy", "close",
                 "installStateChangedHandler", "installConnectionClosedHandler"):
        getattr(dll, "IedConnection_" + name).argtypes = None
    events = []
    on_state = STATE(lambda _p, _c, state: events.append(("state", state)))
    on_closed = CLOSED(lambda _p, _c: events.append(("closed",)))
    con = ctypes.c_void_p(dll.IedConnection_create())
    dll.IedConnection_installStateChangedHandler(con, on_state, None)
    dll.IedConnection_installConnectionClosedHandler(con, on_closed, None)
    err = ctypes.c_int(-1)
    state = lambda: dll.IedConnection_getState(con)
    try:
        for _ in range(3):  # the reference server drops about one connection in a hundred
            events.clear()
            dll.IedConnection_connectAsync(con, ctypes.byref(err), b"127.0.0.1", server.port)
            assert err.value == 0
            assert events[0] == ("state", IED_STATE_CONNECTING)
            if wait_for(lambda: state() != IED_STATE_CONNECTING) and state() == IED_STATE_CONNECTED:
                break
        assert state() == IED_STATE_CONNECTED
        # The handler runs on the callback thread: it may follow getState's change.
        assert wait_for(lambda: events[-1] == ("state", IED_STATE_CONNECTED))
        dll.IedConnection_connectAsync(con, ctypes.byref(err), b"127.0.0.1", server.port)
        assert err.value == IED_ERROR_ALREADY_CONNECTED

        events.clear()
        dll.IedConnection_releaseAsync(con, ctypes.byref(err))
        assert err.value == 0
        assert wait_for(lambda: ("closed",) in events)
        assert events[-2:] == [("state", IED_STATE_CLOSED), ("closed",)]
        dll.IedConnection_releaseAsync(con, ctypes.byref(err))
        assert err.value == IED_ERROR_NOT_CONNECTED
        dll.IedConnection_abortAsync(con, ctypes.byref(err))
        assert err.value == IED_ERROR_NOT_CONNECTED

        dll.IedConnection_connectAsync(con, ctypes.byref(err), b"127.0.0.1", server.port)
        assert wait_for(lambda: state() != IED_STATE_CONNECTING)
        events.clear()
        dll.IedConnection_abortAsync(con, ctypes.byref(err))
        assert err.value == 0
        assert wait_for(lambda: ("closed",) in events)
        assert state() == IED_STATE_CLOSED

        # A closed port: accepted, then CLOSED and the closed handler.
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            closed_port = s.getsockname()[1]
        events.clear()
        dll.IedConnection_connectAsync(con, ctypes.byref(err), b"127.0.0.1", closed_port)
        assert err.value == 0
        assert wait_for(lambda: ("closed",) in events)
        assert events[0] == ("state", IED_STATE_CONNECTING)
        assert events[-2:] == [("state", IED_STATE_CLOSED), ("closed",)]

        events.clear()
        dll.IedConnection_connectAsync(con, ctypes.byref(err), b"no.such.host.invalid", 102)
        assert err.value == IED_ERROR_UNKNOWN
        time.sleep(0.1)
        assert events == [] and state() == IED_STATE_CLOSED
    finally:
        dll.IedConnection_close(con)
        dll.IedConnection_destroy(con)
