//! Reporting of `iec61850_client.h`: `ClientReportControlBlock_*`, reading and writing RCBs,
//! report handlers and the `ClientReport_*` accessors.

use super::*;
use crate::ffi::mms_value::{delete_value, new_value};
use crate::iec61850::report::{
    self, decode_report, handler_matches, options_from_bits, options_to_bits, RcbElement, Report,
};
use crate::mms::information_report::InformationReport;
use crate::mms::read;
use crate::mms::value::{binary_time, c_string_lossy, Node};
use crate::mms::write;
use parking_lot::Mutex;
use std::ffi::{CStr, CString};
use std::ptr::null_mut;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Weak;
use std::thread::ThreadId;

// ---- ClientReportControlBlock ----

/// Sizes of the option bit strings a setter creates (IEC 61850-8-1).
const OPT_FLDS_BITS: u32 = 10;
const TRG_OPS_BITS: u32 = 6;

/// The MMS variable of an RCB reference `LD/LN.FC.name`: domain `LD`, item `LN$FC$name`.
fn rcb_variable(reference: &str) -> Option<VariableRef> {
    let (domain, rest) = reference.split_once('/')?;
    Some(VariableRef {
        domain_id: Some(domain.to_owned()),
        item_id: rest.replace('.', "$"),
        ..VariableRef::default()
    })
}

/// The variable of one attribute of an RCB.
fn element_variable(rcb: &VariableRef, element: RcbElement) -> VariableRef {
    VariableRef {
        item_id: format!("{}${}", rcb.item_id, element.name()),
        ..rcb.clone()
    }
}

/// Whether a reference names a buffered RCB: the FC after the first `.` (or `$`) is `BR`.
fn buffered_reference(reference: &[u8]) -> bool {
    reference
        .iter()
        .position(|&b| b == b'.' || b == b'$')
        .is_some_and(|i| reference[i + 1..].starts_with(b"BR"))
}

/// Stores `value` in a field: in place when one is there (pointers the caller holds stay valid).
fn store(slot: &mut *mut MmsValue, value: MmsValue) {
    // SAFETY: a non-NULL field is an owned, live value of this RCB.
    match unsafe { slot.as_mut() } {
        Some(old) => {
            if !old.update(&value) {
                *old = value;
            }
        }
        None => *slot = new_value(value),
    }
}

/// Borrows an RCB handle.
///
/// # Safety
/// `p` is NULL or a live RCB that nobody else mutates meanwhile.
unsafe fn rcb<'a>(p: ClientReportControlBlock) -> Option<&'a mut sClientReportControlBlock> {
    // SAFETY: caller's contract.
    unsafe { p.as_mut() }
}

/// Borrows a field's value.
fn field(p: *mut MmsValue) -> Option<&'static MmsValue> {
    // SAFETY: fields are NULL or owned live values; the borrow ends before the RCB is changed.
    unsafe { p.as_ref() }
}

impl sClientReportControlBlock {
    /// An RCB with every attribute unset.
    fn new(reference: &[u8]) -> Self {
        sClientReportControlBlock {
            objectReference: malloc_c_string(reference),
            isBuffered: buffered_reference(reference),
            rptId: null_mut(),
            rptEna: null_mut(),
            resv: null_mut(),
            datSet: null_mut(),
            confRev: null_mut(),
            optFlds: null_mut(),
            bufTm: null_mut(),
            sqNum: null_mut(),
            trgOps: null_mut(),
            intgPd: null_mut(),
            gi: null_mut(),
            purgeBuf: null_mut(),
            entryId: null_mut(),
            timeOfEntry: null_mut(),
            resvTms: null_mut(),
            owner: null_mut(),
        }
    }

    /// Every value field, for freeing.
    fn fields_mut(&mut self) -> [&mut *mut MmsValue; 16] {
        [
            &mut self.rptId,
            &mut self.rptEna,
            &mut self.resv,
            &mut self.datSet,
            &mut self.confRev,
            &mut self.optFlds,
            &mut self.bufTm,
            &mut self.sqNum,
            &mut self.trgOps,
            &mut self.intgPd,
            &mut self.gi,
            &mut self.purgeBuf,
            &mut self.entryId,
            &mut self.timeOfEntry,
            &mut self.resvTms,
            &mut self.owner,
        ]
    }

    /// The field written for `element`.
    fn element(&self, element: RcbElement) -> *mut MmsValue {
        match element {
            RcbElement::RptId => self.rptId,
            RcbElement::RptEna => self.rptEna,
            RcbElement::Resv => self.resv,
            RcbElement::DatSet => self.datSet,
            RcbElement::OptFlds => self.optFlds,
            RcbElement::BufTm => self.bufTm,
            RcbElement::TrgOps => self.trgOps,
            RcbElement::IntgPd => self.intgPd,
            RcbElement::Gi => self.gi,
            RcbElement::PurgeBuf => self.purgeBuf,
            RcbElement::EntryId => self.entryId,
            RcbElement::TimeOfEntry => self.timeOfEntry,
            RcbElement::ResvTms => self.resvTms,
        }
    }

    /// The reference as text.
    fn reference(&self) -> String {
        // SAFETY: objectReference is the C string this RCB owns.
        unsafe { c_str(self.objectReference) }
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    }

    /// Takes the attribute values of a read RCB structure (URCB: 11 or 12 members with
    /// Owner; BRCB: 13 to 15 with ResvTms and/or Owner), TYPE_INCONSISTENT for another shape.
    fn fill(&mut self, value: MmsValue) -> Result<(), ClientError> {
        let elements = match value {
            MmsValue::Structure(e) => e,
            MmsValue::DataAccessError(code) => {
                return Err(ClientError::from_data_access_error(code))
            }
            _ => return Err(ClientError::Unknown),
        };
        let values: Vec<MmsValue> = elements
            .into_iter()
            .flatten()
            .map(Node::into_value)
            .collect();
        let fits = if self.isBuffered {
            (13..=15).contains(&values.len())
        } else {
            (11..=12).contains(&values.len())
        };
        if !fits {
            return Err(ClientError::TypeInconsistent);
        }
        let mut values = values.into_iter();
        let mut slots: Vec<*mut *mut MmsValue> = if self.isBuffered {
            vec![
                &mut self.rptId,
                &mut self.rptEna,
                &mut self.datSet,
                &mut self.confRev,
                &mut self.optFlds,
                &mut self.bufTm,
                &mut self.sqNum,
                &mut self.trgOps,
                &mut self.intgPd,
                &mut self.gi,
                &mut self.purgeBuf,
                &mut self.entryId,
                &mut self.timeOfEntry,
            ]
        } else {
            vec![
                &mut self.rptId,
                &mut self.rptEna,
                &mut self.resv,
                &mut self.datSet,
                &mut self.confRev,
                &mut self.optFlds,
                &mut self.bufTm,
                &mut self.sqNum,
                &mut self.trgOps,
                &mut self.intgPd,
                &mut self.gi,
            ]
        };
        for slot in slots.drain(..) {
            if let Some(v) = values.next() {
                // SAFETY: each pointer is a distinct field of `self`, borrowed only here.
                store(unsafe { &mut *slot }, v);
            }
        }
        // What follows the fixed members: ResvTms (an integer) and/or Owner.
        for v in values {
            let slot = match (&v, self.isBuffered) {
                (MmsValue::Integer(_), true) => &mut self.resvTms,
                _ => &mut self.owner,
            };
            store(slot, v);
        }
        Ok(())
    }
}

/// Creates an RCB object for `rcbReference` (`LD/LN.RP.name` or `LD/LN.BR.name`); NULL for a
/// reference without `.` or `$`, as the reference.
///
/// # Safety
/// `rcbReference` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn ClientReportControlBlock_create(
    rcbReference: *const c_char,
) -> ClientReportControlBlock {
    guard(null_mut(), || {
        // SAFETY: caller's contract.
        match unsafe { c_str(rcbReference) } {
            Some(r) if r.to_bytes().iter().any(|&b| b == b'.' || b == b'$') => {
                Box::into_raw(Box::new(sClientReportControlBlock::new(r.to_bytes())))
            }
            _ => null_mut(),
        }
    })
}

/// Frees an RCB object and its values; NULL is a no-op.
///
/// # Safety
/// `self_` is NULL or an RCB from this library, not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn ClientReportControlBlock_destroy(self_: ClientReportControlBlock) {
    guard((), || {
        if self_.is_null() {
            return;
        }
        // SAFETY: created by Box::into_raw in this module.
        let mut rcb = unsafe { Box::from_raw(self_) };
        for slot in rcb.fields_mut() {
            // SAFETY: each field is NULL or a value this RCB owns.
            unsafe { delete_value(*slot) };
        }
        // SAFETY: objectReference came from malloc.
        unsafe { libc::free(rcb.objectReference.cast()) };
    })
}

/// The RCB reference (borrowed).
///
/// # Safety
/// `self_` is NULL or a live RCB.
#[no_mangle]
pub unsafe extern "C" fn ClientReportControlBlock_getObjectReference(
    self_: ClientReportControlBlock,
) -> *mut c_char {
    // SAFETY: caller's contract.
    unsafe { rcb(self_) }.map_or(null_mut(), |r| r.objectReference)
}

/// Whether the RCB is buffered.
///
/// # Safety
/// `self_` is NULL or a live RCB.
#[no_mangle]
pub unsafe extern "C" fn ClientReportControlBlock_isBuffered(
    self_: ClientReportControlBlock,
) -> bool {
    // SAFETY: caller's contract.
    unsafe { rcb(self_) }.is_some_and(|r| r.isBuffered)
}

/// Reads a field with `get`; `default` for a NULL RCB or unset field.
///
/// # Safety
/// `self_` is NULL or a live RCB.
unsafe fn get<T: Copy>(
    self_: ClientReportControlBlock,
    pick: impl FnOnce(&sClientReportControlBlock) -> *mut MmsValue,
    default: T,
    get: impl FnOnce(&MmsValue) -> T,
) -> T {
    guard(default, || {
        // SAFETY: caller's contract.
        match unsafe { rcb(self_) }.and_then(|r| field(pick(r))) {
            Some(v) => get(v),
            None => default,
        }
    })
}

/// Stores `value` in the field `pick` selects.
///
/// # Safety
/// `self_` is NULL or a live RCB.
unsafe fn set(
    self_: ClientReportControlBlock,
    pick: impl FnOnce(&mut sClientReportControlBlock) -> &mut *mut MmsValue,
    value: MmsValue,
) {
    guard((), || {
        // SAFETY: caller's contract.
        if let Some(r) = unsafe { rcb(self_) } {
            store(pick(r), value);
        }
    })
}

fn text_ptr(v: &MmsValue) -> *const c_char {
    match v {
        MmsValue::VisibleString(s) | MmsValue::MmsString(s) => s.as_ptr(),
        _ => std::ptr::null(),
    }
}

fn boolean(v: &MmsValue) -> bool {
    matches!(v, MmsValue::Boolean(true))
}

fn bits(v: &MmsValue) -> c_int {
    match v {
        MmsValue::BitString(b) => options_from_bits(b) as c_int,
        _ => 0,
    }
}

/// A visible string of a C string argument (empty for NULL).
///
/// # Safety
/// `p` is NULL or a C string.
unsafe fn string_value(p: *const c_char) -> MmsValue {
    // SAFETY: caller's contract.
    MmsValue::visible_string(unsafe { c_str(p) }.map_or(&[][..], |s| s.to_bytes()))
}

/// RptID (borrowed; NULL when unset).
///
/// # Safety
/// `self_` is NULL or a live RCB.
#[no_mangle]
pub unsafe extern "C" fn ClientReportControlBlock_getRptId(
    self_: ClientReportControlBlock,
) -> *const c_char {
    // SAFETY: caller's contract.
    unsafe { get(self_, |r| r.rptId, std::ptr::null(), text_ptr) }
}

/// Sets RptID.
///
/// # Safety
/// `self_` is NULL or a live RCB; `rptId` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn ClientReportControlBlock_setRptId(
    self_: ClientReportControlBlock,
    rptId: *const c_char,
) {
    // SAFETY: caller's contract.
    unsafe { set(self_, |r| &mut r.rptId, string_value(rptId)) }
}

/// RptEna.
///
/// # Safety
/// `self_` is NULL or a live RCB.
#[no_mangle]
pub unsafe extern "C" fn ClientReportControlBlock_getRptEna(
    self_: ClientReportControlBlock,
) -> bool {
    // SAFETY: caller's contract.
    unsafe { get(self_, |r| r.rptEna, false, boolean) }
}

/// Sets RptEna.
///
/// # Safety
/// `self_` is NULL or a live RCB.
#[no_mangle]
pub unsafe extern "C" fn ClientReportControlBlock_setRptEna(
    self_: ClientReportControlBlock,
    rptEna: bool,
) {
    // SAFETY: caller's contract.
    unsafe { set(self_, |r| &mut r.rptEna, MmsValue::Boolean(rptEna)) }
}

/// Resv (URCB).
///
/// # Safety
/// `self_` is NULL or a live RCB.
#[no_mangle]
pub unsafe extern "C" fn ClientReportControlBlock_getResv(self_: ClientReportControlBlock) -> bool {
    // SAFETY: caller's contract.
    unsafe { get(self_, |r| r.resv, false, boolean) }
}

/// Sets Resv.
///
/// # Safety
/// `self_` is NULL or a live RCB.
#[no_mangle]
pub unsafe extern "C" fn ClientReportControlBlock_setResv(
    self_: ClientReportControlBlock,
    resv: bool,
) {
    // SAFETY: caller's contract.
    unsafe { set(self_, |r| &mut r.resv, MmsValue::Boolean(resv)) }
}

/// DatSet (borrowed, MMS form `LD/LN$DS`; NULL when unset).
///
/// # Safety
/// `self_` is NULL or a live RCB.
#[no_mangle]
pub unsafe extern "C" fn ClientReportControlBlock_getDataSetReference(
    self_: ClientReportControlBlock,
) -> *const c_char {
    // SAFETY: caller's contract.
    unsafe { get(self_, |r| r.datSet, std::ptr::null(), text_ptr) }
}

/// Sets DatSet (written as given).
///
/// # Safety
/// `self_` is NULL or a live RCB; `dataSetReference` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn ClientReportControlBlock_setDataSetReference(
    self_: ClientReportControlBlock,
    dataSetReference: *const c_char,
) {
    // SAFETY: caller's contract.
    unsafe { set(self_, |r| &mut r.datSet, string_value(dataSetReference)) }
}

/// ConfRev.
///
/// # Safety
/// `self_` is NULL or a live RCB.
#[no_mangle]
pub unsafe extern "C" fn ClientReportControlBlock_getConfRev(
    self_: ClientReportControlBlock,
) -> u32 {
    // SAFETY: caller's contract.
    unsafe { get(self_, |r| r.confRev, 0, |v| v.to_u32()) }
}

/// OptFlds as `RPT_OPT_*` bits.
///
/// # Safety
/// `self_` is NULL or a live RCB.
#[no_mangle]
pub unsafe extern "C" fn ClientReportControlBlock_getOptFlds(
    self_: ClientReportControlBlock,
) -> c_int {
    // SAFETY: caller's contract.
    unsafe { get(self_, |r| r.optFlds, 0, bits) }
}

/// Sets OptFlds from `RPT_OPT_*` bits.
///
/// # Safety
/// `self_` is NULL or a live RCB.
#[no_mangle]
pub unsafe extern "C" fn ClientReportControlBlock_setOptFlds(
    self_: ClientReportControlBlock,
    optFlds: c_int,
) {
    let value = MmsValue::BitString(options_to_bits(optFlds as u32, OPT_FLDS_BITS));
    // SAFETY: caller's contract.
    unsafe { set(self_, |r| &mut r.optFlds, value) }
}

/// BufTm in ms.
///
/// # Safety
/// `self_` is NULL or a live RCB.
#[no_mangle]
pub unsafe extern "C" fn ClientReportControlBlock_getBufTm(self_: ClientReportControlBlock) -> u32 {
    // SAFETY: caller's contract.
    unsafe { get(self_, |r| r.bufTm, 0, |v| v.to_u32()) }
}

/// Sets BufTm.
///
/// # Safety
/// `self_` is NULL or a live RCB.
#[no_mangle]
pub unsafe extern "C" fn ClientReportControlBlock_setBufTm(
    self_: ClientReportControlBlock,
    bufTm: u32,
) {
    // SAFETY: caller's contract.
    unsafe { set(self_, |r| &mut r.bufTm, MmsValue::Unsigned(bufTm.into())) }
}

/// SqNum.
///
/// # Safety
/// `self_` is NULL or a live RCB.
#[no_mangle]
pub unsafe extern "C" fn ClientReportControlBlock_getSqNum(self_: ClientReportControlBlock) -> u16 {
    // SAFETY: caller's contract.
    unsafe { get(self_, |r| r.sqNum, 0, |v| v.to_u32() as u16) }
}

/// TrgOps as `TRG_OPT_*` bits.
///
/// # Safety
/// `self_` is NULL or a live RCB.
#[no_mangle]
pub unsafe extern "C" fn ClientReportControlBlock_getTrgOps(
    self_: ClientReportControlBlock,
) -> c_int {
    // SAFETY: caller's contract.
    unsafe { get(self_, |r| r.trgOps, 0, bits) }
}

/// Sets TrgOps from `TRG_OPT_*` bits.
///
/// # Safety
/// `self_` is NULL or a live RCB.
#[no_mangle]
pub unsafe extern "C" fn ClientReportControlBlock_setTrgOps(
    self_: ClientReportControlBlock,
    trgOps: c_int,
) {
    let value = MmsValue::BitString(options_to_bits(trgOps as u32, TRG_OPS_BITS));
    // SAFETY: caller's contract.
    unsafe { set(self_, |r| &mut r.trgOps, value) }
}

/// IntgPd in ms.
///
/// # Safety
/// `self_` is NULL or a live RCB.
#[no_mangle]
pub unsafe extern "C" fn ClientReportControlBlock_getIntgPd(
    self_: ClientReportControlBlock,
) -> u32 {
    // SAFETY: caller's contract.
    unsafe { get(self_, |r| r.intgPd, 0, |v| v.to_u32()) }
}

/// Sets IntgPd.
///
/// # Safety
/// `self_` is NULL or a live RCB.
#[no_mangle]
pub unsafe extern "C" fn ClientReportControlBlock_setIntgPd(
    self_: ClientReportControlBlock,
    intgPd: u32,
) {
    // SAFETY: caller's contract.
    unsafe { set(self_, |r| &mut r.intgPd, MmsValue::Unsigned(intgPd.into())) }
}

/// GI.
///
/// # Safety
/// `self_` is NULL or a live RCB.
#[no_mangle]
pub unsafe extern "C" fn ClientReportControlBlock_getGI(self_: ClientReportControlBlock) -> bool {
    // SAFETY: caller's contract.
    unsafe { get(self_, |r| r.gi, false, boolean) }
}

/// Sets GI.
///
/// # Safety
/// `self_` is NULL or a live RCB.
#[no_mangle]
pub unsafe extern "C" fn ClientReportControlBlock_setGI(self_: ClientReportControlBlock, gi: bool) {
    // SAFETY: caller's contract.
    unsafe { set(self_, |r| &mut r.gi, MmsValue::Boolean(gi)) }
}

/// PurgeBuf (BRCB).
///
/// # Safety
/// `self_` is NULL or a live RCB.
#[no_mangle]
pub unsafe extern "C" fn ClientReportControlBlock_getPurgeBuf(
    self_: ClientReportControlBlock,
) -> bool {
    // SAFETY: caller's contract.
    unsafe { get(self_, |r| r.purgeBuf, false, boolean) }
}

/// Sets PurgeBuf.
///
/// # Safety
/// `self_` is NULL or a live RCB.
#[no_mangle]
pub unsafe extern "C" fn ClientReportControlBlock_setPurgeBuf(
    self_: ClientReportControlBlock,
    purgeBuf: bool,
) {
    // SAFETY: caller's contract.
    unsafe { set(self_, |r| &mut r.purgeBuf, MmsValue::Boolean(purgeBuf)) }
}

/// Whether the server has ResvTms for this RCB (it was read).
///
/// # Safety
/// `self_` is NULL or a live RCB.
#[no_mangle]
pub unsafe extern "C" fn ClientReportControlBlock_hasResvTms(
    self_: ClientReportControlBlock,
) -> bool {
    // SAFETY: caller's contract.
    unsafe { get(self_, |r| r.resvTms, false, |_| true) }
}

/// ResvTms in seconds.
///
/// # Safety
/// `self_` is NULL or a live RCB.
#[no_mangle]
pub unsafe extern "C" fn ClientReportControlBlock_getResvTms(
    self_: ClientReportControlBlock,
) -> i16 {
    // SAFETY: caller's contract.
    unsafe { get(self_, |r| r.resvTms, 0, |v| v.to_i32() as i16) }
}

/// Sets ResvTms.
///
/// # Safety
/// `self_` is NULL or a live RCB.
#[no_mangle]
pub unsafe extern "C" fn ClientReportControlBlock_setResvTms(
    self_: ClientReportControlBlock,
    resvTms: i16,
) {
    // SAFETY: caller's contract.
    unsafe { set(self_, |r| &mut r.resvTms, MmsValue::Integer(resvTms.into())) }
}

/// EntryID (borrowed; NULL when unset).
///
/// # Safety
/// `self_` is NULL or a live RCB.
#[no_mangle]
pub unsafe extern "C" fn ClientReportControlBlock_getEntryId(
    self_: ClientReportControlBlock,
) -> *mut MmsValue {
    // SAFETY: caller's contract.
    unsafe { rcb(self_) }.map_or(null_mut(), |r| r.entryId)
}

/// Sets EntryID to a copy of `entryId` (the caller keeps its value).
///
/// # Safety
/// `self_` is NULL or a live RCB; `entryId` is NULL or a live value.
#[no_mangle]
pub unsafe extern "C" fn ClientReportControlBlock_setEntryId(
    self_: ClientReportControlBlock,
    entryId: *mut MmsValue,
) {
    // SAFETY: caller's contract.
    if let Some(v) = unsafe { entryId.as_ref() } {
        // SAFETY: caller's contract.
        unsafe { set(self_, |r| &mut r.entryId, v.clone()) }
    }
}

/// TimeofEntry in ms since 1970 (0 when unset).
///
/// # Safety
/// `self_` is NULL or a live RCB.
#[no_mangle]
pub unsafe extern "C" fn ClientReportControlBlock_getEntryTime(
    self_: ClientReportControlBlock,
) -> u64 {
    // SAFETY: caller's contract.
    unsafe {
        get(
            self_,
            |r| r.timeOfEntry,
            0,
            |v| match v {
                MmsValue::BinaryTime(t) => binary_time::ms(t),
                _ => 0,
            },
        )
    }
}

/// Owner (borrowed; NULL when the server has none).
///
/// # Safety
/// `self_` is NULL or a live RCB.
#[no_mangle]
pub unsafe extern "C" fn ClientReportControlBlock_getOwner(
    self_: ClientReportControlBlock,
) -> *mut MmsValue {
    // SAFETY: caller's contract.
    unsafe { rcb(self_) }.map_or(null_mut(), |r| r.owner)
}

// ---- Reading and writing RCBs ----

/// The value of a one-variable read.
fn read_value(response: ConfirmedServiceResponse) -> Result<MmsValue, ClientError> {
    match response {
        ConfirmedServiceResponse::Read(mut results) if results.len() == 1 => results
            .pop()
            .map(|r| r.unwrap_or_else(MmsValue::DataAccessError))
            .ok_or(ClientError::MalformedMessage),
        _ => Err(ClientError::MalformedMessage),
    }
}

/// Fills `update` (or a new RCB for `reference`) with a read RCB structure.
///
/// # Safety
/// `update` is NULL or a live RCB nobody else uses meanwhile.
unsafe fn fill_rcb(
    update: ClientReportControlBlock,
    reference: &[u8],
    value: MmsValue,
) -> Result<ClientReportControlBlock, ClientError> {
    let (target, fresh) = if update.is_null() {
        (
            Box::into_raw(Box::new(sClientReportControlBlock::new(reference))),
            true,
        )
    } else {
        (update, false)
    };
    // SAFETY: `target` is live: the caller's or the one just made.
    let result = unsafe { &mut *target }.fill(value);
    match result {
        Ok(()) => Ok(target),
        Err(e) => {
            if fresh {
                // SAFETY: made above and not handed out.
                unsafe { ClientReportControlBlock_destroy(target) };
            }
            Err(e)
        }
    }
}

/// Reads all attributes of an RCB into `updateRcb` (refreshed in place) or into a new RCB
/// (freed with `ClientReportControlBlock_destroy`); on error `updateRcb` (NULL when none). A reference without `/` gives
/// NULL and leaves `error` untouched, as the reference.
///
/// # Safety
/// `self_` is NULL or a live handle; `error` is NULL or writable; `rcbReference` is NULL or a
/// C string; `updateRcb` is NULL or a live RCB.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_getRCBValues(
    self_: IedConnection,
    error: *mut IedClientError,
    rcbReference: *const c_char,
    updateRcb: ClientReportControlBlock,
) -> ClientReportControlBlock {
    let outcome = guard(Some((IED_ERROR_UNKNOWN, null_mut())), || {
        // SAFETY: caller's contract.
        let reference = unsafe { c_str(rcbReference) }?.to_bytes();
        let var = rcb_variable(&String::from_utf8_lossy(reference))?;
        // SAFETY: caller's contract.
        let result = unsafe { connected(self_) }
            .and_then(|conn| {
                conn.service(
                    |id, buf| {
                        read::encode_read_request(id, std::slice::from_ref(&var), buf);
                        Ok(())
                    },
                    read_value,
                )
            })
            // SAFETY: caller's contract.
            .and_then(|value| unsafe { fill_rcb(updateRcb, reference, value) });
        // As the reference, a failed refresh still returns the caller's RCB.
        Some(match result {
            Ok(r) => (IED_ERROR_OK, r),
            Err(e) => (e as IedClientError, updateRcb),
        })
    });
    match outcome {
        Some((code, result)) => {
            // SAFETY: caller's contract.
            unsafe { set_error(error, code) };
            result
        }
        None => null_mut(),
    }
}

/// Asynchronous `getRCBValues`: `handler` gets `updateRcb` refreshed or a new RCB.
///
/// # Safety
/// As for `IedConnection_getRCBValues`; `updateRcb` is left to the library until the handler
/// ran; `handler` stays callable with `parameter` until it ran.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_getRCBValuesAsync(
    self_: IedConnection,
    error: *mut IedClientError,
    rcbReference: *const c_char,
    updateRcb: ClientReportControlBlock,
    handler: IedConnection_GetRCBValuesHandler,
    parameter: *mut c_void,
) -> u32 {
    let (parameter, update) = (parameter as usize, updateRcb as usize);
    // SAFETY: caller's contract.
    unsafe {
        start_async(self_, error, handler, |conn, function| {
            let reference = c_str(rcbReference)
                .ok_or(ClientError::ObjectReferenceInvalid)?
                .to_bytes()
                .to_vec();
            let var = rcb_variable(&String::from_utf8_lossy(&reference))
                .ok_or(ClientError::ObjectReferenceInvalid)?;
            conn.service_async(
                |id, buf| {
                    read::encode_read_request(id, std::slice::from_ref(&var), buf);
                    Ok(())
                },
                read_value,
                move |id, result| {
                    let update = update as ClientReportControlBlock;
                    // SAFETY: the caller left `updateRcb` to us until the handler runs.
                    let (code, rcb) = match result.and_then(|v| fill_rcb(update, &reference, v)) {
                        Ok(r) => (IED_ERROR_OK, r),
                        Err(e) => (e as IedClientError, update),
                    };
                    // SAFETY: the application keeps the handler valid until it ran.
                    function(id, parameter as *mut c_void, code, rcb)
                },
            )
        })
    }
}

/// The writes `setRCBValues` makes: variables and values in the reference's order.
///
/// # Safety
/// `self_` is NULL or a live RCB.
unsafe fn planned_writes(
    self_: ClientReportControlBlock,
    mask: u32,
) -> Result<(Vec<VariableRef>, Vec<MmsValue>), ClientError> {
    // SAFETY: caller's contract.
    let r = unsafe { rcb(self_) }.ok_or(ClientError::InvalidArgument)?;
    let base = rcb_variable(&r.reference()).ok_or(ClientError::ObjectReferenceInvalid)?;
    let enable = field(r.rptEna).is_some_and(boolean);
    let order =
        report::write_order(mask, r.isBuffered, enable).ok_or(ClientError::InvalidArgument)?;
    let mut vars = Vec::new();
    let mut values = Vec::new();
    for element in order {
        // An unset attribute cannot be written (the reference crashes here).
        let value = field(r.element(element)).ok_or(ClientError::InvalidArgument)?;
        vars.push(element_variable(&base, element));
        values.push(value.clone());
    }
    Ok((vars, values))
}

/// The first failure of a Write response.
fn write_outcome(response: ConfirmedServiceResponse) -> Result<(), ClientError> {
    match response {
        ConfirmedServiceResponse::Write(results) => results
            .into_iter()
            .try_for_each(|r| r.map_err(ClientError::from_write_access_error)),
        _ => Err(ClientError::MalformedMessage),
    }
}

/// Writes `vars` in one request.
fn encode_writes<'a>(
    vars: &'a [VariableRef],
    values: &'a [MmsValue],
) -> impl FnOnce(u32, &mut Vec<u8>) -> Result<(), RequestError> + 'a {
    move |id, buf| {
        let refs: Vec<&MmsValue> = values.iter().collect();
        write::encode_write_request(id, vars, &refs, buf).map_err(|_| RequestError::InvalidValue)
    }
}

/// Writes the attributes selected by `parametersMask` (`RCB_ELEMENT_*`): one write per
/// attribute stopping at the first failure, or all in one request with `singleRequest`.
///
/// # Safety
/// `self_` is NULL or a live handle; `error` is NULL or writable; `rcb` is NULL or a live RCB.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_setRCBValues(
    self_: IedConnection,
    error: *mut IedClientError,
    rcb: ClientReportControlBlock,
    parametersMask: u32,
    singleRequest: bool,
) {
    let code = guard(IED_ERROR_UNKNOWN, || {
        // SAFETY: caller's contract.
        code_of(
            &unsafe { planned_writes(rcb, parametersMask) }.and_then(|(vars, values)| {
                if vars.is_empty() && !singleRequest {
                    return Ok(());
                }
                // SAFETY: caller's contract.
                let conn = unsafe { connected(self_) }?;
                if singleRequest {
                    return conn.service(encode_writes(&vars, &values), write_outcome);
                }
                vars.iter()
                    .zip(&values)
                    .try_for_each(|(var, value)| conn.write(var, value))
            }),
        )
    });
    // SAFETY: caller's contract.
    unsafe { set_error(error, code) };
}

/// The completion of an asynchronous `setRCBValues`, called once by whichever write ends it.
type Done = Arc<Mutex<Option<Box<dyn FnOnce(u32, Result<(), ClientError>) + Send>>>>;

fn finish(done: &Done, id: u32, result: Result<(), ClientError>) {
    let taken = done.lock().take();
    if let Some(f) = taken {
        f(id, result);
    }
}

/// Sends the remaining writes one after the other (stopping at the first failure), then
/// completes `done` with the first request's invoke ID.
fn write_chain(
    handle: usize,
    mut writes: std::vec::IntoIter<(VariableRef, MmsValue)>,
    done: Done,
    first_id: Option<u32>,
) -> Result<u32, ClientError> {
    let Some((var, value)) = writes.next() else {
        return Ok(first_id.unwrap_or(0));
    };
    // SAFETY: the application keeps the connection alive until the handler ran.
    let conn = unsafe { connection(handle as IedConnection) }.ok_or(ClientError::ConnectionLost)?;
    conn.write_async(&var, &value, move |id, result| {
        let first = first_id.unwrap_or(id);
        match result {
            Ok(()) if writes.len() > 0 => {
                if let Err(e) = write_chain(handle, writes, done.clone(), Some(first)) {
                    finish(&done, first, Err(e));
                }
            }
            other => finish(&done, first, other),
        }
    })
}

/// Asynchronous `setRCBValues`: `handler` gets the first failure, or OK after the last write.
/// Returns the invoke ID of the first request.
///
/// # Safety
/// As for `IedConnection_setRCBValues`; `handler` stays callable with `parameter` until it ran.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_setRCBValuesAsync(
    self_: IedConnection,
    error: *mut IedClientError,
    rcb: ClientReportControlBlock,
    parametersMask: u32,
    singleRequest: bool,
    handler: IedConnection_GenericServiceHandler,
    parameter: *mut c_void,
) -> u32 {
    let handle = self_ as usize;
    // SAFETY: caller's contract.
    unsafe {
        start_async(self_, error, handler, |conn, function| {
            let (vars, values) = planned_writes(rcb, parametersMask)?;
            let finish = generic_reply(function, parameter);
            if singleRequest {
                return conn.service_async(encode_writes(&vars, &values), write_outcome, finish);
            }
            if vars.is_empty() {
                return Err(ClientError::InvalidArgument);
            }
            let writes: Vec<_> = vars.into_iter().zip(values).collect();
            let done: Done = Arc::new(Mutex::new(Some(Box::new(finish))));
            write_chain(handle, writes.into_iter(), done, None)
        })
    }
}

/// Starts a general interrogation: writes GI = true to the RCB.
///
/// # Safety
/// `self_` is NULL or a live handle; `error` is NULL or writable; `rcbReference` is NULL or a
/// C string.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_triggerGIReport(
    self_: IedConnection,
    error: *mut IedClientError,
    rcbReference: *const c_char,
) {
    let code = guard(IED_ERROR_UNKNOWN, || {
        // SAFETY: caller's contract.
        code_of(&unsafe { connected(self_) }.and_then(|conn| {
            // SAFETY: caller's contract.
            let reference = unsafe { text(rcbReference, ClientError::ObjectReferenceInvalid) }?;
            let base = rcb_variable(reference).ok_or(ClientError::ObjectReferenceInvalid)?;
            conn.write(
                &element_variable(&base, RcbElement::Gi),
                &MmsValue::Boolean(true),
            )
        }))
    });
    // SAFETY: caller's contract.
    unsafe { set_error(error, code) };
}

// ---- Report handlers ----

/// The object behind a [`ClientReport`] handle: the latest report of one handler. Members and
/// header fields a report leaves out keep their previous values, as in the reference.
pub struct sClientReport {
    rcb_reference: CString,
    rpt_id: Option<CString>,
    /// An array with one element per data set member (NULL until first included).
    values: Option<Box<MmsValue>>,
    reasons: Vec<c_int>,
    references: Vec<Option<CString>>,
    data_set: Option<CString>,
    entry_id: Option<Box<MmsValue>>,
    has_data_set: bool,
    has_seq_num: bool,
    seq_num: u16,
    has_timestamp: bool,
    timestamp: u64,
    has_conf_rev: bool,
    conf_rev: u32,
    has_buf_ovfl: bool,
    buf_ovfl: bool,
    has_sub_seq_num: bool,
    sub_seq_num: u16,
    more_segments: bool,
    has_reasons: bool,
    has_references: bool,
}

impl sClientReport {
    fn new(rcb_reference: &str, rpt_id: Option<&str>) -> Self {
        sClientReport {
            rcb_reference: c_string_lossy(rcb_reference.as_bytes()),
            rpt_id: rpt_id.map(|s| c_string_lossy(s.as_bytes())),
            values: None,
            reasons: Vec::new(),
            references: Vec::new(),
            data_set: None,
            entry_id: None,
            has_data_set: false,
            has_seq_num: false,
            seq_num: 0,
            has_timestamp: false,
            timestamp: 0,
            has_conf_rev: false,
            conf_rev: 0,
            has_buf_ovfl: false,
            buf_ovfl: false,
            has_sub_seq_num: false,
            sub_seq_num: 0,
            more_segments: false,
            has_reasons: false,
            has_references: false,
        }
    }

    /// Takes in a newly received report.
    fn apply(&mut self, report: Report) {
        fn keep<T>(has: &mut bool, slot: &mut T, value: Option<T>) {
            *has = value.is_some();
            if let Some(v) = value {
                *slot = v;
            }
        }
        keep(&mut self.has_seq_num, &mut self.seq_num, report.seq_num);
        keep(
            &mut self.has_timestamp,
            &mut self.timestamp,
            report.timestamp,
        );
        keep(&mut self.has_conf_rev, &mut self.conf_rev, report.conf_rev);
        keep(&mut self.has_buf_ovfl, &mut self.buf_ovfl, report.buf_ovfl);
        self.has_sub_seq_num = report.segment.is_some();
        if let Some((sub, more)) = report.segment {
            self.sub_seq_num = sub;
            self.more_segments = more;
        } else {
            self.more_segments = false;
        }
        self.has_data_set = report.data_set.is_some();
        if let Some(ds) = report.data_set {
            self.data_set = Some(c_string_lossy(ds.as_bytes()));
        }
        if let Some(entry) = report.entry_id {
            match self.entry_id.as_mut() {
                Some(old) => **old = entry,
                None => self.entry_id = Some(Box::new(entry)),
            }
        }
        self.has_reasons = report.has_reasons;
        self.has_references = report.has_data_references;
        let members = report.members;
        let fits = matches!(self.values.as_deref(), Some(MmsValue::Array(e)) if e.len() == members);
        if !fits {
            self.values = Some(Box::new(MmsValue::Array(vec![None; members].into())));
        }
        self.reasons = vec![0; members];
        // References stay as earlier reports of the RCB delivered them (as the reference
        // keeps them); only a data set of another size starts afresh.
        if self.references.len() != members {
            self.references = vec![None; members];
        }
        let Some(MmsValue::Array(elements)) = self.values.as_deref_mut() else {
            return;
        };
        for entry in report.entries {
            let Some(slot) = elements.get_mut(entry.index) else {
                continue;
            };
            match slot {
                Some(old) => {
                    if !old.update(&entry.value) {
                        **old = entry.value;
                    }
                }
                None => *slot = Some(Node::new(entry.value)),
            }
            if let Some(r) = self.reasons.get_mut(entry.index) {
                *r = entry.reason;
            }
            if let (Some(r), Some(reference)) =
                (self.references.get_mut(entry.index), entry.reference)
            {
                *r = Some(c_string_lossy(reference.as_bytes()));
            }
        }
    }
}

/// One installed report handler.
struct Handler {
    rcb_reference: String,
    rpt_id: Option<String>,
    function: unsafe extern "C" fn(*mut c_void, ClientReport),
    parameter: usize,
    /// Held while the handler runs, so that an uninstall waits for a running delivery.
    report: Mutex<Box<sClientReport>>,
    removed: AtomicBool,
    /// The thread running the handler now, so that a handler may uninstall itself.
    deliverer: Mutex<Option<ThreadId>>,
}

impl Handler {
    /// Marks the handler removed and waits until no delivery to it is running (except when
    /// called from the handler itself, which returns to a delivery that calls nothing more).
    fn retire(&self) {
        self.removed.store(true, Ordering::SeqCst);
        let current = std::thread::current().id();
        if *self.deliverer.lock() != Some(current) {
            drop(self.report.lock());
        }
    }
}

/// The report handlers of one connection.
#[derive(Default)]
struct ReportTable {
    handlers: Mutex<Vec<Arc<Handler>>>,
}

impl ReportTable {
    /// Delivers a report to the handler it belongs to; reports without one are dropped.
    fn deliver(&self, information: &InformationReport) {
        let Ok(report) = decode_report(information) else {
            return;
        };
        let handler = self
            .handlers
            .lock()
            .iter()
            .find(|h| handler_matches(&h.rcb_reference, h.rpt_id.as_deref(), &report.rpt_id))
            .cloned();
        let Some(h) = handler else {
            return;
        };
        let mut state = h.report.lock();
        if h.removed.load(Ordering::SeqCst) {
            return;
        }
        state.apply(report);
        *h.deliverer.lock() = Some(std::thread::current().id());
        let ptr: ClientReport = &mut **state;
        // SAFETY: the application keeps the handler callable until it is uninstalled.
        guard((), || unsafe {
            (h.function)(h.parameter as *mut c_void, ptr)
        });
        *h.deliverer.lock() = None;
    }

    /// Removes the handler of `rcb_reference`, waiting for a running delivery to it.
    fn remove(&self, rcb_reference: &str) {
        let removed: Vec<Arc<Handler>> = {
            let mut handlers = self.handlers.lock();
            let (gone, kept) = handlers
                .drain(..)
                .partition(|h| h.rcb_reference == rcb_reference);
            *handlers = kept;
            gone
        };
        removed.iter().for_each(|h| h.retire());
    }
}

/// Report tables by connection handle; a table lives as long as its connection's listener.
static TABLES: Mutex<Vec<(usize, Weak<ReportTable>)>> = Mutex::new(Vec::new());

/// The report table of a connection, registering its report listener on first use.
fn table(handle: IedConnection, conn: &Connection) -> Arc<ReportTable> {
    let mut tables = TABLES.lock();
    tables.retain(|(_, t)| t.strong_count() > 0);
    if let Some(t) = tables
        .iter()
        .find(|(h, _)| *h == handle as usize)
        .and_then(|(_, t)| t.upgrade())
    {
        return t;
    }
    let t = Arc::new(ReportTable::default());
    let listener = t.clone();
    conn.add_report_listener(Arc::new(move |r| listener.deliver(r)));
    tables.push((handle as usize, Arc::downgrade(&t)));
    t
}

/// Installs `handler` for the reports of `rcbReference` (matched by `rptId` when given,
/// otherwise by the RCB reference a server sends for an empty RptID); replaces an earlier
/// handler for the same RCB.
///
/// # Safety
/// `self_` is NULL or a live handle; the strings are NULL or C strings; `handler` stays callable
/// with `handlerParameter` until it is uninstalled or the connection destroyed.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_installReportHandler(
    self_: IedConnection,
    rcbReference: *const c_char,
    rptId: *const c_char,
    handler: ReportCallbackFunction,
    handlerParameter: *mut c_void,
) {
    guard((), || {
        // SAFETY: caller's contract.
        let (Some(conn), Some(function), Ok(reference)) =
            (unsafe { connection(self_) }, handler, unsafe {
                text(rcbReference, ClientError::InvalidArgument)
            })
        else {
            return;
        };
        // SAFETY: caller's contract.
        let rpt_id = unsafe { c_str(rptId) }.map(|s| s.to_string_lossy().into_owned());
        let table = table(self_, conn);
        table.remove(reference);
        table.handlers.lock().push(Arc::new(Handler {
            rcb_reference: reference.to_owned(),
            report: Mutex::new(Box::new(sClientReport::new(reference, rpt_id.as_deref()))),
            rpt_id,
            function,
            parameter: handlerParameter as usize,
            removed: AtomicBool::new(false),
            deliverer: Mutex::new(None),
        }));
    })
}

/// Removes the handler of `rcbReference`; when this returns, the handler is not running (unless
/// it is the caller) and is never called again.
///
/// # Safety
/// `self_` is NULL or a live handle; `rcbReference` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_uninstallReportHandler(
    self_: IedConnection,
    rcbReference: *const c_char,
) {
    guard((), || {
        // SAFETY: caller's contract.
        let (Some(conn), Ok(reference)) = (unsafe { connection(self_) }, unsafe {
            text(rcbReference, ClientError::InvalidArgument)
        }) else {
            return;
        };
        table(self_, conn).remove(reference);
    })
}

// ---- ClientReport accessors ----

/// Borrows a report handle.
///
/// # Safety
/// `p` is NULL or the report passed to a running report handler.
unsafe fn client_report<'a>(p: ClientReport) -> Option<&'a sClientReport> {
    // SAFETY: caller's contract.
    unsafe { p.as_ref() }
}

/// Reads a report field; `default` for NULL.
///
/// # Safety
/// `p` is NULL or a live report.
unsafe fn with_report<T: Copy>(
    p: ClientReport,
    default: T,
    f: impl FnOnce(&sClientReport) -> T,
) -> T {
    // SAFETY: caller's contract.
    guard(default, || unsafe { client_report(p) }.map_or(default, f))
}

/// The RCB reference the handler was installed for (borrowed).
///
/// # Safety
/// `self_` is NULL or the report passed to a running handler.
#[no_mangle]
pub unsafe extern "C" fn ClientReport_getRcbReference(self_: ClientReport) -> *mut c_char {
    // SAFETY: caller's contract.
    unsafe { with_report(self_, null_mut(), |r| r.rcb_reference.as_ptr().cast_mut()) }
}

/// The RptID the handler was installed with (borrowed; NULL when it was installed without).
///
/// # Safety
/// `self_` is NULL or the report passed to a running handler.
#[no_mangle]
pub unsafe extern "C" fn ClientReport_getRptId(self_: ClientReport) -> *mut c_char {
    // SAFETY: caller's contract.
    unsafe {
        with_report(self_, null_mut(), |r| {
            r.rpt_id
                .as_ref()
                .map_or(null_mut(), |s| s.as_ptr().cast_mut())
        })
    }
}

/// The data set values (an array owned by the report, updated in place by later reports).
///
/// # Safety
/// `self_` is NULL or the report passed to a running handler.
#[no_mangle]
pub unsafe extern "C" fn ClientReport_getDataSetValues(self_: ClientReport) -> *mut MmsValue {
    // SAFETY: caller's contract.
    unsafe {
        with_report(self_, null_mut(), |r| {
            r.values
                .as_deref()
                .map_or(null_mut(), |v| (v as *const MmsValue).cast_mut())
        })
    }
}

/// Reason for inclusion of member `elementIndex` (`IEC61850_REASON_*`; 0 out of range).
///
/// # Safety
/// `self_` is NULL or the report passed to a running handler.
#[no_mangle]
pub unsafe extern "C" fn ClientReport_getReasonForInclusion(
    self_: ClientReport,
    elementIndex: c_int,
) -> ReasonForInclusion {
    // SAFETY: caller's contract.
    unsafe {
        with_report(self_, 0, |r| {
            usize::try_from(elementIndex)
                .ok()
                .and_then(|i| r.reasons.get(i).copied())
                .unwrap_or(0)
        })
    }
}

/// EntryID of a buffered report (borrowed; NULL until one arrived).
///
/// # Safety
/// `self_` is NULL or the report passed to a running handler.
#[no_mangle]
pub unsafe extern "C" fn ClientReport_getEntryId(self_: ClientReport) -> *mut MmsValue {
    // SAFETY: caller's contract.
    unsafe {
        with_report(self_, null_mut(), |r| {
            r.entry_id
                .as_deref()
                .map_or(null_mut(), |v| (v as *const MmsValue).cast_mut())
        })
    }
}

/// Whether the last report had a time stamp.
///
/// # Safety
/// `self_` is NULL or the report passed to a running handler.
#[no_mangle]
pub unsafe extern "C" fn ClientReport_hasTimestamp(self_: ClientReport) -> bool {
    // SAFETY: caller's contract.
    unsafe { with_report(self_, false, |r| r.has_timestamp) }
}

/// TimeOfEntry of the report in ms since 1970.
///
/// # Safety
/// `self_` is NULL or the report passed to a running handler.
#[no_mangle]
pub unsafe extern "C" fn ClientReport_getTimestamp(self_: ClientReport) -> u64 {
    // SAFETY: caller's contract.
    unsafe { with_report(self_, 0, |r| r.timestamp) }
}

/// Whether the last report had a sequence number.
///
/// # Safety
/// `self_` is NULL or the report passed to a running handler.
#[no_mangle]
pub unsafe extern "C" fn ClientReport_hasSeqNum(self_: ClientReport) -> bool {
    // SAFETY: caller's contract.
    unsafe { with_report(self_, false, |r| r.has_seq_num) }
}

/// SqNum.
///
/// # Safety
/// `self_` is NULL or the report passed to a running handler.
#[no_mangle]
pub unsafe extern "C" fn ClientReport_getSeqNum(self_: ClientReport) -> u16 {
    // SAFETY: caller's contract.
    unsafe { with_report(self_, 0, |r| r.seq_num) }
}

/// Whether the last report had the data set name.
///
/// # Safety
/// `self_` is NULL or the report passed to a running handler.
#[no_mangle]
pub unsafe extern "C" fn ClientReport_hasDataSetName(self_: ClientReport) -> bool {
    // SAFETY: caller's contract.
    unsafe { with_report(self_, false, |r| r.has_data_set) }
}

/// Whether the last report had reasons for inclusion.
///
/// # Safety
/// `self_` is NULL or the report passed to a running handler.
#[no_mangle]
pub unsafe extern "C" fn ClientReport_hasReasonForInclusion(self_: ClientReport) -> bool {
    // SAFETY: caller's contract.
    unsafe { with_report(self_, false, |r| r.has_reasons) }
}

/// Whether the last report had the configuration revision.
///
/// # Safety
/// `self_` is NULL or the report passed to a running handler.
#[no_mangle]
pub unsafe extern "C" fn ClientReport_hasConfRev(self_: ClientReport) -> bool {
    // SAFETY: caller's contract.
    unsafe { with_report(self_, false, |r| r.has_conf_rev) }
}

/// ConfRev.
///
/// # Safety
/// `self_` is NULL or the report passed to a running handler.
#[no_mangle]
pub unsafe extern "C" fn ClientReport_getConfRev(self_: ClientReport) -> u32 {
    // SAFETY: caller's contract.
    unsafe { with_report(self_, 0, |r| r.conf_rev) }
}

/// Whether the last report had the buffer-overflow flag.
///
/// # Safety
/// `self_` is NULL or the report passed to a running handler.
#[no_mangle]
pub unsafe extern "C" fn ClientReport_hasBufOvfl(self_: ClientReport) -> bool {
    // SAFETY: caller's contract.
    unsafe { with_report(self_, false, |r| r.has_buf_ovfl) }
}

/// BufOvfl.
///
/// # Safety
/// `self_` is NULL or the report passed to a running handler.
#[no_mangle]
pub unsafe extern "C" fn ClientReport_getBufOvfl(self_: ClientReport) -> bool {
    // SAFETY: caller's contract.
    unsafe { with_report(self_, false, |r| r.buf_ovfl) }
}

/// Whether the last report had data references.
///
/// # Safety
/// `self_` is NULL or the report passed to a running handler.
#[no_mangle]
pub unsafe extern "C" fn ClientReport_hasDataReference(self_: ClientReport) -> bool {
    // SAFETY: caller's contract.
    unsafe { with_report(self_, false, |r| r.has_references) }
}

/// Whether the last report was a segment (SubSeqNum and MoreSegmentsFollow).
///
/// # Safety
/// `self_` is NULL or the report passed to a running handler.
#[no_mangle]
pub unsafe extern "C" fn ClientReport_hasSubSeqNum(self_: ClientReport) -> bool {
    // SAFETY: caller's contract.
    unsafe { with_report(self_, false, |r| r.has_sub_seq_num) }
}

/// SubSeqNum.
///
/// # Safety
/// `self_` is NULL or the report passed to a running handler.
#[no_mangle]
pub unsafe extern "C" fn ClientReport_getSubSeqNum(self_: ClientReport) -> u16 {
    // SAFETY: caller's contract.
    unsafe { with_report(self_, 0, |r| r.sub_seq_num) }
}

/// MoreSegmentsFollow (the header's spelling).
///
/// # Safety
/// `self_` is NULL or the report passed to a running handler.
#[no_mangle]
pub unsafe extern "C" fn ClientReport_getMoreSeqmentsFollow(self_: ClientReport) -> bool {
    // SAFETY: caller's contract.
    unsafe { with_report(self_, false, |r| r.more_segments) }
}

/// The data set name (borrowed, MMS form; NULL until a report carried it).
///
/// # Safety
/// `self_` is NULL or the report passed to a running handler.
#[no_mangle]
pub unsafe extern "C" fn ClientReport_getDataSetName(self_: ClientReport) -> *const c_char {
    // SAFETY: caller's contract.
    unsafe {
        with_report(self_, std::ptr::null(), |r| {
            r.data_set.as_ref().map_or(std::ptr::null(), |s| s.as_ptr())
        })
    }
}

/// Data reference of member `elementIndex` (borrowed; NULL when not sent or out of range).
///
/// # Safety
/// `self_` is NULL or the report passed to a running handler.
#[no_mangle]
pub unsafe extern "C" fn ClientReport_getDataReference(
    self_: ClientReport,
    elementIndex: c_int,
) -> *const c_char {
    // SAFETY: caller's contract.
    unsafe {
        with_report(self_, std::ptr::null(), |r| {
            usize::try_from(elementIndex)
                .ok()
                .and_then(|i| r.references.get(i))
                .and_then(|s| s.as_ref())
                .map_or(std::ptr::null(), |s| s.as_ptr())
        })
    }
}

/// Text of a reason code (static).
#[no_mangle]
pub extern "C" fn ReasonForInclusion_getValueAsString(
    reasonCode: ReasonForInclusion,
) -> *mut c_char {
    static TEXTS: [&CStr; 7] = [
        c"not-included",
        c"data-change",
        c"quality-change",
        c"data-update",
        c"integrity",
        c"GI",
        c"unknown",
    ];
    let text = report::reason_text(reasonCode);
    TEXTS
        .iter()
        .find(|t| t.to_bytes() == text.as_bytes())
        .map_or(null_mut(), |t| t.as_ptr().cast_mut())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::mem::{offset_of, size_of};

    #[test]
    fn rcb_layout_matches_the_reference() {
        // layouts.tsv: struct sClientReportControlBlock, 144 bytes.
        assert_eq!(size_of::<sClientReportControlBlock>(), 144);
        assert_eq!(offset_of!(sClientReportControlBlock, isBuffered), 8);
        assert_eq!(offset_of!(sClientReportControlBlock, rptId), 16);
        assert_eq!(offset_of!(sClientReportControlBlock, gi), 96);
        assert_eq!(offset_of!(sClientReportControlBlock, owner), 136);
    }

    #[test]
    fn buffered_is_read_from_the_reference() {
        // Observed on the reference's ClientReportControlBlock_create.
        assert!(buffered_reference(b"LD/LN.BR.x"));
        assert!(buffered_reference(b"LD/LN$BR$x"));
        assert!(buffered_reference(b"LD/LN.BRx.a"));
        assert!(!buffered_reference(b"LD/LN.xBR.a"));
        assert!(!buffered_reference(b"LD/BR.RP.a"));
    }
}
