//! GOOSE control blocks of `iec61850_client.h`: the `ClientGooseControlBlock_*` object and
//! `IedConnection_getGoCBValues` / `setGoCBValues` (+ async).

use super::*;
use crate::ffi::iec61850_common::PhyComAddress;
use crate::iec61850::gocb;
use crate::mms::value::{Node, OctetString};
use std::ptr::null_mut;

/// Members of the DstAddress structure: Addr, PRIORITY, VID, APPID.
const DST_ADDR: usize = 0;
const DST_PRIORITY: usize = 1;
const DST_VID: usize = 2;
const DST_APPID: usize = 3;

/// Borrows a GoCB handle.
///
/// # Safety
/// `p` is NULL or a live GoCB that nobody else mutates meanwhile.
unsafe fn gocb<'a>(p: ClientGooseControlBlock) -> Option<&'a mut sClientGooseControlBlock> {
    // SAFETY: caller's contract.
    unsafe { p.as_mut() }
}

/// Borrows a field's value.
fn value<'a>(p: *mut MmsValue) -> Option<&'a MmsValue> {
    // SAFETY: fields are NULL or owned live values of a GoCB the caller borrows.
    unsafe { p.as_ref() }
}

/// A field's value as an integer (0 when unset or of another type).
fn unsigned(p: *mut MmsValue) -> u64 {
    match value(p) {
        Some(MmsValue::Unsigned(v)) => *v,
        Some(MmsValue::Integer(v)) => u64::try_from(*v).unwrap_or(0),
        _ => 0,
    }
}

/// A field's value as a boolean (false when unset or of another type).
fn boolean(p: *mut MmsValue) -> bool {
    matches!(value(p), Some(MmsValue::Boolean(true)))
}

/// A visible string field as a C string (NULL when unset).
fn string(p: *mut MmsValue) -> *const c_char {
    match value(p) {
        Some(MmsValue::VisibleString(s) | MmsValue::MmsString(s)) => s.as_ptr(),
        _ => std::ptr::null(),
    }
}

/// Stores `new` in a field: in place when possible, so that pointers a caller holds stay valid.
fn store(slot: &mut *mut MmsValue, new: MmsValue) {
    // SAFETY: a non-NULL field is an owned, live value of this GoCB.
    match unsafe { slot.as_mut() } {
        Some(old) => {
            if !old.update(&new) {
                *old = new;
            }
        }
        None => *slot = new_value(new),
    }
}

impl sClientGooseControlBlock {
    /// A GoCB with every attribute unset.
    fn new(reference: &[u8]) -> Self {
        sClientGooseControlBlock {
            objectReference: malloc_c_string(reference),
            goEna: null_mut(),
            goID: null_mut(),
            datSet: null_mut(),
            confRev: null_mut(),
            ndsCom: null_mut(),
            dstAddress: null_mut(),
            minTime: null_mut(),
            maxTime: null_mut(),
            fixedOffs: null_mut(),
        }
    }

    /// The value fields in [`gocb::READ_ORDER`].
    fn fields_mut(&mut self) -> [&mut *mut MmsValue; 9] {
        [
            &mut self.goEna,
            &mut self.goID,
            &mut self.datSet,
            &mut self.confRev,
            &mut self.ndsCom,
            &mut self.dstAddress,
            &mut self.minTime,
            &mut self.maxTime,
            &mut self.fixedOffs,
        ]
    }

    /// The field of an attribute name of [`gocb::READ_ORDER`].
    fn field(&mut self, name: &str) -> Option<*mut MmsValue> {
        let index = gocb::READ_ORDER.iter().position(|n| *n == name)?;
        self.fields_mut().get(index).map(|f| **f)
    }

    /// The reference as text.
    fn reference(&self) -> String {
        // SAFETY: objectReference is the C string this GoCB owns.
        unsafe { c_str(self.objectReference) }
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    }

    /// Takes the attribute values of a read GoCB.
    fn fill(&mut self, values: [Option<MmsValue>; 9]) {
        for (slot, v) in self.fields_mut().into_iter().zip(values) {
            if let Some(v) = v {
                store(slot, v);
            }
        }
    }

    /// The DstAddress structure, created (all zero) when unset.
    fn dst_address(&mut self) -> &mut [Option<Node>] {
        if !matches!(value(self.dstAddress), Some(MmsValue::Structure(m)) if m.len() == 4) {
            store(
                &mut self.dstAddress,
                phy_com_address_value(&PhyComAddress::default()),
            );
        }
        // SAFETY: just ensured to be a live structure owned by this GoCB.
        match unsafe { &mut *self.dstAddress } {
            MmsValue::Structure(members) => members,
            _ => unreachable!("DstAddress was just made a structure"),
        }
    }

    /// A DstAddress member (None when unset or malformed).
    fn dst_member(&self, index: usize) -> Option<&MmsValue> {
        match value(self.dstAddress) {
            Some(MmsValue::Structure(m)) => m.get(index).and_then(|b| b.as_deref()),
            _ => None,
        }
    }

    /// An unsigned DstAddress member (0 when unset or of another type).
    fn dst_unsigned(&self, index: usize) -> u64 {
        match self.dst_member(index) {
            Some(MmsValue::Unsigned(v)) => *v,
            _ => 0,
        }
    }

    /// Sets an unsigned DstAddress member.
    fn set_dst_unsigned(&mut self, index: usize, v: u64) {
        if let Some(slot) = self.dst_address().get_mut(index) {
            *slot = Some(Node::new(MmsValue::Unsigned(v)));
        }
    }
}

/// The DstAddress structure of a `PhyComAddress`.
fn phy_com_address_value(a: &PhyComAddress) -> MmsValue {
    MmsValue::structure(vec![
        MmsValue::OctetString(OctetString {
            data: a.dstAddress.to_vec().into(),
            max_size: 6,
        }),
        MmsValue::Unsigned(u64::from(a.vlanPriority)),
        MmsValue::Unsigned(u64::from(a.vlanId)),
        MmsValue::Unsigned(u64::from(a.appId)),
    ])
}

/// Creates a GoCB object for `goCBReference` (`LD/LN.name`); NULL for a NULL reference.
///
/// # Safety
/// `dataAttributeReference` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn ClientGooseControlBlock_create(
    dataAttributeReference: *const c_char,
) -> ClientGooseControlBlock {
    guard(null_mut(), || {
        // SAFETY: caller's contract.
        match unsafe { c_str(dataAttributeReference) } {
            Some(r) => Box::into_raw(Box::new(sClientGooseControlBlock::new(r.to_bytes()))),
            None => null_mut(),
        }
    })
}

/// Frees a GoCB and its values.
///
/// # Safety
/// `self_` is NULL or a GoCB not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn ClientGooseControlBlock_destroy(self_: ClientGooseControlBlock) {
    if self_.is_null() {
        return;
    }
    // SAFETY: created by ClientGooseControlBlock_create (Box); its fields are owned.
    unsafe {
        let mut g = Box::from_raw(self_);
        libc::free(g.objectReference.cast());
        for f in g.fields_mut() {
            crate::ffi::mms_value::delete_value(*f);
        }
    }
}

/// GoEna (false when unknown).
///
/// # Safety
/// `self_` is NULL or a live GoCB.
#[no_mangle]
pub unsafe extern "C" fn ClientGooseControlBlock_getGoEna(self_: ClientGooseControlBlock) -> bool {
    // SAFETY: caller's contract.
    unsafe { gocb(self_) }.is_some_and(|g| boolean(g.goEna))
}

/// GoID (NULL when unknown; valid until the GoCB changes).
///
/// # Safety
/// `self_` is NULL or a live GoCB.
#[no_mangle]
pub unsafe extern "C" fn ClientGooseControlBlock_getGoID(
    self_: ClientGooseControlBlock,
) -> *const c_char {
    // SAFETY: caller's contract.
    unsafe { gocb(self_) }.map_or(std::ptr::null(), |g| string(g.goID))
}

/// DatSet (NULL when unknown; valid until the GoCB changes).
///
/// # Safety
/// `self_` is NULL or a live GoCB.
#[no_mangle]
pub unsafe extern "C" fn ClientGooseControlBlock_getDatSet(
    self_: ClientGooseControlBlock,
) -> *const c_char {
    // SAFETY: caller's contract.
    unsafe { gocb(self_) }.map_or(std::ptr::null(), |g| string(g.datSet))
}

/// ConfRev (0 when unknown).
///
/// # Safety
/// `self_` is NULL or a live GoCB.
#[no_mangle]
pub unsafe extern "C" fn ClientGooseControlBlock_getConfRev(self_: ClientGooseControlBlock) -> u32 {
    // SAFETY: caller's contract.
    unsafe { gocb(self_) }.map_or(0, |g| unsigned(g.confRev) as u32)
}

/// NdsCom (false when unknown).
///
/// # Safety
/// `self_` is NULL or a live GoCB.
#[no_mangle]
pub unsafe extern "C" fn ClientGooseControlBlock_getNdsComm(
    self_: ClientGooseControlBlock,
) -> bool {
    // SAFETY: caller's contract.
    unsafe { gocb(self_) }.is_some_and(|g| boolean(g.ndsCom))
}

/// MinTime in ms (0 when unknown).
///
/// # Safety
/// `self_` is NULL or a live GoCB.
#[no_mangle]
pub unsafe extern "C" fn ClientGooseControlBlock_getMinTime(self_: ClientGooseControlBlock) -> u32 {
    // SAFETY: caller's contract.
    unsafe { gocb(self_) }.map_or(0, |g| unsigned(g.minTime) as u32)
}

/// MaxTime in ms (0 when unknown).
///
/// # Safety
/// `self_` is NULL or a live GoCB.
#[no_mangle]
pub unsafe extern "C" fn ClientGooseControlBlock_getMaxTime(self_: ClientGooseControlBlock) -> u32 {
    // SAFETY: caller's contract.
    unsafe { gocb(self_) }.map_or(0, |g| unsigned(g.maxTime) as u32)
}

/// FixedOffs (false when unknown).
///
/// # Safety
/// `self_` is NULL or a live GoCB.
#[no_mangle]
pub unsafe extern "C" fn ClientGooseControlBlock_getFixedOffs(
    self_: ClientGooseControlBlock,
) -> bool {
    // SAFETY: caller's contract.
    unsafe { gocb(self_) }.is_some_and(|g| boolean(g.fixedOffs))
}

/// Sets GoEna (written with GOCB_ELEMENT_GO_ENA).
///
/// # Safety
/// `self_` is NULL or a live GoCB.
#[no_mangle]
pub unsafe extern "C" fn ClientGooseControlBlock_setGoEna(
    self_: ClientGooseControlBlock,
    goEna: bool,
) {
    // SAFETY: caller's contract.
    if let Some(g) = unsafe { gocb(self_) } {
        store(&mut g.goEna, MmsValue::Boolean(goEna));
    }
}

/// Sets a visible-string field from a C string (NULL leaves it unchanged).
///
/// # Safety
/// `text` is NULL or a C string.
unsafe fn set_string(slot: &mut *mut MmsValue, text: *const c_char) {
    // SAFETY: caller's contract.
    if let Some(t) = unsafe { c_str(text) } {
        store(slot, MmsValue::visible_string(t.to_bytes()));
    }
}

/// Sets GoID (written with GOCB_ELEMENT_GO_ID).
///
/// # Safety
/// `self_` is NULL or a live GoCB; `goID` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn ClientGooseControlBlock_setGoID(
    self_: ClientGooseControlBlock,
    goID: *const c_char,
) {
    // SAFETY: caller's contract.
    if let Some(g) = unsafe { gocb(self_) } {
        // SAFETY: caller's contract.
        unsafe { set_string(&mut g.goID, goID) };
    }
}

/// Sets DatSet (written with GOCB_ELEMENT_DATSET).
///
/// # Safety
/// `self_` is NULL or a live GoCB; `datSet` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn ClientGooseControlBlock_setDatSet(
    self_: ClientGooseControlBlock,
    datSet: *const c_char,
) {
    // SAFETY: caller's contract.
    if let Some(g) = unsafe { gocb(self_) } {
        // SAFETY: caller's contract.
        unsafe { set_string(&mut g.datSet, datSet) };
    }
}

/// DstAddress as a `PhyComAddress` (all zero when unknown).
///
/// # Safety
/// `self_` is NULL or a live GoCB.
#[no_mangle]
pub unsafe extern "C" fn ClientGooseControlBlock_getDstAddress(
    self_: ClientGooseControlBlock,
) -> PhyComAddress {
    // SAFETY: caller's contract.
    phy_com_address_of(unsafe { gocb(self_) }.and_then(|g| value(g.dstAddress)))
}

/// The `PhyComAddress` of a DstAddress structure (Addr, PRIORITY, VID, APPID); zero for
/// what is missing.
pub(super) fn phy_com_address_of(dst: Option<&MmsValue>) -> PhyComAddress {
    let member = |i: usize| match dst {
        Some(MmsValue::Structure(m)) => m.get(i).and_then(|b| b.as_deref()),
        _ => None,
    };
    let number = |i| match member(i) {
        Some(MmsValue::Unsigned(v)) => *v,
        _ => 0,
    };
    let mut address = PhyComAddress {
        vlanPriority: number(DST_PRIORITY) as u8,
        vlanId: number(DST_VID) as u16,
        appId: number(DST_APPID) as u16,
        dstAddress: [0; 6],
    };
    if let Some(MmsValue::OctetString(o)) = member(DST_ADDR) {
        address
            .dstAddress
            .iter_mut()
            .zip(&o.data)
            .for_each(|(d, s)| *d = *s);
    }
    address
}

/// Sets DstAddress (written with GOCB_ELEMENT_DST_ADDRESS).
///
/// # Safety
/// `self_` is NULL or a live GoCB.
#[no_mangle]
pub unsafe extern "C" fn ClientGooseControlBlock_setDstAddress(
    self_: ClientGooseControlBlock,
    value: PhyComAddress,
) {
    // SAFETY: caller's contract.
    if let Some(g) = unsafe { gocb(self_) } {
        store(&mut g.dstAddress, phy_com_address_value(&value));
    }
}

/// The Addr member of DstAddress (an octet string owned by the GoCB; NULL when unknown).
///
/// # Safety
/// `self_` is NULL or a live GoCB.
#[no_mangle]
pub unsafe extern "C" fn ClientGooseControlBlock_getDstAddress_addr(
    self_: ClientGooseControlBlock,
) -> *mut MmsValue {
    // SAFETY: caller's contract.
    unsafe { gocb(self_) }
        .and_then(|g| g.dst_member(DST_ADDR))
        .map_or(null_mut(), |v| (v as *const MmsValue).cast_mut())
}

/// Sets the Addr member of DstAddress to a copy of `macAddr` (an octet string).
///
/// # Safety
/// `self_` is NULL or a live GoCB; `macAddr` is NULL or a live value.
#[no_mangle]
pub unsafe extern "C" fn ClientGooseControlBlock_setDstAddress_addr(
    self_: ClientGooseControlBlock,
    macAddr: *mut MmsValue,
) {
    // SAFETY: caller's contract.
    let (Some(g), Some(mac)) = (unsafe { gocb(self_) }, unsafe { macAddr.as_ref() }) else {
        return;
    };
    if let Some(slot) = g.dst_address().get_mut(DST_ADDR) {
        *slot = Some(Node::new(mac.clone()));
    }
}

/// The VLAN priority of DstAddress.
///
/// # Safety
/// `self_` is NULL or a live GoCB.
#[no_mangle]
pub unsafe extern "C" fn ClientGooseControlBlock_getDstAddress_priority(
    self_: ClientGooseControlBlock,
) -> u8 {
    // SAFETY: caller's contract.
    unsafe { gocb(self_) }.map_or(0, |g| g.dst_unsigned(DST_PRIORITY) as u8)
}

/// Sets the VLAN priority of DstAddress.
///
/// # Safety
/// `self_` is NULL or a live GoCB.
#[no_mangle]
pub unsafe extern "C" fn ClientGooseControlBlock_setDstAddress_priority(
    self_: ClientGooseControlBlock,
    value: u8,
) {
    // SAFETY: caller's contract.
    if let Some(g) = unsafe { gocb(self_) } {
        g.set_dst_unsigned(DST_PRIORITY, u64::from(value));
    }
}

/// The VLAN ID of DstAddress.
///
/// # Safety
/// `self_` is NULL or a live GoCB.
#[no_mangle]
pub unsafe extern "C" fn ClientGooseControlBlock_getDstAddress_vid(
    self_: ClientGooseControlBlock,
) -> u16 {
    // SAFETY: caller's contract.
    unsafe { gocb(self_) }.map_or(0, |g| g.dst_unsigned(DST_VID) as u16)
}

/// Sets the VLAN ID of DstAddress.
///
/// # Safety
/// `self_` is NULL or a live GoCB.
#[no_mangle]
pub unsafe extern "C" fn ClientGooseControlBlock_setDstAddress_vid(
    self_: ClientGooseControlBlock,
    value: u16,
) {
    // SAFETY: caller's contract.
    if let Some(g) = unsafe { gocb(self_) } {
        g.set_dst_unsigned(DST_VID, u64::from(value));
    }
}

/// The APPID of DstAddress.
///
/// # Safety
/// `self_` is NULL or a live GoCB.
#[no_mangle]
pub unsafe extern "C" fn ClientGooseControlBlock_getDstAddress_appid(
    self_: ClientGooseControlBlock,
) -> u16 {
    // SAFETY: caller's contract.
    unsafe { gocb(self_) }.map_or(0, |g| g.dst_unsigned(DST_APPID) as u16)
}

/// Sets the APPID of DstAddress.
///
/// # Safety
/// `self_` is NULL or a live GoCB.
#[no_mangle]
pub unsafe extern "C" fn ClientGooseControlBlock_setDstAddress_appid(
    self_: ClientGooseControlBlock,
    value: u16,
) {
    // SAFETY: caller's contract.
    if let Some(g) = unsafe { gocb(self_) } {
        g.set_dst_unsigned(DST_APPID, u64::from(value));
    }
}

/// The GoCB to fill: `existing`, or a new one for `reference`.
///
/// # Safety
/// `existing` is NULL or a live GoCB.
unsafe fn fill_gocb(
    existing: ClientGooseControlBlock,
    reference: &str,
    values: [Option<MmsValue>; 9],
) -> ClientGooseControlBlock {
    let target = if existing.is_null() {
        Box::into_raw(Box::new(sClientGooseControlBlock::new(
            reference.as_bytes(),
        )))
    } else {
        existing
    };
    // SAFETY: caller's contract, or the fresh GoCB.
    if let Some(g) = unsafe { gocb(target) } {
        g.fill(values);
    }
    target
}

/// Reads a GoCB into `updateGoCB` (refreshed in place) or into a new one (freed by the
/// caller with `ClientGooseControlBlock_destroy`); NULL on error.
///
/// # Safety
/// `self_` is NULL or a live handle; `error` is NULL or writable; `goCBReference` is NULL or
/// a C string; `updateGoCB` is NULL or a live GoCB.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_getGoCBValues(
    self_: IedConnection,
    error: *mut IedClientError,
    goCBReference: *const c_char,
    updateGoCB: ClientGooseControlBlock,
) -> ClientGooseControlBlock {
    let (code, result) = guard((IED_ERROR_UNKNOWN, null_mut()), || {
        // SAFETY: caller's contract.
        let read = unsafe { connected(self_) }.and_then(|conn| {
            // SAFETY: caller's contract.
            let reference = unsafe { text(goCBReference, ClientError::ObjectReferenceInvalid) }?;
            let var = gocb::gocb_variable(reference)?;
            Ok((
                reference,
                gocb::parse_read(conn.read(&var)?, |_| ClientError::Unknown)?,
            ))
        });
        match read {
            // SAFETY: caller's contract.
            Ok((reference, values)) => (IED_ERROR_OK, unsafe {
                fill_gocb(updateGoCB, reference, values)
            }),
            Err(e) => (e as IedClientError, null_mut()),
        }
    });
    // SAFETY: caller's contract.
    unsafe { set_error(error, code) };
    result
}

/// Asynchronous `getGoCBValues`: `handler` gets `updateGoCB` refreshed, or a new GoCB.
///
/// # Safety
/// As for `IedConnection_getGoCBValues`; `updateGoCB` is not used by the caller until the
/// handler ran; `handler` stays callable with `parameter` until it ran.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_getGoCBValuesAsync(
    self_: IedConnection,
    error: *mut IedClientError,
    goCBReference: *const c_char,
    updateGoCB: ClientGooseControlBlock,
    handler: IedConnection_GetGoCBValuesHandler,
    parameter: *mut c_void,
) -> u32 {
    let (parameter, existing) = (parameter as usize, updateGoCB as usize);
    // SAFETY: caller's contract.
    unsafe {
        start_async(self_, error, handler, |conn, function| {
            let reference = text(goCBReference, ClientError::ObjectReferenceInvalid)?.to_owned();
            let var = gocb::gocb_variable(&reference)?;
            conn.read_async(&var, move |id, result| {
                let (code, g) = match result
                    .and_then(|v| gocb::parse_read(v, ClientError::from_data_access_error))
                {
                    // SAFETY: the caller left `updateGoCB` to us until the handler runs.
                    Ok(values) => (
                        IED_ERROR_OK,
                        fill_gocb(existing as ClientGooseControlBlock, &reference, values),
                    ),
                    Err(e) => (e as IedClientError, null_mut()),
                };
                // SAFETY: the application keeps the handler valid until it ran.
                function(id, parameter as *mut c_void, code, g)
            })
        })
    }
}

/// The variables and values a `parametersMask` writes, in the reference's order;
/// USER_PROVIDED_INVALID_ARGUMENT when a selected attribute was never read or set.
///
/// # Safety
/// `goCB` is NULL or a live GoCB.
unsafe fn writes(
    goCB: ClientGooseControlBlock,
    mask: u32,
) -> Result<Vec<(VariableRef, MmsValue)>, ClientError> {
    // SAFETY: caller's contract.
    let g = unsafe { gocb(goCB) }.ok_or(ClientError::InvalidArgument)?;
    let var = gocb::gocb_variable(&g.reference())?;
    gocb::write_plan(mask)
        .into_iter()
        .map(|name| {
            let v = g
                .field(name)
                .and_then(value)
                .ok_or(ClientError::InvalidArgument)?;
            Ok((gocb::element_variable(&var, name), v.clone()))
        })
        .collect()
}

/// Encodes one Write request of all `writes`.
fn encode_writes(
    writes: &[(VariableRef, MmsValue)],
) -> impl FnOnce(u32, &mut Vec<u8>) -> Result<(), RequestError> + '_ {
    move |id, out| {
        let vars: Vec<VariableRef> = writes.iter().map(|(v, _)| v.clone()).collect();
        let values: Vec<&MmsValue> = writes.iter().map(|(_, v)| v).collect();
        write::encode_write_request(id, &vars, &values, out).map_err(|_| RequestError::InvalidValue)
    }
}

/// The outcome of a Write response.
fn write_response(response: ConfirmedServiceResponse) -> Result<(), ClientError> {
    match response {
        ConfirmedServiceResponse::Write(results) => gocb::write_outcome(&results),
        _ => Err(ClientError::MalformedMessage),
    }
}

/// Writes the attributes `parametersMask` selects: in one Write request
/// (`singleRequest`) or one request per attribute, stopping at the first failure.
///
/// # Safety
/// `self_` is NULL or a live handle; `error` is NULL or writable; `goCB` is NULL or a live
/// GoCB.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_setGoCBValues(
    self_: IedConnection,
    error: *mut IedClientError,
    goCB: ClientGooseControlBlock,
    parametersMask: u32,
    singleRequest: bool,
) {
    let code = guard(IED_ERROR_UNKNOWN, || {
        // SAFETY: caller's contract.
        let result = unsafe { connected(self_) }.and_then(|conn| {
            // SAFETY: caller's contract.
            let writes = unsafe { writes(goCB, parametersMask) }?;
            if singleRequest {
                return conn.service(encode_writes(&writes), write_response);
            }
            writes
                .chunks(1)
                .try_for_each(|one| conn.service(encode_writes(one), write_response))
        });
        code_of(&result)
    });
    // SAFETY: caller's contract.
    unsafe { set_error(error, code) };
}

/// The rest of an asynchronous multi-request GoCB write, continued from each response.
struct WriteChain {
    handle: usize,
    remaining: std::vec::IntoIter<(VariableRef, MmsValue)>,
    function: unsafe extern "C" fn(u32, *mut c_void, IedClientError),
    parameter: usize,
}

impl WriteChain {
    /// Reports the end of the chain to the application.
    fn finish(self, id: u32, result: Result<(), ClientError>) {
        // SAFETY: the application keeps the handler valid until it ran.
        unsafe { (self.function)(id, self.parameter as *mut c_void, code_of(&result)) }
    }

    /// Writes the next attribute; the response continues with the one after it or
    /// finishes the chain.
    fn next(mut self, conn: &Connection) -> Result<u32, ClientError> {
        let one = self.remaining.next().ok_or(ClientError::InvalidArgument)?;
        conn.service_async(
            encode_writes(std::slice::from_ref(&one)),
            write_response,
            move |id, result| {
                if result.is_err() || self.remaining.len() == 0 {
                    return self.finish(id, result);
                }
                let (function, parameter) = (self.function, self.parameter);
                // SAFETY: the handle stays valid while the application waits for the handler.
                let continued = unsafe { connected(self.handle as IedConnection) }
                    .and_then(|conn| self.next(conn));
                if let Err(e) = continued {
                    // SAFETY: the application keeps the handler valid until it ran.
                    unsafe { function(id, parameter as *mut c_void, e as IedClientError) }
                }
            },
        )
    }
}

/// Asynchronous `setGoCBValues`; `handler` gets the outcome (of the last request sent).
///
/// # Safety
/// As for `IedConnection_setGoCBValues`; the handle stays alive and `handler` callable with
/// `parameter` until the handler ran.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_setGoCBValuesAsync(
    self_: IedConnection,
    error: *mut IedClientError,
    goCB: ClientGooseControlBlock,
    parametersMask: u32,
    singleRequest: bool,
    handler: IedConnection_GenericServiceHandler,
    parameter: *mut c_void,
) -> u32 {
    let (handle, parameter) = (self_ as usize, parameter as usize);
    // SAFETY: caller's contract.
    unsafe {
        start_async(self_, error, handler, |conn, function| {
            let writes = writes(goCB, parametersMask)?;
            if singleRequest {
                return conn.service_async(
                    encode_writes(&writes),
                    write_response,
                    generic_reply(function, parameter as *mut c_void),
                );
            }
            WriteChain {
                handle,
                remaining: writes.into_iter(),
                function,
                parameter,
            }
            .next(conn)
        })
    }
}
