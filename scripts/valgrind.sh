#!/usr/bin/env bash
# Extended checks: our library's C tests and the Python interop tests (our library's
# half) under valgrind memcheck. Fails on any memory error and on definite leaks.
# Usage: bash scripts/valgrind.sh [BUILD_DIR]   (default: build; needs a configured venv,
# see tests/interop/setup.sh). Slow: expect several minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build}"
command -v valgrind >/dev/null || {
    if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq valgrind >/dev/null
}
vg=(valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite
    --show-leak-kinds=definite --suppressions="$PWD/scripts/valgrind.supp")

cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" --parallel 2 >/dev/null

port_file="$PWD/$build/valgrind-refserver.port"
.venv/bin/python tests/interop/refserver.py start --model tests/fixtures/demo.cfg \
    --port-file "$port_file"
trap '.venv/bin/python tests/interop/refserver.py stop --port-file "$port_file"' EXIT

failed=0
echo "== C tests under valgrind (our library)"
for bin in "$build"/ctest/test_*; do
    [ -x "$bin" ] || continue
    case "$bin" in *_linked_to_reference) continue ;; esac
    if RS61850_PORT_FILE="$port_file" "${vg[@]}" "$bin" >"$bin.valgrind.log" 2>&1; then
        echo "ok: $(basename "$bin")"
    else
        echo "FAIL: $(basename "$bin") (see $bin.valgrind.log)"
        failed=1
    fi
done

echo "== python interop under valgrind (our library's parametrization)"
# The reference library and CPython are not ours: their reports are suppressed, and
# PYTHONMALLOC=malloc lets memcheck see Python's allocations as plain mallocs.
# The report stress test is left out: it checks timing that valgrind slows tenfold.
if PYTHONMALLOC=malloc RS61850_LIB="$PWD/target/release/libiec61850.so" \
    "${vg[@]}" .venv/bin/python -m pytest -q -p no:cacheprovider -k "ours and not stress" tests/interop \
    >"$build/pytest.valgrind.log" 2>&1; then
    echo "ok: pytest (ours)"
else
    echo "FAIL: pytest under valgrind (see $build/pytest.valgrind.log)"
    failed=1
fi
tail -n 3 "$build/pytest.valgrind.log"
exit "$failed"
