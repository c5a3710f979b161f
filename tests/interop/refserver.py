#!/usr/bin/env python3
"""Runs a REFERENCE libiec61850 IEC 61850 server (ctypes on the reference .so).

Commands:
  refserver.py start --model M --port-file F   daemonize; F gets "<port>\\n<pid>\\n"
                                               (a server recorded in F is stopped first)
  refserver.py stop --port-file F              stop that daemon, remove F
  refserver.py run --model M [--port P]        foreground; prints "PORT <n>", then
                                               reads line commands from stdin:
      set <objectRef> <type> <value>   type: bool int32 int64 uint32 float string
                                       quality utctime octets(hex)
      quit
    Each command is answered with one line, "OK" or "ERR <reason>".
    End of stdin stops the server, so a test's server dies with the test.
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

    def __init__(self, model_path):
        lib = ctypes.CDLL(harness.reference_lib_path())
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
            lib.IedServerConfig_setMaxMmsConnections(config, MAX_MMS_CONNECTIONS)
            self.server = lib.IedServer_createWithConfig(self.model, None, config)
            lib.IedServerConfig_destroy(config)
        else:
            self.server = lib.IedServer_create(self.model)
        if not self.server:
            raise RuntimeError("IedServer_create failed")
        lib.IedServer_setLocalIpAddress(self.server, b"127.0.0.1")
        # The reference denies client writes to CF and DC by default; the demo
        # model's CF and DC attributes are meant to be writable.
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
    if parts[0] == "set" and len(parts) == 4:
        try:
            server.set(parts[1], parts[2], parts[3])
        except ValueError as e:
            return f"ERR {e}"
        return "OK"
    return f"ERR bad command: {line.strip()}"


def cmd_run(args):
    server = ReferenceServer(args.model)
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
         "--port", str(args.port), "--daemon"],
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
    p_stop = sub.add_parser("stop")
    p_stop.add_argument("--port-file", required=True)
    p_run = sub.add_parser("run")
    p_run.add_argument("--model", default=harness.DEMO_MODEL)
    p_run.add_argument("--port", type=int, default=0)
    p_run.add_argument("--daemon", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    return {"start": cmd_start, "stop": cmd_stop, "run": cmd_run}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
