"""Controls (ControlObjectClient_*) against the reference server and ours on
tests/fixtures/control.cfg.

The server runs `refserver.py run --controls`: its handlers accept, refuse or delay a control
according to the originator identifier (see ControlRules in refserver.py). The model has, for
each CDC (GSPC1 SPC, GDPC1 DPC, GINC1 INC, GBSC1 BSC, GISC1 ISC, GAPC1 APC with a float ctlVal,
GAPC2 APC with an integer ctlVal), the objects C0..C4 with ctlModel 0..4.

Every expected value was observed on the reference; each test runs on both libraries, and
test_pdus_equal_the_reference compares the control PDUs of both byte for byte (T masked).
"""

import contextlib
import ctypes
import os
import socket
import struct
import subprocess
import sys
import threading
import time

import pytest

import differential
import harness
from differential import Client, connect_verified

CONTROL_MODEL = os.path.join(harness.REPO, "tests", "fixtures", "control.cfg")
PROBE = (b"CTLDev/LLN0.Mod.stVal", differential.FC_ST)
vp = ctypes.c_void_p

# IedClientError values (abi/enums.tsv).
OK, CONNECTION_LOST, TIMEOUT, ACCESS_DENIED, OBJECT_DOES_NOT_EXIST = 0, 3, 20, 21, 22
TEMPORARILY_UNAVAILABLE, OBJECT_VALUE_INVALID, OBJECT_INVALIDATED = 26, 32, 33
# ControlAddCause values.
ADD_CAUSE_BLOCKED_BY_MODE, ADD_CAUSE_BLOCKED_BY_INTERLOCKING = 8, 10
ADD_CAUSE_BLOCKED_BY_SYNCHROCHECK, ADD_CAUSE_ABORTION_BY_TRIP = 11, 17
ADD_CAUSE_OBJECT_NOT_SELECTED, ADD_CAUSE_LOCKED_BY_OTHER_CLIENT = 18, 27
# ControlActionType values.
ACTION_SELECT, ACTION_OPERATE, ACTION_CANCEL = 0, 1, 2
MMS_STRUCTURE, MMS_BOOLEAN, MMS_BIT_STRING, MMS_INTEGER = 1, 2, 3, 4

# CDC logical node -> ctlVal MmsType.
CDCS = {
    "GSPC1": MMS_BOOLEAN, "GDPC1": MMS_BOOLEAN, "GINC1": MMS_INTEGER, "GBSC1": MMS_BIT_STRING,
    "GISC1": MMS_INTEGER, "GAPC1": MMS_STRUCTURE, "GAPC2": MMS_STRUCTURE,
}


class LastApplError(ctypes.Structure):
    """`LastApplError` (abi/layouts.tsv), returned by value."""
    _fields_ = [("ctlNum", ctypes.c_int), ("error", ctypes.c_int), ("addCause", ctypes.c_int)]

    def tuple(self):
        return (self.ctlNum, self.error, self.addCause)


TERMINATION = ctypes.CFUNCTYPE(None, vp, vp)
ACTION = ctypes.CFUNCTYPE(None, ctypes.c_uint32, vp, ctypes.c_int, ctypes.c_int, ctypes.c_bool)


def prepare(lib):
    """Prototypes the manifest cannot give (struct returns) and the value constructors."""
    dll = lib.dll
    for name in ("ControlObjectClient_getLastApplError", "IedConnection_getLastApplError"):
        getattr(dll, name).restype = LastApplError
        getattr(dll, name).argtypes = [vp]
    return lib


@contextlib.contextmanager
def control_server(which="reference"):
    """A server of library `which` ("reference" or "ours") on control.cfg with the control
    handlers installed."""
    proc = subprocess.Popen(
        [sys.executable, os.path.join(harness.HERE, "refserver.py"), "run", "--model",
         CONTROL_MODEL, "--controls", "--lib", which],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
    line = proc.stdout.readline()
    try:
        assert line.startswith("PORT "), line
        yield int(line.split()[1])
    finally:
        proc.stdin.close()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module", params=["reference", "ours"])
def port(request):
    """Every test runs against both servers with the same expectations."""
    with control_server(request.param) as p:
        yield p


@pytest.fixture
def conn(lib, port):
    prepare(lib)
    c = Client(lib)
    assert connect_verified(c, port, probe=PROBE) == OK
    yield c
    c.destroy()


def ctl_value(lib, ln, value=1):
    """A ctlVal of the CDC of `ln` (freed by the caller with MmsValue_delete)."""
    if CDCS[ln] == MMS_BOOLEAN:
        return lib.MmsValue_newBoolean(bool(value))
    if ln == "GBSC1":
        bits = lib.MmsValue_newBitString(2)
        lib.MmsValue_setBitStringFromInteger(bits, value)
        return bits
    if ln == "GISC1":
        return lib.MmsValue_newIntegerFromInt8(value)
    if ln == "GINC1":
        return lib.MmsValue_newIntegerFromInt32(value)
    inner = lib.MmsValue_newFloat(float(value)) if ln == "GAPC1" else \
        lib.MmsValue_newIntegerFromInt32(value)
    s = lib.MmsValue_createEmptyStructure(1)
    lib.MmsValue_setElement(s, 0, inner)
    return s


class Control:
    """One ControlObjectClient with its CommandTermination record."""

    def __init__(self, client, ref):
        self.lib = client.lib
        self.client = client
        self.handle = self.lib.ControlObjectClient_create(ref.encode(), client.handle)
        self.terminations = []
        self.event = threading.Event()
        self._term = TERMINATION(self._on_termination)
        if self.handle:
            self.lib.ControlObjectClient_setCommandTerminationHandler(
                self.handle, ctypes.cast(self._term, vp), None)

    def _on_termination(self, _param, handle):
        # Only the LastApplError: a CommandTermination may overtake the operate's return, so
        # the last error seen here is racy on the reference too.
        self.terminations.append(self.lib.dll.ControlObjectClient_getLastApplError(handle).tuple())
        self.event.set()

    def __getattr__(self, name):
        fn = getattr(self.lib, "ControlObjectClient_" + name)
        return lambda *args: fn(self.handle, *args)

    def appl_error(self):
        return self.lib.dll.ControlObjectClient_getLastApplError(self.handle).tuple()

    def conn_appl_error(self):
        return self.lib.dll.IedConnection_getLastApplError(self.client.handle).tuple()

    def wait_termination(self, timeout=3.0):
        assert self.event.wait(timeout), "no CommandTermination"
        self.event.clear()
        return self.terminations.pop(0)

    def destroy(self):
        if self.handle:
            self.lib.ControlObjectClient_destroy(self.handle)
            self.handle = None


@contextlib.contextmanager
def control(conn, ref):
    c = Control(conn, ref)
    try:
        yield c
    finally:
        c.destroy()


def run_sequence(c, value, model):
    """The service sequence of `model` for one command; returns the results."""
    if model == 2:
        return [c.select(), c.operate(value, 0)]
    if model == 4:
        return [c.selectWithValue(value), c.operate(value, 0)]
    return [c.operate(value, 0)]


@pytest.mark.parametrize("ln", sorted(CDCS))
def test_create_discovers_model_and_type(conn, ln):
    # observed on the reference: status-only objects without Oper give NULL, the rest their
    # server model.
    assert not conn.lib.ControlObjectClient_create(f"CTLDev/{ln}.C0".encode(), conn.handle)
    for model in range(1, 5):
        with control(conn, f"CTLDev/{ln}.C{model}") as c:
            assert c.handle
            assert c.getControlModel() == model
            assert c.getCtlValType() == CDCS[ln]
            assert c.getLastError() == OBJECT_INVALIDATED
            assert c.getObjectReference() == f"CTLDev/{ln}.C{model}".encode()
            assert c.appl_error() == (0, 0, 0)


def test_status_only_object_with_oper(conn):
    """LLN0.Mod with ctlModel 0 and an Oper structure: the reference creates the object
    with the control model STATUS_ONLY (issue 13)."""
    with control(conn, "CTLDev/LLN0.Mod") as c:
        assert c.handle
        assert c.getControlModel() == 0
        assert c.getCtlValType() == MMS_INTEGER
        assert c.getLastError() == OBJECT_INVALIDATED
        assert c.getObjectReference() == b"CTLDev/LLN0.Mod"
        # The operate is sent as for direct control; this server refuses it.
        value = conn.lib.MmsValue_newIntegerFromInt32(1)
        assert (c.operate(value, 0), c.getLastError()) == (False, 21)
        conn.lib.MmsValue_delete(value)


def test_create_of_missing_objects(conn):
    for ref in (b"CTLDev/GSPC1.C9", b"CTLDev/LLN0.Beh", b"nonsense", b"NoDev/GSPC1.C1"):
        assert not conn.lib.ControlObjectClient_create(ref, conn.handle)


@pytest.mark.parametrize("ln", sorted(CDCS))
@pytest.mark.parametrize("model", [1, 2, 3, 4])
def test_every_model_and_cdc(conn, ln, model):
    lib = conn.lib
    value = ctl_value(lib, ln, 1)
    with control(conn, f"CTLDev/{ln}.C{model}") as c:
        assert run_sequence(c, value, model) == [True] * (1 + (model in (2, 4)))
        assert c.getLastError() == OK
        if model in (3, 4):
            # observed on the reference: CommandTermination+ with no application error.
            assert c.wait_termination() == (0, 0, 0)
    lib.MmsValue_delete(value)


def test_time_activated_operate(conn):
    lib = conn.lib
    value = ctl_value(lib, "GSPC1")
    with control(conn, "CTLDev/GSPC1.C3") as c:
        assert c.operate(value, int(time.time() * 1000) + 300)
        assert c.wait_termination() == (0, 0, 0)
    lib.MmsValue_delete(value)


@pytest.mark.parametrize("origin,model,error,cause", [
    (b"interlocked", 1, ACCESS_DENIED, ADD_CAUSE_BLOCKED_BY_INTERLOCKING),
    (b"mode", 3, TEMPORARILY_UNAVAILABLE, ADD_CAUSE_BLOCKED_BY_MODE),
    (b"interlocked", 4, ACCESS_DENIED, ADD_CAUSE_BLOCKED_BY_INTERLOCKING),
])
def test_refused_control_gives_last_appl_error(conn, origin, model, error, cause):
    lib = conn.lib
    value = ctl_value(lib, "GSPC1")
    with control(conn, f"CTLDev/GSPC1.C{model}") as c:
        c.setOrigin(origin, 2)
        c.setCtlNum(41)
        if model == 4:
            assert not c.selectWithValue(value)
        else:
            assert not c.operate(value, 0)
        # observed on the reference: the refusal and the LastApplError of the request
        # (ctlNum advanced before sending).
        assert c.getLastError() == error
        assert c.appl_error() == (42, 0, cause)
        assert c.conn_appl_error() == (42, 0, cause)
    lib.MmsValue_delete(value)


def test_refusal_ctl_num_and_reset(conn):
    lib = conn.lib
    value = ctl_value(lib, "GSPC1")
    with control(conn, "CTLDev/GSPC1.C1") as c:
        c.setOrigin(b"interlocked", 3)
        c.setCtlNum(9)
        assert not c.operate(value, 0)
        assert c.appl_error() == (10, 0, ADD_CAUSE_BLOCKED_BY_INTERLOCKING)
        c.setOrigin(b"ok", 3)
        assert c.operate(value, 0)
        # observed on the reference: the next service clears the object's LastApplError,
        # not the connection's.
        assert c.appl_error() == (0, 0, 0)
        assert c.conn_appl_error() == (10, 0, ADD_CAUSE_BLOCKED_BY_INTERLOCKING)
    lib.MmsValue_delete(value)


def test_value_invalid_and_synchro_check(conn):
    lib = conn.lib
    value = ctl_value(lib, "GSPC1")
    with control(conn, "CTLDev/GSPC1.C1") as c:
        c.setOrigin(b"invalid", 3)
        invalid = (c.operate(value, 0), c.getLastError(), c.appl_error())
        c.setOrigin(b"synchro", 3)
        c.setSynchroCheck(True)
        synchro = (c.operate(value, 0), c.getLastError(), c.appl_error())
    # observed on the reference: VALUE_INVALID carries no add cause; a refused execution
    # (wait-for-execution handler) gives ACCESS_DENIED with the handler's add cause.
    assert invalid == (False, OBJECT_VALUE_INVALID, (1, 0, 0))
    assert synchro == (False, ACCESS_DENIED, (2, 0, ADD_CAUSE_BLOCKED_BY_SYNCHROCHECK))
    lib.MmsValue_delete(value)


def test_operate_without_select(conn):
    lib = conn.lib
    value = ctl_value(lib, "GSPC1")
    with control(conn, "CTLDev/GSPC1.C2") as c:
        assert not c.operate(value, 0)
        # observed on the reference (REFERENCE-NOTES "Controls").
        assert c.getLastError() == ACCESS_DENIED
        assert c.appl_error() == (0, 0, ADD_CAUSE_OBJECT_NOT_SELECTED)
    with control(conn, "CTLDev/GSPC1.C4") as c:
        assert not c.select()
        assert c.getLastError() == OBJECT_DOES_NOT_EXIST
        assert not c.operate(value, 0)
        assert c.getLastError() == ACCESS_DENIED
        assert c.appl_error()[2] == ADD_CAUSE_OBJECT_NOT_SELECTED
    with control(conn, "CTLDev/GSPC1.C2") as c:
        # SBOw does not exist on an SBO-normal object.
        assert not c.selectWithValue(value)
        assert c.getLastError() == OBJECT_DOES_NOT_EXIST
    lib.MmsValue_delete(value)


def test_command_termination_minus(conn):
    lib = conn.lib
    value = ctl_value(lib, "GSPC1")
    for model in (3, 4):
        with control(conn, f"CTLDev/GSPC1.C{model}") as c:
            c.setOrigin(b"fail", 2)
            c.setCtlNum(3)
            assert run_sequence(c, value, model)[-1] is True
            # observed on the reference: CommandTermination- carries the LastApplError.
            assert c.wait_termination() == (4, 0, ADD_CAUSE_ABORTION_BY_TRIP)
            assert c.appl_error() == (4, 0, ADD_CAUSE_ABORTION_BY_TRIP)
            assert c.conn_appl_error() == (4, 0, ADD_CAUSE_ABORTION_BY_TRIP)
    lib.MmsValue_delete(value)


def test_delayed_execution(conn):
    lib = conn.lib
    value = ctl_value(lib, "GINC1", 7)
    with control(conn, "CTLDev/GINC1.C3") as c:
        c.setOrigin(b"delay", 1)
        assert c.operate(value, 0)
        assert c.wait_termination() == (0, 0, 0)
    lib.MmsValue_delete(value)


def test_cancel(conn):
    lib = conn.lib
    value = ctl_value(lib, "GSPC1")
    with control(conn, "CTLDev/GSPC1.C2") as c:
        assert c.select()
        assert c.cancel()
        assert c.getLastError() == OK
        assert not c.operate(value, 0)
        assert c.appl_error()[2] == ADD_CAUSE_OBJECT_NOT_SELECTED
    with control(conn, "CTLDev/GSPC1.C4") as c:
        assert c.selectWithValue(value)
        assert c.cancel()
        assert not c.operate(value, 0)
    with control(conn, "CTLDev/GSPC1.C3") as c:
        # observed on the reference: nothing to cancel on a direct object.
        assert not c.cancel()
        assert c.getLastError() == ACCESS_DENIED
    lib.MmsValue_delete(value)


def test_selected_by_another_client(lib, port):
    prepare(lib)
    a, b = Client(lib), Client(lib)
    try:
        assert connect_verified(a, port, probe=PROBE) == OK
        assert connect_verified(b, port, probe=PROBE) == OK
        value = ctl_value(lib, "GSPC1")
        with control(a, "CTLDev/GSPC1.C2") as ca, control(b, "CTLDev/GSPC1.C2") as cb:
            assert ca.select()
            # observed on the reference: an empty SBO answer is a refusal without error.
            assert not cb.select()
            assert cb.getLastError() == OK
            assert not cb.operate(value, 0)
            assert cb.getLastError() == TEMPORARILY_UNAVAILABLE
            assert cb.appl_error()[2] == ADD_CAUSE_LOCKED_BY_OTHER_CLIENT
            assert ca.cancel()
        lib.MmsValue_delete(value)
    finally:
        a.destroy()
        b.destroy()


def test_local_settings(conn):
    with control(conn, "CTLDev/GSPC1.C1") as c:
        c.setControlModel(4)
        assert c.getControlModel() == 4
        # observed on the reference: no request is sent, only the local model changes.
        c.changeServerControlModel(2)
        assert c.getControlModel() == 2
        assert c.getLastError() == OBJECT_INVALIDATED


def test_async_services(conn):
    lib = conn.lib
    value = ctl_value(lib, "GSPC1")
    seen = []
    done = threading.Event()

    def on_action(invoke_id, _param, err, action, success):
        seen.append((invoke_id != 0, err, action, success))
        done.set()

    handler = ACTION(on_action)
    err = ctypes.c_int(-1)

    def run(name, c, *args):
        done.clear()
        fn = getattr(lib, "ControlObjectClient_" + name)
        invoke = fn(c.handle, ctypes.byref(err), *args, ctypes.cast(handler, vp), None)
        assert err.value == OK and invoke != 0
        assert done.wait(3)
        return seen.pop()

    with control(conn, "CTLDev/GSPC1.C2") as c:
        assert run("selectAsync", c) == (True, OK, ACTION_SELECT, True)
        assert run("cancelAsync", c) == (True, OK, ACTION_CANCEL, True)
        assert run("operateAsync", c, value, 0) == (True, ACCESS_DENIED, ACTION_OPERATE, False)
        assert c.appl_error()[2] == ADD_CAUSE_OBJECT_NOT_SELECTED
    with control(conn, "CTLDev/GSPC1.C4") as c:
        assert run("selectWithValueAsync", c, value) == (True, OK, ACTION_SELECT, True)
        assert run("operateAsync", c, value, 0) == (True, OK, ACTION_OPERATE, True)
        assert c.wait_termination() == (0, 0, 0)
        assert c.getLastError() == OK
    lib.MmsValue_delete(value)


# ---- Differential PDU capture ----

class Proxy:
    """TCP proxy recording the client's TPKTs; with `cut_on`, a client TPKT containing those
    bytes is not forwarded: the proxy closes both connections instead."""

    def __init__(self, target, cut_on=None):
        self.target = target
        self.cut_on = cut_on
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4)
        self.port = self.sock.getsockname()[1]
        self.sent = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            s = socket.create_connection(("127.0.0.1", self.target))
            threading.Thread(target=self._pipe, args=(c, s, self.sent), daemon=True).start()
            threading.Thread(target=self._pipe, args=(s, c, None), daemon=True).start()

    def _pipe(self, src, dst, log):
        buf = b""
        while True:
            try:
                data = src.recv(65536)
            except OSError:
                data = b""
            if not data:
                with contextlib.suppress(OSError):
                    dst.shutdown(socket.SHUT_WR)
                return
            if log is not None:
                buf += data
                while len(buf) >= 4 and len(buf) >= struct.unpack(">H", buf[2:4])[0]:
                    n = struct.unpack(">H", buf[2:4])[0]
                    log.append(buf[:n])
                    buf = buf[n:]
            if log is not None and self.cut_on and self.cut_on in data:
                for sock in (src, dst):
                    with contextlib.suppress(OSError):
                        sock.shutdown(socket.SHUT_RDWR)
                    sock.close()
                return
            with contextlib.suppress(OSError):
                dst.sendall(data)

    def close(self):
        self.sock.close()


def mask_t(pdu):
    """The PDU with the seconds and fraction of T (after ctlNum) zeroed; its quality kept."""
    out = bytearray(pdu)
    i = 0
    while True:
        i = out.find(b"\x91\x08", i)
        if i < 0:
            return bytes(out)
        # ctlNum is `86 01 nn` or, from 128 on, `86 02 00 nn`.
        if any(i >= k and out[i - k] == 0x86 and out[i - k + 1] == k - 2 for k in (3, 4)):
            out[i + 2:i + 9] = bytes(7)
        i += 2


def capture(lib, port):
    """Runs a fixed sequence of control calls through a proxy; returns the request PDUs."""
    prepare(lib)
    proxy = Proxy(port)
    client = Client(lib)
    try:
        assert connect_verified(client, proxy.port, probe=PROBE) == OK
        lib.IedConnection_setTimeQuality(client.handle, True, False, True, 10)
        start = len(proxy.sent)
        b = ctl_value(lib, "GSPC1")
        f = ctl_value(lib, "GAPC1", 2)
        i = ctl_value(lib, "GAPC2", -3)
        n = ctl_value(lib, "GINC1", 123456)
        bits = ctl_value(lib, "GBSC1", 2)
        with control(client, "CTLDev/GSPC1.C1") as c:
            c.operate(b, 0)
            c.setOrigin(b"station", 3)
            c.setCtlNum(200)
            c.setTestMode(True)
            c.setInterlockCheck(True)
            c.operate(b, 1234567890123)
        with control(client, "CTLDev/GSPC1.C2") as c:
            c.select()
            c.setSynchroCheck(True)
            c.operate(b, 0)
            c.select()
            c.cancel()
        with control(client, "CTLDev/GAPC1.C4") as c:
            c.useConstantT(True)
            c.selectWithValue(f)
            c.operate(f, 0)
            c.wait_termination()
            c.selectWithValue(f)
            c.cancel()
        with control(client, "CTLDev/GAPC2.C3") as c:
            c.operate(i, 0)
            c.wait_termination()
        with control(client, "CTLDev/GINC1.C1") as c:
            c.operate(n, 0)
        with control(client, "CTLDev/GBSC1.C1") as c:
            c.operate(bits, 0)
        for v in (b, f, i, n, bits):
            lib.MmsValue_delete(v)
        time.sleep(0.2)
        return [mask_t(p) for p in proxy.sent[start:]]
    finally:
        client.destroy()
        proxy.close()


def test_pdus_equal_the_reference(port):
    ours = capture(differential.load("ours"), port)
    reference = capture(differential.load("reference"), port)
    assert len(ours) == len(reference)
    for a, b in zip(ours, reference):
        assert a.hex() == b.hex()


def test_lost_connection(lib, port):
    prepare(lib)
    value = ctl_value(lib, "GSPC1")
    handler = ACTION(lambda *a: None)
    # Cut while the operate waits for its response: observed on the reference.
    proxy = Proxy(port, cut_on=b"$Oper")
    client = Client(lib)
    try:
        assert connect_verified(client, proxy.port, probe=PROBE) == OK
        with control(client, "CTLDev/GSPC1.C1") as c:
            assert not c.operate(value, 0)
            # observed on the reference: the request cut off by the loss fails with TIMEOUT
            # (at once), later ones with CONNECTION_LOST.
            assert c.getLastError() == TIMEOUT
            assert not c.select()
            assert c.getLastError() == CONNECTION_LOST
            err = ctypes.c_int(-1)
            assert lib.ControlObjectClient_operateAsync(
                c.handle, ctypes.byref(err), value, 0, ctypes.cast(handler, vp), None) == 0
            assert err.value == CONNECTION_LOST
    finally:
        client.destroy()
        proxy.close()
        lib.MmsValue_delete(value)


def test_explorer_control_command(port):
    """The explorer's `control` command (our binary) against the same server."""
    binary = os.path.join(harness.REPO, "target", "release", "iec61850")

    def run(*args):
        r = subprocess.run([binary, "--port", str(port), "control", *args],
                           capture_output=True, text=True, timeout=30)
        return r.returncode, r.stdout.split(), r.stderr

    assert run("CTLDev/GSPC1.C1", "true")[:2] == (0, ["operated"])
    assert run("CTLDev/GSPC1.C2", "on", "--test")[:2] == (0, ["selected", "operated"])
    assert run("CTLDev/GAPC1.C4", "1.5")[:2] == (0, ["selected", "operated",
                                                    "CommandTermination+"])
    code, out, err = run("CTLDev/GSPC1.C1", "1", "--origin", "2:interlocked")
    assert code == 1 and "addCause 10" in err
    code, out, err = run("CTLDev/GINC1.C3", "5", "--origin", "1:fail")
    assert code == 1 and out == ["operated"] and "CommandTermination- " in err
    assert run("CTLDev/GSPC1.C4", "maybe")[0] == 1


# ---- Differential server PDUs ----

def _server_answers(which):
    """Runs a fixed sequence of control services of the reference client against a server
    of library `which`; returns what the server sent after the association, T masked."""
    from proxy import RewritingProxy, mms_pdu
    lib = prepare(differential.load("reference"))
    sent = []

    def record(tpkt):
        sent.append(tpkt)
        return tpkt

    with control_server(which) as server_port, RewritingProxy(server_port, record) as px:
        a, b = Client(lib), Client(lib)
        try:
            assert connect_verified(a, px.port, probe=PROBE) == OK
            assert connect_verified(b, px.port, probe=PROBE) == OK
            start = len(sent)
            v = ctl_value(lib, "GSPC1")
            with control(a, "CTLDev/GSPC1.C1") as c:
                c.setCtlNum(41)
                for origin, synchro in (("interlocked", 0), ("invalid", 0), ("synchro", 1),
                                        ("fail", 0), ("ok", 0)):
                    c.setOrigin(origin.encode(), 2)
                    c.setSynchroCheck(bool(synchro))
                    c.operate(v, 0)
            with control(a, "CTLDev/GSPC1.C3") as c:
                c.setOrigin(b"fail", 2)
                assert c.operate(v, 0)
                c.wait_termination()
                c.setOrigin(b"mode", 2)
                c.operate(v, 0)
                c.setOrigin(b"delay", 2)
                assert c.operate(v, 0)
                c.wait_termination()
                c.cancel()
            with control(a, "CTLDev/GSPC1.C2") as c, control(b, "CTLDev/GSPC1.C2") as o:
                c.operate(v, 0)
                assert c.select()
                c.select()
                o.select()
                o.operate(v, 0)
                o.cancel()
                c.setOrigin(b"fail", 2)
                assert c.operate(v, 0)
                c.operate(v, 0)
                c.cancel()
            with control(a, "CTLDev/GSPC1.C4") as c:
                c.setOrigin(b"interlocked", 2)
                c.selectWithValue(v)
                c.setOrigin(b"fail", 2)
                assert c.selectWithValue(v)
                c.operate(v, 0)
                c.wait_termination()
                c.operate(v, 0)
                c.setOrigin(b"x", 2)
                assert c.selectWithValue(v)
                c.selectWithValue(v)
                c.setOrigin(b"y", 2)
                c.operate(v, 0)
                c.setOrigin(b"x", 2)
                time.sleep(2.3)  # past the sboTimeout of 2000 ms
                c.operate(v, 0)
            lib.MmsValue_delete(v)
            time.sleep(0.2)
            return [mask_t(mms_pdu(t) or t) for t in sent[start:]]
        finally:
            a.destroy()
            b.destroy()


def test_server_pdus_equal_the_reference():
    """Write responses, SBO read answers, LastApplError and CommandTermination reports of
    our server equal the reference server's byte for byte (T masked), in the same order."""
    ours, reference = _server_answers("ours"), _server_answers("reference")
    # Not empty: the 2 clients' discovery plus the services above.
    assert len(reference) > 40
    appl_errors = [p for p in reference if b"LastApplError" in p]
    # A CommandTermination names the Oper variable domain-specific (LastApplError: VMD).
    terminations = [p for p in reference if p.startswith(b"\xa3") and b"\x1a\x06CTLDev" in p]
    assert len(appl_errors) >= 12 and len(terminations) >= 3
    assert [p.hex() for p in ours] == [p.hex() for p in reference]
