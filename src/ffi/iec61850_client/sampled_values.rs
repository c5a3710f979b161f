//! Sampled value control blocks of `iec61850_client.h` (`ClientSVControlBlock_*`): every
//! getter and setter reads or writes one attribute on the server at once, as the
//! reference's do, and records the outcome for `getLastComError`.

use super::goose::phy_com_address_of;
use super::*;
use crate::ffi::iec61850_common::PhyComAddress;
use crate::iec61850::gocb::{block_variable, element_variable};
use std::sync::atomic::Ordering;

/// Borrows an SVCB handle.
///
/// # Safety
/// `p` is NULL or a live SVCB.
unsafe fn svcb<'a>(p: ClientSVControlBlock) -> Option<&'a sClientSVControlBlock> {
    // SAFETY: caller's contract.
    unsafe { p.as_ref() }
}

impl sClientSVControlBlock {
    /// Reads one attribute; records the outcome. A DataAccessError is that error.
    ///
    /// # Safety
    /// The block's connection handle is live.
    unsafe fn read(&self, element: &str) -> Option<MmsValue> {
        let var = element_variable(&self.variable, element);
        // SAFETY: caller's contract.
        let result = unsafe { connected(self.connection) }
            .and_then(|conn| conn.read(&var))
            .and_then(|v| match v {
                MmsValue::DataAccessError(code) => Err(ClientError::from_data_access_error(code)),
                v => Ok(v),
            });
        self.last_error.store(code_of(&result), Ordering::Relaxed);
        result.ok()
    }

    /// Writes one boolean attribute; records the outcome; true on success.
    ///
    /// # Safety
    /// The block's connection handle is live.
    unsafe fn write_bool(&self, element: &str, value: bool) -> bool {
        let var = element_variable(&self.variable, element);
        // SAFETY: caller's contract.
        let result = unsafe { connected(self.connection) }
            .and_then(|conn| conn.write(&var, &MmsValue::Boolean(value)));
        self.last_error.store(code_of(&result), Ordering::Relaxed);
        result.is_ok()
    }
}

/// An unsigned attribute value (0 for anything else).
fn unsigned(v: Option<MmsValue>) -> u64 {
    match v {
        Some(MmsValue::Unsigned(n)) => n,
        Some(MmsValue::Integer(n)) => u64::try_from(n).unwrap_or(0),
        _ => 0,
    }
}

/// Creates an SVCB object for `reference` (`LD/LN.name`): the block is looked up as a
/// multicast (MS) and then as a unicast (US) block; NULL when it is neither.
///
/// # Safety
/// `connection` is NULL or a live handle that outlives the SVCB; `reference` is NULL or a C
/// string.
#[no_mangle]
pub unsafe extern "C" fn ClientSVControlBlock_create(
    connection: IedConnection,
    reference: *const c_char,
) -> ClientSVControlBlock {
    guard(std::ptr::null_mut(), || {
        // SAFETY: caller's contract.
        let Ok(conn) = (unsafe { connected(connection) }) else {
            return std::ptr::null_mut();
        };
        // SAFETY: caller's contract.
        let Ok(reference) = (unsafe { text(reference, ClientError::ObjectReferenceInvalid) })
        else {
            return std::ptr::null_mut();
        };
        for (fc, multicast) in [("MS", true), ("US", false)] {
            let Ok(variable) = block_variable(reference, fc) else {
                return std::ptr::null_mut();
            };
            if matches!(conn.read(&variable), Ok(MmsValue::Structure(_))) {
                return Box::into_raw(Box::new(sClientSVControlBlock {
                    connection,
                    variable,
                    multicast,
                    last_error: IED_ERROR_OK.into(),
                }));
            }
        }
        std::ptr::null_mut()
    })
}

/// Frees an SVCB.
///
/// # Safety
/// `self_` is NULL or an SVCB not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn ClientSVControlBlock_destroy(self_: ClientSVControlBlock) {
    if !self_.is_null() {
        // SAFETY: created by ClientSVControlBlock_create (Box).
        drop(unsafe { Box::from_raw(self_) });
    }
}

/// Whether the block is a multicast (MSVCB) one.
///
/// # Safety
/// `self_` is NULL or a live SVCB.
#[no_mangle]
pub unsafe extern "C" fn ClientSVControlBlock_isMulticast(self_: ClientSVControlBlock) -> bool {
    // SAFETY: caller's contract.
    unsafe { svcb(self_) }.is_some_and(|s| s.multicast)
}

/// The outcome of the last read or write of an attribute.
///
/// # Safety
/// `self_` is NULL or a live SVCB.
#[no_mangle]
pub unsafe extern "C" fn ClientSVControlBlock_getLastComError(
    self_: ClientSVControlBlock,
) -> IedClientError {
    // SAFETY: caller's contract.
    unsafe { svcb(self_) }.map_or(IED_ERROR_OK, |s| s.last_error.load(Ordering::Relaxed))
}

/// Writes SvEna; true on success.
///
/// # Safety
/// `self_` is NULL or a live SVCB whose connection is live.
#[no_mangle]
pub unsafe extern "C" fn ClientSVControlBlock_setSvEna(
    self_: ClientSVControlBlock,
    value: bool,
) -> bool {
    // SAFETY: caller's contract.
    guard(false, || {
        unsafe { svcb(self_) }.is_some_and(|s| unsafe { s.write_bool("SvEna", value) })
    })
}

/// Writes Resv (unicast blocks only: false for a multicast one, without a request).
///
/// # Safety
/// `self_` is NULL or a live SVCB whose connection is live.
#[no_mangle]
pub unsafe extern "C" fn ClientSVControlBlock_setResv(
    self_: ClientSVControlBlock,
    value: bool,
) -> bool {
    guard(false, || {
        // SAFETY: caller's contract.
        unsafe { svcb(self_) }
            .filter(|s| !s.multicast)
            // SAFETY: caller's contract.
            .is_some_and(|s| unsafe { s.write_bool("Resv", value) })
    })
}

/// Reads attribute `element` of a live SVCB and converts it (`default` on failure).
///
/// # Safety
/// `self_` is NULL or a live SVCB whose connection is live.
unsafe fn read_converted<T: Copy>(
    self_: ClientSVControlBlock,
    element: &str,
    default: T,
    convert: impl FnOnce(Option<MmsValue>) -> T,
) -> T {
    guard(default, || {
        // SAFETY: caller's contract.
        unsafe { svcb(self_) }.map_or(default, |s| convert(unsafe { s.read(element) }))
    })
}

/// A boolean attribute value (false for anything else).
fn boolean(v: Option<MmsValue>) -> bool {
    matches!(v, Some(MmsValue::Boolean(true)))
}

/// A string attribute value as a `malloc`ed C string the caller frees (NULL otherwise).
fn string(v: Option<MmsValue>) -> *mut c_char {
    match v {
        Some(MmsValue::VisibleString(s) | MmsValue::MmsString(s)) => malloc_c_string(s.to_bytes()),
        _ => std::ptr::null_mut(),
    }
}

/// SvEna, read from the server.
///
/// # Safety
/// `self_` is NULL or a live SVCB whose connection is live.
#[no_mangle]
pub unsafe extern "C" fn ClientSVControlBlock_getSvEna(self_: ClientSVControlBlock) -> bool {
    // SAFETY: caller's contract.
    unsafe { read_converted(self_, "SvEna", false, boolean) }
}

/// Resv, read from the server.
///
/// # Safety
/// `self_` is NULL or a live SVCB whose connection is live.
#[no_mangle]
pub unsafe extern "C" fn ClientSVControlBlock_getResv(self_: ClientSVControlBlock) -> bool {
    // SAFETY: caller's contract.
    unsafe { read_converted(self_, "Resv", false, boolean) }
}

/// MsvID, read from the server (`malloc`ed; the caller frees it).
///
/// # Safety
/// `self_` is NULL or a live SVCB whose connection is live.
#[no_mangle]
pub unsafe extern "C" fn ClientSVControlBlock_getMsvID(self_: ClientSVControlBlock) -> *mut c_char {
    // SAFETY: caller's contract.
    unsafe { read_converted(self_, "MsvID", std::ptr::null_mut(), string) }
}

/// DatSet, read from the server (`malloc`ed; the caller frees it).
///
/// # Safety
/// `self_` is NULL or a live SVCB whose connection is live.
#[no_mangle]
pub unsafe extern "C" fn ClientSVControlBlock_getDatSet(
    self_: ClientSVControlBlock,
) -> *mut c_char {
    // SAFETY: caller's contract.
    unsafe { read_converted(self_, "DatSet", std::ptr::null_mut(), string) }
}

/// ConfRev, read from the server.
///
/// # Safety
/// `self_` is NULL or a live SVCB whose connection is live.
#[no_mangle]
pub unsafe extern "C" fn ClientSVControlBlock_getConfRev(self_: ClientSVControlBlock) -> u32 {
    // SAFETY: caller's contract.
    unsafe { read_converted(self_, "ConfRev", 0, |v| unsigned(v) as u32) }
}

/// SmpRate, read from the server.
///
/// # Safety
/// `self_` is NULL or a live SVCB whose connection is live.
#[no_mangle]
pub unsafe extern "C" fn ClientSVControlBlock_getSmpRate(self_: ClientSVControlBlock) -> u16 {
    // SAFETY: caller's contract.
    unsafe { read_converted(self_, "SmpRate", 0, |v| unsigned(v) as u16) }
}

/// SmpMod, read from the server.
///
/// # Safety
/// `self_` is NULL or a live SVCB whose connection is live.
#[no_mangle]
pub unsafe extern "C" fn ClientSVControlBlock_getSmpMod(self_: ClientSVControlBlock) -> u8 {
    // SAFETY: caller's contract.
    unsafe { read_converted(self_, "SmpMod", 0, |v| unsigned(v) as u8) }
}

/// noASDU, read from the server.
///
/// # Safety
/// `self_` is NULL or a live SVCB whose connection is live.
#[no_mangle]
pub unsafe extern "C" fn ClientSVControlBlock_getNoASDU(self_: ClientSVControlBlock) -> c_int {
    // SAFETY: caller's contract.
    unsafe { read_converted(self_, "noASDU", 0, |v| unsigned(v) as c_int) }
}

/// OptFlds, read from the server, as an integer (bit 0 the least significant).
///
/// # Safety
/// `self_` is NULL or a live SVCB whose connection is live.
#[no_mangle]
pub unsafe extern "C" fn ClientSVControlBlock_getOptFlds(self_: ClientSVControlBlock) -> c_int {
    // SAFETY: caller's contract.
    unsafe {
        read_converted(self_, "OptFlds", 0, |v| match v {
            Some(MmsValue::BitString(b)) => b.as_integer() as c_int,
            _ => 0,
        })
    }
}

/// DstAddress, read from the server.
///
/// # Safety
/// `self_` is NULL or a live SVCB whose connection is live.
#[no_mangle]
pub unsafe extern "C" fn ClientSVControlBlock_getDstAddress(
    self_: ClientSVControlBlock,
) -> PhyComAddress {
    // SAFETY: caller's contract.
    unsafe {
        read_converted(
            self_,
            "DstAddress",
            PhyComAddress::default(),
            |v: Option<MmsValue>| phy_com_address_of(v.as_ref()),
        )
    }
}
