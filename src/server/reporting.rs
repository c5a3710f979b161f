//! Report control blocks and the reporting engine (IEC 61850-7-2 clause 17, mapped to MMS
//! by IEC 61850-8-1 clause 17), sans-I/O: value changes, client writes and time go in,
//! InformationReports for clients come out.
//!
//! An RCB's attributes (RptID, RptEna, ...) are nodes of the model index with values of
//! the server's own, so reads, directories and type descriptions need nothing from here;
//! this module decides what a client may write to them and when reports go out.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use crate::ffi::iec61850_common::{IEC61850_FC_BR as FC_BR, IEC61850_FC_RP as FC_RP};
use crate::ffi::iec61850_model::*;
use crate::mms::access::VariableAccessSpec;
use crate::mms::information_report::InformationReport;
use crate::mms::object_name::ObjectName;
use crate::mms::value::{binary_time, BitString, OctetString};
use crate::mms::MmsValue;
use crate::model::tree::{Kind, Node, RcbDef, ValueSlot};

use super::model::ModelIndex;

/// TrgOps and reason bits (`TRG_OPT_*`).
pub const TRG_DATA_CHANGED: u8 = 1;
/// Quality change.
pub const TRG_QUALITY_CHANGED: u8 = 2;
/// Data update (also without a change).
pub const TRG_DATA_UPDATE: u8 = 4;
/// Integrity period.
pub const TRG_INTEGRITY: u8 = 8;
/// General interrogation.
pub const TRG_GI: u8 = 16;

/// OptFlds bits (`RPT_OPT_*`).
const OPT_SEQ_NUM: u8 = 1;
const OPT_TIME_STAMP: u8 = 2;
const OPT_REASON: u8 = 4;
const OPT_DATA_SET: u8 = 8;
const OPT_DATA_REFERENCE: u8 = 16;
const OPT_BUFFER_OVERFLOW: u8 = 32;
const OPT_ENTRY_ID: u8 = 64;
const OPT_CONF_REV: u8 = 128;
/// What a URCB's reports never carry (observed: the reference clears them on enable).
const URCB_OPT_MASK: u8 = !(OPT_BUFFER_OVERFLOW | OPT_ENTRY_ID);

/// DataAccessError codes of RCB writes (as the reference answers them).
const TEMPORARILY_UNAVAILABLE: i32 = 2;
const ACCESS_DENIED: i32 = 3;
const TYPE_INCONSISTENT: i32 = 7;
const OBJECT_VALUE_INVALID: i32 = 11;

/// Bits of the OptFlds, TrgOps and reason-code bit strings.
const OPT_FLDS_BITS: u32 = 10;
const TRG_OPS_BITS: u32 = 6;
const REASON_BITS: u32 = 6;

/// A client (connection) as the engine knows it.
pub type ClientId = u64;

/// The time of an engine call: for deadlines and for time stamps.
#[derive(Debug, Clone, Copy)]
pub struct Now {
    /// Monotonic instant.
    pub at: Instant,
    /// Milliseconds since 1970 (UTC).
    pub ms: u64,
}

impl Now {
    /// The current time.
    pub fn current() -> Now {
        Now {
            at: Instant::now(),
            ms: crate::hal::now_ms(),
        }
    }
}

/// A report for one client.
#[derive(Debug, Clone, PartialEq)]
pub struct Outgoing {
    /// The client it goes to.
    pub client: ClientId,
    /// The InformationReport.
    pub report: InformationReport,
}

/// The attributes of an RCB in MMS order: name, type.
const URCB_ATTRIBUTES: [(&str, DataAttributeType); 11] = [
    ("RptID", IEC61850_VISIBLE_STRING_129),
    ("RptEna", IEC61850_BOOLEAN),
    ("Resv", IEC61850_BOOLEAN),
    ("DatSet", IEC61850_VISIBLE_STRING_129),
    ("ConfRev", IEC61850_INT32U),
    ("OptFlds", IEC61850_OPTFLDS),
    ("BufTm", IEC61850_INT32U),
    ("SqNum", IEC61850_INT8U),
    ("TrgOps", IEC61850_TRGOPS),
    ("IntgPd", IEC61850_INT32U),
    ("GI", IEC61850_BOOLEAN),
];
const BRCB_ATTRIBUTES: [(&str, DataAttributeType); 14] = [
    ("RptID", IEC61850_VISIBLE_STRING_129),
    ("RptEna", IEC61850_BOOLEAN),
    ("DatSet", IEC61850_VISIBLE_STRING_129),
    ("ConfRev", IEC61850_INT32U),
    ("OptFlds", IEC61850_OPTFLDS),
    ("BufTm", IEC61850_INT32U),
    ("SqNum", IEC61850_INT16U),
    ("TrgOps", IEC61850_TRGOPS),
    ("IntgPd", IEC61850_INT32U),
    ("GI", IEC61850_BOOLEAN),
    ("PurgeBuf", IEC61850_BOOLEAN),
    ("EntryID", IEC61850_OCTET_STRING_8),
    ("TimeofEntry", IEC61850_ENTRY_TIME),
    ("ResvTms", IEC61850_INT16),
];

/// Bit string of `size` bits whose bit k+1 is bit k of `flags` (bit 0 is reserved).
fn flag_bits(flags: u8, size: u32) -> BitString {
    let mut bits = BitString::new(size);
    for k in 0..8 {
        if flags & (1 << k) != 0 && k + 1 < size {
            bits.set(k + 1, true);
        }
    }
    bits
}

/// The flags of a bit string written by a client (inverse of [`flag_bits`]).
fn bits_flags(bits: &BitString) -> u8 {
    (0..8).fold(0, |f, k| if bits.get(k + 1) { f | 1 << k } else { f })
}

/// An 8-octet EntryID holding `n`.
fn entry_id(n: u64) -> MmsValue {
    MmsValue::OctetString(OctetString {
        data: n.to_be_bytes().to_vec().into(),
        max_size: 8,
    })
}

/// A 6-octet binary time of `ms`.
fn entry_time(ms: u64) -> MmsValue {
    let mut octets = [0u8; 6];
    binary_time::set_ms(&mut octets, ms);
    MmsValue::BinaryTime(octets.to_vec().into())
}

/// A leaf attribute node of the server's own.
fn leaf(name: &str, fc: i32, ty: DataAttributeType, value: MmsValue) -> Node {
    Node {
        name: name.into(),
        addr: 0,
        element_count: 0,
        kind: Kind::Attribute {
            fc,
            ty,
            slot: ValueSlot::own(value),
        },
        children: Vec::new(),
    }
}

/// The RCB's node (FC RP or BR) of the model index with its initial values; `domain` is
/// its logical device's MMS domain, `ms` the server's start time (a BRCB's first EntryID
/// and TimeofEntry, as on the reference).
pub fn rcb_node(def: &RcbDef, domain: &str, ms: u64) -> Node {
    let fc = if def.buffered { FC_BR } else { FC_RP };
    // The model names the data set within the RCB's logical node, or as `LN$name`.
    let dat_set = def
        .data_set
        .as_ref()
        .map_or(String::new(), |ds| match ds.contains('$') {
            true => format!("{domain}/{ds}"),
            false => format!("{domain}/{}${ds}", def.ln),
        });
    let text = |t: &str| MmsValue::visible_string(t.as_bytes());
    let attributes: &[(&str, DataAttributeType)] = if def.buffered {
        &BRCB_ATTRIBUTES
    } else {
        &URCB_ATTRIBUTES
    };
    let children = attributes
        .iter()
        .map(|&(name, ty)| {
            let value = match name {
                "RptID" => text(def.rpt_id.as_deref().unwrap_or("")),
                "DatSet" => text(&dat_set),
                "ConfRev" => MmsValue::Unsigned(u64::from(def.conf_rev)),
                "OptFlds" => MmsValue::BitString(flag_bits(def.options, OPT_FLDS_BITS)),
                "BufTm" => MmsValue::Unsigned(u64::from(def.buf_tm)),
                "SqNum" => MmsValue::Unsigned(0),
                "TrgOps" => MmsValue::BitString(flag_bits(def.trg_ops, TRG_OPS_BITS)),
                "IntgPd" => MmsValue::Unsigned(u64::from(def.intg_pd)),
                "EntryID" => entry_id(ms),
                "TimeofEntry" => entry_time(ms),
                "ResvTms" => MmsValue::Integer(0),
                _ => MmsValue::Boolean(false),
            };
            leaf(name, fc, ty, value)
        })
        .collect();
    Node {
        name: def.name.clone(),
        addr: 0,
        element_count: 0,
        kind: Kind::Attribute {
            fc,
            ty: IEC61850_CONSTRUCTED,
            slot: ValueSlot::own(MmsValue::Boolean(false)),
        },
        children,
    }
}

/// Where an RCB's node is in the model index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    /// Domain position.
    pub domain: usize,
    /// Logical node position in the domain.
    pub ln: usize,
    /// Child position in the logical node.
    pub child: usize,
}

/// A data set member resolved to the model: where its value is read and how it is named.
#[derive(Debug, Clone)]
struct Member {
    /// Domain name.
    domain: String,
    /// MMS variable name in the domain (`GGIO1$ST$Ind1$stVal`).
    variable: String,
}

/// A report waiting for its buffer time, or stored in a BRCB's buffer.
#[derive(Debug, Clone)]
struct Entry {
    /// Per member: the reasons it is included for (0: not included) and its value.
    included: Vec<(u8, Option<MmsValue>)>,
    /// When the entry was made (ms since 1970).
    ms: u64,
    /// EntryID (BRCB).
    id: u64,
}

/// One RCB's engine state (its attribute values live in the model index).
#[derive(Debug)]
struct Rcb {
    place: Place,
    buffered: bool,
    /// `LD/LN$RP$name`: the RptID when the attribute is empty.
    reference: String,
    /// The client that enabled or reserved it.
    owner: Option<ClientId>,
    /// The members of the current DatSet.
    members: Vec<Member>,
    /// Collected events waiting for BufTm.
    pending: Option<(Entry, Instant)>,
    /// Next integrity report.
    integrity_at: Option<Instant>,
    /// BRCB: reports not yet sent (while disabled) and those kept for resynchronisation.
    buffer: VecDeque<Entry>,
    /// BRCB: entries were lost since the last report.
    overflow: bool,
    /// Next EntryID.
    next_id: u64,
}

/// The reporting engine of a model: every RCB's state.
#[derive(Debug, Default)]
pub struct Reporting {
    rcbs: Vec<Rcb>,
    /// Reports made and not yet taken by [`Reporting::take_outgoing`].
    outbox: Vec<Outgoing>,
}

/// Most entries a BRCB buffers when the configuration gives no size.
const DEFAULT_BUFFER_ENTRIES: usize = 1000;

impl Reporting {
    /// The engine for the RCBs at `places` (domain-qualified references in `references`).
    pub fn new(rcbs: Vec<(Place, bool, String)>, start_ms: u64) -> Reporting {
        Reporting {
            rcbs: rcbs
                .into_iter()
                .map(|(place, buffered, reference)| Rcb {
                    place,
                    buffered,
                    reference,
                    owner: None,
                    members: Vec::new(),
                    pending: None,
                    integrity_at: None,
                    buffer: VecDeque::new(),
                    overflow: false,
                    next_id: start_ms.wrapping_add(1),
                })
                .collect(),
            outbox: Vec::new(),
        }
    }

    /// The reports made since the last call, in order.
    pub fn take_outgoing(&mut self) -> Vec<Outgoing> {
        std::mem::take(&mut self.outbox)
    }

    /// The RCB whose node is at `place`.
    fn find(&self, place: Place) -> Option<usize> {
        self.rcbs.iter().position(|r| r.place == place)
    }

    /// Answers a client's write of `value` to attribute `attribute` (`None`: the whole
    /// RCB) of the RCB at `place`; reports that follow (GI, buffered entries) go to the
    /// outbox.
    pub fn write(
        &mut self,
        index: &ModelIndex,
        place: Place,
        attribute: Option<&str>,
        value: &MmsValue,
        client: ClientId,
        now: Now,
    ) -> Result<(), i32> {
        let at = self.find(place).ok_or(OBJECT_VALUE_INVALID)?;
        let node = index.node(place).ok_or(OBJECT_VALUE_INVALID)?;
        let Some(attribute) = attribute else {
            // The reference refuses writes of a whole RCB.
            return Err(TYPE_INCONSISTENT);
        };
        let slot = slot(node, attribute).ok_or(OBJECT_VALUE_INVALID)?;
        let current = slot.get();
        if current.as_ref().map(MmsValue::mms_type) != Some(value.mms_type()) {
            return Err(TYPE_INCONSISTENT);
        }
        let Reporting { rcbs, outbox: out } = self;
        let rcb = &mut rcbs[at];
        if rcb.owner.is_some_and(|o| o != client) {
            return Err(TEMPORARILY_UNAVAILABLE);
        }
        let enabled = bool_of(node, "RptEna");
        let flag = matches!(value, MmsValue::Boolean(true));
        match attribute {
            "RptEna" if flag && !enabled => {
                let members = data_set_members(index, &text_of(node, "DatSet"));
                let members = members.ok_or(TEMPORARILY_UNAVAILABLE)?;
                rcb.members = members;
                rcb.owner = Some(client);
                if !rcb.buffered {
                    let options = flags_of(node, "OptFlds") & URCB_OPT_MASK;
                    set(
                        node,
                        "OptFlds",
                        MmsValue::BitString(flag_bits(options, OPT_FLDS_BITS)),
                    );
                }
                set(node, "RptEna", MmsValue::Boolean(true));
                // Each enabling starts a new sequence (observed on the reference).
                set(node, "SqNum", MmsValue::Unsigned(0));
                rcb.pending = None;
                rcb.integrity_at = integrity_deadline(node, now);
                // A BRCB sends what it buffered while disabled.
                let buffered: Vec<Entry> = rcb.buffer.drain(..).collect();
                for entry in buffered {
                    out.push(build(index, rcb, &entry, now));
                }
            }
            "RptEna" if !flag => {
                set(node, "RptEna", MmsValue::Boolean(false));
                rcb.pending = None;
                rcb.integrity_at = None;
                if !rcb.buffered && !bool_of(node, "Resv") {
                    rcb.owner = None;
                }
                if rcb.buffered && int_of(node, "ResvTms") <= 0 {
                    rcb.owner = None;
                }
            }
            "RptEna" => {}
            "GI" => {
                if !enabled {
                    return Err(TEMPORARILY_UNAVAILABLE);
                }
                if flag {
                    let included = (0..rcb.members.len())
                        .map(|m| (TRG_GI, Some(member_value(index, &rcb.members[m]))))
                        .collect();
                    let entry = rcb.new_entry(included, now);
                    out.push(build(index, rcb, &entry, now));
                }
            }
            "Resv" if enabled => return Err(TEMPORARILY_UNAVAILABLE),
            "Resv" => {
                rcb.owner = flag.then_some(client);
                set(node, "Resv", MmsValue::Boolean(flag));
            }
            "TimeofEntry" => return Err(ACCESS_DENIED),
            "ConfRev" | "SqNum" => return Err(TEMPORARILY_UNAVAILABLE),
            _ if enabled => return Err(TEMPORARILY_UNAVAILABLE),
            "DatSet" => {
                let name = match value {
                    MmsValue::VisibleString(t) => t.to_string_lossy().into_owned(),
                    _ => return Err(TYPE_INCONSISTENT),
                };
                if data_set_members(index, &name).is_none() {
                    return Err(OBJECT_VALUE_INVALID);
                }
                slot.set(value.clone());
                rcb.members.clear();
                // A new data set is a new configuration.
                let rev = uint_of(node, "ConfRev").wrapping_add(1);
                set(node, "ConfRev", MmsValue::Unsigned(rev));
                rcb.buffer.clear();
            }
            "PurgeBuf" => {
                if flag {
                    rcb.buffer.clear();
                }
            }
            "ResvTms" => {
                if matches!(value, MmsValue::Integer(n) if *n < 0) {
                    return Err(OBJECT_VALUE_INVALID);
                }
                slot.set(value.clone());
                rcb.owner = (int_of(node, "ResvTms") != 0).then_some(client);
            }
            _ => slot.set(value.clone()),
        }
        if !rcb.buffered && attribute != "Resv" && attribute != "RptEna" {
            // Writing a URCB reserves it for the writer (IEC 61850-8-1).
            rcb.owner = Some(client);
            set(node, "Resv", MmsValue::Boolean(true));
        }
        Ok(())
    }

    /// A value of the attribute `variable` (MMS name) of `domain` changed (or was updated)
    /// for the reasons in `reasons`; reports due at once go to the outbox.
    pub fn on_update(
        &mut self,
        index: &ModelIndex,
        domain: &str,
        variable: &str,
        reasons: u8,
        now: Now,
    ) {
        let Reporting { rcbs, outbox: out } = self;
        for rcb in rcbs {
            let Some(node) = index.node(rcb.place) else {
                continue;
            };
            let enabled = bool_of(node, "RptEna");
            // A disabled BRCB keeps buffering once it was enabled (its members are known).
            if !enabled && (!rcb.buffered || rcb.members.is_empty()) {
                continue;
            }
            let reasons = reasons & flags_of(node, "TrgOps");
            if reasons == 0 {
                continue;
            }
            let hits: Vec<usize> = (0..rcb.members.len())
                .filter(|&m| covers(&rcb.members[m], domain, variable))
                .collect();
            if hits.is_empty() {
                continue;
            }
            let buf_tm = Duration::from_millis(uint_of(node, "BufTm"));
            // A second event of a member within the buffer time flushes the first.
            if let Some((entry, _)) = &rcb.pending {
                if hits.iter().any(|&m| entry.included[m].0 != 0) {
                    if let Some((entry, _)) = rcb.pending.take() {
                        rcb.emit(index, entry, enabled, now, out);
                    }
                }
            }
            let (mut entry, deadline) = match rcb.pending.take() {
                Some(p) => p,
                None => {
                    let empty = vec![(0, None); rcb.members.len()];
                    (rcb.new_entry(empty, now), now.at + buf_tm)
                }
            };
            for &m in &hits {
                entry.included[m] = (reasons, Some(member_value(index, &rcb.members[m])));
            }
            if buf_tm.is_zero() {
                rcb.emit(index, entry, enabled, now, out);
            } else {
                rcb.pending = Some((entry, deadline));
            }
        }
    }

    /// Makes the reports due at `now` (buffer times, integrity periods).
    pub fn tick(&mut self, index: &ModelIndex, now: Now) {
        let Reporting { rcbs, outbox: out } = self;
        for rcb in rcbs {
            let Some(node) = index.node(rcb.place) else {
                continue;
            };
            let enabled = bool_of(node, "RptEna");
            if rcb.pending.as_ref().is_some_and(|(_, at)| *at <= now.at) {
                if let Some((entry, _)) = rcb.pending.take() {
                    rcb.emit(index, entry, enabled, now, out);
                }
            }
            if enabled && rcb.integrity_at.is_some_and(|at| at <= now.at) {
                rcb.integrity_at = integrity_deadline(node, now);
                if flags_of(node, "TrgOps") & TRG_INTEGRITY != 0 {
                    // Events waiting for the buffer time go first.
                    if let Some((entry, _)) = rcb.pending.take() {
                        rcb.emit(index, entry, enabled, now, out);
                    }
                    let included = (0..rcb.members.len())
                        .map(|m| (TRG_INTEGRITY, Some(member_value(index, &rcb.members[m]))))
                        .collect();
                    let entry = rcb.new_entry(included, now);
                    rcb.emit(index, entry, enabled, now, out);
                }
            }
        }
    }

    /// The earliest time [`Reporting::tick`] has something to do.
    pub fn next_deadline(&self) -> Option<Instant> {
        self.rcbs
            .iter()
            .flat_map(|r| [r.pending.as_ref().map(|p| p.1), r.integrity_at])
            .flatten()
            .min()
    }

    /// A client went away: its URCBs are disabled and released; its BRCBs are disabled and
    /// keep buffering for it unless it reserved none (ResvTms).
    pub fn on_disconnect(&mut self, index: &ModelIndex, client: ClientId) {
        for rcb in &mut self.rcbs {
            if rcb.owner != Some(client) {
                continue;
            }
            let Some(node) = index.node(rcb.place) else {
                continue;
            };
            set(node, "RptEna", MmsValue::Boolean(false));
            rcb.pending = None;
            rcb.integrity_at = None;
            if rcb.buffered {
                if int_of(node, "ResvTms") <= 0 {
                    rcb.owner = None;
                }
            } else {
                rcb.owner = None;
                set(node, "Resv", MmsValue::Boolean(false));
            }
        }
    }
}

impl Rcb {
    /// A fresh entry (its EntryID drawn) with `included` members.
    fn new_entry(&mut self, included: Vec<(u8, Option<MmsValue>)>, now: Now) -> Entry {
        let id = self.next_id;
        self.next_id = self.next_id.wrapping_add(1);
        Entry {
            included,
            ms: now.ms,
            id,
        }
    }

    /// Sends `entry` when enabled; a disabled BRCB buffers it (dropping the oldest when
    /// full).
    fn emit(
        &mut self,
        index: &ModelIndex,
        entry: Entry,
        enabled: bool,
        now: Now,
        out: &mut Vec<Outgoing>,
    ) {
        if enabled {
            out.push(build(index, self, &entry, now));
        } else if self.buffered {
            if self.buffer.len() >= DEFAULT_BUFFER_ENTRIES {
                self.buffer.pop_front();
                self.overflow = true;
            }
            self.buffer.push_back(entry);
        }
    }
}

/// The InformationReport of `entry` for the RCB's owner; advances SqNum (and a BRCB's
/// EntryID and TimeofEntry).
fn build(index: &ModelIndex, rcb: &mut Rcb, entry: &Entry, now: Now) -> Outgoing {
    let node = index.node(rcb.place);
    let get = |name: &str| node.and_then(|n| slot(n, name)).and_then(ValueSlot::get);
    let options = node.map_or(0, |n| flags_of(n, "OptFlds"));
    let options = if rcb.buffered {
        options
    } else {
        options & URCB_OPT_MASK
    };
    let mut results: Vec<Result<MmsValue, i32>> = Vec::new();
    let rpt_id = match get("RptID") {
        Some(MmsValue::VisibleString(t)) if !t.is_empty() => MmsValue::VisibleString(t),
        _ => MmsValue::visible_string(rcb.reference.as_bytes()),
    };
    results.push(Ok(rpt_id));
    results.push(Ok(MmsValue::BitString(flag_bits(options, OPT_FLDS_BITS))));
    let sq_num = node.map_or(0, |n| uint_of(n, "SqNum"));
    if options & OPT_SEQ_NUM != 0 {
        results.push(Ok(MmsValue::Unsigned(sq_num)));
    }
    if options & OPT_TIME_STAMP != 0 {
        results.push(Ok(entry_time(entry.ms)));
    }
    if options & OPT_DATA_SET != 0 {
        results.push(Ok(get("DatSet").unwrap_or(MmsValue::visible_string(b""))));
    }
    if rcb.buffered && options & OPT_BUFFER_OVERFLOW != 0 {
        results.push(Ok(MmsValue::Boolean(std::mem::take(&mut rcb.overflow))));
    }
    if rcb.buffered && options & OPT_ENTRY_ID != 0 {
        results.push(Ok(entry_id(entry.id)));
    }
    if options & OPT_CONF_REV != 0 {
        results.push(Ok(get("ConfRev").unwrap_or(MmsValue::Unsigned(0))));
    }
    let mut inclusion = BitString::new(entry.included.len() as u32);
    for (m, (reasons, _)) in entry.included.iter().enumerate() {
        inclusion.set(m as u32, *reasons != 0);
    }
    results.push(Ok(MmsValue::BitString(inclusion)));
    let included = || {
        entry
            .included
            .iter()
            .enumerate()
            .filter(|(_, (r, _))| *r != 0)
    };
    if options & OPT_DATA_REFERENCE != 0 {
        for (m, _) in included() {
            let member = &rcb.members[m];
            let reference = format!("{}/{}", member.domain, member.variable);
            results.push(Ok(MmsValue::visible_string(reference.as_bytes())));
        }
    }
    for (_, (_, value)) in included() {
        results.push(Ok(value.clone().unwrap_or(MmsValue::Boolean(false))));
    }
    if options & OPT_REASON != 0 {
        for (_, (reasons, _)) in included() {
            results.push(Ok(MmsValue::BitString(flag_bits(*reasons, REASON_BITS))));
        }
    }
    if let Some(n) = node {
        let wrap = if rcb.buffered { 1 << 16 } else { 1 << 8 };
        set(n, "SqNum", MmsValue::Unsigned((sq_num + 1) % wrap));
        if rcb.buffered {
            set(n, "EntryID", entry_id(entry.id));
            set(n, "TimeofEntry", entry_time(entry.ms));
        }
    }
    let _ = now;
    Outgoing {
        client: rcb.owner.unwrap_or_default(),
        report: InformationReport {
            spec: VariableAccessSpec::ListName(ObjectName::Vmd("RPT".into())),
            results,
        },
    }
}

/// Whether `member` contains (or is) the attribute `variable` of `domain`.
fn covers(member: &Member, domain: &str, variable: &str) -> bool {
    member.domain == domain
        && variable
            .strip_prefix(member.variable.as_str())
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('$'))
}

/// The current value of a member (a DataAccessError code's value when it vanished).
fn member_value(index: &ModelIndex, member: &Member) -> MmsValue {
    index
        .domain(&member.domain)
        .and_then(|d| d.variable(&member.variable))
        .map_or(MmsValue::DataAccessError(10), |v| v.value())
}

/// The next integrity time of an RCB (none without an integrity period).
fn integrity_deadline(node: &Node, now: Now) -> Option<Instant> {
    match uint_of(node, "IntgPd") {
        0 => None,
        ms => Some(now.at + Duration::from_millis(ms)),
    }
}

/// The slot of attribute `name` of an RCB node.
fn slot<'a>(node: &'a Node, name: &str) -> Option<&'a ValueSlot> {
    node.children
        .iter()
        .find(|c| c.name == name)
        .and_then(|c| match &c.kind {
            Kind::Attribute { slot, .. } => Some(slot),
            _ => None,
        })
}

fn set(node: &Node, name: &str, value: MmsValue) {
    if let Some(s) = slot(node, name) {
        s.set(value);
    }
}

fn bool_of(node: &Node, name: &str) -> bool {
    matches!(
        slot(node, name).and_then(ValueSlot::get),
        Some(MmsValue::Boolean(true))
    )
}

fn uint_of(node: &Node, name: &str) -> u64 {
    match slot(node, name).and_then(ValueSlot::get) {
        Some(MmsValue::Unsigned(n)) => n,
        _ => 0,
    }
}

fn int_of(node: &Node, name: &str) -> i64 {
    match slot(node, name).and_then(ValueSlot::get) {
        Some(MmsValue::Integer(n)) => n,
        _ => 0,
    }
}

fn flags_of(node: &Node, name: &str) -> u8 {
    match slot(node, name).and_then(ValueSlot::get) {
        Some(MmsValue::BitString(b)) => bits_flags(&b),
        _ => 0,
    }
}

fn text_of(node: &Node, name: &str) -> String {
    match slot(node, name).and_then(ValueSlot::get) {
        Some(MmsValue::VisibleString(t)) => t.to_string_lossy().into_owned(),
        _ => String::new(),
    }
}

/// The members of data set `reference` (`LD/LN$name`) resolved in `index` (`None`: no
/// such data set; an empty reference has no members).
fn data_set_members(index: &ModelIndex, reference: &str) -> Option<Vec<Member>> {
    if reference.is_empty() {
        return Some(Vec::new());
    }
    let (domain, name) = reference.split_once('/')?;
    let set = index.data_set(domain, name)?;
    Some(
        set.members
            .iter()
            .map(|m| Member {
                domain: m
                    .device
                    .as_deref()
                    .and_then(|inst| index.domain_of_instance(inst))
                    .unwrap_or(domain)
                    .to_owned(),
                variable: m.variable.clone(),
            })
            .collect(),
    )
}
