"""Setting group control block access (SGCB, FC SP, through readObject / writeObject) on
both libraries against a reference server serving tests/fixtures/directory.cfg (3 setting
groups). Observed on the reference: without a server-side handler, writes of ActSG and
EditSG are ACCESS_DENIED (21), a group number beyond NumOfSG OBJECT_VALUE_INVALID (32),
and rewriting the active group is accepted.
"""
import pytest

import differential
import harness

OK, ACCESS_DENIED, VALUE_INVALID = 0, 21, 32
FC_SP = 2
SGCB = b"DIRDev/LLN0.SGCB"


@pytest.fixture(scope="module")
def sg_server():
    with harness.reference_server_ctl(harness.DIRECTORY_MODEL) as srv:
        yield srv


def unsigned(lib, n):
    v = lib.MmsValue_newUnsigned(8)
    lib.MmsValue_setUint32(v, n)
    return v


def test_sgcb(lib, sg_server):
    client = differential.Client(lib)
    try:
        assert differential.connect_verified(client, sg_server.port, probe=(b"DIRDev/LLN0.Mod.stVal", 0)) == OK
        assert client.read_printed(SGCB, FC_SP)[1:] == ("{3,1,0,false,19700101000000.000Z,0}", OK)
        assert client.read_printed(SGCB + b".ActSG", FC_SP)[1:] == ("1", OK)
        assert client.read_printed(SGCB + b".NumOfSG", FC_SP)[1:] == ("3", OK)
        assert client.write_value(SGCB + b".ActSG", FC_SP, unsigned(lib, 2)) == ACCESS_DENIED
        assert client.write_value(SGCB + b".EditSG", FC_SP, unsigned(lib, 2)) == ACCESS_DENIED
        assert client.write_value(SGCB + b".ActSG", FC_SP, unsigned(lib, 9)) == VALUE_INVALID
        assert client.write_value(SGCB + b".ActSG", FC_SP, unsigned(lib, 1)) == OK
        assert client.read_printed(SGCB + b".ActSG", FC_SP)[1:] == ("1", OK)
    finally:
        client.destroy()
