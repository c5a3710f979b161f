//! Declarations and functions of `hal_thread.h`: threads and semaphores for C programs.
#![allow(non_camel_case_types, non_snake_case)]

use std::ffi::{c_int, c_void};
use std::thread::JoinHandle;
use std::time::Duration;

use super::guard;
use crate::hal;

/// C `void* (*)(void*)`: the function a `Thread` runs.
pub type ThreadExecutionFunction =
    Option<unsafe extern "C" fn(parameter: *mut c_void) -> *mut c_void>;

/// A thread of the C program (opaque).
pub struct sThread {
    function: unsafe extern "C" fn(*mut c_void) -> *mut c_void,
    parameter: *mut c_void,
    autodestroy: bool,
    handle: Option<JoinHandle<()>>,
}

/// C `struct sThread*` typedef `Thread`.
pub type Thread = *mut sThread;

/// C `void*` typedef `Semaphore`.
pub type Semaphore = *mut c_void;

/// What a started thread owns: the C function and its argument, or the whole object
/// when it destroys itself.
struct Start {
    function: unsafe extern "C" fn(*mut c_void) -> *mut c_void,
    parameter: *mut c_void,
    autodestroy: Option<Thread>,
}

// SAFETY: the parameter is the C program's to share with its thread (that is what
// Thread_create is for); an autodestroy object is touched by its thread alone once started.
unsafe impl Send for Start {}

/// `Thread_create`: a thread that will run `function(parameter)` once started; with
/// `autodestroy` it frees itself when the function returns (and must not be destroyed).
/// NULL when `function` is NULL.
#[no_mangle]
pub extern "C" fn Thread_create(
    function: ThreadExecutionFunction,
    parameter: *mut c_void,
    autodestroy: bool,
) -> Thread {
    guard(std::ptr::null_mut(), || {
        let Some(function) = function else {
            return std::ptr::null_mut();
        };
        Box::into_raw(Box::new(sThread {
            function,
            parameter,
            autodestroy,
            handle: None,
        }))
    })
}

/// `Thread_start`: starts the thread (once; later calls do nothing).
///
/// # Safety
/// `thread` is NULL or a live thread from `Thread_create`.
#[no_mangle]
pub unsafe extern "C" fn Thread_start(thread: Thread) {
    guard((), || {
        // Copied out, and no reference kept across the spawn: an autodestroy object
        // may be freed by its thread as soon as it runs.
        // SAFETY: caller's contract.
        let Some((function, parameter, autodestroy, started)) = (unsafe { thread.as_ref() })
            .map(|t| (t.function, t.parameter, t.autodestroy, t.handle.is_some()))
        else {
            return;
        };
        if started {
            return;
        }
        let start = Start {
            function,
            parameter,
            autodestroy: autodestroy.then_some(thread),
        };
        let spawned = std::thread::Builder::new().spawn(move || {
            let start = start;
            // SAFETY: the C program's function, called with its own parameter.
            unsafe { (start.function)(start.parameter) };
            if let Some(own) = start.autodestroy {
                // SAFETY: an autodestroy thread object belongs to its thread once started.
                drop(unsafe { Box::from_raw(own) });
            }
        });
        if let (Ok(handle), false) = (spawned, autodestroy) {
            // SAFETY: caller's contract; this object is not freed by its thread.
            if let Some(t) = unsafe { thread.as_mut() } {
                t.handle = Some(handle);
            }
        }
    })
}

/// `Thread_destroy`: waits for a started thread to end, then frees it; NULL is ignored.
///
/// # Safety
/// `thread` is NULL or a live thread from `Thread_create` that does not destroy itself.
#[no_mangle]
pub unsafe extern "C" fn Thread_destroy(thread: Thread) {
    guard((), || {
        if thread.is_null() {
            return;
        }
        // SAFETY: caller's contract: the object is ours to free.
        let t = unsafe { Box::from_raw(thread) };
        if let Some(handle) = t.handle {
            // A thread that destroys its own object would join itself: leave it.
            if handle.thread().id() != std::thread::current().id() {
                let _ = handle.join();
            }
        }
    })
}

/// `Thread_sleep`: sleeps `millies` milliseconds (nothing for 0 or less).
#[no_mangle]
pub extern "C" fn Thread_sleep(millies: c_int) {
    guard((), || {
        if let Ok(ms) = u64::try_from(millies) {
            std::thread::sleep(Duration::from_millis(ms));
        }
    })
}

/// `Semaphore_create`: a counting semaphore holding `initialValue` (0 if negative).
#[no_mangle]
pub extern "C" fn Semaphore_create(initialValue: c_int) -> Semaphore {
    guard(std::ptr::null_mut(), || {
        let initial = u32::try_from(initialValue).unwrap_or(0);
        Box::into_raw(Box::new(hal::Semaphore::new(initial))).cast()
    })
}

/// Borrows a semaphore handle.
///
/// # Safety
/// `s` is NULL or a live semaphore from `Semaphore_create`.
unsafe fn semaphore<'a>(s: Semaphore) -> Option<&'a hal::Semaphore> {
    // SAFETY: caller's contract.
    unsafe { s.cast::<hal::Semaphore>().as_ref() }
}

/// `Semaphore_wait`: takes one unit, blocking until one is there; NULL is ignored.
///
/// # Safety
/// `self_` is NULL or a live semaphore.
#[no_mangle]
pub unsafe extern "C" fn Semaphore_wait(self_: Semaphore) {
    // SAFETY: caller's contract.
    guard((), || {
        unsafe { semaphore(self_) }.map_or((), hal::Semaphore::wait)
    })
}

/// `Semaphore_post`: gives back one unit; NULL is ignored.
///
/// # Safety
/// `self_` is NULL or a live semaphore.
#[no_mangle]
pub unsafe extern "C" fn Semaphore_post(self_: Semaphore) {
    // SAFETY: caller's contract.
    guard((), || {
        unsafe { semaphore(self_) }.map_or((), hal::Semaphore::post)
    })
}

/// `Semaphore_destroy`: frees a semaphore nobody waits on; NULL is ignored.
///
/// # Safety
/// `self_` is NULL or a live semaphore.
#[no_mangle]
pub unsafe extern "C" fn Semaphore_destroy(self_: Semaphore) {
    guard((), || {
        if !self_.is_null() {
            // SAFETY: caller's contract: a semaphore from Semaphore_create, freed once.
            drop(unsafe { Box::from_raw(self_.cast::<hal::Semaphore>()) });
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn null_handles_are_ignored() {
        assert!(Thread_create(None, std::ptr::null_mut(), false).is_null());
        // SAFETY: NULL is allowed for every handle.
        unsafe {
            Thread_start(std::ptr::null_mut());
            Thread_destroy(std::ptr::null_mut());
            Semaphore_wait(std::ptr::null_mut());
            Semaphore_post(std::ptr::null_mut());
            Semaphore_destroy(std::ptr::null_mut());
        }
        Thread_sleep(-1);
    }

    static RUNS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

    extern "C" fn count(_: *mut c_void) -> *mut c_void {
        RUNS.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        std::ptr::null_mut()
    }

    #[test]
    fn a_thread_started_twice_runs_once() {
        let t = Thread_create(Some(count), std::ptr::null_mut(), false);
        // SAFETY: a live handle from Thread_create, destroyed once.
        unsafe {
            Thread_start(t);
            Thread_start(t);
            Thread_destroy(t);
        }
        assert_eq!(RUNS.load(std::sync::atomic::Ordering::SeqCst), 1);
    }
}
