//! `MmsValue`: the ISO 9506 Data CHOICE as a Rust value.
//!
//! This is the value behind the C `MmsValue*` handle. Structure and array
//! elements are boxed so that the C API can hand out stable pointers to
//! children (`MmsValue_getElement` borrows) and adopt caller-allocated
//! elements (`MmsValue_setElement` takes ownership). An element may be absent
//! (`None`) because `MmsValue_createEmptyStructure` creates unset slots.

use std::ffi::CString;

/// The children of a structure or array value.
pub type Elements = Vec<Option<Box<MmsValue>>>;

/// MMS type tag as in `mms_common.h` (`MmsType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(i32)]
pub enum MmsType {
    /// MMS_ARRAY
    Array = 0,
    /// MMS_STRUCTURE
    Structure = 1,
    /// MMS_BOOLEAN
    Boolean = 2,
    /// MMS_BIT_STRING
    BitString = 3,
    /// MMS_INTEGER
    Integer = 4,
    /// MMS_UNSIGNED
    Unsigned = 5,
    /// MMS_FLOAT
    Float = 6,
    /// MMS_OCTET_STRING
    OctetString = 7,
    /// MMS_VISIBLE_STRING
    VisibleString = 8,
    /// MMS_GENERALIZED_TIME
    GeneralizedTime = 9,
    /// MMS_BINARY_TIME
    BinaryTime = 10,
    /// MMS_BCD
    Bcd = 11,
    /// MMS_OBJ_ID
    ObjId = 12,
    /// MMS_STRING
    MmsString = 13,
    /// MMS_UTC_TIME
    UtcTime = 14,
    /// MMS_DATA_ACCESS_ERROR
    DataAccessError = 15,
}

/// A bit string: `size` bits stored MSB-first in `bytes` (BER order).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BitString {
    /// Number of bits.
    pub size: u32,
    /// `ceil(size / 8)` bytes, bit 0 is the MSB of byte 0; padding bits are zero.
    pub bytes: Vec<u8>,
}

impl BitString {
    /// A bit string of `size` bits, all clear.
    pub fn new(size: u32) -> Self {
        BitString {
            size,
            bytes: vec![0; size.div_ceil(8) as usize],
        }
    }

    /// Value of bit `pos` (false when out of range).
    pub fn get(&self, pos: u32) -> bool {
        pos < self.size && self.bytes[(pos / 8) as usize] & (0x80 >> (pos % 8)) != 0
    }

    /// Sets bit `pos`; out-of-range positions are ignored.
    pub fn set(&mut self, pos: u32, value: bool) {
        if pos < self.size {
            let mask = 0x80 >> (pos % 8);
            let byte = &mut self.bytes[(pos / 8) as usize];
            if value {
                *byte |= mask
            } else {
                *byte &= !mask
            }
        }
    }
}

/// An octet string with the capacity it was created with.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OctetString {
    /// Current content.
    pub data: Vec<u8>,
    /// Largest size the value accepts (`MmsValue_newOctetString(size, maxSize)`).
    pub max_size: usize,
}

/// One MMS Data value.
#[derive(Debug, Clone, PartialEq)]
pub enum MmsValue {
    /// array: elements of one type.
    Array(Elements),
    /// structure: ordered components.
    Structure(Elements),
    /// boolean.
    Boolean(bool),
    /// bit-string.
    BitString(BitString),
    /// integer (signed, up to 64 bits).
    Integer(i64),
    /// unsigned (up to 64 bits).
    Unsigned(u64),
    /// floating-point with 8-bit exponent (IEEE single).
    Float(f32),
    /// floating-point with 11-bit exponent (IEEE double).
    Double(f64),
    /// octet-string.
    OctetString(OctetString),
    /// visible-string (no interior NUL: C callers see it as a C string).
    VisibleString(CString),
    /// generalized-time, kept as its text.
    GeneralizedTime(CString),
    /// binary-time: 4 octets (time of day) or 6 octets (with days since 1984).
    BinaryTime(Vec<u8>),
    /// bcd.
    Bcd(i64),
    /// objId: the arcs.
    ObjId(Vec<u32>),
    /// MMSString (UTF-8).
    MmsString(CString),
    /// utc-time: 4 octets seconds, 3 octets fraction, 1 octet time quality.
    UtcTime([u8; 8]),
    /// DataAccessError code of a failed read (`MmsDataAccessError`).
    DataAccessError(i32),
}

impl MmsValue {
    /// The `MmsType` of this value.
    pub fn mms_type(&self) -> MmsType {
        match self {
            MmsValue::Array(_) => MmsType::Array,
            MmsValue::Structure(_) => MmsType::Structure,
            MmsValue::Boolean(_) => MmsType::Boolean,
            MmsValue::BitString(_) => MmsType::BitString,
            MmsValue::Integer(_) => MmsType::Integer,
            MmsValue::Unsigned(_) => MmsType::Unsigned,
            MmsValue::Float(_) | MmsValue::Double(_) => MmsType::Float,
            MmsValue::OctetString(_) => MmsType::OctetString,
            MmsValue::VisibleString(_) => MmsType::VisibleString,
            MmsValue::GeneralizedTime(_) => MmsType::GeneralizedTime,
            MmsValue::BinaryTime(_) => MmsType::BinaryTime,
            MmsValue::Bcd(_) => MmsType::Bcd,
            MmsValue::ObjId(_) => MmsType::ObjId,
            MmsValue::MmsString(_) => MmsType::MmsString,
            MmsValue::UtcTime(_) => MmsType::UtcTime,
            MmsValue::DataAccessError(_) => MmsType::DataAccessError,
        }
    }

    /// A visible-string value; text after an interior NUL is dropped, as a C caller would see it.
    pub fn visible_string(text: &[u8]) -> MmsValue {
        MmsValue::VisibleString(c_string_lossy(text))
    }

    /// A structure of the given components.
    pub fn structure(elements: Vec<MmsValue>) -> MmsValue {
        MmsValue::Structure(elements.into_iter().map(|e| Some(Box::new(e))).collect())
    }

    /// An array of the given elements.
    pub fn array(elements: Vec<MmsValue>) -> MmsValue {
        MmsValue::Array(elements.into_iter().map(|e| Some(Box::new(e))).collect())
    }

    /// Children of a structure or array (empty for other types).
    pub fn elements(&self) -> &[Option<Box<MmsValue>>] {
        match self {
            MmsValue::Array(e) | MmsValue::Structure(e) => e,
            _ => &[],
        }
    }
}

/// Bytes up to the first NUL as a `CString`.
pub fn c_string_lossy(bytes: &[u8]) -> CString {
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    // The slice has no NUL by construction.
    CString::new(&bytes[..end]).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bit_string_bits_are_msb_first() {
        let mut b = BitString::new(13);
        assert_eq!(b.bytes.len(), 2);
        b.set(0, true);
        b.set(12, true);
        b.set(13, true); // out of range: ignored
        assert_eq!(b.bytes, vec![0x80, 0x08]);
        assert!(b.get(12) && !b.get(11) && !b.get(13));
    }

    #[test]
    fn strings_stop_at_nul() {
        let v = MmsValue::visible_string(b"ab\0cd");
        assert_eq!(v, MmsValue::VisibleString(CString::new("ab").unwrap()));
        assert_eq!(v.mms_type(), MmsType::VisibleString);
    }
}
