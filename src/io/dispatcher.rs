//! The callback thread: runs user callbacks one after another, in the order they were queued.
//!
//! Callbacks never run on the reactor thread, so a callback may call a
//! synchronous function (which waits for the reactor) without deadlocking.

use std::sync::mpsc::{channel, Sender};
use std::sync::{Arc, OnceLock};
use std::thread::{self, ThreadId};

use parking_lot::{Condvar, Mutex};

type Job = Box<dyn FnOnce() + Send>;

struct Dispatcher {
    queue: Mutex<Sender<Job>>,
    thread: ThreadId,
}

fn dispatcher() -> &'static Dispatcher {
    static DISPATCHER: OnceLock<Dispatcher> = OnceLock::new();
    DISPATCHER.get_or_init(|| {
        let (tx, rx) = channel::<Job>();
        let handle = thread::Builder::new()
            .name("rs61850-callbacks".into())
            .spawn(move || {
                for job in rx {
                    // A panicking callback must not end the thread that serves all others.
                    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
                }
            })
            .expect("cannot start the callback thread");
        Dispatcher {
            queue: Mutex::new(tx),
            thread: handle.thread().id(),
        }
    })
}

/// Queues `job` to run on the callback thread after everything queued before it.
pub fn dispatch(job: impl FnOnce() + Send + 'static) {
    // The receiver lives as long as the process, so sending cannot fail.
    let _ = dispatcher().queue.lock().send(Box::new(job));
}

/// Runs `job` on the callback thread and returns once it (and everything queued before it) ran.
///
/// Called from the callback thread itself, it runs `job` inline instead of waiting for itself.
pub fn dispatch_and_wait(job: impl FnOnce() + Send + 'static) {
    if thread::current().id() == dispatcher().thread {
        job();
        return;
    }
    let done = Arc::new((Mutex::new(false), Condvar::new()));
    let signal = done.clone();
    dispatch(move || {
        job();
        *signal.0.lock() = true;
        signal.1.notify_all();
    });
    let mut finished = done.0.lock();
    while !*finished {
        done.1.wait(&mut finished);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jobs_run_in_order_and_wait_returns_after_them() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        for i in 0..50 {
            let s = seen.clone();
            dispatch(move || s.lock().push(i));
        }
        let s = seen.clone();
        dispatch_and_wait(move || s.lock().push(50));
        assert_eq!(*seen.lock(), (0..=50).collect::<Vec<_>>());
    }

    #[test]
    fn wait_from_the_callback_thread_runs_inline() {
        let seen = Arc::new(Mutex::new(0));
        let s = seen.clone();
        dispatch_and_wait(move || {
            let inner = s.clone();
            dispatch_and_wait(move || *inner.lock() += 1);
            *s.lock() += 10;
        });
        assert_eq!(*seen.lock(), 11);
    }
}
