//! MMS ObjectName: how variables, variable lists and journals are named
//! (VMD-specific, domain-specific or association-specific), and its codec.

use crate::ber::{self, Reader, Tlv};
use crate::mms::common::{identifier, MmsError, TAG_IDENTIFIER};

/// An MMS ObjectName.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ObjectName {
    /// vmd-specific [0].
    Vmd(String),
    /// domain-specific [1]: domain and item.
    Domain(String, String),
    /// aa-specific [2] (association scope).
    Aa(String),
}

/// Writes an Identifier.
fn write_identifier(out: &mut Vec<u8>, s: &str) {
    ber::write_tlv(out, TAG_IDENTIFIER, s.as_bytes());
}

/// Writes an ObjectName (a CHOICE, so its own tag is the alternative's).
pub(crate) fn write_object_name(out: &mut Vec<u8>, name: &ObjectName) {
    match name {
        ObjectName::Vmd(item) => ber::write_tlv(out, 0x80, item.as_bytes()),
        ObjectName::Domain(domain, item) => ber::write_constructed(out, 0xA1, |out| {
            write_identifier(out, domain);
            write_identifier(out, item);
        }),
        ObjectName::Aa(item) => ber::write_tlv(out, 0x82, item.as_bytes()),
    }
}

/// Decodes the single ObjectName TLV held in `content`.
pub(crate) fn decode_object_name_in(content: &[u8]) -> Result<ObjectName, MmsError> {
    let mut r = Reader::new(content);
    let tlv = r.read_tlv()?;
    if !r.is_empty() {
        return Err(MmsError::Invalid("trailing bytes after object name"));
    }
    decode_object_name(&tlv)
}

/// Decodes an ObjectName TLV.
pub(crate) fn decode_object_name(tlv: &Tlv) -> Result<ObjectName, MmsError> {
    match tlv.tag {
        0x80 => Ok(ObjectName::Vmd(identifier(tlv.value)?)),
        0xA1 => {
            let mut r = Reader::new(tlv.value);
            let domain = identifier(r.expect(TAG_IDENTIFIER)?)?;
            let item = identifier(r.expect(TAG_IDENTIFIER)?)?;
            Ok(ObjectName::Domain(domain, item))
        }
        0x82 => Ok(ObjectName::Aa(identifier(tlv.value)?)),
        _ => Err(MmsError::Invalid("object name")),
    }
}
