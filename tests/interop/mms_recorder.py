"""A TCP proxy that records the MMS requests a client sends to a server.

`RecordingProxy(port)` forwards every connection to the server at `port` unchanged and
decodes the client's TPKT / COTP DT / session / presentation frames down to the MMS PDU.
`requests` lists each request as `Service(parameters)` with the invoke ID left out, the
parameters as a BER tree: `[n]` context tags, `'text'` printable strings, hex otherwise.
"""
from proxy import RewritingProxy

# Context tags of the MMS ConfirmedServiceRequest CHOICE (ISO 9506-2) that clients send.
SERVICES = {
    1: "GetNameList", 4: "Read", 5: "Write", 6: "GetVariableAccessAttributes",
    11: "DefineNamedVariableList", 12: "GetNamedVariableListAttributes",
    13: "DeleteNamedVariableList", 65: "ReadJournal", 72: "FileOpen", 73: "FileRead",
    74: "FileClose", 77: "FileDirectory",
}
# Session SPDUs of a data transfer: Give Tokens (empty) then Data Transfer (empty).
SESSION_DT = b"\x01\x00\x01\x00"


def ber_items(data):
    """The (tag class+constructed bits, tag number, content) of each BER element in `data`."""
    items, i = [], 0
    while i < len(data):
        first = data[i]
        number, i = first & 0x1F, i + 1
        if number == 0x1F:
            number = 0
            while True:
                number, i = (number << 7) | (data[i] & 0x7F), i + 1
                if not data[i - 1] & 0x80:
                    break
        length, i = data[i], i + 1
        if length & 0x80:
            count = length & 0x7F
            length, i = int.from_bytes(data[i:i + count], "big"), i + count
        items.append((first & 0xE0, number, data[i:i + length]))
        i += length
    return items


def render(data):
    """A BER element list as text: constructed ones as `[n](...)`, primitives by content."""
    out = []
    for bits, number, content in ber_items(data):
        tag = f"[{number}]" if bits & 0x80 else f"u{number}"
        if bits & 0x20:
            out.append(f"{tag}({render(content)})")
        elif content and all(32 <= b < 127 for b in content):
            out.append(f"{tag}'{content.decode()}'")
        else:
            out.append(f"{tag}:{content.hex()}")
    return " ".join(out)


def mms_request(pdu):
    """`Service(parameters)` of a confirmed request, the rendered PDU of anything else."""
    (bits, number, content), = ber_items(pdu)
    if (bits, number) != (0xA0, 0):  # not a confirmed-RequestPDU
        return render(pdu)
    (_, _, _invoke_id), (_, service, params) = ber_items(content)
    return f"{SERVICES.get(service, service)}({render(params)})"


def mms_pdu(tpdu):
    """The MMS PDU carried by one TPKT payload, or None (connection setup, release)."""
    if len(tpdu) < 3 or tpdu[1] != 0xF0 or not tpdu[3:].startswith(SESSION_DT):
        return None
    (_, _, user_data), = ber_items(tpdu[3 + len(SESSION_DT):])  # presentation User-data
    (_, _, pdv_list), = ber_items(user_data)  # fully-encoded-data: one PDV-list
    return ber_items(pdv_list)[-1][2]  # after the presentation-context-id


class RecordingProxy(RewritingProxy):
    """Forwards connections to `target_port`, recording the client's MMS requests."""

    def __init__(self, target_port):
        self.requests = []
        # The proxy shows each client TPKT before forwarding it: a request is listed
        # before its answer.
        super().__init__(target_port, answer=self._record)

    def take(self):
        """The requests recorded since the last call."""
        taken, self.requests = self.requests, []
        return taken

    def _record(self, tpkt):
        pdu = mms_pdu(tpkt[4:])
        if pdu is not None:
            self.requests.append(mms_request(pdu))
        return None
