//! One process-wide mio reactor thread for every connection.
//!
//! Sockets are registered edge-triggered for reading and writing; on an event
//! the reactor calls the owner's [`Readiness::on_ready`], which does the
//! non-blocking reads and writes and feeds the sans-I/O protocol. The reactor
//! never runs user code: owners hand callbacks to the dispatcher thread.

use std::collections::HashMap;
use std::io;
use std::sync::{Arc, OnceLock, Weak};
use std::thread;

use mio::net::TcpStream;
use mio::{Events, Interest, Poll, Registry, Token};
use parking_lot::Mutex;

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
}

/// Handle to the reactor thread.
pub struct Reactor {
    registry: Registry,
    owners: Mutex<Owners>,
}

struct Owners {
    next: usize,
    by_token: HashMap<usize, Weak<dyn Readiness>>,
}

/// The process-wide reactor, started on first use.
pub fn reactor() -> &'static Reactor {
    static REACTOR: OnceLock<Reactor> = OnceLock::new();
    REACTOR.get_or_init(|| {
        let poll = Poll::new().expect("cannot create the I/O poller");
        let registry = poll
            .registry()
            .try_clone()
            .expect("cannot clone the poll registry");
        thread::Builder::new()
            .name("rs61850-io".into())
            .spawn(move || run(poll))
            .expect("cannot start the I/O thread");
        Reactor {
            registry,
            owners: Mutex::new(Owners {
                next: 0,
                by_token: HashMap::new(),
            }),
        }
    })
}

fn run(mut poll: Poll) {
    let mut events = Events::with_capacity(256);
    loop {
        if let Err(e) = poll.poll(&mut events, None) {
            if e.kind() == io::ErrorKind::Interrupted {
                continue;
            }
            // The poller itself failed: nothing sensible is left to do on this thread.
            return;
        }
        for event in events.iter() {
            let owner = reactor()
                .owners
                .lock()
                .by_token
                .get(&event.token().0)
                .and_then(Weak::upgrade);
            if let Some(owner) = owner {
                owner.on_ready(Ready {
                    readable: event.is_readable() || event.is_read_closed() || event.is_error(),
                    writable: event.is_writable(),
                });
            }
        }
    }
}

impl Reactor {
    /// Registers `stream` for `owner`; returns the token to deregister it with.
    pub fn register(&self, stream: &mut TcpStream, owner: Arc<dyn Readiness>) -> io::Result<Token> {
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
    pub fn deregister(&self, stream: &mut TcpStream, token: Token) {
        self.owners.lock().by_token.remove(&token.0);
        // Deregistering a socket that is being closed anyway cannot fail in a way we could act on.
        let _ = self.registry.deregister(stream);
    }

    /// Number of registered sockets.
    pub fn registered(&self) -> usize {
        self.owners.lock().by_token.len()
    }
}
