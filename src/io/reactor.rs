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
use std::time::{Duration, Instant};

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
    /// The poller of a reactor without a thread, turned by its user ([`Reactor::local`]).
    local: Option<Mutex<Local>>,
}

/// What a reactor without a thread keeps between the turns its user makes.
struct Local {
    poll: Poll,
    events: Events,
    /// Readiness fetched by [`Reactor::wait`] and not yet handed to the owners.
    pending: Vec<(usize, Ready)>,
}

struct Owners {
    next: usize,
    by_token: HashMap<usize, Weak<dyn Readiness>>,
}

fn run(reactor: &Reactor, mut poll: Poll) {
    let mut events = Events::with_capacity(256);
    while !reactor.stopping.load(Ordering::Acquire) {
        let timeout = reactor.next_timer();
        if !reactor.poll_into(&mut poll, &mut events, timeout) {
            // The poller itself failed: nothing sensible is left to do on this thread.
            return;
        }
        for event in events.iter() {
            if let Some((token, ready)) = readiness(event) {
                reactor.notify(token, ready);
            }
        }
        reactor.fire_timers();
    }
}

/// The owner's token and readiness of `event` (`None` for the waker).
fn readiness(event: &mio::event::Event) -> Option<(usize, Ready)> {
    (event.token() != WAKER).then(|| {
        let ready = Ready {
            readable: event.is_readable() || event.is_read_closed() || event.is_error(),
            writable: event.is_writable(),
        };
        (event.token().0, ready)
    })
}

impl Reactor {
    /// Starts a reactor thread.
    pub fn start() -> Arc<Reactor> {
        let poll = Poll::new().expect("cannot create the I/O poller");
        let reactor = Arc::new(Reactor::over(&poll));
        let shared = reactor.clone();
        let handle = thread::Builder::new()
            .name("rs61850-io".into())
            .spawn(move || run(&shared, poll))
            .expect("cannot start the I/O thread");
        *reactor.thread.lock() = Some(handle);
        reactor
    }

    /// A reactor without a thread: its user turns it with [`Reactor::wait`],
    /// [`Reactor::process_io`] and [`Reactor::process_timers`] (threadless servers).
    pub fn local() -> io::Result<Arc<Reactor>> {
        let poll = Poll::new()?;
        let mut reactor = Reactor::over(&poll);
        reactor.local = Some(Mutex::new(Local {
            poll,
            events: Events::with_capacity(256),
            pending: Vec::new(),
        }));
        Ok(Arc::new(reactor))
    }

    fn over(poll: &Poll) -> Reactor {
        let registry = poll
            .registry()
            .try_clone()
            .expect("cannot clone the poll registry");
        let waker = Waker::new(poll.registry(), WAKER).expect("cannot create the I/O waker");
        Reactor {
            registry,
            owners: Mutex::new(Owners {
                next: 0,
                by_token: HashMap::new(),
            }),
            timers: Mutex::new(BinaryHeap::new()),
            waker,
            stopping: AtomicBool::new(false),
            thread: Mutex::new(None),
            local: None,
        }
    }

    /// Polls into `events` for at most `timeout`; false when the poller failed.
    fn poll_into(&self, poll: &mut Poll, events: &mut Events, timeout: Option<Duration>) -> bool {
        match poll.poll(events, timeout) {
            Ok(()) => true,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {
                events.clear();
                true
            }
            Err(_) => false,
        }
    }

    /// Time until the earliest timer (`None`: no timer).
    fn next_timer(&self) -> Option<Duration> {
        self.timers
            .lock()
            .peek()
            .map(|Reverse((at, _))| at.saturating_duration_since(Instant::now()))
    }

    fn notify(&self, token: usize, ready: Ready) {
        if let Some(owner) = self.owner(token) {
            owner.on_ready(ready);
        }
    }

    /// Calls the owners of the timers that are due.
    fn fire_timers(&self) {
        let now = Instant::now();
        loop {
            let due = {
                let mut timers = self.timers.lock();
                match timers.peek() {
                    Some(Reverse((at, _))) if *at <= now => timers.pop().map(|Reverse((_, t))| t),
                    _ => None,
                }
            };
            let Some(token) = due else { break };
            if let Some(owner) = self.owner(token) {
                owner.on_timer();
            }
        }
    }

    /// Waits up to `timeout` until a socket of a local reactor has something to read (data,
    /// a connection, its end); true when one has. Level-triggered: readiness not yet
    /// processed counts, and stays until processed. False for a threaded reactor (its
    /// thread takes the events).
    pub fn wait(&self, timeout: Duration) -> bool {
        let Some(local) = &self.local else {
            return false;
        };
        let deadline = Instant::now() + timeout;
        let mut local = local.lock();
        loop {
            // Room to write alone is no work for the application (sockets start writable).
            if local.pending.iter().any(|(_, ready)| ready.readable) {
                return true;
            }
            let Local {
                poll,
                events,
                pending,
            } = &mut *local;
            let left = deadline.saturating_duration_since(Instant::now());
            if !self.poll_into(poll, events, Some(left)) {
                return false;
            }
            pending.extend(events.iter().filter_map(readiness));
            if left.is_zero() {
                return pending.iter().any(|(_, ready)| ready.readable);
            }
        }
    }

    /// Hands the ready sockets of a local reactor to their owners, on the calling thread.
    pub fn process_io(&self) {
        let Some(local) = &self.local else {
            return;
        };
        self.wait(Duration::ZERO);
        // Taken out first: owners may register or deregister sockets meanwhile.
        let ready = std::mem::take(&mut local.lock().pending);
        for (token, ready) in ready {
            self.notify(token, ready);
        }
    }

    /// Calls the owners of due timers of a local reactor, on the calling thread.
    pub fn process_timers(&self) {
        if self.local.is_some() {
            self.fire_timers();
        }
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
        let token = self.register_timer(owner);
        if let Err(e) =
            self.registry
                .register(stream, token, Interest::READABLE | Interest::WRITABLE)
        {
            self.owners.lock().by_token.remove(&token.0);
            return Err(e);
        }
        Ok(token)
    }

    /// Registers an owner of timers only (no socket); [`Reactor::unregister_timer`] ends it.
    pub fn register_timer(&self, owner: Arc<dyn Readiness>) -> Token {
        let mut owners = self.owners.lock();
        let token = Token(owners.next);
        owners.next = owners.next.wrapping_add(1);
        owners.by_token.insert(token.0, Arc::downgrade(&owner));
        token
    }

    /// Forgets an owner of timers (its pending timers then fire for nobody).
    pub fn unregister_timer(&self, token: Token) {
        self.owners.lock().by_token.remove(&token.0);
    }

    /// Stops watching `stream`; events already fetched may still reach the owner once.
    pub fn deregister<S: Source + ?Sized>(&self, stream: &mut S, token: Token) {
        self.unregister_timer(token);
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
