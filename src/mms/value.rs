//! `MmsValue`: the ISO 9506 Data CHOICE as a Rust value.
//!
//! This is the value behind the C `MmsValue*` handle. Structure and array
//! elements are boxed so that the C API can hand out stable pointers to
//! children (`MmsValue_getElement` borrows) and adopt caller-allocated
//! elements (`MmsValue_setElement` takes ownership). An element may be absent
//! (`None`) because `MmsValue_createEmptyStructure` creates unset slots.

use std::ffi::{CStr, CString};

pub use super::storage::{Node, Parts, Text};

/// The children of a structure or array value.
pub type Elements = Parts<Option<Node>>;

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
    pub bytes: Parts<u8>,
}

impl BitString {
    /// A bit string of `size` bits, all clear.
    pub fn new(size: u32) -> Self {
        BitString {
            size,
            bytes: vec![0; size.div_ceil(8) as usize].into(),
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
    pub data: Parts<u8>,
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
    VisibleString(Text),
    /// generalized-time, kept as its text.
    GeneralizedTime(Text),
    /// binary-time: 4 octets (time of day) or 6 octets (with days since 1984).
    BinaryTime(Parts<u8>),
    /// bcd.
    Bcd(i64),
    /// objId: the arcs.
    ObjId(Parts<u32>),
    /// MMSString (UTF-8).
    MmsString(Text),
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
        MmsValue::VisibleString(c_string_lossy(text).into())
    }

    /// A structure of the given components.
    pub fn structure(elements: Vec<MmsValue>) -> MmsValue {
        MmsValue::Structure(elements.into_iter().map(|e| Some(Node::new(e))).collect())
    }

    /// An array of the given elements.
    pub fn array(elements: Vec<MmsValue>) -> MmsValue {
        MmsValue::Array(elements.into_iter().map(|e| Some(Node::new(e))).collect())
    }

    /// Children of a structure or array (empty for other types).
    pub fn elements(&self) -> &[Option<Node>] {
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

/// Milliseconds from 1970-01-01 to 1984-01-01, the epoch of MMS binary-time days.
pub const BINARY_TIME_EPOCH_MS: u64 = 441_763_200_000;

const MS_PER_DAY: u64 = 86_400_000;

/// UTC time quality `MmsValue_setUtcTimeMs` writes: clock accuracy of 10 bits, no flags.
pub const UTC_TIME_DEFAULT_QUALITY: u8 = 0x0a;

/// The 8-octet IEC 61850 UTC time (also the C `Timestamp`): seconds, 24-bit fraction, quality.
pub mod utc {
    /// Seconds since 1970 (octets 0..4, big-endian).
    pub fn seconds(t: &[u8; 8]) -> u32 {
        u32::from_be_bytes([t[0], t[1], t[2], t[3]])
    }

    /// Sets the seconds, leaving fraction and quality alone.
    pub fn set_seconds(t: &mut [u8; 8], secs: u32) {
        t[..4].copy_from_slice(&secs.to_be_bytes());
    }

    /// Fraction of a second in units of 2^-24 s (octets 4..7).
    pub fn fraction(t: &[u8; 8]) -> u32 {
        u32::from_be_bytes([0, t[4], t[5], t[6]])
    }

    /// Sets the 24-bit fraction (higher bits are dropped).
    pub fn set_fraction(t: &mut [u8; 8], fraction: u32) {
        t[4..7].copy_from_slice(&fraction.to_be_bytes()[1..]);
    }

    /// Sets seconds and fraction from milliseconds since 1970, leaving the quality octet alone.
    pub fn set_ms(t: &mut [u8; 8], ms: u64) {
        set_seconds(t, (ms / 1000) as u32);
        set_fraction(t, (((ms % 1000) << 24) / 1000) as u32);
    }

    /// Sets seconds and fraction from nanoseconds since 1970, leaving the quality octet alone.
    pub fn set_ns(t: &mut [u8; 8], ns: u64) {
        set_seconds(t, (ns / 1_000_000_000) as u32);
        set_fraction(t, (((ns % 1_000_000_000) << 24) / 1_000_000_000) as u32);
    }

    /// Milliseconds since 1970; the fraction is divided by 16777 as libiec61850 does, so
    /// values written by [`set_ms`] read back unchanged.
    pub fn ms(t: &[u8; 8]) -> u64 {
        u64::from(seconds(t)) * 1000 + u64::from(fraction(t) / 16777)
    }

    /// Milliseconds since 1970 and the microseconds within that millisecond.
    pub fn ms_with_us(t: &[u8; 8]) -> (u64, u32) {
        let us = (u64::from(fraction(t)) * 1_000_000) >> 24;
        (u64::from(seconds(t)) * 1000 + us / 1000, (us % 1000) as u32)
    }

    /// Nanoseconds since 1970.
    pub fn ns(t: &[u8; 8]) -> u64 {
        u64::from(seconds(t)) * 1_000_000_000 + ((u64::from(fraction(t)) * 1_000_000_000) >> 24)
    }
}

/// `YYYYMMDDhhmmss.mmmZ` for milliseconds since 1970, the text `MmsValue_printToBuffer` uses.
pub fn format_utc_ms(ms: u64) -> String {
    let secs = ms / 1000;
    let (y, m, d) = civil_from_days((secs / 86_400) as i64);
    let sod = secs % 86_400;
    format!(
        "{:04}{:02}{:02}{:02}{:02}{:02}.{:03}Z",
        y,
        m,
        d,
        sod / 3600,
        sod % 3600 / 60,
        sod % 60,
        ms % 1000
    )
}

/// Proleptic Gregorian (year, month, day) of a day count since 1970-01-01.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// C `printf("%f")` of a double (`inf`, `-nan`, six decimals).
fn c_fixed6(x: f64) -> String {
    let sign = if x.is_sign_negative() { "-" } else { "" };
    if x.is_nan() {
        format!("{sign}nan")
    } else if x.is_infinite() {
        format!("{sign}inf")
    } else {
        format!("{x:.6}")
    }
}

/// Bytes of the shortest two's complement encoding of `v` (the BER integer length).
fn twos_complement_len(v: i64) -> u32 {
    let magnitude_bits = if v < 0 {
        64 - v.leading_ones()
    } else {
        64 - v.leading_zeros()
    };
    (magnitude_bits + 1).div_ceil(8)
}

impl BitString {
    /// Number of bits set.
    pub fn count_ones(&self) -> u32 {
        self.bytes.iter().map(|b| b.count_ones()).sum()
    }

    /// Sets every bit (padding bits stay clear).
    pub fn set_all(&mut self) {
        (0..self.size).for_each(|i| self.set(i, true));
    }

    /// Clears every bit.
    pub fn clear_all(&mut self) {
        self.bytes.iter_mut().for_each(|b| *b = 0);
    }

    /// Sum of `2^(i mod 32)` over the set bits `i`, wrapping as libiec61850's 32-bit loop does.
    pub fn as_integer(&self) -> u32 {
        (0..self.size)
            .filter(|&i| self.get(i))
            .fold(0u32, |acc, i| acc.wrapping_add(1 << (i % 32)))
    }

    /// As [`Self::as_integer`] with bit 0 as the most significant bit (`size - 1 - i` weights).
    pub fn as_integer_big_endian(&self) -> u32 {
        (0..self.size)
            .filter(|&i| self.get(i))
            .fold(0u32, |acc, i| {
                acc.wrapping_add(1 << ((self.size - 1 - i) % 32))
            })
    }

    /// Bit `i` takes bit `i` of `value`; bits from 32 on are cleared.
    pub fn set_from_integer(&mut self, value: u32) {
        for i in 0..self.size {
            self.set(i, i < 32 && value & (1 << i) != 0);
        }
    }

    /// Bit `size - 1 - i` takes bit `i` of `value`; bits beyond the 32 lowest weights are cleared.
    pub fn set_from_integer_big_endian(&mut self, value: u32) {
        for i in 0..self.size {
            let weight = self.size - 1 - i;
            self.set(i, weight < 32 && value & (1 << weight) != 0);
        }
    }

    /// Copies the first `min(self.size, other.size)` bits of `other`.
    pub fn copy_bits_from(&mut self, other: &BitString) {
        for i in 0..self.size.min(other.size) {
            self.set(i, other.get(i));
        }
    }
}

/// Binary-time value (`TimeOfDay`): ms of the day, then for 6 octets days since 1984.
pub mod binary_time {
    use super::{BINARY_TIME_EPOCH_MS, MS_PER_DAY};

    /// Stores `ms` since 1970; times before 1984 store zero.
    pub fn set_ms(octets: &mut [u8], ms: u64) {
        let since_1984 = ms.saturating_sub(BINARY_TIME_EPOCH_MS);
        let ms_of_day = (since_1984 % MS_PER_DAY) as u32;
        if let Some(head) = octets.get_mut(..4) {
            head.copy_from_slice(&ms_of_day.to_be_bytes());
        }
        if let Some(days) = octets.get_mut(4..6) {
            days.copy_from_slice(&((since_1984 / MS_PER_DAY) as u16).to_be_bytes());
        }
    }

    /// Milliseconds since 1970 (only the time of day for the 4-octet form).
    pub fn ms(octets: &[u8]) -> u64 {
        let ms_of_day = match octets.get(..4) {
            Some(h) => u64::from(u32::from_be_bytes([h[0], h[1], h[2], h[3]])),
            None => 0,
        };
        match octets.get(4..6) {
            Some(d) if octets.len() == 6 => {
                ms_of_day
                    + u64::from(u16::from_be_bytes([d[0], d[1]])) * MS_PER_DAY
                    + BINARY_TIME_EPOCH_MS
            }
            _ => ms_of_day,
        }
    }
}

impl MmsValue {
    /// The name `MmsValue_getTypeString` gives this value's type.
    pub fn type_name(&self) -> &'static CStr {
        match self.mms_type() {
            MmsType::Array => c"array",
            MmsType::Structure => c"structure",
            MmsType::Boolean => c"boolean",
            MmsType::BitString => c"bit-string",
            MmsType::Integer => c"integer",
            MmsType::Unsigned => c"unsigned",
            MmsType::Float => c"float",
            MmsType::OctetString => c"octet-string",
            MmsType::VisibleString => c"visible-string",
            MmsType::GeneralizedTime => c"generalized-time",
            MmsType::BinaryTime => c"binary-time",
            MmsType::Bcd => c"bcd",
            MmsType::ObjId => c"obj-id",
            MmsType::MmsString => c"mms-string",
            MmsType::UtcTime => c"utc-time",
            MmsType::DataAccessError => c"access-error",
        }
    }

    /// Integer or unsigned as `i64` (0 for other types).
    pub fn to_i64(&self) -> i64 {
        match *self {
            MmsValue::Integer(v) => v,
            MmsValue::Unsigned(v) => v as i64,
            _ => 0,
        }
    }

    /// Integer or unsigned truncated to its low 32 bits (0 for other types).
    pub fn to_i32(&self) -> i32 {
        self.to_i64() as i32
    }

    /// Integer or unsigned as `u32`: a negative integer of at most 4 octets reads as its
    /// BER octets without sign extension (-1 → 255), as in libiec61850; longer ones truncate.
    pub fn to_u32(&self) -> u32 {
        match *self {
            MmsValue::Integer(v) => match twos_complement_len(v) {
                n @ 1..=4 => (v as u64 & ((1u64 << (8 * n)) - 1)) as u32,
                _ => v as u32,
            },
            MmsValue::Unsigned(v) => v as u32,
            _ => 0,
        }
    }

    /// Floating point value as `f32` (0 for other types).
    pub fn to_f32(&self) -> f32 {
        match *self {
            MmsValue::Float(f) => f,
            MmsValue::Double(d) => d as f32,
            _ => 0.0,
        }
    }

    /// Floating point value as `f64` (0 for other types).
    pub fn to_f64(&self) -> f64 {
        match *self {
            MmsValue::Float(f) => f64::from(f),
            MmsValue::Double(d) => d,
            _ => 0.0,
        }
    }

    /// Text of `MmsValue_printToBuffer`, before truncation to the caller's buffer.
    pub fn to_text(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.write_text(&mut out);
        out
    }

    fn write_text(&self, out: &mut Vec<u8>) {
        match self {
            MmsValue::Array(elements) | MmsValue::Structure(elements) => {
                out.push(b'{');
                for (i, element) in elements.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    match element {
                        Some(e) => e.write_text(out),
                        None => out.extend_from_slice(b"(null)"),
                    }
                }
                out.push(b'}');
            }
            MmsValue::Boolean(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
            MmsValue::BitString(bits) => {
                out.extend((0..bits.size).map(|i| if bits.get(i) { b'1' } else { b'0' }))
            }
            MmsValue::Integer(v) | MmsValue::Bcd(v) => {
                out.extend_from_slice(v.to_string().as_bytes())
            }
            MmsValue::Unsigned(_) => out.extend_from_slice(self.to_u32().to_string().as_bytes()),
            MmsValue::Float(_) | MmsValue::Double(_) => {
                out.extend_from_slice(c_fixed6(f64::from(self.to_f32())).as_bytes())
            }
            MmsValue::OctetString(o) => {
                for b in &o.data {
                    out.extend_from_slice(format!("{b:02x}").as_bytes());
                }
            }
            MmsValue::VisibleString(s) | MmsValue::MmsString(s) | MmsValue::GeneralizedTime(s) => {
                out.extend_from_slice(s.to_bytes())
            }
            MmsValue::BinaryTime(octets) => {
                out.extend_from_slice(format_utc_ms(binary_time::ms(octets)).as_bytes())
            }
            MmsValue::ObjId(arcs) => {
                let text: Vec<String> = arcs.iter().map(u32::to_string).collect();
                out.extend_from_slice(text.join(".").as_bytes());
            }
            MmsValue::UtcTime(t) => out.extend_from_slice(format_utc_ms(utc::ms(t)).as_bytes()),
            MmsValue::DataAccessError(code) => {
                out.extend_from_slice(format!("error {code}").as_bytes())
            }
        }
    }

    /// `MmsValue_equals`: same type and content; floats compare bit patterns and width,
    /// containers need every element present.
    pub fn equals(&self, other: &MmsValue) -> bool {
        use MmsValue::*;
        match (self, other) {
            (Array(a), Array(b)) | (Structure(a), Structure(b)) => {
                a.len() == b.len()
                    && a.iter()
                        .zip(b)
                        .all(|(x, y)| matches!((x, y), (Some(x), Some(y)) if x.equals(y)))
            }
            (Float(a), Float(b)) => a.to_bits() == b.to_bits(),
            (Double(a), Double(b)) => a.to_bits() == b.to_bits(),
            (OctetString(a), OctetString(b)) => a.data == b.data,
            (a, b) if a.mms_type() == b.mms_type() && a.mms_type() != MmsType::Float => a == b,
            _ => false,
        }
    }

    /// `MmsValue_equalTypes`: same type, and for containers the same length and element types.
    pub fn equal_types(&self, other: &MmsValue) -> bool {
        match (self, other) {
            (MmsValue::Array(a), MmsValue::Array(b))
            | (MmsValue::Structure(a), MmsValue::Structure(b)) => {
                a.len() == b.len()
                    && a.iter()
                        .zip(b)
                        .all(|(x, y)| matches!((x, y), (Some(x), Some(y)) if x.equal_types(y)))
            }
            (a, b) => a.mms_type() == b.mms_type(),
        }
    }

    /// `MmsValue_update`: copies `source` into `self` when the types fit; false (possibly after
    /// updating earlier elements of a container) when they do not.
    pub fn update(&mut self, source: &MmsValue) -> bool {
        use MmsValue::*;
        match (self, source) {
            (Array(a), Array(b)) | (Structure(a), Structure(b)) => {
                a.len() == b.len()
                    && a.iter_mut().zip(b).all(|(x, y)| match (x, y) {
                        (Some(x), Some(y)) => x.update(y),
                        _ => false,
                    })
            }
            (BitString(a), BitString(b)) => {
                a.copy_bits_from(b);
                true
            }
            (OctetString(a), OctetString(b)) => {
                let fits = b.data.len() <= a.max_size;
                if fits {
                    a.data.assign(&b.data);
                }
                fits
            }
            // In place, so that a value in a caller's buffer stays there when it can.
            (VisibleString(a), VisibleString(b))
            | (MmsString(a), MmsString(b))
            | (GeneralizedTime(a), GeneralizedTime(b)) => {
                a.assign(b.to_bytes());
                true
            }
            (BinaryTime(a), BinaryTime(b)) => {
                a.assign(b);
                true
            }
            (ObjId(a), ObjId(b)) => {
                a.assign(b);
                true
            }
            (DataAccessError(_), _) => false,
            (target, source) if target.mms_type() == source.mms_type() => {
                // Floats only update within the same width.
                let same_width = matches!(
                    (&*target, source),
                    (Float(_), Float(_)) | (Double(_), Double(_))
                ) || target.mms_type() != MmsType::Float;
                if same_width {
                    target.clone_from(source);
                }
                same_width
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod api_tests {
    use super::*;

    #[test]
    fn utc_ms_round_trips_and_divides_by_16777() {
        let mut t = [0u8; 8];
        for ms in [0u64, 1, 999, 1500, 1_700_000_000_999] {
            utc::set_ms(&mut t, ms);
            assert_eq!(utc::ms(&t), ms);
        }
        t = [0, 0, 0, 0, 0xff, 0xff, 0xff, 0];
        assert_eq!(utc::ms(&t), 1000);
        assert_eq!(utc::ms_with_us(&t), (999, 999));
        assert_eq!(utc::ns(&t), 999_999_940);
        utc::set_ns(&mut t, 123_456_789);
        assert_eq!(&t[4..7], &[0x1f, 0x9a, 0xdd]);
    }

    #[test]
    fn utc_text() {
        assert_eq!(format_utc_ms(1_700_000_000_123), "20231114221320.123Z");
        assert_eq!(format_utc_ms(BINARY_TIME_EPOCH_MS), "19840101000000.000Z");
        assert_eq!(format_utc_ms(4_294_967_295_999), "21060207062815.999Z");
    }

    #[test]
    fn binary_time_forms() {
        let mut six = vec![0u8; 6];
        binary_time::set_ms(&mut six, BINARY_TIME_EPOCH_MS + 3 * MS_PER_DAY + 5000);
        assert_eq!(six, [0, 0, 0x13, 0x88, 0, 3]);
        assert_eq!(
            binary_time::ms(&six),
            BINARY_TIME_EPOCH_MS + 3 * MS_PER_DAY + 5000
        );
        let mut four = vec![0u8; 4];
        binary_time::set_ms(&mut four, 1_700_000_000_123);
        assert_eq!(binary_time::ms(&four), 80_000_123);
        binary_time::set_ms(&mut four, 1000);
        assert_eq!(binary_time::ms(&four), 0);
    }

    #[test]
    fn bit_string_integers_wrap_like_the_reference() {
        let mut b = BitString::new(13);
        b.set_from_integer(0x1234);
        assert_eq!(MmsValue::BitString(b.clone()).to_text(), b"0010110001001");
        assert_eq!((b.as_integer(), b.as_integer_big_endian()), (0x1234, 0x589));
        let mut wide = BitString::new(40);
        wide.set_from_integer(0xffff_ffff);
        wide.set(39, true);
        assert_eq!((wide.as_integer(), wide.as_integer_big_endian()), (0x7f, 0));
        wide.set_from_integer_big_endian(0x8000_0001);
        assert!(wide.get(8) && wide.get(39) && wide.count_ones() == 2);
        let mut target = BitString::new(12);
        target.set(6, true);
        let mut source = BitString::new(5);
        source.set_all();
        target.copy_bits_from(&source);
        assert_eq!(MmsValue::BitString(target).to_text(), b"111110100000");
    }

    #[test]
    fn integer_conversions() {
        assert_eq!(MmsValue::Integer(-70000).to_u32(), 0xfe_ee90);
        assert_eq!(MmsValue::Integer(-1).to_u32(), 255);
        assert_eq!(MmsValue::Integer(-(1 << 31) - 1).to_u32(), 0x7fff_ffff);
        assert_eq!(MmsValue::Integer(1 << 40).to_i32(), 0);
        assert_eq!(MmsValue::Unsigned(4_000_000_000).to_i32(), -294_967_296);
        assert_eq!(MmsValue::Boolean(true).to_i64(), 0);
    }

    #[test]
    fn printing() {
        let s = MmsValue::Structure(vec![Some(Node::new(MmsValue::Boolean(false))), None].into());
        assert_eq!(s.to_text(), b"{false,(null)}");
        assert_eq!(MmsValue::Double(1e300).to_text(), b"inf");
        assert_eq!(MmsValue::Float(-0.0).to_text(), b"-0.000000");
        assert_eq!(MmsValue::Float(f32::NAN).to_text(), b"nan");
        assert_eq!(MmsValue::DataAccessError(10).to_text(), b"error 10");
        let o = OctetString {
            data: vec![1, 0xab, 0xff].into(),
            max_size: 3,
        };
        assert_eq!(MmsValue::OctetString(o).to_text(), b"01abff");
    }

    #[test]
    fn equals_update_and_types() {
        assert!(!MmsValue::Float(1.0).equals(&MmsValue::Double(1.0)));
        assert!(MmsValue::Float(1.0).equal_types(&MmsValue::Double(1.0)));
        assert!(!MmsValue::Integer(5).equals(&MmsValue::Unsigned(5)));
        let empty = MmsValue::Array(vec![None, None].into());
        assert!(!empty.equals(&empty.clone()) && !empty.equal_types(&empty.clone()));
        let mut f = MmsValue::Float(1.0);
        assert!(!f.update(&MmsValue::Double(2.0)));
        let mut o = MmsValue::OctetString(OctetString {
            data: vec![0].into(),
            max_size: 2,
        });
        let big = MmsValue::OctetString(OctetString {
            data: vec![1; 3].into(),
            max_size: 3,
        });
        assert!(!o.update(&big));
        let mut a = MmsValue::array(vec![MmsValue::Integer(1)]);
        assert!(a.update(&MmsValue::array(vec![MmsValue::Integer(7)])));
        assert_eq!(a.to_text(), b"{7}");
        assert!(!MmsValue::DataAccessError(1).update(&MmsValue::DataAccessError(2)));
    }
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
        assert_eq!(b.bytes, vec![0x80, 0x08].into());
        assert!(b.get(12) && !b.get(11) && !b.get(13));
    }

    #[test]
    fn strings_stop_at_nul() {
        let v = MmsValue::visible_string(b"ab\0cd");
        assert_eq!(
            v,
            MmsValue::VisibleString(CString::new("ab").unwrap().into())
        );
        assert_eq!(v.mms_type(), MmsType::VisibleString);
    }
}
