#!/usr/bin/env bash
# Creates <repo>/.venv with the reference library (pyiec61850-ng) and pytest.
# Idempotent: a second run only checks that everything is present.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="$REPO/.venv"
REF_PKG="pyiec61850-ng==1.6.1.10"

PY="$(command -v python3.11 || command -v python3)"

if [ ! -x "$VENV/bin/python" ]; then
    echo "setup.sh: creating $VENV"
    "$PY" -m venv "$VENV"
fi

ref_present() {
    compgen -G "$VENV/lib/python3*/site-packages/pyiec61850_ng.libs/libiec61850-*.so.1.6.1" >/dev/null
}

if ! ref_present || ! "$VENV/bin/python" -c "import pytest" >/dev/null 2>&1; then
    echo "setup.sh: installing $REF_PKG and pytest"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "$REF_PKG" pytest
fi

if ! ref_present; then
    echo "setup.sh: reference library not found after install" >&2
    exit 1
fi
