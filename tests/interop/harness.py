"""Shared helpers for the interop tests: library locations, reference server, model walk."""

import contextlib
import functools
import glob
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
DEMO_MODEL = os.path.join(REPO, "tests", "fixtures", "demo.cfg")
# Models of the directory and data set tests (tests/fixtures/gen_large.py writes large.cfg).
DIRECTORY_MODEL = os.path.join(REPO, "tests", "fixtures", "directory.cfg")
LARGE_MODEL = os.path.join(REPO, "tests", "fixtures", "large.cfg")
REF_LIB_GLOB = os.path.join(
    REPO, ".venv", "lib", "python3*", "site-packages", "pyiec61850_ng.libs",
    "libiec61850-*.so.1.6.1")


def reference_lib_path():
    """Path of the reference libiec61850 (env RS61850_REF_LIB overrides the venv glob)."""
    env = os.environ.get("RS61850_REF_LIB")
    if env:
        return env
    found = sorted(glob.glob(REF_LIB_GLOB))
    if not found:
        raise FileNotFoundError(
            f"reference library not found ({REF_LIB_GLOB}); run tests/interop/setup.sh")
    return found[0]


def our_lib_path():
    """Path of our libiec61850.so (env RS61850_LIB, default target/release)."""
    return os.environ.get("RS61850_LIB",
                          os.path.join(REPO, "target", "release", "libiec61850.so"))


def lib_path(which):
    """Library path for "reference" or "ours"; a missing library is an error, never a skip."""
    if which == "reference":
        return reference_lib_path()
    if which == "ours":
        path = our_lib_path()
        if not os.path.exists(path):
            raise FileNotFoundError(
                f"our library {path} does not exist: build it with "
                "`cargo build --release` or point RS61850_LIB at it")
        return path
    raise ValueError(f"unknown library {which!r}")


class RefServer:
    """A foreground refserver.py process driven through its stdin commands."""

    def __init__(self, model=DEMO_MODEL, which="reference"):
        self.proc = subprocess.Popen(
            [sys.executable, os.path.join(HERE, "refserver.py"), "run", "--model", model,
             "--lib", which],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
        line = self.proc.stdout.readline()
        if not line.startswith("PORT "):
            self.proc.kill()
            self.proc.wait()
            raise RuntimeError(f"reference server failed to start: {line!r}")
        self.port = int(line.split()[1])

    def set(self, ref, kind, value):
        """Server-side update of one attribute (see refserver.py for the types)."""
        self.proc.stdin.write(f"set {ref} {kind} {value}\n")
        reply = self.proc.stdout.readline().strip()
        if reply != "OK":
            raise RuntimeError(f"refserver: {reply}")

    def close(self):
        """Stops the server process."""
        if self.proc.poll() is None:
            try:
                self.proc.stdin.write("quit\n")
                self.proc.stdin.close()
                self.proc.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait()


@contextlib.contextmanager
def reference_server_ctl(model=DEMO_MODEL, which="reference"):
    """Yields a RefServer (port + set()) of library `which` serving `model`."""
    server = RefServer(model, which)
    try:
        yield server
    finally:
        server.close()


@contextlib.contextmanager
def reference_server(model=DEMO_MODEL):
    """Yields the TCP port of a reference server serving `model` on 127.0.0.1."""
    with reference_server_ctl(model) as server:
        yield server.port


_LINE = re.compile(r"^(MODEL|LD|LN|DO|DA)\((\S+)(?:\s+(\d+))?(?:\s+(\d+))?(?:\s+(\d+))?[^)]*\)(.*)$")


def model_attributes(cfg_path=DEMO_MODEL):
    """Leaf data attributes of a config-file model: [(objectRef, fc, type, initial)].

    `objectRef` is `LD/LN.DO.DA[.sub]` where the LD name is the IED name followed by
    the LD instance (as the server names its MMS domains), `fc` and `type` are the model's numbers
    (FunctionalConstraint, DataAttributeType), `initial` the text after `=` or None.
    """
    out = []
    stack = []  # (kind, name) of the open blocks
    with open(cfg_path) as f:
        for raw in f:
            line = raw.strip()
            if line == "}":
                if stack:
                    stack.pop()
                continue
            m = _LINE.match(line)
            if not m:
                if line.endswith("{"):
                    stack.append(("OTHER", ""))
                continue
            kind, name = m.group(1), m.group(2)
            opens = line.endswith("{")
            if kind == "DA":
                da_type, fc = int(m.group(4)), int(m.group(5))
                init = None
                rest = m.group(6)
                if rest.startswith("="):
                    init = rest.split("=", 1)[1].rstrip(";").strip().strip('"')
                if not opens:
                    ied = next(n for k, n in stack if k == "MODEL")
                    ld = ied + next(n for k, n in stack if k == "LD")
                    path = [n for k, n in stack if k in ("LN", "DO", "DA")] + [name]
                    out.append((f"{ld}/{path[0]}." + ".".join(path[1:]), fc, da_type, init))
            if opens:
                stack.append((kind, name))
    return out


def retry_dropped_connections(attempts=3):
    """Reruns a test that failed, up to `attempts` times in all.

    The reference server drops about 1 in 100 fresh connections right after the
    association (observed with the reference client too: connect succeeds, then
    every request gives CONNECTION_LOST). A test whose subject is the connection
    life cycle must build its own clients inside the test so that a rerun starts
    clean. A real bug fails every attempt.
    """
    def wrap(fn):
        @functools.wraps(fn)
        def run(*args, **kwargs):
            for attempt in range(attempts):
                try:
                    return fn(*args, **kwargs)
                except AssertionError:
                    if attempt == attempts - 1:
                        raise
                    time.sleep(0.2)
        return run
    return wrap
