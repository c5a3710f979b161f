"""The `iec61850` explorer (the main job) against a reference server on the demo IED:
browse, read, write, and watch. Expected values come from tests/fixtures/demo.cfg."""
import os
import subprocess

import pytest

import harness

BINARY = os.path.join(harness.REPO, "target", "release", "iec61850")


@pytest.fixture(scope="module")
def port():
    with harness.reference_server_ctl(harness.DEMO_MODEL) as srv:
        yield srv.port


def explore(port, *args):
    done = subprocess.run([BINARY, "--port", str(port), *args], capture_output=True, text=True,
                          timeout=30)
    return done.returncode, done.stdout, done.stderr


def test_browse_lists_devices_and_nodes(port):
    code, out, _ = explore(port, "browse")
    assert code == 0
    assert out.splitlines()[:6] == ["DEMOMeas", "  GAPC1", "  LLN0", "  LPHD1", "  MMXU1", "DEMOProt"]


def test_browse_device_lists_attributes_with_fc(port):
    code, out, _ = explore(port, "browse", "DEMOMeas")
    assert code == 0
    assert "  DEMOMeas/MMXU1.TotW.mag.f [MX]" in out.splitlines()


def test_read_and_write(port):
    assert explore(port, "read", "DEMOMeas/MMXU1.TotW.mag.f", "MX")[:2] == (0, "1500.250000\n")
    code, out, _ = explore(port, "write", "DEMOProt/LLN0.NamPlt.d", "DC", "written by the test")
    assert (code, out) == (0, "written by the test\n")
    code, _, err = explore(port, "read", "DEMOProt/LLN0.Nope", "ST")
    assert code == 1 and "data access error 10" in err


def test_watch_prints_the_general_interrogation(port):
    code, out, _ = explore(port, "watch", "DEMOProt/LLN0.RP.EventsRCB01", "--seconds", "1")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "watching DEMOProt/LLN0.RP.EventsRCB01"
    assert lines[1].startswith("report Events seq ")
    assert lines[2] == "  DEMOProt/GGIO1.Ind1.stVal[ST] = false (GI)"
