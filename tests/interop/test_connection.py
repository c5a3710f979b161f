"""Connection life cycle of the client against a reference server.

Expected values are the reference library's observed behaviour (libiec61850 1.6.1,
pyiec61850-ng 1.6.1.10); every test runs on the reference and on our library.
"""

import ctypes
import socket
import threading
import time

import harness
from harness import retry_dropped_connections
from differential import (
    Client, new_client, IED_ERROR_ALREADY_CONNECTED, IED_ERROR_CONNECTION_LOST,
    IED_ERROR_CONNECTION_REJECTED, IED_ERROR_NOT_CONNECTED, IED_ERROR_OK,
    IED_STATE_CLOSED, IED_STATE_CLOSING, IED_STATE_CONNECTED, IED_STATE_CONNECTING, FC_SP,
    FC_ST)

STATE_CB = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int)
CLOSED_CB = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p)
INT_REF = b"DEMOMeas/GAPC1.IntIn.stVal"


class Recorder:
    """Installs both handlers on a client and records their calls in order."""

    def __init__(self, client):
        self.events = []
        self.lock = threading.Lock()
        self.param = ctypes.c_int(7)
        self.params_seen = set()
        self.conns_seen = set()
        self._state_cb = STATE_CB(self._on_state)
        self._closed_cb = CLOSED_CB(self._on_closed)
        lib, h = client.lib, client.handle
        lib.IedConnection_installStateChangedHandler(
            h, ctypes.cast(self._state_cb, ctypes.c_void_p), ctypes.addressof(self.param))
        lib.IedConnection_installConnectionClosedHandler(
            h, ctypes.cast(self._closed_cb, ctypes.c_void_p), ctypes.addressof(self.param))

    def _on_state(self, param, conn, state):
        with self.lock:
            self.params_seen.add(param)
            self.conns_seen.add(conn)
            self.events.append(("state", state))

    def _on_closed(self, param, conn):
        with self.lock:
            self.params_seen.add(param)
            self.conns_seen.add(conn)
            self.events.append(("closed",))

    def take(self, until=None, timeout=2.0):
        """Events so far (waiting up to `timeout` for `until` to be among them), cleared."""
        deadline = time.monotonic() + timeout
        while until is not None and until not in self.events and time.monotonic() < deadline:
            time.sleep(0.01)
        with self.lock:
            out, self.events = self.events, []
        return out


def closed_port():
    """A loopback TCP port with no listener."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_state(client, state, timeout=2.0):
    deadline = time.monotonic() + timeout
    while client.state() != state and time.monotonic() < deadline:
        time.sleep(0.01)
    return client.state()


def test_fresh_connection_defaults(client):
    # Observed on the reference: CLOSED, request timeout 5000 ms.
    assert client.state() == IED_STATE_CLOSED
    assert client.lib.IedConnection_getRequestTimeout(client.handle) == 5000


def test_set_request_timeout_is_read_back(client):
    client.lib.IedConnection_setRequestTimeout(client.handle, 1234)
    assert client.lib.IedConnection_getRequestTimeout(client.handle) == 1234


@retry_dropped_connections()
def test_connect_and_close_state_changes(lib, server):
    with new_client(lib) as client:
        connect_and_close_state_changes(client, server)


def connect_and_close_state_changes(client, server):
    rec = Recorder(client)
    assert client.connect(server.port) == IED_ERROR_OK
    assert client.state() == IED_STATE_CONNECTED
    # Observed on the reference: CONNECTING then CONNECTED, both before connect returns.
    assert rec.take() == [("state", IED_STATE_CONNECTING), ("state", IED_STATE_CONNECTED)]
    client.lib.IedConnection_close(client.handle)
    assert client.state() == IED_STATE_CLOSED
    # Observed on the reference: CLOSING, CLOSED, then the closed handler, before close returns.
    assert rec.take() == [("state", IED_STATE_CLOSING), ("state", IED_STATE_CLOSED),
                          ("closed",)]
    assert rec.params_seen == {ctypes.addressof(rec.param)}
    assert rec.conns_seen == {client.handle}
    client.lib.IedConnection_close(client.handle)  # a second close is harmless and silent
    assert rec.take() == []


def test_connect_to_closed_port_is_rejected(client):
    rec = Recorder(client)
    assert client.connect(closed_port()) == IED_ERROR_CONNECTION_REJECTED
    assert client.state() == IED_STATE_CLOSED
    # Observed on the reference: even a refused connect reports CLOSING/CLOSED and closed.
    assert rec.take() == [("state", IED_STATE_CONNECTING), ("state", IED_STATE_CLOSING),
                          ("state", IED_STATE_CLOSED), ("closed",)]


def test_connect_twice_gives_already_connected(conn):
    assert conn.connect(0) == IED_ERROR_ALREADY_CONNECTED
    assert conn.state() == IED_STATE_CONNECTED


def test_services_on_never_connected_connection(client):
    # Observed on the reference: CONNECTION_LOST for services, NOT_CONNECTED for abort/release.
    assert client.call("readInt32Value", INT_REF, FC_ST) == (0, IED_ERROR_CONNECTION_LOST)
    assert client.call("readObject", INT_REF, FC_ST) == (None, IED_ERROR_CONNECTION_LOST)
    assert client.call("writeInt32Value", b"DEMOMeas/GAPC1.SetI32.setVal", FC_SP, 5)[1] == \
        IED_ERROR_CONNECTION_LOST
    assert client.read_string(b"DEMOMeas/GAPC1.StrIn.stVal", FC_ST) == \
        (None, IED_ERROR_CONNECTION_LOST)
    assert client.call("abort")[1] == IED_ERROR_NOT_CONNECTED
    assert client.call("release")[1] == IED_ERROR_NOT_CONNECTED
    assert client.state() == IED_STATE_CLOSED


@retry_dropped_connections()
def test_release(lib, server):
    with new_client(lib) as client:
        release(client, server)


def release(client, server):
    rec = Recorder(client)
    assert client.connect(server.port) == IED_ERROR_OK
    rec.take()
    assert client.call("release")[1] == IED_ERROR_OK
    # Observed on the reference: the CLOSED state may be reported after release returns,
    # and a release reports no CLOSING.
    assert wait_state(client, IED_STATE_CLOSED) == IED_STATE_CLOSED
    assert rec.take(until=("closed",)) == [("state", IED_STATE_CLOSED), ("closed",)]
    assert client.call("release")[1] == IED_ERROR_NOT_CONNECTED
    assert client.call("readInt32Value", INT_REF, FC_ST) == (0, IED_ERROR_CONNECTION_LOST)
    # The same connection object connects again after a release (after a pause: the
    # reference server frees its side of the old connection asynchronously).
    time.sleep(0.2)
    assert client.connect(server.port) == IED_ERROR_OK
    assert client.call("readInt32Value", INT_REF, FC_ST) == (-42, IED_ERROR_OK)


@retry_dropped_connections()
def test_abort(lib, server):
    with new_client(lib) as client:
        abort(client, server)


def abort(client, server):
    rec = Recorder(client)
    assert client.connect(server.port) == IED_ERROR_OK
    rec.take()
    assert client.call("abort")[1] == IED_ERROR_OK
    assert client.state() == IED_STATE_CLOSED
    assert rec.take() == [("state", IED_STATE_CLOSING), ("state", IED_STATE_CLOSED),
                          ("closed",)]
    assert client.call("abort")[1] == IED_ERROR_NOT_CONNECTED
    assert client.call("readInt32Value", INT_REF, FC_ST) == (0, IED_ERROR_CONNECTION_LOST)
    time.sleep(0.2)  # as in test_release
    assert client.connect(server.port) == IED_ERROR_OK
    assert client.call("readInt32Value", INT_REF, FC_ST) == (-42, IED_ERROR_OK)


def test_close_then_services_and_abort_release(conn):
    conn.lib.IedConnection_close(conn.handle)
    assert conn.state() == IED_STATE_CLOSED
    assert conn.call("readInt32Value", INT_REF, FC_ST) == (0, IED_ERROR_CONNECTION_LOST)
    assert conn.call("release")[1] == IED_ERROR_NOT_CONNECTED
    assert conn.call("abort")[1] == IED_ERROR_NOT_CONNECTED


@retry_dropped_connections()
def test_server_going_away_calls_closed_handler(lib):
    with harness.reference_server_ctl() as srv:
        client = Client(lib)
        try:
            rec = Recorder(client)
            assert client.connect(srv.port) == IED_ERROR_OK
            rec.take()
            srv.close()
            assert wait_state(client, IED_STATE_CLOSED) == IED_STATE_CLOSED
            # Observed on the reference: no CLOSING when the peer ends the connection.
            assert rec.take(until=("closed",)) == [("state", IED_STATE_CLOSED), ("closed",)]
            assert client.call("readInt32Value", INT_REF, FC_ST) == \
                (0, IED_ERROR_CONNECTION_LOST)
        finally:
            client.destroy()


@retry_dropped_connections()
def test_options_before_connect(lib, server):
    with new_client(lib) as client:
        options_before_connect(client, server)


def options_before_connect(client, server):
    lib, h = client.lib, client.handle
    lib.IedConnection_setConnectTimeout(h, 2000)
    lib.IedConnection_setMaxOutstandingCalls(h, 2, 2)
    lib.IedConnection_setLocalAddress(h, b"127.0.0.1", 0)
    assert client.connect(server.port) == IED_ERROR_OK
    assert client.call("readInt32Value", INT_REF, FC_ST) == (-42, IED_ERROR_OK)


def test_hostname_localhost(client, server):
    assert client.connect(server.port, host=b"localhost") == IED_ERROR_OK
    assert client.state() == IED_STATE_CONNECTED


def test_destroy_while_connected(lib, server):
    client = Client(lib)
    assert client.connect(server.port) == IED_ERROR_OK
    lib.IedConnection_destroy(client.handle)  # no close first: must not hang or crash
    client.handle = None


@retry_dropped_connections()
def test_threadless_connection_with_tick(lib, server):
    handle = lib.IedConnection_createEx(None, False)
    assert handle
    client = Client(lib, handle)
    try:
        # Observed on the reference: tick returns true when there was nothing to do.
        assert lib.IedConnection_tick(handle) is True
        # Without threads the blocking calls need someone to tick the connection.
        stop = threading.Event()

        def ticker():
            while not stop.is_set():
                lib.IedConnection_tick(handle)
                time.sleep(0.001)

        t = threading.Thread(target=ticker)
        t.start()
        try:
            assert client.connect(server.port) == IED_ERROR_OK
            assert client.state() == IED_STATE_CONNECTED
            assert client.call("readInt32Value", INT_REF, FC_ST) == (-42, IED_ERROR_OK)
            rec = Recorder(client)
            assert client.call("release")[1] == IED_ERROR_OK
            assert wait_state(client, IED_STATE_CLOSED) == IED_STATE_CLOSED
            # Observed on the reference: a release in tick mode reports no CLOSING either,
            # a close does.
            assert rec.take(until=("closed",)) == [("state", IED_STATE_CLOSED), ("closed",)]
            assert client.connect(server.port) == IED_ERROR_OK
            rec.take()
            lib.IedConnection_close(handle)
            assert rec.take(until=("closed",)) == [
                ("state", IED_STATE_CLOSING), ("state", IED_STATE_CLOSED), ("closed",)]
        finally:
            stop.set()
            t.join()
    finally:
        client.destroy()


@retry_dropped_connections()
def test_threaded_createex(lib, server):
    client = Client(lib, lib.IedConnection_createEx(None, True))
    try:
        assert client.connect(server.port) == IED_ERROR_OK
        # Observed on the reference: tick on a threaded connection returns true.
        assert lib.IedConnection_tick(client.handle) is True
        assert client.call("readInt32Value", INT_REF, FC_ST) == (-42, IED_ERROR_OK)
    finally:
        client.destroy()


@retry_dropped_connections()
def test_five_connections_and_a_rejected_sixth(lib):
    # The reference server (pyiec61850-ng build) accepts at most 5 MMS connections,
    # even with IedServerConfig_setMaxMmsConnections(50); observed on the reference
    # client: the 6th connect, which the server drops, gives CONNECTION_REJECTED.
    with harness.reference_server_ctl() as srv:
        clients = [Client(lib) for _ in range(6)]
        try:
            assert [c.connect(srv.port) for c in clients[:5]] == [IED_ERROR_OK] * 5
            assert [c.call("readInt32Value", INT_REF, FC_ST) for c in clients[:5]] == \
                [(-42, IED_ERROR_OK)] * 5
            assert clients[5].connect(srv.port) == IED_ERROR_CONNECTION_REJECTED
            assert clients[5].state() == IED_STATE_CLOSED
        finally:
            for c in clients:
                c.destroy()
