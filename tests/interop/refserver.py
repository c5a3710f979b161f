#!/usr/bin/env python3
"""Runs a REFERENCE libiec61850 IEC 61850 server (ctypes on the reference .so, or on ours
with --lib ours).

Commands:
  refserver.py start --model M --port-file F   daemonize; F gets "<port>\\n<pid>\\n"
                                               (a server recorded in F is stopped first)
  refserver.py stop --port-file F              stop that daemon, remove F
  refserver.py run --model M [--port P] [--filestore DIR] [--controls] [--password PW]
                    [--lib ours|reference] [--max-connections N]
                                               foreground; prints "PORT <n>", then
                                               reads line commands from stdin:
      set <objectRef> <type> <value>   type: bool int32 int64 uint32 float string
                                       quality utctime octets(hex)
      peer                             (with --password) "OK <mechanism> <password>
                                       <AP title> <AE qualifier>" of the last association
      quit
    Each command is answered with one line, "OK" or "ERR <reason>".
    End of stdin stops the server, so a test's server dies with the test.
    --controls installs control handlers that follow ControlRules (below).
"""

import argparse
import ctypes
import os
import signal
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

MAX_MMS_CONNECTIONS = 50
FC_CF = 4
FC_DC = 5
ACCESS_POLICY_ALLOW = 0
LISTEN_WAIT_S = 5.0


class ReferenceServer:
    """An IedServer of the reference library serving one config-file model."""

    def __init__(self, model_path, filestore=None, which="reference",
                 max_connections=MAX_MMS_CONNECTIONS):
        lib = ctypes.CDLL(harness.lib_path(which))
        self.lib = lib
        vp = ctypes.c_void_p
        lib.ConfigFileParser_createModelFromConfigFileEx.restype = vp
        lib.ConfigFileParser_createModelFromConfigFileEx.argtypes = [ctypes.c_char_p]
        lib.IedServer_create.restype = vp
        lib.IedServer_create.argtypes = [vp]
        lib.IedServer_start.argtypes = [vp, ctypes.c_int]
        lib.IedServer_stop.argtypes = [vp]
        lib.IedServer_destroy.argtypes = [vp]
        lib.IedServer_isRunning.restype = ctypes.c_bool
        lib.IedServer_isRunning.argtypes = [vp]
        lib.IedServer_setLocalIpAddress.argtypes = [vp, ctypes.c_char_p]
        lib.IedServer_lockDataModel.argtypes = [vp]
        lib.IedServer_unlockDataModel.argtypes = [vp]
        lib.IedModel_getModelNodeByObjectReference.restype = vp
        lib.IedModel_getModelNodeByObjectReference.argtypes = [vp, ctypes.c_char_p]
        lib.IedModel_destroy.argtypes = [vp]
        lib.IedServer_updateBooleanAttributeValue.argtypes = [vp, vp, ctypes.c_bool]
        lib.IedServer_updateInt32AttributeValue.argtypes = [vp, vp, ctypes.c_int32]
        lib.IedServer_updateInt64AttributeValue.argtypes = [vp, vp, ctypes.c_int64]
        lib.IedServer_updateUnsignedAttributeValue.argtypes = [vp, vp, ctypes.c_uint32]
        lib.IedServer_updateFloatAttributeValue.argtypes = [vp, vp, ctypes.c_float]
        lib.IedServer_updateVisibleStringAttributeValue.argtypes = [vp, vp, ctypes.c_char_p]
        lib.IedServer_updateQuality.argtypes = [vp, vp, ctypes.c_uint16]
        lib.IedServer_updateUTCTimeAttributeValue.argtypes = [vp, vp, ctypes.c_uint64]
        lib.IedServer_updateAttributeValue.argtypes = [vp, vp, vp]
        lib.MmsValue_newOctetString.restype = vp
        lib.MmsValue_newOctetString.argtypes = [ctypes.c_int, ctypes.c_int]
        lib.MmsValue_setOctetString.argtypes = [vp, ctypes.c_char_p, ctypes.c_int]
        lib.MmsValue_delete.argtypes = [vp]

        self.model = lib.ConfigFileParser_createModelFromConfigFileEx(model_path.encode())
        if not self.model:
            raise RuntimeError(f"reference parser rejected model {model_path}")
        if hasattr(lib, "IedServerConfig_create"):
            # The reference accepts only 5 MMS connections by default. (The
            # pyiec61850-ng build ignores a higher value: it stays capped at 5.)
            lib.IedServerConfig_create.restype = vp
            lib.IedServerConfig_setMaxMmsConnections.argtypes = [vp, ctypes.c_int]
            lib.IedServerConfig_destroy.argtypes = [vp]
            lib.IedServer_createWithConfig.restype = vp
            lib.IedServer_createWithConfig.argtypes = [vp, vp, vp]
            config = lib.IedServerConfig_create()
            lib.IedServerConfig_setMaxMmsConnections(config, max_connections)
            self.server = lib.IedServer_createWithConfig(self.model, None, config)
            lib.IedServerConfig_destroy(config)
        else:
            self.server = lib.IedServer_create(self.model)
        if not self.server:
            raise RuntimeError("IedServer_create failed")
        lib.IedServer_setLocalIpAddress(self.server, b"127.0.0.1")
        if filestore:
            # The MMS file services serve this directory.
            lib.IedServer_setFilestoreBasepath.argtypes = [vp, ctypes.c_char_p]
            lib.IedServer_setFilestoreBasepath(self.server, _basepath(filestore))
        # The reference denies client writes to CF and DC by default; the demo
        # model's CF and DC attributes are meant to be writable.
        if hasattr(lib, "IedServer_setWriteAccessPolicy"):
            lib.IedServer_setWriteAccessPolicy.argtypes = [vp, ctypes.c_int, ctypes.c_int]
            for fc in (FC_CF, FC_DC):
                lib.IedServer_setWriteAccessPolicy(self.server, fc, ACCESS_POLICY_ALLOW)
        self.port = None

    def start(self, port=0, attempts=20):
        """Starts listening on `port`, or on a free port when 0; returns the port."""
        for _ in range(attempts):
            candidate = port or _free_port()
            self.lib.IedServer_start(self.server, candidate)
            if self.lib.IedServer_isRunning(self.server) and _wait_listening(candidate):
                self.port = candidate
                return candidate
            self.lib.IedServer_stop(self.server)
            if port:
                break
        raise RuntimeError(f"reference server could not listen (port {port or 'any'})")

    def stop(self):
        """Stops and frees the server and its model."""
        if self.server:
            self.lib.IedServer_stop(self.server)
            self.lib.IedServer_destroy(self.server)
            self.server = None
            self.lib.IedModel_destroy(self.model)
            self.model = None

    def set(self, ref, kind, text):
        """Updates one data attribute like a server application would."""
        lib = self.lib
        node = lib.IedModel_getModelNodeByObjectReference(self.model, ref.encode())
        if not node:
            raise ValueError(f"no model node {ref}")
        updaters = {
            "bool": lambda: lib.IedServer_updateBooleanAttributeValue(
                self.server, node, text.lower() in ("1", "true")),
            "int32": lambda: lib.IedServer_updateInt32AttributeValue(
                self.server, node, int(text, 0)),
            "int64": lambda: lib.IedServer_updateInt64AttributeValue(
                self.server, node, int(text, 0)),
            "uint32": lambda: lib.IedServer_updateUnsignedAttributeValue(
                self.server, node, int(text, 0)),
            "float": lambda: lib.IedServer_updateFloatAttributeValue(
                self.server, node, float(text)),
            "string": lambda: lib.IedServer_updateVisibleStringAttributeValue(
                self.server, node, text.encode()),
            "quality": lambda: lib.IedServer_updateQuality(self.server, node, int(text, 0)),
            "utctime": lambda: lib.IedServer_updateUTCTimeAttributeValue(
                self.server, node, int(text, 0)),
            "octets": lambda: self._set_octets(node, bytes.fromhex(text)),
        }
        if kind not in updaters:
            raise ValueError(f"unknown type {kind}")
        lib.IedServer_lockDataModel(self.server)
        try:
            updaters[kind]()
        finally:
            lib.IedServer_unlockDataModel(self.server)

    def _set_octets(self, node, data):
        value = self.lib.MmsValue_newOctetString(len(data), len(data))
        self.lib.MmsValue_setOctetString(value, data, len(data))
        self.lib.IedServer_updateAttributeValue(self.server, node, value)
        self.lib.MmsValue_delete(value)


# Control rules of `run --controls` (keyed on the originator identifier, orIdent):
#   "interlocked"  check refused: ACCESS_DENIED, addCause BLOCKED_BY_INTERLOCKING (10)
#   "mode"         check refused: TEMPORARILY_UNAVAILABLE, addCause BLOCKED_BY_MODE (8)
#   "invalid"      check refused: VALUE_INVALID
#   "synchro"      with the synchro-check bit set: execution refused, addCause
#                  BLOCKED_BY_SYNCHROCHECK (11)
#   "fail"         operate handler fails (enhanced: CommandTermination-), addCause
#                  ABORTION_BY_TRIP (17)
#   "delay"        operate handler waits CONTROL_DELAY_S before succeeding
#   anything else  accepted and executed at once
CONTROL_DELAY_S = 0.5
CHECK_ACCEPTED = -1
CHECK_TEMPORARILY_UNAVAILABLE = 2
CHECK_ACCESS_DENIED = 3
CHECK_VALUE_INVALID = 11
RESULT_FAILED = 0
RESULT_OK = 1
RESULT_WAITING = 2
ADD_CAUSE_BLOCKED_BY_MODE = 8
ADD_CAUSE_BLOCKED_BY_INTERLOCKING = 10
ADD_CAUSE_BLOCKED_BY_SYNCHROCHECK = 11
ADD_CAUSE_ABORTION_BY_TRIP = 17


class ControlRules:
    """Control handlers on every controllable data object of the model (see the rules above)."""

    def __init__(self, server, model_path):
        lib = server.lib
        vp = ctypes.c_void_p
        lib.ControlAction_getOrIdent.restype = ctypes.POINTER(ctypes.c_uint8)
        lib.ControlAction_getOrIdent.argtypes = [vp, ctypes.POINTER(ctypes.c_int)]
        lib.ControlAction_setAddCause.argtypes = [vp, ctypes.c_int]
        check_t = ctypes.CFUNCTYPE(ctypes.c_int, vp, vp, vp, ctypes.c_bool, ctypes.c_bool)
        wait_t = ctypes.CFUNCTYPE(ctypes.c_int, vp, vp, vp, ctypes.c_bool, ctypes.c_bool)
        control_t = ctypes.CFUNCTYPE(ctypes.c_int, vp, vp, vp, ctypes.c_bool)
        lib.IedServer_setPerformCheckHandler.argtypes = [vp, vp, check_t, vp]
        lib.IedServer_setWaitForExecutionHandler.argtypes = [vp, vp, wait_t, vp]
        lib.IedServer_setControlHandler.argtypes = [vp, vp, control_t, vp]
        self.lib = lib
        self.started = {}
        # The C side keeps only the function pointers: keep the thunks alive with the rules.
        self.thunks = (check_t(self._check), wait_t(self._wait), control_t(self._control))
        for ref, _fc, _type, _init in harness.model_attributes(model_path):
            if not ref.endswith(".ctlModel"):
                continue
            node = lib.IedModel_getModelNodeByObjectReference(
                server.model, ref[:-len(".ctlModel")].encode())
            lib.IedServer_setPerformCheckHandler(server.server, node, self.thunks[0], None)
            lib.IedServer_setWaitForExecutionHandler(server.server, node, self.thunks[1], None)
            lib.IedServer_setControlHandler(server.server, node, self.thunks[2], None)

    def _or_ident(self, action):
        size = ctypes.c_int(0)
        data = self.lib.ControlAction_getOrIdent(action, ctypes.byref(size))
        return bytes(data[:size.value]).decode(errors="replace") if data else ""

    def _refuse(self, action, cause, result):
        self.lib.ControlAction_setAddCause(action, cause)
        return result

    def _check(self, action, _param, _ctl_val, _test, _interlock):
        rule = self._or_ident(action)
        if rule == "interlocked":
            return self._refuse(action, ADD_CAUSE_BLOCKED_BY_INTERLOCKING, CHECK_ACCESS_DENIED)
        if rule == "mode":
            return self._refuse(action, ADD_CAUSE_BLOCKED_BY_MODE, CHECK_TEMPORARILY_UNAVAILABLE)
        if rule == "invalid":
            return CHECK_VALUE_INVALID
        return CHECK_ACCEPTED

    def _wait(self, action, _param, _ctl_val, _test, synchro):
        if synchro and self._or_ident(action) == "synchro":
            return self._refuse(action, ADD_CAUSE_BLOCKED_BY_SYNCHROCHECK, RESULT_FAILED)
        return RESULT_OK

    def _control(self, action, _param, _ctl_val, _test):
        rule = self._or_ident(action)
        if rule == "fail":
            return self._refuse(action, ADD_CAUSE_ABORTION_BY_TRIP, RESULT_FAILED)
        if rule == "delay":
            # The server calls again while we answer WAITING; one action per object at a time.
            start = self.started.setdefault(action, time.monotonic())
            if time.monotonic() - start < CONTROL_DELAY_S:
                return RESULT_WAITING
            del self.started[action]
        return RESULT_OK


class PasswordCheck:
    """An ACSE authenticator accepting password authentication with `password` only; it
    records what each association request carried (see the `peer` command)."""

    def __init__(self, server, password):
        vp = ctypes.c_void_p
        self.password = password.encode()
        self.last = "none"
        auth_t = ctypes.CFUNCTYPE(ctypes.c_bool, vp, vp, vp, vp)
        self._callback = auth_t(self._authenticate)
        server.lib.IedServer_setAuthenticator.argtypes = [vp, auth_t, vp]
        server.lib.IedServer_setAuthenticator(server.server, self._callback, None)

    def _authenticate(self, _param, auth, _token, app_reference):
        # struct sAcseAuthenticationParameter {mechanism; union {password {ptr, len}}};
        # IsoApplicationReference {uint16 arc[10]; int arcCount; int aeQualifier}.
        mechanism = ctypes.c_int.from_address(auth).value if auth else 0
        password = b""
        if mechanism == 1:
            ptr = ctypes.c_void_p.from_address(auth + 8).value
            length = ctypes.c_int.from_address(auth + 16).value
            password = ctypes.string_at(ptr, length) if ptr else b""
        title = "-"
        if app_reference:
            arcs = (ctypes.c_uint16 * 10).from_address(app_reference)
            count = ctypes.c_int.from_address(app_reference + 20).value
            qualifier = ctypes.c_int.from_address(app_reference + 24).value
            title = ".".join(str(a) for a in arcs[:max(0, min(count, 10))]) + f" {qualifier}"
        self.last = f"{mechanism} {password.decode(errors='replace')} {title}"
        return mechanism == 1 and password == self.password


def _basepath(directory):
    """The reference joins base path and file name without a separator: end it with '/'."""
    return os.path.join(os.path.abspath(directory), "").encode()


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_listening(port):
    deadline = time.monotonic() + LISTEN_WAIT_S
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.05)
    return False


def handle_command(server, line):
    """Executes one stdin command; returns the reply line, or None for quit."""
    parts = line.rstrip("\r\n").split(None, 3)
    if not parts:
        return "ERR empty command"
    if parts[0] == "quit":
        return None
    if parts[0] == "peer":
        # What the last association request carried: "<mechanism> <password> <AP title>
        # <AE qualifier>" (needs --password).
        checker = getattr(server, "password_check", None)
        return f"OK {checker.last}" if checker else "ERR no --password"
    if parts[0] == "set" and len(parts) == 4:
        try:
            server.set(parts[1], parts[2], parts[3])
        except ValueError as e:
            return f"ERR {e}"
        return "OK"
    return f"ERR bad command: {line.strip()}"


def cmd_run(args):
    server = ReferenceServer(args.model, args.filestore, args.lib, args.max_connections)
    if args.controls:
        # Kept on the server so the handlers live as long as it does.
        server.control_rules = ControlRules(server, args.model)
    if args.password:
        server.password_check = PasswordCheck(server, args.password)
    port = server.start(args.port)
    print(f"PORT {port}", flush=True)
    if args.daemon:
        _daemon_wait(server)
        return 0
    for line in sys.stdin:
        reply = handle_command(server, line)
        if reply is None:
            break
        print(reply, flush=True)
    server.stop()
    return 0


def _daemon_wait(server):
    def on_term(_sig, _frame):
        server.stop()
        os._exit(0)

    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)
    # The starter closes its end of our stdout once it has the port.
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    while True:
        signal.pause()


def cmd_start(args):
    # A server left over from an earlier run with this port file is stopped first.
    cmd_stop(args)
    proc = subprocess.Popen(
        [sys.executable, os.path.abspath(__file__), "run", "--model", args.model,
         "--port", str(args.port), "--daemon"] + (["--controls"] if args.controls else []),
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, start_new_session=True,
        text=True)
    line = proc.stdout.readline()
    if not line.startswith("PORT "):
        proc.kill()
        proc.wait()
        print(f"refserver: server failed to start: {line.strip()!r}", file=sys.stderr)
        return 1
    port = int(line.split()[1])
    proc.stdout.close()
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(f"{port}\n{proc.pid}\n")
    os.replace(tmp, args.port_file)
    return 0


def _alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def cmd_stop(args):
    try:
        with open(args.port_file) as f:
            lines = f.read().split()
    except FileNotFoundError:
        return 0
    pid = int(lines[1]) if len(lines) > 1 else None
    if pid and _alive(pid):
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 5.0
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)
    os.unlink(args.port_file)
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    p_start = sub.add_parser("start")
    p_start.add_argument("--model", default=harness.DEMO_MODEL)
    p_start.add_argument("--port-file", required=True)
    p_start.add_argument("--port", type=int, default=0)
    p_start.add_argument("--controls", action="store_true",
                         help="install the control handlers (ControlRules)")
    p_stop = sub.add_parser("stop")
    p_stop.add_argument("--port-file", required=True)
    p_run = sub.add_parser("run")
    p_run.add_argument("--model", default=harness.DEMO_MODEL)
    p_run.add_argument("--port", type=int, default=0)
    p_run.add_argument("--filestore", help="directory served by the MMS file services")
    p_run.add_argument("--password", help="accept only ACSE password authentication with it")
    p_run.add_argument("--controls", action="store_true",
                       help="install the control handlers (ControlRules)")
    p_run.add_argument("--lib", choices=("reference", "ours"), default="reference",
                       help="the library that serves (default: the reference)")
    p_run.add_argument("--max-connections", type=int, default=MAX_MMS_CONNECTIONS,
                       help="IedServerConfig_setMaxMmsConnections (the reference stays capped "
                       f"at 5; default {MAX_MMS_CONNECTIONS})")
    p_run.add_argument("--daemon", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    return {"start": cmd_start, "stop": cmd_stop, "run": cmd_run}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
