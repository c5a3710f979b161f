//! MMS GetNameList (ISO 9506-2), both directions: the names of one object class (domains,
//! named variables, named variable lists, journals) in the VMD or a domain, page by page.

use crate::ber::{self, Reader};
use crate::mms::common::{
    identifier, read_all, write_confirmed_ok, MmsError, PDU_CONFIRMED_REQUEST,
    PDU_CONFIRMED_RESPONSE, TAG_IDENTIFIER,
};

/// getNameList [1] in ConfirmedServiceRequest/Response.
pub(crate) const SERVICE_GET_NAME_LIST: u32 = 0xA1;
/// basicObjectClass namedVariable.
pub const CLASS_NAMED_VARIABLE: u8 = 0;
/// basicObjectClass namedVariableList.
pub const CLASS_NAMED_VARIABLE_LIST: u8 = 2;
/// basicObjectClass journal.
pub const CLASS_JOURNAL: u8 = 8;
/// basicObjectClass domain.
pub const CLASS_DOMAIN: u8 = 9;

/// A GetNameList request: the object class, the domain (None: VMD scope) and where to continue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameListRequest {
    /// basicObjectClass (`CLASS_*`).
    pub object_class: u8,
    /// domainSpecific scope; `None` for vmdSpecific.
    pub domain: Option<String>,
    /// continueAfter: the last name of the previous page.
    pub continue_after: Option<String>,
}

/// Writes a GetNameList request.
pub fn encode_get_name_list_request(invoke_id: u32, req: &NameListRequest, out: &mut Vec<u8>) {
    write_confirmed_ok(
        out,
        PDU_CONFIRMED_REQUEST,
        invoke_id,
        SERVICE_GET_NAME_LIST,
        |out| {
            ber::write_constructed(out, 0xA0, |out| {
                ber::write_u64(out, 0x80, u64::from(req.object_class))
            });
            ber::write_constructed(out, 0xA1, |out| match &req.domain {
                Some(domain) => ber::write_tlv(out, 0x81, domain.as_bytes()),
                None => ber::write_tlv(out, 0x80, &[]),
            });
            if let Some(after) = &req.continue_after {
                ber::write_tlv(out, 0x82, after.as_bytes());
            }
        },
    );
}

/// Writes a GetNameList response (server side).
pub fn encode_get_name_list_response(
    invoke_id: u32,
    names: &[&str],
    more_follows: bool,
    out: &mut Vec<u8>,
) {
    write_confirmed_ok(
        out,
        PDU_CONFIRMED_RESPONSE,
        invoke_id,
        SERVICE_GET_NAME_LIST,
        |out| {
            ber::write_constructed(out, 0xA0, |out| {
                names
                    .iter()
                    .for_each(|n| ber::write_tlv(out, TAG_IDENTIFIER, n.as_bytes()))
            });
            ber::write_bool(out, 0x81, more_follows);
        },
    );
}

/// Decodes a GetNameList-Request body.
pub(crate) fn decode_request(v: &[u8]) -> Result<NameListRequest, MmsError> {
    let mut r = Reader::new(v);
    let class = Reader::new(r.expect(0xA0)?).expect(0x80)?;
    let object_class =
        u8::try_from(ber::decode_u64(class)?).map_err(|_| MmsError::Invalid("object class"))?;
    let scope = Reader::new(r.expect(0xA1)?).read_tlv()?;
    let domain = match scope.tag {
        0x80 | 0x82 => None,
        0x81 => Some(identifier(scope.value)?),
        _ => return Err(MmsError::Invalid("object scope")),
    };
    let continue_after = r.read_optional(0x82)?.map(identifier).transpose()?;
    Ok(NameListRequest {
        object_class,
        domain,
        continue_after,
    })
}

/// Decodes a GetNameList-Response body: listOfIdentifier and moreFollows.
pub(crate) fn decode_response(v: &[u8]) -> Result<(Vec<String>, bool), MmsError> {
    let mut r = Reader::new(v);
    let names = read_all(r.expect(0xA0)?, |tlv| match tlv.tag {
        TAG_IDENTIFIER => identifier(tlv.value),
        _ => Err(MmsError::Invalid("name list entry")),
    })?;
    let more_follows = r
        .read_optional(0x81)?
        .map(ber::decode_bool)
        .transpose()?
        .unwrap_or(true);
    Ok((names, more_follows))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mms::pdu::{decode_pdu, ConfirmedService, ConfirmedServiceResponse, MmsPdu};
    use crate::mms::testing::refused;

    #[test]
    fn get_name_list_both_directions() {
        let req = NameListRequest {
            object_class: CLASS_DOMAIN,
            domain: None,
            continue_after: None,
        };
        let mut out = Vec::new();
        encode_get_name_list_request(1, &req, &mut out);
        assert_eq!(
            out,
            [
                0xA0, 0x0E, 0x02, 0x01, 0x01, 0xA1, 0x09, 0xA0, 0x03, 0x80, 0x01, 0x09, 0xA1, 0x02,
                0x80, 0x00
            ]
        );
        match decode_pdu(&out, 10).unwrap() {
            MmsPdu::ConfirmedRequest {
                invoke_id: 1,
                service: ConfirmedService::GetNameList(decoded),
            } => assert_eq!(decoded, req),
            other => panic!("{other:?}"),
        }
        let req = NameListRequest {
            object_class: CLASS_NAMED_VARIABLE,
            domain: Some("LD".into()),
            continue_after: Some("X".into()),
        };
        out.clear();
        encode_get_name_list_request(7, &req, &mut out);
        assert_eq!(
            &out[5..],
            [
                0xA1, 0x0E, 0xA0, 0x03, 0x80, 0x01, 0x00, 0xA1, 0x04, 0x81, 0x02, b'L', b'D', 0x82,
                0x01, b'X'
            ]
        );
        out.clear();
        encode_get_name_list_response(7, &["LD1", "LD2"], false, &mut out);
        assert_eq!(
            decode_pdu(&out, 10).unwrap(),
            MmsPdu::ConfirmedResponse {
                invoke_id: 7,
                service: ConfirmedServiceResponse::GetNameList {
                    names: vec!["LD1".into(), "LD2".into()],
                    more_follows: false
                }
            }
        );
        // moreFollows absent means TRUE.
        let bytes = [
            0xA1, 0x0A, 0x02, 0x01, 0x07, 0xA1, 0x05, 0xA0, 0x03, 0x1A, 0x01, b'A',
        ];
        assert!(matches!(
            decode_pdu(&bytes, 10).unwrap(),
            MmsPdu::ConfirmedResponse {
                service: ConfirmedServiceResponse::GetNameList {
                    more_follows: true,
                    ..
                },
                ..
            }
        ));
        // A non-identifier entry is refused.
        let bytes = [
            0xA1, 0x0A, 0x02, 0x01, 0x07, 0xA1, 0x05, 0xA0, 0x03, 0x04, 0x01, b'A',
        ];
        assert!(refused(&bytes));
    }
}
