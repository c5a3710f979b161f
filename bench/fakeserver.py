#!/usr/bin/env python3
"""A replaying MMS server for the benchmarks the reference server cannot host.

The reference server accepts 5 MMS connections, so the concurrent-connection
benchmark needs another peer; the report benchmark needs a server that sends
reports faster than any client decodes them. Both replay what the reference
server sent once:

  fakeserver.py learn --out FILE --model CFG
      Proxies one association of the reference client to a reference server it starts
      on CFG (see bench_model), enables the URCB with a general interrogation, and
      records the server's answers (COTP CC, session AC, session DN, the GI report).
  fakeserver.py serve --script FILE [--reports N]
      Prints "PORT <n>" and answers every association from FILE; with --reports,
      sends N copies of the recorded report 0.3 s after each association.
"""

import argparse
import asyncio
import ctypes
import json
import os
import socket
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests", "interop"))
import harness  # noqa: E402

TPKT_HEADER = 4
COTP_CR, COTP_DT = 0xE0, 0xF0
SPDU_CONNECT, SPDU_FINISH, SPDU_ABORT = 0x0D, 0x09, 0x19
MMS_UNCONFIRMED = 0xA3
# The data value of the presentation user data that carries the MMS PDU:
# presentation-context-identifier 3, then single-ASN1-type [0].
MMS_CONTEXT = bytes([0x02, 0x01, 0x03, 0xA0])
RCB_ELEMENT_RPT_ENA = 2
RCB_ELEMENT_GI = 1024
# The report benchmark's model (issue 5 asks for a data set of 50+ members): an URCB on a
# data set of MEMBERS single-point statuses; BENCH_MODEL_TEXT is written by `bench_model`.
MEMBERS = 60
RCB_REF = "BENCHRep/LLN0.RP.BigRCB01"
RPT_ID = "Big"
REPORT_DELAY_S = 0.3


def split_tpkts(buffer):
    """Splits complete TPKTs off `buffer` (a bytearray); returns them."""
    out = []
    while len(buffer) >= TPKT_HEADER:
        length = int.from_bytes(buffer[2:4], "big")
        if length < TPKT_HEADER or len(buffer) < length:
            break
        out.append(bytes(buffer[:length]))
        del buffer[:length]
    return out


def classify_request(tpkt):
    """Names a client TPKT: "CR", "CN", "FN", "AB" or "DATA"."""
    if len(tpkt) > 5 and tpkt[5] == COTP_CR:
        return "CR"
    if len(tpkt) > 7 and tpkt[5] == COTP_DT:
        return {SPDU_CONNECT: "CN", SPDU_FINISH: "FN", SPDU_ABORT: "AB"}.get(tpkt[7], "DATA")
    return "OTHER"


def is_report(tpkt):
    """True when the TPKT carries an unconfirmed MMS PDU (an InformationReport)."""
    at = tpkt.find(MMS_CONTEXT)
    if at < 0:
        return False
    at += len(MMS_CONTEXT)
    if at < len(tpkt) and tpkt[at] & 0x80:  # long-form length
        at += 1 + (tpkt[at] & 0x7F)
    else:
        at += 1
    return at < len(tpkt) and tpkt[at] == MMS_UNCONFIRMED


# ---- learn -------------------------------------------------------------------


def proxy_one(listener, upstream_port, script):
    """Relays one connection to the upstream server, recording its answers."""
    client, _ = listener.accept()
    upstream = socket.create_connection(("127.0.0.1", upstream_port))
    last = ["OTHER"]

    def pump(src, dst, from_client):
        buffer = bytearray()
        while True:
            data = src.recv(65536)
            if not data:
                break
            buffer += data
            for tpkt in split_tpkts(buffer):
                if from_client:
                    last[0] = classify_request(tpkt)
                elif is_report(tpkt):
                    script.setdefault("report", tpkt.hex())
                else:
                    answers = {"CR": "CC", "CN": "AC", "FN": "DN"}
                    if last[0] in answers:
                        script.setdefault(answers[last[0]], tpkt.hex())
                dst.sendall(tpkt)
        try:
            dst.shutdown(socket.SHUT_WR)
        except OSError:
            pass

    relay = threading.Thread(target=pump, args=(client, upstream, True), daemon=True)
    relay.start()
    pump(upstream, client, False)
    relay.join()


def record_report(lib, con, port, server, script):
    """Associates through the proxy on `port`, enables the URCB and asks for a general
    interrogation: its report carries every member of the data set."""
    err = ctypes.c_int()
    lib.IedConnection_connect(con, ctypes.byref(err), b"127.0.0.1", port)
    if err.value:
        raise RuntimeError(f"learn: connect failed ({err.value})")
    rcb = lib.IedConnection_getRCBValues(con, ctypes.byref(err), RCB_REF.encode(), None)
    if not rcb:
        raise RuntimeError(f"learn: reading {RCB_REF} failed ({err.value})")
    lib.ClientReportControlBlock_setRptEna(rcb, True)
    lib.ClientReportControlBlock_setGI(rcb, True)
    lib.IedConnection_setRCBValues(con, ctypes.byref(err), rcb,
                                   RCB_ELEMENT_RPT_ENA | RCB_ELEMENT_GI, True)
    lib.ClientReportControlBlock_destroy(rcb)
    if err.value:
        raise RuntimeError(f"learn: enabling {RCB_REF} failed ({err.value})")
    deadline = time.monotonic() + 5
    while "report" not in script and time.monotonic() < deadline:
        time.sleep(0.01)
    lib.IedConnection_release(con, ctypes.byref(err))


def bench_model(path):
    """Writes the report benchmark's model to `path`: LD BENCHRep with GGIO1.Ind1..IndN and
    an URCB (data change and GI; sequence number, data set, reason, conf rev) on a data
    set of their stVal."""
    dos = "".join(f"DO(Ind{i} 0){{\nDA(stVal 0 0 0 1 0);\nDA(q 0 23 0 2 0);\nDA(t 0 22 0 0 0);\n}}\n"
                  for i in range(1, MEMBERS + 1))
    members = "".join(f"DE(GGIO1$ST$Ind{i}$stVal);\n" for i in range(1, MEMBERS + 1))
    text = ("MODEL(BENCH){\nLD(Rep){\nLN(LLN0){\n"
            "DO(Mod 0){\nDA(stVal 0 12 0 1 0)=1;\nDA(q 0 23 0 2 0);\nDA(t 0 22 0 0 0);\n}\n"
            f"DS(Big){{\n{members}}}\n"
            f"RC(BigRCB01 {RPT_ID} 0 Big 1 17 141 0 0);\n"
            "}\n"
            f"LN(GGIO1){{\n{dos}}}\n"
            "}\n}\n")
    with open(path, "w") as f:
        f.write(text)


def learn(out_path, server):
    """Records a reference association and report into `out_path` (JSON of hex), through
    `server` (a harness.RefServer of the `bench_model` model)."""
    lib = ctypes.CDLL(harness.reference_lib_path())
    vp = ctypes.c_void_p
    lib.IedConnection_create.restype = vp
    lib.IedConnection_connect.argtypes = [vp, vp, ctypes.c_char_p, ctypes.c_int]
    lib.IedConnection_getRCBValues.restype = vp
    lib.IedConnection_getRCBValues.argtypes = [vp, vp, ctypes.c_char_p, vp]
    lib.ClientReportControlBlock_setRptEna.argtypes = [vp, ctypes.c_bool]
    lib.ClientReportControlBlock_setGI.argtypes = [vp, ctypes.c_bool]
    lib.IedConnection_setRCBValues.argtypes = [vp, vp, vp, ctypes.c_uint32, ctypes.c_bool]
    lib.ClientReportControlBlock_destroy.argtypes = [vp]
    lib.IedConnection_release.argtypes = [vp, vp]
    lib.IedConnection_destroy.argtypes = [vp]
    script = {}
    listener = socket.create_server(("127.0.0.1", 0))
    try:
        # Daemon: a relay stuck on a failed association must not keep the process alive.
        proxy = threading.Thread(target=proxy_one, args=(listener, server.port, script),
                                 daemon=True)
        proxy.start()
        con = lib.IedConnection_create()
        try:
            record_report(lib, con, listener.getsockname()[1], server, script)
        finally:
            lib.IedConnection_destroy(con)
        proxy.join(5)
    finally:
        listener.close()
    missing = {"CC", "AC", "DN", "report"} - script.keys()
    if missing:
        raise RuntimeError(f"learn: nothing recorded for {sorted(missing)}")
    with open(out_path, "w") as f:
        json.dump(script, f, indent=1)


# ---- serve -------------------------------------------------------------------


async def serve_one(reader, writer, script, reports):
    """Answers one association from the recorded script."""
    buffer = bytearray()
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            buffer += data
            for tpkt in split_tpkts(buffer):
                kind = classify_request(tpkt)
                if kind == "CR":
                    cc = bytearray(script["CC"])
                    # The CC's destination reference is the CR's source reference.
                    cc[6:8] = tpkt[8:10]
                    writer.write(bytes(cc))
                elif kind == "CN":
                    writer.write(script["AC"])
                    if reports:
                        asyncio.get_running_loop().call_later(
                            REPORT_DELAY_S, writer.write, script["report"] * reports)
                elif kind == "FN":
                    writer.write(script["DN"])
                elif kind == "AB":
                    writer.close()
                    return
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    writer.close()


async def serve(script_path, reports):
    """Serves until stdin closes."""
    with open(script_path) as f:
        script = {k: bytes.fromhex(v) for k, v in json.load(f).items()}
    server = await asyncio.start_server(
        lambda r, w: serve_one(r, w, script, reports), "127.0.0.1", 0, backlog=2048)
    print(f"PORT {server.sockets[0].getsockname()[1]}", flush=True)
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.read)
    server.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("learn")
    p.add_argument("--out", required=True)
    p.add_argument("--model", required=True, help="written by bench_model")
    p = sub.add_parser("serve")
    p.add_argument("--script", required=True)
    p.add_argument("--reports", type=int, default=0)
    args = parser.parse_args()
    if args.cmd == "learn":
        server = harness.RefServer(args.model)
        try:
            learn(args.out, server)
        finally:
            server.close()
    else:
        asyncio.run(serve(args.script, args.reports))


if __name__ == "__main__":
    main()
