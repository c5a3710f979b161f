//! ASN.1 BER (X.690) primitives: a zero-copy TLV reader over `&[u8]` and an in-place writer.
//!
//! Tags are handled as the identifier octets exactly as written, packed big-endian into a
//! `u32` (0x30 = SEQUENCE, 0xA1 = [1] constructed, 0xBF48 = [72] constructed), so protocol
//! code can match on them directly. Only definite lengths are supported: none of the
//! protocols above (ACSE, presentation, MMS) are sent with indefinite lengths in practice.

/// Errors of BER decoding.
#[derive(Debug, thiserror::Error, PartialEq, Eq, Clone)]
pub enum BerError {
    /// The input ends before the TLV does.
    #[error("BER: truncated input")]
    Truncated,
    /// A length or value has a size the type does not allow.
    #[error("BER: invalid length")]
    InvalidLength,
    /// A tag, length or integer is larger than this implementation supports.
    #[error("BER: value too large")]
    TooLarge,
    /// A TLV has another tag than the one required at this position.
    #[error("BER: unexpected tag {found:#x}, expected {expected:#x}")]
    UnexpectedTag {
        /// The required tag.
        expected: u32,
        /// The tag present in the input.
        found: u32,
    },
    /// Structurally invalid input.
    #[error("BER: invalid encoding: {0}")]
    Invalid(&'static str),
}

/// One decoded TLV borrowing its value from the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tlv<'a> {
    /// Identifier octets packed big-endian.
    pub tag: u32,
    /// Whether the constructed bit (bit 6 of the first identifier octet) is set.
    pub constructed: bool,
    /// The content octets.
    pub value: &'a [u8],
}

/// A cursor reading consecutive TLVs from a byte slice.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    /// Starts reading at the beginning of `data`.
    pub fn new(data: &'a [u8]) -> Self {
        Reader { data, pos: 0 }
    }

    /// True when all input has been consumed.
    pub fn is_empty(&self) -> bool {
        self.pos >= self.data.len()
    }

    /// The unread input.
    pub fn remaining(&self) -> &'a [u8] {
        self.data.get(self.pos..).unwrap_or(&[])
    }

    /// Offset of the next unread octet.
    pub fn position(&self) -> usize {
        self.pos
    }

    /// The tag of the next TLV, without consuming it; `None` at the end or on a malformed tag.
    pub fn peek_tag(&self) -> Option<u32> {
        parse_tag(self.remaining()).ok().map(|(tag, _)| tag)
    }

    /// Reads the next TLV (definite length only).
    pub fn read_tlv(&mut self) -> Result<Tlv<'a>, BerError> {
        let input = self.remaining();
        let (tag, tag_len) = parse_tag(input)?;
        let after_tag = input.get(tag_len..).ok_or(BerError::Truncated)?;
        let (len, len_len) = parse_length(after_tag)?;
        let body = after_tag.get(len_len..).ok_or(BerError::Truncated)?;
        let value = body.get(..len).ok_or(BerError::Truncated)?;
        self.pos += tag_len + len_len + len;
        Ok(Tlv {
            tag,
            constructed: first_octet(tag) & 0x20 != 0,
            value,
        })
    }

    /// Reads the next TLV and returns its value if its tag is `tag`.
    pub fn expect(&mut self, tag: u32) -> Result<&'a [u8], BerError> {
        let tlv = self.read_tlv()?;
        if tlv.tag != tag {
            return Err(BerError::UnexpectedTag {
                expected: tag,
                found: tlv.tag,
            });
        }
        Ok(tlv.value)
    }

    /// Reads the next TLV only if its tag is `tag`; otherwise consumes nothing.
    pub fn read_optional(&mut self, tag: u32) -> Result<Option<&'a [u8]>, BerError> {
        if self.is_empty() || self.peek_tag() != Some(tag) {
            return Ok(None);
        }
        self.expect(tag).map(Some)
    }
}

/// The first identifier octet of a packed tag.
fn first_octet(tag: u32) -> u8 {
    let bytes = tag.to_be_bytes();
    let skip = (tag.leading_zeros() / 8).min(3) as usize;
    bytes[skip]
}

/// Parses identifier octets; returns the packed tag and the number of octets used.
fn parse_tag(input: &[u8]) -> Result<(u32, usize), BerError> {
    let first = *input.first().ok_or(BerError::Truncated)?;
    if first & 0x1F != 0x1F {
        return Ok((u32::from(first), 1));
    }
    let mut tag = u32::from(first);
    for i in 1..4 {
        let octet = *input.get(i).ok_or(BerError::Truncated)?;
        tag = (tag << 8) | u32::from(octet);
        if octet & 0x80 == 0 {
            return Ok((tag, i + 1));
        }
    }
    Err(BerError::TooLarge)
}

/// Parses length octets; returns the length and the number of octets used.
fn parse_length(input: &[u8]) -> Result<(usize, usize), BerError> {
    let first = *input.first().ok_or(BerError::Truncated)?;
    if first < 0x80 {
        return Ok((usize::from(first), 1));
    }
    if first == 0x80 {
        return Err(BerError::Invalid("indefinite length"));
    }
    let n = usize::from(first & 0x7F);
    if n > 4 {
        return Err(BerError::TooLarge);
    }
    let octets = input.get(1..=n).ok_or(BerError::Truncated)?;
    let len = octets
        .iter()
        .fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
    let len = usize::try_from(len).map_err(|_| BerError::TooLarge)?;
    Ok((len, n + 1))
}

/// Decodes a two's-complement INTEGER of 1..=8 octets (longer only if the extra leading
/// octets are redundant sign extension).
pub fn decode_i64(value: &[u8]) -> Result<i64, BerError> {
    let first = *value.first().ok_or(BerError::InvalidLength)?;
    let sign_fill = if first & 0x80 != 0 { 0xFF } else { 0x00 };
    let mut v = value;
    while v.len() > 8 {
        match v {
            [a, b, ..] if *a == sign_fill && (b & 0x80) == (sign_fill & 0x80) => v = &v[1..],
            _ => return Err(BerError::TooLarge),
        }
    }
    let init: i64 = if sign_fill == 0xFF { -1 } else { 0 };
    Ok(v.iter().fold(init, |acc, &b| (acc << 8) | i64::from(b)))
}

/// Decodes an unsigned INTEGER: 1..=8 octets read as a big-endian magnitude (as devices
/// send MMS unsigned values), or 9 octets when the first is 0x00 padding.
pub fn decode_u64(value: &[u8]) -> Result<u64, BerError> {
    let v = match value {
        [] => return Err(BerError::InvalidLength),
        [0, rest @ ..] if rest.len() == 8 => rest,
        v if v.len() > 8 => return Err(BerError::TooLarge),
        v => v,
    };
    Ok(v.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b)))
}

/// Decodes an unsigned INTEGER that must fit into 32 bits.
pub fn decode_u32(value: &[u8]) -> Result<u32, BerError> {
    u32::try_from(decode_u64(value)?).map_err(|_| BerError::TooLarge)
}

/// Decodes a BOOLEAN (exactly one octet, non-zero is true).
pub fn decode_bool(value: &[u8]) -> Result<bool, BerError> {
    match value {
        [b] => Ok(*b != 0),
        _ => Err(BerError::InvalidLength),
    }
}

/// Maximum number of arcs accepted by [`decode_oid`]; real OIDs are far shorter.
const MAX_OID_ARCS: usize = 32;

/// Decodes OBJECT IDENTIFIER content octets into arcs.
pub fn decode_oid(value: &[u8]) -> Result<Vec<u32>, BerError> {
    if value.is_empty() {
        return Err(BerError::InvalidLength);
    }
    let mut arcs = Vec::new();
    let mut acc: u32 = 0;
    let mut in_arc = false;
    for &b in value {
        if !in_arc && b == 0x80 {
            return Err(BerError::Invalid("non-minimal OID arc"));
        }
        if acc > (u32::MAX >> 7) {
            return Err(BerError::TooLarge);
        }
        acc = (acc << 7) | u32::from(b & 0x7F);
        in_arc = b & 0x80 != 0;
        if !in_arc {
            if arcs.is_empty() {
                let first = (acc / 40).min(2);
                arcs.push(first);
                arcs.push(acc - first * 40);
            } else {
                arcs.push(acc);
            }
            if arcs.len() > MAX_OID_ARCS {
                return Err(BerError::TooLarge);
            }
            acc = 0;
        }
    }
    if in_arc {
        return Err(BerError::Truncated);
    }
    Ok(arcs)
}

/// Writes identifier octets (a packed tag as returned by the reader).
pub fn write_tag(out: &mut Vec<u8>, tag: u32) {
    let bytes = tag.to_be_bytes();
    let skip = (tag.leading_zeros() / 8).min(3) as usize;
    out.extend_from_slice(&bytes[skip..]);
}

/// Number of octets the definite length `len` takes.
fn length_size(len: usize) -> usize {
    if len < 0x80 {
        1
    } else {
        1 + (usize::BITS - len.leading_zeros()).div_ceil(8) as usize
    }
}

/// Writes a definite length in the shortest form.
pub fn write_length(out: &mut Vec<u8>, len: usize) {
    if len < 0x80 {
        out.push(len as u8);
        return;
    }
    let n = length_size(len) - 1;
    out.push(0x80 | n as u8);
    out.extend_from_slice(&len.to_be_bytes()[std::mem::size_of::<usize>() - n..]);
}

/// Writes a complete TLV.
pub fn write_tlv(out: &mut Vec<u8>, tag: u32, value: &[u8]) {
    write_tag(out, tag);
    write_length(out, value.len());
    out.extend_from_slice(value);
}

/// Writes an INTEGER in minimal two's complement.
pub fn write_i64(out: &mut Vec<u8>, tag: u32, v: i64) {
    let bytes = v.to_be_bytes();
    let mut start = 0;
    // Drop leading octets that only repeat the sign bit of the next one.
    while start < 7 {
        let (a, b) = (bytes[start], bytes[start + 1]);
        if (a == 0x00 && b & 0x80 == 0) || (a == 0xFF && b & 0x80 != 0) {
            start += 1;
        } else {
            break;
        }
    }
    write_tlv(out, tag, &bytes[start..]);
}

/// Writes an unsigned value as a minimal INTEGER (leading 0x00 when the top bit is set).
pub fn write_u64(out: &mut Vec<u8>, tag: u32, v: u64) {
    let bytes = v.to_be_bytes();
    let start = ((v.leading_zeros() / 8) as usize).min(7);
    write_tag(out, tag);
    if bytes[start] & 0x80 != 0 {
        write_length(out, 9 - start);
        out.push(0);
    } else {
        write_length(out, 8 - start);
    }
    out.extend_from_slice(&bytes[start..]);
}

/// Writes a BOOLEAN (0xFF for true).
pub fn write_bool(out: &mut Vec<u8>, tag: u32, v: bool) {
    write_tlv(out, tag, &[if v { 0xFF } else { 0x00 }]);
}

/// Writes an OBJECT IDENTIFIER; `arcs` must have at least two arcs with a valid first pair.
pub fn write_oid(out: &mut Vec<u8>, tag: u32, arcs: &[u32]) {
    write_constructed(out, tag, |out| {
        let mut rest = arcs.iter().copied();
        let first = rest.next().unwrap_or(0);
        let second = rest.next().unwrap_or(0);
        write_base128(out, first.saturating_mul(40).saturating_add(second));
        for arc in rest {
            write_base128(out, arc);
        }
    });
}

/// Writes one OID arc in base-128 with continuation bits.
fn write_base128(out: &mut Vec<u8>, v: u32) {
    let mut shift = 28;
    while shift > 0 && (v >> shift) == 0 {
        shift -= 7;
    }
    while shift > 0 {
        out.push(0x80 | ((v >> shift) & 0x7F) as u8);
        shift -= 7;
    }
    out.push((v & 0x7F) as u8);
}

/// Writes `tag`, then lets `body` append the content directly to `out`, then fixes up the
/// length (one octet reserved; the body is shifted once if the long form is needed).
pub fn write_constructed(out: &mut Vec<u8>, tag: u32, body: impl FnOnce(&mut Vec<u8>)) {
    write_tag(out, tag);
    let len_pos = out.len();
    out.push(0);
    body(out);
    let len = out.len() - len_pos - 1;
    if len < 0x80 {
        out[len_pos] = len as u8;
    } else {
        let mut len_octets = Vec::with_capacity(length_size(len));
        write_length(&mut len_octets, len);
        out.splice(len_pos..=len_pos, len_octets);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_short_and_long_lengths() {
        let data = [0x30, 0x03, 0x02, 0x01, 0x05, 0x04, 0x81, 0x02, 0xAA, 0xBB];
        let mut r = Reader::new(&data);
        assert_eq!(r.peek_tag(), Some(0x30));
        let seq = r.read_tlv().unwrap();
        assert_eq!(seq.tag, 0x30);
        assert!(seq.constructed);
        assert_eq!(seq.value, &[0x02, 0x01, 0x05]);
        assert_eq!(r.position(), 5);
        assert_eq!(r.expect(0x04).unwrap(), &[0xAA, 0xBB]);
        assert!(r.is_empty());
        assert_eq!(r.remaining(), &[] as &[u8]);
        assert_eq!(r.peek_tag(), None);
    }

    #[test]
    fn reads_high_tag_number() {
        let data = [0xBF, 0x48, 0x01, 0x00, 0x9F, 0x81, 0x00, 0x00];
        let mut r = Reader::new(&data);
        let t = r.read_tlv().unwrap();
        assert_eq!((t.tag, t.constructed, t.value), (0xBF48, true, &[0u8][..]));
        let t = r.read_tlv().unwrap();
        assert_eq!((t.tag, t.constructed, t.value), (0x9F8100, false, &[][..]));
    }

    #[test]
    fn expect_reports_wrong_tag() {
        let mut r = Reader::new(&[0x80, 0x00]);
        assert_eq!(
            r.expect(0x81),
            Err(BerError::UnexpectedTag {
                expected: 0x81,
                found: 0x80
            })
        );
        let mut r = Reader::new(&[0x80, 0x00]);
        assert_eq!(r.read_optional(0x81), Ok(None));
        assert_eq!(r.read_optional(0x80), Ok(Some(&[][..])));
        assert_eq!(r.read_optional(0x80), Ok(None));
    }

    #[test]
    fn rejects_hostile_input() {
        let huge = [0x04, 0x84, 0xFF, 0xFF, 0xFF, 0xFF, 0x00];
        assert_eq!(Reader::new(&huge).read_tlv(), Err(BerError::Truncated));
        assert_eq!(
            Reader::new(&[0x04, 0x85, 1, 1, 1, 1, 1]).read_tlv(),
            Err(BerError::TooLarge)
        );
        assert_eq!(
            Reader::new(&[0x30, 0x80, 0x00, 0x00]).read_tlv(),
            Err(BerError::Invalid("indefinite length"))
        );
        assert_eq!(
            Reader::new(&[0x04, 0x03, 0x01]).read_tlv(),
            Err(BerError::Truncated)
        );
        assert_eq!(Reader::new(&[0x04]).read_tlv(), Err(BerError::Truncated));
        assert_eq!(
            Reader::new(&[0x04, 0x82, 0x01]).read_tlv(),
            Err(BerError::Truncated)
        );
        assert_eq!(
            Reader::new(&[0x1F, 0x81]).read_tlv(),
            Err(BerError::Truncated)
        );
        assert_eq!(
            Reader::new(&[0x1F, 0x81, 0x81, 0x81, 0x01, 0x00]).read_tlv(),
            Err(BerError::TooLarge)
        );
        let mut r = Reader::new(&[]);
        assert_eq!(r.read_tlv(), Err(BerError::Truncated));
        assert!(r.is_empty());
    }

    #[test]
    fn decodes_integers() {
        assert_eq!(decode_i64(&[0x05]), Ok(5));
        assert_eq!(decode_i64(&[0xFF]), Ok(-1));
        assert_eq!(decode_i64(&[0x00, 0x80]), Ok(128));
        assert_eq!(decode_i64(&[0xFF, 0x7F]), Ok(-129));
        assert_eq!(decode_i64(&[0x80, 0, 0, 0, 0, 0, 0, 0]), Ok(i64::MIN));
        assert_eq!(decode_i64(&[0x00; 9]), Ok(0));
        assert_eq!(
            decode_i64(&[0x00, 0x80, 0, 0, 0, 0, 0, 0, 0]),
            Err(BerError::TooLarge)
        );
        assert_eq!(decode_i64(&[]), Err(BerError::InvalidLength));
        assert_eq!(decode_u64(&[0xFF]), Ok(255));
        assert_eq!(
            decode_u64(&[0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]),
            Ok(u64::MAX)
        );
        assert_eq!(decode_u64(&[0x01; 9]), Err(BerError::TooLarge));
        assert_eq!(decode_u64(&[]), Err(BerError::InvalidLength));
        assert_eq!(decode_u32(&[0x00, 0xFF, 0xFF, 0xFF, 0xFF]), Ok(u32::MAX));
        assert_eq!(decode_u32(&[0x01, 0, 0, 0, 0]), Err(BerError::TooLarge));
        assert_eq!(decode_bool(&[0xFF]), Ok(true));
        assert_eq!(decode_bool(&[0x00]), Ok(false));
        assert_eq!(decode_bool(&[0, 0]), Err(BerError::InvalidLength));
    }

    #[test]
    fn writes_integers_minimally() {
        let enc = |v: i64| {
            let mut out = Vec::new();
            write_i64(&mut out, 0x85, v);
            out
        };
        assert_eq!(enc(0), [0x85, 0x01, 0x00]);
        assert_eq!(enc(127), [0x85, 0x01, 0x7F]);
        assert_eq!(enc(128), [0x85, 0x02, 0x00, 0x80]);
        assert_eq!(enc(-128), [0x85, 0x01, 0x80]);
        assert_eq!(enc(-129), [0x85, 0x02, 0xFF, 0x7F]);
        assert_eq!(enc(i64::MIN), [0x85, 0x08, 0x80, 0, 0, 0, 0, 0, 0, 0]);
        let encu = |v: u64| {
            let mut out = Vec::new();
            write_u64(&mut out, 0x86, v);
            out
        };
        assert_eq!(encu(0), [0x86, 0x01, 0x00]);
        assert_eq!(encu(255), [0x86, 0x02, 0x00, 0xFF]);
        assert_eq!(encu(0x1234), [0x86, 0x02, 0x12, 0x34]);
        assert_eq!(
            encu(u64::MAX),
            [0x86, 0x09, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]
        );
        for v in [0i64, 1, -1, 255, -256, 1 << 40, i64::MAX, i64::MIN] {
            let e = enc(v);
            assert_eq!(decode_i64(Reader::new(&e).expect(0x85).unwrap()), Ok(v));
        }
        for v in [0u64, 128, 1 << 63, u64::MAX] {
            let e = encu(v);
            assert_eq!(decode_u64(Reader::new(&e).expect(0x86).unwrap()), Ok(v));
        }
        let mut out = Vec::new();
        write_bool(&mut out, 0x83, true);
        assert_eq!(out, [0x83, 0x01, 0xFF]);
    }

    #[test]
    fn writes_tags_and_lengths() {
        let mut out = Vec::new();
        write_tag(&mut out, 0xBF48);
        write_length(&mut out, 0x7F);
        write_length(&mut out, 0x80);
        write_length(&mut out, 0x1234);
        write_length(&mut out, 0x01_0000);
        assert_eq!(
            out,
            [0xBF, 0x48, 0x7F, 0x81, 0x80, 0x82, 0x12, 0x34, 0x83, 0x01, 0x00, 0x00]
        );
    }

    #[test]
    fn constructed_fixes_up_long_lengths() {
        let mut out = vec![0xEE];
        write_constructed(&mut out, 0x30, |o| {
            write_constructed(o, 0xA1, |o| write_tlv(o, 0x04, &[0x11; 200]));
            write_tlv(o, 0x80, &[1, 2]);
        });
        let mut expected = vec![0xEE, 0x30, 0x81, 0xD2, 0xA1, 0x81, 0xCB, 0x04, 0x81, 0xC8];
        expected.extend_from_slice(&[0x11; 200]);
        expected.extend_from_slice(&[0x80, 0x02, 1, 2]);
        assert_eq!(out, expected);
        let mut out = Vec::new();
        write_constructed(&mut out, 0x30, |o| o.extend_from_slice(&[0; 300]));
        assert_eq!(&out[..4], &[0x30, 0x82, 0x01, 0x2C]);
        assert_eq!(out.len(), 304);
        let mut out = Vec::new();
        write_constructed(&mut out, 0xA0, |_| {});
        assert_eq!(out, [0xA0, 0x00]);
    }

    #[test]
    fn oids_round_trip() {
        let mut out = Vec::new();
        write_oid(&mut out, 0x06, &[1, 0, 9506, 2, 1]);
        assert_eq!(out, [0x06, 0x05, 0x28, 0xCA, 0x22, 0x02, 0x01]);
        assert_eq!(decode_oid(&out[2..]), Ok(vec![1, 0, 9506, 2, 1]));
        let mut out = Vec::new();
        write_oid(&mut out, 0x06, &[2, 2, 1, 0, 1]);
        assert_eq!(out, [0x06, 0x04, 0x52, 0x01, 0x00, 0x01]);
        assert_eq!(
            decode_oid(&[0x29, 0x01, 0x87, 0x67]),
            Ok(vec![1, 1, 1, 999])
        );
        assert_eq!(decode_oid(&[0x29, 0x87]), Err(BerError::Truncated));
        assert_eq!(decode_oid(&[]), Err(BerError::InvalidLength));
        assert_eq!(
            decode_oid(&[0x29, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F]),
            Err(BerError::TooLarge)
        );
    }
}
