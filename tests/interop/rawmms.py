"""Raw MMS association bytes for hostile-client tests, built from the standards (no client
library): TPKT (RFC 1006), COTP class 0 (ISO 8073), session (ISO 8327), presentation
(ISO 8823), ACSE (ISO 8650) and MMS (ISO 9506-2), with the knobs the tests turn (TPDU size,
initiate parameters), and a classifier for what a server answers.

    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(cotp_cr()); recv_tpkt(s)                  # COTP CC
    s.sendall(association_request()); recv_tpkt(s)      # session AC (AARE + initiate)
    s.sendall(data_tpkt(read_request(1, DOMAIN, ITEM)))  # an MMS Read
"""

import socket
import time

from proxy import data_tpkt, tlv  # noqa: F401  (data_tpkt: re-exported for the tests)

# COTP TPDU codes (ISO 8073 13.x) and the TPDU-size parameter.
COTP_CR, COTP_CC, COTP_DR, COTP_DT, COTP_ER = 0xE0, 0xD0, 0x80, 0xF0, 0x70
TPDU_SIZE_PARAM = 0xC0
# Session SPDU identifiers (ISO 8327-1 8.3).
SPDU_CONNECT, SPDU_ACCEPT, SPDU_REFUSE, SPDU_FINISH = 0x0D, 0x0E, 0x0C, 0x09
SPDU_DISCONNECT, SPDU_ABORT, SPDU_GIVE_TOKENS = 0x0A, 0x19, 0x01
# Object identifiers (BER contents).
OID_ACSE = bytes([0x52, 0x01, 0x00, 0x01])          # 2.2.1.0.1 acse-as-id
OID_BER = bytes([0x51, 0x01])                       # 2.1.1 basic encoding
OID_MMS_AS = bytes([0x28, 0xCA, 0x22, 0x02, 0x01])  # 1.0.9506.2.1 mms abstract syntax
OID_MMS_AC = bytes([0x28, 0xCA, 0x22, 0x02, 0x03])  # 1.0.9506.2.3 mms application context
ACSE_CONTEXT, MMS_CONTEXT_ID = 1, 3
# The MMS PDU CHOICE tags (ISO 9506-2 7.1), first identifier octet.
MMS_PDU_NAMES = {
    0xA0: "confirmed-request", 0xA1: "confirmed-response", 0xA2: "confirmed-error",
    0xA3: "unconfirmed", 0xA4: "reject", 0xA5: "cancel-request", 0xA6: "cancel-response",
    0xA7: "cancel-error", 0xA8: "initiate-request", 0xA9: "initiate-response",
    0xAA: "initiate-error", 0x8B: "conclude-request", 0x8C: "conclude-response",
    0xAC: "conclude-error",
}
# ServiceSupportOptions and ParameterSupportOptions a small IEC 61850 client announces
# (bit strings with their unused-bits octet): read, write, getNameList, identify,
# getVariableAccessAttributes, named variable lists, files, information report ...
SERVICES_SUPPORTED = bytes.fromhex("03ee1c00000408000079ef18")
PARAMETER_CBB = bytes.fromhex("05f100")


def ber_int(value):
    """The contents octets of a BER INTEGER (two's complement, minimal)."""
    length = max(1, (value.bit_length() + 8) // 8)
    return value.to_bytes(length, "big", signed=True)


def tpkt(payload):
    """A TPKT (version 3) around `payload`."""
    return bytes([0x03, 0x00]) + (len(payload) + 4).to_bytes(2, "big") + payload


def cotp_cr(tpdu_size=0x0A, size_param=None):
    """A TPKT with a COTP connection request (class 0, TSAPs 0001): `tpdu_size` is the
    TPDU-size code (2^code octets; 0x0A = 1024), `size_param` replaces the whole
    TPDU-size parameter value when given (any bytes)."""
    size = bytes([tpdu_size]) if size_param is None else size_param
    params = (bytes([0xC1, 0x02, 0x00, 0x01, 0xC2, 0x02, 0x00, 0x01, TPDU_SIZE_PARAM, len(size)])
              + size)
    fixed = bytes([COTP_CR, 0x00, 0x00, 0x00, 0x01, 0x00])
    body = fixed + params
    return tpkt(bytes([len(body)]) + body)


def cotp_dt(user_data):
    """A TPKT with a COTP data TPDU (last data unit) carrying `user_data`."""
    return tpkt(bytes([0x02, COTP_DT, 0x80]) + user_data)


def _spdu_length(n):
    return bytes([n]) if n < 255 else bytes([0xFF]) + n.to_bytes(2, "big")


def spdu(si, parameters):
    """A session SPDU: identifier, length (1 or 3 octets), parameters."""
    return bytes([si]) + _spdu_length(len(parameters)) + parameters


def session_param(pi, value):
    """One session parameter (PI, LI, value)."""
    return bytes([pi]) + _spdu_length(len(value)) + value


def initiate_request(pdu_size=65000, calling=5, called=5, nesting=10):
    """An MMS initiate-RequestPDU proposing these parameters."""
    detail = (tlv(0x80, ber_int(1)) + tlv(0x81, PARAMETER_CBB)
              + tlv(0x82, SERVICES_SUPPORTED))
    return tlv(0xA8, tlv(0x80, ber_int(pdu_size)) + tlv(0x81, ber_int(calling))
               + tlv(0x82, ber_int(called)) + tlv(0x83, ber_int(nesting))
               + tlv(0xA4, detail))


def aarq(user_information):
    """An ACSE AARQ for the MMS application context carrying `user_information` (the MMS
    PDU) as an EXTERNAL with indirect reference = the MMS presentation context."""
    external = tlv(0x28, tlv(0x02, ber_int(MMS_CONTEXT_ID)) + tlv(0xA0, user_information))
    return tlv(0x60, tlv(0xA1, tlv(0x06, OID_MMS_AC)) + tlv(0xBE, external))


def cp_type(user_data):
    """A presentation CP-type (normal mode, selectors 1, contexts ACSE=1 and MMS=3) whose
    fully-encoded user data carries `user_data` in the ACSE context."""
    contexts = (tlv(0x30, tlv(0x02, ber_int(ACSE_CONTEXT)) + tlv(0x06, OID_ACSE)
                    + tlv(0x30, tlv(0x06, OID_BER)))
                + tlv(0x30, tlv(0x02, ber_int(MMS_CONTEXT_ID)) + tlv(0x06, OID_MMS_AS)
                      + tlv(0x30, tlv(0x06, OID_BER))))
    pdv = tlv(0x30, tlv(0x02, ber_int(ACSE_CONTEXT)) + tlv(0xA0, user_data))
    normal = (tlv(0x81, bytes([0, 0, 0, 1])) + tlv(0x82, bytes([0, 0, 0, 1]))
              + tlv(0xA4, contexts) + tlv(0x61, pdv))
    return tlv(0x31, tlv(0xA0, tlv(0x80, bytes([1]))) + tlv(0xA2, normal))


def session_connect(user_data):
    """A session CONNECT SPDU (version 2, duplex, selectors 0001) with `user_data`."""
    accept_item = session_param(0x13, bytes([0])) + session_param(0x16, bytes([2]))
    params = (session_param(0x05, accept_item) + session_param(0x14, bytes([0, 2]))
              + session_param(0x33, bytes([0, 1])) + session_param(0x34, bytes([0, 1]))
              + session_param(0xC1, user_data))
    return spdu(SPDU_CONNECT, params)


def association_request(mms=None):
    """The COTP DT TPKT with session CONNECT + presentation CP + AARQ + MMS initiate
    (`mms`, default a plain initiate-RequestPDU)."""
    return cotp_dt(session_connect(cp_type(aarq(initiate_request() if mms is None else mms))))


def object_name(domain, item):
    """An MMS ObjectName, domain-specific."""
    return tlv(0xA1, tlv(0x1A, domain) + tlv(0x1A, item))


def variable_list(domain, item):
    """A VariableAccessSpecification listOfVariable with one named variable."""
    return tlv(0xA0, tlv(0x30, tlv(0xA0, object_name(domain, item))))


def confirmed_request(invoke_id, service):
    """A confirmed-RequestPDU with `service` (its encoded ConfirmedServiceRequest)."""
    return tlv(0xA0, tlv(0x02, ber_int(invoke_id)) + service)


def read_request(invoke_id, domain, item):
    """A confirmed Read of one domain-specific variable."""
    return confirmed_request(invoke_id, tlv(0xA4, tlv(0xA1, variable_list(domain, item))))


def write_request(invoke_id, domain, item, data):
    """A confirmed Write of `data` (one encoded MMS Data) to one variable."""
    return confirmed_request(invoke_id,
                             tlv(0xA5, variable_list(domain, item) + tlv(0xA0, data)))


class Closed(Exception):
    """The peer closed (FIN) or reset the connection."""


def recv_exact(sock, n, deadline):
    """`n` bytes from `sock` before `deadline` (monotonic); Closed at EOF or reset,
    socket.timeout when the deadline passes."""
    out = bytearray()
    while len(out) < n:
        left = deadline - time.monotonic()
        if left <= 0:
            raise socket.timeout("deadline")
        sock.settimeout(left)
        try:
            chunk = sock.recv(n - len(out))
        except ConnectionResetError as e:
            raise Closed("reset") from e
        if not chunk:
            raise Closed("eof")
        out += chunk
    return bytes(out)


def recv_tpkt(sock, timeout=5.0):
    """One whole TPKT; Closed or socket.timeout."""
    deadline = time.monotonic() + timeout
    header = recv_exact(sock, 4, deadline)
    length = int.from_bytes(header[2:4], "big")
    return header + recv_exact(sock, max(0, length - 4), deadline)


def _find_mms(data):
    """The first octet of the MMS PDU inside presentation user data, or None."""
    # Fully-encoded-data [APPLICATION 1] -> PDV-list -> presentation-context-identifier 3
    # -> single-ASN1-type [0] -> the MMS PDU.
    at = data.find(bytes([0x02, 0x01, MMS_CONTEXT_ID, 0xA0]))
    if at < 0:
        return None
    at += 4
    first = data[at]
    at += 1 + ((first & 0x7F) if first & 0x80 else 0)
    return data[at] if at < len(data) else None


def classify(tpkt_bytes):
    """A short name of what one server TPKT is: `cotp-cc`, `cotp-dr`, `cotp-er`,
    `session-accept`, `session-refuse`, `session-abort`, `session-disconnect`,
    `mms-<pdu>` (e.g. `mms-reject`, `mms-confirmed-error`) or `other:<hex>`."""
    payload = tpkt_bytes[4:]
    if len(payload) < 2:
        return f"other:{tpkt_bytes.hex()}"
    code = payload[1] & 0xF0
    if code in (COTP_CC, COTP_DR, COTP_ER):
        return {COTP_CC: "cotp-cc", COTP_DR: "cotp-dr", COTP_ER: "cotp-er"}[code]
    if code != COTP_DT or len(payload) < 4:
        return f"other:{tpkt_bytes.hex()}"
    session = payload[3:]
    si = session[0]
    names = {SPDU_ACCEPT: "session-accept", SPDU_REFUSE: "session-refuse",
             SPDU_ABORT: "session-abort", SPDU_DISCONNECT: "session-disconnect",
             SPDU_FINISH: "session-finish"}
    if si in names:
        if si == SPDU_ACCEPT:
            mms = _find_mms(session)
            if mms is not None and mms != 0xA9:
                return "session-accept+" + MMS_PDU_NAMES.get(mms, hex(mms))
        return names[si]
    if si == SPDU_GIVE_TOKENS:
        mms = _find_mms(session)
        if mms is not None:
            return "mms-" + MMS_PDU_NAMES.get(mms, hex(mms))
    return f"other:{tpkt_bytes.hex()}"


def answer(sock, timeout=5.0):
    """What the server does next within `timeout`: the classified TPKT, `closed` (FIN or
    reset) or `silent`."""
    try:
        return classify(recv_tpkt(sock, timeout))
    except Closed:
        return "closed"
    except socket.timeout:
        return "silent"


def closes(sock, timeout=5.0):
    """Reads (and drops) everything until the server closes; True when it closed within
    `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        sock.settimeout(left)
        try:
            if not sock.recv(65536):
                return True
        except ConnectionResetError:
            return True
        except socket.timeout:
            return False


def associate(port, mms=None, timeout=5.0):
    """A connected socket with a completed association (COTP CC and session ACCEPT seen);
    AssertionError with what came back otherwise."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        sock.sendall(cotp_cr())
        got = answer(sock, timeout)
        assert got == "cotp-cc", f"COTP CR answered with {got}"
        sock.sendall(association_request(mms))
        got = answer(sock, timeout)
        assert got == "session-accept", f"association answered with {got}"
    except BaseException:
        sock.close()
        raise
    return sock
