//! The IED server's I/O: a TCP listener and its server connections, all registered on the
//! process-wide reactor (no thread per server or per client). Each connection is a
//! [`ServerProtocol`] answered by the service layer under the one data model lock;
//! connection indications go to the callback thread, never run on the reactor.

use std::ffi::CString;
use std::io::{self, Read, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Weak};

use mio::net::{TcpListener, TcpStream};
use mio::Token;
use parking_lot::Mutex;

use super::model::ModelIndex;
use super::protocol::{Event, ServerConfig, ServerProtocol};
use super::services::{serve, ServiceContext, WritePolicy};
use crate::io::reactor::{Readiness, Ready};
use crate::io::runtime::Lease;
use crate::mms::identify::ServerIdentity;

/// errorClass service, code other: the answer to a response that cannot be sent.
const CLASS_SERVICE: u8 = 3;
const SERVICE_OTHER: i64 = 0;
/// Output a slow client may leave unread before it is dropped.
const MAX_PENDING_OUTPUT: usize = 1 << 20;

/// Told when a client connects (`true`) or its connection ends (`false`); runs on the
/// callback thread.
pub type ConnectionHandler = Arc<dyn Fn(&Arc<Connection>, bool) + Send + Sync>;

/// What the server shares with its listener and connections.
pub struct Shared {
    /// The model index; this mutex is the data model lock.
    pub model: Mutex<ModelIndex>,
    /// The Identify answer.
    pub identity: Mutex<Arc<ServerIdentity>>,
    /// The functional constraints clients may write.
    pub write_policy: Mutex<WritePolicy>,
    /// While set, what clients send is dropped unread (`IedServer_ignoreClientRequests`).
    pub ignore_requests: AtomicBool,
    /// Most simultaneous connections (further clients are closed at once).
    pub max_connections: usize,
    /// Connection indication handler.
    pub on_connection: Mutex<Option<ConnectionHandler>>,
    connections: Mutex<Vec<Arc<Connection>>>,
}

/// One server connection (a C `ClientConnection`).
pub struct Connection {
    /// The client's address.
    pub peer: SocketAddr,
    /// Our address of the connection.
    pub local: SocketAddr,
    /// `ip:port` of the client, for C.
    pub peer_text: CString,
    /// `ip:port` of ours, for C.
    pub local_text: CString,
    server: Weak<Shared>,
    lease: Arc<Lease>,
    state: Mutex<ConnState>,
}

struct ConnState {
    /// `None` once closed.
    stream: Option<(TcpStream, Token)>,
    protocol: ServerProtocol,
    output: Vec<u8>,
}

struct Listener {
    server: Weak<Shared>,
    lease: Arc<Lease>,
    socket: Mutex<Option<(TcpListener, Token)>>,
}

/// A running server: its listener and its claim on the library threads.
struct Running {
    listener: Arc<Listener>,
    lease: Arc<Lease>,
}

/// An IED server over a model index.
pub struct Server {
    /// State shared with the reactor.
    pub shared: Arc<Shared>,
    running: Mutex<Option<Running>>,
}

impl Shared {
    /// Number of open connections.
    pub fn open_connections(&self) -> usize {
        self.connections.lock().len()
    }

    fn indicate(&self, connection: &Arc<Connection>, connected: bool) {
        let Some(handler) = self.on_connection.lock().clone() else {
            return;
        };
        let connection = connection.clone();
        connection
            .lease
            .clone()
            .runtime()
            .dispatcher
            .dispatch(move || handler(&connection, connected));
    }
}

impl Server {
    /// A stopped server over `index`.
    pub fn new(index: ModelIndex, max_connections: usize) -> Server {
        Server {
            shared: Arc::new(Shared {
                model: Mutex::new(index),
                identity: Mutex::new(ServiceContext::default().identity),
                write_policy: Mutex::new(WritePolicy::default()),
                ignore_requests: AtomicBool::new(false),
                max_connections,
                on_connection: Mutex::new(None),
                connections: Mutex::new(Vec::new()),
            }),
            running: Mutex::new(None),
        }
    }

    /// Whether the server listens.
    pub fn is_running(&self) -> bool {
        self.running.lock().is_some()
    }

    /// Listens on `port` of `ip` (all interfaces when `None`); does nothing when running.
    pub fn start(&self, ip: Option<IpAddr>, port: u16) -> io::Result<()> {
        let mut running = self.running.lock();
        if running.is_some() {
            return Ok(());
        }
        let addr = SocketAddr::new(ip.unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED)), port);
        // std's bind sets SO_REUSEADDR, so a stopped server's port can be listened on again.
        let std_listener = std::net::TcpListener::bind(addr)?;
        std_listener.set_nonblocking(true)?;
        let mut socket = TcpListener::from_std(std_listener);
        let lease = Arc::new(Lease::acquire());
        let listener = Arc::new(Listener {
            server: Arc::downgrade(&self.shared),
            lease: lease.clone(),
            socket: Mutex::new(None),
        });
        let token = lease
            .runtime()
            .reactor
            .register(&mut socket, listener.clone())?;
        *listener.socket.lock() = Some((socket, token));
        *running = Some(Running { listener, lease });
        Ok(())
    }

    /// Closes the listener and every connection, and waits until their indications ran.
    pub fn stop(&self) {
        let Some(running) = self.running.lock().take() else {
            return;
        };
        let reactor = &running.lease.runtime().reactor;
        if let Some((mut socket, token)) = running.listener.socket.lock().take() {
            reactor.deregister(&mut socket, token);
        }
        let connections = std::mem::take(&mut *self.shared.connections.lock());
        for c in &connections {
            if c.close() {
                self.shared.indicate(c, false);
            }
        }
        // Handlers still queued must not outlive the server they are told about.
        running.lease.runtime().dispatcher.dispatch_and_wait(|| {});
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

impl Readiness for Listener {
    fn on_ready(&self, _ready: Ready) {
        let Some(server) = self.server.upgrade() else {
            return;
        };
        loop {
            let accepted = match self.socket.lock().as_ref() {
                Some((socket, _)) => socket.accept(),
                None => return,
            };
            let (stream, peer) = match accepted {
                Ok(s) => s,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                // WouldBlock ends the burst; other accept errors (EMFILE...) drop this one.
                Err(_) => return,
            };
            if server.open_connections() >= server.max_connections {
                // Refused as the reference does: the socket is closed at once.
                continue;
            }
            self.open(&server, stream, peer);
        }
    }

    fn on_timer(&self) {}
}

impl Listener {
    fn open(&self, server: &Arc<Shared>, mut stream: TcpStream, peer: SocketAddr) {
        // Nagle would delay every answer by a round trip of the client's ACK.
        let _ = stream.set_nodelay(true);
        let local = stream.local_addr().unwrap_or(peer);
        let connection = Arc::new(Connection {
            peer,
            local,
            peer_text: address_text(peer),
            local_text: address_text(local),
            server: Arc::downgrade(server),
            lease: self.lease.clone(),
            state: Mutex::new(ConnState {
                stream: None,
                protocol: ServerProtocol::new(ServerConfig::default(), None),
                output: Vec::new(),
            }),
        });
        let reactor = &self.lease.runtime().reactor;
        // Registered under the state lock, so the first event waits for the stream to be stored.
        let mut state = connection.state.lock();
        let Ok(token) = reactor.register(&mut stream, connection.clone()) else {
            return;
        };
        state.stream = Some((stream, token));
        drop(state);
        server.connections.lock().push(connection.clone());
        server.indicate(&connection, true);
    }
}

impl Connection {
    /// Closes the socket; false when it was closed already.
    fn close(&self) -> bool {
        let mut state = self.state.lock();
        match state.stream.take() {
            Some((mut stream, token)) => {
                self.lease.runtime().reactor.deregister(&mut stream, token);
                let _ = stream.shutdown(std::net::Shutdown::Both);
                true
            }
            None => false,
        }
    }

    /// Aborts the association (ACSE abort, then the socket closes); false when the
    /// connection was closed already.
    pub fn abort(&self) -> bool {
        {
            let mut state = self.state.lock();
            if state.stream.is_none() {
                return false;
            }
            let ConnState {
                protocol, output, ..
            } = &mut *state;
            protocol.abort(output);
            // Best effort: the client learns why, unless its socket is full.
            flush(&mut state);
        }
        self.end();
        true
    }

    /// Whether the server drops what clients send now.
    fn ignoring(&self) -> bool {
        self.server
            .upgrade()
            .is_some_and(|s| s.ignore_requests.load(Ordering::Acquire))
    }

    /// Closes the connection after the peer or the protocol ended it.
    fn end(&self) {
        if !self.close() {
            return;
        }
        let Some(server) = self.server.upgrade() else {
            return;
        };
        let removed = {
            let mut list = server.connections.lock();
            list.iter()
                .position(|c| std::ptr::eq(Arc::as_ptr(c), self))
                .map(|at| list.remove(at))
        };
        if let Some(me) = removed {
            server.indicate(&me, false);
        }
    }

    /// Reads what arrived and answers it; false when the connection must end.
    fn serve_input(&self, state: &mut ConnState) -> bool {
        let ConnState {
            stream,
            protocol,
            output,
        } = state;
        let Some((stream, _)) = stream.as_mut() else {
            return false;
        };
        let mut buf = [0u8; 8192];
        let mut events = Vec::new();
        let mut open = true;
        loop {
            match stream.read(&mut buf) {
                Ok(0) => {
                    open = false;
                    break;
                }
                // Ignored requests get no answer at all, association requests included
                // (as on the reference: the client's call times out).
                Ok(_) if self.ignoring() => {}
                Ok(n) => protocol.feed(&buf[..n], output, &mut events),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(_) => {
                    open = false;
                    break;
                }
            }
        }
        for event in events {
            match event {
                Event::Request { invoke_id, service } => {
                    let Some(server) = self.server.upgrade() else {
                        return false;
                    };
                    let ctx = ServiceContext {
                        max_pdu: protocol.max_pdu_size(),
                        // An Arc: no copy of the strings per request.
                        identity: server.identity.lock().clone(),
                        write_policy: *server.write_policy.lock(),
                    };
                    let answer = serve(&server.model.lock(), &ctx, &service);
                    let sent = match &answer {
                        Ok(response) => protocol.respond(invoke_id, response, output),
                        Err(e) => protocol.error(invoke_id, e.class, e.code, output),
                    };
                    if sent.is_err() {
                        // Too large or not encodable: the request still needs an answer.
                        let _ = protocol.error(invoke_id, CLASS_SERVICE, SERVICE_OTHER, output);
                    }
                }
                Event::Closed => open = false,
                Event::Associated { .. } | Event::Concluded => {}
            }
        }
        open
    }
}

/// Writes as much pending output as the socket takes; false on a broken or stuck client.
fn flush(state: &mut ConnState) -> bool {
    let Some((stream, _)) = state.stream.as_mut() else {
        return false;
    };
    while !state.output.is_empty() {
        match stream.write(&state.output) {
            Ok(0) => return false,
            Ok(n) => {
                state.output.drain(..n);
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => return false,
        }
    }
    state.output.len() <= MAX_PENDING_OUTPUT
}

impl Readiness for Connection {
    fn on_ready(&self, ready: Ready) {
        let keep = {
            let mut state = self.state.lock();
            if state.stream.is_none() {
                return;
            }
            let open = !ready.readable || self.serve_input(&mut state);
            // What the protocol answered (an abort, a release) still goes out before closing.
            flush(&mut state) && open
        };
        if !keep {
            self.end();
        }
    }

    fn on_timer(&self) {}
}

/// `ip:port` (an address's text has no NUL byte).
fn address_text(addr: SocketAddr) -> CString {
    CString::new(format!("{}:{}", addr.ip(), addr.port())).unwrap_or_default()
}
