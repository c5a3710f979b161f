#!/usr/bin/env python3
"""Writes the seed corpora (fuzz/seeds/<target>/) from the byte vectors of the unit tests.

Every hex string (`hex("a8 26 80 03 ...")`) and every bracketed list of integer literals (at least two, all 0..=255: `&[0xA1, 0x03, ...]`,
`vec![3, 0, 0, 7]`, `[u8; N] = [...]`) in a source file becomes one seed of the targets
that file feeds. Seeds are named by content hash, so re-running is idempotent; run it
after adding unit-test vectors: `python3 fuzz/extract_seeds.py`.
"""
import hashlib
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parent.parent
SEEDS = ROOT / "fuzz" / "seeds"

# Source file -> targets its vectors are inputs of. The client protocol's odd-mode input
# is `[len, mms...]`, so MMS PDUs are also written in that framing for it.
SOURCES = {
    "src/osi/tpkt.rs": ["tpkt"],
    "src/osi/cotp.rs": ["cotp"],
    "src/osi/session.rs": ["session"],
    "src/osi/presentation.rs": ["presentation"],
    "src/osi/acse.rs": ["acse"],
    "src/osi/stack.rs": ["tpkt", "client_protocol_raw"],
    "src/mms/pdu.rs": ["mms_pdu", "client_protocol_mms"],
    "src/mms/initiate.rs": ["mms_pdu", "client_protocol_mms"],
    "src/mms/read.rs": ["mms_pdu", "client_protocol_mms"],
    "src/mms/write.rs": ["mms_pdu", "client_protocol_mms"],
    "src/mms/get_name_list.rs": ["mms_pdu", "client_protocol_mms"],
    "src/mms/identify.rs": ["mms_pdu", "client_protocol_mms"],
    "src/mms/named_variable_list.rs": ["mms_pdu", "client_protocol_mms"],
    "src/mms/information_report.rs": ["mms_pdu", "client_protocol_mms"],
    "src/mms/data.rs": ["mms_data", "value_roundtrip"],
    "src/mms/type_spec.rs": ["type_spec", "mms_pdu", "client_protocol_mms"],
    "src/mms/variable_access_attributes.rs": ["type_spec", "mms_pdu", "client_protocol_mms"],
    "src/mms/testing.rs": ["type_spec", "mms_pdu", "client_protocol_mms"],
    "src/client/protocol.rs": ["client_protocol_raw", "mms_pdu"],
}

LIST = re.compile(r"\[((?:\s*(?:0x[0-9A-Fa-f_]+|\d[\d_]*)(?:u8)?\s*,)+\s*(?:0x[0-9A-Fa-f_]+|\d[\d_]*)?(?:u8)?\s*,?\s*)\]")


# Hex strings as the `hex("a0 03 ...")` helpers of the MMS tests take them.
HEX_STRING = re.compile(r'"([0-9A-Fa-f\s]{4,})"')


def vectors(text):
    for m in HEX_STRING.finditer(text):
        digits = "".join(m.group(1).split())
        if len(digits) >= 4 and len(digits) % 2 == 0:
            yield bytes.fromhex(digits)
    for m in LIST.finditer(text):
        items = [s.strip().removesuffix("u8").replace("_", "") for s in m.group(1).split(",")]
        values = [int(s, 0) for s in items if s]
        if len(values) >= 2 and all(0 <= v <= 255 for v in values):
            yield bytes(values)


def seed_inputs(target, vec):
    """The seed file contents (and the target folder) for one vector."""
    if target == "client_protocol_mms":
        # Odd mode byte: the vector is one MMS PDU carried by a valid ISO stack.
        if len(vec) <= 255:
            yield "client_protocol", bytes([1, len(vec)]) + vec
    elif target == "client_protocol_raw":
        # Even mode byte: raw socket bytes, fed in one chunk (mode 0xFE: 128-byte chunks).
        yield "client_protocol", bytes([0xFE]) + vec
    elif target == "tpkt":
        yield "tpkt", bytes([0xFF]) + vec
    else:
        yield target, vec


def main():
    written = {}
    for source, targets in SOURCES.items():
        text = (ROOT / source).read_text()
        for vec in vectors(text):
            for target in targets:
                for folder, data in seed_inputs(target, vec):
                    d = SEEDS / folder
                    d.mkdir(parents=True, exist_ok=True)
                    name = hashlib.sha1(data).hexdigest()[:16]
                    (d / name).write_bytes(data)
                    written[folder] = written.get(folder, 0) + 1
    for folder in sorted(written):
        print(f"{folder}: {len(list((SEEDS / folder).iterdir()))} seeds")


if __name__ == "__main__":
    main()
