//! What the MMS codec modules share (ISO 9506-2): the decode error, the PDU and universal
//! tags, the writer of confirmed request and response PDUs, the ServiceError codec and the
//! small BER helpers (Identifier, NULL, VisibleString, a sequence of TLVs).
//!
//! Every service module and the PDU envelope ([`crate::mms::pdu`]) build on this module;
//! it depends on none of them.

use std::convert::Infallible;

use crate::ber::{self, BerError, Reader, Tlv};
use crate::mms::data::DataError;

/// confirmed-RequestPDU [0].
pub(crate) const PDU_CONFIRMED_REQUEST: u32 = 0xA0;
/// confirmed-ResponsePDU [1].
pub(crate) const PDU_CONFIRMED_RESPONSE: u32 = 0xA1;
/// unconfirmed-PDU [3].
pub(crate) const PDU_UNCONFIRMED: u32 = 0xA3;
/// Universal INTEGER (the invokeID of confirmed requests and responses).
pub(crate) const TAG_INTEGER: u32 = 0x02;
/// Universal SEQUENCE.
pub(crate) const TAG_SEQUENCE: u32 = 0x30;
/// Universal VisibleString (MMS Identifier).
pub(crate) const TAG_IDENTIFIER: u32 = 0x1A;

/// Errors decoding an MMS PDU.
#[derive(Debug, thiserror::Error, PartialEq, Eq, Clone)]
pub enum MmsError {
    /// Malformed BER.
    #[error(transparent)]
    Ber(#[from] BerError),
    /// Malformed Data inside the PDU.
    #[error(transparent)]
    Data(#[from] DataError),
    /// A PDU type this implementation does not handle (cancel PDUs, unknown tags).
    #[error("unsupported MMS PDU tag {0:#x}")]
    UnsupportedPdu(u32),
    /// Structurally valid BER that is not a valid MMS PDU.
    #[error("invalid MMS PDU: {0}")]
    Invalid(&'static str),
}

/// Writes a confirmed request or response envelope around `service`.
pub(crate) fn write_confirmed<E>(
    out: &mut Vec<u8>,
    pdu_tag: u32,
    invoke_id: u32,
    service_tag: u32,
    service: impl FnOnce(&mut Vec<u8>) -> Result<(), E>,
) -> Result<(), E> {
    let start = out.len();
    let mut result = Ok(());
    ber::write_constructed(out, pdu_tag, |out| {
        ber::write_u64(out, TAG_INTEGER, u64::from(invoke_id));
        ber::write_constructed(out, service_tag, |out| result = service(out));
    });
    if result.is_err() {
        out.truncate(start);
    }
    result
}

/// Writes a confirmed request or response whose service body cannot fail.
pub(crate) fn write_confirmed_ok(
    out: &mut Vec<u8>,
    pdu_tag: u32,
    invoke_id: u32,
    service_tag: u32,
    service: impl FnOnce(&mut Vec<u8>),
) {
    let _ = write_confirmed::<Infallible>(out, pdu_tag, invoke_id, service_tag, |out| {
        service(out);
        Ok(())
    });
}

/// Writes a ServiceError body: errorClass [0] with the class alternative and its code.
pub(crate) fn write_service_error(out: &mut Vec<u8>, class: u8, code: i64) {
    ber::write_constructed(out, 0xA0, |out| {
        ber::write_i64(out, 0x80 | u32::from(class & 0x1F), code);
    });
}

/// Decodes a ServiceError body into (errorClass alternative, code).
pub(crate) fn decode_service_error(v: &[u8]) -> Result<(u8, i64), MmsError> {
    let mut r = Reader::new(v);
    let class = Reader::new(r.expect(0xA0)?).read_tlv()?;
    // Primitive context tags [0]..[12]; later fields (additional code/description) are optional extras.
    match class.tag {
        t @ 0x80..=0x8C => Ok(((t - 0x80) as u8, ber::decode_i64(class.value)?)),
        _ => Err(MmsError::Invalid("ServiceError errorClass")),
    }
}

/// Applies `f` to every TLV of `content`.
pub(crate) fn read_all<T>(
    content: &[u8],
    mut f: impl FnMut(&Tlv) -> Result<T, MmsError>,
) -> Result<Vec<T>, MmsError> {
    let mut r = Reader::new(content);
    let mut items = Vec::new();
    while !r.is_empty() {
        items.push(f(&r.read_tlv()?)?);
    }
    Ok(items)
}

/// An Identifier as text.
pub(crate) fn identifier(v: &[u8]) -> Result<String, MmsError> {
    String::from_utf8(v.to_vec()).map_err(|_| MmsError::Invalid("identifier is not text"))
}

/// Checks that a NULL has no content.
pub(crate) fn expect_null(v: &[u8]) -> Result<(), MmsError> {
    match v {
        [] => Ok(()),
        _ => Err(MmsError::Invalid("NULL with content")),
    }
}

/// A free-text VisibleString; stray non-ASCII octets from a device are replaced rather
/// than failing the whole response.
pub(crate) fn visible_string(v: &[u8]) -> String {
    String::from_utf8_lossy(v).into_owned()
}
