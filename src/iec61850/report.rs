//! IEC 61850-8-1 reporting: report control block elements and their write order, OptFlds and
//! reason-for-inclusion bits, and the decoding of an MMS InformationReport into a report.

use crate::mms::access::{AccessResult, VariableAccessSpec};
use crate::mms::information_report::InformationReport;
use crate::mms::object_name::ObjectName;
use crate::mms::value::{binary_time, BitString};
use crate::mms::MmsValue;

/// An RCB attribute that `setRCBValues` can write: its `RCB_ELEMENT_*` mask and MMS name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RcbElement {
    /// RptID.
    RptId,
    /// RptEna.
    RptEna,
    /// Resv (unbuffered only).
    Resv,
    /// DatSet.
    DatSet,
    /// OptFlds.
    OptFlds,
    /// BufTm.
    BufTm,
    /// TrgOps.
    TrgOps,
    /// IntgPd.
    IntgPd,
    /// GI.
    Gi,
    /// PurgeBuf (buffered only).
    PurgeBuf,
    /// EntryID (buffered only).
    EntryId,
    /// TimeofEntry (buffered only; servers refuse the write).
    TimeOfEntry,
    /// ResvTms (buffered only).
    ResvTms,
}

/// `RCB_ELEMENT_*` masks that `setRCBValues` accepts but never writes (read-only attributes).
pub const IGNORED_MASK: u32 = 16 | 128 | 32768;

impl RcbElement {
    /// The `RCB_ELEMENT_*` mask bit.
    pub fn mask(self) -> u32 {
        match self {
            RcbElement::RptId => 1,
            RcbElement::RptEna => 2,
            RcbElement::Resv => 4,
            RcbElement::DatSet => 8,
            RcbElement::OptFlds => 32,
            RcbElement::BufTm => 64,
            RcbElement::TrgOps => 256,
            RcbElement::IntgPd => 512,
            RcbElement::Gi => 1024,
            RcbElement::PurgeBuf => 2048,
            RcbElement::EntryId => 4096,
            RcbElement::TimeOfEntry => 8192,
            RcbElement::ResvTms => 16384,
        }
    }

    /// The MMS component name (the reference spells `TimeofEntry` with a lower-case o).
    pub fn name(self) -> &'static str {
        match self {
            RcbElement::RptId => "RptID",
            RcbElement::RptEna => "RptEna",
            RcbElement::Resv => "Resv",
            RcbElement::DatSet => "DatSet",
            RcbElement::OptFlds => "OptFlds",
            RcbElement::BufTm => "BufTm",
            RcbElement::TrgOps => "TrgOps",
            RcbElement::IntgPd => "IntgPd",
            RcbElement::Gi => "GI",
            RcbElement::PurgeBuf => "PurgeBuf",
            RcbElement::EntryId => "EntryID",
            RcbElement::TimeOfEntry => "TimeofEntry",
            RcbElement::ResvTms => "ResvTms",
        }
    }

    /// Whether the element exists only in a buffered (true) or unbuffered (false) RCB.
    fn only_in(self) -> Option<bool> {
        match self {
            RcbElement::Resv => Some(false),
            RcbElement::PurgeBuf
            | RcbElement::EntryId
            | RcbElement::TimeOfEntry
            | RcbElement::ResvTms => Some(true),
            _ => None,
        }
    }
}

/// The elements `setRCBValues` writes for `mask`, in the reference's order: a disable goes
/// first, an enable goes last and is followed by GI, so the RCB is configured while disabled.
/// `None` when the mask names an element the RCB kind lacks (USER_PROVIDED_INVALID_ARGUMENT).
pub fn write_order(mask: u32, buffered: bool, enable: bool) -> Option<Vec<RcbElement>> {
    use RcbElement::*;
    let all = [
        RptId,
        RptEna,
        Resv,
        DatSet,
        OptFlds,
        BufTm,
        TrgOps,
        IntgPd,
        Gi,
        PurgeBuf,
        EntryId,
        TimeOfEntry,
        ResvTms,
    ];
    let wanted = |e: RcbElement| mask & e.mask() != 0;
    if all
        .iter()
        .any(|&e| wanted(e) && e.only_in().is_some_and(|b| b != buffered))
    {
        return None;
    }
    let enabling = wanted(RptEna) && enable;
    let mut order = Vec::new();
    if wanted(RptEna) && !enable {
        order.push(RptEna);
    }
    order.extend(
        [
            Resv,
            ResvTms,
            RptId,
            DatSet,
            EntryId,
            TimeOfEntry,
            OptFlds,
            BufTm,
            TrgOps,
            IntgPd,
        ]
        .into_iter()
        .filter(|&e| wanted(e)),
    );
    if wanted(Gi) && !enabling {
        order.push(Gi);
    }
    if wanted(PurgeBuf) {
        order.push(PurgeBuf);
    }
    if enabling {
        order.push(RptEna);
        if wanted(Gi) {
            order.push(Gi);
        }
    }
    Some(order)
}

/// Bit positions of the OptFlds bit string (IEC 61850-8-1; bit 0 is reserved).
pub mod opt_flds {
    /// sequence-number.
    pub const SEQ_NUM: u32 = 1;
    /// report-time-stamp.
    pub const TIME_STAMP: u32 = 2;
    /// reason-for-inclusion.
    pub const REASON: u32 = 3;
    /// data-set-name.
    pub const DATA_SET: u32 = 4;
    /// data-reference.
    pub const DATA_REFERENCE: u32 = 5;
    /// buffer-overflow.
    pub const BUFFER_OVERFLOW: u32 = 6;
    /// entryID.
    pub const ENTRY_ID: u32 = 7;
    /// conf-revision.
    pub const CONF_REV: u32 = 8;
    /// segmentation.
    pub const SEGMENTATION: u32 = 9;
}

/// `ClientReportControlBlock_getOptFlds`/`getTrgOps` value of a bit string: the `RPT_OPT_*` /
/// `TRG_OPT_*` masks are the bits from 1 on (bit 0 is reserved).
pub fn options_from_bits(bits: &BitString) -> u32 {
    bits.as_integer() >> 1
}

/// The bit string `setOptFlds`/`setTrgOps` store for `options`, `size` bits long.
pub fn options_to_bits(options: u32, size: u32) -> BitString {
    let mut bits = BitString::new(size);
    bits.set_from_integer(options << 1);
    bits
}

/// `IEC61850_REASON_*` value of a ReasonCode bit string: bits 1..=5 are data-change,
/// quality-change, data-update, integrity and general-interrogation.
pub fn reason_code(bits: &BitString) -> i32 {
    (1..=5)
        .filter(|&i| bits.get(i))
        .fold(0, |acc, i| acc | (1 << (i - 1)))
}

/// `IEC61850_REASON_UNKNOWN`: an included member of a report without reasons.
pub const REASON_UNKNOWN: i32 = 32;

/// Text of a `ReasonForInclusion` value (`ReasonForInclusion_getValueAsString`).
pub fn reason_text(reason: i32) -> &'static str {
    match reason {
        0 => "not-included",
        1 => "data-change",
        2 => "quality-change",
        4 => "data-update",
        8 => "integrity",
        16 => "GI",
        _ => "unknown",
    }
}

/// One report decoded from an InformationReport according to its own OptFlds.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// RptID as sent.
    pub rpt_id: String,
    /// SqNum.
    pub seq_num: Option<u16>,
    /// TimeOfEntry in ms since 1970.
    pub timestamp: Option<u64>,
    /// DatSet (MMS form `LD/LN$DS`).
    pub data_set: Option<String>,
    /// BufOvfl.
    pub buf_ovfl: Option<bool>,
    /// EntryID.
    pub entry_id: Option<MmsValue>,
    /// ConfRev.
    pub conf_rev: Option<u32>,
    /// SubSeqNum and MoreSegmentsFollow.
    pub segment: Option<(u16, bool)>,
    /// Number of data set members (size of the inclusion bit string).
    pub members: usize,
    /// Included members: index, data reference (when sent), value, reason code.
    pub entries: Vec<ReportEntry>,
    /// Whether reasons were sent (otherwise every entry has REASON_UNKNOWN).
    pub has_reasons: bool,
    /// Whether data references were sent.
    pub has_data_references: bool,
}

/// One included data set member of a report.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportEntry {
    /// Index of the member in the data set.
    pub index: usize,
    /// Data reference when the report carries them.
    pub reference: Option<String>,
    /// The member's value.
    pub value: MmsValue,
    /// `IEC61850_REASON_*` bits.
    pub reason: i32,
}

/// Why an InformationReport is not a well-formed IEC 61850 report.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReportError {
    /// Not the `RPT` variable list.
    #[error("information report is not an RPT report")]
    NotRpt,
    /// A field is missing or has the wrong type.
    #[error("malformed report field: {0}")]
    Malformed(&'static str),
}

/// Largest data set a report may describe (bounds the allocations a hostile peer can cause).
const MAX_MEMBERS: u32 = 65_536;

/// Whether an InformationReport is an IEC 61850 report (the VMD-specific list `RPT`).
pub fn is_rpt(report: &InformationReport) -> bool {
    matches!(&report.spec, VariableAccessSpec::ListName(ObjectName::Vmd(n)) if n == "RPT")
}

/// Field cursor over the access results of a report.
struct Fields<'a> {
    items: std::slice::Iter<'a, AccessResult>,
}

impl<'a> Fields<'a> {
    fn next(&mut self, what: &'static str) -> Result<&'a MmsValue, ReportError> {
        match self.items.next() {
            Some(Ok(v)) => Ok(v),
            _ => Err(ReportError::Malformed(what)),
        }
    }

    /// A member value: a failed access result is delivered as its DataAccessError value,
    /// as the reference does.
    fn value(&mut self) -> Result<MmsValue, ReportError> {
        match self.items.next() {
            Some(Ok(v)) => Ok(v.clone()),
            Some(Err(code)) => Ok(MmsValue::DataAccessError(*code)),
            None => Err(ReportError::Malformed("value")),
        }
    }

    fn text(&mut self, what: &'static str) -> Result<String, ReportError> {
        match self.next(what)? {
            MmsValue::VisibleString(s) | MmsValue::MmsString(s) => {
                Ok(s.to_string_lossy().into_owned())
            }
            _ => Err(ReportError::Malformed(what)),
        }
    }

    fn bits(&mut self, what: &'static str) -> Result<&'a BitString, ReportError> {
        match self.next(what)? {
            MmsValue::BitString(b) => Ok(b),
            _ => Err(ReportError::Malformed(what)),
        }
    }

    fn unsigned(&mut self, what: &'static str) -> Result<u64, ReportError> {
        match self.next(what)? {
            MmsValue::Unsigned(u) => Ok(*u),
            MmsValue::Integer(i) => u64::try_from(*i).map_err(|_| ReportError::Malformed(what)),
            _ => Err(ReportError::Malformed(what)),
        }
    }

    fn boolean(&mut self, what: &'static str) -> Result<bool, ReportError> {
        match self.next(what)? {
            MmsValue::Boolean(b) => Ok(*b),
            _ => Err(ReportError::Malformed(what)),
        }
    }
}

/// Decodes a report: RptID, OptFlds, the optional header fields OptFlds announces, the
/// inclusion bit string, then data references, values and reasons of the included members.
pub fn decode_report(report: &InformationReport) -> Result<Report, ReportError> {
    if !is_rpt(report) {
        return Err(ReportError::NotRpt);
    }
    let mut f = Fields {
        items: report.results.iter(),
    };
    let rpt_id = f.text("RptID")?;
    let opt = f.bits("OptFlds")?.clone();
    let has = |bit| opt.get(bit);
    let seq_num = if has(opt_flds::SEQ_NUM) {
        Some(f.unsigned("SqNum")? as u16)
    } else {
        None
    };
    let timestamp = if has(opt_flds::TIME_STAMP) {
        match f.next("TimeOfEntry")? {
            MmsValue::BinaryTime(t) => Some(binary_time::ms(t)),
            _ => return Err(ReportError::Malformed("TimeOfEntry")),
        }
    } else {
        None
    };
    let data_set = if has(opt_flds::DATA_SET) {
        Some(f.text("DatSet")?)
    } else {
        None
    };
    let buf_ovfl = if has(opt_flds::BUFFER_OVERFLOW) {
        Some(f.boolean("BufOvfl")?)
    } else {
        None
    };
    let entry_id = if has(opt_flds::ENTRY_ID) {
        Some(f.next("EntryID")?.clone())
    } else {
        None
    };
    let conf_rev = if has(opt_flds::CONF_REV) {
        Some(f.unsigned("ConfRev")? as u32)
    } else {
        None
    };
    let segment = if has(opt_flds::SEGMENTATION) {
        Some((
            f.unsigned("SubSeqNum")? as u16,
            f.boolean("MoreSegmentsFollow")?,
        ))
    } else {
        None
    };
    let inclusion = f.bits("Inclusion")?;
    if inclusion.size > MAX_MEMBERS {
        return Err(ReportError::Malformed("Inclusion"));
    }
    let included: Vec<usize> = (0..inclusion.size)
        .filter(|&i| inclusion.get(i))
        .map(|i| i as usize)
        .collect();
    let has_data_references = has(opt_flds::DATA_REFERENCE);
    let mut references = Vec::new();
    if has_data_references {
        for _ in &included {
            references.push(f.text("data reference")?);
        }
    }
    let mut values = Vec::new();
    for _ in &included {
        values.push(f.value()?);
    }
    let has_reasons = has(opt_flds::REASON);
    let mut reasons = Vec::new();
    if has_reasons {
        for _ in &included {
            reasons.push(reason_code(f.bits("reason")?));
        }
    }
    let mut references = references.into_iter();
    let mut reasons = reasons.into_iter();
    let entries = included
        .into_iter()
        .zip(values)
        .map(|(index, value)| ReportEntry {
            index,
            reference: references.next(),
            value,
            reason: reasons.next().unwrap_or(REASON_UNKNOWN),
        })
        .collect();
    Ok(Report {
        rpt_id,
        seq_num,
        timestamp,
        data_set,
        buf_ovfl,
        entry_id,
        conf_rev,
        segment,
        members: inclusion.size as usize,
        entries,
        has_reasons,
        has_data_references,
    })
}

/// Whether a report with RptID `received` belongs to a handler installed for `rcb_reference`
/// with `rpt_id`: by RptID when the handler names one, otherwise by the RCB reference the server
/// sends as RptID when the RCB's own is empty (`LD/LN$RP$name` for `LD/LN.RP.name`).
pub fn handler_matches(rcb_reference: &str, rpt_id: Option<&str>, received: &str) -> bool {
    match rpt_id {
        Some(id) => id == received,
        None => rcb_reference.replace('.', "$") == received,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mms::pdu::{decode_pdu, MmsPdu};
    use crate::test_util::hex;

    /// An InformationReport captured from the reference server (a GI report of
    /// DEMOProt/LLN0.RP.EventsRCB01 with OptFlds seq-num, time, reason, data set, conf-rev).
    const GI_REPORT: &str = "a35ca05aa1058003525054a0518a064576656e747384030678808601008c0601c821603d358a1444454d4f50726f742f4c4c4e30244576656e7473860101840204f083010083010183010083010084020204840202048402020484020204";

    /// The same RCB with data references as well (observed on the reference).
    const GI_REPORT_REFS: &str = "a381daa081d7a1058003525054a081cd8a064576656e74738403067c808601008c0601c826173d358a1444454d4f50726f742f4c4c4e30244576656e7473860101840204f08a1c44454d4f50726f742f4747494f3124535424496e643124737456616c8a1c44454d4f50726f742f4747494f3124535424496e643224737456616c8a1e44454d4f50726f742f4747494f3124535424535043534f3124737456616c8a1e44454d4f50726f742f4747494f3124535424535043534f3224737456616c83010183010183010083010084020204840202048402020484020204";

    /// A data-change report of one member (observed on the reference).
    const DCHG_REPORT: &str = "a347a045a1058003525054a03c8a064576656e747384030678808601018c0601c822bf3d358a1444454d4f50726f742f4c4c4e30244576656e74738601018402048083010184020240";

    fn report(s: &str) -> InformationReport {
        match decode_pdu(&hex(s), 10).unwrap() {
            MmsPdu::InformationReport(r) => r,
            other => panic!("not a report: {other:?}"),
        }
    }

    #[test]
    fn decodes_gi_report() {
        let r = decode_report(&report(GI_REPORT)).unwrap();
        assert_eq!(r.rpt_id, "Events");
        assert_eq!(r.seq_num, Some(0));
        assert_eq!(r.timestamp, Some(1_795_594_692_960));
        assert_eq!(r.data_set.as_deref(), Some("DEMOProt/LLN0$Events"));
        assert_eq!(r.conf_rev, Some(1));
        assert_eq!(
            (r.buf_ovfl, r.entry_id.clone(), r.segment),
            (None, None, None)
        );
        assert_eq!(r.members, 4);
        assert!(r.has_reasons && !r.has_data_references);
        let values: Vec<_> = r.entries.iter().map(|e| e.value.clone()).collect();
        assert_eq!(
            values,
            [false, true, false, false].map(MmsValue::Boolean).to_vec()
        );
        assert!(r
            .entries
            .iter()
            .all(|e| e.reason == 16 && e.reference.is_none()));
    }

    #[test]
    fn decodes_data_references() {
        let r = decode_report(&report(GI_REPORT_REFS)).unwrap();
        assert!(r.has_data_references);
        assert_eq!(
            r.entries[0].reference.as_deref(),
            Some("DEMOProt/GGIO1$ST$Ind1$stVal")
        );
        assert_eq!(
            r.entries[3].reference.as_deref(),
            Some("DEMOProt/GGIO1$ST$SPCSO2$stVal")
        );
    }

    #[test]
    fn decodes_partial_inclusion() {
        let r = decode_report(&report(DCHG_REPORT)).unwrap();
        assert_eq!(r.seq_num, Some(1));
        assert_eq!(r.members, 4);
        assert_eq!(r.entries.len(), 1);
        assert_eq!(r.entries[0].index, 0);
        assert_eq!(r.entries[0].value, MmsValue::Boolean(true));
        assert_eq!(r.entries[0].reason, 1);
    }

    #[test]
    fn access_errors_among_the_values_are_delivered() {
        // The GI report with its second member `83 01 01` replaced by `80 01 0a`
        // (object-non-existent), as a third-party server sent it.
        let gi = hex(GI_REPORT);
        let at = gi
            .windows(6)
            .position(|w| w == [0x83, 1, 0, 0x83, 1, 1])
            .unwrap()
            + 3;
        let mut bytes = gi.clone();
        bytes[at..at + 3].copy_from_slice(&[0x80, 0x01, 0x0a]);
        let MmsPdu::InformationReport(rep) = decode_pdu(&bytes, 10).unwrap() else {
            panic!("not a report");
        };
        let r = decode_report(&rep).unwrap();
        assert_eq!(r.entries.len(), 4);
        assert_eq!(r.entries[1].value, MmsValue::DataAccessError(10));
        assert_eq!(r.entries[0].value, MmsValue::Boolean(false));
    }

    #[test]
    fn truncated_reports_are_errors_never_panics() {
        let full = report(GI_REPORT);
        for n in 0..full.results.len() {
            let cut = InformationReport {
                spec: full.spec.clone(),
                results: full.results[..n].to_vec(),
            };
            assert!(decode_report(&cut).is_err(), "{n} fields");
        }
        let other = InformationReport {
            spec: VariableAccessSpec::ListName(ObjectName::Vmd("X".into())),
            results: full.results,
        };
        assert_eq!(decode_report(&other), Err(ReportError::NotRpt));
    }

    #[test]
    fn decodes_every_optional_field() {
        let mut opt = BitString::new(10);
        (1..=9).for_each(|i| opt.set(i, true));
        let mut inclusion = BitString::new(3);
        inclusion.set(1, true);
        let mut reason = BitString::new(6);
        reason.set(2, true);
        let fields = vec![
            MmsValue::visible_string(b"R"),
            MmsValue::BitString(opt),
            MmsValue::Unsigned(7),
            MmsValue::BinaryTime(vec![0, 0, 0, 5, 0, 1].into()),
            MmsValue::visible_string(b"LD/LLN0$DS"),
            MmsValue::Boolean(true),
            MmsValue::OctetString(crate::mms::value::OctetString {
                data: vec![1; 8].into(),
                max_size: 8,
            }),
            MmsValue::Unsigned(3),
            MmsValue::Unsigned(2),
            MmsValue::Boolean(true),
            MmsValue::BitString(inclusion),
            MmsValue::visible_string(b"LD/X$ST$a"),
            MmsValue::Integer(-4),
            MmsValue::BitString(reason),
        ];
        let r = decode_report(&InformationReport {
            spec: VariableAccessSpec::ListName(ObjectName::Vmd("RPT".into())),
            results: fields.into_iter().map(Ok).collect(),
        })
        .unwrap();
        assert_eq!(r.seq_num, Some(7));
        assert_eq!(r.timestamp, Some(441_763_200_000 + 86_400_000 + 5));
        assert_eq!(r.buf_ovfl, Some(true));
        assert!(matches!(r.entry_id, Some(MmsValue::OctetString(_))));
        assert_eq!(r.conf_rev, Some(3));
        assert_eq!(r.segment, Some((2, true)));
        assert_eq!(r.members, 3);
        assert_eq!(
            r.entries,
            vec![ReportEntry {
                index: 1,
                reference: Some("LD/X$ST$a".into()),
                value: MmsValue::Integer(-4),
                reason: 2,
            }]
        );
    }

    #[test]
    fn write_order_matches_the_reference() {
        use RcbElement::*;
        let names = |m, b, e| write_order(m, b, e).map(|v| v.into_iter().collect::<Vec<_>>());
        // Observed on the reference: disable first; enable last, then GI.
        assert_eq!(
            names(0x76f, false, false).unwrap(),
            [RptEna, Resv, RptId, DatSet, OptFlds, BufTm, TrgOps, IntgPd, Gi]
        );
        assert_eq!(
            names(0x76b | 2048 | 4096 | 16384, true, true).unwrap(),
            [
                ResvTms, RptId, DatSet, EntryId, OptFlds, BufTm, TrgOps, IntgPd, PurgeBuf, RptEna,
                Gi
            ]
        );
        assert_eq!(names(1024 | 2048, true, false).unwrap(), [Gi, PurgeBuf]);
        assert_eq!(names(IGNORED_MASK, false, false).unwrap(), []);
        for bad in [2048, 4096, 8192, 16384] {
            assert_eq!(names(bad, false, false), None);
        }
        assert_eq!(names(4, true, false), None);
    }

    #[test]
    fn option_bits_and_reasons() {
        let bits = options_to_bits(239, 10);
        assert_eq!(options_from_bits(&bits), 239);
        assert!(!bits.get(0) && bits.get(1) && bits.get(8));
        assert_eq!(options_from_bits(&options_to_bits(0x3ff, 10)), 0x1ff);
        let mut r = BitString::new(6);
        r.set(5, true);
        assert_eq!(reason_code(&r), 16);
        assert_eq!(reason_text(16), "GI");
        assert_eq!(reason_text(32), "unknown");
        assert_eq!(reason_text(3), "unknown");
    }

    #[test]
    fn handlers_match_by_rpt_id_or_reference() {
        assert!(handler_matches("x", Some("Events"), "Events"));
        assert!(!handler_matches("LD/LLN0.RP.a", Some(""), "Events"));
        assert!(!handler_matches("LD/LLN0.RP.a", None, "Events"));
        assert!(handler_matches("LD/LLN0.RP.a", None, "LD/LLN0$RP$a"));
    }
}
