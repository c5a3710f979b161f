//! Declarations of `iec61850_common.h`.
#![allow(non_camel_case_types, non_snake_case, non_upper_case_globals)]

use std::ffi::{c_int, c_uint};

/// C enum `ACSIClass` (values below; kept as an integer so any value from C is sound).
pub type ACSIClass = c_uint;
/// `ACSIClass` value.
pub const ACSI_CLASS_DATA_OBJECT: ACSIClass = 0;
/// `ACSIClass` value.
pub const ACSI_CLASS_DATA_SET: ACSIClass = 1;
/// `ACSIClass` value.
pub const ACSI_CLASS_BRCB: ACSIClass = 2;
/// `ACSIClass` value.
pub const ACSI_CLASS_URCB: ACSIClass = 3;
/// `ACSIClass` value.
pub const ACSI_CLASS_LCB: ACSIClass = 4;
/// `ACSIClass` value.
pub const ACSI_CLASS_LOG: ACSIClass = 5;
/// `ACSIClass` value.
pub const ACSI_CLASS_SGCB: ACSIClass = 6;
/// `ACSIClass` value.
pub const ACSI_CLASS_GoCB: ACSIClass = 7;
/// `ACSIClass` value.
pub const ACSI_CLASS_GsCB: ACSIClass = 8;
/// `ACSIClass` value.
pub const ACSI_CLASS_MSVCB: ACSIClass = 9;
/// `ACSIClass` value.
pub const ACSI_CLASS_USVCB: ACSIClass = 10;

/// C enum `ControlModel` (values below; kept as an integer so any value from C is sound).
pub type ControlModel = c_uint;
/// `ControlModel` value.
pub const CONTROL_MODEL_STATUS_ONLY: ControlModel = 0;
/// `ControlModel` value.
pub const CONTROL_MODEL_DIRECT_NORMAL: ControlModel = 1;
/// `ControlModel` value.
pub const CONTROL_MODEL_SBO_NORMAL: ControlModel = 2;
/// `ControlModel` value.
pub const CONTROL_MODEL_DIRECT_ENHANCED: ControlModel = 3;
/// `ControlModel` value.
pub const CONTROL_MODEL_SBO_ENHANCED: ControlModel = 4;

/// C enum `ControlAddCause` (values below; kept as an integer so any value from C is sound).
pub type ControlAddCause = c_uint;
/// `ControlAddCause` value.
pub const ADD_CAUSE_UNKNOWN: ControlAddCause = 0;
/// `ControlAddCause` value.
pub const ADD_CAUSE_NOT_SUPPORTED: ControlAddCause = 1;
/// `ControlAddCause` value.
pub const ADD_CAUSE_BLOCKED_BY_SWITCHING_HIERARCHY: ControlAddCause = 2;
/// `ControlAddCause` value.
pub const ADD_CAUSE_SELECT_FAILED: ControlAddCause = 3;
/// `ControlAddCause` value.
pub const ADD_CAUSE_INVALID_POSITION: ControlAddCause = 4;
/// `ControlAddCause` value.
pub const ADD_CAUSE_POSITION_REACHED: ControlAddCause = 5;
/// `ControlAddCause` value.
pub const ADD_CAUSE_PARAMETER_CHANGE_IN_EXECUTION: ControlAddCause = 6;
/// `ControlAddCause` value.
pub const ADD_CAUSE_STEP_LIMIT: ControlAddCause = 7;
/// `ControlAddCause` value.
pub const ADD_CAUSE_BLOCKED_BY_MODE: ControlAddCause = 8;
/// `ControlAddCause` value.
pub const ADD_CAUSE_BLOCKED_BY_PROCESS: ControlAddCause = 9;
/// `ControlAddCause` value.
pub const ADD_CAUSE_BLOCKED_BY_INTERLOCKING: ControlAddCause = 10;
/// `ControlAddCause` value.
pub const ADD_CAUSE_BLOCKED_BY_SYNCHROCHECK: ControlAddCause = 11;
/// `ControlAddCause` value.
pub const ADD_CAUSE_COMMAND_ALREADY_IN_EXECUTION: ControlAddCause = 12;
/// `ControlAddCause` value.
pub const ADD_CAUSE_BLOCKED_BY_HEALTH: ControlAddCause = 13;
/// `ControlAddCause` value.
pub const ADD_CAUSE_1_OF_N_CONTROL: ControlAddCause = 14;
/// `ControlAddCause` value.
pub const ADD_CAUSE_ABORTION_BY_CANCEL: ControlAddCause = 15;
/// `ControlAddCause` value.
pub const ADD_CAUSE_TIME_LIMIT_OVER: ControlAddCause = 16;
/// `ControlAddCause` value.
pub const ADD_CAUSE_ABORTION_BY_TRIP: ControlAddCause = 17;
/// `ControlAddCause` value.
pub const ADD_CAUSE_OBJECT_NOT_SELECTED: ControlAddCause = 18;
/// `ControlAddCause` value.
pub const ADD_CAUSE_OBJECT_ALREADY_SELECTED: ControlAddCause = 19;
/// `ControlAddCause` value.
pub const ADD_CAUSE_NO_ACCESS_AUTHORITY: ControlAddCause = 20;
/// `ControlAddCause` value.
pub const ADD_CAUSE_ENDED_WITH_OVERSHOOT: ControlAddCause = 21;
/// `ControlAddCause` value.
pub const ADD_CAUSE_ABORTION_DUE_TO_DEVIATION: ControlAddCause = 22;
/// `ControlAddCause` value.
pub const ADD_CAUSE_ABORTION_BY_COMMUNICATION_LOSS: ControlAddCause = 23;
/// `ControlAddCause` value.
pub const ADD_CAUSE_ABORTION_BY_COMMAND: ControlAddCause = 24;
/// `ControlAddCause` value.
pub const ADD_CAUSE_NONE: ControlAddCause = 25;
/// `ControlAddCause` value.
pub const ADD_CAUSE_INCONSISTENT_PARAMETERS: ControlAddCause = 26;
/// `ControlAddCause` value.
pub const ADD_CAUSE_LOCKED_BY_OTHER_CLIENT: ControlAddCause = 27;

/// C enum `ControlLastApplError` (values below; kept as an integer so any value from C is sound).
pub type ControlLastApplError = c_uint;
/// `ControlLastApplError` value.
pub const CONTROL_ERROR_NO_ERROR: ControlLastApplError = 0;
/// `ControlLastApplError` value.
pub const CONTROL_ERROR_UNKNOWN: ControlLastApplError = 1;
/// `ControlLastApplError` value.
pub const CONTROL_ERROR_TIMEOUT_TEST: ControlLastApplError = 2;
/// `ControlLastApplError` value.
pub const CONTROL_ERROR_OPERATOR_TEST: ControlLastApplError = 3;

/// C enum `FunctionalConstraint` (values below; kept as an integer so any value from C is sound).
pub type FunctionalConstraint = c_int;
/// `FunctionalConstraint` value.
pub const IEC61850_FC_ST: FunctionalConstraint = 0;
/// `FunctionalConstraint` value.
pub const IEC61850_FC_MX: FunctionalConstraint = 1;
/// `FunctionalConstraint` value.
pub const IEC61850_FC_SP: FunctionalConstraint = 2;
/// `FunctionalConstraint` value.
pub const IEC61850_FC_SV: FunctionalConstraint = 3;
/// `FunctionalConstraint` value.
pub const IEC61850_FC_CF: FunctionalConstraint = 4;
/// `FunctionalConstraint` value.
pub const IEC61850_FC_DC: FunctionalConstraint = 5;
/// `FunctionalConstraint` value.
pub const IEC61850_FC_SG: FunctionalConstraint = 6;
/// `FunctionalConstraint` value.
pub const IEC61850_FC_SE: FunctionalConstraint = 7;
/// `FunctionalConstraint` value.
pub const IEC61850_FC_SR: FunctionalConstraint = 8;
/// `FunctionalConstraint` value.
pub const IEC61850_FC_OR: FunctionalConstraint = 9;
/// `FunctionalConstraint` value.
pub const IEC61850_FC_BL: FunctionalConstraint = 10;
/// `FunctionalConstraint` value.
pub const IEC61850_FC_EX: FunctionalConstraint = 11;
/// `FunctionalConstraint` value.
pub const IEC61850_FC_CO: FunctionalConstraint = 12;
/// `FunctionalConstraint` value.
pub const IEC61850_FC_US: FunctionalConstraint = 13;
/// `FunctionalConstraint` value.
pub const IEC61850_FC_MS: FunctionalConstraint = 14;
/// `FunctionalConstraint` value.
pub const IEC61850_FC_RP: FunctionalConstraint = 15;
/// `FunctionalConstraint` value.
pub const IEC61850_FC_BR: FunctionalConstraint = 16;
/// `FunctionalConstraint` value.
pub const IEC61850_FC_LG: FunctionalConstraint = 17;
/// `FunctionalConstraint` value.
pub const IEC61850_FC_GO: FunctionalConstraint = 18;
/// `FunctionalConstraint` value.
pub const IEC61850_FC_ALL: FunctionalConstraint = 99;
/// `FunctionalConstraint` value.
pub const IEC61850_FC_NONE: FunctionalConstraint = -1;

/// C `uint16_t` typedef `Quality`.
pub type Quality = u16;

/// C `uint16_t` typedef `Validity`.
pub type Validity = u16;

/// C enum `Dbpos` (values below; kept as an integer so any value from C is sound).
pub type Dbpos = c_uint;
/// `Dbpos` value.
pub const DBPOS_INTERMEDIATE_STATE: Dbpos = 0;
/// `Dbpos` value.
pub const DBPOS_OFF: Dbpos = 1;
/// `Dbpos` value.
pub const DBPOS_ON: Dbpos = 2;
/// `Dbpos` value.
pub const DBPOS_BAD_STATE: Dbpos = 3;

/// `#define IEC_61850_EDITION_1`.
pub const IEC_61850_EDITION_1: c_int = 0;

/// `#define IEC_61850_EDITION_2`.
pub const IEC_61850_EDITION_2: c_int = 1;

/// `#define IEC_61850_EDITION_2_1`.
pub const IEC_61850_EDITION_2_1: c_int = 2;

/// `#define TRG_OPT_DATA_CHANGED`.
pub const TRG_OPT_DATA_CHANGED: c_int = 1;

/// `#define TRG_OPT_QUALITY_CHANGED`.
pub const TRG_OPT_QUALITY_CHANGED: c_int = 2;

/// `#define TRG_OPT_DATA_UPDATE`.
pub const TRG_OPT_DATA_UPDATE: c_int = 4;

/// `#define TRG_OPT_INTEGRITY`.
pub const TRG_OPT_INTEGRITY: c_int = 8;

/// `#define TRG_OPT_GI`.
pub const TRG_OPT_GI: c_int = 16;

/// `#define TRG_OPT_TRANSIENT`.
pub const TRG_OPT_TRANSIENT: c_int = 128;

/// `#define RPT_OPT_SEQ_NUM`.
pub const RPT_OPT_SEQ_NUM: c_int = 1;

/// `#define RPT_OPT_TIME_STAMP`.
pub const RPT_OPT_TIME_STAMP: c_int = 2;

/// `#define RPT_OPT_REASON_FOR_INCLUSION`.
pub const RPT_OPT_REASON_FOR_INCLUSION: c_int = 4;

/// `#define RPT_OPT_DATA_SET`.
pub const RPT_OPT_DATA_SET: c_int = 8;

/// `#define RPT_OPT_DATA_REFERENCE`.
pub const RPT_OPT_DATA_REFERENCE: c_int = 16;

/// `#define RPT_OPT_BUFFER_OVERFLOW`.
pub const RPT_OPT_BUFFER_OVERFLOW: c_int = 32;

/// `#define RPT_OPT_ENTRY_ID`.
pub const RPT_OPT_ENTRY_ID: c_int = 64;

/// `#define RPT_OPT_CONF_REV`.
pub const RPT_OPT_CONF_REV: c_int = 128;

/// `#define CONTROL_ORCAT_NOT_SUPPORTED`.
pub const CONTROL_ORCAT_NOT_SUPPORTED: c_int = 0;

/// `#define CONTROL_ORCAT_BAY_CONTROL`.
pub const CONTROL_ORCAT_BAY_CONTROL: c_int = 1;

/// `#define CONTROL_ORCAT_STATION_CONTROL`.
pub const CONTROL_ORCAT_STATION_CONTROL: c_int = 2;

/// `#define CONTROL_ORCAT_REMOTE_CONTROL`.
pub const CONTROL_ORCAT_REMOTE_CONTROL: c_int = 3;

/// `#define CONTROL_ORCAT_AUTOMATIC_BAY`.
pub const CONTROL_ORCAT_AUTOMATIC_BAY: c_int = 4;

/// `#define CONTROL_ORCAT_AUTOMATIC_STATION`.
pub const CONTROL_ORCAT_AUTOMATIC_STATION: c_int = 5;

/// `#define CONTROL_ORCAT_AUTOMATIC_REMOTE`.
pub const CONTROL_ORCAT_AUTOMATIC_REMOTE: c_int = 6;

/// `#define CONTROL_ORCAT_MAINTENANCE`.
pub const CONTROL_ORCAT_MAINTENANCE: c_int = 7;

/// `#define CONTROL_ORCAT_PROCESS`.
pub const CONTROL_ORCAT_PROCESS: c_int = 8;

/// `#define QUALITY_VALIDITY_GOOD`.
pub const QUALITY_VALIDITY_GOOD: c_int = 0;

/// `#define QUALITY_VALIDITY_INVALID`.
pub const QUALITY_VALIDITY_INVALID: c_int = 2;

/// `#define QUALITY_VALIDITY_RESERVED`.
pub const QUALITY_VALIDITY_RESERVED: c_int = 1;

/// `#define QUALITY_VALIDITY_QUESTIONABLE`.
pub const QUALITY_VALIDITY_QUESTIONABLE: c_int = 3;

/// `#define QUALITY_DETAIL_OVERFLOW`.
pub const QUALITY_DETAIL_OVERFLOW: c_int = 4;

/// `#define QUALITY_DETAIL_OUT_OF_RANGE`.
pub const QUALITY_DETAIL_OUT_OF_RANGE: c_int = 8;

/// `#define QUALITY_DETAIL_BAD_REFERENCE`.
pub const QUALITY_DETAIL_BAD_REFERENCE: c_int = 16;

/// `#define QUALITY_DETAIL_OSCILLATORY`.
pub const QUALITY_DETAIL_OSCILLATORY: c_int = 32;

/// `#define QUALITY_DETAIL_FAILURE`.
pub const QUALITY_DETAIL_FAILURE: c_int = 64;

/// `#define QUALITY_DETAIL_OLD_DATA`.
pub const QUALITY_DETAIL_OLD_DATA: c_int = 128;

/// `#define QUALITY_DETAIL_INCONSISTENT`.
pub const QUALITY_DETAIL_INCONSISTENT: c_int = 256;

/// `#define QUALITY_DETAIL_INACCURATE`.
pub const QUALITY_DETAIL_INACCURATE: c_int = 512;

/// `#define QUALITY_SOURCE_SUBSTITUTED`.
pub const QUALITY_SOURCE_SUBSTITUTED: c_int = 1024;

/// `#define QUALITY_TEST`.
pub const QUALITY_TEST: c_int = 2048;

/// `#define QUALITY_OPERATOR_BLOCKED`.
pub const QUALITY_OPERATOR_BLOCKED: c_int = 4096;

/// `#define QUALITY_DERIVED`.
pub const QUALITY_DERIVED: c_int = 8192;

/// Destination address of GOOSE / sampled values (`PhyComAddress`).
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PhyComAddress {
    /// VLAN user priority.
    pub vlanPriority: u8,
    /// VLAN identifier.
    pub vlanId: u16,
    /// Application identifier.
    pub appId: u16,
    /// Destination MAC address.
    pub dstAddress: [u8; 6],
}

/// IEC 61850 UTC time stamp, the 8 bytes of its MMS encoding (`Timestamp`).
#[repr(C)]
#[derive(Clone, Copy)]
pub union Timestamp {
    /// Seconds (4 bytes), fraction (3 bytes), time quality (1 byte), big-endian.
    pub val: [u8; 8],
}

// ---------------------------------------------------------------------------
// Functions of `iec61850_common.h`.

use super::guard;
use super::hal_time::{msSinceEpoch, nsSinceEpoch};
use super::mms_value::new_value;
use super::mms_value::MmsValue_newBitString;
use crate::mms::value::{utc, BitString};
use crate::mms::MmsValue;
use std::ffi::c_char;
use std::ptr::null_mut;

/// Functional constraint names, indexed by their `FunctionalConstraint` value.
const FC_NAMES: [&std::ffi::CStr; 19] = [
    c"ST", c"MX", c"SP", c"SV", c"CF", c"DC", c"SG", c"SE", c"SR", c"OR", c"BL", c"EX", c"CO",
    c"US", c"MS", c"RP", c"BR", c"LG", c"GO",
];

/// `LibIEC61850_getVersionString`: the libiec61850 version this library is compatible with.
#[no_mangle]
pub extern "C" fn LibIEC61850_getVersionString() -> *mut c_char {
    c"1.6.1".as_ptr().cast_mut()
}

/// `FunctionalConstraint_toString`: the two-letter name; NULL for ALL, NONE and unknown values.
#[no_mangle]
pub extern "C" fn FunctionalConstraint_toString(fc: FunctionalConstraint) -> *mut c_char {
    guard(null_mut(), || {
        usize::try_from(fc)
            .ok()
            .and_then(|i| FC_NAMES.get(i))
            .map_or(null_mut(), |n| n.as_ptr().cast_mut())
    })
}

/// `FunctionalConstraint_fromString`: matches the first two characters (case-sensitive);
/// `IEC61850_FC_NONE` otherwise.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn FunctionalConstraint_fromString(
    fcString: *const c_char,
) -> FunctionalConstraint {
    // SAFETY: NULL or a C string.
    guard(IEC61850_FC_NONE, || {
        match unsafe { super::c_str(fcString) } {
            Some(s) => {
                let prefix = s.to_bytes().get(..2);
                FC_NAMES
                    .iter()
                    .position(|n| Some(n.to_bytes()) == prefix)
                    .map_or(IEC61850_FC_NONE, |i| i as FunctionalConstraint)
            }
            None => IEC61850_FC_NONE,
        }
    })
}

/// Runs `f` on the quality behind `q`; `fallback` for NULL.
unsafe fn with_quality<R: Copy>(
    q: *mut Quality,
    fallback: R,
    f: impl FnOnce(&mut Quality) -> R,
) -> R {
    // SAFETY: NULL or a writable Quality, per the callers' contract.
    guard(fallback, || unsafe { q.as_mut() }.map_or(fallback, f))
}

/// `Quality_getValidity`: the two validity bits.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn Quality_getValidity(self_: *mut Quality) -> Validity {
    // SAFETY: NULL or a valid Quality.
    unsafe { with_quality(self_, 0, |q| *q & 3) }
}

/// `Quality_setValidity`: replaces the validity bits (the value is OR-ed in unmasked, as in libiec61850).
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn Quality_setValidity(self_: *mut Quality, validity: Validity) {
    // SAFETY: NULL or a valid Quality.
    unsafe { with_quality(self_, (), |q| *q = (*q & 0xfffc) | validity) }
}

/// `Quality_setFlag`.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn Quality_setFlag(self_: *mut Quality, flag: c_int) {
    // SAFETY: NULL or a valid Quality.
    unsafe { with_quality(self_, (), |q| *q |= flag as Quality) }
}

/// `Quality_unsetFlag`.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn Quality_unsetFlag(self_: *mut Quality, flag: c_int) {
    // SAFETY: NULL or a valid Quality.
    unsafe { with_quality(self_, (), |q| *q &= !(flag as Quality)) }
}

/// `Quality_isFlagSet`: whether any bit of `flag` is set.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn Quality_isFlagSet(self_: *mut Quality, flag: c_int) -> bool {
    // SAFETY: NULL or a valid Quality.
    unsafe { with_quality(self_, false, |q| *q & flag as Quality != 0) }
}

/// Runs `f` on the bit string behind `value`; `fallback` for NULL and other types.
unsafe fn with_bits<R: Copy>(
    value: *mut MmsValue,
    fallback: R,
    f: impl FnOnce(&mut BitString) -> R,
) -> R {
    // SAFETY: NULL or a live value, per the callers' contract.
    guard(fallback, || match unsafe { value.as_mut() } {
        Some(MmsValue::BitString(b)) => f(b),
        _ => fallback,
    })
}

/// `Quality_fromMmsValue`: bit i of the bit string is quality bit i.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn Quality_fromMmsValue(mmsValue: *const MmsValue) -> Quality {
    // SAFETY: NULL or a live value; only read.
    unsafe { with_bits(mmsValue.cast_mut(), 0, |b| b.as_integer() as Quality) }
}

/// `Quality_toMmsValue`: writes the quality into `mmsValue` (a new 13-bit string when NULL).
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn Quality_toMmsValue(
    self_: *mut Quality,
    mmsValue: *mut MmsValue,
) -> *mut MmsValue {
    // SAFETY: NULL or a valid Quality.
    let Some(q) = (unsafe { with_quality(self_, None, |q| Some(*q)) }) else {
        return null_mut();
    };
    let value = if mmsValue.is_null() {
        MmsValue_newBitString(13)
    } else {
        mmsValue
    };
    // SAFETY: a live value.
    unsafe { with_bits(value, (), |b| b.set_from_integer(q.into())) };
    value
}

/// `Dbpos_fromMmsValue`: the bit string read with bit 0 most significant (`10` → ON).
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn Dbpos_fromMmsValue(mmsValue: *const MmsValue) -> Dbpos {
    // SAFETY: NULL or a live value; only read.
    unsafe { with_bits(mmsValue.cast_mut(), 0, |b| b.as_integer_big_endian()) }
}

/// `Dbpos_toMmsValue`: writes the two low bits of `dbpos` into a 2-bit string (a new one when
/// `mmsValue` is NULL); NULL when `mmsValue` is not a 2-bit string.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn Dbpos_toMmsValue(mmsValue: *mut MmsValue, dbpos: Dbpos) -> *mut MmsValue {
    let value = if mmsValue.is_null() {
        MmsValue_newBitString(2)
    } else {
        mmsValue
    };
    // SAFETY: a live value (ours or the caller's).
    let done = unsafe {
        with_bits(value, false, |b| {
            b.size == 2 && {
                b.set_from_integer_big_endian(dbpos & 3);
                true
            }
        })
    };
    if done {
        value
    } else {
        null_mut()
    }
}

/// Runs `f` on the octets of the timestamp behind `t`; `fallback` for NULL.
unsafe fn with_ts<R: Copy>(t: *mut Timestamp, fallback: R, f: impl FnOnce(&mut [u8; 8]) -> R) -> R {
    // SAFETY: NULL or a writable Timestamp; every bit pattern of the union is a valid `val`.
    guard(fallback, || {
        unsafe { t.as_mut() }.map_or(fallback, |t| f(unsafe { &mut t.val }))
    })
}

/// A calloc'ed timestamp holding `octets` (released by `Timestamp_destroy` or `free`).
fn new_timestamp(octets: [u8; 8]) -> *mut Timestamp {
    // SAFETY: allocation of one Timestamp, initialised before it is returned.
    unsafe {
        let t = libc::calloc(1, std::mem::size_of::<Timestamp>()) as *mut Timestamp;
        if !t.is_null() {
            t.write(Timestamp { val: octets });
        }
        t
    }
}

/// `Timestamp_create`: a zero timestamp.
#[no_mangle]
pub extern "C" fn Timestamp_create() -> *mut Timestamp {
    guard(null_mut(), || new_timestamp([0; 8]))
}

/// `Timestamp_createFromByteArray`: a timestamp holding the 8 octets at `byteArray`.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn Timestamp_createFromByteArray(byteArray: *const u8) -> *mut Timestamp {
    guard(null_mut(), || {
        if byteArray.is_null() {
            return null_mut();
        }
        // SAFETY: the caller passes 8 readable octets.
        new_timestamp(unsafe { byteArray.cast::<[u8; 8]>().read_unaligned() })
    })
}

/// `Timestamp_destroy`.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn Timestamp_destroy(self_: *mut Timestamp) {
    // SAFETY: NULL or a timestamp from `Timestamp_create*`.
    guard((), || unsafe { libc::free(self_.cast()) })
}

/// `Timestamp_clearFlags`: clears the whole time quality octet.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn Timestamp_clearFlags(self_: *mut Timestamp) {
    // SAFETY: NULL or a valid Timestamp.
    unsafe { with_ts(self_, (), |t| t[7] = 0) }
}

/// `Timestamp_getTimeInSeconds`.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn Timestamp_getTimeInSeconds(self_: *mut Timestamp) -> u32 {
    // SAFETY: NULL or a valid Timestamp.
    unsafe { with_ts(self_, 0, |t| utc::seconds(t)) }
}

/// `Timestamp_getTimeInMs`.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn Timestamp_getTimeInMs(self_: *mut Timestamp) -> msSinceEpoch {
    // SAFETY: NULL or a valid Timestamp.
    unsafe { with_ts(self_, 0, |t| utc::ms(t)) }
}

/// `Timestamp_getTimeInNs`.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn Timestamp_getTimeInNs(self_: *mut Timestamp) -> nsSinceEpoch {
    // SAFETY: NULL or a valid Timestamp.
    unsafe { with_ts(self_, 0, |t| utc::ns(t)) }
}

/// Reads one flag bit of the time quality octet.
unsafe fn ts_flag(t: *mut Timestamp, mask: u8) -> bool {
    // SAFETY: forwarded caller contract.
    unsafe { with_ts(t, false, |t| t[7] & mask != 0) }
}

/// Sets or clears one flag bit of the time quality octet.
unsafe fn ts_set_flag(t: *mut Timestamp, mask: u8, on: bool) {
    // SAFETY: forwarded caller contract.
    unsafe { with_ts(t, (), |t| if on { t[7] |= mask } else { t[7] &= !mask }) }
}

const LEAP_SECOND_KNOWN: u8 = 0x80;
const CLOCK_FAILURE: u8 = 0x40;
const CLOCK_NOT_SYNCHRONIZED: u8 = 0x20;
const SUBSECOND_PRECISION: u8 = 0x1f;

/// `Timestamp_isLeapSecondKnown`.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn Timestamp_isLeapSecondKnown(self_: *mut Timestamp) -> bool {
    // SAFETY: NULL or a valid Timestamp.
    unsafe { ts_flag(self_, LEAP_SECOND_KNOWN) }
}

/// `Timestamp_setLeapSecondKnown`.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn Timestamp_setLeapSecondKnown(self_: *mut Timestamp, value: bool) {
    // SAFETY: NULL or a valid Timestamp.
    unsafe { ts_set_flag(self_, LEAP_SECOND_KNOWN, value) }
}

/// `Timestamp_hasClockFailure`.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn Timestamp_hasClockFailure(self_: *mut Timestamp) -> bool {
    // SAFETY: NULL or a valid Timestamp.
    unsafe { ts_flag(self_, CLOCK_FAILURE) }
}

/// `Timestamp_setClockFailure`.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn Timestamp_setClockFailure(self_: *mut Timestamp, value: bool) {
    // SAFETY: NULL or a valid Timestamp.
    unsafe { ts_set_flag(self_, CLOCK_FAILURE, value) }
}

/// `Timestamp_isClockNotSynchronized`.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn Timestamp_isClockNotSynchronized(self_: *mut Timestamp) -> bool {
    // SAFETY: NULL or a valid Timestamp.
    unsafe { ts_flag(self_, CLOCK_NOT_SYNCHRONIZED) }
}

/// `Timestamp_setClockNotSynchronized`.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn Timestamp_setClockNotSynchronized(self_: *mut Timestamp, value: bool) {
    // SAFETY: NULL or a valid Timestamp.
    unsafe { ts_set_flag(self_, CLOCK_NOT_SYNCHRONIZED, value) }
}

/// `Timestamp_getSubsecondPrecision`: the 5 precision bits of the quality octet.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn Timestamp_getSubsecondPrecision(self_: *mut Timestamp) -> c_int {
    // SAFETY: NULL or a valid Timestamp.
    unsafe { with_ts(self_, 0, |t| c_int::from(t[7] & SUBSECOND_PRECISION)) }
}

/// `Timestamp_setSubsecondPrecision`: keeps the low 5 bits of `subsecondPrecision`.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn Timestamp_setSubsecondPrecision(
    self_: *mut Timestamp,
    subsecondPrecision: c_int,
) {
    // SAFETY: NULL or a valid Timestamp.
    unsafe {
        with_ts(self_, (), |t| {
            t[7] = (t[7] & !SUBSECOND_PRECISION) | (subsecondPrecision as u8 & SUBSECOND_PRECISION)
        })
    }
}

/// `Timestamp_setFractionOfSecondPart`: the 24-bit fraction (units of 2^-24 s).
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn Timestamp_setFractionOfSecondPart(
    self_: *mut Timestamp,
    fractionOfSecond: u32,
) {
    // SAFETY: NULL or a valid Timestamp.
    unsafe { with_ts(self_, (), |t| utc::set_fraction(t, fractionOfSecond)) }
}

/// `Timestamp_getFractionOfSecondPart`.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn Timestamp_getFractionOfSecondPart(self_: *mut Timestamp) -> u32 {
    // SAFETY: NULL or a valid Timestamp.
    unsafe { with_ts(self_, 0, |t| utc::fraction(t)) }
}

/// `Timestamp_getFractionOfSecond`: the fraction in seconds.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn Timestamp_getFractionOfSecond(self_: *mut Timestamp) -> f32 {
    // SAFETY: NULL or a valid Timestamp.
    unsafe { with_ts(self_, 0.0, |t| utc::fraction(t) as f32 / 16_777_216.0) }
}

/// `Timestamp_setTimeInSeconds`: whole seconds, clearing the fraction.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn Timestamp_setTimeInSeconds(self_: *mut Timestamp, secondsSinceEpoch: u32) {
    // SAFETY: NULL or a valid Timestamp.
    unsafe {
        with_ts(self_, (), |t| {
            utc::set_seconds(t, secondsSinceEpoch);
            utc::set_fraction(t, 0);
        })
    }
}

/// `Timestamp_setTimeInMilliseconds`: keeps the time quality octet.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn Timestamp_setTimeInMilliseconds(
    self_: *mut Timestamp,
    msTime: msSinceEpoch,
) {
    // SAFETY: NULL or a valid Timestamp.
    unsafe { with_ts(self_, (), |t| utc::set_ms(t, msTime)) }
}

/// `Timestamp_setTimeInNanoseconds`: keeps the time quality octet.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn Timestamp_setTimeInNanoseconds(
    self_: *mut Timestamp,
    nsTime: nsSinceEpoch,
) {
    // SAFETY: NULL or a valid Timestamp.
    unsafe { with_ts(self_, (), |t| utc::set_ns(t, nsTime)) }
}

/// The octets of a UTC time value, `None` for NULL and other types.
unsafe fn utc_octets(value: *const MmsValue) -> Option<[u8; 8]> {
    // SAFETY: NULL or a live value, per the callers' contract.
    match unsafe { value.as_ref() } {
        Some(MmsValue::UtcTime(t)) => Some(*t),
        _ => None,
    }
}

/// `Timestamp_setByMmsUtcTime`: copies a UTC time value; other values are ignored.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn Timestamp_setByMmsUtcTime(
    self_: *mut Timestamp,
    mmsValue: *const MmsValue,
) {
    // SAFETY: NULL or a live value; NULL or a valid Timestamp.
    guard((), || unsafe {
        if let Some(octets) = utc_octets(mmsValue) {
            with_ts(self_, (), |t| *t = octets)
        }
    })
}

/// `Timestamp_toMmsValue`: writes the timestamp into a UTC time value (a new one when NULL);
/// another type of value is returned unchanged.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn Timestamp_toMmsValue(
    self_: *mut Timestamp,
    mmsValue: *mut MmsValue,
) -> *mut MmsValue {
    guard(null_mut(), || {
        // SAFETY: NULL or a valid Timestamp.
        let Some(octets) = (unsafe { with_ts(self_, None, |t| Some(*t)) }) else {
            return null_mut();
        };
        // SAFETY: NULL or a live value.
        match unsafe { mmsValue.as_mut() } {
            None => new_value(MmsValue::UtcTime(octets)),
            Some(MmsValue::UtcTime(t)) => {
                *t = octets;
                mmsValue
            }
            Some(_) => mmsValue,
        }
    })
}

/// `Timestamp_fromMmsValue`: copies a UTC time value into `self_` (a new timestamp when NULL);
/// NULL when the value is not a UTC time.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn Timestamp_fromMmsValue(
    self_: *mut Timestamp,
    mmsValue: *mut MmsValue,
) -> *mut Timestamp {
    guard(null_mut(), || {
        // SAFETY: NULL or a live value.
        let Some(octets) = (unsafe { utc_octets(mmsValue) }) else {
            return null_mut();
        };
        if self_.is_null() {
            return new_timestamp(octets);
        }
        // SAFETY: a valid Timestamp.
        unsafe { with_ts(self_, (), |t| *t = octets) };
        self_
    })
}
