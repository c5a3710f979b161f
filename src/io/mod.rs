//! I/O glue: the mio reactor, the callback dispatcher thread, their reference-counted
//! start and stop, and TCP connection set-up. The only place that blocks on sockets or polls.

use std::thread::{self, JoinHandle};

pub mod dispatcher;
pub mod reactor;
pub mod runtime;
pub mod tcp;

/// Waits for a library thread to end, unless it is the calling thread (which then ends by
/// itself once it returns to its loop).
fn join_unless_current(handle: JoinHandle<()>) {
    if handle.thread().id() != thread::current().id() {
        // The loops catch user panics, so a join error cannot carry anything to act on.
        let _ = handle.join();
    }
}
