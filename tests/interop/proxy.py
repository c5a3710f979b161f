"""A TCP proxy between a client under test and a server, for the interop tests: it can
rewrite what the server sends (same-length substitutions keep every length field valid)
and answer chosen requests itself, as a fake server would."""
import socket
import threading

# Presentation user data around an MMS PDU: presentation-context-identifier 3 (MMS),
# single-ASN1-type [0].
MMS_CONTEXT = bytes([0x02, 0x01, 0x03, 0xA0])


def ber_length(n):
    """A BER length octet string."""
    if n < 0x80:
        return bytes([n])
    octets = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(octets)]) + octets


def tlv(tag, value):
    """One BER TLV (`tag` is the identifier octet)."""
    return bytes([tag]) + ber_length(len(value)) + value


def read_length(data, at):
    """(length, offset of the value) of the BER length at `at`."""
    first = data[at]
    if first < 0x80:
        return first, at + 1
    n = first & 0x7F
    return int.from_bytes(data[at + 1:at + 1 + n], "big"), at + 1 + n


def mms_pdu(tpkt):
    """The MMS PDU inside a data TPKT (None when it carries none)."""
    at = tpkt.find(MMS_CONTEXT)
    if at < 0:
        return None
    length, start = read_length(tpkt, at + len(MMS_CONTEXT))
    return tpkt[start:start + length]


def invoke_id(pdu):
    """The invokeID of a confirmed request or response PDU."""
    _, at = read_length(pdu, 1)
    assert pdu[at] == 0x02, "invokeID expected"
    length, start = read_length(pdu, at + 1)
    return int.from_bytes(pdu[start:start + length], "big")


def split_tpkts(buffer):
    """Removes the complete TPKTs at the start of `buffer` (a bytearray) and returns them."""
    out = []
    while len(buffer) >= 4:
        length = int.from_bytes(buffer[2:4], "big")
        if length < 4 or len(buffer) < length:
            break
        out.append(bytes(buffer[:length]))
        del buffer[:length]
    return out


def data_tpkt(pdu):
    """A TPKT carrying `pdu` after association, framed as the reference server frames it:
    COTP DT, session give-tokens + data-transfer, presentation fully-encoded user data."""
    pdv = tlv(0x30, MMS_CONTEXT[:3] + tlv(0xA0, pdu))
    payload = bytes([0x02, 0xF0, 0x80, 0x01, 0x00, 0x01, 0x00]) + tlv(0x61, pdv)
    return bytes([0x03, 0x00]) + (len(payload) + 4).to_bytes(2, "big") + payload


class RewritingProxy:
    """Forwards each connection to `target_port`, one TPKT at a time; `rewrite(tpkt) ->
    tpkt` (if set) is applied to every TPKT the server sends before the client sees it;
    `answer(tpkt)` (if set) sees every TPKT the client sends and returns None to forward
    it or the bytes to send back instead (the server never sees that request)."""

    def __init__(self, target_port, rewrite=None, answer=None):
        self.rewrite = rewrite
        self.answer = answer
        self.target_port = target_port
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen()
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self.target_port))
            threading.Thread(target=self._pipe, args=(client, server, False), daemon=True).start()
            threading.Thread(target=self._pipe, args=(server, client, True), daemon=True).start()

    def _pipe(self, src, dst, from_server):
        pending = bytearray()
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                pending += data
                # Whole TPKTs only, one at a time, so that rewrite and answer see one PDU each.
                for tpkt in split_tpkts(pending):
                    if from_server and self.rewrite is not None:
                        tpkt = self.rewrite(tpkt)
                    if not from_server and self.answer is not None:
                        reply = self.answer(tpkt)
                        if reply is not None:
                            src.sendall(reply)
                            continue
                    dst.sendall(tpkt)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self):
        self.listener.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
