//! MMS Read (ISO 9506-2), both directions: the request names the variables (or a named
//! variable list) to read, the response carries one AccessResult per variable.

use crate::ber::{self, Reader};
use crate::mms::access::{
    decode_access_results, decode_access_spec, write_access_results, write_variable_list,
    AccessResult, VariableAccessSpec, VariableRef,
};
use crate::mms::common::{
    write_confirmed, write_confirmed_ok, MmsError, PDU_CONFIRMED_REQUEST, PDU_CONFIRMED_RESPONSE,
};
use crate::mms::data::DataError;
use crate::mms::object_name::{write_object_name, ObjectName};

/// read [4] in ConfirmedServiceRequest/Response.
pub(crate) const SERVICE_READ: u32 = 0xA4;

/// Writes a Read request for `vars` (confirmed-RequestPDU).
pub fn encode_read_request(invoke_id: u32, vars: &[VariableRef], out: &mut Vec<u8>) {
    write_confirmed_ok(out, PDU_CONFIRMED_REQUEST, invoke_id, SERVICE_READ, |out| {
        ber::write_constructed(out, 0xA1, |out| write_variable_list(out, vars));
    });
}

/// Writes a Read request for the named variable list `list`.
pub fn encode_read_list_request(
    invoke_id: u32,
    list: &ObjectName,
    specification_with_result: bool,
    out: &mut Vec<u8>,
) {
    write_confirmed_ok(out, PDU_CONFIRMED_REQUEST, invoke_id, SERVICE_READ, |out| {
        if specification_with_result {
            // The reference client sends TRUE as 0x01, as it does for Data booleans.
            ber::write_tlv(out, 0x80, &[0x01]);
        }
        ber::write_constructed(out, 0xA1, |out| {
            ber::write_constructed(out, 0xA1, |out| write_object_name(out, list));
        });
    });
}

/// Writes a Read response; on error `out` is unchanged.
pub fn encode_read_response(
    invoke_id: u32,
    results: &[AccessResult],
    out: &mut Vec<u8>,
) -> Result<(), DataError> {
    write_confirmed(
        out,
        PDU_CONFIRMED_RESPONSE,
        invoke_id,
        SERVICE_READ,
        |out| {
            let mut result = Ok(());
            ber::write_constructed(out, 0xA1, |out| result = write_access_results(out, results));
            result
        },
    )
}

/// Decodes a Read-Request body: specificationWithResult and the variables or list to read.
pub(crate) fn decode_request(v: &[u8]) -> Result<(bool, VariableAccessSpec), MmsError> {
    let mut r = Reader::new(v);
    let specification_with_result = r
        .read_optional(0x80)?
        .map(ber::decode_bool)
        .transpose()?
        .unwrap_or(false);
    Ok((
        specification_with_result,
        decode_access_spec(r.expect(0xA1)?)?,
    ))
}

/// Decodes a Read-Response body: one AccessResult per variable.
pub(crate) fn decode_response(v: &[u8], max_depth: usize) -> Result<Vec<AccessResult>, MmsError> {
    let mut r = Reader::new(v);
    // variableAccessSpecification [0] is only echoed with specificationWithResult.
    r.read_optional(0xA0)?;
    decode_access_results(r.expect(0xA1)?, max_depth)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mms::pdu::{ConfirmedService, ConfirmedServiceResponse, MmsPdu};
    use crate::mms::testing::*;
    use crate::mms::value::{BitString, MmsValue};
    use crate::test_util::hex;

    /// Checks a request encoding against the capture and decodes it back.
    fn check_read_request(invoke_id: u32, v: VariableRef, expected: &str) {
        let mut out = Vec::new();
        encode_read_request(invoke_id, std::slice::from_ref(&v), &mut out);
        assert_eq!(out, hex(expected));
        assert_eq!(
            decode(&out),
            MmsPdu::ConfirmedRequest {
                invoke_id,
                service: ConfirmedService::Read { vars: vec![v] }
            }
        );
    }

    #[test]
    fn read_requests_match_reference_client() {
        // readObject("simpleIOGenericIO/GGIO1.SPCSO1.stVal", ST)
        check_read_request(
            1,
            var(DOMAIN, "GGIO1$ST$SPCSO1$stVal"),
            &format!(
                "a039 020101 a434 a132 a030 302e a02c a12a {NAME_PREFIX}
                 1a15 4747494f3124535424535043534f3124737456616c"
            ),
        );
        // readVariableComponent(..., "GGIO1$ST$SPCSO1", "stVal")
        check_read_request(
            2,
            VariableRef {
                component: Some("stVal".into()),
                ..var(DOMAIN, "GGIO1$ST$SPCSO1")
            },
            &format!(
                "a03c 020102 a437 a135 a033 3031 a026 a124 {NAME_PREFIX}
                 1a0f 4747494f3124535424535043534f31 a507 8105 737456616c"
            ),
        );
        // readSingleArrayElementWithComponent(..., 3, "stVal")
        check_read_request(
            3,
            VariableRef {
                array_index: Some(3),
                component: Some("stVal".into()),
                ..var(DOMAIN, "GGIO1$ST$SPCSO1")
            },
            &format!(
                "a043 020103 a43e a13c a03a 3038 a026 a124 {NAME_PREFIX}
                 1a0f 4747494f3124535424535043534f31 a50e a00c 810103 3007 8105 737456616c"
            ),
        );
        // readSingleArrayElementWithComponent(..., 3, NULL)
        check_read_request(
            4,
            VariableRef {
                array_index: Some(3),
                ..var(DOMAIN, "GGIO1$ST$SPCSO1")
            },
            &format!(
                "a038 020104 a433 a131 a02f 302d a026 a124 {NAME_PREFIX}
                 1a0f 4747494f3124535424535043534f31 a503 820103"
            ),
        );
    }

    #[test]
    fn vmd_specific_and_list_reads() {
        let v = VariableRef {
            item_id: "x".into(),
            ..VariableRef::default()
        };
        let mut out = Vec::new();
        encode_read_request(0x80, std::slice::from_ref(&v), &mut out);
        assert_eq!(
            out,
            hex("a0 11 02020080 a4 0b a1 09 a0 07 3005 a0 03 800178")
        );
        assert_eq!(
            decode(&out),
            MmsPdu::ConfirmedRequest {
                invoke_id: 0x80,
                service: ConfirmedService::Read { vars: vec![v] }
            }
        );
        out.clear();
        let list = ObjectName::Domain("LD".into(), "LLN0$ds".into());
        encode_read_list_request(7, &list, true, &mut out);
        assert_eq!(
            out,
            hex("a0 1b 020107 a4 16 800101 a1 11 a1 0f a1 0d 1a02 4c44 1a07 4c4c4e30246473")
        );
        assert_eq!(
            decode(&out),
            MmsPdu::ConfirmedRequest {
                invoke_id: 7,
                service: ConfirmedService::ReadList {
                    list,
                    specification_with_result: true
                }
            }
        );
    }

    #[test]
    fn data_set_read_matches_reference() {
        // readNamedVariableListValues(domain, "LLN0$ControlEvents", specWithResult=true)
        let list = ObjectName::Domain(DOMAIN.into(), "LLN0$ControlEvents".into());
        let request = hex(&format!(
            "a035 020109 a430 800101 a12b a129 a127 {NAME_PREFIX}
             1a12 4c4c4e3024436f6e74726f6c4576656e7473"
        ));
        let mut out = Vec::new();
        encode_read_list_request(9, &list, true, &mut out);
        assert_eq!(out, request);
        // The response echoes the specification, then twelve booleans.
        let response = hex(&format!(
            "a158 020109 a453 a02b a129 a127 {NAME_PREFIX}
             1a12 4c4c4e3024436f6e74726f6c4576656e7473 a124 {}",
            "830100".repeat(12)
        ));
        assert_eq!(
            decode(&response),
            MmsPdu::ConfirmedResponse {
                invoke_id: 9,
                service: ConfirmedServiceResponse::Read(vec![Ok(MmsValue::Boolean(false)); 12]),
            }
        );
    }

    #[test]
    fn read_responses_from_reference_server() {
        // stVal = false
        let ok = hex("a1 0a 020101 a4 05 a1 03 830100");
        let expected = MmsPdu::ConfirmedResponse {
            invoke_id: 1,
            service: ConfirmedServiceResponse::Read(vec![Ok(MmsValue::Boolean(false))]),
        };
        assert_eq!(decode(&ok), expected);
        let mut out = Vec::new();
        encode_read_response(1, &[Ok(MmsValue::Boolean(false))], &mut out).unwrap();
        assert_eq!(out, ok);
        // object-non-existent
        let fail = hex("a1 0a 020103 a4 05 a1 03 80010a");
        assert_eq!(
            decode(&fail),
            MmsPdu::ConfirmedResponse {
                invoke_id: 3,
                service: ConfirmedServiceResponse::Read(vec![Err(10)]),
            }
        );
        out.clear();
        encode_read_response(3, &[Err(10)], &mut out).unwrap();
        assert_eq!(out, fail);
        // AnIn1 (MX): {mag {f}, q, t}
        let mx = hex(
            "a1 21 020108 a4 1c a1 1a a2 18 a2 07 87 05 08 00000000 84 03 03 0000
             91 08 0000000000000000",
        );
        let value = MmsValue::structure(vec![
            MmsValue::structure(vec![MmsValue::Float(0.0)]),
            MmsValue::BitString(BitString::new(13)),
            MmsValue::UtcTime([0; 8]),
        ]);
        assert_eq!(
            decode(&mx),
            MmsPdu::ConfirmedResponse {
                invoke_id: 8,
                service: ConfirmedServiceResponse::Read(vec![Ok(value)]),
            }
        );
        // An unknown DataAccessError code maps to DATA_ACCESS_ERROR_UNKNOWN.
        let odd = hex("a1 0a 020101 a4 05 a1 03 800163");
        let MmsPdu::ConfirmedResponse {
            service: ConfirmedServiceResponse::Read(r),
            ..
        } = decode(&odd)
        else {
            panic!("not a read response")
        };
        assert_eq!(r, vec![Err(12)]);
    }

    #[test]
    fn read_response_with_echoed_specification() {
        let bytes = hex("a1 13 020101 a4 0e a0 07 a1 05 80 03 525054 a1 03 850101");
        assert_eq!(
            decode(&bytes),
            MmsPdu::ConfirmedResponse {
                invoke_id: 1,
                service: ConfirmedServiceResponse::Read(vec![Ok(MmsValue::Integer(1))]),
            }
        );
    }

    #[test]
    fn data_set_read_by_list_name() {
        // readDataSetValues("DEMOProt/LLN0.NewDS"): specificationWithResult, echoed back.
        let request = hex(&format!(
            "a024 020107 a41f 800101 a11a a118 a116 {DEMO_PROT} {NEW_DS}"
        ));
        let mut out = Vec::new();
        encode_read_list_request(7, &demo_list(), true, &mut out);
        assert_eq!(out, request);
        let response = hex(&format!(
            "a13a 020107 a435 a01a a118 a116 {DEMO_PROT} {NEW_DS}
             a117 830100 a212 830100 8403030000 91080000000000000000"
        ));
        let spcso1 = MmsValue::structure(vec![
            MmsValue::Boolean(false),
            MmsValue::BitString(BitString::new(13)),
            MmsValue::UtcTime([0; 8]),
        ]);
        assert_response(
            &response,
            7,
            ConfirmedServiceResponse::Read(vec![Ok(MmsValue::Boolean(false)), Ok(spcso1)]),
        );
        // readDataSetValues("@NewDS"); the reference server echoes the aa-specific name
        // as [2] constructed around an Identifier, which the decoder skips.
        let request = hex("a013 02010f a40e 800101 a109 a107 8205 4e65774453");
        out.clear();
        encode_read_list_request(15, &aa_list(), true, &mut out);
        assert_eq!(out, request);
        let response = hex("a11a 02010f a415 a00b a109 a207 1a05 4e65774453 a106 830100 830101");
        assert_response(
            &response,
            15,
            ConfirmedServiceResponse::Read(vec![
                Ok(MmsValue::Boolean(false)),
                Ok(MmsValue::Boolean(true)),
            ]),
        );
    }
}
