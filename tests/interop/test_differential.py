"""Side-by-side runs: the same calls on our library and on the reference must agree."""

import pytest

import harness
from conftest import load_lib
from differential import (
    ERR, FC_MX, FC_SP, FC_ST, Client, Differential, IED_ERROR_OK, Pair, connect_verified)


@pytest.fixture
def diff():
    return Differential(load_lib("ours"), load_lib("reference"))


@pytest.fixture
def conns(diff):
    handles = diff.call("IedConnection_create")
    assert handles.ours and handles.reference
    yield handles
    for lib, h in ((diff.ours, handles.ours), (diff.reference, handles.reference)):
        lib.IedConnection_close(h)
        lib.IedConnection_destroy(h)


def test_fresh_connection(diff, conns):
    assert diff.call("IedConnection_getState", conns) == Pair(0, 0)
    r = diff.call("IedConnection_getRequestTimeout", conns)
    assert r.ours == r.reference


@pytest.mark.parametrize("name,args", [
    ("IedConnection_readInt32Value", (b"DEMOMeas/GAPC1.IntIn.stVal", FC_ST)),
    ("IedConnection_readBooleanValue", (b"DEMOProt/GGIO1.Ind1.stVal", FC_ST)),
    ("IedConnection_readFloatValue", (b"DEMOMeas/MMXU1.TotW.mag.f", FC_MX)),
    ("IedConnection_writeInt32Value", (b"DEMOMeas/GAPC1.SetI32.setVal", FC_SP, 3)),
    ("IedConnection_readObject", (b"DEMOMeas/GAPC1.IntIn.stVal", FC_ST)),
    ("IedConnection_abort", ()),
    ("IedConnection_release", ()),
])
def test_never_connected(diff, conns, name, args):
    r = diff.call(name, conns, ERR, *args)
    assert r.ours == r.reference


def test_every_attribute_reads_the_same(diff, server):
    ours, ref = Client(diff.ours), Client(diff.reference)
    try:
        assert connect_verified(ours, server.port) == IED_ERROR_OK
        assert connect_verified(ref, server.port) == IED_ERROR_OK
        # Reading SBO selects the control, so the second reader would see "" (not the same).
        refs = [(r, fc) for r, fc, _, _ in harness.model_attributes() if not r.endswith(".SBO")]
        refs += [("DEMOMeas/MMXU1", FC_MX), ("DEMOProt/GGIO1", FC_ST), ("NOLD/X.Y", FC_ST),
                 ("garbage", FC_ST)]
        differ = [(r, fc, ours.read_printed(r, fc), ref.read_printed(r, fc))
                  for r, fc in refs]
        assert [d for d in differ if d[2] != d[3]] == []
    finally:
        ours.destroy()
        ref.destroy()
