//! The ISO 9506 `Data` CHOICE in BER, to and from [`MmsValue`].
//!
//! Encoding follows what the reference client sends (booleans as `0x01`, floats with
//! their exponent-width octet, unsigned values with a leading zero octet when the top
//! bit is set). Decoding is lenient where devices differ (any non-zero boolean octet,
//! floats chosen by length) and strict where a wrong size would corrupt the value.

use crate::ber::{self, BerError, Reader, Tlv};
use crate::mms::value::{c_string_lossy, BitString, MmsType, MmsValue, Node, OctetString};

/// array [1] constructed.
pub const TAG_ARRAY: u32 = 0xA1;
/// structure [2] constructed.
pub const TAG_STRUCTURE: u32 = 0xA2;
/// boolean [3].
pub const TAG_BOOLEAN: u32 = 0x83;
/// bit-string [4].
pub const TAG_BIT_STRING: u32 = 0x84;
/// integer [5].
pub const TAG_INTEGER: u32 = 0x85;
/// unsigned [6].
pub const TAG_UNSIGNED: u32 = 0x86;
/// floating-point [7].
pub const TAG_FLOAT: u32 = 0x87;
/// octet-string [9].
pub const TAG_OCTET_STRING: u32 = 0x89;
/// visible-string [10].
pub const TAG_VISIBLE_STRING: u32 = 0x8A;
/// generalized-time [11].
pub const TAG_GENERALIZED_TIME: u32 = 0x8B;
/// binary-time [12].
pub const TAG_BINARY_TIME: u32 = 0x8C;
/// bcd [13].
pub const TAG_BCD: u32 = 0x8D;
/// objId [15].
pub const TAG_OBJ_ID: u32 = 0x8F;
/// MMSString [16].
pub const TAG_MMS_STRING: u32 = 0x90;
/// utc-time [17].
pub const TAG_UTC_TIME: u32 = 0x91;

/// Hard cap on structure/array nesting whatever the caller asks for, so that decoding
/// recursion stays far from the stack limit of any thread (MMS negotiates at most 255).
pub const MAX_NESTING: usize = 255;

/// Exponent width octet of an IEEE single.
const FLOAT_EXPONENT_SINGLE: u8 = 8;
/// Exponent width octet of an IEEE double.
const FLOAT_EXPONENT_DOUBLE: u8 = 11;

/// Errors of the Data codec.
#[derive(Debug, thiserror::Error, PartialEq, Eq, Clone)]
pub enum DataError {
    /// Malformed BER.
    #[error(transparent)]
    Ber(#[from] BerError),
    /// Structures/arrays nested deeper than allowed.
    #[error("MMS data nested too deeply")]
    TooDeep,
    /// A tag that is not an alternative of the Data CHOICE.
    #[error("unknown MMS data tag {0:#x}")]
    UnknownTag(u32),
    /// Content that does not fit the type (wrong size, bad padding, ...).
    #[error("invalid MMS data: {0}")]
    Invalid(&'static str),
    /// A structure or array slot was never set, so there is nothing to encode.
    #[error("structure or array element is unset")]
    UnsetElement,
    /// A value that has no Data encoding (a DataAccessError is a read failure, not data).
    #[error("a value of type {0:?} cannot be encoded as MMS data")]
    NotEncodable(MmsType),
}

/// Appends the BER encoding of `value`; on error `out` is left as it was.
///
/// Fails on unset structure/array slots, on `DataAccessError` values and on object
/// identifiers without a valid first arc pair, rather than sending something the peer
/// would misread.
pub fn encode_data(value: &MmsValue, out: &mut Vec<u8>) -> Result<(), DataError> {
    let start = out.len();
    let result = encode_value(value, out);
    if result.is_err() {
        out.truncate(start);
    }
    result
}

/// Encodes one value; `out` may hold a partial encoding on error.
fn encode_value(value: &MmsValue, out: &mut Vec<u8>) -> Result<(), DataError> {
    match value {
        MmsValue::Array(elements) => encode_elements(TAG_ARRAY, elements, out)?,
        MmsValue::Structure(elements) => encode_elements(TAG_STRUCTURE, elements, out)?,
        MmsValue::Boolean(b) => ber::write_tlv(out, TAG_BOOLEAN, &[u8::from(*b)]),
        MmsValue::BitString(bits) => encode_bit_string(bits, out),
        MmsValue::Integer(v) => ber::write_i64(out, TAG_INTEGER, *v),
        MmsValue::Unsigned(v) => ber::write_u64(out, TAG_UNSIGNED, *v),
        MmsValue::Float(f) => {
            let mut content = vec![FLOAT_EXPONENT_SINGLE];
            content.extend_from_slice(&f.to_be_bytes());
            ber::write_tlv(out, TAG_FLOAT, &content);
        }
        MmsValue::Double(f) => {
            let mut content = vec![FLOAT_EXPONENT_DOUBLE];
            content.extend_from_slice(&f.to_be_bytes());
            ber::write_tlv(out, TAG_FLOAT, &content);
        }
        MmsValue::OctetString(s) => ber::write_tlv(out, TAG_OCTET_STRING, &s.data),
        MmsValue::VisibleString(s) => ber::write_tlv(out, TAG_VISIBLE_STRING, s.to_bytes()),
        MmsValue::GeneralizedTime(s) => ber::write_tlv(out, TAG_GENERALIZED_TIME, s.to_bytes()),
        MmsValue::BinaryTime(b) => {
            if b.len() != 4 && b.len() != 6 {
                return Err(DataError::Invalid("binary-time must have 4 or 6 octets"));
            }
            ber::write_tlv(out, TAG_BINARY_TIME, b)
        }
        MmsValue::Bcd(v) => ber::write_i64(out, TAG_BCD, *v),
        MmsValue::ObjId(arcs) => {
            check_oid(arcs)?;
            ber::write_oid(out, TAG_OBJ_ID, arcs)
        }
        MmsValue::MmsString(s) => ber::write_tlv(out, TAG_MMS_STRING, s.to_bytes()),
        MmsValue::UtcTime(t) => ber::write_tlv(out, TAG_UTC_TIME, t),
        MmsValue::DataAccessError(_) => {
            return Err(DataError::NotEncodable(MmsType::DataAccessError))
        }
    }
    Ok(())
}

/// Encodes the children of a structure or array under `tag`.
fn encode_elements(
    tag: u32,
    elements: &[Option<Node>],
    out: &mut Vec<u8>,
) -> Result<(), DataError> {
    let mut result = Ok(());
    ber::write_constructed(out, tag, |out| {
        result = elements.iter().try_for_each(|element| match element {
            Some(v) => encode_value(v, out),
            None => Err(DataError::UnsetElement),
        });
    });
    result
}

/// Encodes a bit string with its unused-bits octet; padding bits are sent as zero.
fn encode_bit_string(bits: &BitString, out: &mut Vec<u8>) {
    let n_bytes = bits.size.div_ceil(8) as usize;
    let unused = (n_bytes * 8 - bits.size as usize) as u8;
    let mut content = Vec::with_capacity(n_bytes + 1);
    content.push(unused);
    content.extend((0..n_bytes).map(|i| bits.bytes.get(i).copied().unwrap_or(0)));
    if let Some(last) = content.last_mut().filter(|_| n_bytes > 0) {
        *last &= 0xFFu8 << unused;
    }
    ber::write_tlv(out, TAG_BIT_STRING, &content);
}

/// Checks that an object identifier can be encoded (X.690 8.19.4).
fn check_oid(arcs: &[u32]) -> Result<(), DataError> {
    match arcs {
        [first @ 0..=1, second, ..] if *second < 40 => Ok(()),
        [2, second, ..] if *second <= u32::MAX - 80 => Ok(()),
        _ => Err(DataError::Invalid("objId needs a valid first arc pair")),
    }
}

/// Decodes the Data TLV at the start of `bytes`; returns it and the number of bytes used.
///
/// `max_depth` is the number of nested structure/array levels allowed (0: scalars
/// only); it is capped at [`MAX_NESTING`].
pub fn decode_data(bytes: &[u8], max_depth: usize) -> Result<(MmsValue, usize), DataError> {
    let mut reader = Reader::new(bytes);
    let tlv = reader.read_tlv()?;
    let value = decode_data_tlv(&tlv, max_depth)?;
    Ok((value, reader.position()))
}

/// Decodes one already-read Data TLV, with the nesting limit of [`decode_data`].
pub fn decode_data_tlv(tlv: &Tlv, max_depth: usize) -> Result<MmsValue, DataError> {
    decode_tlv(tlv, max_depth.min(MAX_NESTING))
}

/// Decodes one Data TLV; recursion depth is bounded by `depth_left`.
fn decode_tlv(tlv: &Tlv, depth_left: usize) -> Result<MmsValue, DataError> {
    let v = tlv.value;
    Ok(match tlv.tag {
        TAG_ARRAY => MmsValue::Array(decode_elements(v, depth_left)?.into()),
        TAG_STRUCTURE => MmsValue::Structure(decode_elements(v, depth_left)?.into()),
        TAG_BOOLEAN => MmsValue::Boolean(ber::decode_bool(v)?),
        TAG_BIT_STRING => MmsValue::BitString(decode_bit_string(v)?),
        TAG_INTEGER => MmsValue::Integer(ber::decode_i64(v)?),
        TAG_UNSIGNED => MmsValue::Unsigned(ber::decode_u64(v)?),
        // The length decides the format: devices disagree on the exponent-width octet.
        TAG_FLOAT => match v {
            [_, rest @ ..] => match <[u8; 4]>::try_from(rest) {
                Ok(b) => MmsValue::Float(f32::from_be_bytes(b)),
                Err(_) => match <[u8; 8]>::try_from(rest) {
                    Ok(b) => MmsValue::Double(f64::from_be_bytes(b)),
                    Err(_) => return Err(DataError::Invalid("floating-point size")),
                },
            },
            [] => return Err(DataError::Invalid("floating-point size")),
        },
        TAG_OCTET_STRING => MmsValue::OctetString(OctetString {
            data: v.to_vec().into(),
            max_size: v.len(),
        }),
        TAG_VISIBLE_STRING => MmsValue::VisibleString(c_string_lossy(v).into()),
        TAG_GENERALIZED_TIME => MmsValue::GeneralizedTime(c_string_lossy(v).into()),
        TAG_BINARY_TIME => match v.len() {
            4 | 6 => MmsValue::BinaryTime(v.to_vec().into()),
            _ => return Err(DataError::Invalid("binary-time must have 4 or 6 octets")),
        },
        TAG_BCD => MmsValue::Bcd(ber::decode_i64(v)?),
        TAG_OBJ_ID => MmsValue::ObjId(ber::decode_oid(v)?.into()),
        TAG_MMS_STRING => MmsValue::MmsString(c_string_lossy(v).into()),
        TAG_UTC_TIME => MmsValue::UtcTime(
            <[u8; 8]>::try_from(v)
                .map_err(|_| DataError::Invalid("utc-time must have 8 octets"))?,
        ),
        other => return Err(DataError::UnknownTag(other)),
    })
}

/// Decodes the children of a structure or array one level deeper.
fn decode_elements(content: &[u8], depth_left: usize) -> Result<Vec<Option<Node>>, DataError> {
    let child_depth = depth_left.checked_sub(1).ok_or(DataError::TooDeep)?;
    let mut reader = Reader::new(content);
    let mut elements = Vec::new();
    while !reader.is_empty() {
        let tlv = reader.read_tlv()?;
        elements.push(Some(Node::new(decode_tlv(&tlv, child_depth)?)));
    }
    Ok(elements)
}

/// Decodes bit-string content (unused-bits octet first).
fn decode_bit_string(v: &[u8]) -> Result<BitString, DataError> {
    let (&unused, bytes) = v
        .split_first()
        .ok_or(DataError::Invalid("bit-string without unused-bits octet"))?;
    if unused > 7 || (bytes.is_empty() && unused != 0) {
        return Err(DataError::Invalid("bit-string unused-bits octet"));
    }
    let size = u32::try_from(bytes.len())
        .ok()
        .and_then(|n| n.checked_mul(8))
        .ok_or(DataError::Invalid("bit-string too long"))?
        - u32::from(unused);
    let mut bytes = bytes.to_vec();
    // Padding bits are unspecified on the wire; BitString keeps them zero.
    if let Some(last) = bytes.last_mut() {
        *last &= 0xFFu8 << unused;
    }
    Ok(BitString {
        size,
        bytes: bytes.into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CString;

    fn enc(v: &MmsValue) -> Vec<u8> {
        let mut out = Vec::new();
        encode_data(v, &mut out).unwrap();
        out
    }

    fn dec(bytes: &[u8]) -> MmsValue {
        let (v, used) = decode_data(bytes, 10).unwrap();
        assert_eq!(used, bytes.len());
        v
    }

    /// Checks both directions against a byte vector.
    fn both(v: MmsValue, bytes: &[u8]) {
        assert_eq!(enc(&v), bytes, "encoding {v:?}");
        assert_eq!(dec(bytes), v, "decoding {bytes:02x?}");
    }

    fn cs(s: &str) -> CString {
        CString::new(s).unwrap()
    }

    #[test]
    fn scalars_both_directions() {
        both(MmsValue::Boolean(true), &[0x83, 0x01, 0x01]);
        both(MmsValue::Boolean(false), &[0x83, 0x01, 0x00]);
        both(MmsValue::Integer(0), &[0x85, 0x01, 0x00]);
        both(MmsValue::Integer(-129), &[0x85, 0x02, 0xFF, 0x7F]);
        both(MmsValue::Integer(128), &[0x85, 0x02, 0x00, 0x80]);
        both(
            MmsValue::Integer(i64::MIN),
            &[0x85, 0x08, 0x80, 0, 0, 0, 0, 0, 0, 0],
        );
        both(MmsValue::Unsigned(5), &[0x86, 0x01, 0x05]);
        both(MmsValue::Unsigned(200), &[0x86, 0x02, 0x00, 0xC8]);
        both(
            MmsValue::Unsigned(u64::MAX),
            &[
                0x86, 0x09, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
            ],
        );
        both(
            MmsValue::Float(1.5),
            &[0x87, 0x05, 0x08, 0x3F, 0xC0, 0x00, 0x00],
        );
        both(
            MmsValue::Double(-2.0),
            &[0x87, 0x09, 0x0B, 0xC0, 0, 0, 0, 0, 0, 0, 0],
        );
        both(
            MmsValue::OctetString(OctetString {
                data: vec![1, 2, 3].into(),
                max_size: 3,
            }),
            &[0x89, 0x03, 1, 2, 3],
        );
        both(
            MmsValue::VisibleString(cs("ab").into()),
            &[0x8A, 0x02, b'a', b'b'],
        );
        both(
            MmsValue::GeneralizedTime(cs("20240101000000Z").into()),
            &[
                0x8B, 0x0F, b'2', b'0', b'2', b'4', b'0', b'1', b'0', b'1', b'0', b'0', b'0', b'0',
                b'0', b'0', b'Z',
            ],
        );
        both(
            MmsValue::BinaryTime(vec![0, 0, 0, 1].into()),
            &[0x8C, 0x04, 0, 0, 0, 1],
        );
        both(
            MmsValue::BinaryTime(vec![0, 0, 0, 1, 0, 2].into()),
            &[0x8C, 0x06, 0, 0, 0, 1, 0, 2],
        );
        both(MmsValue::Bcd(42), &[0x8D, 0x01, 42]);
        both(
            MmsValue::ObjId(vec![1, 0, 9506, 2, 1].into()),
            &[0x8F, 0x05, 0x28, 0xCA, 0x22, 0x02, 0x01],
        );
        both(
            MmsValue::MmsString(cs("é").into()),
            &[0x90, 0x02, 0xC3, 0xA9],
        );
        both(
            MmsValue::UtcTime([1, 2, 3, 4, 5, 6, 7, 0x0A]),
            &[0x91, 0x08, 1, 2, 3, 4, 5, 6, 7, 0x0A],
        );
    }

    #[test]
    fn bit_strings() {
        // 13-bit quality as the reference server sends it.
        let mut q = BitString::new(13);
        q.set(1, true);
        both(MmsValue::BitString(q), &[0x84, 0x03, 0x03, 0x40, 0x00]);
        both(MmsValue::BitString(BitString::new(0)), &[0x84, 0x01, 0x00]);
        both(
            MmsValue::BitString(BitString {
                size: 8,
                bytes: vec![0xA5].into(),
            }),
            &[0x84, 0x02, 0x00, 0xA5],
        );
        // Set padding bits are cleared in both directions.
        let dirty = BitString {
            size: 2,
            bytes: vec![0xFF].into(),
        };
        assert_eq!(enc(&MmsValue::BitString(dirty)), [0x84, 0x02, 0x06, 0xC0]);
        assert_eq!(
            dec(&[0x84, 0x02, 0x06, 0xFF]),
            MmsValue::BitString(BitString {
                size: 2,
                bytes: vec![0xC0].into()
            })
        );
    }

    #[test]
    fn structures_and_arrays() {
        // MX analogue as read from the reference server: {f=0.0, q, t}.
        let bytes = [
            0xA2, 0x18, 0xA2, 0x07, 0x87, 0x05, 0x08, 0, 0, 0, 0, 0x84, 0x03, 0x03, 0x00, 0x00,
            0x91, 0x08, 0, 0, 0, 0, 0, 0, 0, 0,
        ];
        let v = MmsValue::structure(vec![
            MmsValue::structure(vec![MmsValue::Float(0.0)]),
            MmsValue::BitString(BitString::new(13)),
            MmsValue::UtcTime([0; 8]),
        ]);
        both(v, &bytes);
        both(
            MmsValue::array(vec![MmsValue::Integer(1), MmsValue::Integer(2)]),
            &[0xA1, 0x06, 0x85, 0x01, 0x01, 0x85, 0x01, 0x02],
        );
        both(MmsValue::structure(vec![]), &[0xA2, 0x00]);
        both(MmsValue::array(vec![]), &[0xA1, 0x00]);
    }

    #[test]
    fn long_structure_uses_long_length() {
        let v = MmsValue::structure(vec![MmsValue::Integer(1); 60]);
        let bytes = enc(&v);
        assert_eq!(&bytes[..3], &[0xA2, 0x81, 0xB4]);
        assert_eq!(dec(&bytes), v);
    }

    #[test]
    fn decode_reports_bytes_used() {
        let (v, used) = decode_data(&[0x83, 0x01, 0xFF, 0x85, 0x01, 0x01], 0).unwrap();
        assert_eq!((v, used), (MmsValue::Boolean(true), 3));
    }

    #[test]
    fn unencodable_values_leave_output_untouched() {
        let mut out = vec![0xEE];
        let unset =
            MmsValue::Structure(vec![Some(Node::new(MmsValue::Boolean(true))), None].into());
        assert_eq!(encode_data(&unset, &mut out), Err(DataError::UnsetElement));
        assert_eq!(
            encode_data(&MmsValue::DataAccessError(10), &mut out),
            Err(DataError::NotEncodable(MmsType::DataAccessError))
        );
        for bad in [
            MmsValue::ObjId(vec![1].into()),
            MmsValue::ObjId(vec![3, 1].into()),
            MmsValue::ObjId(vec![1, 40].into()),
            MmsValue::BinaryTime(vec![0; 5].into()),
        ] {
            assert!(matches!(
                encode_data(&bad, &mut out),
                Err(DataError::Invalid(_))
            ));
        }
        assert_eq!(out, [0xEE]);
    }

    #[test]
    fn nesting_limit() {
        let nested = [0xA2, 0x04, 0xA1, 0x02, 0xA2, 0x00];
        assert!(decode_data(&nested, 3).is_ok());
        assert_eq!(decode_data(&nested, 2), Err(DataError::TooDeep));
        assert_eq!(decode_data(&[0xA2, 0x00], 0), Err(DataError::TooDeep));
        // 100 000 valid levels: an error, not a stack overflow, whatever limit is asked for.
        let mut headers = Vec::new();
        let mut total = 0;
        for _ in 0..100_000 {
            let mut header = Vec::new();
            ber::write_tag(&mut header, TAG_ARRAY);
            ber::write_length(&mut header, total);
            total += header.len();
            headers.push(header);
        }
        let deep: Vec<u8> = headers.into_iter().rev().flatten().collect();
        assert_eq!(deep.len(), total);
        assert_eq!(decode_data(&deep, usize::MAX), Err(DataError::TooDeep));
    }

    #[test]
    fn hostile_inputs_are_errors() {
        let cases: &[&[u8]] = &[
            &[],
            &[0x83],
            &[0x83, 0x02, 0x01, 0x01],
            &[0x83, 0x00],
            &[0x84, 0x00],
            &[0x84, 0x01, 0x03],
            &[0x84, 0x02, 0x08, 0x00],
            &[0x85, 0x00],
            &[0x85, 0x09, 0x01, 0, 0, 0, 0, 0, 0, 0, 0],
            &[0x86, 0x09, 0x01, 0, 0, 0, 0, 0, 0, 0, 0],
            &[0x87, 0x00],
            &[0x87, 0x04, 0x08, 0, 0, 0],
            &[0x87, 0x06, 0x08, 0, 0, 0, 0, 0],
            &[0x8C, 0x05, 0, 0, 0, 0, 0],
            &[0x8F, 0x00],
            &[0x8F, 0x01, 0x81],
            &[0x91, 0x07, 0, 0, 0, 0, 0, 0, 0],
            &[0x88, 0x00],
            &[0x81, 0x00],
            &[0xA2, 0x03, 0x83, 0x01],
            &[0xA2, 0x02, 0x83, 0x05],
            &[0xA2, 0x84, 0xFF, 0xFF, 0xFF, 0xFF],
            &[0x8A, 0x05, b'a'],
        ];
        for case in cases {
            assert!(decode_data(case, 10).is_err(), "{case:02x?}");
        }
        assert_eq!(
            decode_data(&[0x88, 0x00], 10),
            Err(DataError::UnknownTag(0x88))
        );
    }

    #[test]
    fn lenient_decoding() {
        assert_eq!(dec(&[0x83, 0x01, 0x7F]), MmsValue::Boolean(true));
        assert_eq!(dec(&[0x86, 0x01, 0xFF]), MmsValue::Unsigned(255));
        // Exponent-width octet other than 8/11: the length decides.
        assert_eq!(
            dec(&[0x87, 0x05, 0x00, 0x3F, 0x80, 0, 0]),
            MmsValue::Float(1.0)
        );
        assert_eq!(
            dec(&[0x8A, 0x03, b'a', 0, b'b']),
            MmsValue::VisibleString(cs("a").into())
        );
    }

    /// xorshift64: deterministic pseudo-random numbers without a dependency.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }

        fn bytes(&mut self, max: u64) -> Vec<u8> {
            let n = self.below(max + 1);
            (0..n).map(|_| self.next() as u8).collect()
        }

        fn text(&mut self, max: u64) -> CString {
            let n = self.below(max + 1);
            let s: Vec<u8> = (0..n).map(|_| b' ' + self.below(95) as u8).collect();
            CString::new(s).unwrap()
        }
    }

    /// A random value tree; floats avoid NaN so that `==` is meaningful.
    fn random_value(rng: &mut Rng, depth: u32) -> MmsValue {
        let kinds = if depth == 0 { 15 } else { 17 };
        match rng.below(kinds) {
            0 => MmsValue::Boolean(rng.below(2) == 1),
            1 => {
                let size = rng.below(40) as u32;
                let mut b = BitString::new(size);
                (0..size).for_each(|i| b.set(i, rng.below(2) == 1));
                MmsValue::BitString(b)
            }
            2 => MmsValue::Integer(rng.next() as i64 >> rng.below(64)),
            3 => MmsValue::Unsigned(rng.next() >> rng.below(64)),
            4 => MmsValue::Float(rng.below(1 << 20) as f32 / 7.0 - 1000.0),
            5 => MmsValue::Double(rng.next() as i64 as f64 / 3.0),
            6 => {
                let data = rng.bytes(20);
                MmsValue::OctetString(OctetString {
                    max_size: data.len(),
                    data: data.into(),
                })
            }
            7 => MmsValue::VisibleString(rng.text(40).into()),
            8 => MmsValue::GeneralizedTime(rng.text(20).into()),
            9 => {
                let n = if rng.below(2) == 0 { 4 } else { 6 };
                MmsValue::BinaryTime((0..n).map(|_| rng.next() as u8).collect())
            }
            10 => MmsValue::Bcd(rng.below(1_000_000) as i64),
            11 => {
                let first = rng.below(3) as u32;
                let second = if first < 2 {
                    rng.below(40) as u32
                } else {
                    rng.next() as u32 >> 2
                };
                let mut arcs = vec![first, second];
                arcs.extend((0..rng.below(6)).map(|_| rng.next() as u32 >> rng.below(32)));
                MmsValue::ObjId(arcs.into())
            }
            12 => MmsValue::MmsString(rng.text(30).into()),
            13 => {
                let mut t = [0u8; 8];
                t.iter_mut().for_each(|b| *b = rng.next() as u8);
                MmsValue::UtcTime(t)
            }
            14 => MmsValue::Integer(rng.below(256) as i64 - 128),
            15 => {
                let n = rng.below(5);
                MmsValue::array((0..n).map(|_| random_value(rng, depth - 1)).collect())
            }
            _ => {
                let n = rng.below(5);
                MmsValue::structure((0..n).map(|_| random_value(rng, depth - 1)).collect())
            }
        }
    }

    #[test]
    fn random_trees_round_trip() {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        for _ in 0..2000 {
            let v = random_value(&mut rng, 4);
            let bytes = enc(&v);
            assert_eq!(decode_data(&bytes, 4), Ok((v, bytes.len())));
        }
    }

    #[test]
    fn random_garbage_never_panics() {
        let mut rng = Rng(0x1234_5678_9ABC_DEF1);
        for _ in 0..20_000 {
            let mut bytes = rng.bytes(40);
            // Bias towards plausible tags so decoding goes deeper than the first octet.
            if let Some(first) = bytes.first_mut() {
                *first = [0xA1, 0xA2, 0x84, 0x87, 0x8F][rng.below(5) as usize];
            }
            let _ = decode_data(&bytes, 10);
        }
    }
}
