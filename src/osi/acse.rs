//! ISO 8650 ACSE (association control): AARQ, AARE, RLRQ, RLRE and ABRT APDUs, with the
//! password authentication (mechanism 2.2.3.1) MMS devices use.

use crate::ber::{self, BerError, Reader};

/// Application context name of MMS (iso standard 9506 part(2) mms-annex-version1(3)).
pub const MMS_APPLICATION_CONTEXT: &[u32] = &[1, 0, 9506, 2, 3];
/// Authentication mechanism name of password authentication.
pub const PASSWORD_MECHANISM: &[u32] = &[2, 2, 3, 1];
/// Indirect reference of the user information: the MMS presentation context.
const MMS_INDIRECT_REFERENCE: i64 = 3;

const TAG_AARQ: u32 = 0x60;
const TAG_AARE: u32 = 0x61;
const TAG_RLRQ: u32 = 0x62;
const TAG_RLRE: u32 = 0x63;
const TAG_ABRT: u32 = 0x64;
const TAG_PROTOCOL_VERSION: u32 = 0x80;
const TAG_APPLICATION_CONTEXT: u32 = 0xA1;
const TAG_CALLED_AP_TITLE: u32 = 0xA2;
const TAG_CALLED_AE_QUALIFIER: u32 = 0xA3;
const TAG_CALLING_AP_TITLE: u32 = 0xA6;
const TAG_CALLING_AE_QUALIFIER: u32 = 0xA7;
const TAG_SENDER_REQUIREMENTS: u32 = 0x8A;
const TAG_MECHANISM_NAME: u32 = 0x8B;
const TAG_AUTHENTICATION_VALUE: u32 = 0xAC;
const TAG_AUTH_CHARSTRING: u32 = 0x80;
const TAG_AARE_RESULT: u32 = 0xA2;
const TAG_AARE_DIAGNOSTIC: u32 = 0xA3;
const TAG_USER_INFORMATION: u32 = 0xBE;
const TAG_EXTERNAL: u32 = 0x28;
const TAG_OID: u32 = 0x06;
const TAG_INTEGER: u32 = 0x02;
const TAG_OBJECT_DESCRIPTOR: u32 = 0x07;
const TAG_SINGLE_ASN1_TYPE: u32 = 0xA0;
const TAG_OCTET_ALIGNED: u32 = 0x81;
const TAG_REASON: u32 = 0x80;
const TAG_ABORT_SOURCE: u32 = 0x80;
/// Protocol version BIT STRING: version1 only.
const VERSION1: [u8; 2] = [0x07, 0x80];
/// ACSE requirements BIT STRING: authentication only.
const REQUIREMENT_AUTHENTICATION: [u8; 2] = [0x07, 0x80];

/// AARE result: accepted.
pub const RESULT_ACCEPTED: i64 = 0;
/// AARE result: rejected (permanent).
pub const RESULT_REJECTED_PERMANENT: i64 = 1;
/// AARE result: rejected (transient).
pub const RESULT_REJECTED_TRANSIENT: i64 = 2;
/// Diagnostic source of a result-source-diagnostic: ACSE service user.
pub const SOURCE_SERVICE_USER: u8 = 1;
/// Diagnostic source of a result-source-diagnostic: ACSE service provider.
pub const SOURCE_SERVICE_PROVIDER: u8 = 2;
/// Service-user diagnostic: null.
pub const DIAGNOSTIC_NULL: i64 = 0;
/// Service-user diagnostic: authentication failure.
pub const DIAGNOSTIC_AUTHENTICATION_FAILURE: i64 = 14;
/// ABRT source: ACSE service user.
pub const ABORT_SOURCE_USER: i64 = 0;

/// Errors of APDU decoding.
#[derive(Debug, thiserror::Error, PartialEq, Eq, Clone)]
pub enum AcseError {
    /// Malformed BER.
    #[error(transparent)]
    Ber(#[from] BerError),
    /// Well-formed BER that is not a valid APDU for this use.
    #[error("ACSE: {0}")]
    Invalid(&'static str),
}

/// Addressing and authentication of an AARQ to encode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AarqParams<'a> {
    /// Called AP title (form 2, an OID).
    pub called_ap_title: Option<&'a [u32]>,
    /// Called AE qualifier (form 2, an integer).
    pub called_ae_qualifier: Option<i32>,
    /// Calling AP title.
    pub calling_ap_title: Option<&'a [u32]>,
    /// Calling AE qualifier.
    pub calling_ae_qualifier: Option<i32>,
    /// Password for password authentication.
    pub password: Option<&'a [u8]>,
}

/// A decoded AARQ.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Aarq<'a> {
    /// Application context name.
    pub application_context: Vec<u32>,
    /// Called AP title.
    pub called_ap_title: Option<Vec<u32>>,
    /// Called AE qualifier.
    pub called_ae_qualifier: Option<i64>,
    /// Calling AP title.
    pub calling_ap_title: Option<Vec<u32>>,
    /// Calling AE qualifier.
    pub calling_ae_qualifier: Option<i64>,
    /// The password, when password authentication is used.
    pub password: Option<&'a [u8]>,
    /// The user information (the MMS initiate-request PDU).
    pub user_data: Option<&'a [u8]>,
}

/// A decoded AARE.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Aare<'a> {
    /// Associate result (0 accepted, 1 rejected permanent, 2 rejected transient).
    pub result: i64,
    /// Result source (1 service user, 2 service provider) and diagnostic.
    pub diagnostic: Option<(u8, i64)>,
    /// The user information (the MMS initiate response or error PDU).
    pub user_data: Option<&'a [u8]>,
}

/// A decoded APDU.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Apdu<'a> {
    /// Associate request.
    Aarq(Aarq<'a>),
    /// Associate response.
    Aare(Aare<'a>),
    /// Release request with its reason.
    Rlrq(Option<i64>),
    /// Release response with its reason.
    Rlre(Option<i64>),
    /// Abort with its source.
    Abrt(Option<i64>),
}

/// Writes `[tag] { OBJECT IDENTIFIER }` (explicitly tagged OID, AP-title form 2).
fn write_explicit_oid(out: &mut Vec<u8>, tag: u32, arcs: &[u32]) {
    ber::write_constructed(out, tag, |o| ber::write_oid(o, TAG_OID, arcs));
}

/// Writes `[tag] { INTEGER }` (explicitly tagged integer, AE-qualifier form 2).
fn write_explicit_int(out: &mut Vec<u8>, tag: u32, v: i64) {
    ber::write_constructed(out, tag, |o| ber::write_i64(o, TAG_INTEGER, v));
}

/// Writes user-information: one EXTERNAL in the MMS context, single-ASN1-type.
fn write_user_information(out: &mut Vec<u8>, user_data: &[u8]) {
    ber::write_constructed(out, TAG_USER_INFORMATION, |o| {
        ber::write_constructed(o, TAG_EXTERNAL, |o| {
            ber::write_i64(o, TAG_INTEGER, MMS_INDIRECT_REFERENCE);
            ber::write_tlv(o, TAG_SINGLE_ASN1_TYPE, user_data);
        });
    });
}

/// Returns the encoding of the first EXTERNAL of user-information content.
fn parse_user_information(content: &[u8]) -> Result<&[u8], AcseError> {
    let mut ext = Reader::new(Reader::new(content).expect(TAG_EXTERNAL)?);
    ext.read_optional(TAG_OID)?;
    ext.read_optional(TAG_INTEGER)?;
    ext.read_optional(TAG_OBJECT_DESCRIPTOR)?;
    let encoding = ext.read_tlv()?;
    match encoding.tag {
        TAG_SINGLE_ASN1_TYPE | TAG_OCTET_ALIGNED => Ok(encoding.value),
        _ => Err(AcseError::Invalid("unsupported EXTERNAL encoding")),
    }
}

/// Writes an AARQ proposing the MMS application context; `user_data` is the MMS
/// initiate-request PDU.
pub fn write_aarq(out: &mut Vec<u8>, p: &AarqParams<'_>, user_data: &[u8]) {
    ber::write_constructed(out, TAG_AARQ, |o| {
        ber::write_tlv(o, TAG_PROTOCOL_VERSION, &VERSION1);
        write_explicit_oid(o, TAG_APPLICATION_CONTEXT, MMS_APPLICATION_CONTEXT);
        if let Some(title) = p.called_ap_title {
            write_explicit_oid(o, TAG_CALLED_AP_TITLE, title);
        }
        if let Some(q) = p.called_ae_qualifier {
            write_explicit_int(o, TAG_CALLED_AE_QUALIFIER, i64::from(q));
        }
        if let Some(title) = p.calling_ap_title {
            write_explicit_oid(o, TAG_CALLING_AP_TITLE, title);
        }
        if let Some(q) = p.calling_ae_qualifier {
            write_explicit_int(o, TAG_CALLING_AE_QUALIFIER, i64::from(q));
        }
        if let Some(password) = p.password {
            ber::write_tlv(o, TAG_SENDER_REQUIREMENTS, &REQUIREMENT_AUTHENTICATION);
            ber::write_oid(o, TAG_MECHANISM_NAME, PASSWORD_MECHANISM);
            ber::write_constructed(o, TAG_AUTHENTICATION_VALUE, |o| {
                ber::write_tlv(o, TAG_AUTH_CHARSTRING, password)
            });
        }
        write_user_information(o, user_data);
    });
}

/// Writes an AARE for the MMS application context.
pub fn write_aare(out: &mut Vec<u8>, result: i64, diagnostic: (u8, i64), user_data: Option<&[u8]>) {
    // protocol-version is DEFAULT version1: the reference server leaves it out.
    ber::write_constructed(out, TAG_AARE, |o| {
        write_explicit_oid(o, TAG_APPLICATION_CONTEXT, MMS_APPLICATION_CONTEXT);
        write_explicit_int(o, TAG_AARE_RESULT, result);
        let (source, value) = diagnostic;
        ber::write_constructed(o, TAG_AARE_DIAGNOSTIC, |o| {
            write_explicit_int(o, 0xA0 | u32::from(source & 0x1F), value)
        });
        if let Some(ud) = user_data {
            write_user_information(o, ud);
        }
    });
}

/// Writes an RLRQ with reason `normal`.
pub fn write_rlrq(out: &mut Vec<u8>) {
    ber::write_constructed(out, TAG_RLRQ, |o| ber::write_i64(o, TAG_REASON, 0));
}

/// Writes an RLRE without the optional reason, as the reference server does.
pub fn write_rlre(out: &mut Vec<u8>) {
    ber::write_constructed(out, TAG_RLRE, |_| {});
}

/// Writes an ABRT from the ACSE service user.
pub fn write_abrt(out: &mut Vec<u8>) {
    ber::write_constructed(out, TAG_ABRT, |o| {
        ber::write_i64(o, TAG_ABORT_SOURCE, ABORT_SOURCE_USER)
    });
}

/// Decodes `[tag] { OBJECT IDENTIFIER }`.
fn explicit_oid(content: &[u8]) -> Result<Vec<u32>, AcseError> {
    Ok(ber::decode_oid(Reader::new(content).expect(TAG_OID)?)?)
}

/// Decodes `[tag] { INTEGER }`.
fn explicit_int(content: &[u8]) -> Result<i64, AcseError> {
    Ok(ber::decode_i64(Reader::new(content).expect(TAG_INTEGER)?)?)
}

/// Decodes one APDU (the complete TLV).
pub fn decode(apdu: &[u8]) -> Result<Apdu<'_>, AcseError> {
    let tlv = Reader::new(apdu).read_tlv()?;
    match tlv.tag {
        TAG_AARQ => decode_aarq(tlv.value).map(Apdu::Aarq),
        TAG_AARE => decode_aare(tlv.value).map(Apdu::Aare),
        TAG_RLRQ | TAG_RLRE | TAG_ABRT => {
            // reason and abort-source are all [0] IMPLICIT INTEGER.
            let value = Reader::new(tlv.value)
                .read_optional(TAG_REASON)?
                .map(ber::decode_i64)
                .transpose()?;
            Ok(match tlv.tag {
                TAG_RLRQ => Apdu::Rlrq(value),
                TAG_RLRE => Apdu::Rlre(value),
                _ => Apdu::Abrt(value),
            })
        }
        _ => Err(AcseError::Invalid("unknown APDU")),
    }
}

fn decode_aarq(content: &[u8]) -> Result<Aarq<'_>, AcseError> {
    let mut aarq = Aarq::default();
    let mut password_mechanism = false;
    let mut auth_value = None;
    let mut r = Reader::new(content);
    while !r.is_empty() {
        let tlv = r.read_tlv()?;
        match tlv.tag {
            TAG_APPLICATION_CONTEXT => aarq.application_context = explicit_oid(tlv.value)?,
            TAG_CALLED_AP_TITLE => aarq.called_ap_title = Some(explicit_oid(tlv.value)?),
            TAG_CALLED_AE_QUALIFIER => aarq.called_ae_qualifier = Some(explicit_int(tlv.value)?),
            TAG_CALLING_AP_TITLE => aarq.calling_ap_title = Some(explicit_oid(tlv.value)?),
            TAG_CALLING_AE_QUALIFIER => aarq.calling_ae_qualifier = Some(explicit_int(tlv.value)?),
            TAG_MECHANISM_NAME => {
                password_mechanism = ber::decode_oid(tlv.value)? == PASSWORD_MECHANISM
            }
            TAG_AUTHENTICATION_VALUE => {
                auth_value = Reader::new(tlv.value).read_optional(TAG_AUTH_CHARSTRING)?
            }
            TAG_USER_INFORMATION => aarq.user_data = Some(parse_user_information(tlv.value)?),
            _ => {}
        }
    }
    if aarq.application_context.is_empty() {
        return Err(AcseError::Invalid("AARQ without application context"));
    }
    aarq.password = auth_value.filter(|_| password_mechanism);
    Ok(aarq)
}

fn decode_aare(content: &[u8]) -> Result<Aare<'_>, AcseError> {
    let mut result = None;
    let mut diagnostic = None;
    let mut user_data = None;
    let mut r = Reader::new(content);
    while !r.is_empty() {
        let tlv = r.read_tlv()?;
        match tlv.tag {
            TAG_AARE_RESULT => result = Some(explicit_int(tlv.value)?),
            TAG_AARE_DIAGNOSTIC => {
                let inner = Reader::new(tlv.value).read_tlv()?;
                let source = (inner.tag & 0x1F) as u8;
                diagnostic = Some((source, explicit_int(inner.value)?));
            }
            TAG_USER_INFORMATION => user_data = Some(parse_user_information(tlv.value)?),
            _ => {}
        }
    }
    Ok(Aare {
        result: result.ok_or(AcseError::Invalid("AARE without result"))?,
        diagnostic,
        user_data,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const MMS: &[u8] = &[0xA8, 0x00];

    /// AARQ as libiec61850-style clients send it, with the default addressing.
    const AARQ: &[u8] = &[
        0x60, 0x33, 0x80, 0x02, 0x07, 0x80, 0xA1, 0x07, 0x06, 0x05, 0x28, 0xCA, 0x22, 0x02, 0x03,
        0xA2, 0x07, 0x06, 0x05, 0x29, 0x01, 0x87, 0x67, 0x01, 0xA3, 0x03, 0x02, 0x01, 0x0C, 0xA6,
        0x06, 0x06, 0x04, 0x29, 0x01, 0x87, 0x67, 0xA7, 0x03, 0x02, 0x01, 0x0C, 0xBE, 0x09, 0x28,
        0x07, 0x02, 0x01, 0x03, 0xA0, 0x02, 0xA8, 0x00,
    ];

    fn params() -> AarqParams<'static> {
        AarqParams {
            called_ap_title: Some(&[1, 1, 1, 999, 1]),
            called_ae_qualifier: Some(12),
            calling_ap_title: Some(&[1, 1, 1, 999]),
            calling_ae_qualifier: Some(12),
            password: None,
        }
    }

    #[test]
    fn aarq_encodes_as_expected() {
        let mut out = Vec::new();
        write_aarq(&mut out, &params(), MMS);
        assert_eq!(out, AARQ);
        let Ok(Apdu::Aarq(aarq)) = decode(AARQ) else {
            panic!("not an AARQ")
        };
        assert_eq!(aarq.application_context, MMS_APPLICATION_CONTEXT);
        assert_eq!(aarq.called_ap_title, Some(vec![1, 1, 1, 999, 1]));
        assert_eq!(aarq.called_ae_qualifier, Some(12));
        assert_eq!(aarq.calling_ap_title, Some(vec![1, 1, 1, 999]));
        assert_eq!(aarq.calling_ae_qualifier, Some(12));
        assert_eq!(aarq.password, None);
        assert_eq!(aarq.user_data, Some(MMS));
    }

    #[test]
    fn aarq_with_password() {
        let mut out = Vec::new();
        let p = AarqParams {
            password: Some(b"secret"),
            ..AarqParams::default()
        };
        write_aarq(&mut out, &p, MMS);
        let tail = [
            0x8A, 0x02, 0x07, 0x80, 0x8B, 0x03, 0x52, 0x03, 0x01, 0xAC, 0x08, 0x80, 0x06, b's',
            b'e', b'c', b'r', b'e', b't',
        ];
        assert_eq!(&out[15..15 + tail.len()], &tail);
        let Ok(Apdu::Aarq(aarq)) = decode(&out) else {
            panic!("not an AARQ")
        };
        assert_eq!(aarq.password, Some(&b"secret"[..]));
        assert_eq!(aarq.called_ap_title, None);
    }

    #[test]
    fn aare_round_trip() {
        let mut out = Vec::new();
        write_aare(
            &mut out,
            RESULT_ACCEPTED,
            (SOURCE_SERVICE_USER, DIAGNOSTIC_NULL),
            Some(MMS),
        );
        assert_eq!(
            out,
            [
                0x61, 0x20, 0xA1, 0x07, 0x06, 0x05, 0x28, 0xCA, 0x22, 0x02, 0x03, 0xA2, 0x03, 0x02,
                0x01, 0x00, 0xA3, 0x05, 0xA1, 0x03, 0x02, 0x01, 0x00, 0xBE, 0x09, 0x28, 0x07, 0x02,
                0x01, 0x03, 0xA0, 0x02, 0xA8, 0x00
            ]
        );
        assert_eq!(
            decode(&out),
            Ok(Apdu::Aare(Aare {
                result: 0,
                diagnostic: Some((1, 0)),
                user_data: Some(MMS)
            }))
        );
        let mut out = Vec::new();
        write_aare(
            &mut out,
            RESULT_REJECTED_PERMANENT,
            (SOURCE_SERVICE_USER, DIAGNOSTIC_AUTHENTICATION_FAILURE),
            None,
        );
        assert_eq!(
            decode(&out),
            Ok(Apdu::Aare(Aare {
                result: 1,
                diagnostic: Some((1, 14)),
                user_data: None
            }))
        );
    }

    #[test]
    fn release_and_abort_round_trip() {
        let mut out = Vec::new();
        write_rlrq(&mut out);
        write_rlre(&mut out);
        write_abrt(&mut out);
        assert_eq!(
            out,
            [0x62, 0x03, 0x80, 0x01, 0x00, 0x63, 0x00, 0x64, 0x03, 0x80, 0x01, 0x00]
        );
        assert_eq!(decode(&out[..5]), Ok(Apdu::Rlrq(Some(0))));
        assert_eq!(decode(&out[5..7]), Ok(Apdu::Rlre(None)));
        assert_eq!(decode(&out[7..]), Ok(Apdu::Abrt(Some(0))));
        assert_eq!(decode(&[0x62, 0x00]), Ok(Apdu::Rlrq(None)));
    }

    #[test]
    fn rejects_hostile_apdus() {
        assert!(decode(&[]).is_err());
        assert!(decode(&AARQ[..AARQ.len() - 1]).is_err());
        assert_eq!(
            decode(&[0x65, 0x00]),
            Err(AcseError::Invalid("unknown APDU"))
        );
        assert_eq!(
            decode(&[0x61, 0x00]),
            Err(AcseError::Invalid("AARE without result"))
        );
        assert_eq!(
            decode(&[0x60, 0x00]),
            Err(AcseError::Invalid("AARQ without application context"))
        );
        assert!(decode(&[0x61, 0x05, 0xBE, 0x03, 0x28, 0x01, 0x00]).is_err());
        assert_eq!(
            decode(&[0x61, 0x09, 0xA2, 0x03, 0x02, 0x01, 0x00, 0xBE, 0x02, 0x28, 0x00]),
            Err(AcseError::Ber(BerError::Truncated))
        );
    }
}
