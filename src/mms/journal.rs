//! MMS ReadJournal [65] (ISO 9506-2 §17.4), both directions: how IEC 61850 logs are queried.
//!
//! The request forms are the two the reference client sends: a time range
//! (rangeStartSpecification startingTime, rangeStopSpecification endingTime) and "after an
//! entry" (entryToStartAfter, whose two components the reference tags [0] time and
//! [1] entry — the reverse of the standard's order — and which its server expects).
//! TimeOfDay is the 6-octet form: milliseconds of the day, then days since 1984-01-01.

use crate::ber::{self, Reader};
use crate::mms::common::{
    write_confirmed, MmsError, PDU_CONFIRMED_REQUEST, PDU_CONFIRMED_RESPONSE, TAG_SEQUENCE,
};
use crate::mms::data::{self, DataError};
use crate::mms::object_name::{decode_object_name_in, write_object_name, ObjectName};
use crate::mms::MmsValue;

/// readJournal [65], request and response.
pub const READ_JOURNAL: u32 = 0xBF41;

/// Milliseconds from 1970-01-01 to 1984-01-01 (the TimeOfDay epoch).
const EPOCH_1984_MS: u64 = 441_763_200_000;
/// Milliseconds of a day.
const DAY_MS: u64 = 86_400_000;

/// Which entries a ReadJournal request selects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JournalRange {
    /// Entries with a time in `[start, end]` (ms since 1970).
    ByTime {
        /// startingTime.
        start: u64,
        /// endingTime.
        end: u64,
    },
    /// Entries after the entry `entry` recorded at `time` (ms since 1970).
    After {
        /// timeSpecification.
        time: u64,
        /// entrySpecification (the entry ID).
        entry: Vec<u8>,
    },
}

/// A ReadJournal request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadJournalRequest {
    /// journalName.
    pub journal: ObjectName,
    /// The selection.
    pub range: JournalRange,
}

/// One variable of a journal entry.
#[derive(Debug, Clone, PartialEq)]
pub struct JournalVariable {
    /// variableTag (IEC 61850: the data reference, or `ReasonCode`).
    pub tag: String,
    /// valueSpecification.
    pub value: MmsValue,
}

/// One journal entry.
#[derive(Debug, Clone, PartialEq)]
pub struct JournalEntry {
    /// entryIdentifier.
    pub entry_id: Vec<u8>,
    /// occurrenceTime as received (TimeOfDay, 4 or 6 octets).
    pub occurrence_time: Vec<u8>,
    /// The data variables (empty for an annotation entry).
    pub variables: Vec<JournalVariable>,
}

/// A ReadJournal response.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadJournalResponse {
    /// listOfJournalEntry.
    pub entries: Vec<JournalEntry>,
    /// moreFollows (DEFAULT FALSE).
    pub more_follows: bool,
}

/// The 6-octet TimeOfDay of a time in ms since 1970; times before 1984 become all zero,
/// as the reference sends them.
pub fn time_of_day(ms: u64) -> [u8; 6] {
    let Some(since) = ms.checked_sub(EPOCH_1984_MS) else {
        return [0; 6];
    };
    let days = u16::try_from(since / DAY_MS).unwrap_or(u16::MAX);
    let of_day = (since % DAY_MS) as u32;
    let mut out = [0; 6];
    out[..4].copy_from_slice(&of_day.to_be_bytes());
    out[4..].copy_from_slice(&days.to_be_bytes());
    out
}

/// Milliseconds since 1970 of a TimeOfDay (4 octets: the day is unknown, 1984-01-01).
pub fn time_of_day_ms(v: &[u8]) -> Option<u64> {
    let of_day = u64::from(u32::from_be_bytes(v.get(..4)?.try_into().ok()?));
    let days = match v.len() {
        4 => 0,
        6 => u64::from(u16::from_be_bytes(v.get(4..6)?.try_into().ok()?)),
        _ => return None,
    };
    Some(EPOCH_1984_MS + days * DAY_MS + of_day)
}

/// Writes a ReadJournal request as a complete confirmed-RequestPDU.
pub fn encode_request(invoke_id: u32, request: &ReadJournalRequest, out: &mut Vec<u8>) {
    let _ =
        write_confirmed::<DataError>(out, PDU_CONFIRMED_REQUEST, invoke_id, READ_JOURNAL, |b| {
            ber::write_constructed(b, 0xA0, |b| write_object_name(b, &request.journal));
            match &request.range {
                JournalRange::ByTime { start, end } => {
                    ber::write_constructed(b, 0xA1, |b| {
                        ber::write_tlv(b, 0x80, &time_of_day(*start))
                    });
                    ber::write_constructed(b, 0xA2, |b| {
                        ber::write_tlv(b, 0x80, &time_of_day(*end))
                    });
                }
                JournalRange::After { time, entry } => ber::write_constructed(b, 0xA5, |b| {
                    ber::write_tlv(b, 0x80, &time_of_day(*time));
                    ber::write_tlv(b, 0x81, entry);
                }),
            }
            Ok(())
        });
}

/// Decodes the content of a ReadJournal request.
pub fn decode_request(v: &[u8]) -> Result<ReadJournalRequest, MmsError> {
    let mut r = Reader::new(v);
    let journal = decode_object_name_in(r.expect(0xA0)?)?;
    let time = |v: &[u8]| time_of_day_ms(v).ok_or(MmsError::Invalid("TimeOfDay"));
    let range = if let Some(start) = r.read_optional(0xA1)? {
        let start = time(Reader::new(start).expect(0x80)?)?;
        let end = match r.read_optional(0xA2)? {
            Some(stop) => time(Reader::new(stop).expect(0x80)?)?,
            None => u64::MAX,
        };
        JournalRange::ByTime { start, end }
    } else {
        let mut after = Reader::new(r.expect(0xA5)?);
        JournalRange::After {
            time: time(after.expect(0x80)?)?,
            entry: after.expect(0x81)?.to_vec(),
        }
    };
    Ok(ReadJournalRequest { journal, range })
}

/// Writes a ReadJournal response as a complete confirmed-ResponsePDU; on error `out` is
/// unchanged.
pub fn encode_response(
    invoke_id: u32,
    response: &ReadJournalResponse,
    out: &mut Vec<u8>,
) -> Result<(), DataError> {
    write_confirmed(out, PDU_CONFIRMED_RESPONSE, invoke_id, READ_JOURNAL, |b| {
        let mut result = Ok(());
        ber::write_constructed(b, 0xA0, |b| {
            for e in &response.entries {
                ber::write_constructed(b, TAG_SEQUENCE, |b| {
                    ber::write_tlv(b, 0x80, &e.entry_id);
                    // originatingApplication: an empty ApplicationReference.
                    ber::write_constructed(b, 0xA1, |_| {});
                    ber::write_constructed(b, 0xA2, |b| {
                        ber::write_tlv(b, 0x80, &e.occurrence_time);
                        ber::write_constructed(b, 0xA2, |b| {
                            ber::write_constructed(b, 0xA1, |b| {
                                for var in &e.variables {
                                    ber::write_constructed(b, TAG_SEQUENCE, |b| {
                                        ber::write_tlv(b, 0x80, var.tag.as_bytes());
                                        ber::write_constructed(b, 0xA1, |b| {
                                            if let Err(err) = data::encode_data(&var.value, b) {
                                                result = Err(err);
                                            }
                                        });
                                    });
                                }
                            });
                        });
                    });
                });
            }
        });
        if response.more_follows {
            ber::write_bool(b, 0x81, true);
        }
        result
    })
}

/// Decodes the content of a ReadJournal response.
pub fn decode_response(v: &[u8], max_depth: usize) -> Result<ReadJournalResponse, MmsError> {
    let mut r = Reader::new(v);
    let mut entries = Vec::new();
    let mut list = Reader::new(r.expect(0xA0)?);
    while !list.is_empty() {
        entries.push(decode_entry(list.expect(TAG_SEQUENCE)?, max_depth)?);
    }
    let more_follows = r
        .read_optional(0x81)?
        .map(ber::decode_bool)
        .transpose()?
        .unwrap_or(false);
    Ok(ReadJournalResponse {
        entries,
        more_follows,
    })
}

/// One JournalEntry.
fn decode_entry(v: &[u8], max_depth: usize) -> Result<JournalEntry, MmsError> {
    let mut r = Reader::new(v);
    let entry_id = r.expect(0x80)?.to_vec();
    // originatingApplication [1] names the writer; IEC 61850 clients do not use it.
    r.read_optional(0xA1)?;
    let mut content = Reader::new(r.expect(0xA2)?);
    let occurrence_time = content.expect(0x80)?.to_vec();
    // additionalDetail [1] is not used by IEC 61850.
    content.read_optional(0xA1)?;
    let mut variables = Vec::new();
    if let Some(form) = content.read_optional(0xA2)? {
        let mut form = Reader::new(form);
        // event [0] (an event condition's transition) carries no log data.
        form.read_optional(0xA0)?;
        if let Some(list) = form.read_optional(0xA1)? {
            let mut list = Reader::new(list);
            while !list.is_empty() {
                let mut var = Reader::new(list.expect(TAG_SEQUENCE)?);
                let tag = String::from_utf8_lossy(var.expect(0x80)?).into_owned();
                let mut spec = Reader::new(var.expect(0xA1)?);
                let value = data::decode_data_tlv(&spec.read_tlv()?, max_depth)?;
                variables.push(JournalVariable { tag, value });
            }
        }
    }
    // An annotation [3] entry has no variables.
    Ok(JournalEntry {
        entry_id,
        occurrence_time,
        variables,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mms::pdu::{decode_pdu, ConfirmedService, ConfirmedServiceResponse, MmsPdu};
    use crate::mms::value::BitString;
    use crate::test_util::hex;

    fn journal() -> ObjectName {
        ObjectName::Domain("DIRDev".into(), "LLN0$EventLog".into())
    }

    /// Captured from the reference client.
    const REF_BY_TIME: &str = "a035020102bf412fa019a1171a064449524465761a0d4c4c4e30244576656e744c6f67a108800601d227b83d35a208800601d24ec83d35";
    const REF_AFTER: &str = "a035020101bf412fa019a1171a064449524465761a0d4c4c4e30244576656e744c6f67a512800601d227b83d3581080102030405060708";
    const REF_FROM_ZERO: &str = "a035020102bf412fa019a1171a064449524465761a0d4c4c4e30244576656e744c6f67a1088006000000000000a208800601d1b1913d35";
    /// The reference server's answer for an empty log.
    const REF_EMPTY_RESPONSE: &str = "a108020103bf4102a000";

    fn request(bytes: &[u8]) -> (u32, ReadJournalRequest) {
        match decode_pdu(bytes, 8).unwrap() {
            MmsPdu::ConfirmedRequest {
                invoke_id,
                service: ConfirmedService::ReadJournal(r),
            } => (invoke_id, r),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn requests_match_the_reference_client() {
        let cases = [
            (
                REF_BY_TIME,
                JournalRange::ByTime {
                    start: 1_795_595_349_944,
                    end: 1_795_595_359_944,
                },
            ),
            (
                REF_AFTER,
                JournalRange::After {
                    time: 1_795_595_349_944,
                    entry: vec![1, 2, 3, 4, 5, 6, 7, 8],
                },
            ),
        ];
        for (captured, range) in cases {
            let bytes = hex(captured);
            let req = ReadJournalRequest {
                journal: journal(),
                range,
            };
            let (id, decoded) = request(&bytes);
            assert_eq!(decoded, req);
            let mut out = Vec::new();
            encode_request(id, &req, &mut out);
            assert_eq!(out, bytes);
        }
        // A start before 1984 is sent as zeros.
        let mut out = Vec::new();
        let req = ReadJournalRequest {
            journal: journal(),
            range: JournalRange::ByTime {
                start: 0,
                end: 1_795_595_319_697,
            },
        };
        encode_request(2, &req, &mut out);
        assert_eq!(out, hex(REF_FROM_ZERO));
    }

    #[test]
    fn responses_round_trip() {
        match decode_pdu(&hex(REF_EMPTY_RESPONSE), 8).unwrap() {
            MmsPdu::ConfirmedResponse {
                service: ConfirmedServiceResponse::ReadJournal(r),
                ..
            } => assert_eq!(
                r,
                ReadJournalResponse {
                    entries: vec![],
                    more_follows: false
                }
            ),
            other => panic!("{other:?}"),
        }
        let mut reason = BitString::new(7);
        reason.set(1, true);
        let response = ReadJournalResponse {
            entries: vec![JournalEntry {
                entry_id: vec![0, 0, 0, 0, 0, 0, 0, 1],
                occurrence_time: time_of_day(1_795_595_349_944).to_vec(),
                variables: vec![
                    JournalVariable {
                        tag: "DIRDev/GGIO1$ST$Ind1$stVal".into(),
                        value: MmsValue::Boolean(true),
                    },
                    JournalVariable {
                        tag: "ReasonCode".into(),
                        value: MmsValue::BitString(reason),
                    },
                ],
            }],
            more_follows: true,
        };
        let mut out = Vec::new();
        encode_response(7, &response, &mut out).unwrap();
        match decode_pdu(&out, 8).unwrap() {
            MmsPdu::ConfirmedResponse {
                invoke_id: 7,
                service: ConfirmedServiceResponse::ReadJournal(r),
            } => assert_eq!(r, response),
            other => panic!("{other:?}"),
        }
        for cut in 0..out.len() {
            let _ = decode_pdu(&out[..cut], 8);
        }
    }

    #[test]
    fn time_of_day_conversions() {
        assert_eq!(time_of_day(0), [0; 6]);
        assert_eq!(time_of_day(1_795_595_349_944), hex("01d227b83d35")[..]);
        for ms in [EPOCH_1984_MS, 1_795_595_349_944, EPOCH_1984_MS + DAY_MS - 1] {
            assert_eq!(time_of_day_ms(&time_of_day(ms)), Some(ms));
        }
        assert_eq!(time_of_day_ms(&[0, 0, 0, 5]), Some(EPOCH_1984_MS + 5));
        assert_eq!(time_of_day_ms(&[1, 2, 3]), None);
    }
}
