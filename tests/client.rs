//! The Rust client API against an in-process fake IED on loopback: threaded and tick
//! modes, concurrent synchronous calls, timeouts, lost connections.

mod support;

use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use iec61850::client::{Connection, State};
use iec61850::iec61850::ClientError;
use iec61850::mms::MmsValue;
use support::{var, FakeIed};

/// Records state changes and closed notifications.
fn record(conn: &Connection) -> Arc<Mutex<Vec<String>>> {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s = seen.clone();
    conn.set_state_listener(Some(Arc::new(move |st: State| {
        s.lock().unwrap().push(format!("{st:?}"))
    })));
    let s = seen.clone();
    conn.set_closed_listener(Some(Arc::new(move || {
        s.lock().unwrap().push("closed".into())
    })));
    seen
}

#[test]
fn threaded_connect_read_write_browse_release() {
    let ied = FakeIed::start();
    let conn = Connection::new(true);
    let seen = record(&conn);
    conn.connect("127.0.0.1", ied.port).unwrap();
    assert_eq!(conn.state(), State::Connected);
    assert_eq!(*seen.lock().unwrap(), ["Connecting", "Connected"]);
    assert_eq!(
        conn.connect("127.0.0.1", ied.port),
        Err(ClientError::AlreadyConnected)
    );
    assert_eq!(conn.read(&var("GGIO1$ST$7")).unwrap(), MmsValue::Integer(7));
    assert_eq!(
        conn.read(&var("missing")).unwrap(),
        MmsValue::DataAccessError(10)
    );
    conn.write(&var("x"), &MmsValue::Boolean(true)).unwrap();
    assert_eq!(
        conn.write(&var("readonly"), &MmsValue::Boolean(true)),
        Err(ClientError::AccessDenied)
    );
    assert_eq!(conn.domain_names().unwrap(), ["LD1", "LD2", "LD3"]);
    seen.lock().unwrap().clear();
    conn.release().unwrap();
    assert_eq!(conn.state(), State::Closed);
    // As on the reference: a release reports no CLOSING.
    assert_eq!(*seen.lock().unwrap(), ["Closed", "closed"]);
    assert_eq!(conn.read(&var("x$1")), Err(ClientError::ConnectionLost));
    assert_eq!(conn.release(), Err(ClientError::NotConnected));
}

#[test]
fn tick_mode_needs_no_thread_and_drives_sync_calls() {
    let ied = FakeIed::start();
    let conn = Connection::new(false);
    conn.connect("127.0.0.1", ied.port).unwrap();
    assert!(conn.tick(), "nothing pending: idle");
    assert_eq!(conn.read(&var("x$5")).unwrap(), MmsValue::Integer(5));
    conn.abort().unwrap();
    assert_eq!(conn.state(), State::Closed);
}

#[test]
fn concurrent_sync_calls_get_their_own_responses() {
    let ied = FakeIed::start();
    let conn = Arc::new(Connection::new(true));
    conn.connect("127.0.0.1", ied.port).unwrap();
    let workers: Vec<_> = (0..4)
        .map(|t| {
            let conn = conn.clone();
            thread::spawn(move || {
                for i in 0..200 {
                    let n = t * 1000 + i;
                    loop {
                        match conn.read(&var(&format!("x${n}"))) {
                            Ok(v) => {
                                assert_eq!(v, MmsValue::Integer(n));
                                break;
                            }
                            // Four threads share five outstanding slots with the reactor: retry.
                            Err(ClientError::OutstandingCallLimit) => thread::yield_now(),
                            Err(e) => panic!("{e}"),
                        }
                    }
                }
            })
        })
        .collect();
    for w in workers {
        w.join().unwrap();
    }
    conn.close();
}

#[test]
fn timeout_forgets_the_request_and_keeps_the_connection() {
    let ied = FakeIed::start();
    for threaded in [true, false] {
        let conn = Connection::new(threaded);
        conn.configure(|c| c.request_timeout = Duration::from_millis(200));
        conn.connect("127.0.0.1", ied.port).unwrap();
        let start = Instant::now();
        assert_eq!(conn.read(&var("silent")), Err(ClientError::Timeout));
        assert!(start.elapsed() >= Duration::from_millis(200));
        assert_eq!(conn.read(&var("x$3")).unwrap(), MmsValue::Integer(3));
        assert_eq!(conn.state(), State::Connected);
    }
}

#[test]
fn lost_connection_fails_the_call_and_notifies() {
    let ied = FakeIed::start();
    let conn = Connection::new(true);
    let seen = record(&conn);
    conn.connect("127.0.0.1", ied.port).unwrap();
    // As on the reference: the cut-off request times out at once, later ones find no connection.
    let start = Instant::now();
    assert_eq!(conn.read(&var("drop")), Err(ClientError::Timeout));
    assert!(start.elapsed() < Duration::from_secs(2));
    assert_eq!(conn.state(), State::Closed);
    assert_eq!(conn.read(&var("x$1")), Err(ClientError::ConnectionLost));
    // The notices of a peer-side close travel through the callback thread.
    let deadline = Instant::now() + Duration::from_secs(5);
    while !seen.lock().unwrap().contains(&"closed".to_string()) && Instant::now() < deadline {
        thread::sleep(Duration::from_millis(5));
    }
    // As on the reference: a peer-side close reports no CLOSING.
    assert_eq!(
        *seen.lock().unwrap(),
        ["Connecting", "Connected", "Closed", "closed"]
    );
}

#[test]
fn refused_connect() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let conn = Connection::new(true);
    let seen = record(&conn);
    assert_eq!(
        conn.connect("127.0.0.1", port),
        Err(ClientError::ConnectionRejected)
    );
    assert_eq!(
        *seen.lock().unwrap(),
        ["Connecting", "Closing", "Closed", "closed"]
    );
    // A name that does not resolve: UNKNOWN and no state change, as on the reference.
    seen.lock().unwrap().clear();
    assert_eq!(
        conn.connect("no.such.host.invalid", 102),
        Err(ClientError::Unknown)
    );
    assert!(seen.lock().unwrap().is_empty());
}

#[test]
fn async_handlers_get_results_and_timeouts() {
    let ied = FakeIed::start();
    let conn = Connection::new(true);
    conn.configure(|c| c.request_timeout = Duration::from_millis(300));
    conn.connect("127.0.0.1", ied.port).unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let start = Instant::now();
    let t = tx.clone();
    let silent = conn
        .read_async(&var("silent"), move |_, r| t.send(("silent", r)).unwrap())
        .unwrap();
    let t = tx.clone();
    let answered = conn
        .read_async(&var("x$9"), move |_, r| t.send(("x$9", r)).unwrap())
        .unwrap();
    assert_eq!(answered, silent + 1);
    assert_eq!(
        rx.recv_timeout(Duration::from_secs(2)).unwrap(),
        ("x$9", Ok(MmsValue::Integer(9)))
    );
    // Nobody waits synchronously: only the reactor's timer can end the silent request.
    assert_eq!(
        rx.recv_timeout(Duration::from_secs(2)).unwrap(),
        ("silent", Err(ClientError::Timeout))
    );
    assert!(start.elapsed() >= Duration::from_millis(300));
    conn.write_async(&var("readonly"), &MmsValue::Boolean(true), move |_, r| {
        tx.send(("w", r.map(|_| MmsValue::Boolean(true)))).unwrap()
    })
    .unwrap();
    assert_eq!(
        rx.recv_timeout(Duration::from_secs(2)).unwrap(),
        ("w", Err(ClientError::AccessDenied))
    );
    // Closing ends what is still pending at once, with TIMEOUT as the reference.
    let (tx, rx) = std::sync::mpsc::channel();
    conn.read_async(&var("silent"), move |_, r| tx.send(r).unwrap())
        .unwrap();
    conn.close();
    assert_eq!(
        rx.recv_timeout(Duration::from_millis(200)).unwrap(),
        Err(ClientError::Timeout)
    );
}

#[test]
fn tick_mode_runs_handlers_in_tick() {
    let ied = FakeIed::start();
    let conn = Connection::new(false);
    conn.configure(|c| c.request_timeout = Duration::from_millis(200));
    conn.connect("127.0.0.1", ied.port).unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    for item in ["x$4", "silent"] {
        let s = seen.clone();
        conn.read_async(&var(item), move |_, r| {
            s.lock()
                .unwrap()
                .push((item, r, thread::current().name().map(str::to_owned)))
        })
        .unwrap();
    }
    let deadline = Instant::now() + Duration::from_secs(3);
    while seen.lock().unwrap().len() < 2 && Instant::now() < deadline {
        conn.tick();
        thread::sleep(Duration::from_millis(5));
    }
    let me = thread::current().name().map(str::to_owned);
    assert_eq!(
        *seen.lock().unwrap(),
        [
            ("x$4", Ok(MmsValue::Integer(4)), me.clone()),
            ("silent", Err(ClientError::Timeout), me)
        ]
    );
}

#[test]
fn information_reports_reach_listeners_until_removed() {
    let ied = FakeIed::start();
    let conn = Connection::new(true);
    conn.connect("127.0.0.1", ied.port).unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let id = conn.add_report_listener(Arc::new(move |report| {
        tx.send(report.results.clone()).unwrap();
    }));
    assert_eq!(conn.read(&var("report")).unwrap(), MmsValue::Integer(0));
    assert_eq!(
        rx.recv_timeout(Duration::from_secs(2)).unwrap(),
        vec![Ok(MmsValue::visible_string(b"rpt-id"))]
    );
    conn.remove_report_listener(id);
    assert_eq!(conn.read(&var("report")).unwrap(), MmsValue::Integer(0));
    // Wait for the callback thread to pass the second report: nothing reaches the listener.
    conn.flush_callbacks();
    assert!(rx.try_recv().is_err());
}

#[test]
fn connect_async_reports_progress_through_the_state_listener() {
    let ied = FakeIed::start();
    for threaded in [true, false] {
        let conn = Connection::new(threaded);
        let seen = record(&conn);
        conn.connect_async("127.0.0.1", ied.port).unwrap();
        // CONNECTING is reported before connect_async returns; CONNECTED later.
        assert_eq!(seen.lock().unwrap()[0], "Connecting");
        assert_eq!(
            conn.connect_async("127.0.0.1", ied.port),
            Err(ClientError::AlreadyConnected)
        );
        let deadline = Instant::now() + Duration::from_secs(5);
        while conn.state() != State::Connected && Instant::now() < deadline {
            if !threaded {
                conn.tick();
            }
            thread::sleep(Duration::from_millis(1));
        }
        assert_eq!(conn.state(), State::Connected, "threaded: {threaded}");
        assert_eq!(conn.read(&var("x$2")).unwrap(), MmsValue::Integer(2));
        conn.close();
    }
    // A refused connect ends with CLOSING, CLOSED and the closed handler.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let conn = Connection::new(true);
    let seen = record(&conn);
    conn.connect_async("127.0.0.1", port).unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    while !seen.lock().unwrap().contains(&"closed".to_string()) && Instant::now() < deadline {
        thread::sleep(Duration::from_millis(1));
    }
    assert_eq!(
        *seen.lock().unwrap(),
        ["Connecting", "Closing", "Closed", "closed"]
    );
}

#[test]
fn association_silence_times_out_and_tcp_silence_is_rejected() {
    // A listener that accepts TCP but never answers the COTP connection request.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    for threaded in [true, false] {
        let conn = Connection::new(threaded);
        conn.configure(|c| c.request_timeout = Duration::from_millis(200));
        let start = Instant::now();
        assert_eq!(conn.connect("127.0.0.1", port), Err(ClientError::Timeout));
        assert!(start.elapsed() >= Duration::from_millis(200));
        assert_eq!(conn.state(), State::Closed);
    }
    drop(listener);
}
