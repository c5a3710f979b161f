//! MMS GetVariableAccessAttributes (ISO 9506-2), both directions: the request names a
//! variable, the response tells whether it is deletable and describes its type (a
//! [`TypeSpec`], whose codec is [`crate::mms::type_spec`]).

use crate::ber::{self, Reader};
use crate::mms::common::{
    write_confirmed_ok, MmsError, PDU_CONFIRMED_REQUEST, PDU_CONFIRMED_RESPONSE,
};
use crate::mms::data::MAX_NESTING;
use crate::mms::object_name::{decode_object_name_in, write_object_name, ObjectName};
use crate::mms::type_spec::{decode_explicit, encode_type_spec, TypeSpec};

/// getVariableAccessAttributes [6] in ConfirmedServiceRequest/Response.
pub const SERVICE_GET_VARIABLE_ACCESS_ATTRIBUTES: u32 = 0xA6;

/// The answer of a GetVariableAccessAttributes request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VariableAccessAttributes {
    /// mmsDeletable.
    pub deletable: bool,
    /// typeDescription (an address, never used by IEC 61850, is skipped when decoding).
    pub type_spec: TypeSpec,
}

/// Writes the GetVariableAccessAttributes-Request body: `name [0] ObjectName`.
pub fn encode_gvaa_request_body(name: &ObjectName, out: &mut Vec<u8>) {
    ber::write_constructed(out, 0xA0, |out| write_object_name(out, name));
}

/// Decodes a GetVariableAccessAttributes-Request body (only the `name` alternative).
pub fn decode_gvaa_request_body(v: &[u8]) -> Result<ObjectName, MmsError> {
    let mut r = Reader::new(v);
    let tlv = r.read_tlv()?;
    match tlv.tag {
        0xA0 if r.is_empty() => decode_object_name_in(tlv.value),
        0xA0 => Err(MmsError::Invalid("trailing bytes after variable name")),
        _ => Err(MmsError::Invalid(
            "variable access by address is not supported",
        )),
    }
}

/// Writes the GetVariableAccessAttributes-Response body (without an address).
pub fn encode_gvaa_response_body(attrs: &VariableAccessAttributes, out: &mut Vec<u8>) {
    ber::write_bool(out, 0x80, attrs.deletable);
    ber::write_constructed(out, 0xA2, |out| encode_type_spec(&attrs.type_spec, out));
}

/// Decodes a GetVariableAccessAttributes-Response body; an address [1] is skipped.
pub fn decode_gvaa_response_body(v: &[u8]) -> Result<VariableAccessAttributes, MmsError> {
    let mut r = Reader::new(v);
    let deletable = ber::decode_bool(r.expect(0x80)?)?;
    if r.peek_tag() == Some(0xA1) || r.peek_tag() == Some(0x81) {
        r.read_tlv()?;
    }
    let type_spec = decode_explicit(r.expect(0xA2)?, MAX_NESTING)?;
    Ok(VariableAccessAttributes {
        deletable,
        type_spec,
    })
}

/// Writes a complete GetVariableAccessAttributes request PDU for the variable `name`.
pub fn encode_get_variable_access_attributes_request(
    invoke_id: u32,
    name: &ObjectName,
    out: &mut Vec<u8>,
) {
    write_confirmed_ok(
        out,
        PDU_CONFIRMED_REQUEST,
        invoke_id,
        SERVICE_GET_VARIABLE_ACCESS_ATTRIBUTES,
        |out| encode_gvaa_request_body(name, out),
    );
}

/// Writes a complete GetVariableAccessAttributes response PDU (server side).
pub fn encode_get_variable_access_attributes_response(
    invoke_id: u32,
    attrs: &VariableAccessAttributes,
    out: &mut Vec<u8>,
) {
    write_confirmed_ok(
        out,
        PDU_CONFIRMED_RESPONSE,
        invoke_id,
        SERVICE_GET_VARIABLE_ACCESS_ATTRIBUTES,
        |out| encode_gvaa_response_body(attrs, out),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mms::pdu::{decode_pdu, ConfirmedService, MmsPdu};
    use crate::mms::testing::{named, response_spec, status, SPCSO_RESPONSE, TOTW_RESPONSE};
    use crate::test_util::hex;

    /// `DEMOProt/LLN0$ST$Mod` as the reference client asks and the reference server answers.
    const MOD_REQUEST: &str =
        "a020020101a61ba019a1171a0844454d4f50726f741a0b4c4c4e30245354244d6f64";

    const MOD_RESPONSE: &str = "a12f020101a62a800100a225a223a121300c8005737456616ca10385010830\
        08800171a1038401f33007800174a1029100";

    #[test]
    fn request_matches_the_reference_client() {
        let name = ObjectName::Domain("DEMOProt".into(), "LLN0$ST$Mod".into());
        let mut out = Vec::new();
        encode_get_variable_access_attributes_request(1, &name, &mut out);
        assert_eq!(out, hex(MOD_REQUEST));
        assert_eq!(
            decode_pdu(&out, 10).unwrap(),
            MmsPdu::ConfirmedRequest {
                invoke_id: 1,
                service: ConfirmedService::GetVariableAccessAttributes(name),
            }
        );
    }

    #[test]
    fn reference_responses_decode_and_reencode() {
        assert_eq!(response_spec(MOD_RESPONSE), status());
        let float = TypeSpec::Float {
            format_width: 32,
            exponent_width: 8,
        };
        let totw = named(vec![
            ("mag", named(vec![("f", float)])),
            ("q", TypeSpec::BitString(-13)),
            ("t", TypeSpec::UtcTime),
        ]);
        assert_eq!(response_spec(TOTW_RESPONSE), totw);
        let spcso = response_spec(SPCSO_RESPONSE);
        let oper = spcso.component("Oper").unwrap().1;
        let origin = oper.component("origin").unwrap().1;
        assert_eq!(
            origin.component("orIdent"),
            Some((1, &TypeSpec::OctetString(-64)))
        );
        assert_eq!(oper.component("ctlNum").unwrap().1, &TypeSpec::Unsigned(8));
        assert_eq!(oper.component("Check").unwrap().1, &TypeSpec::BitString(-2));
        for (invoke_id, pdu, spec) in [(1, MOD_RESPONSE, status()), (2, SPCSO_RESPONSE, spcso)] {
            let mut out = Vec::new();
            let attrs = VariableAccessAttributes {
                deletable: false,
                type_spec: spec,
            };
            encode_get_variable_access_attributes_response(invoke_id, &attrs, &mut out);
            assert_eq!(out, hex(pdu));
        }
    }

    #[test]
    fn truncated_responses_are_never_a_panic() {
        for len in 0..hex(SPCSO_RESPONSE).len() {
            let _ = decode_pdu(&hex(SPCSO_RESPONSE)[..len], 10);
        }
    }
}
