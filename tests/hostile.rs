//! A hostile IED on loopback: during and after association it sends truncated or
//! oversized frames, wrong invoke IDs, duplicates, rejects, aborts, garbage, one byte
//! at a time, or resets the connection. For every case, in threaded and tick mode, the
//! client returns the documented error within the request timeout, keeps no request
//! slot, and other connections stay usable; a final round checks that repeated hostile
//! connections leak neither file descriptors nor threads.
//!
//! Error per case (what the client returns):
//! - TIMEOUT: the peer stays silent or too slow (truncated frame, wrong or foreign invoke
//!   ID, one byte per interval); the connection stays up.
//! - CONNECTION_LOST: the peer breaks the association (undecodable PDU, BER lengths up
//!   to 2^32, nesting beyond the limit, oversized segmented message, ACSE abort, reset,
//!   close mid-response).
//! - the service's own error for a RejectPDU (the MmsError of the reject reason).
//! - During association: CONNECTION_REJECTED (garbage, refusal, reset), TIMEOUT (silence).

mod support;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use iec61850::client::protocol::{ClientProtocol, Event, Phase};
use iec61850::client::{Connection, State};
use iec61850::iec61850::ClientError;
use iec61850::mms::initiate::{self, InitiateParams};
use iec61850::mms::pdu::{self, ConfirmedService, MmsPdu};
use iec61850::mms::read;
use iec61850::mms::MmsValue;
use iec61850::osi::tpkt::Framer;
use iec61850::osi::{IsoEvent, IsoParams, IsoServer};
use support::{var, FakeIed};

const REQUEST_TIMEOUT: Duration = Duration::from_millis(600);
/// Scheduling slack on top of the request timeout.
const SLACK: Duration = Duration::from_millis(700);

/// The server side of one hostile connection.
struct Ied {
    stream: TcpStream,
    iso: IsoServer,
    framer: Framer,
}

impl Ied {
    fn raw(&mut self, bytes: &[u8]) {
        // The client may already have given up: write errors end the script, not the test.
        let _ = self.stream.write_all(bytes);
    }

    fn mms(&mut self, pdu: &[u8]) {
        let mut out = Vec::new();
        self.iso.send_data(pdu, &mut out);
        self.raw(&out);
    }

    /// The frames carrying a read response of Integer(n).
    fn response_frames(&mut self, invoke_id: u32, n: i64) -> Vec<u8> {
        let mut mms = Vec::new();
        read::encode_read_response(invoke_id, &[Ok(MmsValue::Integer(n))], &mut mms).unwrap();
        let mut out = Vec::new();
        self.iso.send_data(&mms, &mut out);
        out
    }

    fn respond(&mut self, invoke_id: u32, n: i64) {
        let frames = self.response_frames(invoke_id, n);
        self.raw(&frames);
    }

    /// Reads until the next ISO event; `None` when the client closed.
    fn next_event(&mut self) -> Option<Vec<u8>> {
        let mut buf = [0u8; 4096];
        loop {
            if let Ok(Some(frame)) = self.framer.next_frame() {
                let frame = frame.to_vec();
                let mut out = Vec::new();
                let data = match self.iso.handle_frame(&frame) {
                    Ok(Some(IsoEvent::TransportConnectRequest)) => {
                        self.iso.accept_transport(&mut out);
                        self.raw(&out);
                        continue;
                    }
                    Ok(Some(IsoEvent::AssociateRequest { .. })) => Some(Vec::new()),
                    Ok(Some(IsoEvent::Data(d))) => Some(d.to_vec()),
                    Ok(_) => continue,
                    Err(_) => None,
                };
                return data;
            }
            match self.stream.read(&mut buf) {
                Ok(0) | Err(_) => return None,
                Ok(n) => self.framer.push(&buf[..n]),
            }
        }
    }
}

/// What the IED does instead of accepting the association (`None`: accept it).
type Association = Option<fn(&mut Ied)>;
/// What the IED does with the request of this invoke ID; `n` counts the requests.
type Script = fn(&mut Ied, u32, usize);

/// Starts a hostile IED; each accepted connection runs `assoc`, then `script`.
fn hostile(assoc: Association, script: Script) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            thread::spawn(move || serve(stream, assoc, script));
        }
    });
    port
}

fn serve(stream: TcpStream, assoc: Association, script: Script) {
    let mut ied = Ied {
        stream,
        iso: IsoServer::new(IsoParams::default()),
        framer: Framer::new(65_535),
    };
    if let Some(hostility) = assoc {
        // Wait for the connection request, then misbehave instead of confirming it.
        let mut buf = [0u8; 512];
        if matches!(ied.stream.read(&mut buf), Ok(n) if n > 0) {
            hostility(&mut ied);
        }
        drain(&mut ied.stream);
        return;
    }
    if ied.next_event().is_none() {
        return;
    }
    let mut response = Vec::new();
    initiate::encode_initiate_response(&InitiateParams::client_default(), &mut response);
    let mut out = Vec::new();
    ied.iso.accept_association(&response, &mut out);
    ied.raw(&out);
    let mut n = 0;
    while let Some(mms) = ied.next_event() {
        match pdu::decode_pdu(&mms, 10) {
            Ok(MmsPdu::ConfirmedRequest {
                invoke_id,
                service: ConfirmedService::Read { .. },
            }) => {
                script(&mut ied, invoke_id, n);
                n += 1;
            }
            Ok(MmsPdu::ConcludeRequest) => {
                let mut mms = Vec::new();
                pdu::encode_conclude_response(&mut mms);
                ied.mms(&mms);
            }
            _ => return,
        }
    }
}

/// Keeps the socket open until the client closes it.
fn drain(stream: &mut TcpStream) {
    let mut buf = [0u8; 512];
    while matches!(stream.read(&mut buf), Ok(n) if n > 0) {}
}

/// Answers every request after the first correctly (the connection stays usable).
fn good(ied: &mut Ied, invoke_id: u32, n: usize) -> bool {
    if n > 0 {
        ied.respond(invoke_id, n as i64);
    }
    n > 0
}

/// A read response whose Data nests `depth` structures.
fn nested_response(invoke_id: u32, depth: usize) -> Vec<u8> {
    let mut value = MmsValue::Integer(1);
    for _ in 0..depth {
        value = MmsValue::structure(vec![value]);
    }
    let mut mms = Vec::new();
    read::encode_read_response(invoke_id, &[Ok(value)], &mut mms).unwrap();
    mms
}

/// One COTP DT TPDU in a TPKT frame.
fn dt_frame(eot: bool, data: &[u8]) -> Vec<u8> {
    let len = (7 + data.len()) as u16;
    let mut f = vec![3, 0];
    f.extend_from_slice(&len.to_be_bytes());
    f.extend_from_slice(&[2, 0xF0, if eot { 0x80 } else { 0 }]);
    f.extend_from_slice(data);
    f
}

/// A hostile case after association.
struct Case {
    name: &'static str,
    script: Script,
    /// The first read's result.
    expect: Result<MmsValue, ClientError>,
    /// Whether the connection survives (then a second read gets Integer(1)).
    survives: bool,
}

fn cases() -> Vec<Case> {
    // A request cut off by the end of its connection fails at once with TIMEOUT, as the
    // reference reports it; the timing check below tells it from a real timeout.
    use ClientError::{MalformedMessage, Timeout};
    vec![
        Case {
            name: "truncated TPKT, then silence",
            script: |ied, id, n| {
                if !good(ied, id, n) {
                    ied.raw(&[3, 0, 0, 50, 2, 0xF0]);
                }
            },
            expect: Err(Timeout),
            survives: false,
        },
        Case {
            name: "TPKT length 65535 with a short body",
            script: |ied, id, n| {
                if !good(ied, id, n) {
                    ied.raw(&[3, 0, 0xFF, 0xFF, 2, 0xF0, 0x80, 0xA1]);
                }
            },
            expect: Err(Timeout),
            survives: false,
        },
        Case {
            name: "BER length 2^32-1 in the MMS PDU",
            script: |ied, id, n| {
                if !good(ied, id, n) {
                    ied.mms(&[0xA1, 0x84, 0xFF, 0xFF, 0xFF, 0xFF, 0x02, 0x01, 0x01]);
                }
            },
            expect: Err(Timeout),
            survives: false,
        },
        Case {
            name: "Data nesting beyond the limit",
            script: |ied, id, n| {
                if !good(ied, id, n) {
                    ied.mms(&nested_response(id, 300));
                }
            },
            // Only this request fails, as the reference fails an undecodable value.
            expect: Err(MalformedMessage),
            survives: true,
        },
        Case {
            name: "segmented message beyond the size cap",
            script: |ied, id, n| {
                if !good(ied, id, n) {
                    for _ in 0..10 {
                        ied.raw(&dt_frame(false, &[0xA1; 8000]));
                    }
                }
            },
            expect: Err(Timeout),
            survives: false,
        },
        Case {
            name: "wrong invoke ID",
            script: |ied, id, n| {
                if !good(ied, id, n) {
                    ied.respond(id.wrapping_add(1000), 99);
                }
            },
            expect: Err(Timeout),
            survives: true,
        },
        Case {
            name: "unsolicited response, then the right one",
            script: |ied, id, n| {
                if !good(ied, id, n) {
                    ied.respond(id + 77, 99);
                    ied.respond(id, 0);
                }
            },
            expect: Ok(MmsValue::Integer(0)),
            survives: true,
        },
        Case {
            name: "duplicate response",
            script: |ied, id, n| {
                if !good(ied, id, n) {
                    ied.respond(id, 0);
                    ied.respond(id, 55);
                }
            },
            expect: Ok(MmsValue::Integer(0)),
            survives: true,
        },
        Case {
            name: "reject",
            script: |ied, id, n| {
                if !good(ied, id, n) {
                    let mut mms = Vec::new();
                    pdu::encode_reject(Some(id), 1, 1, &mut mms);
                    ied.mms(&mms);
                }
            },
            // Whatever the reason, as the reference (tests/interop/test_unusual_answers.py).
            expect: Err(ClientError::Unknown),
            survives: true,
        },
        Case {
            name: "ACSE abort",
            script: |ied, id, n| {
                if !good(ied, id, n) {
                    let mut out = Vec::new();
                    ied.iso.abort(&mut out);
                    ied.raw(&out);
                }
            },
            expect: Err(Timeout),
            survives: false,
        },
        Case {
            name: "garbage after a valid response",
            script: |ied, id, n| {
                if !good(ied, id, n) {
                    let mut bytes = ied.response_frames(id, 0);
                    bytes.extend_from_slice(&[0xDE, 0xAD, 0xBE, 0xEF, 0, 0, 0, 0]);
                    ied.raw(&bytes);
                }
            },
            expect: Ok(MmsValue::Integer(0)),
            survives: false,
        },
        Case {
            name: "one byte per interval (slowloris)",
            script: |ied, id, n| {
                if !good(ied, id, n) {
                    for b in ied.response_frames(id, 0) {
                        ied.raw(&[b]);
                        thread::sleep(Duration::from_millis(100));
                        if ied.stream.peek(&mut [0]).is_ok_and(|n| n == 0) {
                            return;
                        }
                    }
                }
            },
            expect: Err(Timeout),
            // Still dripping the old response: the connection is up but the IED busy.
            survives: false,
        },
        Case {
            name: "reset mid-response",
            script: |ied, id, n| {
                if !good(ied, id, n) {
                    let frames = ied.response_frames(id, 0);
                    ied.raw(&frames[..frames.len() / 2]);
                    // Linger 0: close sends RST instead of FIN.
                    let _ = socket_linger_zero(&ied.stream);
                    let _ = ied.stream.shutdown(std::net::Shutdown::Both);
                }
            },
            expect: Err(Timeout),
            survives: false,
        },
    ]
}

/// Sets SO_LINGER to 0 so that closing resets the connection.
fn socket_linger_zero(stream: &TcpStream) -> std::io::Result<()> {
    use std::os::fd::AsRawFd;
    let linger = libc::linger {
        l_onoff: 1,
        l_linger: 0,
    };
    // SAFETY: a valid socket descriptor and a correctly sized option value.
    let rc = unsafe {
        libc::setsockopt(
            stream.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_LINGER,
            (&linger as *const libc::linger).cast(),
            std::mem::size_of::<libc::linger>() as libc::socklen_t,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

fn client(threaded: bool) -> Connection {
    let conn = Connection::new(threaded);
    conn.configure(|c| c.request_timeout = REQUEST_TIMEOUT);
    conn
}

/// Runs every after-association case on one `Connection` object reused across them.
fn after_association(threaded: bool) {
    let conn = client(threaded);
    for case in cases() {
        let port = hostile(None, case.script);
        conn.connect("127.0.0.1", port)
            .unwrap_or_else(|e| panic!("{}: connect: {e:?}", case.name));
        let start = Instant::now();
        let result = conn.read(&var("X"));
        let elapsed = start.elapsed();
        assert_eq!(result, case.expect, "{}", case.name);
        assert!(
            elapsed < REQUEST_TIMEOUT + SLACK,
            "{}: {elapsed:?}",
            case.name
        );
        assert_eq!(conn.outstanding(), 0, "{}: slot kept", case.name);
        if case.survives {
            assert_eq!(conn.state(), State::Connected, "{}", case.name);
            assert_eq!(
                conn.read(&var("X")),
                Ok(MmsValue::Integer(1)),
                "{}",
                case.name
            );
        } else {
            // The peer broke the association: the next call fails at once, or times out
            // if the peer merely went silent.
            let start = Instant::now();
            let next = conn.read(&var("X"));
            assert!(
                matches!(
                    next,
                    Err(ClientError::ConnectionLost | ClientError::Timeout)
                ),
                "{}: {next:?}",
                case.name
            );
            assert!(start.elapsed() < REQUEST_TIMEOUT + SLACK, "{}", case.name);
        }
        assert_eq!(conn.outstanding(), 0, "{}: slot kept", case.name);
        conn.close();
        assert_eq!(conn.state(), State::Closed, "{}", case.name);
    }
    // The same object, and a fresh one, still work against a well-behaved IED.
    let ied = FakeIed::start();
    for c in [conn, client(threaded)] {
        c.connect("127.0.0.1", ied.port).unwrap();
        assert_eq!(c.read(&var("GGIO1$ST$3")), Ok(MmsValue::Integer(3)));
        c.release().unwrap();
    }
}

/// A case during association: name, hostility instead of the connection confirm, and
/// the expected connect error.
type AssociationCase = (&'static str, fn(&mut Ied), ClientError);

fn association_cases() -> Vec<AssociationCase> {
    use ClientError::{ConnectionRejected, Timeout};
    vec![
        (
            "garbage",
            |ied| ied.raw(b"HTTP/1.1 400 Bad Request\r\n\r\n"),
            ConnectionRejected,
        ),
        (
            "truncated TPKT",
            |ied| ied.raw(&[3, 0, 0, 22, 0x11]),
            Timeout,
        ),
        (
            "TPKT length 65535",
            |ied| ied.raw(&[3, 0, 0xFF, 0xFF, 1, 2, 3]),
            Timeout,
        ),
        (
            "TPKT length below minimum",
            |ied| ied.raw(&[3, 0, 0, 2]),
            ConnectionRejected,
        ),
        (
            "reset",
            |ied| {
                let _ = socket_linger_zero(&ied.stream);
                let _ = ied.stream.shutdown(std::net::Shutdown::Both);
            },
            ConnectionRejected,
        ),
        (
            "one byte per interval",
            |ied| {
                let mut out = Vec::new();
                ied.iso.accept_transport(&mut out);
                for b in out {
                    ied.raw(&[b]);
                    thread::sleep(Duration::from_millis(150));
                }
            },
            Timeout,
        ),
        (
            "refused association",
            |ied| {
                // Confirm the transport, then refuse the AARQ.
                let mut out = Vec::new();
                ied.iso.accept_transport(&mut out);
                ied.raw(&out);
                let mut buf = [0u8; 1024];
                let _ = ied.stream.read(&mut buf);
                out.clear();
                ied.iso.refuse_association(&mut out);
                ied.raw(&out);
            },
            ConnectionRejected,
        ),
    ]
}

fn during_association(threaded: bool) {
    let conn = client(threaded);
    for (name, hostility, expected) in association_cases() {
        let port = hostile(Some(hostility), |_, _, _| {});
        let start = Instant::now();
        assert_eq!(conn.connect("127.0.0.1", port), Err(expected), "{name}");
        assert!(start.elapsed() < REQUEST_TIMEOUT + SLACK, "{name}");
        assert_eq!(conn.state(), State::Closed, "{name}");
        assert_eq!(conn.outstanding(), 0, "{name}");
    }
}

#[test]
fn threaded_client_survives_hostile_ied() {
    after_association(true);
}

#[test]
fn tick_client_survives_hostile_ied() {
    after_association(false);
}

#[test]
fn threaded_association_with_hostile_ied_fails_cleanly() {
    during_association(true);
}

#[test]
fn tick_association_with_hostile_ied_fails_cleanly() {
    during_association(false);
}

fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").map_or(0, |d| d.count())
}

fn threads() -> usize {
    std::fs::read_dir("/proc/self/task").map_or(0, |d| d.count())
}

/// Repeated hostile connections leave no descriptors or threads behind.
#[test]
fn repeated_hostile_connections_do_not_leak() {
    let port = hostile(None, |ied, id, _| {
        let frames = ied.response_frames(id, 0);
        ied.raw(&frames[..9]);
        let _ = socket_linger_zero(&ied.stream);
        let _ = ied.stream.shutdown(std::net::Shutdown::Both);
    });
    let round = |threaded: bool| {
        let conn = client(threaded);
        conn.connect("127.0.0.1", port).unwrap();
        assert_eq!(conn.read(&var("X")), Err(ClientError::Timeout));
        assert_eq!(conn.read(&var("X")), Err(ClientError::ConnectionLost));
    };
    // Warm up the reactor and callback threads, then measure.
    round(true);
    round(false);
    thread::sleep(Duration::from_millis(100));
    let (fds, tasks) = (open_fds(), threads());
    for _ in 0..20 {
        round(true);
        round(false);
    }
    thread::sleep(Duration::from_millis(200));
    // Other tests of this binary run in parallel: allow for their sockets and threads.
    assert!(open_fds() <= fds + 16, "fds {fds} -> {}", open_fds());
    assert!(threads() <= tasks + 16, "threads {tasks} -> {}", threads());
}

/// Counts the bytes allocated by the current thread (the sans-I/O test below).
struct Counting;

thread_local! {
    static LIVE: Cell<usize> = const { Cell::new(0) };
    static PEAK: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: forwards to the system allocator; the counters are plain thread-local cells.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let live = LIVE.with(|l| {
            l.set(l.get() + layout.size());
            l.get()
        });
        PEAK.with(|p| p.set(p.get().max(live)));
        // SAFETY: the caller's layout contract is passed on unchanged.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.with(|l| l.set(l.get().saturating_sub(layout.size())));
        // SAFETY: `ptr` came from `alloc` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Peak bytes allocated on this thread while `f` runs, above what was live before.
fn peak_allocation(f: impl FnOnce()) -> usize {
    let base = LIVE.with(|l| l.get());
    PEAK.with(|p| p.set(base));
    f();
    PEAK.with(|p| p.get()) - base
}

/// A response can make the client allocate at most a fixed multiple of the PDU size it
/// proposed, however the peer packs it; a bigger message ends the association.
#[test]
fn response_allocation_is_bounded_by_the_pdu_size() {
    const MULTIPLE: usize = 64;
    let initiate = InitiateParams::client_default();
    let pdu_size = initiate.local_detail as usize;
    let (mut client, mut server) = associated(initiate);
    let (mut out, mut events) = (Vec::new(), Vec::new());
    let id = client.read(&[var("X")], &mut out).unwrap();
    // The densest Data: a PDU-sized array of empty structures (2 octets each).
    let count = (pdu_size - 64) / 2;
    let value = MmsValue::array(vec![MmsValue::structure(Vec::new()); count]);
    let mut mms = Vec::new();
    read::encode_read_response(id, &[Ok(value)], &mut mms).unwrap();
    assert!(mms.len() <= pdu_size);
    let mut wire = Vec::new();
    server.send_data(&mms, &mut wire);
    let peak = peak_allocation(|| client.feed(&wire, &mut out, &mut events));
    assert!(
        matches!(events.as_slice(), [Event::Response { result: Ok(_), .. }]),
        "{events:?}"
    );
    assert!(
        peak <= MULTIPLE * pdu_size,
        "peak {peak} for a {pdu_size}-octet PDU"
    );
    drop(events);
    // Twice the PDU size, segmented: refused before it is decoded.
    let mut events = Vec::new();
    client.read(&[var("X")], &mut out).unwrap();
    let mut wire = Vec::new();
    for _ in 0..(2 * pdu_size / 8000) {
        wire.extend_from_slice(&dt_frame(false, &[0xA1; 8000]));
    }
    let peak = peak_allocation(|| client.feed(&wire, &mut out, &mut events));
    assert!(matches!(events.as_slice(), [Event::Closed]), "{events:?}");
    assert_eq!(client.outstanding(), 0);
    assert!(peak <= 4 * pdu_size, "peak {peak}");
}

/// A protocol associated in memory with a responder that accepts `initiate`.
fn associated(initiate: InitiateParams) -> (ClientProtocol, IsoServer) {
    let mut client = ClientProtocol::new(IsoParams::default(), initiate.clone());
    let mut server = IsoServer::new(IsoParams::default());
    let mut framer = Framer::new(65_535);
    let (mut to_server, mut to_client, mut events) = (Vec::new(), Vec::new(), Vec::new());
    client.start(&mut to_server);
    while client.phase() != Phase::Associated {
        framer.push(&std::mem::take(&mut to_server));
        while let Some(frame) = framer.next_frame().unwrap() {
            let frame = frame.to_vec();
            match server.handle_frame(&frame).unwrap() {
                Some(IsoEvent::TransportConnectRequest) => server.accept_transport(&mut to_client),
                Some(IsoEvent::AssociateRequest { .. }) => {
                    let mut response = Vec::new();
                    initiate::encode_initiate_response(&initiate, &mut response);
                    server.accept_association(&response, &mut to_client);
                }
                other => panic!("unexpected {other:?}"),
            }
        }
        client.feed(&std::mem::take(&mut to_client), &mut to_server, &mut events);
    }
    (client, server)
}
