#!/usr/bin/env python3
"""Runs bench/bench.c on our library and on the reference one, alternating, and
prints medians and ratios (ours / reference).

  bench/run.py [--rounds N]   full run (9 rounds by default, about 1.5 minutes)
  bench/run.py --smoke        every measurement once, tiny; exit 0 when all work

Servers: the reference server (tests/interop/refserver.py) with the demo model
for connect/read/pipeline and the large model for discovery; bench/fakeserver.py
(replaying a recorded reference association) for reports and for the concurrent
connections, which the reference server caps at 5.

Server measurements: bench/server.c (a C IedServer on the demo model) runs once on each
library in its own process; the clients are bench.c on the reference library for both,
so only the server differs. Its threads, RSS and CPU are read from /proc/PID.
Environment: RS61850_LIB (our .so, default target/release/libiec61850.so),
RS61850_REF_LIB (the reference .so, default from the test venv), RS61850_INCLUDE
(the headers to compile against, default include/), CC (gcc).
"""

import argparse
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(REPO, "tests", "interop"))
import harness  # noqa: E402

sys.path.insert(0, HERE)
import fakeserver  # noqa: E402

SONAME = "libiec61850.so.1.6.1"
# The file of the download measurement, in the reference server's filestore.
FILE_NAME = "download.bin"
# The negotiated outstanding-call limit: the reference server answers 5 to any proposal.
WINDOW = 5

FULL = dict(echo=20000, connect=40, read=3000, pipeline=20000, reports=20000, file=(8 << 20, 5),
            conns=(100, 1000), discovery_model=harness.LARGE_MODEL, parse=15,
            server_conns=(5, 1000))
SMOKE = dict(echo=100, connect=2, read=20, pipeline=200, reports=100, file=(1 << 16, 1),
             conns=(10,), discovery_model=harness.DEMO_MODEL, parse=1, server_conns=(20,))
# bench read and bench pipeline make this many requests besides the measured ones (a
# verifying read, 50 warm-up reads): counted in the server CPU per request.
READ_EXTRA, PIPELINE_EXTRA = 51, 1
# Descriptors beyond the connection counts (both processes inherit the raised limit).
FD_SLACK = 200
# The servers under test accept this many connections more than the largest count.
CONNECTION_SLACK = 10
# The parser measurement's model: PARSE_LNS x PARSE_DOS data objects of PARSE_DAS attributes.
PARSE_LNS, PARSE_DOS, PARSE_DAS = 50, 50, 5

# (key, label, unit, better, target ratio or None): better is "lower" or "higher".
METRICS = [
    ("connect_release_ms", "connect + associate + release", "ms", "lower", None),
    ("read_p50_us", "sync read p50", "us", "lower", 0.8),
    ("read_p99_us", "sync read p99", "us", "lower", None),
    ("read_cpu_us", "client CPU per sync read", "us", "lower", None),
    ("pipelined_reads_per_s", f"pipelined reads ({WINDOW} outstanding)", "/s", "higher", 2.0),
    ("pipelined_cpu_us", "client CPU per pipelined read", "us", "lower", None),
    ("discovery_s", "full discovery", "s", "lower", 0.8),
    ("discovery_model_s", "  of which getDeviceModelFromServer", "s", "lower", None),
    ("reports_per_s", f"reports received and decoded ({fakeserver.MEMBERS} members)", "/s",
     "higher", 2.0),
    ("file_mb_per_s", "file download (getFile)", "MB/s", "higher", None),
    ("parse_ms", f"config file parse + destroy ({PARSE_LNS * PARSE_DOS * PARSE_DAS} DAs)", "ms",
     "lower", 1.0),
]
# The server measurements (bench/server.c on each library, clients on the reference).
SERVER_METRICS = [
    ("srv_connect_release_ms", "connect + associate + release", "ms", "lower"),
    ("srv_read_p50_us", "sync read p50", "us", "lower"),
    ("srv_read_p99_us", "sync read p99", "us", "lower"),
    ("srv_read_server_cpu_us", "server CPU per sync read", "us", "lower"),
    ("srv_pipelined_reads_per_s", f"pipelined reads ({WINDOW} outstanding)", "/s", "higher"),
    ("srv_pipelined_server_cpu_us", "server CPU per pipelined read", "us", "lower"),
    ("srv_idle_threads", "idle server: threads", "", "lower"),
    ("srv_idle_rss_kb", "idle server: VmRSS", "KiB", "lower"),
]


def parse_model(path):
    """Writes the parser measurement's model file (every attribute with a value)."""
    lines = ["MODEL(BENCH){", "LD(Parse){"]
    for ln in range(PARSE_LNS):
        lines.append(f"LN(GGIO{ln + 1}){{")
        for do in range(PARSE_DOS):
            lines += [f"DO(Ind{do + 1} 0){{", "DA(stVal 0 0 0 1 0)=1;", "DA(q 0 23 0 2 0);",
                      "DA(t 0 22 0 0 0);", "DA(cnt 0 3 1 1 0)=42;",
                      'DA(d 0 20 5 0 0)="description";', "}"]
        lines.append("}")
    lines += ["}", "}"]
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def build(work):
    """Compiles bench.c and server.c against our headers and makes one library dir per
    side; returns (bench, benchserver, dirs)."""
    ours = os.path.abspath(harness.our_lib_path())
    reference = os.path.abspath(harness.reference_lib_path())
    dirs = {}
    for name, target in (("ours", ours), ("reference", reference)):
        d = os.path.join(work, name)
        os.makedirs(d, exist_ok=True)
        os.symlink(target, os.path.join(d, SONAME))
        os.symlink(SONAME, os.path.join(d, "libiec61850.so"))
        dirs[name] = d
    include = os.environ.get("RS61850_INCLUDE", os.path.join(REPO, "include"))
    exes = []
    for source, exe in (("bench.c", "bench"), ("server.c", "benchserver")):
        exe = os.path.join(work, exe)
        subprocess.run([os.environ.get("CC", "gcc"), "-O2", "-Wall", "-Wextra", "-Werror",
                        "-I", include, os.path.join(HERE, source), "-o", exe,
                        "-L", dirs["ours"], "-liec61850", "-lpthread", "-ldl"], check=True)
        exes.append(exe)
    return exes[0], exes[1], dirs


class LineServer:
    """A server process that prints "PORT <n>" and stops when its stdin closes."""

    def __init__(self, argv, env=None):
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     text=True, env=env)
        line = self.proc.stdout.readline()
        if not line.startswith("PORT "):
            self.close()
            raise RuntimeError(f"{argv[1:3]} did not start: {line!r}")
        self.port = int(line.split()[1])

    def close(self):
        """Closes stdin and waits for the process."""
        self.proc.stdin.close()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def bench_server(exe, libdir, model, max_connections, attempts=5):
    """bench/server.c on the library in `libdir` serving `model` (a LineServer)."""
    env = dict(os.environ, LD_LIBRARY_PATH=libdir)
    for attempt in range(attempts):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        try:
            srv = LineServer([exe, model, str(port), str(max_connections)], env)
        except RuntimeError:
            # The port was taken in between: another one.
            if attempt == attempts - 1:
                raise
            continue
        # What it takes to start another one like it.
        srv.exe, srv.libdir, srv.max_connections = exe, libdir, max_connections
        return srv
    return None


def cpu_s(pid):
    """User + system CPU seconds of process `pid` so far."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def open_fds(pid):
    """Open descriptors of process `pid`."""
    return len(os.listdir(f"/proc/{pid}/fd"))


def settle(pid, fds, timeout=15.0):
    """Waits until the server `pid` is back to `fds` descriptors (its clients are gone)."""
    deadline = time.monotonic() + timeout
    while open_fds(pid) > fds and time.monotonic() < deadline:
        time.sleep(0.05)


def server_round(exe, dirs, servers, cfg, index):
    """The server measurements of one round: the reference client against each server
    (alternating which goes first); returns {server side: results}."""
    sides = ("ours", "reference") if index % 2 == 0 else ("reference", "ours")
    client = dirs["reference"]
    result = {"ours": {}, "reference": {}}
    for what in ("connect", "read", "pipeline", "conns"):
        for side in sides:
            srv = servers[side]
            port, pid, out = srv.port, srv.proc.pid, result[side]
            fds = open_fds(pid)
            if what == "connect":
                r = run_bench(exe, client, "connect", port, cfg["connect"])
                out["srv_connect_release_ms"] = r["connect_release_ms"]
            elif what == "read":
                cpu = cpu_s(pid)
                r = run_bench(exe, client, "read", port, cfg["read"])
                cpu = cpu_s(pid) - cpu
                out["srv_read_p50_us"] = r["read_p50_us"]
                out["srv_read_p99_us"] = r["read_p99_us"]
                out["srv_read_server_cpu_us"] = cpu / (cfg["read"] + READ_EXTRA) * 1e6
            elif what == "pipeline":
                cpu = cpu_s(pid)
                r = run_bench(exe, client, "pipeline", port, cfg["pipeline"], WINDOW)
                cpu = cpu_s(pid) - cpu
                out["srv_pipelined_reads_per_s"] = r["pipelined_reads_per_s"]
                out["srv_pipelined_server_cpu_us"] = \
                    cpu / (cfg["pipeline"] + PIPELINE_EXTRA) * 1e6
            else:
                for n in cfg["server_conns"]:
                    # A fresh server process per count: its idle RSS is not yet inflated
                    # by memory kept from earlier clients.
                    fresh = bench_server(srv.exe, srv.libdir, harness.DEMO_MODEL,
                                         srv.max_connections)
                    try:
                        r = run_bench(exe, client, "serverconns", fresh.port, n,
                                      fresh.proc.pid)
                    finally:
                        fresh.close()
                    held = int(r["server_conns_held"])
                    if side == "ours" and held < n:
                        # The reference is capped at 5; ours must hold every client.
                        raise RuntimeError(f"our server held {held} of {n} associations")
                    out.setdefault("srv_idle_threads", r["server_idle_threads"])
                    out.setdefault("srv_idle_rss_kb", r["server_idle_rss_kb"])
                    out[f"srv_held@{n}"] = held
                    out[f"srv_threads@{n}"] = r["server_conns_threads"]
                    out[f"srv_rss_kb@{n}"] = r["server_conns_rss_kb"]
                    out[f"srv_rss_per_conn_kb@{n}"] = \
                        (r["server_conns_rss_kb"] - r["server_idle_rss_kb"]) / held \
                        if held else None
            settle(pid, fds)
    return result


def run_bench(exe, libdir, *args):
    """Runs one measurement; returns its "key value" lines as a dict."""
    env = dict(os.environ, LD_LIBRARY_PATH=libdir)
    out = subprocess.run([exe, *map(str, args)], env=env, capture_output=True, text=True,
                         timeout=300)
    if out.returncode:
        raise RuntimeError(f"bench {' '.join(map(str, args))} on {libdir}: "
                           f"{out.stderr.strip()}")
    result = {}
    for line in out.stdout.splitlines():
        key, value = line.split()
        result[key] = None if value == "n/a" else float(value)
    return result


def measurements(ports, cfg):
    """The bench invocations of one round: (key suffix, arguments)."""
    out = [("", ["parse", cfg["parse_model"], cfg["parse"]]),("", ["connect", ports["demo"], cfg["connect"]]),
           ("", ["read", ports["demo"], cfg["read"]]),
           ("", ["pipeline", ports["demo"], cfg["pipeline"], WINDOW]),
           ("", ["discovery", ports["large"]]),
           ("", ["reports", ports["reports"], cfg["reports"], fakeserver.RCB_REF,
                  fakeserver.RPT_ID])]
    size, iterations = cfg["file"]
    out.append(("", ["file", ports["files"], FILE_NAME, size, iterations]))
    out += [(f"@{n}", ["conns", ports["fake"], n]) for n in cfg["conns"]]
    return out


def run_round(exe, dirs, ports, cfg, index):
    """One round: each measurement on both libraries back to back, so that a pair sees
    the same machine state; the order flips every round (A B, then B A)."""
    sides = ("ours", "reference") if index % 2 == 0 else ("reference", "ours")
    result = {"ours": {}, "reference": {}}
    for suffix, args in measurements(ports, cfg):
        for side in sides:
            r = run_bench(exe, dirs[side], *args)
            result[side].update({k + suffix: v for k, v in r.items()})
    return result


def median(values):
    """Median of the non-missing values, or None."""
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt(v):
    """A number for the table."""
    if v is None:
        return "n/a"
    return f"{v:.4g}" if abs(v) < 1000 else f"{v:.0f}"


def report(results, echo, cfg, rounds, check):
    """Prints the table of medians and ratios (with the targets when `check`); returns
    the list of missed targets."""
    keys = results["ours"][0]
    ours = {k: median([r.get(k) for r in results["ours"]]) for k in keys}
    ref = {k: median([r.get(k) for r in results["reference"]]) for k in keys}
    # The ratio is the median of the per-round ratios: the two runs of a round are back
    # to back, so the ratio cancels most of the load other processes put on the machine.
    ratios = {k: median([a[k] / b[k] if a.get(k) is not None and b.get(k) else None
                         for a, b in zip(results["ours"], results["reference"])])
              for k in keys}
    print(f"\nmedians of {rounds} round(s), A/B alternating; discovery model "
          f"{os.path.basename(cfg['discovery_model'])}; loopback TCP round trip "
          f"(floor): {fmt(echo)} us")
    print(f"{'measurement':44} {'ours':>10} {'reference':>10} {'ours/ref':>9}  target")
    print(f"{'':44} {'(median)':>10} {'(median)':>10} {'(median)':>9}")
    rows = [(k, f"{label} ({unit})", better, target)
            for k, label, unit, better, target in METRICS]
    for n in cfg["conns"]:
        rows += [(f"conns_connect_s@{n}", f"{n} connections: time to connect (s)",
                  "lower", None),
                 (f"conns_threads@{n}", f"{n} connections: process threads", "lower",
                  None),
                 (f"conns_rss_kb@{n}", f"{n} connections: VmRSS (KiB)", "lower",
                  0.25 if n == 1000 else None)]
    missed = []
    for key, label, better, target in rows:
        a, b, ratio = ours.get(key), ref.get(key), ratios.get(key)
        goal = ""
        if target is not None and check:
            ok = ratio is not None and (ratio <= target if better == "lower"
                                        else ratio >= target)
            goal = f"{'<=' if better == 'lower' else '>='} {target}x " + \
                ("met" if ok else "MISSED")
            if not ok:
                missed.append(label)
        if key == "conns_threads@1000" and a is not None and check:
            goal = "<= 4 " + ("met" if a <= 4 else "MISSED")
        if key == "reports_per_s" and a is None:
            print(f"{label:44} {'n/a (reporting not implemented)':>31}")
            continue
        ratio_text = f"{ratio:.2f}" if ratio is not None else "n/a"
        print(f"{label:44} {fmt(a):>10} {fmt(b):>10} {ratio_text:>9}  {goal}")
    report_servers(results, cfg)
    return missed


def report_servers(results, cfg):
    """Prints the server table: the same reference client against each server."""
    keys = results["ours"][0]
    ours = {k: median([r.get(k) for r in results["ours"]]) for k in keys}
    ref = {k: median([r.get(k) for r in results["reference"]]) for k in keys}
    print(f"\nserver (bench/server.c on each library; client: the reference library)")
    print(f"{'measurement':50} {'ours':>10} {'reference':>10} {'ours/ref':>9}")
    rows = [(k, f"{label} ({unit})" if unit else label, True)
            for k, label, unit, _better in SERVER_METRICS]
    for n in cfg["server_conns"]:
        rows += [(f"srv_held@{n}", f"{n} clients: associations held", False),
                 (f"srv_threads@{n}", f"{n} clients: server threads", True),
                 (f"srv_rss_kb@{n}", f"{n} clients: server VmRSS (KiB)", True),
                 (f"srv_rss_per_conn_kb@{n}", f"{n} clients: server RSS per association (KiB)",
                  True)]
    for key, label, compare in rows:
        a, b = ours.get(key), ref.get(key)
        note = ""
        n = int(key.split("@")[1]) if "@" in key else None
        ratio = None
        if compare:
            # Pairs of one round only, and only where both servers held every client.
            ratio = median([x[key] / y[key]
                            if x.get(key) is not None and y.get(key) and
                            (n is None or x.get(f"srv_held@{n}") == y.get(f"srv_held@{n}") == n)
                            else None
                            for x, y in zip(results["ours"], results["reference"])])
            if n is not None and ratio is None and b is not None:
                note = f"  (reference held {fmt(ref.get(f'srv_held@{n}'))} of {n})"
        ratio_text = f"{ratio:.2f}" if ratio is not None else "n/a"
        print(f"{label:50} {fmt(a):>10} {fmt(b):>10} {ratio_text:>9}{note}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args()
    cfg = SMOKE if args.smoke else FULL
    rounds = 1 if args.smoke else args.rounds
    # One descriptor per client connection in the bench process and one per connection
    # in the server process; the children inherit the limit.
    need = max(cfg["conns"] + cfg["server_conns"]) + FD_SLACK
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < need:
        if hard != resource.RLIM_INFINITY and hard < need:
            sys.exit(f"bench: {need} file descriptors needed, the hard limit is {hard}")
        resource.setrlimit(resource.RLIMIT_NOFILE, (need, hard))
    with tempfile.TemporaryDirectory(prefix="rs61850-bench-") as work:
        exe, server_exe, dirs = build(work)
        cfg = dict(cfg, parse_model=os.path.join(work, "parse.cfg"))
        parse_model(cfg["parse_model"])
        script = os.path.join(work, "script.json")
        py = sys.executable
        refserver = os.path.join(REPO, "tests", "interop", "refserver.py")
        fake = os.path.join(HERE, "fakeserver.py")
        servers = {}
        try:
            servers["demo"] = harness.RefServer(harness.DEMO_MODEL)
            report_model = os.path.join(work, "reports.cfg")
            fakeserver.bench_model(report_model)
            servers["report_model"] = harness.RefServer(report_model)
            for attempt in range(3):
                # The reference server drops about 1% of new connections.
                try:
                    fakeserver.learn(script, servers["report_model"])
                    break
                except RuntimeError:
                    if attempt == 2:
                        raise
            store = os.path.join(work, "filestore")
            os.makedirs(store)
            with open(os.path.join(store, FILE_NAME), "wb") as f:
                f.write(os.urandom(cfg["file"][0]))
            servers["files"] = LineServer([py, refserver, "run", "--model", harness.DEMO_MODEL,
                                           "--filestore", store + "/"])
            servers["large"] = LineServer([py, refserver, "run", "--model",
                                           cfg["discovery_model"]])
            servers["fake"] = LineServer([py, fake, "serve", "--script", script])
            servers["reports"] = LineServer([py, fake, "serve", "--script", script,
                                             "--reports", str(cfg["reports"])])
            ports = {k: s.port for k, s in servers.items()}
            # The servers under test: the reference stays capped at 5 connections.
            tested = {}
            for side in ("ours", "reference"):
                tested[side] = servers[f"server_{side}"] = bench_server(
                    server_exe, dirs[side], harness.DEMO_MODEL,
                    max(cfg["server_conns"]) + CONNECTION_SLACK)
            results = {"ours": [], "reference": []}
            echoes = []
            for i in range(rounds):
                echoes.append(run_bench(exe, dirs["ours"], "echo", cfg["echo"])
                              ["echo_rtt_p50_us"])
                r = run_round(exe, dirs, ports, cfg, i)
                for side, values in server_round(exe, dirs, tested, cfg, i).items():
                    r[side].update(values)
                for side in ("ours", "reference"):
                    results[side].append(r[side])
                    print(f"round {i + 1}/{rounds} {side}: " + " ".join(
                        f"{k}={fmt(v)}" for k, v in r[side].items()), flush=True)
        finally:
            for s in servers.values():
                s.close()
    missed = report(results, median(echoes), cfg, rounds, not args.smoke)
    if args.smoke:
        print("smoke: all measurements ran")
    elif missed:
        print("targets missed: " + "; ".join(missed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
