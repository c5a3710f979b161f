//! The C ABI of libiec61850 1.6.1: one module per public header, named after it.
//!
//! Each module holds the types its header declares (cbindgen turns them into
//! `include/`) and the `extern "C"` functions we export from it. Protocol logic
//! lives in the safe layers below; these modules only check arguments, convert
//! C values and map errors. Every exported function runs inside [`guard`].

pub mod hal_filesystem;
pub mod hal_thread;
pub mod hal_time;
pub mod iec61850_cdc;
pub mod iec61850_client;
pub mod iec61850_common;
pub mod iec61850_config_file_parser;
pub mod iec61850_dynamic_model;
pub mod iec61850_model;
pub mod iec61850_server;
pub mod iso_connection_parameters;
pub mod libiec61850_common_api;
pub mod linked_list;
pub mod logging_api;
pub mod mms_client_connection;
pub mod mms_common;
pub mod mms_type_spec;
pub mod mms_types;
pub mod mms_value;
pub mod tls_ciphers;
pub mod tls_config;

use std::ffi::{c_char, CStr};
use std::panic::{catch_unwind, AssertUnwindSafe};

// `guard` needs panics to unwind: with `panic = "abort"` a bug would kill the C caller's
// process instead of returning the fallback. Cargo.toml sets it; this keeps it set.
#[cfg(not(panic = "unwind"))]
compile_error!("the C ABI catches panics at the boundary: build with panic = \"unwind\"");

/// Runs `f`; a panic becomes `fallback` so that no unwind crosses the C boundary.
pub(crate) fn guard<R>(fallback: R, f: impl FnOnce() -> R) -> R {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or(fallback)
}

/// Borrows a C string; `None` for NULL.
///
/// # Safety
/// `p` is NULL or points to a NUL-terminated string that outlives `'a`.
pub(crate) unsafe fn c_str<'a>(p: *const c_char) -> Option<&'a CStr> {
    if p.is_null() {
        None
    } else {
        // SAFETY: non-NULL and NUL-terminated by the caller's contract.
        Some(unsafe { CStr::from_ptr(p) })
    }
}

/// A `malloc`ed, NUL-terminated copy of `bytes` that C releases with `free()`; NULL if out of memory.
pub(crate) fn malloc_c_string(bytes: &[u8]) -> *mut c_char {
    // SAFETY: we allocate len + 1 bytes and write exactly that many.
    unsafe {
        let p = libc::malloc(bytes.len() + 1) as *mut u8;
        if !p.is_null() {
            std::ptr::copy_nonoverlapping(bytes.as_ptr(), p, bytes.len());
            *p.add(bytes.len()) = 0;
        }
        p as *mut c_char
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guard_turns_a_panic_into_the_fallback() {
        assert_eq!(guard(-1, || 7), 7);
        let fallback = guard(std::ptr::null_mut::<u8>(), || {
            panic!("bug inside an export")
        });
        assert!(fallback.is_null());
        // A panic in the middle of an exported call leaves the library usable.
        assert_eq!(guard(0, || 1 + 1), 2);
    }
}
