//! The MMS PDU envelope (ISO 9506-2) exchanged by a client and a server: the decoded
//! [`MmsPdu`] of every PDU type, the [`ConfirmedService`] and [`ConfirmedServiceResponse`]
//! choices that dispatch to the service modules (`read`, `write`, `get_name_list`,
//! `identify`, `named_variable_list`, `variable_access_attributes`, `file`, `journal`,
//! `information_report`, `initiate`), and the PDUs that carry no service: conclude,
//! confirmed-ErrorPDU and rejectPDU with their error code mapping.
//!
//! Encoders produce the same octets as the reference client (checked against captured
//! traffic in the tests); `decode_pdu` handles both directions so that in-process fake
//! servers in tests can use the same module. No service module depends on this one.

use crate::ber::{self, Reader, Tlv};
use crate::mms::access::{AccessResult, VariableAccessSpec, VariableRef};
use crate::mms::common::{
    decode_service_error, write_service_error, MmsError, PDU_CONFIRMED_REQUEST,
    PDU_CONFIRMED_RESPONSE, PDU_UNCONFIRMED, TAG_INTEGER, TAG_SEQUENCE,
};
use crate::mms::data::DataError;
use crate::mms::file::{self, FileRequest, FileResponse};
use crate::mms::get_name_list::{self, NameListRequest};
use crate::mms::identify::{self, ServerIdentity};
use crate::mms::information_report::{self, InformationReport};
use crate::mms::initiate::{
    decode_initiate, InitiateParams, PDU_INITIATE_ERROR, PDU_INITIATE_REQUEST,
    PDU_INITIATE_RESPONSE,
};
use crate::mms::journal::{self, ReadJournalRequest, ReadJournalResponse};
use crate::mms::named_variable_list::{self as nvl, DeleteScope};
use crate::mms::object_name::ObjectName;
use crate::mms::read;
use crate::mms::value::MmsValue;
use crate::mms::variable_access_attributes::{self as vaa, VariableAccessAttributes};
use crate::mms::write;

/// confirmed-ErrorPDU [2].
const PDU_CONFIRMED_ERROR: u32 = 0xA2;
/// rejectPDU [4].
const PDU_REJECT: u32 = 0xA4;
/// conclude-RequestPDU [11] (NULL).
const PDU_CONCLUDE_REQUEST: u32 = 0x8B;
/// conclude-ResponsePDU [12] (NULL).
const PDU_CONCLUDE_RESPONSE: u32 = 0x8C;
/// conclude-ErrorPDU [13].
const PDU_CONCLUDE_ERROR: u32 = 0xAD;

/// A confirmed service request.
#[derive(Debug, Clone, PartialEq)]
pub enum ConfirmedService {
    /// Read of listed variables.
    Read {
        /// The variables.
        vars: Vec<VariableRef>,
    },
    /// Read of a named variable list.
    ReadList {
        /// The list.
        list: ObjectName,
        /// Whether the response shall repeat the access specification.
        specification_with_result: bool,
    },
    /// Write of listed variables.
    Write {
        /// The variables.
        vars: Vec<VariableRef>,
        /// One value per variable.
        values: Vec<MmsValue>,
    },
    /// GetNameList: names of one object class in a scope.
    GetNameList(NameListRequest),
    /// Write of the members of a named variable list.
    WriteList {
        /// The list.
        list: ObjectName,
        /// One value per list member.
        values: Vec<MmsValue>,
    },
    /// Identify: vendor, model and revision of the server.
    Identify,
    /// DefineNamedVariableList: create a data set.
    DefineNamedVariableList {
        /// variableListName.
        name: ObjectName,
        /// The members.
        vars: Vec<VariableRef>,
    },
    /// GetNamedVariableListAttributes of the named list.
    GetNamedVariableListAttributes(ObjectName),
    /// DeleteNamedVariableList.
    DeleteNamedVariableList {
        /// scopeOfDelete.
        scope: DeleteScope,
        /// listOfVariableListName (empty when absent).
        names: Vec<ObjectName>,
    },
    /// GetVariableAccessAttributes of the named variable.
    GetVariableAccessAttributes(ObjectName),
    /// A file service (see [`file`]).
    File(FileRequest),
    /// ReadJournal (see [`journal`]).
    ReadJournal(ReadJournalRequest),
    /// Any other service, by its packed tag.
    Other {
        /// ConfirmedServiceRequest tag.
        tag: u32,
    },
}

/// A confirmed service response.
#[derive(Debug, Clone, PartialEq)]
pub enum ConfirmedServiceResponse {
    /// Read results, one per variable.
    Read(Vec<AccessResult>),
    /// Write results, one per variable (`Err` holds the DataAccessError code as received).
    Write(Vec<Result<(), i32>>),
    /// GetNameList: one page of names and whether more follow.
    GetNameList {
        /// listOfIdentifier.
        names: Vec<String>,
        /// moreFollows (DEFAULT TRUE).
        more_follows: bool,
    },
    /// Identify.
    Identify(ServerIdentity),
    /// DefineNamedVariableList succeeded.
    DefineNamedVariableList,
    /// GetNamedVariableListAttributes.
    GetNamedVariableListAttributes {
        /// mmsDeletable.
        deletable: bool,
        /// The members.
        vars: Vec<VariableRef>,
    },
    /// DeleteNamedVariableList: how many lists matched and how many were deleted.
    DeleteNamedVariableList {
        /// numberMatched.
        matched: u32,
        /// numberDeleted.
        deleted: u32,
    },
    /// GetVariableAccessAttributes: the variable's type.
    GetVariableAccessAttributes(VariableAccessAttributes),
    /// A file service (see [`file`]).
    File(FileResponse),
    /// ReadJournal (see [`journal`]).
    ReadJournal(ReadJournalResponse),
    /// Any other service, by its packed tag.
    Other {
        /// ConfirmedServiceResponse tag.
        tag: u32,
    },
}

/// A decoded MMS PDU.
#[derive(Debug, Clone, PartialEq)]
pub enum MmsPdu {
    /// initiate-RequestPDU.
    InitiateRequest(InitiateParams),
    /// initiate-ResponsePDU.
    InitiateResponse(InitiateParams),
    /// initiate-ErrorPDU.
    InitiateError,
    /// conclude-RequestPDU.
    ConcludeRequest,
    /// conclude-ResponsePDU.
    ConcludeResponse,
    /// conclude-ErrorPDU.
    ConcludeError,
    /// confirmed-RequestPDU.
    ConfirmedRequest {
        /// invokeID.
        invoke_id: u32,
        /// The request.
        service: ConfirmedService,
    },
    /// confirmed-ResponsePDU.
    ConfirmedResponse {
        /// invokeID.
        invoke_id: u32,
        /// The response.
        service: ConfirmedServiceResponse,
    },
    /// confirmed-ResponsePDU whose invokeID was read but whose service result could not be
    /// decoded (a value of an unknown or malformed encoding): only that request fails.
    UndecodableResponse {
        /// invokeID.
        invoke_id: u32,
    },
    /// confirmed-ErrorPDU.
    ConfirmedError {
        /// invokeID.
        invoke_id: u32,
        /// ServiceError errorClass alternative (0 vmd-state .. 12 others).
        class: u8,
        /// The code within that class.
        code: i64,
    },
    /// rejectPDU.
    Reject {
        /// originalInvokeID when present.
        invoke_id: Option<u32>,
        /// rejectReason alternative (1 confirmed-requestPDU .. 11 conclude-errorPDU).
        class: u8,
        /// The reason code within that alternative.
        code: i64,
    },
    /// unconfirmed-PDU carrying an InformationReport.
    InformationReport(InformationReport),
    /// unconfirmed-PDU carrying another service, by its packed tag.
    UnconfirmedOther {
        /// UnconfirmedService tag.
        tag: u32,
    },
}

// ---------------------------------------------------------------------------------------
// Encoding

/// Writes conclude-RequestPDU.
pub fn encode_conclude_request(out: &mut Vec<u8>) {
    ber::write_tlv(out, PDU_CONCLUDE_REQUEST, &[]);
}

/// Writes conclude-ResponsePDU.
pub fn encode_conclude_response(out: &mut Vec<u8>) {
    ber::write_tlv(out, PDU_CONCLUDE_RESPONSE, &[]);
}

/// Writes a confirmed-ErrorPDU (`class`: errorClass alternative 0..=12).
pub fn encode_confirmed_error(invoke_id: u32, class: u8, code: i64, out: &mut Vec<u8>) {
    ber::write_constructed(out, PDU_CONFIRMED_ERROR, |out| {
        ber::write_u64(out, 0x80, u64::from(invoke_id));
        ber::write_constructed(out, 0xA2, |out| write_service_error(out, class, code));
    });
}

/// Writes a conclude-ErrorPDU (a server refusing to conclude: `class` 9 conclude,
/// `code` 1 further-communication-required while requests are outstanding).
pub fn encode_conclude_error(class: u8, code: i64, out: &mut Vec<u8>) {
    ber::write_constructed(out, PDU_CONCLUDE_ERROR, |out| {
        write_service_error(out, class, code)
    });
}

/// Writes the confirmed-ResponsePDU of any service result (server side); on error `out`
/// is unchanged. A response of an unknown service (`Other`) cannot be encoded.
pub fn encode_confirmed_response(
    invoke_id: u32,
    response: &ConfirmedServiceResponse,
    out: &mut Vec<u8>,
) -> Result<(), DataError> {
    use ConfirmedServiceResponse as R;
    match response {
        R::Read(results) => return read::encode_read_response(invoke_id, results, out),
        R::Write(results) => write::encode_write_response(invoke_id, results, out),
        R::GetNameList {
            names,
            more_follows,
        } => {
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            get_name_list::encode_get_name_list_response(invoke_id, &names, *more_follows, out)
        }
        R::Identify(id) => identify::encode_identify_response(invoke_id, id, out),
        R::DefineNamedVariableList => {
            nvl::encode_define_named_variable_list_response(invoke_id, out)
        }
        R::GetNamedVariableListAttributes { deletable, vars } => {
            nvl::encode_get_named_variable_list_attributes_response(
                invoke_id, *deletable, vars, out,
            )
        }
        R::DeleteNamedVariableList { matched, deleted } => {
            nvl::encode_delete_named_variable_list_response(invoke_id, *matched, *deleted, out)
        }
        R::GetVariableAccessAttributes(attrs) => {
            vaa::encode_get_variable_access_attributes_response(invoke_id, attrs, out)
        }
        R::File(file) => file::encode_response(invoke_id, file, out),
        R::ReadJournal(journal) => return journal::encode_response(invoke_id, journal, out),
        R::Other { .. } => return Err(DataError::Invalid("response of an unknown service")),
    }
    Ok(())
}

/// Writes a rejectPDU (`class`: rejectReason alternative 1..=11).
pub fn encode_reject(invoke_id: Option<u32>, class: u8, code: i64, out: &mut Vec<u8>) {
    ber::write_constructed(out, PDU_REJECT, |out| {
        if let Some(id) = invoke_id {
            ber::write_u64(out, 0x80, u64::from(id));
        }
        ber::write_i64(out, 0x80 | u32::from(class & 0x1F), code);
    });
}

// ---------------------------------------------------------------------------------------
// Decoding

/// Decodes one complete MMS PDU; `max_depth` bounds Data nesting.
pub fn decode_pdu(bytes: &[u8], max_depth: usize) -> Result<MmsPdu, MmsError> {
    let mut reader = Reader::new(bytes);
    let tlv = reader.read_tlv()?;
    if !reader.is_empty() {
        return Err(MmsError::Invalid("trailing bytes after the PDU"));
    }
    let v = tlv.value;
    Ok(match tlv.tag {
        PDU_CONFIRMED_REQUEST => decode_confirmed_request(v, max_depth)?,
        PDU_CONFIRMED_RESPONSE => decode_confirmed_response(v, max_depth)?,
        PDU_CONFIRMED_ERROR => decode_confirmed_error(v)?,
        PDU_UNCONFIRMED => decode_unconfirmed(v, max_depth)?,
        PDU_REJECT => decode_reject(v)?,
        PDU_INITIATE_REQUEST => MmsPdu::InitiateRequest(decode_initiate(v)?),
        PDU_INITIATE_RESPONSE => MmsPdu::InitiateResponse(decode_initiate(v)?),
        PDU_INITIATE_ERROR => {
            decode_service_error(v)?;
            MmsPdu::InitiateError
        }
        PDU_CONCLUDE_REQUEST => MmsPdu::ConcludeRequest,
        PDU_CONCLUDE_RESPONSE => MmsPdu::ConcludeResponse,
        PDU_CONCLUDE_ERROR => {
            decode_service_error(v)?;
            MmsPdu::ConcludeError
        }
        other => return Err(MmsError::UnsupportedPdu(other)),
    })
}

/// The invokeID of a confirmed-RequestPDU that may not decode as a whole (an unknown
/// service, a malformed body, trailing bytes): what a Reject needs to name the request.
pub fn request_invoke_id(bytes: &[u8]) -> Option<u32> {
    let tlv = Reader::new(bytes).read_tlv().ok()?;
    if tlv.tag != PDU_CONFIRMED_REQUEST {
        return None;
    }
    let id = Reader::new(tlv.value).expect(TAG_INTEGER).ok()?;
    ber::decode_u32(id).ok()
}

/// Decodes confirmed-ErrorPDU.
fn decode_confirmed_error(v: &[u8]) -> Result<MmsPdu, MmsError> {
    let mut r = Reader::new(v);
    let invoke_id = ber::decode_u32(r.expect(0x80)?)?;
    r.read_optional(0x81)?;
    let (class, code) = decode_service_error(r.expect(0xA2)?)?;
    Ok(MmsPdu::ConfirmedError {
        invoke_id,
        class,
        code,
    })
}

/// Decodes rejectPDU.
fn decode_reject(v: &[u8]) -> Result<MmsPdu, MmsError> {
    let mut r = Reader::new(v);
    let invoke_id = r.read_optional(0x80)?.map(ber::decode_u32).transpose()?;
    let reason = r.read_tlv()?;
    match reason.tag {
        t @ 0x81..=0x8B => Ok(MmsPdu::Reject {
            invoke_id,
            class: (t - 0x80) as u8,
            code: ber::decode_i64(reason.value)?,
        }),
        _ => Err(MmsError::Invalid("rejectReason")),
    }
}

/// Reads the invokeID and the single service TLV of a confirmed request or response.
fn confirmed_parts(v: &[u8]) -> Result<(u32, Tlv<'_>), MmsError> {
    let mut r = Reader::new(v);
    let invoke_id = ber::decode_u32(r.expect(TAG_INTEGER)?)?;
    // listOfModifier (requests only) is not supported by any IEC 61850 peer.
    if r.peek_tag() == Some(TAG_SEQUENCE) {
        return Err(MmsError::Invalid("request modifiers are not supported"));
    }
    let service = r.read_tlv()?;
    Ok((invoke_id, service))
}

/// Decodes confirmed-RequestPDU.
fn decode_confirmed_request(v: &[u8], max_depth: usize) -> Result<MmsPdu, MmsError> {
    let (invoke_id, service) = confirmed_parts(v)?;
    let service = match service.tag {
        read::SERVICE_READ => {
            let (specification_with_result, spec) = read::decode_request(service.value)?;
            match spec {
                VariableAccessSpec::Variables(vars) => ConfirmedService::Read { vars },
                VariableAccessSpec::ListName(list) => ConfirmedService::ReadList {
                    list,
                    specification_with_result,
                },
            }
        }
        write::SERVICE_WRITE => match write::decode_request(service.value, max_depth)? {
            (VariableAccessSpec::Variables(vars), values) => {
                ConfirmedService::Write { vars, values }
            }
            (VariableAccessSpec::ListName(list), values) => {
                ConfirmedService::WriteList { list, values }
            }
        },
        get_name_list::SERVICE_GET_NAME_LIST => {
            ConfirmedService::GetNameList(get_name_list::decode_request(service.value)?)
        }
        identify::SERVICE_IDENTIFY_REQUEST => {
            identify::decode_request(service.value)?;
            ConfirmedService::Identify
        }
        nvl::SERVICE_DEFINE_NVL_REQUEST => {
            let (name, vars) = nvl::decode_define_request(service.value)?;
            ConfirmedService::DefineNamedVariableList { name, vars }
        }
        nvl::SERVICE_GET_NVL_ATTRIBUTES => ConfirmedService::GetNamedVariableListAttributes(
            nvl::decode_attributes_request(service.value)?,
        ),
        nvl::SERVICE_DELETE_NVL => {
            let (scope, names) = nvl::decode_delete_request(service.value)?;
            ConfirmedService::DeleteNamedVariableList { scope, names }
        }
        vaa::SERVICE_GET_VARIABLE_ACCESS_ATTRIBUTES => {
            ConfirmedService::GetVariableAccessAttributes(vaa::decode_gvaa_request_body(
                service.value,
            )?)
        }
        journal::READ_JOURNAL => {
            ConfirmedService::ReadJournal(journal::decode_request(service.value)?)
        }
        tag if file::is_request_tag(tag) => {
            ConfirmedService::File(file::decode_request(tag, service.value)?)
        }
        tag => ConfirmedService::Other { tag },
    };
    Ok(MmsPdu::ConfirmedRequest { invoke_id, service })
}

/// Decodes confirmed-ResponsePDU.
fn decode_confirmed_response(v: &[u8], max_depth: usize) -> Result<MmsPdu, MmsError> {
    let (invoke_id, service) = confirmed_parts(v)?;
    Ok(match decode_service_response(service, max_depth) {
        Ok(service) => MmsPdu::ConfirmedResponse { invoke_id, service },
        Err(_) => MmsPdu::UndecodableResponse { invoke_id },
    })
}

/// Decodes the service result of a confirmed-ResponsePDU.
fn decode_service_response(
    service: Tlv<'_>,
    max_depth: usize,
) -> Result<ConfirmedServiceResponse, MmsError> {
    Ok(match service.tag {
        read::SERVICE_READ => {
            ConfirmedServiceResponse::Read(read::decode_response(service.value, max_depth)?)
        }
        write::SERVICE_WRITE => {
            ConfirmedServiceResponse::Write(write::decode_response(service.value)?)
        }
        get_name_list::SERVICE_GET_NAME_LIST => {
            let (names, more_follows) = get_name_list::decode_response(service.value)?;
            ConfirmedServiceResponse::GetNameList {
                names,
                more_follows,
            }
        }
        identify::SERVICE_IDENTIFY_RESPONSE => {
            ConfirmedServiceResponse::Identify(identify::decode_response(service.value)?)
        }
        nvl::SERVICE_DEFINE_NVL_RESPONSE => {
            nvl::decode_define_response(service.value)?;
            ConfirmedServiceResponse::DefineNamedVariableList
        }
        nvl::SERVICE_GET_NVL_ATTRIBUTES => {
            let (deletable, vars) = nvl::decode_attributes_response(service.value)?;
            ConfirmedServiceResponse::GetNamedVariableListAttributes { deletable, vars }
        }
        nvl::SERVICE_DELETE_NVL => {
            let (matched, deleted) = nvl::decode_delete_response(service.value)?;
            ConfirmedServiceResponse::DeleteNamedVariableList { matched, deleted }
        }
        vaa::SERVICE_GET_VARIABLE_ACCESS_ATTRIBUTES => {
            ConfirmedServiceResponse::GetVariableAccessAttributes(vaa::decode_gvaa_response_body(
                service.value,
            )?)
        }
        journal::READ_JOURNAL => ConfirmedServiceResponse::ReadJournal(journal::decode_response(
            service.value,
            max_depth,
        )?),
        tag if file::is_response_tag(tag) => {
            ConfirmedServiceResponse::File(file::decode_response(tag, service.value)?)
        }
        tag => ConfirmedServiceResponse::Other { tag },
    })
}

/// Decodes unconfirmed-PDU.
fn decode_unconfirmed(v: &[u8], max_depth: usize) -> Result<MmsPdu, MmsError> {
    let service = Reader::new(v).read_tlv()?;
    if service.tag != information_report::SERVICE_INFORMATION_REPORT {
        return Ok(MmsPdu::UnconfirmedOther { tag: service.tag });
    }
    Ok(MmsPdu::InformationReport(information_report::decode(
        service.value,
        max_depth,
    )?))
}

// ---------------------------------------------------------------------------------------
// Error code mapping

/// `MmsError` value (mms_common.h) of a confirmed-ErrorPDU with this errorClass and code.
pub fn confirmed_error_to_mms_error(class: u8, code: i64) -> i32 {
    match (class, code) {
        (0, _) => 10,
        (1, _) => 20,
        // definition: object-undefined 1, invalid-address 2, type-unsupported 3,
        // type-inconsistent 4, object-exists 5, object-attribute-inconsistent 6.
        (2, 1) => 34,
        (2, 2) => 31,
        (2, 3) => 32,
        (2, 4) => 33,
        (2, 5) => 35,
        (2, 6) => 36,
        (2, _) => 30,
        (3, 4) => 41,
        (3, _) => 40,
        (4, 5) => 55,
        (4, _) => 50,
        (5, _) => 60,
        (6, _) => 70,
        // access: object-access-unsupported 1, object-non-existent 2,
        // object-access-denied 3, object-invalidated 4.
        (7, 1) => 82,
        (7, 2) => 81,
        (7, 3) => 83,
        (7, 4) => 84,
        (7, _) => 80,
        // file: codes 1..=9 follow MMS_ERROR_FILE_OTHER (90) in order.
        (11, 1..=9) => 90 + code as i32,
        (11, _) => 90,
        _ => 9,
    }
}

/// `MmsError` value (mms_common.h) of a rejectPDU with this reason alternative and code.
pub fn reject_to_mms_error(class: u8, code: i64) -> i32 {
    match (class, code) {
        // confirmed-requestPDU: unrecognized-service 1, unrecognized-modifier 2, invalid-argument 4.
        (1, 1) => 103,
        (1, 2) => 104,
        (1, 4) => 105,
        // pdu-error: unknown-pdu-type 0, invalid-pdu 1.
        (5, 0) => 101,
        (5, 1) => 102,
        _ => 100,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mms::access::data_access_error_from_code;
    use crate::mms::testing::*;
    use crate::test_util::hex;

    #[test]
    fn conclude() {
        let mut out = Vec::new();
        encode_conclude_request(&mut out);
        assert_eq!(out, [0x8B, 0x00]);
        assert_eq!(decode(&out), MmsPdu::ConcludeRequest);
        out.clear();
        encode_conclude_response(&mut out);
        assert_eq!(out, [0x8C, 0x00]);
        assert_eq!(decode(&out), MmsPdu::ConcludeResponse);
    }

    #[test]
    fn confirmed_error_and_reject() {
        let mut out = Vec::new();
        encode_confirmed_error(5, 7, 2, &mut out);
        assert_eq!(out, hex("a2 0a 800105 a2 05 a0 03 870102"));
        let pdu = decode(&out);
        assert_eq!(
            pdu,
            MmsPdu::ConfirmedError {
                invoke_id: 5,
                class: 7,
                code: 2
            }
        );
        // With modifierPosition and additionalCode present.
        assert_eq!(
            decode(&hex("a2 10 800105 810100 a2 08 a0 03 840105 810101")),
            MmsPdu::ConfirmedError {
                invoke_id: 5,
                class: 4,
                code: 5
            }
        );
        out.clear();
        encode_reject(Some(9), 1, 1, &mut out);
        assert_eq!(out, hex("a4 06 800109 810101"));
        assert_eq!(
            decode(&out),
            MmsPdu::Reject {
                invoke_id: Some(9),
                class: 1,
                code: 1
            }
        );
        out.clear();
        encode_reject(None, 5, 1, &mut out);
        assert_eq!(out, hex("a4 03 850101"));
        assert_eq!(
            decode(&out),
            MmsPdu::Reject {
                invoke_id: None,
                class: 5,
                code: 1
            }
        );
    }

    #[test]
    fn other_services() {
        // getCapabilityList [84] request and response: not handled.
        assert_eq!(
            decode(&hex("a0 06 020101 bf5400")),
            MmsPdu::ConfirmedRequest {
                invoke_id: 1,
                service: ConfirmedService::Other { tag: 0xBF54 }
            }
        );
        assert_eq!(
            decode(&hex("a1 06 020101 bf5400")),
            MmsPdu::ConfirmedResponse {
                invoke_id: 1,
                service: ConfirmedServiceResponse::Other { tag: 0xBF54 }
            }
        );
    }

    #[test]
    fn hostile_pdus_are_errors() {
        let full = hex(&format!(
            "a03c 020107 a537 a030 302e a02c a12a {NAME_PREFIX}
             1a15 4747494f3124535424535043534f3124737456616c a003 830101"
        ));
        // Every truncation of a valid PDU is an error.
        for n in 0..full.len() {
            assert!(refused(&full[..n]), "prefix {n}");
        }
        let cases = [
            "",
            "85 01 01",                                     // cancel-request: unsupported
            "8b 00 00",                                     // trailing byte
            "a1 06 020101 a4 01",                           // truncated service
            "a1 0b 02 09 010000000000000000",               // invokeID of 9 octets
            "a1 0b 0205 0100000000 a4 02 a1 00",            // invokeID above u32
            "a1 08 020101 a4 03 a1 01 ff",                  // garbage data
            "a1 0a 020101 a4 05 a1 03 880100",              // unknown data tag
            "a1 07 020101 a5 02 8200",                      // bad write result
            "a2 08 800105 a2 03 a0 01 8d",                  // truncated error class
            "a2 09 800105 a2 04 a0 02 8d00",                // error class 13
            "a4 03 8c0101",                                 // reject reason 12
            "a0 07 020101 30 00 a4 00",                     // modifiers
            "a0 0c 020101 a4 07 a1 05 a0 03 3001 00",       // bad variable entry
            "a0 0e 020101 a4 09 a1 07 a0 05 3003 a0 01 80", // truncated name
            "a0 11 020101 a4 0c a1 0a a0 08 3006 a0 04 82 02 ff fe", // aa-specific var, bad utf8
            "a0 14 020101 a5 0f a0 0b 3009 a0 03 800178 a5028300 a0 00", // bad alt access
            "a0 10 020101 a5 0b a0 07 3005 a0 03 800178 a0 00", // value count mismatch
        ];
        for case in cases {
            assert!(refused(&hex(case)), "{case}");
        }
        // A response whose value is undecodable still names its request.
        assert!(matches!(
            decode_pdu(&hex("a1 0a 020107 a4 05 a1 03 880100"), 10),
            Ok(MmsPdu::UndecodableResponse { invoke_id: 7 })
        ));
        // Data nesting is bounded by max_depth.
        let nested = hex("a1 0e 020101 a4 09 a1 07 a2 05 a2 03 a2 01 00");
        assert!(matches!(
            decode_pdu(&nested, 1),
            Ok(MmsPdu::UndecodableResponse { invoke_id: 1 })
        ));
    }

    #[test]
    fn random_garbage_never_panics() {
        let seeds = [
            hex(INITIATE_REQUEST),
            hex("a1 21 020108 a4 1c a1 1a a2 18 a2 07 87 05 08 00000000 84 03 03 0000 91 08 0000000000000000"),
            hex("a3 12 a0 10 a1 05 80 03 525054 a0 07 8a02 6964 80010a"),
        ];
        decode_corrupted(&seeds, 0x2545_F491_4F6C_DD1D, 30_000);
    }

    #[test]
    fn error_mapping() {
        assert_eq!(confirmed_error_to_mms_error(7, 2), 81);
        assert_eq!(confirmed_error_to_mms_error(7, 3), 83);
        assert_eq!(confirmed_error_to_mms_error(7, 99), 80);
        assert_eq!(confirmed_error_to_mms_error(2, 1), 34);
        assert_eq!(confirmed_error_to_mms_error(11, 7), 97);
        assert_eq!(confirmed_error_to_mms_error(11, 10), 90);
        assert_eq!(confirmed_error_to_mms_error(12, 0), 9);
        assert_eq!(reject_to_mms_error(1, 1), 103);
        assert_eq!(reject_to_mms_error(5, 0), 101);
        assert_eq!(reject_to_mms_error(2, 3), 100);
        assert_eq!(data_access_error_from_code(11), 11);
        assert_eq!(data_access_error_from_code(-1), 12);
    }

    /// MMS PDUs the reference server (libiec61850 1.6.1) sent to the reference client,
    /// captured through tests/interop/proxy.py against tests/fixtures/demo.cfg.
    const REFERENCE_SERVER_RESPONSES: &[&str] = &[
        // Read of DEMOProt/LLN0$ST$Mod$stVal: INT8 1.
        "a1 0a 020101 a4 05 a1 03 850101",
        // Write refused: object-non-existent (10).
        "a1 08 020102 a5 03 80010a",
        // GetNameList of the domains, the last page.
        "a1 1e 020103 a1 19 a0 14 1a08 44454d4f4d656173 1a08 44454d4f50726f74 810100",
        // Identify.
        "a1 2a 020106 a2 25 800f 6c696269656336313835302e636f6d 810b 4c49424945433631383530
         8205 312e362e31",
        // GetVariableAccessAttributes of an INT8 attribute: not deletable.
        "a1 0d 020107 a6 08 800100 a2 03 850108",
        // GetNamedVariableListAttributes of DEMOProt/LLN0$Events (first two members).
        "a1 54 020108 ac 4f 800100 a1 4a
         3023 a021 a11f 1a08 44454d4f50726f74 1a13 4747494f3124535424496e643124737456616c
         3023 a021 a11f 1a08 44454d4f50726f74 1a13 4747494f3124535424496e643224737456616c",
    ];

    #[test]
    fn server_responses_match_the_reference_server() {
        for vector in REFERENCE_SERVER_RESPONSES {
            let bytes = hex(vector);
            let pdu = decode_pdu(&bytes, 10).unwrap_or_else(|e| panic!("{vector}: {e}"));
            let MmsPdu::ConfirmedResponse { invoke_id, service } = pdu else {
                panic!("{vector}");
            };
            let mut out = Vec::new();
            encode_confirmed_response(invoke_id, &service, &mut out).unwrap();
            assert_eq!(out, bytes, "{vector}");
        }
        // confirmed-ErrorPDU: access (7) / object-non-existent (2), Reject pdu-error (5)
        // invalid-pdu (1) of invoke ID 7 and unknown-pdu-type (0) without one, conclude.
        let mut out = Vec::new();
        encode_confirmed_error(7, 7, 2, &mut out);
        assert_eq!(out, hex("a2 0a 800107 a2 05 a0 03 870102"));
        out.clear();
        encode_reject(Some(7), 5, 1, &mut out);
        assert_eq!(out, hex("a4 06 800107 850101"));
        out.clear();
        encode_reject(None, 5, 0, &mut out);
        assert_eq!(out, hex("a4 03 850100"));
        out.clear();
        encode_conclude_response(&mut out);
        assert_eq!(out, hex("8c 00"));
    }

    #[test]
    fn unencodable_responses_leave_the_buffer_unchanged() {
        let mut out = vec![1];
        let other = ConfirmedServiceResponse::Other { tag: 0xBF54 };
        assert!(encode_confirmed_response(1, &other, &mut out).is_err());
        let unset =
            ConfirmedServiceResponse::Read(vec![Ok(MmsValue::Structure(vec![None].into()))]);
        assert!(encode_confirmed_response(1, &unset, &mut out).is_err());
        assert_eq!(out, [1]);
    }

    #[test]
    fn conclude_error_round_trip() {
        // ISO 9506-2: conclude-ErrorPDU [13] ServiceError, errorClass conclude [9]
        // further-communication-required (1). The reference server never sends one: it
        // answers requests one at a time, so none is outstanding at a conclude.
        let mut out = Vec::new();
        encode_conclude_error(9, 1, &mut out);
        assert_eq!(out, hex("ad 05 a0 03 890101"));
        assert_eq!(decode(&out), MmsPdu::ConcludeError);
    }

    #[test]
    fn invoke_id_of_undecodable_requests() {
        // Captured requests the reference server rejects with their invoke ID: an unknown
        // service, a malformed Read, trailing bytes after the PDU.
        for (bytes, id) in [
            ("a0 05 020107 bf7f00", Some(7)),
            ("a0 07 020107 a402ff00", Some(7)),
            ("a0 05 020109 8c00 0000", Some(9)),
            ("a1 05 020107 8c00", None),
            ("ff 00", None),
            ("a0 03 0201", None),
        ] {
            assert_eq!(request_invoke_id(&hex(bytes)), id, "{bytes}");
        }
    }
}
