//! Thread count: every connection is served by the one reactor thread, and the library's
//! threads end with the last connection. (A test binary of its own, so no other test adds
//! threads meanwhile; its tests run one at a time.)

mod support;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::channel;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use iec61850::client::{Connection, State};
use iec61850::mms::MmsValue;
use support::{var, FakeIed};

/// Threads of this process whose name starts with `prefix`.
fn threads_named(prefix: &str) -> usize {
    std::fs::read_dir("/proc/self/task")
        .unwrap()
        .filter_map(|t| std::fs::read_to_string(t.ok()?.path().join("comm")).ok())
        .filter(|name| name.starts_with(prefix))
        .count()
}

/// Runs the tests of this binary one at a time: each counts the process's threads.
fn serial() -> MutexGuard<'static, ()> {
    static SERIAL: Mutex<()> = Mutex::new(());
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

/// The library's threads (reactor and callback thread).
fn library_threads() -> usize {
    threads_named("rs61850-")
}

/// The library's threads once they reached `want`, or after 2 s.
fn library_threads_settled(want: usize) -> usize {
    let end = Instant::now() + Duration::from_secs(2);
    while library_threads() != want && Instant::now() < end {
        std::thread::sleep(Duration::from_millis(5));
    }
    library_threads()
}

/// A threaded connection to `ied` with a state listener (so it uses the callback thread).
fn connected(ied: &FakeIed) -> Connection {
    let c = Connection::new(true);
    c.set_state_listener(Some(Arc::new(|_| {})));
    c.connect("127.0.0.1", ied.port).unwrap();
    c
}

/// Threads of this process that are not the fake IED's.
fn our_threads() -> usize {
    std::fs::read_dir("/proc/self/task").unwrap().count() - threads_named("fake-ied")
}

#[test]
fn thread_count_does_not_grow_with_connections() {
    let _serial = serial();
    let ied = FakeIed::start();
    let first = Connection::new(true);
    // A listener makes the connection use the callback thread too.
    first.set_state_listener(Some(std::sync::Arc::new(|_| {})));
    first.connect("127.0.0.1", ied.port).unwrap();
    assert_eq!(first.read(&var("x$1")).unwrap(), MmsValue::Integer(1));
    let before = our_threads();
    let conns: Vec<Connection> = (0..100)
        .map(|_| {
            let c = Connection::new(true);
            c.connect("127.0.0.1", ied.port).unwrap();
            c
        })
        .collect();
    for (i, c) in conns.iter().enumerate() {
        assert_eq!(
            c.read(&var(&format!("x${i}"))).unwrap(),
            MmsValue::Integer(i as i64)
        );
    }
    assert_eq!(ied.connections.load(Ordering::SeqCst), 101);
    assert_eq!(our_threads(), before, "connections added threads");
    assert_eq!(threads_named("rs61850-io"), 1);
    // /proc truncates thread names to 15 characters.
    assert_eq!(threads_named("rs61850-callbac"), 1);
}

#[test]
fn threads_end_with_the_last_connection_and_start_again() {
    let _serial = serial();
    let ied = FakeIed::start();
    assert_eq!(library_threads(), 0, "threads before any connection");
    for round in 0..3 {
        let a = connected(&ied);
        let b = connected(&ied);
        assert_eq!(
            library_threads(),
            2,
            "round {round}: one reactor, one callback thread"
        );
        drop(a);
        assert_eq!(b.read(&var("x$7")).unwrap(), MmsValue::Integer(7));
        drop(b);
        // Joined before the drop returned: nothing is left, not even for a moment.
        assert_eq!(
            library_threads(),
            0,
            "round {round}: threads after the last drop"
        );
    }
    // A threadless connection never starts them.
    let tick = Connection::new(false);
    assert_eq!(library_threads(), 0);
    drop(tick);
}

#[test]
fn a_connection_dropped_by_its_own_callback_ends_the_threads() {
    let _serial = serial();
    let ied = FakeIed::start();
    let slot: Arc<Mutex<Option<Connection>>> = Arc::new(Mutex::new(None));
    let conn = Connection::new(true);
    let own = slot.clone();
    conn.set_closed_listener(Some(Arc::new(move || {
        // Runs on the callback thread, which must not join itself.
        drop(own.lock().unwrap().take());
    })));
    conn.connect("127.0.0.1", ied.port).unwrap();
    *slot.lock().unwrap() = Some(conn);
    let result = slot.lock().unwrap().as_ref().unwrap().read(&var("drop"));
    assert!(result.is_err());
    assert_eq!(
        library_threads_settled(0),
        0,
        "threads after the callback's drop"
    );
    assert!(slot.lock().unwrap().is_none());
    // They start again on demand.
    let again = connected(&ied);
    assert_eq!(again.read(&var("x$3")).unwrap(), MmsValue::Integer(3));
    drop(again);
    assert_eq!(library_threads(), 0);
}

#[test]
fn no_callback_runs_after_drop_returns() {
    let _serial = serial();
    let ied = FakeIed::start();
    let (started_tx, started) = channel();
    let started_tx = Mutex::new(started_tx);
    let finished = Arc::new(AtomicBool::new(false));
    let closed_seen = Arc::new(AtomicBool::new(false));
    let conn = Connection::new(true);
    let (f, c) = (finished.clone(), closed_seen.clone());
    conn.set_state_listener(Some(Arc::new(move |state| {
        if state == State::Closed {
            started_tx.lock().unwrap().send(()).unwrap();
            std::thread::sleep(Duration::from_millis(200));
            f.store(true, Ordering::SeqCst);
        }
    })));
    conn.set_closed_listener(Some(Arc::new(move || c.store(true, Ordering::SeqCst))));
    conn.connect("127.0.0.1", ied.port).unwrap();
    // The IED hangs up: CLOSED and the closed handler are queued for the callback thread.
    assert!(conn.read(&var("drop")).is_err());
    started.recv_timeout(Duration::from_secs(5)).unwrap();
    drop(conn);
    assert!(
        finished.load(Ordering::SeqCst),
        "drop waited for the running callback"
    );
    assert!(
        !closed_seen.load(Ordering::SeqCst),
        "a callback queued behind it was skipped"
    );
    assert_eq!(library_threads(), 0);
}
