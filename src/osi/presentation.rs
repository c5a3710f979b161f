//! ISO 8823 presentation protocol, normal mode with BER as the only transfer syntax:
//! CP, CPA and CPR PPDUs, fully-encoded user data and ARU/ARP aborts.

use crate::ber::{self, BerError, Reader};

/// OID of the ACSE abstract syntax (joint-iso-itu-t association-control(2) abstract-syntax(1) apdus(0) version1(1)).
pub const ACSE_ABSTRACT_SYNTAX: &[u32] = &[2, 2, 1, 0, 1];
/// OID of the MMS abstract syntax (iso standard 9506 part(2) mms-abstract-syntax-version1(1)).
pub const MMS_ABSTRACT_SYNTAX: &[u32] = &[1, 0, 9506, 2, 1];
/// OID of the BER transfer syntax.
pub const BER_TRANSFER_SYNTAX: &[u32] = &[2, 1, 1];
/// Presentation context the initiator assigns to ACSE.
pub const ACSE_CONTEXT_ID: i64 = 1;
/// Presentation context the initiator assigns to MMS.
pub const MMS_CONTEXT_ID: i64 = 3;
/// Upper bound on presentation contexts accepted in a CP, to bound allocations.
const MAX_CONTEXTS: usize = 16;

const TAG_SET: u32 = 0x31;
const TAG_SEQUENCE: u32 = 0x30;
const TAG_INTEGER: u32 = 0x02;
const TAG_OID: u32 = 0x06;
const TAG_MODE_SELECTOR: u32 = 0xA0;
const TAG_MODE_VALUE: u32 = 0x80;
const TAG_NORMAL_MODE: u32 = 0xA2;
const TAG_CALLING_SELECTOR: u32 = 0x81;
const TAG_CALLED_SELECTOR: u32 = 0x82;
const TAG_RESPONDING_SELECTOR: u32 = 0x83;
const TAG_CONTEXT_DEFINITION_LIST: u32 = 0xA4;
const TAG_CONTEXT_RESULT_LIST: u32 = 0xA5;
const TAG_PRESENTATION_REQUIREMENTS: u32 = 0x88;
const TAG_PROVIDER_REASON: u32 = 0x8A;
const TAG_RESULT: u32 = 0x80;
const TAG_RESULT_TRANSFER_SYNTAX: u32 = 0x81;
const TAG_RESULT_PROVIDER_REASON: u32 = 0x82;
const TAG_FULLY_ENCODED_DATA: u32 = 0x61;
const TAG_SINGLE_ASN1_TYPE: u32 = 0xA0;
const TAG_OCTET_ALIGNED: u32 = 0x81;
const TAG_ARU_NORMAL_MODE: u32 = 0xA0;
const TAG_ARP_REASON: u32 = 0x80;
/// Mode value: normal mode.
const NORMAL_MODE: i64 = 1;
/// Result-list value: acceptance.
const RESULT_ACCEPTANCE: u8 = 0;
/// Result-list value: provider rejection.
const RESULT_PROVIDER_REJECTION: u8 = 2;
/// Provider reason: abstract syntax not supported.
const REASON_ABSTRACT_SYNTAX_NOT_SUPPORTED: u8 = 2;

/// Errors of PPDU decoding.
#[derive(Debug, thiserror::Error, PartialEq, Eq, Clone)]
pub enum PresentationError {
    /// Malformed BER.
    #[error(transparent)]
    Ber(#[from] BerError),
    /// Well-formed BER that is not a valid PPDU for this use.
    #[error("presentation: {0}")]
    Invalid(&'static str),
}

/// One presentation data value: the context it belongs to and the encoded value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pdv<'a> {
    /// Presentation context identifier.
    pub context_id: i64,
    /// The value (for single-ASN1-type, the complete inner TLV).
    pub data: &'a [u8],
}

/// A decoded CP-type PPDU (connect request).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectPpdu<'a> {
    /// Calling presentation selector.
    pub calling_selector: &'a [u8],
    /// Called presentation selector.
    pub called_selector: &'a [u8],
    /// Proposed contexts in order: identifier and whether its abstract syntax is one we
    /// support (ACSE or MMS).
    pub contexts: Vec<(i64, bool)>,
    /// Context identifier proposed for ACSE.
    pub acse_context: Option<i64>,
    /// Context identifier proposed for MMS.
    pub mms_context: Option<i64>,
    /// The user data (an AARQ).
    pub user_data: Pdv<'a>,
}

/// A decoded CPA-PPDU (connect accept).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AcceptPpdu<'a> {
    /// Responding presentation selector.
    pub responding_selector: &'a [u8],
    /// The user data (an AARE).
    pub user_data: Pdv<'a>,
}

/// A decoded CPR-PPDU (connect refuse).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RefusePpdu<'a> {
    /// Provider reason, if the provider refused.
    pub provider_reason: Option<i64>,
    /// The user data (an AARE), if the user refused.
    pub user_data: Option<Pdv<'a>>,
}

/// A decoded abort PPDU.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AbortPpdu<'a> {
    /// ARU-PPDU, possibly carrying an ACSE ABRT.
    User(Option<Pdv<'a>>),
    /// ARP-PPDU with its provider reason.
    Provider(Option<i64>),
}

/// Writes fully-encoded user data with one PDV of `context_id`; `body` appends the
/// single-ASN1-type value.
pub fn write_user_data(out: &mut Vec<u8>, context_id: i64, body: impl FnOnce(&mut Vec<u8>)) {
    ber::write_constructed(out, TAG_FULLY_ENCODED_DATA, |o| {
        ber::write_constructed(o, TAG_SEQUENCE, |o| {
            ber::write_i64(o, TAG_INTEGER, context_id);
            ber::write_constructed(o, TAG_SINGLE_ASN1_TYPE, body);
        });
    });
}

/// Decodes fully-encoded user data (the complete TLV) and returns its first PDV.
pub fn decode_user_data(data: &[u8]) -> Result<Pdv<'_>, PresentationError> {
    let mut r = Reader::new(data);
    let pdv = parse_user_data(r.expect(TAG_FULLY_ENCODED_DATA)?)?;
    Ok(pdv)
}

/// Parses the content of fully-encoded data.
fn parse_user_data(content: &[u8]) -> Result<Pdv<'_>, PresentationError> {
    let mut list = Reader::new(content);
    let mut pdv = Reader::new(list.expect(TAG_SEQUENCE)?);
    // The transfer syntax name is only present when several were proposed.
    pdv.read_optional(TAG_OID)?;
    let context_id = ber::decode_i64(pdv.expect(TAG_INTEGER)?)?;
    let value = pdv.read_tlv()?;
    let data = match value.tag {
        TAG_SINGLE_ASN1_TYPE | TAG_OCTET_ALIGNED => value.value,
        _ => return Err(PresentationError::Invalid("unsupported PDV encoding")),
    };
    Ok(Pdv { context_id, data })
}

fn write_mode_selector(out: &mut Vec<u8>) {
    ber::write_constructed(out, TAG_MODE_SELECTOR, |o| {
        ber::write_i64(o, TAG_MODE_VALUE, NORMAL_MODE)
    });
}

fn write_context_definition(out: &mut Vec<u8>, id: i64, abstract_syntax: &[u32]) {
    ber::write_constructed(out, TAG_SEQUENCE, |o| {
        ber::write_i64(o, TAG_INTEGER, id);
        ber::write_oid(o, TAG_OID, abstract_syntax);
        ber::write_constructed(o, TAG_SEQUENCE, |o| {
            ber::write_oid(o, TAG_OID, BER_TRANSFER_SYNTAX)
        });
    });
}

/// Writes a CP-type PPDU proposing the ACSE (1) and MMS (3) contexts; `body` appends the
/// AARQ carried as user data in the ACSE context.
pub fn write_connect(
    out: &mut Vec<u8>,
    calling_selector: &[u8],
    called_selector: &[u8],
    body: impl FnOnce(&mut Vec<u8>),
) {
    ber::write_constructed(out, TAG_SET, |o| {
        write_mode_selector(o);
        ber::write_constructed(o, TAG_NORMAL_MODE, |o| {
            ber::write_tlv(o, TAG_CALLING_SELECTOR, calling_selector);
            ber::write_tlv(o, TAG_CALLED_SELECTOR, called_selector);
            ber::write_constructed(o, TAG_CONTEXT_DEFINITION_LIST, |o| {
                write_context_definition(o, ACSE_CONTEXT_ID, ACSE_ABSTRACT_SYNTAX);
                write_context_definition(o, MMS_CONTEXT_ID, MMS_ABSTRACT_SYNTAX);
            });
            // Kernel functional unit only: no context management, no restoration.
            ber::write_tlv(o, TAG_PRESENTATION_REQUIREMENTS, &[0x06, 0x00]);
            write_user_data(o, ACSE_CONTEXT_ID, body);
        });
    });
}

/// Checks the mode selector of a CP or CPA is normal mode.
fn check_mode_selector(content: &[u8]) -> Result<(), PresentationError> {
    let mode = ber::decode_i64(Reader::new(content).expect(TAG_MODE_VALUE)?)?;
    if mode == NORMAL_MODE {
        Ok(())
    } else {
        Err(PresentationError::Invalid("not normal mode"))
    }
}

/// Returns the normal-mode parameters of a CP or CPA set (elements may come in any order).
fn normal_mode_parameters(ppdu: &[u8]) -> Result<&[u8], PresentationError> {
    let mut set = Reader::new(Reader::new(ppdu).expect(TAG_SET)?);
    let mut params = None;
    let mut mode_seen = false;
    while !set.is_empty() {
        let tlv = set.read_tlv()?;
        match tlv.tag {
            TAG_MODE_SELECTOR => {
                check_mode_selector(tlv.value)?;
                mode_seen = true;
            }
            TAG_NORMAL_MODE => params = Some(tlv.value),
            _ => {}
        }
    }
    if !mode_seen {
        return Err(PresentationError::Invalid("mode selector missing"));
    }
    params.ok_or(PresentationError::Invalid("normal-mode parameters missing"))
}

/// Decodes a CP-type PPDU.
pub fn decode_connect(ppdu: &[u8]) -> Result<ConnectPpdu<'_>, PresentationError> {
    let mut r = Reader::new(normal_mode_parameters(ppdu)?);
    let mut cp = ConnectPpdu {
        calling_selector: &[],
        called_selector: &[],
        contexts: Vec::new(),
        acse_context: None,
        mms_context: None,
        user_data: Pdv {
            context_id: 0,
            data: &[],
        },
    };
    let mut user_data = None;
    while !r.is_empty() {
        let tlv = r.read_tlv()?;
        match tlv.tag {
            TAG_CALLING_SELECTOR => cp.calling_selector = tlv.value,
            TAG_CALLED_SELECTOR => cp.called_selector = tlv.value,
            TAG_CONTEXT_DEFINITION_LIST => parse_context_list(tlv.value, &mut cp)?,
            TAG_FULLY_ENCODED_DATA => user_data = Some(parse_user_data(tlv.value)?),
            _ => {}
        }
    }
    cp.user_data = user_data.ok_or(PresentationError::Invalid("CP without user data"))?;
    Ok(cp)
}

fn parse_context_list<'a>(
    list: &'a [u8],
    cp: &mut ConnectPpdu<'a>,
) -> Result<(), PresentationError> {
    let mut list = Reader::new(list);
    while !list.is_empty() {
        if cp.contexts.len() == MAX_CONTEXTS {
            return Err(PresentationError::Invalid("too many presentation contexts"));
        }
        let mut item = Reader::new(list.expect(TAG_SEQUENCE)?);
        let id = ber::decode_i64(item.expect(TAG_INTEGER)?)?;
        let syntax = ber::decode_oid(item.expect(TAG_OID)?)?;
        let mut transfer = Reader::new(item.expect(TAG_SEQUENCE)?);
        let mut ber_offered = false;
        while !transfer.is_empty() {
            ber_offered |= ber::decode_oid(transfer.expect(TAG_OID)?)? == BER_TRANSFER_SYNTAX;
        }
        let supported = ber_offered
            && if syntax == ACSE_ABSTRACT_SYNTAX {
                cp.acse_context = Some(id);
                true
            } else if syntax == MMS_ABSTRACT_SYNTAX {
                cp.mms_context = Some(id);
                true
            } else {
                false
            };
        cp.contexts.push((id, supported));
    }
    Ok(())
}

fn write_result_list(out: &mut Vec<u8>, contexts: &[(i64, bool)]) {
    ber::write_constructed(out, TAG_CONTEXT_RESULT_LIST, |o| {
        for &(_, accepted) in contexts {
            ber::write_constructed(o, TAG_SEQUENCE, |o| {
                if accepted {
                    ber::write_tlv(o, TAG_RESULT, &[RESULT_ACCEPTANCE]);
                    ber::write_oid(o, TAG_RESULT_TRANSFER_SYNTAX, BER_TRANSFER_SYNTAX);
                } else {
                    ber::write_tlv(o, TAG_RESULT, &[RESULT_PROVIDER_REJECTION]);
                    ber::write_tlv(
                        o,
                        TAG_RESULT_PROVIDER_REASON,
                        &[REASON_ABSTRACT_SYNTAX_NOT_SUPPORTED],
                    );
                }
            });
        }
    });
}

/// Writes a CPA-PPDU with one result per proposed context; `body` appends the AARE
/// carried in context `acse_context`.
pub fn write_accept(
    out: &mut Vec<u8>,
    responding_selector: &[u8],
    contexts: &[(i64, bool)],
    acse_context: i64,
    body: impl FnOnce(&mut Vec<u8>),
) {
    ber::write_constructed(out, TAG_SET, |o| {
        write_mode_selector(o);
        ber::write_constructed(o, TAG_NORMAL_MODE, |o| {
            ber::write_tlv(o, TAG_RESPONDING_SELECTOR, responding_selector);
            write_result_list(o, contexts);
            write_user_data(o, acse_context, body);
        });
    });
}

/// Decodes a CPA-PPDU.
pub fn decode_accept(ppdu: &[u8]) -> Result<AcceptPpdu<'_>, PresentationError> {
    let mut r = Reader::new(normal_mode_parameters(ppdu)?);
    let mut responding_selector: &[u8] = &[];
    let mut user_data = None;
    while !r.is_empty() {
        let tlv = r.read_tlv()?;
        match tlv.tag {
            TAG_RESPONDING_SELECTOR => responding_selector = tlv.value,
            TAG_CONTEXT_RESULT_LIST => check_results(tlv.value)?,
            TAG_FULLY_ENCODED_DATA => user_data = Some(parse_user_data(tlv.value)?),
            _ => {}
        }
    }
    Ok(AcceptPpdu {
        responding_selector,
        user_data: user_data.ok_or(PresentationError::Invalid("CPA without user data"))?,
    })
}

/// Requires every context in a result list to be accepted (we only propose what we use).
fn check_results(list: &[u8]) -> Result<(), PresentationError> {
    let mut list = Reader::new(list);
    while !list.is_empty() {
        let mut item = Reader::new(list.expect(TAG_SEQUENCE)?);
        if ber::decode_i64(item.expect(TAG_RESULT)?)? != i64::from(RESULT_ACCEPTANCE) {
            return Err(PresentationError::Invalid("presentation context rejected"));
        }
    }
    Ok(())
}

/// Writes a CPR-PPDU refusing at the user's request; `body` appends the AARE carried in
/// context `acse_context`.
pub fn write_refuse(
    out: &mut Vec<u8>,
    responding_selector: &[u8],
    contexts: &[(i64, bool)],
    acse_context: i64,
    body: impl FnOnce(&mut Vec<u8>),
) {
    ber::write_constructed(out, TAG_SEQUENCE, |o| {
        ber::write_tlv(o, TAG_RESPONDING_SELECTOR, responding_selector);
        write_result_list(o, contexts);
        write_user_data(o, acse_context, body);
    });
}

/// Decodes a CPR-PPDU.
pub fn decode_refuse(ppdu: &[u8]) -> Result<RefusePpdu<'_>, PresentationError> {
    let mut r = Reader::new(Reader::new(ppdu).expect(TAG_SEQUENCE)?);
    let mut refuse = RefusePpdu {
        provider_reason: None,
        user_data: None,
    };
    while !r.is_empty() {
        let tlv = r.read_tlv()?;
        match tlv.tag {
            TAG_PROVIDER_REASON => refuse.provider_reason = Some(ber::decode_i64(tlv.value)?),
            TAG_FULLY_ENCODED_DATA => refuse.user_data = Some(parse_user_data(tlv.value)?),
            _ => {}
        }
    }
    Ok(refuse)
}

/// Writes an ARU-PPDU (normal mode); `body` appends the ACSE ABRT carried in `acse_context`.
pub fn write_user_abort(out: &mut Vec<u8>, acse_context: i64, body: impl FnOnce(&mut Vec<u8>)) {
    ber::write_constructed(out, TAG_ARU_NORMAL_MODE, |o| {
        write_user_data(o, acse_context, body)
    });
}

/// Decodes an ARU- or ARP-PPDU.
pub fn decode_abort(ppdu: &[u8]) -> Result<AbortPpdu<'_>, PresentationError> {
    let tlv = Reader::new(ppdu).read_tlv()?;
    let mut r = Reader::new(tlv.value);
    match tlv.tag {
        TAG_ARU_NORMAL_MODE => {
            let mut pdv = None;
            while !r.is_empty() {
                let item = r.read_tlv()?;
                if item.tag == TAG_FULLY_ENCODED_DATA {
                    pdv = Some(parse_user_data(item.value)?);
                }
            }
            Ok(AbortPpdu::User(pdv))
        }
        TAG_SEQUENCE => {
            let reason = r
                .read_optional(TAG_ARP_REASON)?
                .map(ber::decode_i64)
                .transpose()?;
            Ok(AbortPpdu::Provider(reason))
        }
        _ => Err(PresentationError::Invalid("not an abort PPDU")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEL: &[u8] = &[0, 0, 0, 1];

    /// CP with selectors 00000001, contexts 1 (ACSE) and 3 (MMS), user data `60 00`.
    const CP: &[u8] = &[
        0x31, 0x47, 0xA0, 0x03, 0x80, 0x01, 0x01, 0xA2, 0x40, 0x81, 0x04, 0x00, 0x00, 0x00, 0x01,
        0x82, 0x04, 0x00, 0x00, 0x00, 0x01, 0xA4, 0x23, 0x30, 0x0F, 0x02, 0x01, 0x01, 0x06, 0x04,
        0x52, 0x01, 0x00, 0x01, 0x30, 0x04, 0x06, 0x02, 0x51, 0x01, 0x30, 0x10, 0x02, 0x01, 0x03,
        0x06, 0x05, 0x28, 0xCA, 0x22, 0x02, 0x01, 0x30, 0x04, 0x06, 0x02, 0x51, 0x01, 0x88, 0x02,
        0x06, 0x00, 0x61, 0x09, 0x30, 0x07, 0x02, 0x01, 0x01, 0xA0, 0x02, 0x60, 0x00,
    ];

    #[test]
    fn connect_round_trip() {
        let mut out = Vec::new();
        write_connect(&mut out, SEL, SEL, |o| o.extend_from_slice(&[0x60, 0x00]));
        let cp = decode_connect(&out).unwrap();
        assert_eq!(cp.calling_selector, SEL);
        assert_eq!(cp.called_selector, SEL);
        assert_eq!(cp.contexts, vec![(1, true), (3, true)]);
        assert_eq!((cp.acse_context, cp.mms_context), (Some(1), Some(3)));
        assert_eq!(
            cp.user_data,
            Pdv {
                context_id: 1,
                data: &[0x60, 0x00]
            }
        );
    }

    #[test]
    fn decodes_hand_written_cp() {
        let cp = decode_connect(CP).unwrap();
        assert_eq!(cp.contexts, vec![(1, true), (3, true)]);
        assert_eq!(cp.user_data.data, &[0x60, 0x00]);
    }

    #[test]
    fn accept_round_trip() {
        let mut out = Vec::new();
        write_accept(&mut out, SEL, &[(1, true), (3, true), (5, false)], 1, |o| {
            o.extend_from_slice(&[0x61, 0x00])
        });
        let expected = [
            0x31, 0x34, 0xA0, 0x03, 0x80, 0x01, 0x01, 0xA2, 0x2D, 0x83, 0x04, 0x00, 0x00, 0x00,
            0x01, 0xA5, 0x1A, 0x30, 0x07, 0x80, 0x01, 0x00, 0x81, 0x02, 0x51, 0x01, 0x30, 0x07,
            0x80, 0x01, 0x00, 0x81, 0x02, 0x51, 0x01, 0x30, 0x06, 0x80, 0x01, 0x02, 0x82, 0x01,
            0x02, 0x61, 0x09, 0x30, 0x07, 0x02, 0x01, 0x01, 0xA0, 0x02, 0x61, 0x00,
        ];
        assert_eq!(out, expected);
        // The third context was rejected, which an initiator proposing it refuses.
        assert_eq!(
            decode_accept(&out),
            Err(PresentationError::Invalid("presentation context rejected"))
        );
        let mut out = Vec::new();
        write_accept(&mut out, SEL, &[(1, true), (3, true)], 1, |o| {
            o.extend_from_slice(&[0x61, 0x00])
        });
        let cpa = decode_accept(&out).unwrap();
        assert_eq!(cpa.responding_selector, SEL);
        assert_eq!(cpa.user_data.data, &[0x61, 0x00]);
    }

    #[test]
    fn refuse_and_abort_round_trip() {
        let mut out = Vec::new();
        write_refuse(&mut out, SEL, &[(1, true)], 1, |o| {
            o.extend_from_slice(&[0x61, 0x00])
        });
        let cpr = decode_refuse(&out).unwrap();
        assert_eq!(cpr.provider_reason, None);
        assert_eq!(cpr.user_data.map(|p| p.data), Some(&[0x61, 0x00][..]));
        assert_eq!(
            decode_refuse(&[0x30, 0x03, 0x8A, 0x01, 0x05])
                .unwrap()
                .provider_reason,
            Some(5)
        );
        let mut out = Vec::new();
        write_user_abort(&mut out, 1, |o| {
            o.extend_from_slice(&[0x64, 0x03, 0x80, 0x01, 0x00])
        });
        assert_eq!(
            out,
            [
                0xA0, 0x0E, 0x61, 0x0C, 0x30, 0x0A, 0x02, 0x01, 0x01, 0xA0, 0x05, 0x64, 0x03, 0x80,
                0x01, 0x00
            ]
        );
        assert_eq!(
            decode_abort(&out),
            Ok(AbortPpdu::User(Some(Pdv {
                context_id: 1,
                data: &[0x64, 0x03, 0x80, 0x01, 0x00]
            })))
        );
        assert_eq!(
            decode_abort(&[0x30, 0x03, 0x80, 0x01, 0x01]),
            Ok(AbortPpdu::Provider(Some(1)))
        );
    }

    #[test]
    fn user_data_round_trip() {
        let mut out = Vec::new();
        write_user_data(&mut out, 3, |o| o.extend_from_slice(&[0xA0, 0x00]));
        assert_eq!(
            out,
            [0x61, 0x09, 0x30, 0x07, 0x02, 0x01, 0x03, 0xA0, 0x02, 0xA0, 0x00]
        );
        // The content of single-ASN1-type [0] is the complete inner PDU.
        assert_eq!(
            decode_user_data(&out),
            Ok(Pdv {
                context_id: 3,
                data: &[0xA0, 0x00]
            })
        );
        let with_syntax = [
            0x61, 0x0B, 0x30, 0x09, 0x06, 0x02, 0x51, 0x01, 0x02, 0x01, 0x03, 0x81, 0x00,
        ];
        assert_eq!(
            decode_user_data(&with_syntax),
            Ok(Pdv {
                context_id: 3,
                data: &[]
            })
        );
    }

    #[test]
    fn rejects_hostile_ppdus() {
        assert!(decode_connect(&[]).is_err());
        assert!(decode_connect(&CP[..CP.len() - 1]).is_err());
        assert!(decode_user_data(&[0x61, 0x02, 0x30, 0x00]).is_err());
        assert!(decode_user_data(&[0x61, 0x05, 0x30, 0x03, 0x02, 0x01, 0x03]).is_err());
        assert!(decode_user_data(&[0x61, 0x07, 0x30, 0x05, 0x02, 0x01, 0x03, 0x82, 0x00]).is_err());
        assert_eq!(
            decode_connect(&[0x31, 0x05, 0xA0, 0x03, 0x80, 0x01, 0x00]),
            Err(PresentationError::Invalid("not normal mode"))
        );
        assert_eq!(
            decode_connect(&[0x31, 0x02, 0xA2, 0x00]),
            Err(PresentationError::Invalid("mode selector missing"))
        );
        assert!(decode_abort(&[0x62, 0x00]).is_err());
        let mut many = Vec::new();
        ber::write_constructed(&mut many, TAG_SET, |o| {
            write_mode_selector(o);
            ber::write_constructed(o, TAG_NORMAL_MODE, |o| {
                ber::write_constructed(o, TAG_CONTEXT_DEFINITION_LIST, |o| {
                    for id in 0..20 {
                        write_context_definition(o, id, MMS_ABSTRACT_SYNTAX);
                    }
                });
            });
        });
        assert_eq!(
            decode_connect(&many),
            Err(PresentationError::Invalid("too many presentation contexts"))
        );
    }
}
