//! ISO 9506 TypeSpecification / TypeDescription (the GetVariableAccessAttributes service
//! that reports them is [`crate::mms::variable_access_attributes`]).
//!
//! A [`TypeSpec`] describes the type of a named variable as a server reports it. Besides the
//! BER codec this module answers the questions the C API asks of a type: the default value
//! (`MmsValue_newDefaultValue`), whether a value fits (`MmsVariableSpecification_isValueOfType`)
//! and the largest encoding (`MmsVariableSpecification_getMaxEncodedSize`), with the answers
//! observed on libiec61850 1.6.1.

use crate::ber::{self, Reader, Tlv};
use crate::mms::common::{identifier, MmsError, TAG_SEQUENCE};
use crate::mms::data::MAX_NESTING;
use crate::mms::value::{BitString, MmsType, MmsValue, Node, OctetString, Text};

/// typeName [0] of TypeSpecification (a named type, which IEC 61850 servers never send).
const TAG_TYPE_NAME: u32 = 0xA0;
const TAG_ARRAY: u32 = 0xA1;
const TAG_STRUCTURE: u32 = 0xA2;
const TAG_BOOLEAN: u32 = 0x83;
const TAG_BIT_STRING: u32 = 0x84;
const TAG_INTEGER: u32 = 0x85;
const TAG_UNSIGNED: u32 = 0x86;
const TAG_FLOAT: u32 = 0xA7;
const TAG_OCTET_STRING: u32 = 0x89;
const TAG_VISIBLE_STRING: u32 = 0x8A;
const TAG_GENERALIZED_TIME: u32 = 0x8B;
const TAG_BINARY_TIME: u32 = 0x8C;
const TAG_BCD: u32 = 0x8D;
const TAG_OBJ_ID: u32 = 0x8F;
const TAG_MMS_STRING: u32 = 0x90;
const TAG_UTC_TIME: u32 = 0x91;
/// Universal INTEGER (the widths of floating-point).
const TAG_UNIVERSAL_INTEGER: u32 = 0x02;

/// Most values [`TypeSpec::default_value`] creates, so that a hostile array size cannot
/// exhaust memory.
pub const MAX_DEFAULT_VALUE_NODES: usize = 1 << 20;

/// An MMS type description (ISO 9506 TypeDescription).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeSpec {
    /// array: `count` elements of one type.
    Array {
        /// packed (DEFAULT FALSE).
        packed: bool,
        /// numberOfElements.
        count: u32,
        /// elementType.
        element: Box<TypeSpec>,
    },
    /// structure: named components in order (an absent componentName is empty).
    Structure {
        /// packed (DEFAULT FALSE).
        packed: bool,
        /// (componentName, componentType).
        components: Vec<(String, TypeSpec)>,
    },
    /// boolean.
    Boolean,
    /// bit-string of this many bits; negative: variable length of at most `-n` bits.
    BitString(i32),
    /// integer of this many bits.
    Integer(u8),
    /// unsigned of this many bits.
    Unsigned(u8),
    /// floating-point.
    Float {
        /// format-width in bits (32 or 64 in practice).
        format_width: u8,
        /// exponent-width in bits (8 or 11 in practice).
        exponent_width: u8,
    },
    /// octet-string of this many octets; negative: variable length of at most `-n`.
    OctetString(i32),
    /// visible-string of this many characters; negative: variable length of at most `-n`.
    VisibleString(i32),
    /// generalized-time.
    GeneralizedTime,
    /// binary-time; `true` when it includes the date (6 octets instead of 4).
    BinaryTime(bool),
    /// bcd of this many digits.
    Bcd(u8),
    /// objId.
    ObjId,
    /// MMSString of this many characters; negative: variable length of at most `-n`.
    MmsString(i32),
    /// utc-time.
    UtcTime,
}

impl TypeSpec {
    /// The `MmsType` of values of this type.
    pub fn mms_type(&self) -> MmsType {
        match self {
            TypeSpec::Array { .. } => MmsType::Array,
            TypeSpec::Structure { .. } => MmsType::Structure,
            TypeSpec::Boolean => MmsType::Boolean,
            TypeSpec::BitString(_) => MmsType::BitString,
            TypeSpec::Integer(_) => MmsType::Integer,
            TypeSpec::Unsigned(_) => MmsType::Unsigned,
            TypeSpec::Float { .. } => MmsType::Float,
            TypeSpec::OctetString(_) => MmsType::OctetString,
            TypeSpec::VisibleString(_) => MmsType::VisibleString,
            TypeSpec::GeneralizedTime => MmsType::GeneralizedTime,
            TypeSpec::BinaryTime(_) => MmsType::BinaryTime,
            TypeSpec::Bcd(_) => MmsType::Bcd,
            TypeSpec::ObjId => MmsType::ObjId,
            TypeSpec::MmsString(_) => MmsType::MmsString,
            TypeSpec::UtcTime => MmsType::UtcTime,
        }
    }

    /// The component called `name` of a structure, with its index.
    pub fn component(&self, name: &str) -> Option<(usize, &TypeSpec)> {
        match self {
            TypeSpec::Structure { components, .. } => components
                .iter()
                .enumerate()
                .find(|(_, (n, _))| n == name)
                .map(|(i, (_, t))| (i, t)),
            _ => None,
        }
    }

    /// The value `MmsValue_newDefaultValue` creates: zeros, empty strings, fixed-size strings
    /// at full size. `None` when the type is or contains generalized-time, bcd or objId (the
    /// reference has no default for them) and when the value would have more than
    /// [`MAX_DEFAULT_VALUE_NODES`] nodes.
    pub fn default_value(&self) -> Option<MmsValue> {
        let mut budget = MAX_DEFAULT_VALUE_NODES;
        self.default_with_budget(&mut budget)
    }

    /// Default value, counting created nodes against `budget`; `None` when it runs out.
    fn default_with_budget(&self, budget: &mut usize) -> Option<MmsValue> {
        *budget = budget.checked_sub(1)?;
        let value = match self {
            TypeSpec::Array { count, element, .. } => {
                let n = *count as usize;
                if n > *budget {
                    return None;
                }
                MmsValue::Array(
                    (0..n)
                        .map(|_| element.default_with_budget(budget).map(Node::new).map(Some))
                        .collect::<Option<_>>()?,
                )
            }
            TypeSpec::Structure { components, .. } => MmsValue::Structure(
                components
                    .iter()
                    .map(|(_, t)| t.default_with_budget(budget).map(Node::new).map(Some))
                    .collect::<Option<_>>()?,
            ),
            TypeSpec::Boolean => MmsValue::Boolean(false),
            TypeSpec::BitString(n) => MmsValue::BitString(BitString::new(n.unsigned_abs())),
            TypeSpec::Integer(_) => MmsValue::Integer(0),
            TypeSpec::Unsigned(_) => MmsValue::Unsigned(0),
            TypeSpec::Float { format_width, .. } => match format_width {
                64 => MmsValue::Double(0.0),
                _ => MmsValue::Float(0.0),
            },
            TypeSpec::OctetString(n) => {
                let max_size = n.unsigned_abs() as usize;
                let mut data = Vec::new();
                data.try_reserve_exact(max_size).ok()?;
                // A fixed size string starts at full length, a variable one empty.
                data.resize(if *n > 0 { max_size } else { 0 }, 0);
                MmsValue::OctetString(OctetString {
                    data: data.into(),
                    max_size,
                })
            }
            // Empty, with the declared size as capacity (as libiec61850 allocates it).
            TypeSpec::VisibleString(n) => MmsValue::VisibleString(Text::with_capacity(
                Default::default(),
                n.unsigned_abs() as usize,
            )),
            TypeSpec::MmsString(n) => MmsValue::MmsString(Text::with_capacity(
                Default::default(),
                n.unsigned_abs() as usize,
            )),
            TypeSpec::BinaryTime(with_date) => {
                MmsValue::BinaryTime(vec![0; if *with_date { 6 } else { 4 }].into())
            }
            TypeSpec::UtcTime => MmsValue::UtcTime([0; 8]),
            TypeSpec::GeneralizedTime | TypeSpec::Bcd(_) | TypeSpec::ObjId => return None,
        };
        Some(value)
    }

    /// `MmsVariableSpecification_isValueOfType`: same type; a fixed-size bit string needs
    /// that size, a variable one at most that many bits; floats need the same width,
    /// binary times the same form; containers need as many elements, each of the type.
    /// String sizes are not checked (as in the reference).
    pub fn matches(&self, value: &MmsValue) -> bool {
        let fits = |t: &TypeSpec, e: &Option<Node>| e.as_deref().is_some_and(|v| t.matches(v));
        match (self, value) {
            (TypeSpec::Array { count, element, .. }, MmsValue::Array(elements)) => {
                elements.len() == *count as usize && elements.iter().all(|e| fits(element, e))
            }
            (TypeSpec::Structure { components, .. }, MmsValue::Structure(elements)) => {
                elements.len() == components.len()
                    && components
                        .iter()
                        .zip(elements)
                        .all(|((_, t), e)| fits(t, e))
            }
            (TypeSpec::BitString(n), MmsValue::BitString(bits)) => match u32::try_from(*n) {
                Ok(fixed) => bits.size == fixed,
                Err(_) => bits.size <= n.unsigned_abs(),
            },
            (TypeSpec::Float { format_width, .. }, MmsValue::Float(_)) => *format_width == 32,
            (TypeSpec::Float { format_width, .. }, MmsValue::Double(_)) => *format_width == 64,
            (TypeSpec::BinaryTime(with_date), MmsValue::BinaryTime(octets)) => {
                octets.len() == if *with_date { 6 } else { 4 }
            }
            (spec, value) => spec.mms_type() == value.mms_type(),
        }
    }

    /// `MmsVariableSpecification_getMaxEncodedSize`: octets of the largest Data encoding of a
    /// value of this type. Generalized-time, bcd and objId count 0, as in the reference.
    pub fn max_encoded_size(&self) -> usize {
        let content = match self {
            TypeSpec::Array { count, element, .. } => {
                (*count as usize).saturating_mul(element.max_encoded_size())
            }
            TypeSpec::Structure { components, .. } => components
                .iter()
                .map(|(_, t)| t.max_encoded_size())
                .fold(0, usize::saturating_add),
            TypeSpec::Boolean => 1,
            TypeSpec::BitString(n) => 1 + n.unsigned_abs().div_ceil(8) as usize,
            TypeSpec::Integer(bits) | TypeSpec::Unsigned(bits) => usize::from(*bits / 8) + 1,
            TypeSpec::Float { format_width, .. } => usize::from(*format_width / 8) + 1,
            TypeSpec::OctetString(n) | TypeSpec::VisibleString(n) | TypeSpec::MmsString(n) => {
                n.unsigned_abs() as usize
            }
            TypeSpec::BinaryTime(with_date) => {
                if *with_date {
                    6
                } else {
                    4
                }
            }
            TypeSpec::UtcTime => 8,
            TypeSpec::GeneralizedTime | TypeSpec::Bcd(_) | TypeSpec::ObjId => return 0,
        };
        tlv_size(content)
    }
}

/// `MmsValue_getMaxEncodedSize`: octets of the largest Data encoding a value of this one's
/// type and size may have; strings count their capacity. Unlike the reference, which keeps
/// the width an integer was created with, integers count 4 octets when they fit, else 8.
pub fn value_max_encoded_size(value: &MmsValue) -> usize {
    let content = match value {
        MmsValue::Array(elements) | MmsValue::Structure(elements) => elements
            .iter()
            .flatten()
            .map(|e| value_max_encoded_size(e))
            .fold(0, usize::saturating_add),
        MmsValue::Boolean(_) => 1,
        MmsValue::BitString(bits) => 1 + bits.size.div_ceil(8) as usize,
        MmsValue::Integer(v) => 1 + if i32::try_from(*v).is_ok() { 4 } else { 8 },
        MmsValue::Unsigned(v) => 1 + if u32::try_from(*v).is_ok() { 4 } else { 8 },
        MmsValue::Float(_) => 5,
        MmsValue::Double(_) => 9,
        MmsValue::OctetString(o) => o.max_size.max(o.data.len()),
        MmsValue::VisibleString(s) | MmsValue::MmsString(s) => s.capacity(),
        MmsValue::BinaryTime(octets) => octets.len(),
        MmsValue::UtcTime(_) => 8,
        // The reference counts an access error like a 4-octet integer.
        MmsValue::DataAccessError(_) => 5,
        other => {
            let mut out = Vec::new();
            return match crate::mms::data::encode_data(other, &mut out) {
                Ok(()) => out.len(),
                Err(_) => 0,
            };
        }
    };
    tlv_size(content)
}

/// Size of a TLV with a one-octet tag and `content` octets of content.
pub fn tlv_size(content: usize) -> usize {
    let mut length = Vec::new();
    ber::write_length(&mut length, content);
    (1 + length.len()).saturating_add(content)
}

// ---------------------------------------------------------------------------------------
// Codec

/// Writes `spec` as a TypeSpecification (the TypeDescription alternative).
pub fn encode_type_spec(spec: &TypeSpec, out: &mut Vec<u8>) {
    match spec {
        TypeSpec::Array {
            packed,
            count,
            element,
        } => ber::write_constructed(out, TAG_ARRAY, |out| {
            if *packed {
                ber::write_bool(out, 0x80, true);
            }
            ber::write_u64(out, 0x81, u64::from(*count));
            ber::write_constructed(out, 0xA2, |out| encode_type_spec(element, out));
        }),
        TypeSpec::Structure { packed, components } => {
            ber::write_constructed(out, TAG_STRUCTURE, |out| {
                if *packed {
                    ber::write_bool(out, 0x80, true);
                }
                ber::write_constructed(out, 0xA1, |out| {
                    for (name, t) in components {
                        ber::write_constructed(out, TAG_SEQUENCE, |out| {
                            if !name.is_empty() {
                                ber::write_tlv(out, 0x80, name.as_bytes());
                            }
                            ber::write_constructed(out, 0xA1, |out| encode_type_spec(t, out));
                        });
                    }
                });
            })
        }
        TypeSpec::Boolean => ber::write_tlv(out, TAG_BOOLEAN, &[]),
        TypeSpec::BitString(n) => ber::write_i64(out, TAG_BIT_STRING, i64::from(*n)),
        TypeSpec::Integer(n) => ber::write_u64(out, TAG_INTEGER, u64::from(*n)),
        TypeSpec::Unsigned(n) => ber::write_u64(out, TAG_UNSIGNED, u64::from(*n)),
        TypeSpec::Float {
            format_width,
            exponent_width,
        } => ber::write_constructed(out, TAG_FLOAT, |out| {
            ber::write_u64(out, TAG_UNIVERSAL_INTEGER, u64::from(*format_width));
            ber::write_u64(out, TAG_UNIVERSAL_INTEGER, u64::from(*exponent_width));
        }),
        TypeSpec::OctetString(n) => ber::write_i64(out, TAG_OCTET_STRING, i64::from(*n)),
        TypeSpec::VisibleString(n) => ber::write_i64(out, TAG_VISIBLE_STRING, i64::from(*n)),
        TypeSpec::GeneralizedTime => ber::write_tlv(out, TAG_GENERALIZED_TIME, &[]),
        // The reference writes this BOOLEAN as 1, not 0xFF (both are TRUE in BER).
        TypeSpec::BinaryTime(with_date) => {
            ber::write_tlv(out, TAG_BINARY_TIME, &[u8::from(*with_date)])
        }
        TypeSpec::Bcd(n) => ber::write_u64(out, TAG_BCD, u64::from(*n)),
        TypeSpec::ObjId => ber::write_tlv(out, TAG_OBJ_ID, &[]),
        TypeSpec::MmsString(n) => ber::write_i64(out, TAG_MMS_STRING, i64::from(*n)),
        TypeSpec::UtcTime => ber::write_tlv(out, TAG_UTC_TIME, &[]),
    }
}

/// Decodes the TypeSpecification TLV at the start of `bytes`; returns it and the octets used.
pub fn decode_type_spec(bytes: &[u8]) -> Result<(TypeSpec, usize), MmsError> {
    let mut r = Reader::new(bytes);
    let tlv = r.read_tlv()?;
    Ok((decode_tlv(&tlv, MAX_NESTING)?, r.position()))
}

/// Decodes the single TypeSpecification TLV held in `content` (an explicit tag's content).
pub(crate) fn decode_explicit(content: &[u8], depth_left: usize) -> Result<TypeSpec, MmsError> {
    let mut r = Reader::new(content);
    let tlv = r.read_tlv()?;
    if !r.is_empty() {
        return Err(MmsError::Invalid("trailing bytes after type specification"));
    }
    decode_tlv(&tlv, depth_left)
}

/// Decodes one TypeSpecification TLV; containers consume one level of `depth_left`.
fn decode_tlv(tlv: &Tlv, depth_left: usize) -> Result<TypeSpec, MmsError> {
    let v = tlv.value;
    let nested = || {
        depth_left
            .checked_sub(1)
            .ok_or(MmsError::Invalid("type description nested too deeply"))
    };
    Ok(match tlv.tag {
        TAG_ARRAY => {
            let depth = nested()?;
            let mut r = Reader::new(v);
            let packed = read_packed(&mut r)?;
            let count = ber::decode_u32(r.expect(0x81)?)?;
            let element = Box::new(decode_explicit(r.expect(0xA2)?, depth)?);
            TypeSpec::Array {
                packed,
                count,
                element,
            }
        }
        TAG_STRUCTURE => {
            let depth = nested()?;
            let mut r = Reader::new(v);
            let packed = read_packed(&mut r)?;
            let mut list = Reader::new(r.expect(0xA1)?);
            let mut components = Vec::new();
            while !list.is_empty() {
                let mut c = Reader::new(list.expect(TAG_SEQUENCE)?);
                let name = c.read_optional(0x80)?.map(identifier).transpose()?;
                let t = decode_explicit(c.expect(0xA1)?, depth)?;
                components.push((name.unwrap_or_default(), t));
            }
            TypeSpec::Structure { packed, components }
        }
        TAG_BOOLEAN => TypeSpec::Boolean,
        TAG_BIT_STRING => TypeSpec::BitString(integer32(v)?),
        TAG_INTEGER => TypeSpec::Integer(unsigned8(v)?),
        TAG_UNSIGNED => TypeSpec::Unsigned(unsigned8(v)?),
        TAG_FLOAT => {
            let mut r = Reader::new(v);
            let format_width = unsigned8(r.expect(TAG_UNIVERSAL_INTEGER)?)?;
            let exponent_width = unsigned8(r.expect(TAG_UNIVERSAL_INTEGER)?)?;
            TypeSpec::Float {
                format_width,
                exponent_width,
            }
        }
        TAG_OCTET_STRING => TypeSpec::OctetString(integer32(v)?),
        TAG_VISIBLE_STRING => TypeSpec::VisibleString(integer32(v)?),
        TAG_GENERALIZED_TIME => TypeSpec::GeneralizedTime,
        TAG_BINARY_TIME => TypeSpec::BinaryTime(ber::decode_bool(v)?),
        TAG_BCD => TypeSpec::Bcd(unsigned8(v)?),
        TAG_OBJ_ID => TypeSpec::ObjId,
        TAG_MMS_STRING => TypeSpec::MmsString(integer32(v)?),
        TAG_UTC_TIME => TypeSpec::UtcTime,
        TAG_TYPE_NAME => return Err(MmsError::Invalid("named types are not supported")),
        _ => return Err(MmsError::Invalid("unknown type description")),
    })
}

/// Reads the optional `packed [0] BOOLEAN DEFAULT FALSE`.
fn read_packed(r: &mut Reader) -> Result<bool, MmsError> {
    Ok(r.read_optional(0x80)?
        .map(ber::decode_bool)
        .transpose()?
        .unwrap_or(false))
}

fn integer32(v: &[u8]) -> Result<i32, MmsError> {
    i32::try_from(ber::decode_i64(v)?).map_err(|_| MmsError::Invalid("Integer32 out of range"))
}

fn unsigned8(v: &[u8]) -> Result<u8, MmsError> {
    u8::try_from(ber::decode_u64(v)?).map_err(|_| MmsError::Invalid("Unsigned8 out of range"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mms::testing::{named, response_spec, status, SPCSO_RESPONSE, TOTW_RESPONSE};
    use crate::test_util::hex;

    #[test]
    fn every_alternative_round_trips() {
        let all = TypeSpec::Structure {
            packed: true,
            components: vec![
                ("".into(), TypeSpec::Boolean),
                ("bs".into(), TypeSpec::BitString(13)),
                ("i".into(), TypeSpec::Integer(64)),
                (
                    "f".into(),
                    TypeSpec::Float {
                        format_width: 64,
                        exponent_width: 11,
                    },
                ),
                ("os".into(), TypeSpec::OctetString(8)),
                ("vs".into(), TypeSpec::VisibleString(-255)),
                ("gt".into(), TypeSpec::GeneralizedTime),
                ("bt".into(), TypeSpec::BinaryTime(true)),
                ("bcd".into(), TypeSpec::Bcd(4)),
                ("oid".into(), TypeSpec::ObjId),
                ("ms".into(), TypeSpec::MmsString(10)),
                (
                    "a".into(),
                    TypeSpec::Array {
                        packed: true,
                        count: 300,
                        element: Box::new(TypeSpec::Unsigned(16)),
                    },
                ),
            ],
        };
        let mut out = Vec::new();
        encode_type_spec(&all, &mut out);
        assert_eq!(decode_type_spec(&out).unwrap(), (all, out.len()));
        let mut bt = Vec::new();
        encode_type_spec(&TypeSpec::BinaryTime(false), &mut bt);
        assert_eq!(bt, [0x8C, 0x01, 0x00]);
    }

    #[test]
    fn hostile_input_is_rejected() {
        // 300 nested arrays exceed the nesting limit; the decoder must not recurse further.
        let mut deep = vec![0x83, 0x00];
        for _ in 0..300 {
            let mut inner = vec![0x81, 0x01, 0x01, 0xA2];
            ber::write_length(&mut inner, deep.len());
            inner.extend_from_slice(&deep);
            let mut outer = vec![0xA1];
            ber::write_length(&mut outer, inner.len());
            outer.extend_from_slice(&inner);
            deep = outer;
        }
        assert!(decode_type_spec(&deep).is_err());
        for bad in [
            "",
            "a0028000",
            "8401",
            "85020100",
            "a7030201200",
            "a1028100",
            "a2050a0330013100",
            "990100",
            "8a0580000000000",
            "a2053003a10100",
        ] {
            let bytes: Vec<u8> = hex(&bad[..bad.len() & !1]);
            assert!(decode_type_spec(&bytes).is_err(), "{bad}");
        }
    }

    #[test]
    fn defaults_sizes_and_matching_follow_the_reference() {
        let spcso = response_spec(SPCSO_RESPONSE);
        let value = spcso.default_value().unwrap();
        assert_eq!(
            value.to_text(),
            b"{{false,{0,},0,19700101000000.000Z,false,00}}"
        );
        assert!(spcso.matches(&value));
        assert_eq!(spcso.max_encoded_size(), 100);
        assert_eq!(response_spec(TOTW_RESPONSE).max_encoded_size(), 26);
        assert_eq!(TypeSpec::VisibleString(-255).max_encoded_size(), 258);
        assert_eq!(TypeSpec::GeneralizedTime.max_encoded_size(), 0);
        assert_eq!(TypeSpec::GeneralizedTime.default_value(), None);
        assert_eq!(named(vec![("g", TypeSpec::ObjId)]).default_value(), None);
        let fixed = TypeSpec::OctetString(3).default_value().unwrap();
        assert_eq!(fixed.to_text(), b"000000");
        assert!(TypeSpec::BitString(-13).matches(&MmsValue::BitString(BitString::new(2))));
        assert!(!TypeSpec::BitString(13).matches(&MmsValue::BitString(BitString::new(2))));
        assert!(!TypeSpec::BinaryTime(true).matches(&MmsValue::BinaryTime(vec![0; 4].into())));
        let huge = TypeSpec::Array {
            packed: false,
            count: u32::MAX,
            element: Box::new(TypeSpec::Boolean),
        };
        assert_eq!(huge.default_value(), None);
        let unset = MmsValue::Structure(vec![None, None, None].into());
        assert!(!status().matches(&unset));
    }
}
