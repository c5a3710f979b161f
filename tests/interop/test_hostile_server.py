"""Hostile clients against the server (issue 15, item 7), on the reference server and on
ours built from the same model (demo.cfg), each in its own process (refserver.py run).

Raw sockets only (rawmms.py builds the bytes from the standards). Every case asserts what
the server answers within ANSWER_S -- an error, reject or abort PDU, or closing the
connection -- and that afterwards the server still serves: a client associated before the
case reads on, and a fresh association reads.

How each server answers (observed; "silent" = neither an answer nor a close):

case                               reference                        ours
TPKT length 0..3, 5 (< a TPDU)     close                            close
TPKT version 4                     close                            close
TPKT 65535, 100 octets sent        close                            silent (waits for the rest)
TPKT 65535 after association       close                            silent (waits for the rest)
TPKT 8197 (> 8192 + 4) associated  close                            silent (waits for the rest)
TPKT > TPDU size (65 KiB DT)       close                            close
COTP DT / code 0x10 before CR      close                            close
COTP LI beyond the TPKT            close                            close
CR TPDU size code 0 / 0xFF         CC (size ignored)                close
CR TPDU size 4 octets FFFFFFFF     close                            close
session garbage                    close                            close
SPDU length beyond the TPKT        close                            close
presentation garbage (2 kinds)     close                            close
ACSE garbage                       close                            close
AARQ carrying a Read, no initiate  ACCEPT + Read answered (quirk)   session REFUSE
initiate length 0x84FFFFFFFF       silent (quirk)                   session REFUSE
MMS PDU length 0x84FFFFFFFF        silent: PDU dropped (quirk)      Reject
inner length 0x84FFFFFFFF          Reject                           Reject
nesting 300 (Write data, Read      Reject                           Reject
  spec, the PDU itself)
service tag [95] (none), [9]       Reject                           ConfirmedError
  (getScatteredAccessAttributes)
unknown MMS PDU tag [15]           Reject                           Reject
Read after CC, before CONNECT      silent: ignored (quirk)          close
Read before the COTP CR            silent: ignored (quirk)          close
initiate PDU size 0                accepts 0; every read then       accepts with its maximum
                                   fails with ConfirmedError        (0 = no limit stated)
initiate PDU size 2^31             accepts, answers 65000           accepts, answers 65000
slowloris (1 octet / 100 ms)       others served                    others served
200 half-open connections          keeps 5 (its compiled-in cap;    keeps all 200, serves
                                   setMaxMmsConnections does not    the other client
                                   raise it): others refused
reset mid-request                  survives                         survives

Where the reference is silent (a reference quirk) the test asserts that silence for
QUIRK_S and then that it closes once the client does; ours must answer.
"""

import os
import selectors
import socket
import struct
import subprocess
import sys
import threading
import time

import pytest

import harness
from rawmms import (associate, answer, association_request, classify, closes,
                    confirmed_request, cotp_cr, cotp_dt, cp_type, data_tpkt, initiate_request,
                    read_request, recv_tpkt, session_connect, tlv, tpkt, write_request)

# The bound for an answer or a close.
ANSWER_S = 5.0
# How long a silence the reference is known for is observed.
QUIRK_S = 1.0
# Both servers get this limit; the reference stays at 5 whatever it is told.
MAX_CONNECTIONS = 400
REFERENCE_CAP = 5
DOMAIN, ITEM = b"DEMOMeas", b"GAPC1$ST$IntIn$stVal"
# An MMS Read PDU's answers that say "not served" without closing.
MMS_ERRORS = ("mms-reject", "mms-confirmed-error")
CLOSED, SILENT = "closed", "silent"


class ServerProcess:
    """refserver.py run --lib `which` on demo.cfg in a child process; restarted by
    ensure() when a case killed it."""

    def __init__(self, which):
        self.which = which
        self.proc = None
        self.ensure()

    def ensure(self):
        """Starts the server unless it runs."""
        if self.proc is not None and self.proc.poll() is None:
            return
        self.proc = subprocess.Popen(
            [sys.executable, os.path.join(harness.HERE, "refserver.py"), "run", "--lib",
             self.which, "--max-connections", str(MAX_CONNECTIONS)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        if not line.startswith("PORT "):
            self.close()
            raise RuntimeError(f"{self.which} server did not start: {line!r}")
        self.port = int(line.split()[1])

    def exit_code(self):
        """None while the process runs."""
        return self.proc.poll()

    def status(self, field):
        """A number of /proc/PID/status (e.g. VmRSS in KiB)."""
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
        raise KeyError(field)

    def fds(self):
        """Open file descriptors of the server process."""
        return len(os.listdir(f"/proc/{self.proc.pid}/fd"))

    def close(self):
        """Ends the process (stdin EOF stops refserver.py)."""
        if self.proc.poll() is None:
            try:
                self.proc.stdin.close()
                self.proc.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait()


@pytest.fixture(scope="module", params=["reference", "ours"])
def server_process(request):
    srv = ServerProcess(request.param)
    yield srv
    srv.close()


@pytest.fixture
def server(server_process):
    """The module's server of one library, running."""
    server_process.ensure()
    return server_process


def read_answer(sock, invoke_id=9):
    """Sends a valid Read on an associated socket; returns what came back."""
    sock.sendall(data_tpkt(read_request(invoke_id, DOMAIN, ITEM)))
    return answer(sock, ANSWER_S)


def fresh_read(port, attempts=3):
    """A new association and a Read on it: the answer. The reference drops about 1 in 100
    fresh associations and frees slots on a 10 ms poll: a few attempts."""
    got = None
    for _ in range(attempts):
        try:
            with associate(port, timeout=ANSWER_S) as sock:
                got = read_answer(sock)
        except (AssertionError, OSError) as e:
            got = f"association failed: {e}"
        if got == "mms-confirmed-response":
            break
        time.sleep(0.05)
    return got


def assert_serves(server, bystander=None):
    """The server process lives, `bystander` (associated before the case) reads on, and a
    fresh association reads."""
    assert server.exit_code() is None, f"{server.which} server died ({server.exit_code()})"
    if bystander is not None:
        assert read_answer(bystander) == "mms-confirmed-response", "the other client stalled"
    assert fresh_read(server.port) == "mms-confirmed-response"


def at_stage(port, stage):
    """A socket at `stage`: "tcp" (connected), "transport" (COTP CC received) or
    "associated" (session ACCEPT received)."""
    if stage == "associated":
        return associate(port, timeout=ANSWER_S)
    sock = socket.create_connection(("127.0.0.1", port), timeout=ANSWER_S)
    if stage == "transport":
        sock.sendall(cotp_cr())
        got = answer(sock)
        assert got == "cotp-cc", got
    return sock


def nested(depth, tag, inner=b""):
    """`depth` constructed `tag`s around `inner`."""
    for _ in range(depth):
        inner = tlv(tag, inner)
    return inner


HUGE = b"\x84\xff\xff\xff\xff"  # a BER length of 2^32 - 1
READ_PDU = data_tpkt(read_request(1, DOMAIN, ITEM))

# (id, stage, bytes, reference's answer, ours: one answer or a tuple of allowed ones)
CASES = [
    ("tpkt-length-0", "tcp", bytes([3, 0, 0, 0]), CLOSED, CLOSED),
    ("tpkt-length-1", "tcp", bytes([3, 0, 0, 1]), CLOSED, CLOSED),
    ("tpkt-length-2", "tcp", bytes([3, 0, 0, 2]), CLOSED, CLOSED),
    ("tpkt-length-3", "tcp", bytes([3, 0, 0, 3]) + bytes(20), CLOSED, CLOSED),
    # Shorter than the COTP header it holds (LI 2 needs 3 octets).
    ("tpkt-length-5", "tcp", bytes([3, 0, 0, 5, 2]), CLOSED, CLOSED),
    ("tpkt-version-4", "tcp", bytes([4, 0, 0, 8, 2, 0xF0, 0x80, 0]), CLOSED, CLOSED),
    # No TPDU is that long (a CR has at most 255 octets, a DT at most the negotiated
    # TPDU size, 8192 at most): waiting for the rest holds 64 KiB per connection for
    # nothing. The reference closes on any length above 8196 (8192 + the TPKT header),
    # at every stage; at 8196 it waits for the rest, as ours does.
    ("tpkt-65535-truncated", "tcp", bytes([3, 0, 0xFF, 0xFF, 0x02, 0xE0]) + bytes(100),
     CLOSED, CLOSED),
    ("tpkt-65535-truncated-associated", "associated",
     bytes([3, 0, 0xFF, 0xFF, 0x02, 0xF0, 0x80]) + bytes(100), CLOSED, CLOSED),
    ("tpkt-8197-truncated-associated", "associated",
     bytes([3, 0, 0x20, 0x05, 0x02, 0xF0, 0x80]) + bytes(100), CLOSED, CLOSED),
    # A whole 65 KiB DT after negotiating 1024-octet TPDUs.
    ("tpkt-oversized", "transport",
     tpkt(bytes([2, 0xF0, 0x80, 1, 0, 1, 0]) + bytes(65000)), CLOSED, CLOSED),
    ("cotp-dt-before-cr", "tcp", cotp_dt(b"\x01\x00\x01\x00"), CLOSED, CLOSED),
    ("cotp-unknown-code", "tcp", tpkt(bytes([6, 0x10, 0, 0, 0, 1, 0])), CLOSED, CLOSED),
    ("cotp-li-beyond-tpkt", "tcp", tpkt(bytes([60, 0xE0, 0, 0, 0, 1, 0])), CLOSED, CLOSED),
    # The reference ignores an invalid TPDU size and confirms (with its 128-octet default).
    ("cotp-cr-tpdu-size-0", "tcp", cotp_cr(0), "cotp-cc", CLOSED),
    ("cotp-cr-tpdu-size-ff", "tcp", cotp_cr(0xFF), "cotp-cc", CLOSED),
    ("cotp-cr-tpdu-size-4-octets", "tcp", cotp_cr(size_param=b"\xff" * 4), CLOSED, CLOSED),
    ("session-garbage", "transport", cotp_dt(bytes(range(7, 57))), CLOSED, CLOSED),
    ("session-length-beyond-tpkt", "transport", cotp_dt(b"\x0d\xff\xff\xff"), CLOSED, CLOSED),
    ("presentation-garbage", "transport", cotp_dt(session_connect(b"\x31\x05garba")),
     CLOSED, CLOSED),
    ("presentation-random", "transport",
     cotp_dt(session_connect(bytes((i * 37 + 11) % 256 for i in range(40)))), CLOSED, CLOSED),
    ("acse-garbage", "transport", cotp_dt(session_connect(cp_type(b"\x60\x03\xff\xff\xff"))),
     CLOSED, CLOSED),
    # Reference quirk: it accepts the association and answers the Read inside the AARQ.
    ("aarq-without-initiate", "transport", association_request(read_request(1, DOMAIN, ITEM)),
     "session-accept+confirmed-response", ("session-refuse", "session-abort", CLOSED)),
    # Reference quirk: no answer to the association request at all.
    ("initiate-length-2^32-1", "transport",
     association_request(b"\xa8" + HUGE + b"\x80\x01\x00"), SILENT,
     ("session-refuse", "session-abort", CLOSED)),
    # Reference quirk: the PDU is dropped unanswered (the connection serves on).
    ("mms-length-2^32-1", "associated", data_tpkt(b"\xa0" + HUGE + b"\x02\x01\x01"),
     SILENT, ("mms-reject", CLOSED)),
    ("mms-inner-length-2^32-1", "associated",
     data_tpkt(confirmed_request(1, tlv(0xA4, tlv(0xA1, b"\xa0" + HUGE + b"\x30\x00")))),
     "mms-reject", "mms-reject"),
    ("nesting-300-write-data", "associated",
     data_tpkt(write_request(1, DOMAIN, ITEM, nested(300, 0xA2))), "mms-reject", "mms-reject"),
    ("nesting-300-read-spec", "associated",
     data_tpkt(confirmed_request(1, tlv(0xA4, tlv(0xA1, nested(300, 0xA0))))),
     "mms-reject", "mms-reject"),
    ("nesting-300-pdu", "associated", data_tpkt(nested(300, 0xA0)), "mms-reject", "mms-reject"),
    # [95] is no service, [9] getScatteredAccessAttributes, which neither server offers: the
    # reference rejects (unrecognized service), ours answers a ConfirmedError.
    ("unknown-service-95", "associated", data_tpkt(confirmed_request(1, b"\xbf\x5f\x00")),
     "mms-reject", MMS_ERRORS),
    ("unsupported-service-9", "associated", data_tpkt(confirmed_request(1, b"\xa9\x00")),
     "mms-reject", MMS_ERRORS),
    ("unknown-pdu-15", "associated", data_tpkt(b"\xaf\x00"), "mms-reject", "mms-reject"),
    # Reference quirk: requests before the association are ignored, unanswered.
    ("read-before-association", "transport", READ_PDU, SILENT, CLOSED),
    ("read-before-cotp", "tcp", READ_PDU, SILENT, CLOSED),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_hostile_bytes(server, case):
    _id, stage, data, on_reference, on_ours = case
    expected = on_reference if server.which == "reference" else on_ours
    expected = expected if isinstance(expected, tuple) else (expected,)
    with associate(server.port) as bystander, at_stage(server.port, stage) as sock:
        try:
            sock.sendall(data)
        except OSError:
            pass  # closed while we were still sending: read the close below
        got = answer(sock, QUIRK_S if expected == (SILENT,) else ANSWER_S)
        assert got in expected
        if got == SILENT:
            # The reference keeps the connection; it must close when the client does.
            sock.shutdown(socket.SHUT_WR)
            assert closes(sock, ANSWER_S)
        elif got in MMS_ERRORS:
            # A refused PDU ends neither the association nor the connection.
            assert read_answer(sock) == "mms-confirmed-response"
        assert_serves(server, bystander)


def initiate_answer(port, pdu_size):
    """Associates proposing `pdu_size`; returns (answer, localDetailCalled or None, what a
    Read then gets)."""
    with at_stage(port, "transport") as sock:
        sock.sendall(association_request(initiate_request(pdu_size=pdu_size)))
        reply = recv_tpkt(sock, ANSWER_S)
        got = classify(reply)
        if got != "session-accept":
            return got, None, None
        # initiate-ResponsePDU [9]: its first element is localDetailCalled [0].
        at = reply.rindex(b"\xa9")
        body = reply[at + 2:] if reply[at + 1] < 0x80 else reply[at + 3:]
        assert body[0] == 0x80, reply.hex()
        size = int.from_bytes(body[2:2 + body[1]], "big", signed=True)
        return got, size, read_answer(sock)


def test_initiate_pdu_size_0(server):
    got, size, read = initiate_answer(server.port, 0)
    if server.which == "reference":
        # Reference quirk: it agrees to 0 octets, then fails every request.
        assert (got, size, read) == ("session-accept", 0, "mms-confirmed-error")
    else:
        # Ours reads 0 as "no limit stated" and answers with its own maximum.
        assert (got, size, read) == ("session-accept", 65000, "mms-confirmed-response")
    assert_serves(server)


def test_initiate_pdu_size_2_pow_31(server):
    # Both clamp to their maximum.
    assert initiate_answer(server.port, 1 << 31) == \
        ("session-accept", 65000, "mms-confirmed-response")
    assert_serves(server)


def test_slowloris_does_not_stall_others(server):
    """One octet per 100 ms of a valid association (3 s); meanwhile an associated client
    and fresh ones are served at once; the slow client is served in the end."""
    slow_bytes = cotp_cr() + association_request()
    trickled = 30  # the CR (22 octets) and 8 octets of the association request
    cr_length = len(cotp_cr())
    slow = socket.create_connection(("127.0.0.1", server.port))
    confirmed = []

    def trickle():
        for i in range(trickled):
            slow.sendall(slow_bytes[i:i + 1])
            if i + 1 == cr_length:
                confirmed.append(answer(slow, ANSWER_S))
            time.sleep(0.1)

    latencies = []
    with associate(server.port) as bystander:
        thread = threading.Thread(target=trickle)
        thread.start()
        while thread.is_alive():
            started = time.monotonic()
            assert read_answer(bystander) == "mms-confirmed-response"
            assert fresh_read(server.port, attempts=1) == "mms-confirmed-response"
            latencies.append(time.monotonic() - started)
            time.sleep(0.1)
        thread.join()
    with slow:
        assert confirmed == ["cotp-cc"]
        slow.sendall(slow_bytes[trickled:])
        assert answer(slow, ANSWER_S) == "session-accept"
        assert read_answer(slow) == "mms-confirmed-response"
    assert len(latencies) >= 5
    # A read and a whole association each: far below the 100 ms between octets.
    assert max(latencies) < 1.0, latencies


def open_idle(port, count, timeout=ANSWER_S):
    """`count` TCP connects at once (non-blocking: the reference's short listen backlog
    would make blocking connects wait for SYN retransmissions); returns (sockets,
    how many the server's TCP accepted within `timeout`)."""
    socks = []
    for _ in range(count):
        s = socket.socket()
        s.setblocking(False)
        s.connect_ex(("127.0.0.1", port))
        socks.append(s)
    pending = set(socks)
    deadline = time.monotonic() + timeout
    with selectors.DefaultSelector() as sel:
        for s in socks:
            sel.register(s, selectors.EVENT_WRITE)
        while pending and time.monotonic() < deadline:
            for key, _ in sel.select(0.05):
                sel.unregister(key.fileobj)
                pending.discard(key.fileobj)
    return socks, count - len(pending)


def dropped_by_server(socks):
    """How many of the connected `socks` the server has closed."""
    dropped = 0
    for s in socks:
        try:
            dropped += s.recv(1) == b""
        except BlockingIOError:
            pass
        except OSError:  # reset, or never connected
            dropped += 1
    return dropped


def test_200_half_open_connections(server):
    """200 TCP connections that send nothing, while an associated client reads on."""
    with associate(server.port) as bystander:
        before = server.fds()
        idle, connected = open_idle(server.port, 200)
        try:
            assert read_answer(bystander) == "mms-confirmed-response"
            if server.which == "reference":
                # Its compiled-in cap of 5 connections (4 idle ones and the bystander) is
                # reached: a new client is refused until the idle ones go. (It closes the
                # idle connections beyond the cap as it accepts them, slowly: some stay in
                # its listen backlog for many seconds.)
                assert fresh_read(server.port, attempts=1).startswith("association failed")
            else:
                time.sleep(0.3)
                assert (connected, dropped_by_server(idle)) == (200, 0)
                assert server.fds() >= before + 200
                assert fresh_read(server.port, attempts=1) == "mms-confirmed-response"
        finally:
            for s in idle:
                s.close()
        assert_serves(server, bystander)
        # Every closed connection is released.
        deadline = time.monotonic() + ANSWER_S
        while server.fds() > before and time.monotonic() < deadline:
            time.sleep(0.05)
        assert server.fds() <= before


def reset(sock):
    """Closes `sock` with a TCP RST (SO_LINGER 0)."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


# (stage, bytes): half of a PDU at each layer, then RST.
RESETS = [
    ("tcp", cotp_cr()[:2]),
    ("tcp", cotp_cr()[:11]),
    ("transport", association_request()[:90]),
    ("associated", READ_PDU[:len(READ_PDU) // 2]),
    # A whole request: the server answers into a reset connection.
    ("associated", READ_PDU),
]


def test_reset_mid_request(server):
    with associate(server.port) as bystander:
        before = server.fds()
        for _ in range(4):
            for stage, data in RESETS:
                sock = at_stage(server.port, stage)
                sock.sendall(data)
                reset(sock)
        assert_serves(server, bystander)
        deadline = time.monotonic() + ANSWER_S
        while server.fds() > before and time.monotonic() < deadline:
            time.sleep(0.05)
        assert server.fds() <= before


def hostile_connection(port, index):
    """One of the hostile connections above (cases and resets, in turn), not waiting for
    silent servers."""
    cases = [(stage, data) for _, stage, data, *_ in CASES] + RESETS
    stage, data = cases[index % len(cases)]
    sock = at_stage(port, stage)
    try:
        sock.sendall(data)
    except OSError:
        pass
    if index % 2:
        reset(sock)
    else:
        answer(sock, 0.2)
        sock.close()


def test_memory_bounded_under_hostile_connections():
    """Ours: 200 hostile connections (each case and reset in turn) do not grow the server
    process's RSS or its open descriptors."""
    srv = ServerProcess("ours")
    try:
        for i in range(40):  # warm-up: first-use allocations are not growth
            hostile_connection(srv.port, i)
        assert_serves(srv)
        rss, fds = srv.status("VmRSS"), srv.fds()
        for i in range(200):
            hostile_connection(srv.port, i)
        assert_serves(srv)
        deadline = time.monotonic() + ANSWER_S
        while srv.fds() > fds and time.monotonic() < deadline:
            time.sleep(0.05)
        assert srv.fds() <= fds
        growth_kib = srv.status("VmRSS") - rss
        assert growth_kib < 4 * 1024, f"RSS grew by {growth_kib} KiB"
    finally:
        srv.close()
