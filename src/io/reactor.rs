//! The mio reactor thread that serves every connection (one per [`super::runtime::Runtime`]).
//!
//! Sockets are registered edge-triggered for reading and writing; on an event
//! the reactor calls the owner's [`Readiness::on_ready`], which does the
//! non-blocking reads and writes and feeds the sans-I/O protocol. Owners may
//! also ask for a timer ([`Reactor::schedule`]), which calls
//! [`Readiness::on_timer`] once the instant has passed: request timeouts need no
//! thread of their own. The reactor never runs user code: owners hand
//! callbacks to the dispatcher thread.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Weak};
use std::thread::{self, JoinHandle};
use std::time::Instant;

use mio::event::Source;
use mio::{Events, Interest, Poll, Registry, Token, Waker};
use parking_lot::Mutex;

/// The token of the waker that interrupts the poll when an earlier timer is scheduled.
const WAKER: Token = Token(usize::MAX);

/// What a socket is ready for.
#[derive(Debug, Clone, Copy)]
pub struct Ready {
    /// Data (or end of stream) can be read.
    pub readable: bool,
    /// Buffer space to write is available.
    pub writable: bool,
}

/// The owner of a registered socket.
pub trait Readiness: Send + Sync {
    /// The socket of this owner became ready; called on the reactor thread.
    fn on_ready(&self, ready: Ready);
    /// A timer this owner scheduled has expired; called on the reactor thread.
    fn on_timer(&self);
}

/// Handle to the reactor thread.
pub struct Reactor {
    registry: Registry,
    owners: Mutex<Owners>,
    timers: Mutex<BinaryHeap<Reverse<(Instant, usize)>>>,
    waker: Waker,
    /// Set by [`Reactor::stop`]; the thread ends at its next wake-up.
    stopping: AtomicBool,
    thread: Mutex<Option<JoinHandle<()>>>,
}

struct Owners {
    next: usize,
    by_token: HashMap<usize, Weak<dyn Readiness>>,
}

fn run(reactor: &Reactor, mut poll: Poll) {
    let mut events = Events::with_capacity(256);
    while !reactor.stopping.load(Ordering::Acquire) {
        let timeout = reactor
            .timers
            .lock()
            .peek()
            .map(|Reverse((at, _))| at.saturating_duration_since(Instant::now()));
        if let Err(e) = poll.poll(&mut events, timeout) {
            if e.kind() == io::ErrorKind::Interrupted {
                continue;
            }
            // The poller itself failed: nothing sensible is left to do on this thread.
            return;
        }
        for event in events.iter() {
            if event.token() == WAKER {
                continue;
            }
            if let Some(owner) = reactor.owner(event.token().0) {
                owner.on_ready(Ready {
                    readable: event.is_readable() || event.is_read_closed() || event.is_error(),
                    writable: event.is_writable(),
                });
            }
        }
        let now = Instant::now();
        loop {
            let due = {
                let mut timers = reactor.timers.lock();
                match timers.peek() {
                    Some(Reverse((at, _))) if *at <= now => timers.pop().map(|Reverse((_, t))| t),
                    _ => None,
                }
            };
            let Some(token) = due else { break };
            if let Some(owner) = reactor.owner(token) {
                owner.on_timer();
            }
        }
    }
}

impl Reactor {
    /// Starts a reactor thread.
    pub fn start() -> Arc<Reactor> {
        let poll = Poll::new().expect("cannot create the I/O poller");
        let registry = poll
            .registry()
            .try_clone()
            .expect("cannot clone the poll registry");
        let waker = Waker::new(poll.registry(), WAKER).expect("cannot create the I/O waker");
        let reactor = Arc::new(Reactor {
            registry,
            owners: Mutex::new(Owners {
                next: 0,
                by_token: HashMap::new(),
            }),
            timers: Mutex::new(BinaryHeap::new()),
            waker,
            stopping: AtomicBool::new(false),
            thread: Mutex::new(None),
        });
        let shared = reactor.clone();
        let handle = thread::Builder::new()
            .name("rs61850-io".into())
            .spawn(move || run(&shared, poll))
            .expect("cannot start the I/O thread");
        *reactor.thread.lock() = Some(handle);
        reactor
    }

    /// Ends the reactor thread and waits for it; sockets still registered get no more events.
    pub fn stop(&self) {
        self.stopping.store(true, Ordering::Release);
        // A failed wake-up cannot happen with a live eventfd; the thread would then end at
        // its next event or timer.
        let _ = self.waker.wake();
        let handle = self.thread.lock().take();
        if let Some(handle) = handle {
            super::join_unless_current(handle);
        }
    }

    /// Registers `stream` (a connection or a listener) for `owner`; returns the token to deregister it with.
    pub fn register<S: Source + ?Sized>(
        &self,
        stream: &mut S,
        owner: Arc<dyn Readiness>,
    ) -> io::Result<Token> {
        let mut owners = self.owners.lock();
        let token = Token(owners.next);
        owners.next = owners.next.wrapping_add(1);
        owners.by_token.insert(token.0, Arc::downgrade(&owner));
        if let Err(e) =
            self.registry
                .register(stream, token, Interest::READABLE | Interest::WRITABLE)
        {
            owners.by_token.remove(&token.0);
            return Err(e);
        }
        Ok(token)
    }

    /// Stops watching `stream`; events already fetched may still reach the owner once.
    pub fn deregister<S: Source + ?Sized>(&self, stream: &mut S, token: Token) {
        self.owners.lock().by_token.remove(&token.0);
        // Deregistering a socket that is being closed anyway cannot fail in a way we could act on.
        let _ = self.registry.deregister(stream);
    }

    /// Calls the owner of `token` back with [`Readiness::on_timer`] once `at` has passed.
    pub fn schedule(&self, token: Token, at: Instant) {
        let mut timers = self.timers.lock();
        let earliest = timers.peek().is_none_or(|Reverse((first, _))| at < *first);
        timers.push(Reverse((at, token.0)));
        drop(timers);
        if earliest {
            // The poll may be sleeping past `at`; a failed wake-up only delays the timer
            // until the next socket event, it loses nothing.
            let _ = self.waker.wake();
        }
    }

    fn owner(&self, token: usize) -> Option<Arc<dyn Readiness>> {
        self.owners
            .lock()
            .by_token
            .get(&token)
            .and_then(Weak::upgrade)
    }

    /// Number of registered sockets.
    pub fn registered(&self) -> usize {
        self.owners.lock().by_token.len()
    }
}
