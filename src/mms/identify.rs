//! MMS Identify (ISO 9506-2), both directions: a NULL request, answered by the server's
//! vendor, model and revision.

use crate::ber::{self, Reader};
use crate::mms::common::{
    expect_null, visible_string, write_confirmed_ok, MmsError, PDU_CONFIRMED_REQUEST,
    PDU_CONFIRMED_RESPONSE,
};

/// identify [2] request (NULL).
pub(crate) const SERVICE_IDENTIFY_REQUEST: u32 = 0x82;
/// identify [2] response.
pub(crate) const SERVICE_IDENTIFY_RESPONSE: u32 = 0xA2;

/// Identify response: the server's self-description.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ServerIdentity {
    /// vendorName.
    pub vendor: String,
    /// modelName.
    pub model: String,
    /// revision.
    pub revision: String,
}

/// Writes an Identify request.
pub fn encode_identify_request(invoke_id: u32, out: &mut Vec<u8>) {
    write_confirmed_ok(
        out,
        PDU_CONFIRMED_REQUEST,
        invoke_id,
        SERVICE_IDENTIFY_REQUEST,
        |_| {},
    );
}

/// Writes an Identify response (server side).
pub fn encode_identify_response(invoke_id: u32, id: &ServerIdentity, out: &mut Vec<u8>) {
    write_confirmed_ok(
        out,
        PDU_CONFIRMED_RESPONSE,
        invoke_id,
        SERVICE_IDENTIFY_RESPONSE,
        |out| {
            ber::write_tlv(out, 0x80, id.vendor.as_bytes());
            ber::write_tlv(out, 0x81, id.model.as_bytes());
            ber::write_tlv(out, 0x82, id.revision.as_bytes());
        },
    );
}

/// Decodes an Identify-Request body (a NULL).
pub(crate) fn decode_request(v: &[u8]) -> Result<(), MmsError> {
    expect_null(v)
}

/// Decodes an Identify-Response body.
pub(crate) fn decode_response(v: &[u8]) -> Result<ServerIdentity, MmsError> {
    let mut r = Reader::new(v);
    let id = ServerIdentity {
        vendor: visible_string(r.expect(0x80)?),
        model: visible_string(r.expect(0x81)?),
        revision: visible_string(r.expect(0x82)?),
    };
    // listOfAbstractSyntaxes [3] is optional and of no use to a client.
    r.read_optional(0xA3)?;
    if !r.is_empty() {
        return Err(MmsError::Invalid("trailing bytes in Identify response"));
    }
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mms::pdu::{ConfirmedService, ConfirmedServiceResponse, MmsPdu};
    use crate::mms::testing::{assert_request, assert_response, decode};
    use crate::test_util::hex;

    #[test]
    fn identify_both_directions() {
        let request = hex("a005 020113 8200");
        let mut out = Vec::new();
        encode_identify_request(19, &mut out);
        assert_eq!(out, request);
        assert_request(&request, 19, ConfirmedService::Identify);
        let response = hex(
            "a12a 020113 a225 800f 6c696269656336313835302e636f6d 810b 4c494249454336313835 30
             8205 312e362e31",
        );
        let id = ServerIdentity {
            vendor: "libiec61850.com".into(),
            model: "LIBIEC61850".into(),
            revision: "1.6.1".into(),
        };
        assert_response(
            &response,
            19,
            ConfirmedServiceResponse::Identify(id.clone()),
        );
        out.clear();
        encode_identify_response(19, &id, &mut out);
        assert_eq!(out, response);
        // listOfAbstractSyntaxes is skipped; odd octets in free text are replaced.
        let MmsPdu::ConfirmedResponse {
            service: ConfirmedServiceResponse::Identify(id),
            ..
        } = decode(&hex("a1 13 020101 a2 0e 8001ff 8100 8200 a305 0603 28ca22"))
        else {
            panic!("not an identify response")
        };
        assert_eq!(id.vendor, "\u{FFFD}");
    }
}
