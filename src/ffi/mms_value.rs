//! Declarations of `mms_value.h`.
#![allow(non_camel_case_types, non_snake_case)]

use std::ffi::c_int;

/// C enum `MmsDataAccessError` (values below; kept as an integer so any value from C is sound).
pub type MmsDataAccessError = c_int;
/// `MmsDataAccessError` value.
pub const DATA_ACCESS_ERROR_SUCCESS_NO_UPDATE: MmsDataAccessError = -3;
/// `MmsDataAccessError` value.
pub const DATA_ACCESS_ERROR_NO_RESPONSE: MmsDataAccessError = -2;
/// `MmsDataAccessError` value.
pub const DATA_ACCESS_ERROR_SUCCESS: MmsDataAccessError = -1;
/// `MmsDataAccessError` value.
pub const DATA_ACCESS_ERROR_OBJECT_INVALIDATED: MmsDataAccessError = 0;
/// `MmsDataAccessError` value.
pub const DATA_ACCESS_ERROR_HARDWARE_FAULT: MmsDataAccessError = 1;
/// `MmsDataAccessError` value.
pub const DATA_ACCESS_ERROR_TEMPORARILY_UNAVAILABLE: MmsDataAccessError = 2;
/// `MmsDataAccessError` value.
pub const DATA_ACCESS_ERROR_OBJECT_ACCESS_DENIED: MmsDataAccessError = 3;
/// `MmsDataAccessError` value.
pub const DATA_ACCESS_ERROR_OBJECT_UNDEFINED: MmsDataAccessError = 4;
/// `MmsDataAccessError` value.
pub const DATA_ACCESS_ERROR_INVALID_ADDRESS: MmsDataAccessError = 5;
/// `MmsDataAccessError` value.
pub const DATA_ACCESS_ERROR_TYPE_UNSUPPORTED: MmsDataAccessError = 6;
/// `MmsDataAccessError` value.
pub const DATA_ACCESS_ERROR_TYPE_INCONSISTENT: MmsDataAccessError = 7;
/// `MmsDataAccessError` value.
pub const DATA_ACCESS_ERROR_OBJECT_ATTRIBUTE_INCONSISTENT: MmsDataAccessError = 8;
/// `MmsDataAccessError` value.
pub const DATA_ACCESS_ERROR_OBJECT_ACCESS_UNSUPPORTED: MmsDataAccessError = 9;
/// `MmsDataAccessError` value.
pub const DATA_ACCESS_ERROR_OBJECT_NONE_EXISTENT: MmsDataAccessError = 10;
/// `MmsDataAccessError` value.
pub const DATA_ACCESS_ERROR_OBJECT_VALUE_INVALID: MmsDataAccessError = 11;
/// `MmsDataAccessError` value.
pub const DATA_ACCESS_ERROR_UNKNOWN: MmsDataAccessError = 12;

// ---------------------------------------------------------------------------
// Functions of `mms_value.h`.
//
// `MmsValue*` is a `Box<MmsValue>` turned into a raw pointer. Elements of arrays
// and structures are boxed too, so `MmsValue_getElement` lends out the element's
// own address and `MmsValue_delete` of the parent frees it.

use std::collections::BTreeSet;
use std::ffi::{c_char, c_double, c_float, CStr};
use std::mem::MaybeUninit;
use std::ptr::null_mut;

use parking_lot::Mutex;

use super::mms_common::{MmsError, MmsType, MMS_DATA_ACCESS_ERROR};
use super::{c_str, guard};
use crate::mms::data::{decode_data, encode_data};
use crate::mms::type_spec::{value_max_encoded_size, TypeSpec};
use crate::mms::value::MmsType as Kind;
use crate::mms::value::{
    binary_time, c_string_lossy, utc, BitString, Node, OctetString, Parts, Text,
    UTC_TIME_DEFAULT_QUALITY,
};
use crate::mms::MmsValue;

use super::mms_type_spec::{child_value, spec_from_c};
use super::mms_types::MmsVariableSpecification;

/// Addresses of values marked by `MmsValue_setDeletable`: the Rust value has no room for the
/// flag, and only code that uses `MmsValue_deleteConditional` ever fills this set.
static DELETABLE: Mutex<BTreeSet<usize>> = Mutex::new(BTreeSet::new());

fn address(v: &MmsValue) -> usize {
    v as *const MmsValue as usize
}

/// Forgets the marks of `value` and every element below it.
fn unmark(value: &MmsValue) {
    let mut marked = DELETABLE.lock();
    if !marked.is_empty() {
        for_each_node(value, &mut |n| {
            marked.remove(&address(n));
        });
    }
}

/// A new C handle owning `value`. A fresh value carries no mark, even where a freed one did.
pub(crate) fn new_value(value: MmsValue) -> *mut MmsValue {
    let value = Box::new(value);
    unmark(&value);
    Box::into_raw(value)
}

/// Runs `f` on the value behind `p`; `fallback` for NULL or a panic.
///
/// # Safety
/// `p` is NULL or a live `MmsValue*` of this library.
unsafe fn read<R: Copy>(p: *const MmsValue, fallback: R, f: impl FnOnce(&MmsValue) -> R) -> R {
    // SAFETY: per this function's contract.
    guard(fallback, || unsafe { p.as_ref() }.map_or(fallback, f))
}

/// Runs `f` on the value behind `p`; nothing for NULL.
///
/// # Safety
/// `p` is NULL or a live `MmsValue*` of this library that nobody else borrows now.
unsafe fn write(p: *mut MmsValue, f: impl FnOnce(&mut MmsValue)) {
    // SAFETY: per this function's contract.
    guard((), || {
        if let Some(v) = unsafe { p.as_mut() } {
            f(v)
        }
    })
}

/// `n` zero values, or `None` when `n` is negative or cannot be allocated.
fn zeroed<T: Clone + Default>(n: c_int) -> Option<Vec<T>> {
    let n = usize::try_from(n).ok()?;
    let mut v = Vec::new();
    v.try_reserve_exact(n).ok()?;
    v.resize(n, T::default());
    Some(v)
}

/// Calls `f` with the address of `value` and of every element below it.
fn for_each_node(value: &MmsValue, f: &mut impl FnMut(&MmsValue)) {
    f(value);
    value
        .elements()
        .iter()
        .flatten()
        .for_each(|e| for_each_node(e, f));
}

/// Frees a value and its elements, forgetting their marks.
///
/// # Safety
/// `p` is NULL or a live `MmsValue*` of this library that nothing else owns (so not a clone
/// in a caller's buffer).
pub(crate) unsafe fn delete_value(p: *mut MmsValue) {
    if p.is_null() {
        return;
    }
    // SAFETY: per this function's contract, `p` came from Box::into_raw.
    let value = unsafe { Box::from_raw(p) };
    unmark(&value);
}

/// Copies the deletable marks of `from` onto the same nodes of its clone `to`.
fn copy_marks(from: &MmsValue, to: &MmsValue, marked: &mut BTreeSet<usize>) {
    if marked.contains(&address(from)) {
        marked.insert(address(to));
    }
    for (a, b) in from.elements().iter().zip(to.elements()) {
        if let (Some(a), Some(b)) = (a, b) {
            copy_marks(a, b, marked);
        }
    }
}

/// `MmsValue_newBoolean`.
#[no_mangle]
pub extern "C" fn MmsValue_newBoolean(boolean: bool) -> *mut MmsValue {
    guard(null_mut(), || new_value(MmsValue::Boolean(boolean)))
}

/// `MmsValue_newIntegerFromInt8`.
#[no_mangle]
pub extern "C" fn MmsValue_newIntegerFromInt8(integer: i8) -> *mut MmsValue {
    guard(null_mut(), || new_value(MmsValue::Integer(integer.into())))
}

/// `MmsValue_newIntegerFromInt16`.
#[no_mangle]
pub extern "C" fn MmsValue_newIntegerFromInt16(integer: i16) -> *mut MmsValue {
    guard(null_mut(), || new_value(MmsValue::Integer(integer.into())))
}

/// `MmsValue_newIntegerFromInt32`.
#[no_mangle]
pub extern "C" fn MmsValue_newIntegerFromInt32(integer: i32) -> *mut MmsValue {
    guard(null_mut(), || new_value(MmsValue::Integer(integer.into())))
}

/// `MmsValue_newIntegerFromInt64`.
#[no_mangle]
pub extern "C" fn MmsValue_newIntegerFromInt64(integer: i64) -> *mut MmsValue {
    guard(null_mut(), || new_value(MmsValue::Integer(integer)))
}

/// `MmsValue_newUnsignedFromUint32`.
#[no_mangle]
pub extern "C" fn MmsValue_newUnsignedFromUint32(integer: u32) -> *mut MmsValue {
    guard(null_mut(), || new_value(MmsValue::Unsigned(integer.into())))
}

/// `MmsValue_newInteger`: an integer of value 0 (the size is not observable).
#[no_mangle]
pub extern "C" fn MmsValue_newInteger(_size: c_int) -> *mut MmsValue {
    guard(null_mut(), || new_value(MmsValue::Integer(0)))
}

/// `MmsValue_newUnsigned`: an unsigned of value 0 (the size is not observable).
#[no_mangle]
pub extern "C" fn MmsValue_newUnsigned(_size: c_int) -> *mut MmsValue {
    guard(null_mut(), || new_value(MmsValue::Unsigned(0)))
}

/// `MmsValue_newFloat`.
#[no_mangle]
pub extern "C" fn MmsValue_newFloat(value: c_float) -> *mut MmsValue {
    guard(null_mut(), || new_value(MmsValue::Float(value)))
}

/// `MmsValue_newDouble`.
#[no_mangle]
pub extern "C" fn MmsValue_newDouble(value: c_double) -> *mut MmsValue {
    guard(null_mut(), || new_value(MmsValue::Double(value)))
}

/// A string value built by `make` from the text of a C string; NULL for a NULL string.
unsafe fn new_string(string: *const c_char, make: fn(Text) -> MmsValue) -> *mut MmsValue {
    // SAFETY: the caller passes NULL or a C string.
    guard(null_mut(), || {
        unsafe { c_str(string) }.map_or(null_mut(), |s| new_value(make(s.to_owned().into())))
    })
}

/// A string value of the bytes up to the first NUL in `buf[..size]`, of capacity `size`;
/// NULL for a NULL buffer.
unsafe fn new_string_from_bytes(
    buf: *const u8,
    size: c_int,
    make: fn(Text) -> MmsValue,
) -> *mut MmsValue {
    guard(null_mut(), || match usize::try_from(size) {
        Ok(n) if !buf.is_null() => {
            // SAFETY: the caller passes `size` readable bytes.
            let bytes = unsafe { std::slice::from_raw_parts(buf, n) };
            new_value(make(Text::with_capacity(c_string_lossy(bytes), n)))
        }
        _ => null_mut(),
    })
}

/// `MmsValue_newVisibleString`; NULL for a NULL string.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsValue_newVisibleString(string: *const c_char) -> *mut MmsValue {
    // SAFETY: forwarded caller contract.
    unsafe { new_string(string, MmsValue::VisibleString) }
}

/// `MmsValue_newMmsString`; NULL for a NULL string.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsValue_newMmsString(string: *const c_char) -> *mut MmsValue {
    // SAFETY: forwarded caller contract.
    unsafe { new_string(string, MmsValue::MmsString) }
}

/// An empty string of capacity `size` (0 when negative).
fn new_string_with_size(size: c_int, make: fn(Text) -> MmsValue) -> *mut MmsValue {
    let capacity = usize::try_from(size).unwrap_or(0);
    guard(null_mut(), || {
        new_value(make(Text::with_capacity(Default::default(), capacity)))
    })
}

/// `MmsValue_newVisibleStringWithSize`: an empty visible string of capacity `size`.
#[no_mangle]
pub extern "C" fn MmsValue_newVisibleStringWithSize(size: c_int) -> *mut MmsValue {
    new_string_with_size(size, MmsValue::VisibleString)
}

/// `MmsValue_newMmsStringWithSize`: an empty MMS string of capacity `size`.
#[no_mangle]
pub extern "C" fn MmsValue_newMmsStringWithSize(size: c_int) -> *mut MmsValue {
    new_string_with_size(size, MmsValue::MmsString)
}

/// `MmsValue_newVisibleStringFromByteArray`.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsValue_newVisibleStringFromByteArray(
    byteArray: *const u8,
    size: c_int,
) -> *mut MmsValue {
    // SAFETY: forwarded caller contract.
    unsafe { new_string_from_bytes(byteArray, size, MmsValue::VisibleString) }
}

/// `MmsValue_newMmsStringFromByteArray`.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsValue_newMmsStringFromByteArray(
    byteArray: *const u8,
    size: c_int,
) -> *mut MmsValue {
    // SAFETY: forwarded caller contract.
    unsafe { new_string_from_bytes(byteArray, size, MmsValue::MmsString) }
}

/// `MmsValue_newOctetString`: `size` zero octets, accepting up to `maxSize`.
#[no_mangle]
pub extern "C" fn MmsValue_newOctetString(size: c_int, maxSize: c_int) -> *mut MmsValue {
    guard(null_mut(), || {
        let Some(mut data) = zeroed::<u8>(size.max(0)) else {
            return null_mut();
        };
        let max_size = usize::try_from(maxSize).unwrap_or(0);
        // Room for maxSize octets so that C code may write through MmsValue_getOctetStringBuffer.
        if data
            .try_reserve_exact(max_size.saturating_sub(data.len()))
            .is_err()
        {
            return null_mut();
        }
        new_value(MmsValue::OctetString(OctetString {
            data: data.into(),
            max_size,
        }))
    })
}

/// `MmsValue_newBitString`: `|bitSize|` clear bits (a negative size counts as positive).
#[no_mangle]
pub extern "C" fn MmsValue_newBitString(bitSize: c_int) -> *mut MmsValue {
    guard(null_mut(), || {
        let size = bitSize.unsigned_abs();
        match zeroed::<u8>(size.div_ceil(8) as c_int) {
            Some(bytes) => new_value(MmsValue::BitString(BitString {
                size,
                bytes: bytes.into(),
            })),
            None => null_mut(),
        }
    })
}

/// `MmsValue_newUtcTime`: seconds since 1970, zero fraction and quality.
#[no_mangle]
pub extern "C" fn MmsValue_newUtcTime(timeval: u32) -> *mut MmsValue {
    guard(null_mut(), || {
        let mut t = [0u8; 8];
        utc::set_seconds(&mut t, timeval);
        new_value(MmsValue::UtcTime(t))
    })
}

/// `MmsValue_newUtcTimeByMsTime`: milliseconds since 1970, default time quality.
#[no_mangle]
pub extern "C" fn MmsValue_newUtcTimeByMsTime(timeval: u64) -> *mut MmsValue {
    guard(null_mut(), || {
        let mut t = [0, 0, 0, 0, 0, 0, 0, UTC_TIME_DEFAULT_QUALITY];
        utc::set_ms(&mut t, timeval);
        new_value(MmsValue::UtcTime(t))
    })
}

/// `MmsValue_newBinaryTime`: 4 octets (time of day) or 6 octets (with date), all zero.
#[no_mangle]
pub extern "C" fn MmsValue_newBinaryTime(timeOfDay: bool) -> *mut MmsValue {
    guard(null_mut(), || {
        new_value(MmsValue::BinaryTime(
            vec![0; if timeOfDay { 4 } else { 6 }].into(),
        ))
    })
}

/// `MmsValue_newDataAccessError`.
#[no_mangle]
pub extern "C" fn MmsValue_newDataAccessError(accessError: MmsDataAccessError) -> *mut MmsValue {
    guard(null_mut(), || {
        new_value(MmsValue::DataAccessError(accessError))
    })
}

/// `MmsValue_createEmptyArray`: `size` unset elements; NULL for a negative size.
#[no_mangle]
pub extern "C" fn MmsValue_createEmptyArray(size: c_int) -> *mut MmsValue {
    guard(null_mut(), || {
        zeroed(size).map_or(null_mut(), |e| new_value(MmsValue::Array(e.into())))
    })
}

/// `MmsValue_createEmptyStructure`: `size` unset components; NULL for a negative size.
#[no_mangle]
pub extern "C" fn MmsValue_createEmptyStructure(size: c_int) -> *mut MmsValue {
    guard(null_mut(), || {
        zeroed(size).map_or(null_mut(), |e| new_value(MmsValue::Structure(e.into())))
    })
}

/// `MmsValue_clone`: a deep copy (deletable marks included); NULL for NULL.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsValue_clone(value: *const MmsValue) -> *mut MmsValue {
    // SAFETY: NULL or a live value.
    unsafe {
        read(value, null_mut(), |v| {
            let copy = new_value(v.clone());
            let mut marked = DELETABLE.lock();
            if !marked.is_empty() {
                // SAFETY (of the enclosing block): `copy` was just created.
                copy_marks(v, &*copy, &mut marked);
            }
            copy
        })
    }
}

// Clones in a caller's buffer (`MmsValue_getSizeInMemory`, `MmsValue_cloneToBuffer`): the
// value, then its parts, each region rounded up to 8 bytes (the largest alignment placed), so
// that callers can pack clones one after another in one allocation, as libiec61850's do.

const PLACE_ALIGN: usize = 8;
const _: () = assert!(
    std::mem::align_of::<MmsValue>() <= PLACE_ALIGN
        && std::mem::align_of::<Option<Node>>() <= PLACE_ALIGN
);

/// Bytes `n` items of `T` take in a buffer, rounded up to the alignment.
fn region<T>(n: usize) -> Option<usize> {
    n.checked_mul(std::mem::size_of::<T>())?
        .checked_next_multiple_of(PLACE_ALIGN)
}

/// Bytes the clone of `v` takes in a caller's buffer; `None` beyond the address space.
fn placed_size(v: &MmsValue) -> Option<usize> {
    let parts = match v {
        MmsValue::Array(e) | MmsValue::Structure(e) => e
            .iter()
            .flatten()
            .try_fold(region::<Option<Node>>(e.len())?, |sum, child| {
                sum.checked_add(placed_size(child)?)
            })?,
        MmsValue::BitString(b) => region::<u8>(b.bytes.len())?,
        MmsValue::OctetString(o) => region::<u8>(o.max_size.max(o.data.len()))?,
        MmsValue::VisibleString(s) | MmsValue::GeneralizedTime(s) | MmsValue::MmsString(s) => {
            region::<u8>(s.capacity().checked_add(1)?)?
        }
        MmsValue::BinaryTime(b) => region::<u8>(b.len())?,
        MmsValue::ObjId(arcs) => region::<u32>(arcs.len())?,
        _ => 0,
    };
    region::<MmsValue>(1)?.checked_add(parts)
}

/// The items of `region`, all written.
///
/// # Safety
/// Every item of `region` is initialised.
unsafe fn written<T>(region: &'static mut [MaybeUninit<T>]) -> &'static mut [T] {
    // SAFETY: per this function's contract; MaybeUninit<T> has the layout of T.
    unsafe { &mut *(region as *mut [MaybeUninit<T>] as *mut [T]) }
}

/// Hands out the regions of a caller's buffer that [`placed_size`] measured.
struct Arena {
    next: *mut u8,
}

impl Arena {
    /// The next region, for `n` items of `T`.
    ///
    /// # Safety
    /// The buffer has room for it (measured by [`placed_size`]), `next` is 8-aligned, and the
    /// buffer outlives every value placed in it (the caller's contract).
    unsafe fn take<T>(&mut self, n: usize) -> &'static mut [MaybeUninit<T>] {
        let start = self.next.cast::<MaybeUninit<T>>();
        // SAFETY: per this function's contract; the size did not overflow when measured.
        unsafe {
            self.next = self.next.add(region::<T>(n).unwrap_or(0));
            std::slice::from_raw_parts_mut(start, n)
        }
    }

    /// A region holding `items` then default items up to `capacity`.
    ///
    /// # Safety
    /// As [`Arena::take`].
    unsafe fn fill<T: Copy + Default>(&mut self, items: &[T], capacity: usize) -> &'static mut [T] {
        // SAFETY: forwarded contract.
        let region = unsafe { self.take::<T>(capacity) };
        let source = items.iter().copied().chain(std::iter::repeat(T::default()));
        for (slot, item) in region.iter_mut().zip(source) {
            slot.write(item);
        }
        // SAFETY: every item was just written.
        unsafe { written(region) }
    }

    /// A copy of `items` with room for `capacity`.
    ///
    /// # Safety
    /// As [`Arena::take`].
    unsafe fn parts<T: Copy + Default>(&mut self, items: &[T], capacity: usize) -> Parts<T> {
        Parts::Placed {
            // SAFETY: forwarded contract.
            buf: unsafe { self.fill(items, capacity) },
            len: items.len(),
        }
    }

    /// A copy of a text, its NUL and room up to its capacity.
    ///
    /// # Safety
    /// As [`Arena::take`].
    unsafe fn text(&mut self, s: &Text) -> Text {
        // SAFETY: forwarded contract.
        Text::Placed(unsafe { self.fill(s.to_bytes_with_nul(), s.capacity() + 1) })
    }

    /// The clone of `v` whose parts are taken from this buffer (its own header is not).
    ///
    /// # Safety
    /// As [`Arena::take`].
    unsafe fn clone_parts(&mut self, v: &MmsValue) -> MmsValue {
        // SAFETY (of every call below): forwarded contract.
        unsafe {
            match v {
                MmsValue::Array(e) => MmsValue::Array(self.elements(e)),
                MmsValue::Structure(e) => MmsValue::Structure(self.elements(e)),
                MmsValue::BitString(b) => MmsValue::BitString(BitString {
                    size: b.size,
                    bytes: self.parts(&b.bytes, b.bytes.len()),
                }),
                MmsValue::OctetString(o) => MmsValue::OctetString(OctetString {
                    data: self.parts(&o.data, o.max_size.max(o.data.len())),
                    max_size: o.max_size,
                }),
                MmsValue::VisibleString(s) => MmsValue::VisibleString(self.text(s)),
                MmsValue::GeneralizedTime(s) => MmsValue::GeneralizedTime(self.text(s)),
                MmsValue::MmsString(s) => MmsValue::MmsString(self.text(s)),
                MmsValue::BinaryTime(b) => MmsValue::BinaryTime(self.parts(b, b.len())),
                MmsValue::ObjId(arcs) => MmsValue::ObjId(self.parts(arcs, arcs.len())),
                scalar => scalar.clone(),
            }
        }
    }

    /// Clones of the elements `e`, each with its header and parts in this buffer.
    ///
    /// # Safety
    /// As [`Arena::take`].
    unsafe fn elements(&mut self, e: &[Option<Node>]) -> Parts<Option<Node>> {
        // SAFETY (of every call below): forwarded contract.
        unsafe {
            let slots = self.take::<Option<Node>>(e.len());
            for (slot, element) in slots.iter_mut().zip(e) {
                slot.write(element.as_deref().map(|child| {
                    let header = &mut self.take::<MmsValue>(1)[0];
                    Node::Placed(header.write(self.clone_parts(child)))
                }));
            }
            Parts::Placed {
                // Every slot was just written.
                buf: written(slots),
                len: e.len(),
            }
        }
    }
}

/// `MmsValue_getSizeInMemory`: bytes `MmsValue_cloneToBuffer` writes for this value (a
/// multiple of 8; our layout, so not the reference's numbers); 0 for NULL, -1 beyond `INT_MAX`.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsValue_getSizeInMemory(self_: *const MmsValue) -> c_int {
    // SAFETY: NULL or a live value.
    unsafe {
        read(self_, 0, |v| {
            placed_size(v).map_or(-1, |n| c_int::try_from(n).unwrap_or(-1))
        })
    }
}

/// `MmsValue_cloneToBuffer`: a deep copy of the value at `destinationAddress`, its parts after
/// it, in `MmsValue_getSizeInMemory` bytes; returns the address just after them. The copy is a
/// full value (it may be read, updated and cloned) that the caller never deletes: freeing the
/// buffer ends it (as in libiec61850, it must not be passed to `MmsValue_delete`). NULL,
/// writing nothing, for a NULL
/// value or buffer and for a buffer not aligned to 8 bytes.
///
/// # Safety
/// `destinationAddress` has room for `MmsValue_getSizeInMemory(self)` bytes and outlives every
/// use of the copy; `self` is NULL or a live value.
#[no_mangle]
pub unsafe extern "C" fn MmsValue_cloneToBuffer(
    self_: *const MmsValue,
    destinationAddress: *mut u8,
) -> *mut u8 {
    guard(null_mut(), || {
        // SAFETY: NULL or a live value.
        let Some(v) = (unsafe { self_.as_ref() }) else {
            return null_mut();
        };
        if destinationAddress.is_null()
            || destinationAddress as usize % PLACE_ALIGN != 0
            || placed_size(v).is_none()
        {
            return null_mut();
        }
        let mut arena = Arena {
            next: destinationAddress,
        };
        // SAFETY: an aligned buffer of placed_size(v) bytes by the caller's contract; the
        // regions taken add up to that size.
        let header = unsafe { &mut arena.take::<MmsValue>(1)[0] };
        // SAFETY: as above.
        let copy = header.write(unsafe { arena.clone_parts(v) });
        // A fresh copy: marks left at these addresses by freed values do not apply.
        unmark(copy);
        arena.next
    })
}

/// `MmsValue_delete`: frees the value and all its elements; NULL is a no-op.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsValue_delete(value: *mut MmsValue) {
    // SAFETY: NULL or a live value the caller gives up.
    guard((), || unsafe { delete_value(value) })
}

/// `MmsValue_isDeletable`: 1 after `MmsValue_setDeletable`, else 0.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsValue_isDeletable(value: *mut MmsValue) -> c_int {
    guard(0, || {
        c_int::from(!value.is_null() && DELETABLE.lock().contains(&(value as usize)))
    })
}

/// `MmsValue_setDeletable`.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsValue_setDeletable(value: *mut MmsValue) {
    guard((), || {
        if !value.is_null() {
            DELETABLE.lock().insert(value as usize);
        }
    })
}

/// `MmsValue_setDeletableRecursive`: marks the value and every element below it.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsValue_setDeletableRecursive(value: *mut MmsValue) {
    // SAFETY: NULL or a live value.
    unsafe {
        read(value, (), |v| {
            let mut marked = DELETABLE.lock();
            for_each_node(v, &mut |n| {
                marked.insert(address(n));
            });
        })
    }
}

/// `MmsValue_deleteConditional`: deletes the value only if it is marked deletable.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsValue_deleteConditional(value: *mut MmsValue) {
    // SAFETY: forwarded caller contract.
    if unsafe { MmsValue_isDeletable(value) } != 0 {
        unsafe { MmsValue_delete(value) }
    }
}

/// `MmsValue_getType`; `MMS_DATA_ACCESS_ERROR` for NULL.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsValue_getType(value: *const MmsValue) -> MmsType {
    // SAFETY: NULL or a live value.
    unsafe { read(value, MMS_DATA_ACCESS_ERROR, |v| v.mms_type() as MmsType) }
}

/// `MmsValue_getTypeString`: a static name such as `"visible-string"`; NULL for NULL.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsValue_getTypeString(value: *mut MmsValue) -> *const c_char {
    // SAFETY: NULL or a live value.
    unsafe { read(value, std::ptr::null(), |v| v.type_name().as_ptr()) }
}

/// `MmsValue_getDataAccessError`; `DATA_ACCESS_ERROR_SUCCESS` for values that are no error.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsValue_getDataAccessError(value: *const MmsValue) -> MmsDataAccessError {
    // SAFETY: NULL or a live value.
    unsafe {
        read(value, DATA_ACCESS_ERROR_SUCCESS, |v| match v {
            MmsValue::DataAccessError(e) => *e,
            _ => DATA_ACCESS_ERROR_SUCCESS,
        })
    }
}

/// `MmsValue_toInt32`.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsValue_toInt32(value: *const MmsValue) -> i32 {
    // SAFETY: NULL or a live value.
    unsafe { read(value, 0, MmsValue::to_i32) }
}

/// `MmsValue_toInt64`.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsValue_toInt64(value: *const MmsValue) -> i64 {
    // SAFETY: NULL or a live value.
    unsafe { read(value, 0, MmsValue::to_i64) }
}

/// `MmsValue_toUint32`.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsValue_toUint32(value: *const MmsValue) -> u32 {
    // SAFETY: NULL or a live value.
    unsafe { read(value, 0, MmsValue::to_u32) }
}

/// `MmsValue_toFloat`.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsValue_toFloat(value: *const MmsValue) -> c_float {
    // SAFETY: NULL or a live value.
    unsafe { read(value, 0.0, MmsValue::to_f32) }
}

/// `MmsValue_toDouble`.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsValue_toDouble(value: *const MmsValue) -> c_double {
    // SAFETY: NULL or a live value.
    unsafe { read(value, 0.0, MmsValue::to_f64) }
}

/// `MmsValue_getBoolean`; false for other types.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsValue_getBoolean(value: *const MmsValue) -> bool {
    // SAFETY: NULL or a live value.
    unsafe { read(value, false, |v| matches!(v, MmsValue::Boolean(true))) }
}

/// `MmsValue_setBoolean`; other types are left alone.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsValue_setBoolean(value: *mut MmsValue, boolValue: bool) {
    // SAFETY: NULL or a live value.
    unsafe {
        write(value, |v| {
            if let MmsValue::Boolean(b) = v {
                *b = boolValue
            }
        })
    }
}

/// Sets a signed integer value; unsigned and other types are left alone, as in libiec61850.
unsafe fn set_signed(value: *mut MmsValue, new: i64) {
    // SAFETY: forwarded caller contract.
    unsafe {
        write(value, |v| {
            if let MmsValue::Integer(i) = v {
                *i = new
            }
        })
    }
}

/// Sets an unsigned value; signed integers and other types are left alone, as in libiec61850.
unsafe fn set_unsigned(value: *mut MmsValue, new: u64) {
    // SAFETY: forwarded caller contract.
    unsafe {
        write(value, |v| {
            if let MmsValue::Unsigned(u) = v {
                *u = new
            }
        })
    }
}

/// `MmsValue_setInt8`.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsValue_setInt8(value: *mut MmsValue, integer: i8) {
    // SAFETY: forwarded caller contract.
    unsafe { set_signed(value, integer.into()) }
}

/// `MmsValue_setInt16`.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsValue_setInt16(value: *mut MmsValue, integer: i16) {
    // SAFETY: forwarded caller contract.
    unsafe { set_signed(value, integer.into()) }
}

/// `MmsValue_setInt32`.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsValue_setInt32(value: *mut MmsValue, integer: i32) {
    // SAFETY: forwarded caller contract.
    unsafe { set_signed(value, integer.into()) }
}

/// `MmsValue_setInt64`.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsValue_setInt64(value: *mut MmsValue, integer: i64) {
    // SAFETY: forwarded caller contract.
    unsafe { set_signed(value, integer) }
}

/// `MmsValue_setUint8`.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsValue_setUint8(value: *mut MmsValue, integer: u8) {
    // SAFETY: forwarded caller contract.
    unsafe { set_unsigned(value, integer.into()) }
}

/// `MmsValue_setUint16`.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsValue_setUint16(value: *mut MmsValue, integer: u16) {
    // SAFETY: forwarded caller contract.
    unsafe { set_unsigned(value, integer.into()) }
}

/// `MmsValue_setUint32`.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsValue_setUint32(value: *mut MmsValue, integer: u32) {
    // SAFETY: forwarded caller contract.
    unsafe { set_unsigned(value, integer.into()) }
}

/// `MmsValue_setFloat`: a double value keeps its width.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsValue_setFloat(value: *mut MmsValue, newFloatValue: c_float) {
    // SAFETY: NULL or a live value.
    unsafe { MmsValue_setDouble(value, newFloatValue.into()) }
}

/// `MmsValue_setDouble`: a 32-bit float value stores the value rounded to `f32`.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsValue_setDouble(value: *mut MmsValue, newDoubleValue: c_double) {
    // SAFETY: NULL or a live value.
    unsafe {
        write(value, |v| match v {
            MmsValue::Float(f) => *f = newDoubleValue as f32,
            MmsValue::Double(d) => *d = newDoubleValue,
            _ => {}
        })
    }
}

/// `MmsValue_toString`: the text of a visible or MMS string, valid until the value changes;
/// NULL for other types.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsValue_toString(value: *mut MmsValue) -> *const c_char {
    // SAFETY: NULL or a live value.
    unsafe {
        read(value, std::ptr::null(), |v| match v {
            MmsValue::VisibleString(s) | MmsValue::MmsString(s) => s.as_ptr(),
            _ => std::ptr::null(),
        })
    }
}

/// `MmsValue_getStringSize`: capacity of a visible or MMS string, as libiec61850 reports it:
/// the size it was made with or the longest text it held (0 for other types).
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsValue_getStringSize(value: *mut MmsValue) -> c_int {
    // SAFETY: NULL or a live value.
    unsafe {
        read(value, 0, |v| match v {
            MmsValue::VisibleString(s) | MmsValue::MmsString(s) => {
                c_int::try_from(s.capacity()).unwrap_or(c_int::MAX)
            }
            _ => 0,
        })
    }
}

/// `MmsValue_setVisibleString`; other types (even MMS strings) are left alone.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsValue_setVisibleString(value: *mut MmsValue, string: *const c_char) {
    // SAFETY: NULL or a live value; `string` NULL or a C string.
    unsafe { set_text(value, string, Kind::VisibleString) }
}

/// Sets the text of a string value of type `kind` (other values are left alone). The text is
/// copied first: `string` may point into the value itself (`MmsValue_toString`).
///
/// # Safety
/// `value` is NULL or a live value; `string` NULL or a C string.
unsafe fn set_text(value: *mut MmsValue, string: *const c_char, kind: Kind) {
    // SAFETY: per this function's contract.
    let Some(new) = guard(None, || {
        unsafe { c_str(string) }.map(|s| s.to_bytes().to_vec())
    }) else {
        return;
    };
    // SAFETY: per this function's contract; nothing else borrows the value now.
    unsafe {
        write(value, |v| match v {
            MmsValue::VisibleString(s) if kind == Kind::VisibleString => s.assign(&new),
            MmsValue::MmsString(s) if kind == Kind::MmsString => s.assign(&new),
            _ => {}
        })
    }
}

/// `MmsValue_setMmsString`; other types (even visible strings) are left alone.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsValue_setMmsString(value: *mut MmsValue, string: *const c_char) {
    // SAFETY: NULL or a live value; `string` NULL or a C string.
    unsafe { set_text(value, string, Kind::MmsString) }
}

/// `MmsValue_getArraySize`: number of elements of an array or structure (0 otherwise).
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsValue_getArraySize(array: *const MmsValue) -> u32 {
    // SAFETY: NULL or a live value.
    unsafe { read(array, 0, |v| v.elements().len() as u32) }
}

/// `MmsValue_getElement`: borrows element `index` of an array or structure; NULL when absent.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsValue_getElement(
    array: *const MmsValue,
    index: c_int,
) -> *mut MmsValue {
    guard(null_mut(), || {
        // Derived mutably: the caller may change the element through the pointer it gets.
        // SAFETY: NULL or a live value of this library (created mutable, whatever the C const).
        match unsafe { array.cast_mut().as_mut() } {
            Some(MmsValue::Array(e) | MmsValue::Structure(e)) => usize::try_from(index)
                .ok()
                .and_then(|i| e.get_mut(i))
                .and_then(|slot| slot.as_deref_mut())
                .map_or(null_mut(), |element| element as *mut MmsValue),
            _ => null_mut(),
        }
    })
}

/// `MmsValue_setElement`: stores `elementValue` (taking ownership) at `index` of an array or
/// structure. As in libiec61850 the element it replaces is not freed: it stays with the
/// caller. An element that cannot be stored (bad index, not a container) is freed.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsValue_setElement(
    complexValue: *mut MmsValue,
    index: c_int,
    elementValue: *mut MmsValue,
) {
    guard((), || {
        // SAFETY: NULL or a live value.
        let slot = unsafe { complexValue.as_mut() }.and_then(|v| match v {
            MmsValue::Array(e) | MmsValue::Structure(e) => {
                usize::try_from(index).ok().and_then(|i| e.get_mut(i))
            }
            _ => None,
        });
        match slot {
            Some(slot) => {
                if slot
                    .as_deref()
                    .is_some_and(|old| std::ptr::eq(old, elementValue))
                {
                    return;
                }
                // SAFETY: a non-NULL element is a live value whose ownership the caller passes.
                let new = (!elementValue.is_null())
                    .then(|| Node::Owned(unsafe { Box::from_raw(elementValue) }));
                if let Some(Node::Owned(old)) = std::mem::replace(slot, new) {
                    // The caller may still hold (and free) the replaced element.
                    let _ = Box::into_raw(old);
                }
            }
            // SAFETY: the caller passed ownership of a live value (or NULL).
            None => unsafe { delete_value(elementValue) },
        }
    })
}

/// Runs `f` on the octet string behind `p` (fallback for NULL and other types).
unsafe fn octets<R: Copy>(
    p: *mut MmsValue,
    fallback: R,
    f: impl FnOnce(&mut OctetString) -> R,
) -> R {
    guard(fallback, || {
        // SAFETY: NULL or a live value, per the callers' contract.
        match unsafe { p.as_mut() } {
            Some(MmsValue::OctetString(o)) => f(o),
            _ => fallback,
        }
    })
}

/// Runs `f` on the bit string behind `p` (fallback for NULL and other types).
unsafe fn bits<R: Copy>(p: *mut MmsValue, fallback: R, f: impl FnOnce(&mut BitString) -> R) -> R {
    guard(fallback, || {
        // SAFETY: NULL or a live value, per the callers' contract.
        match unsafe { p.as_mut() } {
            Some(MmsValue::BitString(b)) => f(b),
            _ => fallback,
        }
    })
}

/// Runs `f` on the 8 octets of the UTC time behind `p` (fallback for NULL and other types).
unsafe fn utc_time<R: Copy>(p: *mut MmsValue, fallback: R, f: impl FnOnce(&mut [u8; 8]) -> R) -> R {
    guard(fallback, || {
        // SAFETY: NULL or a live value, per the callers' contract.
        match unsafe { p.as_mut() } {
            Some(MmsValue::UtcTime(t)) => f(t),
            _ => fallback,
        }
    })
}

/// `MmsValue_setOctetString`: replaces the content unless `size` exceeds the maximum size.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsValue_setOctetString(
    value: *mut MmsValue,
    buf: *const u8,
    size: c_int,
) {
    let Ok(n) = usize::try_from(size) else {
        return;
    };
    // SAFETY: NULL or a live value.
    let max_size = unsafe { octets(value, 0, |o| o.max_size) };
    if n > max_size || (n > 0 && buf.is_null()) {
        return;
    }
    // A copy first: `buf` may be the value's own (`MmsValue_getOctetStringBuffer`).
    // SAFETY: `buf` holds `size` bytes (none are read when 0).
    let new = guard(None, || {
        Some(match n {
            0 => Vec::new(),
            _ => unsafe { std::slice::from_raw_parts(buf, n) }.to_vec(),
        })
    });
    if let Some(new) = new {
        // SAFETY: NULL or a live value, not borrowed elsewhere now.
        unsafe { octets(value, (), |o| o.data.assign(&new)) }
    }
}

/// `MmsValue_setOctetStringOctet`: sets one octet below the maximum size, growing the string
/// to include it.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsValue_setOctetStringOctet(
    value: *mut MmsValue,
    octetPos: c_int,
    octet: u8,
) {
    // SAFETY: NULL or a live value.
    unsafe {
        octets(value, (), |o| {
            let Ok(pos) = usize::try_from(octetPos) else {
                return;
            };
            if pos < o.data.len().max(o.max_size) {
                if pos >= o.data.len() {
                    o.data.resize(pos + 1, 0);
                }
                o.data[pos] = octet;
            }
        })
    }
}

/// `MmsValue_getOctetStringSize`.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsValue_getOctetStringSize(value: *const MmsValue) -> u16 {
    // SAFETY: NULL or a live value; only read.
    unsafe { octets(value.cast_mut(), 0, |o| o.data.len() as u16) }
}

/// `MmsValue_getOctetStringMaxSize`.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsValue_getOctetStringMaxSize(value: *mut MmsValue) -> u16 {
    // SAFETY: NULL or a live value.
    unsafe { octets(value, 0, |o| o.max_size as u16) }
}

/// `MmsValue_getOctetStringBuffer`: the octets, writable up to the maximum size.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsValue_getOctetStringBuffer(value: *mut MmsValue) -> *mut u8 {
    // SAFETY: NULL or a live value.
    unsafe {
        octets(value, null_mut(), |o| {
            o.data.reserve_ptr(o.max_size).unwrap_or(null_mut())
        })
    }
}

/// `MmsValue_getOctetStringOctet`: the octet at `pos`, 0 beyond the size.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsValue_getOctetStringOctet(value: *mut MmsValue, pos: c_int) -> u8 {
    // SAFETY: NULL or a live value.
    unsafe {
        octets(value, 0, |o| {
            usize::try_from(pos)
                .ok()
                .and_then(|p| o.data.get(p).copied())
                .unwrap_or(0)
        })
    }
}

/// `MmsValue_getBitStringBit`: false out of range.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsValue_getBitStringBit(value: *const MmsValue, bitPos: c_int) -> bool {
    // SAFETY: NULL or a live value; only read.
    unsafe {
        bits(value.cast_mut(), false, |b| {
            u32::try_from(bitPos).is_ok_and(|p| b.get(p))
        })
    }
}

/// `MmsValue_setBitStringBit`: ignored out of range.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsValue_setBitStringBit(
    value: *mut MmsValue,
    bitPos: c_int,
    bitValue: bool,
) {
    // SAFETY: NULL or a live value.
    unsafe {
        bits(value, (), |b| {
            if let Ok(p) = u32::try_from(bitPos) {
                b.set(p, bitValue)
            }
        })
    }
}

/// `MmsValue_getBitStringSize`: number of bits.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsValue_getBitStringSize(value: *const MmsValue) -> c_int {
    // SAFETY: NULL or a live value; only read.
    unsafe { bits(value.cast_mut(), 0, |b| b.size as c_int) }
}

/// `MmsValue_getBitStringByteSize`: number of octets holding the bits.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsValue_getBitStringByteSize(value: *const MmsValue) -> c_int {
    // SAFETY: NULL or a live value; only read.
    unsafe { bits(value.cast_mut(), 0, |b| b.bytes.len() as c_int) }
}

/// `MmsValue_getNumberOfSetBits`.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsValue_getNumberOfSetBits(value: *const MmsValue) -> c_int {
    // SAFETY: NULL or a live value; only read.
    unsafe { bits(value.cast_mut(), 0, |b| b.count_ones() as c_int) }
}

/// `MmsValue_setAllBitStringBits`.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsValue_setAllBitStringBits(value: *mut MmsValue) {
    // SAFETY: NULL or a live value.
    unsafe { bits(value, (), BitString::set_all) }
}

/// `MmsValue_deleteAllBitStringBits`.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsValue_deleteAllBitStringBits(value: *mut MmsValue) {
    // SAFETY: NULL or a live value.
    unsafe { bits(value, (), BitString::clear_all) }
}

/// `MmsValue_getBitStringAsInteger`: bit 0 is the least significant bit.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsValue_getBitStringAsInteger(value: *const MmsValue) -> u32 {
    // SAFETY: NULL or a live value; only read.
    unsafe { bits(value.cast_mut(), 0, |b| b.as_integer()) }
}

/// `MmsValue_getBitStringAsIntegerBigEndian`: bit 0 is the most significant bit.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsValue_getBitStringAsIntegerBigEndian(value: *const MmsValue) -> u32 {
    // SAFETY: NULL or a live value; only read.
    unsafe { bits(value.cast_mut(), 0, |b| b.as_integer_big_endian()) }
}

/// `MmsValue_setBitStringFromInteger`.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsValue_setBitStringFromInteger(value: *mut MmsValue, intValue: u32) {
    // SAFETY: NULL or a live value.
    unsafe { bits(value, (), |b| b.set_from_integer(intValue)) }
}

/// `MmsValue_setBitStringFromIntegerBigEndian`.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsValue_setBitStringFromIntegerBigEndian(
    value: *mut MmsValue,
    intValue: u32,
) {
    // SAFETY: NULL or a live value.
    unsafe { bits(value, (), |b| b.set_from_integer_big_endian(intValue)) }
}

/// `MmsValue_setUtcTime`: sets the seconds, keeping fraction and quality; returns `value`.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsValue_setUtcTime(value: *mut MmsValue, timeval: u32) -> *mut MmsValue {
    // SAFETY: NULL or a live value.
    unsafe { utc_time(value, (), |t| utc::set_seconds(t, timeval)) };
    value
}

/// `MmsValue_setUtcTimeMs`: sets the time and the default quality; returns `value`.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsValue_setUtcTimeMs(
    value: *mut MmsValue,
    timeval: u64,
) -> *mut MmsValue {
    // SAFETY: forwarded caller contract.
    unsafe { MmsValue_setUtcTimeMsEx(value, timeval, UTC_TIME_DEFAULT_QUALITY) }
}

/// `MmsValue_setUtcTimeMsEx`: sets the time and quality; returns `value`.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsValue_setUtcTimeMsEx(
    value: *mut MmsValue,
    timeval: u64,
    timeQuality: u8,
) -> *mut MmsValue {
    // SAFETY: NULL or a live value.
    unsafe {
        utc_time(value, (), |t| {
            utc::set_ms(t, timeval);
            t[7] = timeQuality;
        })
    };
    value
}

/// `MmsValue_setUtcTimeByBuffer`: copies the 8 octets of the MMS encoding.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsValue_setUtcTimeByBuffer(value: *mut MmsValue, buffer: *const u8) {
    if buffer.is_null() {
        return;
    }
    // A copy first: `buffer` may be the value's own (`MmsValue_getUtcTimeBuffer`).
    // SAFETY: `buffer` holds 8 octets.
    let octets = unsafe { buffer.cast::<[u8; 8]>().read_unaligned() };
    // SAFETY: NULL or a live value.
    unsafe { utc_time(value, (), |t| *t = octets) }
}

/// `MmsValue_getUtcTimeBuffer`: the 8 octets inside the value; NULL for other types.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsValue_getUtcTimeBuffer(value: *mut MmsValue) -> *mut u8 {
    // SAFETY: NULL or a live value.
    unsafe { utc_time(value, null_mut(), |t| t.as_mut_ptr()) }
}

/// `MmsValue_getUtcTimeInMs`.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsValue_getUtcTimeInMs(value: *const MmsValue) -> u64 {
    // SAFETY: NULL or a live value; only read.
    unsafe { utc_time(value.cast_mut(), 0, |t| utc::ms(t)) }
}

/// `MmsValue_getUtcTimeInMsWithUs`: milliseconds, and the microseconds within the last
/// millisecond in `*usec` (when not NULL).
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsValue_getUtcTimeInMsWithUs(
    value: *const MmsValue,
    usec: *mut u32,
) -> u64 {
    // SAFETY: NULL or a live value; `usec` NULL or writable.
    unsafe {
        utc_time(value.cast_mut(), 0, |t| {
            let (ms, us) = utc::ms_with_us(t);
            if !usec.is_null() {
                *usec = us;
            }
            ms
        })
    }
}

/// `MmsValue_toUnixTimestamp`: seconds of a UTC time.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsValue_toUnixTimestamp(value: *const MmsValue) -> u32 {
    // SAFETY: NULL or a live value; only read.
    unsafe { utc_time(value.cast_mut(), 0, |t| utc::seconds(t)) }
}

/// `MmsValue_setUtcTimeQuality`.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsValue_setUtcTimeQuality(value: *mut MmsValue, timeQuality: u8) {
    // SAFETY: NULL or a live value.
    unsafe { utc_time(value, (), |t| t[7] = timeQuality) }
}

/// `MmsValue_getUtcTimeQuality`.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsValue_getUtcTimeQuality(value: *const MmsValue) -> u8 {
    // SAFETY: NULL or a live value; only read.
    unsafe { utc_time(value.cast_mut(), 0, |t| t[7]) }
}

/// `MmsValue_setBinaryTime`: milliseconds since 1970 (times before 1984 store zero).
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsValue_setBinaryTime(value: *mut MmsValue, timestamp: u64) {
    // SAFETY: NULL or a live value.
    unsafe {
        write(value, |v| {
            if let MmsValue::BinaryTime(octets) = v {
                binary_time::set_ms(octets, timestamp)
            }
        })
    }
}

/// `MmsValue_getBinaryTimeAsUtcMs`: milliseconds since 1970 (time of day for the short form).
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsValue_getBinaryTimeAsUtcMs(value: *const MmsValue) -> u64 {
    // SAFETY: NULL or a live value.
    unsafe {
        read(value, 0, |v| match v {
            MmsValue::BinaryTime(octets) => binary_time::ms(octets),
            _ => 0,
        })
    }
}

/// Runs `f` on two values; false when either is NULL.
unsafe fn both(
    a: *const MmsValue,
    b: *const MmsValue,
    f: impl FnOnce(&MmsValue, &MmsValue) -> bool,
) -> bool {
    // SAFETY: NULL or live values, per the callers' contract.
    guard(false, || match unsafe { (a.as_ref(), b.as_ref()) } {
        (Some(a), Some(b)) => f(a, b),
        _ => false,
    })
}

/// `MmsValue_equals`.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsValue_equals(
    self_: *const MmsValue,
    otherValue: *const MmsValue,
) -> bool {
    // SAFETY: NULL or live values.
    unsafe { both(self_, otherValue, MmsValue::equals) }
}

/// `MmsValue_equalTypes`.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsValue_equalTypes(
    self_: *const MmsValue,
    otherValue: *const MmsValue,
) -> bool {
    // SAFETY: NULL or live values.
    unsafe { both(self_, otherValue, MmsValue::equal_types) }
}

/// `MmsValue_update`: copies `source` into `self_` when their types fit.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsValue_update(self_: *mut MmsValue, source: *const MmsValue) -> bool {
    if std::ptr::eq(self_, source) {
        // SAFETY: NULL or a live value.
        return unsafe { both(self_, source, |_, _| true) };
    }
    guard(false, || {
        // A copy first: one value may be an element of the other, so no borrow of `source` may
        // overlap the mutable one of `self_`.
        // SAFETY: NULL or a live value.
        let Some(source) = (unsafe { source.as_ref() }).cloned() else {
            return false;
        };
        // SAFETY: NULL or a live value, not borrowed elsewhere now.
        unsafe { self_.as_mut() }.is_some_and(|target| target.update(&source))
    })
}

/// `MmsValue_printToBuffer`: the value as text, cut to `bufferSize - 1` bytes; returns `buffer`.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsValue_printToBuffer(
    value: *const MmsValue,
    buffer: *mut c_char,
    bufferSize: c_int,
) -> *const c_char {
    guard((), || {
        let Ok(size) = usize::try_from(bufferSize) else {
            return;
        };
        if buffer.is_null() || size == 0 {
            return;
        }
        // SAFETY: NULL or a live value.
        let text = unsafe { value.as_ref() }
            .map(MmsValue::to_text)
            .unwrap_or_default();
        let n = text.len().min(size - 1);
        // SAFETY: the caller provides `bufferSize` writable bytes; we write n + 1 <= size.
        unsafe {
            std::ptr::copy_nonoverlapping(text.as_ptr(), buffer.cast::<u8>(), n);
            *buffer.add(n) = 0;
        }
    });
    buffer
}

/// Nesting levels `MmsValue_decodeMmsData` accepts, counting the innermost scalar as in
/// libiec61850 (a value nested in 24 structures decodes, one in 25 does not).
const DEFAULT_MAX_RECURSION: c_int = 25;

/// `MmsValue_decodeMmsData`: decodes the Data TLV at `buffer[bufPos..bufferLength]`, sets
/// `*endBufPos` to the position after it; NULL (and `*endBufPos` untouched) on error.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsValue_decodeMmsData(
    buffer: *mut u8,
    bufPos: c_int,
    bufferLength: c_int,
    endBufPos: *mut c_int,
) -> *mut MmsValue {
    // SAFETY: forwarded caller contract.
    unsafe {
        MmsValue_decodeMmsDataMaxRecursion(
            buffer,
            bufPos,
            bufferLength,
            endBufPos,
            DEFAULT_MAX_RECURSION,
        )
    }
}

/// `MmsValue_decodeMmsDataMaxRecursion`: as `MmsValue_decodeMmsData` with at most
/// `maxDepth` nesting levels, the innermost scalar included.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsValue_decodeMmsDataMaxRecursion(
    buffer: *mut u8,
    bufPos: c_int,
    bufferLength: c_int,
    endBufPos: *mut c_int,
    maxDepth: c_int,
) -> *mut MmsValue {
    guard(null_mut(), || {
        let (Ok(start), Ok(end), Ok(levels)) = (
            usize::try_from(bufPos),
            usize::try_from(bufferLength),
            usize::try_from(maxDepth),
        ) else {
            return null_mut();
        };
        if buffer.is_null() || start >= end || levels == 0 {
            return null_mut();
        }
        // SAFETY: the caller passes a buffer of `bufferLength` readable bytes.
        let bytes = unsafe { std::slice::from_raw_parts(buffer.add(start), end - start) };
        match decode_data(bytes, levels - 1) {
            Ok((value, used)) => {
                if !endBufPos.is_null() {
                    // SAFETY: a writable int; start + used <= bufferLength fits in c_int.
                    unsafe { *endBufPos = (start + used) as c_int };
                }
                new_value(value)
            }
            Err(_) => null_mut(),
        }
    })
}

/// `MmsValue_encodeMmsData`: with `encode`, writes the BER encoding at `buffer + bufPos` and
/// returns the position after it; without, returns the encoded size. Values without an
/// encoding (unset elements, access errors) write nothing and count 0 bytes.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsValue_encodeMmsData(
    self_: *mut MmsValue,
    buffer: *mut u8,
    bufPos: c_int,
    encode: bool,
) -> c_int {
    let fallback = if encode { bufPos } else { 0 };
    // SAFETY: NULL or a live value.
    unsafe {
        read(self_, fallback, |v| {
            let mut out = Vec::new();
            if encode_data(v, &mut out).is_err() {
                return fallback;
            }
            if !encode {
                return out.len() as c_int;
            }
            let Ok(start) = usize::try_from(bufPos) else {
                return fallback;
            };
            if buffer.is_null() {
                return fallback;
            }
            // SAFETY: the caller provides room for the encoding at `buffer + bufPos`.
            std::ptr::copy_nonoverlapping(out.as_ptr(), buffer.add(start), out.len());
            bufPos + out.len() as c_int
        })
    }
}

// ---------------------------------------------------------------------------
// Values and type specifications (`MmsVariableSpecification`, see mms_type_spec).

/// A new value made by `make` from the type tree at `spec`; NULL when there is none.
///
/// # Safety
/// `spec` is NULL or a valid `MmsVariableSpecification` tree.
unsafe fn from_spec(
    spec: *const MmsVariableSpecification,
    make: impl FnOnce(TypeSpec) -> Option<MmsValue>,
) -> *mut MmsValue {
    // SAFETY: forwarded contract.
    guard(null_mut(), || {
        unsafe { spec_from_c(spec) }
            .and_then(make)
            .map_or(null_mut(), new_value)
    })
}

/// `MmsValue_createArray`: `size` default values of `elementType`; NULL for a negative size
/// or an element type without a default. As in the reference, an empty array never looks at
/// the element type beyond its presence.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsValue_createArray(
    elementType: *const MmsVariableSpecification,
    size: c_int,
) -> *mut MmsValue {
    let Ok(count) = u32::try_from(size) else {
        return null_mut();
    };
    if count == 0 && !elementType.is_null() {
        return guard(null_mut(), || new_value(MmsValue::Array(Parts::default())));
    }
    // SAFETY: forwarded caller contract.
    unsafe {
        from_spec(elementType, |element| {
            TypeSpec::Array {
                packed: false,
                count,
                element: Box::new(element),
            }
            .default_value()
        })
    }
}

/// `MmsValue_newStructure`: the default value of a structure type; NULL for other types.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsValue_newStructure(
    typeSpec: *const MmsVariableSpecification,
) -> *mut MmsValue {
    // SAFETY: forwarded caller contract.
    unsafe {
        from_spec(typeSpec, |t| {
            matches!(t, TypeSpec::Structure { .. })
                .then(|| t.default_value())
                .flatten()
        })
    }
}

/// `MmsValue_newDefaultValue`: see [`TypeSpec::default_value`].
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsValue_newDefaultValue(
    typeSpec: *const MmsVariableSpecification,
) -> *mut MmsValue {
    // SAFETY: forwarded caller contract.
    unsafe { from_spec(typeSpec, |t| t.default_value()) }
}

/// `MmsValue_getSubElement`: borrows the component of `self` at the `$`-separated path
/// `mmsPath` of type `varSpec`; NULL when absent.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsValue_getSubElement(
    self_: *mut MmsValue,
    varSpec: *mut MmsVariableSpecification,
    mmsPath: *mut c_char,
) -> *mut MmsValue {
    // SAFETY: forwarded caller contract.
    guard(null_mut(), || unsafe {
        c_str(mmsPath).map_or(null_mut(), |p| child_value(varSpec, self_, p.to_bytes()))
    })
}

/// `MmsValue_getMaxEncodedSize`: see [`value_max_encoded_size`]; 0 for NULL.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsValue_getMaxEncodedSize(self_: *mut MmsValue) -> c_int {
    // SAFETY: NULL or a live value.
    unsafe {
        read(self_, 0, |v| {
            c_int::try_from(value_max_encoded_size(v)).unwrap_or(c_int::MAX)
        })
    }
}

/// `MmsVariableSpecification_getMaxEncodedSize`: see [`TypeSpec::max_encoded_size`]; 0 for
/// NULL and unknown types.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsVariableSpecification_getMaxEncodedSize(
    self_: *mut MmsVariableSpecification,
) -> c_int {
    // SAFETY: forwarded caller contract.
    guard(0, || {
        unsafe { spec_from_c(self_) }.map_or(0, |t| {
            c_int::try_from(t.max_encoded_size()).unwrap_or(c_int::MAX)
        })
    })
}

/// `MmsError_toString`: the reference's name for an `MmsError`, `"unknown"` for other values.
#[no_mangle]
pub extern "C" fn MmsError_toString(err: MmsError) -> *const c_char {
    guard(c"unknown".as_ptr(), || mms_error_name(err).as_ptr())
}

fn mms_error_name(err: MmsError) -> &'static CStr {
    match err {
        0 => c"none",
        1 => c"connection-rejected",
        2 => c"connection-lost",
        3 => c"service-timeout",
        4 => c"parsing-error",
        5 => c"hardware-fault",
        6 => c"conclude-rejected",
        7 => c"invalid-arguments",
        8 => c"outstanding-call-limit",
        9 => c"other",
        10 => c"vmd-state-other",
        20 => c"app-reference-other",
        30 => c"definition-other",
        31 => c"invalid-address",
        32 => c"type-unsupported",
        33 => c"type-inconsistent",
        34 => c"object-undefined",
        35 => c"object-exists",
        36 => c"object-attribute-inconsistent",
        40 => c"resource-other",
        41 => c"capability-unavailable",
        50 => c"service-other",
        55 => c"object-constraint-conflict",
        60 => c"preempt-other",
        70 => c"time-resolution-other",
        80 => c"access-other",
        81 => c"object-non-existent",
        82 => c"object-access-unsupported",
        83 => c"object-access-denied",
        84 => c"object-invalidated",
        85 => c"object-value-invalid",
        86 => c"temporarily-unavailable",
        90 => c"file-other",
        91 => c"filename-ambiguous",
        92 => c"file-busy",
        93 => c"filename-syntax-error",
        94 => c"file-content-type-invalid",
        95 => c"file-position-invalid",
        96 => c"file-access-denied",
        97 => c"file-non-existent",
        98 => c"duplicate-filename",
        99 => c"insufficient-space-in-filestore",
        100 => c"reject-other",
        101 => c"reject-unknown-pdu-type",
        102 => c"reject-invalid-pdu",
        103 => c"reject-unrecognized-service",
        104 => c"reject-unrecognized-modifier",
        105 => c"reject-request-invalid-argument",
        _ => c"unknown",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `MmsValue_printToBuffer` writes for `v`.
    ///
    /// # Safety
    /// `v` is a live value.
    unsafe fn printed(v: *const MmsValue) -> Vec<u8> {
        let mut text = [0 as c_char; 128];
        // SAFETY: per this function's contract; the buffer holds 128 characters.
        unsafe {
            MmsValue_printToBuffer(v, text.as_mut_ptr(), 128);
            CStr::from_ptr(text.as_ptr()).to_bytes().to_vec()
        }
    }

    #[test]
    fn set_element_adopts_and_replaced_element_stays_with_caller() {
        // SAFETY: handles created here and used as the C API documents.
        unsafe {
            let s = MmsValue_createEmptyStructure(2);
            let first = MmsValue_newIntegerFromInt32(1);
            MmsValue_setElement(s, 0, first);
            assert_eq!(MmsValue_getElement(s, 0), first);
            MmsValue_setElement(s, 0, MmsValue_newBoolean(true));
            assert_eq!(MmsValue_toInt32(first), 1); // still alive: the caller owns it again
            MmsValue_delete(first);
            MmsValue_setElement(s, 7, MmsValue_newBoolean(true)); // freed, not stored
            assert_eq!(printed(s), b"{true,(null)}");
            MmsValue_delete(s);
        }
    }

    #[test]
    fn deletable_marks_follow_clones_and_vanish_on_delete() {
        // SAFETY: handles created here and used as the C API documents.
        unsafe {
            let a = MmsValue_createEmptyArray(1);
            MmsValue_setElement(a, 0, MmsValue_newFloat(1.0));
            MmsValue_setDeletableRecursive(a);
            let c = MmsValue_clone(a);
            assert_eq!(MmsValue_isDeletable(MmsValue_getElement(c, 0)), 1);
            MmsValue_deleteConditional(c);
            MmsValue_deleteConditional(a);
            assert!(DELETABLE
                .lock()
                .iter()
                .all(|&p| p != a as usize && p != c as usize));
        }
    }

    /// A tree of every type with parts: structure { int, "text", octets 3/10, bits 13,
    /// array [ mms string, binary time, float ] }.
    fn every_part() -> *mut MmsValue {
        // SAFETY: handles created here and used as the C API documents.
        unsafe {
            let s = MmsValue_createEmptyStructure(5);
            MmsValue_setElement(s, 0, MmsValue_newIntegerFromInt32(-7));
            MmsValue_setElement(s, 1, MmsValue_newVisibleString(c"text".as_ptr()));
            MmsValue_setElement(s, 2, MmsValue_newOctetString(3, 10));
            MmsValue_setElement(s, 3, MmsValue_newBitString(13));
            let a = MmsValue_createEmptyArray(3);
            MmsValue_setElement(a, 0, MmsValue_newMmsString(c"\u{e9}t\u{e9}".as_ptr()));
            MmsValue_setElement(a, 1, MmsValue_newBinaryTime(false));
            MmsValue_setElement(a, 2, MmsValue_newFloat(2.5));
            MmsValue_setElement(s, 4, a);
            s
        }
    }

    /// Every node of a placed tree and all its parts lie in `range`.
    fn all_placed(v: &MmsValue, range: &std::ops::Range<usize>) -> bool {
        let inside = |p: *const u8| range.contains(&(p as usize));
        inside((v as *const MmsValue).cast())
            && match v {
                MmsValue::Array(e) | MmsValue::Structure(e) => {
                    matches!(e, Parts::Placed { .. })
                        && e.iter()
                            .flatten()
                            .all(|c| matches!(c, Node::Placed(_)) && all_placed(c, range))
                }
                MmsValue::OctetString(o) => inside(o.data.as_ptr()),
                MmsValue::BitString(b) => inside(b.bytes.as_ptr()),
                MmsValue::VisibleString(t) | MmsValue::MmsString(t) => inside(t.as_ptr().cast()),
                MmsValue::BinaryTime(b) => inside(b.as_ptr()),
                _ => true,
            }
    }

    #[test]
    fn clones_in_a_buffer_are_whole_values_packed_one_after_another() {
        // SAFETY: handles created here; the buffer outlives the clones placed in it.
        unsafe {
            let v = every_part();
            let size = MmsValue_getSizeInMemory(v);
            assert!(size > 0 && size % 8 == 0);
            let mut buffer = vec![0u64; 2 * size as usize / 8];
            let start = buffer.as_mut_ptr().cast::<u8>();
            let second = MmsValue_cloneToBuffer(v, start);
            assert_eq!(second, start.add(size as usize));
            assert_eq!(
                MmsValue_cloneToBuffer(v, second),
                start.add(2 * size as usize)
            );
            let range = start as usize..start as usize + 2 * size as usize;
            for copy in [start, second].map(|p| p.cast::<MmsValue>()) {
                assert!(all_placed(&*copy, &range));
                assert!(MmsValue_equals(copy, v));
                assert_eq!(MmsValue_getSizeInMemory(copy), size);
            }
            let copy = start.cast::<MmsValue>();
            // Changes that fit stay in the buffer and leave the original alone.
            MmsValue_setInt32(MmsValue_getElement(copy, 0), 99);
            MmsValue_setVisibleString(MmsValue_getElement(copy, 1), c"abc".as_ptr());
            MmsValue_setOctetString(MmsValue_getElement(copy, 2), [1u8; 10].as_ptr(), 10);
            MmsValue_setBitStringBit(MmsValue_getElement(copy, 3), 12, true);
            let update = MmsValue_clone(v);
            MmsValue_setVisibleString(MmsValue_getElement(update, 1), c"tex".as_ptr());
            assert!(MmsValue_update(copy, update));
            assert!(all_placed(&*copy, &range));
            assert!(MmsValue_equals(copy, update) && !MmsValue_equals(copy, v));
            // A clone of a clone is an ordinary value.
            let heap = MmsValue_clone(copy);
            assert!(MmsValue_equals(heap, copy));
            // A longer text than the buffer holds moves to the heap; the value stays whole.
            MmsValue_setVisibleString(MmsValue_getElement(copy, 1), c"much longer".as_ptr());
            assert_eq!(
                printed(copy),
                b"{-7,much longer,000000,0000000000000,{\xc3\xa9t\xc3\xa9,19840101000000.000Z,2.500000}}"
            );
            for value in [v, update, heap] {
                MmsValue_delete(value);
            }
        }
    }

    #[test]
    fn unset_elements_are_placed_unset() {
        // SAFETY: handles created here; the buffer outlives the clone placed in it.
        unsafe {
            let s = MmsValue_createEmptyStructure(2);
            MmsValue_setElement(s, 0, MmsValue_newBoolean(true));
            let mut buffer = vec![0u64; MmsValue_getSizeInMemory(s) as usize / 8];
            let copy = buffer.as_mut_ptr().cast::<u8>();
            MmsValue_cloneToBuffer(s, copy);
            let copy = copy.cast::<MmsValue>();
            assert!(MmsValue_getElement(copy, 1).is_null());
            assert_eq!(printed(copy), b"{true,(null)}");
            MmsValue_delete(s);
        }
    }

    #[test]
    fn clone_to_buffer_refuses_what_it_cannot_place() {
        // SAFETY: handles created here; nothing is written for refused calls.
        unsafe {
            let v = MmsValue_newVisibleString(c"x".as_ptr());
            let mut buffer = [0u64; 16];
            let misaligned = buffer.as_mut_ptr().cast::<u8>().add(4);
            assert!(MmsValue_cloneToBuffer(v, misaligned).is_null());
            assert!(buffer.iter().all(|&w| w == 0));
            assert!(MmsValue_cloneToBuffer(v, null_mut()).is_null());
            assert!(MmsValue_cloneToBuffer(std::ptr::null(), buffer.as_mut_ptr().cast()).is_null());
            assert_eq!(MmsValue_getSizeInMemory(std::ptr::null()), 0);
            MmsValue_delete(v);
        }
    }

    #[test]
    fn a_fresh_value_carries_no_mark_left_at_its_address() {
        // SAFETY: handles created here and used as the C API documents.
        unsafe {
            let old = MmsValue_newBoolean(true);
            MmsValue_setDeletable(old);
            // Freed by a path that does not know about marks, as a data set's values are.
            drop(Box::from_raw(old));
            // The allocator hands the address out again to a value of the same size.
            let fresh: Vec<_> = (0..64).map(|_| MmsValue_newIntegerFromInt32(1)).collect();
            let reused = *fresh.iter().find(|&&p| p == old).expect("address reused");
            assert_eq!(MmsValue_isDeletable(reused), 0);
            fresh.into_iter().for_each(|p| MmsValue_delete(p));
        }
    }

    #[test]
    fn setters_accept_the_values_own_buffers() {
        // SAFETY: handles created here; the buffers passed belong to the values themselves.
        unsafe {
            let text = MmsValue_newVisibleString(c"same".as_ptr());
            MmsValue_setVisibleString(text, MmsValue_toString(text));
            let octets = MmsValue_newOctetString(0, 4);
            let buffer = MmsValue_getOctetStringBuffer(octets);
            buffer.copy_from_nonoverlapping([1, 2, 3].as_ptr(), 3);
            MmsValue_setOctetString(octets, buffer, 3);
            let time = MmsValue_newUtcTimeByMsTime(1_700_000_000_123);
            MmsValue_setUtcTimeByBuffer(time, MmsValue_getUtcTimeBuffer(time));
            let mut copy = vec![0u64; MmsValue_getSizeInMemory(text) as usize / 8];
            let placed = copy.as_mut_ptr().cast::<u8>();
            MmsValue_cloneToBuffer(text, placed);
            let placed = placed.cast::<MmsValue>();
            MmsValue_setVisibleString(placed, MmsValue_toString(placed));
            assert_eq!(printed(text), b"same");
            assert_eq!(printed(placed), b"same");
            assert_eq!(printed(octets), b"010203");
            assert_eq!(MmsValue_getUtcTimeInMs(time), 1_700_000_000_123);
            for v in [text, octets, time] {
                MmsValue_delete(v);
            }
        }
    }
}
