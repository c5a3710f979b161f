//! `Connection`: one client association driven either by the shared reactor
//! thread (threaded mode) or by the caller through [`Connection::tick`].
//!
//! Synchronous calls submit a request and wait for its completion slot. In
//! threaded mode the reactor fills the slot; without threads the waiting caller
//! drives the socket itself. State-change notifications go to the callback
//! thread (threaded) or run on the caller's thread (tick mode). A threaded connection
//! holds a [`Lease`] on those threads from creation to drop.

use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::net::{SocketAddr, ToSocketAddrs};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use mio::Token;
use parking_lot::{Condvar, Mutex};

use super::filestore::Filestore;
use super::protocol::{ClientProtocol, Event, Phase, RequestError, ServiceFailure};
use crate::iec61850::directory::DeviceModel;
use crate::iec61850::ClientError;
use crate::io::reactor::{Reactor, Readiness, Ready};
use crate::io::runtime::{Lease, Runtime};
use crate::io::tcp;
use crate::mms::access::VariableRef;
use crate::mms::get_name_list::{self, NameListRequest};
use crate::mms::information_report::InformationReport;
use crate::mms::initiate::InitiateParams;
use crate::mms::pdu::ConfirmedServiceResponse;
use crate::mms::MmsValue;
use crate::osi::IsoParams;

/// Connection states; the discriminants are the `IedConnectionState` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(i32)]
pub enum State {
    /// IED_STATE_CLOSED
    Closed = 0,
    /// IED_STATE_CONNECTING
    Connecting = 1,
    /// IED_STATE_CONNECTED
    Connected = 2,
    /// IED_STATE_CLOSING
    Closing = 3,
}

/// Called with the new state after every state change.
pub type StateListener = Arc<dyn Fn(State) + Send + Sync>;
/// Called once when an established connection ends.
pub type ClosedListener = Arc<dyn Fn() + Send + Sync>;
/// Called with every InformationReport the server sends (on the callback thread, or in `tick`).
pub type ReportListener = Arc<dyn Fn(&InformationReport) + Send + Sync>;

/// Connection settings, changeable while closed.
#[derive(Clone)]
pub struct Config {
    /// Bound on the TCP connect.
    pub connect_timeout: Duration,
    /// Bound on each confirmed service and on the association handshake.
    pub request_timeout: Duration,
    /// Local address to bind before connecting.
    pub local_address: Option<SocketAddr>,
    /// MMS initiate proposal (PDU size, outstanding calls, nesting level).
    pub initiate: InitiateParams,
    /// ISO stack parameters (selectors, AP titles, authentication).
    pub iso: IsoParams,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            connect_timeout: Duration::from_millis(10_000),
            request_timeout: Duration::from_millis(5_000),
            local_address: None,
            initiate: InitiateParams::client_default(),
            iso: IsoParams::default(),
        }
    }
}

/// What a completed request produced.
enum Completion {
    Service(ConfirmedServiceResponse),
    Concluded,
    Connected,
}

impl Completion {
    /// The response of a confirmed service (anything else answers no request).
    fn service(self) -> Result<ConfirmedServiceResponse, ClientError> {
        match self {
            Completion::Service(response) => Ok(response),
            Completion::Concluded | Completion::Connected => Err(ClientError::MalformedMessage),
        }
    }
}

type Outcome = Result<Completion, ClientError>;

/// Where a waiting caller finds its result.
#[derive(Default)]
struct Slot {
    result: Mutex<Option<Outcome>>,
    ready: Condvar,
    /// Set with the result, readable without the lock while spinning.
    done: AtomicBool,
}

impl Slot {
    fn complete(&self, outcome: Outcome) {
        *self.result.lock() = Some(outcome);
        self.done.store(true, Ordering::Release);
        self.ready.notify_all();
    }

    fn take(&self) -> Option<Outcome> {
        self.result.lock().take()
    }

    fn wait_until(&self, deadline: Instant) -> Option<Outcome> {
        // A loopback or LAN answer often arrives within microseconds: spinning that long
        // saves the caller a sleep and a wake-up, which dominate a synchronous call's latency.
        let spin_end = Instant::now() + SPIN;
        while !self.done.load(Ordering::Acquire) && Instant::now() < spin_end {
            std::hint::spin_loop();
        }
        let mut result = self.result.lock();
        while result.is_none() {
            if self.ready.wait_until(&mut result, deadline).timed_out() {
                break;
            }
        }
        result.take()
    }
}

/// Called once with the result of an asynchronous request: on the callback thread, or in
/// `tick` for a connection without threads.
/// It gets the request's invoke ID and its result.
pub type ResponseHandler =
    Box<dyn FnOnce(u32, Result<ConfirmedServiceResponse, ClientError>) + Send>;

/// Who is waiting for a request.
enum Waiter {
    /// A synchronous caller blocked on its slot.
    Sync(Arc<Slot>),
    /// An asynchronous caller's handler.
    Async(ResponseHandler),
}

/// An outstanding request.
struct Pending {
    invoke_id: u32,
    waiter: Waiter,
    deadline: Instant,
}

impl Pending {
    /// Hands the outcome to the waiter; handlers run later, from `notices`. With
    /// `after_reports`, a synchronous caller too is woken from `notices`, so that reports
    /// which arrived before its answer reach their listeners first (a refused control's
    /// LastApplError report precedes the write response).
    fn complete(self, outcome: Outcome, notices: &mut Vec<Notice>, after_reports: bool) {
        match self.waiter {
            Waiter::Sync(slot) if after_reports => notices.push(Notice::Wake(slot, outcome)),
            Waiter::Sync(slot) => slot.complete(outcome),
            Waiter::Async(handler) => {
                let result = outcome.and_then(Completion::service);
                notices.push(Notice::Response(handler, self.invoke_id, result));
            }
        }
    }
}

/// How long a synchronous caller spins for its answer before it sleeps.
const SPIN: Duration = Duration::from_micros(50);

/// Pending completion for the conclude request (it has no invoke ID).
const CONCLUDE: u32 = u32::MAX;

/// The socket and protocol of an open connection.
struct Link {
    proto: ClientProtocol,
    stream: mio::net::TcpStream,
    /// Where the reactor watches the socket (threaded mode).
    registration: Option<Registration>,
    outbox: Vec<u8>,
    events: Vec<Event>,
    /// Set while the connection is being opened (state CONNECTING).
    opening: Option<Opening>,
}

/// A link's socket as registered with a reactor.
struct Registration {
    reactor: Arc<Reactor>,
    token: Token,
}

impl Registration {
    /// Asks for `on_timer` once `at` has passed.
    fn schedule(&self, at: Instant) {
        self.reactor.schedule(self.token, at);
    }
}

/// A connection being opened: first the TCP connect, then the association.
struct Opening {
    /// The TCP connect has not completed yet.
    tcp_pending: bool,
    /// When the current step fails: connect timeout, then request timeout.
    deadline: Instant,
    /// A synchronous `connect` waiting for the outcome.
    waiter: Option<Arc<Slot>>,
}

struct Inner {
    state: State,
    config: Config,
    link: Option<Link>,
    pending: HashMap<u32, Pending>,
    on_state: Option<StateListener>,
    on_closed: Option<ClosedListener>,
    /// A `release` is under way: it, not the reactor, closes the link.
    releasing: bool,
    /// Logical devices and their variable names, once fetched. Like the reference, kept
    /// until the next `load_model`, across reconnects.
    model: Option<Arc<DeviceModel>>,
    /// Report listeners by the id `add_report_listener` gave them.
    on_report: Vec<(u64, ReportListener)>,
    next_listener: u64,
    /// Local files a server may obtain from us.
    filestore: Filestore,
    /// Reports queued for their listeners and not yet delivered.
    reports_queued: Arc<AtomicUsize>,
}

/// A notification to deliver outside the lock.
enum Notice {
    State(StateListener, State),
    Closed(ClosedListener),
    Response(
        ResponseHandler,
        u32,
        Result<ConfirmedServiceResponse, ClientError>,
    ),
    Report(Vec<ReportListener>, InformationReport, Arc<AtomicUsize>),
    Wake(Arc<Slot>, Outcome),
}

struct Shared {
    /// The threads serving this connection; `None` in tick mode.
    runtime: Option<Arc<Runtime>>,
    /// Set when the connection is dropped: callbacks still queued for it are skipped.
    dropped: Arc<AtomicBool>,
    inner: Mutex<Inner>,
}

/// An IEC 61850 client connection.
pub struct Connection {
    shared: Arc<Shared>,
    /// Keeps the threads running; dropped after `shared` was shut down.
    _lease: Option<Lease>,
}

impl Readiness for Shared {
    fn on_ready(&self, ready: Ready) {
        let notices = {
            let mut inner = self.inner.lock();
            let mut notices = Vec::new();
            advance_opening(&mut inner, &mut notices);
            if ready.writable {
                flush_or_close(&mut inner, &mut notices);
            }
            if ready.readable {
                pump(&mut inner, &mut notices);
            }
            notices
        };
        self.deliver(notices, false);
    }

    fn on_timer(&self) {
        let mut notices = Vec::new();
        expire(&mut self.inner.lock(), Instant::now(), &mut notices);
        self.deliver(notices, false);
    }
}

impl Shared {
    /// Runs notices in order on the callback thread, returning once they ran with `wait`
    /// (at once in tick mode); those whose turn comes after the connection was dropped are
    /// skipped.
    fn deliver(&self, notices: Vec<Notice>, wait: bool) {
        if notices.is_empty() {
            return;
        }
        let dropped = self.dropped.clone();
        let job = move || run_notices(notices, &dropped);
        match &self.runtime {
            Some(runtime) if wait => runtime.dispatcher.dispatch_and_wait(job),
            Some(runtime) => runtime.dispatcher.dispatch(job),
            None => job(),
        }
    }
}

impl Connection {
    /// A closed connection; `threaded` selects the reactor thread over `tick`.
    pub fn new(threaded: bool) -> Self {
        let lease = threaded.then(Lease::acquire);
        Connection {
            shared: Arc::new(Shared {
                runtime: lease.as_ref().map(|l| l.runtime().clone()),
                dropped: Arc::new(AtomicBool::new(false)),
                inner: Mutex::new(Inner {
                    state: State::Closed,
                    config: Config::default(),
                    link: None,
                    pending: HashMap::new(),
                    on_state: None,
                    on_closed: None,
                    releasing: false,
                    model: None,
                    on_report: Vec::new(),
                    next_listener: 0,
                    filestore: Filestore::default(),
                    reports_queued: Arc::new(AtomicUsize::new(0)),
                }),
            }),
            _lease: lease,
        }
    }

    /// Current state.
    pub fn state(&self) -> State {
        self.shared.inner.lock().state
    }

    /// Changes the settings used by the next connect (and the request timeout at once).
    pub fn configure(&self, f: impl FnOnce(&mut Config)) {
        f(&mut self.shared.inner.lock().config);
    }

    /// A copy of the current settings.
    pub fn config(&self) -> Config {
        self.shared.inner.lock().config.clone()
    }

    /// Installs (or with `None` removes) the state-change listener.
    pub fn set_state_listener(&self, listener: Option<StateListener>) {
        self.shared.inner.lock().on_state = listener;
    }

    /// Installs (or with `None` removes) the connection-closed listener.
    pub fn set_closed_listener(&self, listener: Option<ClosedListener>) {
        self.shared.inner.lock().on_closed = listener;
    }

    /// Adds a listener for InformationReports; returns its id for `remove_report_listener`.
    pub fn add_report_listener(&self, listener: ReportListener) -> u64 {
        let mut inner = self.shared.inner.lock();
        let id = inner.next_listener;
        inner.next_listener += 1;
        inner.on_report.push((id, listener));
        id
    }

    /// Removes a report listener. Reports already queued for the callback thread may still
    /// reach it; callers that must exclude that synchronise in the listener itself.
    pub fn remove_report_listener(&self, id: u64) {
        self.shared.inner.lock().on_report.retain(|(i, _)| *i != id);
    }

    /// Sets the base path of the local filestore that servers obtain files from
    /// (`None`: the default, `./vmd-filestore/`).
    pub fn set_filestore_basepath(&self, base: Option<String>) {
        self.shared.inner.lock().filestore.set_base(base);
    }

    /// Negotiated MMS parameters of the open association.
    pub fn negotiated(&self) -> Option<InitiateParams> {
        let inner = self.shared.inner.lock();
        inner
            .link
            .as_ref()
            .and_then(|l| l.proto.negotiated().cloned())
    }

    /// Requests still holding a waiter or a call slot; 0 once every request has been
    /// answered, timed out or failed (hostile-peer tests check nothing leaks).
    pub fn outstanding(&self) -> usize {
        let inner = self.shared.inner.lock();
        let slots = inner.link.as_ref().map_or(0, |l| l.proto.outstanding());
        inner.pending.len().max(slots)
    }

    /// Opens TCP to `host:port` and associates; blocks up to the timeouts. The state
    /// handler has seen CONNECTING and CONNECTED (or the close) when it returns.
    pub fn connect(&self, host: &str, port: u16) -> Result<(), ClientError> {
        let slot = Arc::new(Slot::default());
        let limit = self.open(host, port, Some(slot.clone()))?;
        let outcome = if self.shared.runtime.is_some() {
            slot.wait_until(limit)
        } else {
            self.drive_until(&slot, limit)
        };
        match outcome {
            Some(result) => result.map(|_| ()),
            // The timers end every opening before `limit`; this is a safety net only.
            None => {
                self.close();
                Err(ClientError::Timeout)
            }
        }
    }

    /// Starts opening the connection and returns at once (CONNECTING has been reported);
    /// the state handler reports CONNECTED or the close later.
    pub fn connect_async(&self, host: &str, port: u16) -> Result<(), ClientError> {
        self.open(host, port, None).map(|_| ())
    }

    /// Resolves `host`, reports CONNECTING and starts the TCP connect; the reactor (or
    /// `tick`) carries the opening on. Returns a time by which it has surely ended.
    fn open(
        &self,
        host: &str,
        port: u16,
        waiter: Option<Arc<Slot>>,
    ) -> Result<Instant, ClientError> {
        let config = {
            let inner = self.shared.inner.lock();
            if inner.state != State::Closed {
                return Err(ClientError::AlreadyConnected);
            }
            inner.config.clone()
        };
        // A name that does not resolve changes nothing, as on the reference.
        let addr = (host, port)
            .to_socket_addrs()
            .ok()
            .and_then(|mut a| a.next())
            .ok_or(ClientError::Unknown)?;
        let mut notices = Vec::new();
        {
            let mut inner = self.shared.inner.lock();
            if inner.state != State::Closed {
                return Err(ClientError::AlreadyConnected);
            }
            set_state(&mut inner, State::Connecting, &mut notices);
        }
        self.notify(std::mem::take(&mut notices));
        let now = Instant::now();
        let limit = now + config.connect_timeout + config.request_timeout + Duration::from_secs(1);
        let mut inner = self.shared.inner.lock();
        match tcp::start_connect(addr, config.local_address) {
            Ok(stream) => {
                let mut link = Link {
                    proto: ClientProtocol::new(config.iso.clone(), config.initiate.clone()),
                    stream: mio::net::TcpStream::from_std(stream),
                    registration: None,
                    outbox: Vec::new(),
                    events: Vec::new(),
                    opening: Some(Opening {
                        tcp_pending: true,
                        deadline: now + config.connect_timeout,
                        waiter,
                    }),
                };
                let registered = match &self.shared.runtime {
                    Some(runtime) => {
                        let owner: Arc<dyn Readiness> = self.shared.clone();
                        let reactor = runtime.reactor.clone();
                        reactor.register(&mut link.stream, owner).map(|token| {
                            let registration = Registration { reactor, token };
                            registration.schedule(now + config.connect_timeout);
                            link.registration = Some(registration);
                        })
                    }
                    None => Ok(()),
                };
                inner.link = Some(link);
                match registered {
                    Ok(()) => advance_opening(&mut inner, &mut notices),
                    Err(_) => fail_opening(&mut inner, ClientError::Unknown, &mut notices),
                }
            }
            Err(_) => {
                report_closed(&mut inner, &mut notices, Ending::Local);
                if let Some(slot) = waiter {
                    notices.push(Notice::Wake(slot, Err(ClientError::ConnectionRejected)));
                }
            }
        }
        drop(inner);
        self.notify(notices);
        Ok(limit)
    }

    /// Closes the TCP connection without releasing the association.
    pub fn close(&self) {
        self.end(Ending::Local);
    }

    /// Drops the link, if any, and reports the close as `ending` is reported.
    fn end(&self, ending: Ending) {
        let mut inner = self.shared.inner.lock();
        if inner.link.is_none() {
            return;
        }
        let mut notices = Vec::new();
        shut_down(&mut inner, &mut notices, ending);
        drop(inner);
        self.notify(notices);
    }

    /// Orderly release: MMS conclude, then close.
    pub fn release(&self) -> Result<(), ClientError> {
        let slot = Arc::new(Slot::default());
        let mut notices = Vec::new();
        {
            let mut guard = self.shared.inner.lock();
            let inner = &mut *guard;
            let link = match (&mut inner.link, inner.state) {
                (Some(link), State::Connected) => link,
                _ => return Err(ClientError::NotConnected),
            };
            link.proto
                .conclude(&mut link.outbox)
                .map_err(|_| ClientError::NotConnected)?;
            let deadline = Instant::now() + inner.config.request_timeout;
            inner.releasing = true;
            inner.pending.insert(
                CONCLUDE,
                Pending {
                    invoke_id: CONCLUDE,
                    waiter: Waiter::Sync(slot.clone()),
                    deadline,
                },
            );
            flush_or_close(inner, &mut notices);
        }
        self.notify(notices);
        let result = self.wait(CONCLUDE, &slot);
        self.end(Ending::Remote);
        result.map(|_| ())
    }

    /// Starts an orderly release (MMS conclude) and returns; the connection closes, and the
    /// close is reported, when the server has answered.
    pub fn release_async(&self) -> Result<(), ClientError> {
        let mut notices = Vec::new();
        {
            let mut guard = self.shared.inner.lock();
            let inner = &mut *guard;
            let link = match (&mut inner.link, inner.state) {
                (Some(link), State::Connected) => link,
                _ => return Err(ClientError::NotConnected),
            };
            link.proto
                .conclude(&mut link.outbox)
                .map_err(|_| ClientError::NotConnected)?;
            flush_or_close(inner, &mut notices);
        }
        self.notify(notices);
        Ok(())
    }

    /// Aborts the association (ACSE abort) and closes.
    pub fn abort(&self) -> Result<(), ClientError> {
        {
            let mut inner = self.shared.inner.lock();
            let inner = &mut *inner;
            let link = match (&mut inner.link, inner.state) {
                (Some(link), State::Connected) => link,
                _ => return Err(ClientError::NotConnected),
            };
            link.proto.abort(&mut link.outbox);
            // Best effort: the abort is a courtesy to the peer, the close happens regardless.
            let _ = write_out(link);
        }
        self.close();
        Ok(())
    }

    /// Processes whatever arrived, without blocking (tick mode). True when nothing was pending.
    pub fn tick(&self) -> bool {
        let mut notices = Vec::new();
        let idle = {
            let mut inner = self.shared.inner.lock();
            advance_opening(&mut inner, &mut notices);
            flush_or_close(&mut inner, &mut notices);
            let idle = pump(&mut inner, &mut notices) == 0;
            expire(&mut inner, Instant::now(), &mut notices);
            idle
        };
        self.notify(notices);
        idle
    }

    /// Reads one variable. A DataAccessError result comes back as `MmsValue::DataAccessError`.
    pub fn read(&self, var: &VariableRef) -> Result<MmsValue, ClientError> {
        read_result(self.call(|proto, out| proto.read(std::slice::from_ref(var), out))?)
    }

    /// Reads one variable asynchronously; `handler` gets the invoke ID and the value.
    /// Returns the invoke ID.
    pub fn read_async(
        &self,
        var: &VariableRef,
        handler: impl FnOnce(u32, Result<MmsValue, ClientError>) + Send + 'static,
    ) -> Result<u32, ClientError> {
        self.submit_async(
            |proto, out| proto.read(std::slice::from_ref(var), out),
            Box::new(move |id, r| handler(id, r.and_then(read_result))),
        )
    }

    /// Writes one variable.
    pub fn write(&self, var: &VariableRef, value: &MmsValue) -> Result<(), ClientError> {
        write_result(self.call(|proto, out| proto.write(std::slice::from_ref(var), &[value], out))?)
    }

    /// Writes one variable asynchronously; `handler` gets the invoke ID and the outcome.
    /// Returns the invoke ID.
    pub fn write_async(
        &self,
        var: &VariableRef,
        value: &MmsValue,
        handler: impl FnOnce(u32, Result<(), ClientError>) + Send + 'static,
    ) -> Result<u32, ClientError> {
        self.submit_async(
            |proto, out| proto.write(std::slice::from_ref(var), &[value], out),
            Box::new(move |id, r| handler(id, r.and_then(write_result))),
        )
    }

    /// Names of the logical devices (MMS domains), from the device model.
    pub fn domain_names(&self) -> Result<Vec<String>, ClientError> {
        Ok(self.device_model()?.devices())
    }

    /// MMS variable names of a logical device, asked of the server (continue-after paging)
    /// on every call, as on the reference.
    pub fn variable_names(&self, domain: &str) -> Result<Vec<String>, ClientError> {
        self.name_list(get_name_list::CLASS_NAMED_VARIABLE, Some(domain))
    }

    /// The device model: the copy fetched before, even while not connected, otherwise
    /// fetched now. The reference's directory services answer this way, so browsing a
    /// device costs one fetch of its names instead of one per query.
    pub fn device_model(&self) -> Result<Arc<DeviceModel>, ClientError> {
        let cached = self.shared.inner.lock().model.clone();
        match cached {
            Some(model) => Ok(model),
            None => self.load_model(),
        }
    }

    /// Fetches every logical device's variable names (again) and keeps them as the model.
    pub fn load_model(&self) -> Result<Arc<DeviceModel>, ClientError> {
        let mut devices = Vec::new();
        for domain in self.name_list(get_name_list::CLASS_DOMAIN, None)? {
            let names = self.variable_names(&domain)?;
            devices.push((domain, names));
        }
        let model = Arc::new(DeviceModel::new(devices));
        self.shared.inner.lock().model = Some(model.clone());
        Ok(model)
    }

    /// All names of `object_class` (`pdu::CLASS_*`) in the VMD (`None`) or a domain, page
    /// after page (GetNameList with continue-after).
    pub fn name_list(
        &self,
        object_class: u8,
        domain: Option<&str>,
    ) -> Result<Vec<String>, ClientError> {
        let mut all = Vec::new();
        let mut request = NameListRequest {
            object_class,
            domain: domain.map(str::to_owned),
            continue_after: None,
        };
        loop {
            let (names, more_follows) = self
                .call(|proto, out| proto.get_name_list(&request, out))
                .and_then(name_list_page)?;
            let last = names.last().cloned();
            all.extend(names);
            match last {
                // A server that says "more" without giving names would loop forever.
                Some(last) if more_follows => request.continue_after = Some(last),
                _ => return Ok(all),
            }
        }
    }

    /// One GetNameList page, asynchronously: `handler` gets the invoke ID, the names and
    /// whether more follow. Returns the invoke ID.
    pub fn name_list_page_async(
        &self,
        request: &NameListRequest,
        handler: impl FnOnce(u32, Result<(Vec<String>, bool), ClientError>) + Send + 'static,
    ) -> Result<u32, ClientError> {
        self.submit_async(
            |proto, out| proto.get_name_list(request, out),
            Box::new(move |id, r| handler(id, r.and_then(name_list_page))),
        )
    }

    /// Runs one confirmed service: `encode` writes the request for an invoke ID, `parse`
    /// turns the response into the result.
    pub fn service<T>(
        &self,
        encode: impl FnOnce(u32, &mut Vec<u8>) -> Result<(), RequestError>,
        parse: impl FnOnce(ConfirmedServiceResponse) -> Result<T, ClientError>,
    ) -> Result<T, ClientError> {
        parse(self.call(|proto, out| proto.request(out, encode))?)
    }

    /// Starts one confirmed service; `handler` gets the invoke ID and the parsed result.
    /// Returns the invoke ID.
    pub fn service_async<T>(
        &self,
        encode: impl FnOnce(u32, &mut Vec<u8>) -> Result<(), RequestError>,
        parse: impl FnOnce(ConfirmedServiceResponse) -> Result<T, ClientError> + Send + 'static,
        handler: impl FnOnce(u32, Result<T, ClientError>) + Send + 'static,
    ) -> Result<u32, ClientError> {
        self.submit_async(
            |proto, out| proto.request(out, encode),
            Box::new(move |id, r| handler(id, r.and_then(parse))),
        )
    }

    /// Submits a confirmed request built by `encode` and waits for its response.
    fn call(
        &self,
        encode: impl FnOnce(&mut ClientProtocol, &mut Vec<u8>) -> Result<u32, RequestError>,
    ) -> Result<ConfirmedServiceResponse, ClientError> {
        let slot = Arc::new(Slot::default());
        let id = self.submit(encode, Waiter::Sync(slot.clone()))?;
        self.wait(id, &slot)?.service()
    }

    /// Submits a confirmed request built by `encode`; `handler` gets its result (or TIMEOUT
    /// after the request timeout, or CONNECTION_LOST). Returns the invoke ID.
    pub fn submit_async(
        &self,
        encode: impl FnOnce(&mut ClientProtocol, &mut Vec<u8>) -> Result<u32, RequestError>,
        handler: ResponseHandler,
    ) -> Result<u32, ClientError> {
        self.submit(encode, Waiter::Async(handler))
    }

    /// Encodes a request, registers its waiter with a deadline and sends it.
    fn submit(
        &self,
        encode: impl FnOnce(&mut ClientProtocol, &mut Vec<u8>) -> Result<u32, RequestError>,
        waiter: Waiter,
    ) -> Result<u32, ClientError> {
        let mut notices = Vec::new();
        let id = {
            let mut guard = self.shared.inner.lock();
            let inner = &mut *guard;
            let link = match (&mut inner.link, inner.state) {
                (Some(link), State::Connected) => link,
                _ => return Err(ClientError::ConnectionLost),
            };
            let id = encode(&mut link.proto, &mut link.outbox).map_err(|e| match e {
                RequestError::NotAssociated => ClientError::ConnectionLost,
                RequestError::OutstandingLimit => ClientError::OutstandingCallLimit,
                RequestError::TooLarge | RequestError::InvalidValue => ClientError::InvalidArgument,
            })?;
            let deadline = Instant::now() + inner.config.request_timeout;
            // Synchronous callers time out on their own; handlers need the reactor's timer.
            if let (Waiter::Async(_), Some(registration)) = (&waiter, &link.registration) {
                registration.schedule(deadline);
            }
            inner.pending.insert(
                id,
                Pending {
                    invoke_id: id,
                    waiter,
                    deadline,
                },
            );
            flush_or_close(inner, &mut notices);
            id
        };
        self.notify(notices);
        Ok(id)
    }

    /// Waits for `slot` up to the request timeout; on timeout the request is forgotten.
    fn wait(&self, id: u32, slot: &Slot) -> Outcome {
        let timeout = self.shared.inner.lock().config.request_timeout;
        let deadline = Instant::now() + timeout;
        let outcome = if self.shared.runtime.is_some() {
            slot.wait_until(deadline)
        } else {
            self.drive_until(slot, deadline)
        };
        outcome.unwrap_or_else(|| {
            let mut inner = self.shared.inner.lock();
            // Dropping the entry drops only our own slot: nothing else waits on it.
            inner.pending.remove(&id);
            if let Some(link) = inner.link.as_mut() {
                link.proto.forget(id);
            }
            // The slot may have been completed between the wait and the lock.
            slot.take().unwrap_or(Err(ClientError::Timeout))
        })
    }

    /// Tick mode: drives the socket on the calling thread until `slot` completes or the deadline.
    fn drive_until(&self, slot: &Slot, deadline: Instant) -> Option<Outcome> {
        loop {
            if let Some(outcome) = slot.take() {
                return Some(outcome);
            }
            let now = Instant::now();
            if now >= deadline {
                return None;
            }
            let ready = {
                let inner = self.shared.inner.lock();
                match inner.link.as_ref() {
                    Some(link) => {
                        let connecting = link.opening.as_ref().is_some_and(|o| o.tcp_pending);
                        // Wake for the opening's own deadline too.
                        let until = link
                            .opening
                            .as_ref()
                            .map_or(deadline, |o| o.deadline.min(deadline));
                        let wait = until.saturating_duration_since(now);
                        tcp::wait_ready(&link.stream, connecting, Some(wait)).unwrap_or(true)
                    }
                    None => true,
                }
            };
            let mut notices = Vec::new();
            {
                let mut inner = self.shared.inner.lock();
                advance_opening(&mut inner, &mut notices);
                if ready {
                    pump(&mut inner, &mut notices);
                }
                expire(&mut inner, Instant::now(), &mut notices);
            }
            self.notify(notices);
        }
    }

    /// Delivers notices raised by the caller's own action: before the call returns, in order.
    fn notify(&self, notices: Vec<Notice>) {
        self.shared.deliver(notices, true);
    }

    /// Returns once the callbacks queued for this connection so far have run (at once in
    /// tick mode, where they run before the call that raised them returns).
    pub fn flush_callbacks(&self) {
        if let Some(runtime) = &self.shared.runtime {
            runtime.dispatcher.dispatch_and_wait(|| {});
        }
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        {
            let mut inner = self.shared.inner.lock();
            let mut notices = Vec::new();
            shut_down(&mut inner, &mut notices, Ending::Local);
            // Nobody is left to tell: the handle is being destroyed.
        }
        // No callback of this connection runs once the drop returns: those queued after
        // this point are skipped, the flush waits for one running now (unless that one is
        // dropping us). Then the lease goes, which may stop and join the threads.
        self.shared.dropped.store(true, Ordering::Release);
        self.flush_callbacks();
    }
}

/// Runs the notices in order; stops when a callback among them dropped the connection.
fn run_notices(notices: Vec<Notice>, dropped: &AtomicBool) {
    for notice in notices {
        if dropped.load(Ordering::Acquire) {
            return;
        }
        match notice {
            Notice::State(listener, state) => listener(state),
            Notice::Closed(listener) => listener(),
            Notice::Response(handler, id, result) => handler(id, result),
            Notice::Report(listeners, report, queued) => {
                listeners.iter().for_each(|l| l(&report));
                queued.fetch_sub(1, Ordering::AcqRel);
            }
            Notice::Wake(slot, outcome) => slot.complete(outcome),
        }
    }
}

fn set_state(inner: &mut Inner, state: State, notices: &mut Vec<Notice>) {
    if inner.state != state {
        inner.state = state;
        if let Some(listener) = &inner.on_state {
            notices.push(Notice::State(listener.clone(), state));
        }
    }
}

/// Carries an opening connection on: once the TCP connect completes, the association
/// starts (COTP connection request) under the request timeout; a failed connect closes.
fn advance_opening(inner: &mut Inner, notices: &mut Vec<Notice>) {
    let Some(link) = inner.link.as_mut() else {
        return;
    };
    let Some(opening) = link.opening.as_mut().filter(|o| o.tcp_pending) else {
        return;
    };
    match tcp::connect_result(&link.stream) {
        Ok(false) => {}
        Ok(true) => {
            opening.tcp_pending = false;
            opening.deadline = Instant::now() + inner.config.request_timeout;
            if let Some(registration) = &link.registration {
                registration.schedule(opening.deadline);
            }
            link.proto.start(&mut link.outbox);
            flush_or_close(inner, notices);
        }
        Err(_) => fail_opening(inner, ClientError::ConnectionRejected, notices),
    }
}

/// Ends an opening connection: the close is reported, a waiting `connect` gets `error`.
fn fail_opening(inner: &mut Inner, error: ClientError, notices: &mut Vec<Notice>) {
    let waiter = inner
        .link
        .as_mut()
        .and_then(|l| l.opening.as_mut())
        .and_then(|o| o.waiter.take());
    shut_down(inner, notices, Ending::Local);
    if let Some(slot) = waiter {
        notices.push(Notice::Wake(slot, Err(error)));
    }
}

/// The association is up: CONNECTED is reported, then a waiting `connect` returns.
fn finish_opening(inner: &mut Inner, notices: &mut Vec<Notice>) {
    let Some(opening) = inner.link.as_mut().and_then(|l| l.opening.take()) else {
        return;
    };
    set_state(inner, State::Connected, notices);
    if let Some(slot) = opening.waiter {
        notices.push(Notice::Wake(slot, Ok(Completion::Connected)));
    }
}

/// Whether reports are still queued for their listeners (answers then wait for them).
fn reports_pending(inner: &Inner) -> bool {
    inner.reports_queued.load(Ordering::Acquire) > 0
}

/// Drops the link, fails every waiter and reports the close. A request cut off by the
/// end of its connection fails with TIMEOUT at once, as on the reference; later calls
/// get CONNECTION_LOST.
fn shut_down(inner: &mut Inner, notices: &mut Vec<Notice>, ending: Ending) {
    inner.releasing = false;
    inner.filestore.close_all();
    if let Some(mut link) = inner.link.take() {
        if let Some(registration) = &link.registration {
            registration
                .reactor
                .deregister(&mut link.stream, registration.token);
        }
        let after = reports_pending(inner);
        for (_, pending) in inner.pending.drain() {
            pending.complete(Err(ClientError::Timeout), notices, after);
        }
        report_closed(inner, notices, ending);
    }
}

/// How a connection ends, which decides what its state handler sees (as on the reference).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ending {
    /// Closed or aborted here, or a connect that failed: CLOSING, then CLOSED.
    Local,
    /// Released, or ended by the peer or the network: CLOSED alone.
    Remote,
}

/// CLOSING (for a local end), CLOSED, then the closed handler.
fn report_closed(inner: &mut Inner, notices: &mut Vec<Notice>, ending: Ending) {
    if ending == Ending::Local {
        set_state(inner, State::Closing, notices);
    }
    set_state(inner, State::Closed, notices);
    if let Some(listener) = &inner.on_closed {
        notices.push(Notice::Closed(listener.clone()));
    }
}

/// The names of a GetNameList response and whether more follow.
fn name_list_page(response: ConfirmedServiceResponse) -> Result<(Vec<String>, bool), ClientError> {
    match response {
        ConfirmedServiceResponse::GetNameList {
            names,
            more_follows,
        } => Ok((names, more_follows)),
        _ => Err(ClientError::MalformedMessage),
    }
}

/// The value of a one-variable Read response.
fn read_result(response: ConfirmedServiceResponse) -> Result<MmsValue, ClientError> {
    match response {
        ConfirmedServiceResponse::Read(mut results) if results.len() == 1 => {
            Ok(results.pop().map_or(MmsValue::DataAccessError(12), |r| {
                r.unwrap_or_else(MmsValue::DataAccessError)
            }))
        }
        _ => Err(ClientError::MalformedMessage),
    }
}

/// The outcome of a one-variable Write response.
fn write_result(response: ConfirmedServiceResponse) -> Result<(), ClientError> {
    match response {
        ConfirmedServiceResponse::Write(results) if results.len() == 1 => {
            results[0].map_err(ClientError::from_write_access_error)
        }
        _ => Err(ClientError::MalformedMessage),
    }
}

/// Completes every request whose deadline has passed with TIMEOUT; the connection stays up.
/// An opening past its deadline fails: a TCP connect as CONNECTION_REJECTED (as on the
/// reference), an association as TIMEOUT.
fn expire(inner: &mut Inner, now: Instant, notices: &mut Vec<Notice>) {
    let overdue = inner
        .link
        .as_ref()
        .and_then(|l| l.opening.as_ref())
        .filter(|o| o.deadline <= now)
        .map(|o| o.tcp_pending);
    match overdue {
        Some(true) => return fail_opening(inner, ClientError::ConnectionRejected, notices),
        Some(false) => return fail_opening(inner, ClientError::Timeout, notices),
        None => {}
    }
    let due: Vec<u32> = inner
        .pending
        .iter()
        .filter(|(_, p)| p.deadline <= now)
        .map(|(id, _)| *id)
        .collect();
    for id in due {
        if let (Some(pending), Some(link)) = (inner.pending.remove(&id), inner.link.as_mut()) {
            link.proto.forget(id);
            pending.complete(Err(ClientError::Timeout), notices, false);
        }
    }
}

/// Writes as much of the outbox as the socket takes; closes the link on a write error.
fn flush_or_close(inner: &mut Inner, notices: &mut Vec<Notice>) {
    let failed = inner
        .link
        .as_mut()
        .is_some_and(|link| write_out(link).is_err());
    if failed {
        shut_down(inner, notices, Ending::Remote);
    }
}

fn write_out(link: &mut Link) -> io::Result<()> {
    let mut written = 0;
    while written < link.outbox.len() {
        match link.stream.write(&link.outbox[written..]) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => written += n,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    link.outbox.drain(..written);
    Ok(())
}

/// Reads everything available, feeds the protocol and completes waiters; returns the bytes read.
fn pump(inner: &mut Inner, notices: &mut Vec<Notice>) -> usize {
    let mut buf = [0u8; 16 * 1024];
    let mut total = 0;
    let mut lost = false;
    let Some(link) = inner.link.as_mut() else {
        return 0;
    };
    loop {
        match link.stream.read(&mut buf) {
            Ok(0) => {
                lost = true;
                break;
            }
            Ok(n) => {
                total += n;
                link.proto
                    .feed(&buf[..n], &mut link.outbox, &mut link.events);
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => {
                lost = true;
                break;
            }
        }
    }
    let events = std::mem::take(&mut link.events);
    for event in events {
        match event {
            Event::Response { invoke_id, result } => {
                if let Some(pending) = inner.pending.remove(&invoke_id) {
                    let outcome = result.map(Completion::Service).map_err(|f| match f {
                        ServiceFailure::Error(e) => ClientError::from_mms_error(e),
                        // As the reference: whatever the reject reason, the call fails UNKNOWN.
                        ServiceFailure::Rejected(_) => ClientError::Unknown,
                        ServiceFailure::Malformed => ClientError::MalformedMessage,
                    });
                    pending.complete(outcome, notices, reports_pending(inner));
                }
            }
            Event::Concluded => {
                if let Some(pending) = inner.pending.remove(&CONCLUDE) {
                    pending.complete(Ok(Completion::Concluded), notices, reports_pending(inner));
                }
            }
            Event::Closed | Event::Refused => lost = true,
            Event::InformationReport(report) => {
                if !inner.on_report.is_empty() {
                    let listeners = inner.on_report.iter().map(|(_, l)| l.clone()).collect();
                    inner.reports_queued.fetch_add(1, Ordering::AcqRel);
                    notices.push(Notice::Report(
                        listeners,
                        report,
                        inner.reports_queued.clone(),
                    ));
                }
            }
            Event::Request { invoke_id, service } => {
                if let Some(link) = inner.link.as_mut() {
                    // Room for the FileRead response's envelope around the data.
                    let chunk = link.proto.max_pdu_size().saturating_sub(32).max(1);
                    let mut answer = Vec::new();
                    inner
                        .filestore
                        .answer(invoke_id, &service, chunk, &mut answer);
                    // Not associated any more: the close below takes care of it.
                    let _ = link.proto.respond(&answer, &mut link.outbox);
                }
            }
            Event::Associated(_) => finish_opening(inner, notices),
        }
    }
    let ended = lost
        || inner
            .link
            .as_ref()
            .is_some_and(|l| l.proto.phase() == Phase::Closed);
    let opening = inner.link.as_ref().is_some_and(|l| l.opening.is_some());
    if ended && opening {
        // Refused, aborted or dropped while associating.
        fail_opening(inner, ClientError::ConnectionRejected, notices);
    } else if ended && inner.releasing {
        // `release` closes the link itself, so that its caller sees the close reported
        // before it returns; only its waiter needs an answer now.
        if let Some(pending) = inner.pending.remove(&CONCLUDE) {
            pending.complete(Err(ClientError::ConnectionLost), notices, false);
        }
    } else if ended {
        shut_down(inner, notices, Ending::Remote);
    } else {
        flush_or_close(inner, notices);
    }
    total
}
