//! Declarations of `hal_time.h`.
#![allow(non_camel_case_types, non_snake_case)]

/// C `uint64_t` typedef `nsSinceEpoch`.
pub type nsSinceEpoch = u64;

/// C `uint64_t` typedef `msSinceEpoch`.
pub type msSinceEpoch = u64;

// ---------------------------------------------------------------------------
// Functions of `hal_time.h`.

use super::guard;

/// Reads a clock in nanoseconds (0 if the clock cannot be read).
fn clock_ns(clock: libc::clockid_t) -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec.
    if unsafe { libc::clock_gettime(clock, &mut ts) } != 0 {
        return 0;
    }
    (ts.tv_sec as u64)
        .wrapping_mul(1_000_000_000)
        .wrapping_add(ts.tv_nsec as u64)
}

/// `Hal_getTimeInMs`: wall-clock milliseconds since 1970.
#[no_mangle]
pub extern "C" fn Hal_getTimeInMs() -> msSinceEpoch {
    guard(0, || clock_ns(libc::CLOCK_REALTIME) / 1_000_000)
}

/// `Hal_getTimeInNs`: wall-clock nanoseconds since 1970.
#[no_mangle]
pub extern "C" fn Hal_getTimeInNs() -> nsSinceEpoch {
    guard(0, || clock_ns(libc::CLOCK_REALTIME))
}

/// `Hal_setTimeInNs`: sets the system clock (needs the privilege to do so); true on success.
#[no_mangle]
pub extern "C" fn Hal_setTimeInNs(nsTime: nsSinceEpoch) -> bool {
    guard(false, || {
        let Ok(tv_sec) = libc::time_t::try_from(nsTime / 1_000_000_000) else {
            return false;
        };
        let ts = libc::timespec {
            tv_sec,
            tv_nsec: (nsTime % 1_000_000_000) as libc::c_long,
        };
        // SAFETY: `ts` is a valid timespec; the kernel checks the caller's privilege.
        unsafe { libc::clock_settime(libc::CLOCK_REALTIME, &ts) == 0 }
    })
}

/// `Hal_getMonotonicTimeInMs`: milliseconds of a clock that never jumps.
#[no_mangle]
pub extern "C" fn Hal_getMonotonicTimeInMs() -> msSinceEpoch {
    guard(0, || clock_ns(libc::CLOCK_MONOTONIC) / 1_000_000)
}

/// `Hal_getMonotonicTimeInNs`: nanoseconds of a clock that never jumps. (libiec61850 1.6.1
/// returns wall-clock time here; we keep the documented meaning.)
#[no_mangle]
pub extern "C" fn Hal_getMonotonicTimeInNs() -> nsSinceEpoch {
    guard(0, || clock_ns(libc::CLOCK_MONOTONIC))
}
