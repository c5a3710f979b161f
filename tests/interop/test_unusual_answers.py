"""Answers a libiec61850 server never sends but third-party servers do: a read response
holding a value that cannot be decoded, a Reject PDU, a report whose data set values
include access errors. A proxy in front of the reference server rewrites its answers (or
answers itself, as a fake server), and both libraries must behave as the reference does."""

import pytest

import test_reports as tr
from differential import Client, connect_verified
from proxy import RewritingProxy, data_tpkt, invoke_id, mms_pdu, tlv

FC_ST = 0
IND1 = b"DEMOProt/GGIO1.Ind1.stVal"
PROBE = b"DEMOMeas/GAPC1.IntIn.stVal"
IED_ERROR_OK, IED_ERROR_UNKNOWN, IED_ERROR_MALFORMED_MESSAGE = 0, 99, 34
IED_STATE_CONNECTED = 2
BOOLEAN_READ = b"\xa1\x03\x83\x01"  # listOfAccessResult holding one boolean


class Switch:
    """A rewrite of boolean read results to `value` (3 octets) while `on`."""

    def __init__(self, value):
        self.value, self.on = value, False

    def __call__(self, tpkt):
        i = tpkt.find(BOOLEAN_READ)
        if self.on and i >= 0:
            tpkt = tpkt[:i + 2] + self.value + tpkt[i + 5:]
        return tpkt


@pytest.mark.parametrize("value", [
    b"\x87\x01\x00",  # floating-point of one octet
    b"\x83\x00\x00",  # boolean without content (then a stray octet)
    b"\x88\x01\x00",  # Data tag [8], not defined
    b"\xa2\x01\x00",  # a structure whose content is truncated
])
def test_undecodable_value_fails_only_that_request(lib, server, value):
    rewrite = Switch(value)
    with RewritingProxy(server.port, rewrite) as proxy:
        c = Client(lib)
        try:
            assert connect_verified(c, proxy.port) == IED_ERROR_OK
            rewrite.on = True
            assert c.call("readBooleanValue", IND1, FC_ST)[1] == IED_ERROR_MALFORMED_MESSAGE
            value, err = c.call("readObject", IND1, FC_ST)
            assert (value, err) == (None, IED_ERROR_MALFORMED_MESSAGE)
            rewrite.on = False
            # The connection goes on.
            assert c.state() == IED_STATE_CONNECTED
            assert c.call("readInt32Value", PROBE, FC_ST)[1] == IED_ERROR_OK
            assert c.call("readBooleanValue", IND1, FC_ST)[1] == IED_ERROR_OK
        finally:
            c.destroy()


@pytest.mark.parametrize("reason", [(1, 0), (1, 1), (2, 1), (5, 0), (5, 1), (6, 3)])
def test_reject_fails_the_request_with_unknown(lib, server, reason):
    """A RejectPDU (rejectReason alternative and code) answering a read."""
    kind, code = reason

    def answer(tpkt):
        if b"GGIO1$ST$Ind1$stVal" not in tpkt:
            return None
        iid = invoke_id(mms_pdu(tpkt))
        reject = tlv(0xA4, tlv(0x80, bytes([iid])) + tlv(0x80 + kind, bytes([code])))
        return data_tpkt(reject)

    with RewritingProxy(server.port, answer=answer) as proxy:
        c = Client(lib)
        try:
            assert connect_verified(c, proxy.port) == IED_ERROR_OK
            assert c.call("readBooleanValue", IND1, FC_ST)[1] == IED_ERROR_UNKNOWN
            assert c.state() == IED_STATE_CONNECTED
            assert c.call("readInt32Value", PROBE, FC_ST)[1] == IED_ERROR_OK
        finally:
            c.destroy()


def second_member_access_error(tpkt):
    """Replaces the second member value of every report (`83 01 xx`, after the header,
    whose fields hold no boolean for this URCB) with `80 01 0a` (object-non-existent)."""
    pdu = mms_pdu(tpkt)
    if not pdu or pdu[0] != 0xA3:
        return tpkt
    first = tpkt.find(b"\x83\x01")
    second = tpkt.find(b"\x83\x01", first + 3)
    return tpkt[:second] + b"\x80\x01\x0a" + tpkt[second + 3:]


def test_report_with_access_errors_is_delivered(lib, server):
    with RewritingProxy(server.port, second_member_access_error) as proxy:
        c = tr._client(lib, proxy.port)
        rec = tr.Recorder(lib)
        try:
            lib.IedConnection_installReportHandler(c.handle, tr.URCB, b"Events", rec.cb, None)
            assert tr._enable(c, tr.URCB)[1] == IED_ERROR_OK
            reports = rec.wait(1)
            assert len(reports) == 1
            assert reports[0]["values"] == ["false", "error 10", "false", "false"]
            assert reports[0]["reasons"] == [0, 16, 16, 16, 16, 0]
            lib.IedConnection_uninstallReportHandler(c.handle, tr.URCB)
        finally:
            c.destroy()


def test_access_error_value_type(lib, server):
    """The member arrives as an MMS_DATA_ACCESS_ERROR value with its code."""
    seen = []

    def on_report(rep):
        values = lib.ClientReport_getDataSetValues(rep)
        member = lib.MmsValue_getElement(values, 1)
        seen.append((lib.MmsValue_getType(member), lib.MmsValue_getDataAccessError(member)))

    with RewritingProxy(server.port, second_member_access_error) as proxy:
        c = tr._client(lib, proxy.port)
        rec = tr.Recorder(lib, on_report)
        try:
            lib.IedConnection_installReportHandler(c.handle, tr.URCB, b"Events", rec.cb, None)
            assert tr._enable(c, tr.URCB)[1] == IED_ERROR_OK
            rec.wait(1)
            assert seen == [(15, 10)]
            lib.IedConnection_uninstallReportHandler(c.handle, tr.URCB)
        finally:
            c.destroy()


