//! The library's threads, the reactor and the callback thread, run while some user holds a
//! [`Lease`]: every threaded client connection does (a server will too).
//!
//! The last lease to go stops both threads and joins them before its drop returns, so no
//! library code runs once the application has destroyed its last connection (a plug-in
//! may then be unloaded). The next lease starts a fresh pair. The number of threads does
//! not depend on the number of users.

use std::sync::Arc;

use parking_lot::Mutex;

use super::dispatcher::Dispatcher;
use super::reactor::Reactor;

/// One reactor thread and one callback thread.
pub struct Runtime {
    /// Serves the users' sockets and timers.
    pub reactor: Arc<Reactor>,
    /// Runs the users' callbacks in order.
    pub dispatcher: Dispatcher,
}

/// The running threads and how many leases hold them.
struct Users {
    count: usize,
    current: Option<Arc<Runtime>>,
}

static USERS: Mutex<Users> = Mutex::new(Users {
    count: 0,
    current: None,
});

/// A user's claim on the library threads; they run as long as one lease exists.
pub struct Lease {
    runtime: Arc<Runtime>,
}

impl Lease {
    /// Claims the threads, starting them when nobody held them.
    pub fn acquire() -> Lease {
        let mut users = USERS.lock();
        let runtime = users
            .current
            .get_or_insert_with(|| {
                Arc::new(Runtime {
                    reactor: Reactor::start(),
                    dispatcher: Dispatcher::start(),
                })
            })
            .clone();
        users.count += 1;
        Lease { runtime }
    }

    /// The threads this lease holds.
    pub fn runtime(&self) -> &Arc<Runtime> {
        &self.runtime
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        let last = {
            let mut users = USERS.lock();
            users.count -= 1;
            if users.count == 0 {
                users.current.take()
            } else {
                None
            }
        };
        // Joined without the lock: a new user meanwhile starts a fresh pair instead of
        // waiting, and a callback that creates a connection does not deadlock us.
        if let Some(runtime) = last {
            runtime.reactor.stop();
            runtime.dispatcher.stop();
        }
    }
}
