#!/usr/bin/env bash
# Runs the whole test suite on a fresh machine: formatting and lints, cargo tests,
# the CTest C tests (ABI checks, and client tests against the reference server on
# both our library and the reference one), and the Python ctypes interop tests.
# Installs what it needs: cmake/pkg-config/g++/valgrind from Debian, a venv with the reference.
# Every C test also runs under valgrind memcheck (CTest), and so does the Python interop
# suite for our library. `--extended` adds the fuzz targets replayed over their seeds with
# random mutations.
set -euo pipefail
cd "$(dirname "$0")/.."
extended=false
[ "${1:-}" = "--extended" ] && extended=true

missing=()
# The Debian package names equal the command names.
for tool in cmake pkg-config g++ valgrind; do
    command -v "$tool" >/dev/null || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
bash tests/interop/setup.sh

echo "== cargo fmt / clippy"
cargo fmt --check
cargo clippy --all-targets --quiet -- -D warnings

echo "== cargo test"
cargo build --release --quiet
cargo test --quiet

echo "== ctest"
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build --parallel 2 >/dev/null
ctest --test-dir build --output-on-failure

echo "== bench smoke (checks that the benchmark runs, not how fast)"
.venv/bin/python bench/run.py --smoke

echo "== python interop under valgrind memcheck (our library)"
bash scripts/valgrind.sh

if $extended; then
    echo "== extended: fuzz replay"
    (cd fuzz && cargo run --quiet --release --no-default-features --bin replay -- --seconds 10)
fi

echo "== python interop (pytest)"
RS61850_LIB="$PWD/target/release/libiec61850.so" .venv/bin/python -m pytest -q tests/interop
