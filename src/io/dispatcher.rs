//! The callback thread: runs user callbacks one after another, in the order they were queued.
//!
//! Callbacks never run on the reactor thread, so a callback may call a
//! synchronous function (which waits for the reactor) without deadlocking.

use std::sync::mpsc::{channel, Sender};
use std::sync::Arc;
use std::thread::{self, JoinHandle, ThreadId};

use parking_lot::{Condvar, Mutex};

type Job = Box<dyn FnOnce() + Send>;

/// Handle to the callback thread.
pub struct Dispatcher {
    /// `None` once stopped: the thread ends when it has run what was queued.
    queue: Mutex<Option<Sender<Job>>>,
    thread: Mutex<Option<JoinHandle<()>>>,
    id: ThreadId,
}

impl Dispatcher {
    /// Starts a callback thread.
    pub fn start() -> Dispatcher {
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
            queue: Mutex::new(Some(tx)),
            id: handle.thread().id(),
            thread: Mutex::new(Some(handle)),
        }
    }

    /// Queues `job` to run on the callback thread after everything queued before it; gives
    /// it back when the thread has been stopped.
    fn send(&self, job: Job) -> Result<(), Job> {
        match self.queue.lock().as_ref() {
            Some(queue) => queue.send(job).map_err(|e| e.0),
            None => Err(job),
        }
    }

    /// Queues `job` to run on the callback thread after everything queued before it
    /// (dropped once the thread has been stopped: its users are gone).
    pub fn dispatch(&self, job: impl FnOnce() + Send + 'static) {
        let _ = self.send(Box::new(job));
    }

    /// Runs `job` on the callback thread and returns once it (and everything queued before
    /// it) ran.
    ///
    /// Called from the callback thread itself, it runs `job` inline instead of waiting for
    /// itself; so it does once the thread has been stopped.
    pub fn dispatch_and_wait(&self, job: impl FnOnce() + Send + 'static) {
        if thread::current().id() == self.id {
            job();
            return;
        }
        let done = Arc::new((Mutex::new(false), Condvar::new()));
        let signal = done.clone();
        let queued = self.send(Box::new(move || {
            job();
            *signal.0.lock() = true;
            signal.1.notify_all();
        }));
        if let Err(job) = queued {
            return job();
        }
        let mut finished = done.0.lock();
        while !*finished {
            done.1.wait(&mut finished);
        }
    }

    /// Lets the thread run what is queued, then end; waits for it unless called on it.
    pub fn stop(&self) {
        drop(self.queue.lock().take());
        let handle = self.thread.lock().take();
        if let Some(handle) = handle {
            super::join_unless_current(handle);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jobs_run_in_order_and_wait_returns_after_them() {
        let d = Dispatcher::start();
        let seen = Arc::new(Mutex::new(Vec::new()));
        for i in 0..50 {
            let s = seen.clone();
            d.dispatch(move || s.lock().push(i));
        }
        let s = seen.clone();
        d.dispatch_and_wait(move || s.lock().push(50));
        assert_eq!(*seen.lock(), (0..=50).collect::<Vec<_>>());
        d.stop();
    }

    #[test]
    fn wait_from_the_callback_thread_runs_inline() {
        let d = Arc::new(Dispatcher::start());
        let seen = Arc::new(Mutex::new(0));
        let s = seen.clone();
        let inner_d = d.clone();
        d.dispatch_and_wait(move || {
            let inner = s.clone();
            inner_d.dispatch_and_wait(move || *inner.lock() += 1);
            *s.lock() += 10;
        });
        assert_eq!(*seen.lock(), 11);
        d.stop();
    }

    #[test]
    fn stop_runs_what_was_queued_then_joins() {
        let d = Dispatcher::start();
        let seen = Arc::new(Mutex::new(0));
        for _ in 0..10 {
            let s = seen.clone();
            d.dispatch(move || *s.lock() += 1);
        }
        d.stop();
        assert_eq!(*seen.lock(), 10);
        // Stopped: a wait runs inline instead of hanging, a plain dispatch is dropped.
        let s = seen.clone();
        d.dispatch_and_wait(move || *s.lock() += 100);
        d.dispatch(|| unreachable!());
        assert_eq!(*seen.lock(), 110);
    }

    #[test]
    fn stop_from_the_callback_thread_does_not_join_itself() {
        let d = Arc::new(Dispatcher::start());
        let (tx, rx) = std::sync::mpsc::channel();
        let inner = d.clone();
        d.dispatch(move || {
            inner.stop();
            tx.send(()).unwrap();
        });
        rx.recv_timeout(std::time::Duration::from_secs(5)).unwrap();
    }
}
