//! MMS Write (ISO 9506-2), both directions: the request names the variables (or a named
//! variable list) and their values, the response has success or a DataAccessError per
//! variable.

use crate::ber::{self, Reader};
use crate::mms::access::{
    decode_access_spec_tlv, write_variable_list, VariableAccessSpec, VariableRef,
};
use crate::mms::common::{
    read_all, write_confirmed, write_confirmed_ok, MmsError, PDU_CONFIRMED_REQUEST,
    PDU_CONFIRMED_RESPONSE,
};
use crate::mms::data::{self, DataError};
use crate::mms::object_name::{write_object_name, ObjectName};
use crate::mms::value::MmsValue;

/// write [5] in ConfirmedServiceRequest/Response.
pub(crate) const SERVICE_WRITE: u32 = 0xA5;

/// Writes a Write request of `values[i]` to `vars[i]`; on error `out` is unchanged.
///
/// Fails when the counts differ or a value cannot be encoded (see [`data::encode_data`]).
pub fn encode_write_request(
    invoke_id: u32,
    vars: &[VariableRef],
    values: &[&MmsValue],
    out: &mut Vec<u8>,
) -> Result<(), DataError> {
    if vars.len() != values.len() {
        return Err(DataError::Invalid("one value per variable is required"));
    }
    encode_write(invoke_id, |out| write_variable_list(out, vars), values, out)
}

/// Writes a Write request of `values` to the members of the named variable list `list`
/// (one value per member, in order); on error `out` is unchanged.
pub fn encode_write_list_request(
    invoke_id: u32,
    list: &ObjectName,
    values: &[&MmsValue],
    out: &mut Vec<u8>,
) -> Result<(), DataError> {
    let spec =
        |out: &mut Vec<u8>| ber::write_constructed(out, 0xA1, |out| write_object_name(out, list));
    encode_write(invoke_id, spec, values, out)
}

/// Writes a Write request: the access specification written by `spec`, then the values.
fn encode_write(
    invoke_id: u32,
    spec: impl FnOnce(&mut Vec<u8>),
    values: &[&MmsValue],
    out: &mut Vec<u8>,
) -> Result<(), DataError> {
    write_confirmed(
        out,
        PDU_CONFIRMED_REQUEST,
        invoke_id,
        SERVICE_WRITE,
        |out| {
            spec(out);
            let mut result = Ok(());
            ber::write_constructed(out, 0xA0, |out| {
                result = values.iter().try_for_each(|v| data::encode_data(v, out));
            });
            result
        },
    )
}

/// Writes a Write response: success [1] NULL or failure [0] DataAccessError per variable.
pub fn encode_write_response(invoke_id: u32, results: &[Result<(), i32>], out: &mut Vec<u8>) {
    write_confirmed_ok(
        out,
        PDU_CONFIRMED_RESPONSE,
        invoke_id,
        SERVICE_WRITE,
        |out| {
            for r in results {
                match r {
                    Ok(()) => ber::write_tlv(out, 0x81, &[]),
                    Err(code) => ber::write_i64(out, 0x80, i64::from(*code)),
                }
            }
        },
    );
}

/// Decodes a Write-Request body: the variables or list written and one value per variable
/// (a list of variables must have as many values as variables).
pub(crate) fn decode_request(
    v: &[u8],
    max_depth: usize,
) -> Result<(VariableAccessSpec, Vec<MmsValue>), MmsError> {
    let mut r = Reader::new(v);
    let spec = decode_access_spec_tlv(&r.read_tlv()?)?;
    let values = read_all(r.expect(0xA0)?, |tlv| {
        Ok(data::decode_data_tlv(tlv, max_depth)?)
    })?;
    if !r.is_empty() {
        return Err(MmsError::Invalid("trailing bytes in Write request"));
    }
    match &spec {
        VariableAccessSpec::Variables(vars) if vars.len() != values.len() => Err(
            MmsError::Invalid("write value count differs from variables"),
        ),
        _ => Ok((spec, values)),
    }
}

/// Decodes a Write-Response body: success or the DataAccessError code per variable.
pub(crate) fn decode_response(v: &[u8]) -> Result<Vec<Result<(), i32>>, MmsError> {
    read_all(v, |tlv| match tlv.tag {
        0x81 => Ok(Ok(())),
        // Kept raw: the client maps codes outside the standard's range itself.
        0x80 => Ok(Err(
            i32::try_from(ber::decode_i64(tlv.value)?).unwrap_or(i32::MAX)
        )),
        _ => Err(MmsError::Invalid("write result")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mms::pdu::{ConfirmedService, ConfirmedServiceResponse, MmsPdu};
    use crate::mms::testing::*;
    use crate::test_util::hex;

    #[test]
    fn write_request_matches_reference_client() {
        let bytes = hex(&format!(
            "a03c 020107 a537 a030 302e a02c a12a {NAME_PREFIX}
             1a15 4747494f3124535424535043534f3124737456616c a003 830101"
        ));
        let v = var(DOMAIN, "GGIO1$ST$SPCSO1$stVal");
        let mut out = Vec::new();
        encode_write_request(
            7,
            std::slice::from_ref(&v),
            &[&MmsValue::Boolean(true)],
            &mut out,
        )
        .unwrap();
        assert_eq!(out, bytes);
        assert_eq!(
            decode(&bytes),
            MmsPdu::ConfirmedRequest {
                invoke_id: 7,
                service: ConfirmedService::Write {
                    vars: vec![v],
                    values: vec![MmsValue::Boolean(true)]
                }
            }
        );
    }

    #[test]
    fn write_request_errors_leave_output_unchanged() {
        let v = var("LD", "x");
        let mut out = vec![0x55];
        let unset = MmsValue::Structure(vec![None].into());
        assert_eq!(
            encode_write_request(1, std::slice::from_ref(&v), &[&unset], &mut out),
            Err(DataError::UnsetElement)
        );
        assert!(encode_write_request(1, std::slice::from_ref(&v), &[], &mut out).is_err());
        assert_eq!(out, [0x55]);
    }

    #[test]
    fn write_responses() {
        // object-access-denied, as the reference server answers a write to ST.
        let denied = hex("a1 08 020107 a5 03 800103");
        assert_eq!(
            decode(&denied),
            MmsPdu::ConfirmedResponse {
                invoke_id: 7,
                service: ConfirmedServiceResponse::Write(vec![Err(3)]),
            }
        );
        let mut out = Vec::new();
        encode_write_response(7, &[Err(3)], &mut out);
        assert_eq!(out, denied);
        out.clear();
        encode_write_response(300, &[Ok(()), Err(10)], &mut out);
        assert_eq!(out, hex("a1 0b 0202012c a5 05 8100 80010a"));
        assert_eq!(
            decode(&out),
            MmsPdu::ConfirmedResponse {
                invoke_id: 300,
                service: ConfirmedServiceResponse::Write(vec![Ok(()), Err(10)]),
            }
        );
    }

    #[test]
    fn data_set_write_by_list_name() {
        // writeDataSetValues("DEMOProt/LLN0.NewDS", [true, false]).
        let values = [MmsValue::Boolean(true), MmsValue::Boolean(false)];
        let refs: Vec<&MmsValue> = values.iter().collect();
        let request = hex(&format!(
            "a027 020109 a522 a118 a116 {DEMO_PROT} {NEW_DS} a006 830101 830100"
        ));
        let mut out = Vec::new();
        encode_write_list_request(9, &demo_list(), &refs, &mut out).unwrap();
        assert_eq!(out, request);
        assert_request(
            &request,
            9,
            ConfirmedService::WriteList {
                list: demo_list(),
                values: values.to_vec(),
            },
        );
        // Access denied to the ST member, type inconsistent for the structure.
        assert_response(
            &hex("a10b 020109 a506 800103 800107"),
            9,
            ConfirmedServiceResponse::Write(vec![Err(3), Err(7)]),
        );
        // A CF member written, an ST member denied.
        assert_response(
            &hex("a10a 020103 a505 8100 800103"),
            3,
            ConfirmedServiceResponse::Write(vec![Ok(()), Err(3)]),
        );
        let request = hex("a016 020110 a511 a107 8205 4e65774453 a006 830101 830100");
        out.clear();
        encode_write_list_request(16, &aa_list(), &refs, &mut out).unwrap();
        assert_eq!(out, request);
        assert_request(
            &request,
            16,
            ConfirmedService::WriteList {
                list: aa_list(),
                values: values.to_vec(),
            },
        );
        // An unencodable value leaves the output unchanged.
        out = vec![0x55];
        let unset = MmsValue::Structure(vec![None].into());
        assert!(encode_write_list_request(1, &aa_list(), &[&unset], &mut out).is_err());
        assert_eq!(out, [0x55]);
    }
}
