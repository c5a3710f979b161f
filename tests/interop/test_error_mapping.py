"""How each MMS DataAccessError code of a read or write result maps to an IedClientError.

A proxy between the client and the reference server rewrites the DataAccessError code of
every failed read or write response to each value 0..13, so every code is exercised
against both libraries. The tables were observed on the reference: writes map fewer
codes than reads, and an out-of-range code in a write result is a malformed message.
"""
import ctypes

from differential import Client, connect_verified
from proxy import RewritingProxy

WRITE_RESULTS = [99, 99, 26, 21, 27, 99, 99, 25, 99, 24, 22, 32, 99, 34]
READ_RESULTS = [33, 29, 26, 21, 27, 28, 30, 25, 31, 24, 22, 32, 99, 99]
# write failure: a5 03 80 01 <code>; read failure: a1 03 80 01 <code>
PATTERNS = (b"\xa5\x03\x80\x01", b"\xa1\x03\x80\x01")


def rewrite_failure_codes(proxy):
    """A rewrite that replaces every failure code the server sends with `proxy.code`."""

    def rewrite(data):
        data = bytearray(data)
        for pattern in PATTERNS:
            i = data.find(pattern)
            if i >= 0:
                data[i + 4] = proxy.code
        return bytes(data)

    return rewrite


def test_data_access_error_tables(lib, server):
    proxy = RewritingProxy(server.port)
    proxy.code = 0
    proxy.rewrite = rewrite_failure_codes(proxy)
    client = Client(lib)
    try:
        assert connect_verified(client, proxy.port) == 0
        writes, reads = [], []
        for code in range(14):
            proxy.code = code
            _, err = client.call("writeInt32Value", b"DEMOMeas/MMXU1.Nope", 1, ctypes.c_int32(5))
            writes.append(err)
            _, err = client.call("readInt32Value", b"DEMOMeas/MMXU1.Nope", 1)
            reads.append(err)
        assert writes == WRITE_RESULTS
        assert reads == READ_RESULTS
    finally:
        client.destroy()
        proxy.close()
