#!/usr/bin/env bash
# The main job: starts the bundled demo IED (tests/fixtures/demo.cfg) on loopback and
# explores it with the `iec61850` command-line explorer: browse, read, write, operate a
# control, and watch reports.
# Until rs61850 has its own server, the demo IED is the reference libiec61850 server
# from PyPI, installed into .venv by tests/interop/setup.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

bash tests/interop/setup.sh
cargo build --release --quiet --bin iec61850
portfile="$(mktemp)"
trap '.venv/bin/python tests/interop/refserver.py stop --port-file "$portfile" >/dev/null 2>&1 || true' EXIT
.venv/bin/python tests/interop/refserver.py start --model tests/fixtures/demo.cfg --controls \
    --port-file "$portfile"
port="$(head -n 1 "$portfile")"
explore() {
    echo "\$ iec61850 --port $port $*"
    target/release/iec61850 --port "$port" "$@"
}

explore browse
explore read DEMOMeas/MMXU1.TotW.mag.f MX
explore read DEMOProt/LLN0.NamPlt.vendor DC
explore write DEMOProt/LLN0.NamPlt.d DC "written by rs61850"
explore control DEMOProt/GGIO1.SPCSO1 true
explore watch DEMOProt/LLN0.RP.EventsRCB01 --seconds 1
