#!/usr/bin/env bash
# The Python interop tests of our library under valgrind memcheck: fails on any memory
# error and on definite leaks. (The C tests run under memcheck in CTest: `*_memcheck`.)
# Usage: bash scripts/valgrind.sh   (needs the venv of tests/interop/setup.sh and a
# release build of the library). About a minute.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || {
    if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq valgrind >/dev/null
}
log="$(mktemp)"
# The reference library and CPython are not ours: their reports are suppressed, and
# PYTHONMALLOC=malloc lets memcheck see Python's allocations as plain mallocs.
# The report stress test is left out: it checks timing that valgrind slows tenfold; so are
# the hostile-client tests, whose servers run in child processes memcheck does not follow.
if PYTHONMALLOC=malloc RS61850_LIB="$PWD/target/release/libiec61850.so" \
    valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite \
    --show-leak-kinds=definite --suppressions="$PWD/scripts/valgrind.supp" \
    .venv/bin/python -m pytest -q -p no:cacheprovider -k "ours and not stress and not hostile" tests/interop \
    >"$log" 2>&1; then
    tail -n 1 "$log"
    rm -f "$log"
else
    cat "$log"
    echo "valgrind: memory errors or definite leaks in the interop tests (log above)" >&2
    exit 1
fi
