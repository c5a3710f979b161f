//! The IED server's I/O: TCP listeners and their server connections, registered on the
//! process-wide reactor (no thread per server or per client) or, in threadless mode, on a
//! reactor the application turns itself. Each connection is a [`ServerProtocol`] answered
//! by the service layer under the one data model lock. What needs the application (the
//! authenticator, access and write handlers, connection indications) runs on the handler
//! thread (threadless: the application's thread after the I/O), never on the reactor and
//! never under an internal lock; a connection's requests stay in order meanwhile.

use std::collections::VecDeque;
use std::ffi::CString;
use std::io::{self, Read, Write};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use mio::net::{TcpListener, TcpStream};
use mio::Token;
use parking_lot::Mutex;

use super::model::ModelIndex;
use super::protocol::{AssociateRequest, Event, ServerConfig, ServerProtocol};
use super::reporting::{ClientId, Now};
use super::services::{serve, ServiceContext, ServiceError, WritePolicy};
use crate::io::reactor::{Reactor, Readiness, Ready};
use crate::io::runtime::Lease;
use crate::mms::identify::ServerIdentity;
use crate::mms::information_report::InformationReport;
use crate::mms::pdu::{ConfirmedService, ConfirmedServiceResponse};

/// errorClass service, code other: the answer to a response that cannot be sent.
const CLASS_SERVICE: u8 = 3;
const SERVICE_OTHER: i64 = 0;
/// Output a slow client may leave unread before it is dropped.
const MAX_PENDING_OUTPUT: usize = 1 << 20;

/// Told when a client connects (`true`) or its connection ends (`false`); runs on the
/// handler thread.
pub type ConnectionHandler = Arc<dyn Fn(&Arc<Connection>, bool) + Send + Sync>;

/// Decides a client's association request; runs on the handler thread.
pub type Authenticator = Arc<dyn Fn(&Arc<Connection>, &AssociateRequest) -> bool + Send + Sync>;

/// The application's part in serving requests (its access and write handlers).
pub trait Application: Send + Sync {
    /// Whether serving `service` may need the application: such requests are served by
    /// [`Application::serve`] on the handler thread, in order with the connection's others.
    fn involved(&self, service: &ConfirmedService) -> bool;

    /// Serves `service` for `connection`, calling the application's handlers without any
    /// internal lock held and taking `model` (the data model lock) only to read and store.
    fn serve(
        &self,
        model: &Mutex<ModelIndex>,
        ctx: &ServiceContext,
        connection: &Arc<Connection>,
        service: &ConfirmedService,
    ) -> Result<ConfirmedServiceResponse, ServiceError>;

    /// Runs what is due by time, on the handler thread with no lock held (after
    /// [`Shared::request_tick`]); returns when it wants to run next.
    fn tick(&self, _server: &Arc<Shared>) -> Option<Instant> {
        None
    }

    /// The connection of `client` ended (called under no lock of the application's; a
    /// tick follows at once).
    fn disconnected(&self, _client: ClientId) {}
}

/// What the server shares with its listeners and connections.
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
    /// Decides association requests (none: every request is accepted).
    pub authenticator: Mutex<Option<Authenticator>>,
    /// The applications taking part in serving (access and write handlers, the control
    /// engine): a request is served by the first one involved, else by the model alone.
    pub applications: Mutex<Vec<Arc<dyn Application>>>,
    connections: Mutex<Vec<Arc<Connection>>>,
    /// The reporting engine's timer while running: its reactor and token.
    report_timer: Mutex<Option<(Arc<Driver>, Token)>>,
    /// The applications' timer while running (see [`Application::tick`]).
    app_timer: Mutex<Option<(Arc<Driver>, Token)>>,
    /// The thread holding the data model lock for the application
    /// (`IedServer_lockDataModel`).
    app_lock: Mutex<Option<std::thread::ThreadId>>,
}

/// Fires the reporting engine's buffer times and integrity periods.
struct ReportTimer {
    server: Weak<Shared>,
}

/// Runs the applications' ticks on the handler thread.
struct AppTimer {
    server: Weak<Shared>,
    driver: Arc<Driver>,
}

/// Identifiers of connections (never 0: that is nobody).
static NEXT_CLIENT: AtomicU64 = AtomicU64::new(1);

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
    /// What the application's authenticator attached to the association (0: nothing).
    pub security_token: AtomicUsize,
    /// The reporting engine's name for this client.
    pub id: ClientId,
    /// The reactor token of the socket (for the timer that sends reports).
    token: AtomicUsize,
    /// Reports waiting to be sent (filled without the state lock, by anyone).
    reports: Mutex<VecDeque<InformationReport>>,
    me: Weak<Connection>,
    server: Weak<Shared>,
    driver: Arc<Driver>,
    state: Mutex<ConnState>,
}

struct ConnState {
    /// `None` once closed.
    stream: Option<(TcpStream, Token)>,
    protocol: ServerProtocol,
    output: Vec<u8>,
    /// Requests waiting for the handler thread, in arrival order.
    waiting: VecDeque<(u32, ConfirmedService)>,
    /// Whether a handler-thread job is serving `waiting`.
    draining: bool,
}

type Job = Box<dyn FnOnce() + Send>;

/// How a server's sockets and handlers are driven.
enum Driver {
    /// By the library's reactor and handler threads.
    Threaded(Lease),
    /// By the application's calls (threadless mode): a reactor without a thread, and the
    /// handler jobs its I/O queued.
    Threadless {
        reactor: Arc<Reactor>,
        jobs: Mutex<VecDeque<Job>>,
    },
}

impl Driver {
    fn reactor(&self) -> &Reactor {
        match self {
            Driver::Threaded(lease) => &lease.runtime().reactor,
            Driver::Threadless { reactor, .. } => reactor,
        }
    }

    /// Queues `job` for the handler thread (threadless: for [`Driver::run_jobs`]).
    fn dispatch(&self, job: impl FnOnce() + Send + 'static) {
        match self {
            Driver::Threaded(lease) => lease.runtime().dispatcher.dispatch(job),
            Driver::Threadless { jobs, .. } => jobs.lock().push_back(Box::new(job)),
        }
    }

    /// Threadless: runs the queued jobs (and those they queue) on the calling thread.
    fn run_jobs(&self) {
        let Driver::Threadless { jobs, .. } = self else {
            return;
        };
        loop {
            // Popped first: a job may queue more.
            let Some(job) = jobs.lock().pop_front() else {
                return;
            };
            // A panicking job must not end the application's loop.
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
        }
    }

    /// Returns once every job queued so far ran.
    fn settle(&self) {
        match self {
            Driver::Threaded(lease) => lease.runtime().dispatcher.dispatch_and_wait(|| {}),
            Driver::Threadless { .. } => self.run_jobs(),
        }
    }
}

struct Listener {
    server: Weak<Shared>,
    driver: Arc<Driver>,
    socket: Mutex<Option<(TcpListener, Token)>>,
}

/// A running server: its listeners, the reporting timer and what drives them.
struct Running {
    listeners: Vec<Arc<Listener>>,
    driver: Arc<Driver>,
    timer: Arc<ReportTimer>,
    app_timer: Arc<AppTimer>,
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
        let me = connection.clone();
        connection.driver.dispatch(move || handler(&me, connected));
    }

    /// Hands the reports the engine made to their clients and sets the engine's timer;
    /// called with the data model lock held (`index` is what it guards).
    pub fn dispatch_reports(&self, index: &ModelIndex) {
        let (outgoing, next) = {
            let mut reporting = index.reporting.borrow_mut();
            (reporting.take_outgoing(), reporting.next_deadline())
        };
        if !outgoing.is_empty() {
            let connections = self.connections.lock();
            for o in outgoing {
                if let Some(c) = connections.iter().find(|c| c.id == o.client) {
                    c.post(o.report);
                }
            }
        }
        if let (Some(at), Some((driver, token))) = (next, &*self.report_timer.lock()) {
            driver.reactor().schedule(*token, at);
        }
    }

    /// An attribute of the model (a C `DataAttribute` address) was updated for `reasons`
    /// (`TRG_OPT_*`); called with the data model lock held.
    pub fn on_update(&self, index: &ModelIndex, attribute: usize, reasons: u8) {
        let Some((domain, variable)) = index.attribute(attribute) else {
            return;
        };
        index
            .reporting
            .borrow_mut()
            .on_update(index, domain, variable, reasons, Now::current());
        self.dispatch_reports(index);
    }

    /// Asks for the applications' [`Application::tick`] once `at` has passed (nothing
    /// while the server is stopped).
    pub fn request_tick(&self, at: Instant) {
        if let Some((driver, token)) = &*self.app_timer.lock() {
            driver.reactor().schedule(*token, at);
        }
    }

    /// Handler thread: runs every application's tick and schedules the next one.
    fn tick_applications(self: &Arc<Self>) {
        let applications = self.applications.lock().clone();
        let next = applications.iter().filter_map(|a| a.tick(self)).min();
        if let Some(at) = next {
            self.request_tick(at);
        }
    }

    /// The first application involved in `service`.
    fn application_for(&self, service: &ConfirmedService) -> Option<Arc<dyn Application>> {
        let applications = self.applications.lock();
        applications.iter().find(|a| a.involved(service)).cloned()
    }

    /// A connection ended: the reporting engine and the applications let go of it.
    fn forget(&self, connection: &Connection) {
        let applications = self.applications.lock().clone();
        for a in &applications {
            a.disconnected(connection.id);
        }
        if !applications.is_empty() {
            self.request_tick(Instant::now());
        }
        self.with_index(|index| {
            index
                .reporting
                .borrow_mut()
                .on_disconnect(index, connection.id);
            self.dispatch_reports(index);
        })
    }

    /// Takes the data model lock for the application until [`Shared::unlock_for_app`].
    pub fn lock_for_app(&self) {
        // Held across C calls: the guard is forgotten and released by unlock_for_app.
        std::mem::forget(self.model.lock());
        *self.app_lock.lock() = Some(std::thread::current().id());
    }

    /// Releases the lock [`Shared::lock_for_app`] took (nothing when it is not held).
    pub fn unlock_for_app(&self) {
        if self.app_lock.lock().take().is_some() {
            // SAFETY: lock_for_app locked the mutex and forgot its guard.
            unsafe { self.model.force_unlock() };
        }
    }

    /// Runs `f` on the model under the data model lock: the lock the calling thread holds
    /// for the application, or taken for the call.
    pub fn with_index<R>(&self, f: impl FnOnce(&ModelIndex) -> R) -> R {
        if *self.app_lock.lock() == Some(std::thread::current().id()) {
            // SAFETY: this thread holds the mutex (lock_for_app), so nobody else uses it.
            f(unsafe { &*self.model.data_ptr() })
        } else {
            f(&self.model.lock())
        }
    }

    /// What the services need for a request of `client` on a connection with PDU size
    /// `max_pdu`.
    fn context(&self, client: ClientId, max_pdu: usize) -> ServiceContext {
        ServiceContext {
            client,
            max_pdu,
            // An Arc: no copy of the strings per request.
            identity: self.identity.lock().clone(),
            write_policy: *self.write_policy.lock(),
        }
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
                authenticator: Mutex::new(None),
                applications: Mutex::new(Vec::new()),
                connections: Mutex::new(Vec::new()),
                report_timer: Mutex::new(None),
                app_timer: Mutex::new(None),
                app_lock: Mutex::new(None),
            }),
            running: Mutex::new(None),
        }
    }

    /// Whether the server listens.
    pub fn is_running(&self) -> bool {
        self.running.lock().is_some()
    }

    /// Listens on every address of `addrs`, served by the library's threads; does nothing
    /// when running. Nothing listens when one address cannot be bound.
    pub fn start(&self, addrs: &[SocketAddr]) -> io::Result<()> {
        self.listen(addrs, || Ok(Driver::Threaded(Lease::acquire())))
    }

    /// Listens on `addrs` in threadless mode: nothing happens until the application calls
    /// [`Server::process_incoming_data`] and [`Server::perform_periodic_tasks`].
    pub fn start_threadless(&self, addrs: &[SocketAddr]) -> io::Result<()> {
        self.listen(addrs, || {
            Ok(Driver::Threadless {
                reactor: Reactor::local()?,
                jobs: Mutex::new(VecDeque::new()),
            })
        })
    }

    fn listen(
        &self,
        addrs: &[SocketAddr],
        driver: impl FnOnce() -> io::Result<Driver>,
    ) -> io::Result<()> {
        let mut running = self.running.lock();
        if running.is_some() {
            return Ok(());
        }
        let sockets = addrs
            .iter()
            .map(|addr| {
                // std's bind sets SO_REUSEADDR, so a stopped server's port can be listened on again.
                let socket = std::net::TcpListener::bind(addr)?;
                socket.set_nonblocking(true)?;
                Ok(TcpListener::from_std(socket))
            })
            .collect::<io::Result<Vec<_>>>()?;
        let driver = Arc::new(driver()?);
        let mut listeners: Vec<Arc<Listener>> = Vec::new();
        for mut socket in sockets {
            let listener = Arc::new(Listener {
                server: Arc::downgrade(&self.shared),
                driver: driver.clone(),
                socket: Mutex::new(None),
            });
            match driver.reactor().register(&mut socket, listener.clone()) {
                Ok(token) => *listener.socket.lock() = Some((socket, token)),
                Err(e) => {
                    for listener in &listeners {
                        if let Some((mut socket, token)) = listener.socket.lock().take() {
                            driver.reactor().deregister(&mut socket, token);
                        }
                    }
                    return Err(e);
                }
            }
            listeners.push(listener);
        }
        let timer = Arc::new(ReportTimer {
            server: Arc::downgrade(&self.shared),
        });
        let token = driver.reactor().register_timer(timer.clone());
        *self.shared.report_timer.lock() = Some((driver.clone(), token));
        let app_timer = Arc::new(AppTimer {
            server: Arc::downgrade(&self.shared),
            driver: driver.clone(),
        });
        let token = driver.reactor().register_timer(app_timer.clone());
        *self.shared.app_timer.lock() = Some((driver.clone(), token));
        *running = Some(Running {
            listeners,
            driver,
            timer,
            app_timer,
        });
        // Integrity periods and buffer times already due start now.
        self.shared.dispatch_reports(&self.shared.model.lock());
        Ok(())
    }

    /// The driver of a running server.
    fn driver(&self) -> Option<Arc<Driver>> {
        self.running.lock().as_ref().map(|r| r.driver.clone())
    }

    /// Threadless mode: waits up to `timeout` for a client's data or connection; true when
    /// some is ready (and stays ready until processed). A threaded or stopped server waits
    /// `timeout` and returns false (its threads take the data), as the reference does.
    pub fn wait_ready(&self, timeout: Duration) -> bool {
        match self.driver() {
            Some(driver) if matches!(*driver, Driver::Threadless { .. }) => {
                driver.reactor().wait(timeout)
            }
            _ => {
                std::thread::sleep(timeout);
                false
            }
        }
    }

    /// Threadless mode: accepts clients, serves what they sent, then runs the handlers
    /// that needs, all on the calling thread, without blocking.
    pub fn process_incoming_data(&self) {
        if let Some(driver) = self.driver() {
            driver.reactor().process_io();
            driver.run_jobs();
        }
    }

    /// Threadless mode: runs what is due by time (timeouts, periodic engines) on the
    /// calling thread.
    pub fn perform_periodic_tasks(&self) {
        if let Some(driver) = self.driver() {
            driver.reactor().process_timers();
            driver.run_jobs();
        }
    }

    /// Closes the listeners and every connection, and waits until the handlers queued for
    /// them ran (threadless: runs them).
    pub fn stop(&self) {
        let running = self.running.lock().take();
        if let Some(running) = running {
            running.close(&self.shared);
        }
    }
}

impl Running {
    fn close(self, shared: &Shared) {
        let reactor = self.driver.reactor();
        for listener in &self.listeners {
            if let Some((mut socket, token)) = listener.socket.lock().take() {
                reactor.deregister(&mut socket, token);
            }
        }
        if let Some((_, token)) = shared.report_timer.lock().take() {
            reactor.unregister_timer(token);
        }
        drop(self.timer);
        if let Some((_, token)) = shared.app_timer.lock().take() {
            reactor.unregister_timer(token);
        }
        drop(self.app_timer);
        let connections = std::mem::take(&mut *shared.connections.lock());
        for c in &connections {
            if c.close() {
                shared.forget(c);
                shared.indicate(c, false);
            }
        }
        // Handlers still queued must not outlive the server they are told about.
        self.driver.settle();
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
        let config = ServerConfig {
            authenticate: server.authenticator.lock().is_some(),
            ..ServerConfig::default()
        };
        let connection = Arc::new_cyclic(|me| Connection {
            peer,
            local,
            peer_text: address_text(peer),
            local_text: address_text(local),
            security_token: AtomicUsize::new(0),
            id: NEXT_CLIENT.fetch_add(1, Ordering::Relaxed),
            token: AtomicUsize::new(usize::MAX),
            reports: Mutex::new(VecDeque::new()),
            me: me.clone(),
            server: Arc::downgrade(server),
            driver: self.driver.clone(),
            state: Mutex::new(ConnState {
                stream: None,
                protocol: ServerProtocol::new(config),
                output: Vec::new(),
                waiting: VecDeque::new(),
                draining: false,
            }),
        });
        let reactor = self.driver.reactor();
        // Registered under the state lock, so the first event waits for the stream to be stored.
        let mut state = connection.state.lock();
        let Ok(token) = reactor.register(&mut stream, connection.clone()) else {
            return;
        };
        state.stream = Some((stream, token));
        connection.token.store(token.0, Ordering::Release);
        drop(state);
        server.connections.lock().push(connection.clone());
        server.indicate(&connection, true);
    }
}

impl Connection {
    /// The server of the connection (`None` once it is gone).
    pub fn server(&self) -> Option<Arc<Shared>> {
        self.server.upgrade()
    }

    /// Whether the connection is still open.
    pub fn is_open(&self) -> bool {
        self.state.lock().stream.is_some()
    }

    /// Closes the socket; false when it was closed already.
    fn close(&self) -> bool {
        let mut state = self.state.lock();
        match state.stream.take() {
            Some((mut stream, token)) => {
                self.driver.reactor().deregister(&mut stream, token);
                let _ = stream.shutdown(std::net::Shutdown::Both);
                state.waiting.clear();
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
            server.forget(&me);
            server.indicate(&me, false);
        }
    }

    /// Queues a report and wakes the connection on the reactor to send it (safe under the
    /// data model lock: no lock of the connection's is taken here).
    pub fn post(&self, report: InformationReport) {
        self.reports.lock().push_back(report);
        let token = self.token.load(Ordering::Acquire);
        if token != usize::MAX {
            self.driver
                .reactor()
                .schedule(Token(token), std::time::Instant::now());
        }
    }

    /// Sends the queued reports (those that do not fit the PDU size are dropped).
    fn send_reports(&self, state: &mut ConnState) {
        let reports = std::mem::take(&mut *self.reports.lock());
        let ConnState {
            protocol, output, ..
        } = state;
        for report in reports {
            let _ = protocol.report(&report, output);
        }
    }

    /// Reads what arrived and answers it; false when the connection must end.
    fn serve_input(&self, state: &mut ConnState) -> bool {
        let mut events = Vec::new();
        let mut open = true;
        {
            let ConnState {
                stream,
                protocol,
                output,
                ..
            } = &mut *state;
            let Some((stream, _)) = stream.as_mut() else {
                return false;
            };
            let mut buf = [0u8; 8192];
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
        }
        let Some(server) = self.server.upgrade() else {
            return false;
        };
        for event in events {
            match event {
                Event::Request { invoke_id, service } => {
                    self.on_request(&server, state, invoke_id, service)
                }
                Event::AssociateRequest(request) => self.authenticate(&server, request),
                Event::Closed => open = false,
                Event::Associated { .. } | Event::Concluded => {}
            }
        }
        open
    }

    /// Serves a request at once, or queues it for the handler thread when the application
    /// takes part in it or an earlier request still waits there (answers stay in order).
    fn on_request(
        &self,
        server: &Shared,
        state: &mut ConnState,
        invoke_id: u32,
        service: ConfirmedService,
    ) {
        if state.draining || server.application_for(&service).is_some() {
            state.waiting.push_back((invoke_id, service));
            if !state.draining {
                state.draining = true;
                let me = self.me.upgrade();
                self.driver.dispatch(move || {
                    if let Some(me) = me {
                        me.drain();
                    }
                });
            }
            return;
        }
        let ctx = server.context(self.id, state.protocol.max_pdu_size());
        let answer = {
            let index = server.model.lock();
            let answer = serve(&index, &ctx, &service);
            server.dispatch_reports(&index);
            answer
        };
        send_answer(state, invoke_id, answer);
    }

    /// Handler thread: serves the queued requests in order, without any lock held while
    /// the application's handlers run.
    fn drain(self: &Arc<Self>) {
        loop {
            let (invoke_id, service, max_pdu) = {
                let mut state = self.state.lock();
                let next = state.waiting.pop_front();
                match next {
                    Some((id, service)) if state.stream.is_some() => {
                        (id, service, state.protocol.max_pdu_size())
                    }
                    _ => {
                        state.draining = false;
                        return;
                    }
                }
            };
            let Some(server) = self.server.upgrade() else {
                return;
            };
            let ctx = server.context(self.id, max_pdu);
            let answer = match server.application_for(&service) {
                Some(app) => app.serve(&server.model, &ctx, self, &service),
                None => serve(&server.model.lock(), &ctx, &service),
            };
            server.dispatch_reports(&server.model.lock());
            let keep = {
                let mut state = self.state.lock();
                if state.stream.is_none() {
                    return;
                }
                // What the application posted while serving (a control's LastApplError)
                // precedes the answer, as on the reference.
                self.send_reports(&mut state);
                send_answer(&mut state, invoke_id, answer);
                flush(&mut state)
            };
            if !keep {
                return self.end();
            }
        }
    }

    /// Asks the application's authenticator (on the handler thread) about an association
    /// request and answers the client with its decision.
    fn authenticate(&self, server: &Shared, request: AssociateRequest) {
        let authenticator = server.authenticator.lock().clone();
        let me = self.me.upgrade();
        self.driver.dispatch(move || {
            let Some(me) = me else { return };
            // Removed meanwhile: refused, as an unauthenticated association must not pass.
            let accepted = authenticator.is_some_and(|a| a(&me, &request));
            let keep = {
                let mut state = me.state.lock();
                if state.stream.is_none() {
                    return;
                }
                let mut events = Vec::new();
                let ConnState {
                    protocol, output, ..
                } = &mut *state;
                protocol.decide_association(accepted, output, &mut events);
                flush(&mut state) && !events.iter().any(|e| matches!(e, Event::Closed))
            };
            if !keep {
                me.end();
            }
        });
    }
}

/// Sends the answer to request `invoke_id`: the response, or the service's error.
fn send_answer(
    state: &mut ConnState,
    invoke_id: u32,
    answer: Result<ConfirmedServiceResponse, ServiceError>,
) {
    let ConnState {
        protocol, output, ..
    } = state;
    let sent = match &answer {
        Ok(response) => protocol.respond(invoke_id, response, output),
        Err(e) => protocol.error(invoke_id, e.class, e.code, output),
    };
    if sent.is_err() {
        // Too large or not encodable: the request still needs an answer.
        let _ = protocol.error(invoke_id, CLASS_SERVICE, SERVICE_OTHER, output);
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

    fn on_timer(&self) {
        let keep = {
            let mut state = self.state.lock();
            if state.stream.is_none() {
                return;
            }
            self.send_reports(&mut state);
            flush(&mut state)
        };
        if !keep {
            self.end();
        }
    }
}

impl Readiness for AppTimer {
    fn on_ready(&self, _ready: Ready) {}

    fn on_timer(&self) {
        if let Some(server) = self.server.upgrade() {
            self.driver.dispatch(move || server.tick_applications());
        }
    }
}

impl Readiness for ReportTimer {
    fn on_ready(&self, _ready: Ready) {}

    fn on_timer(&self) {
        if let Some(server) = self.server.upgrade() {
            let index = server.model.lock();
            index.reporting.borrow_mut().tick(&index, Now::current());
            server.dispatch_reports(&index);
        }
    }
}

/// `ip:port` (an address's text has no NUL byte).
fn address_text(addr: SocketAddr) -> CString {
    CString::new(format!("{}:{}", addr.ip(), addr.port())).unwrap_or_default()
}
