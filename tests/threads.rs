//! Thread count: every connection is served by the one reactor thread.
//! (A test binary of its own, so no other test adds threads meanwhile.)

mod support;

use std::sync::atomic::Ordering;

use iec61850::client::Connection;
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

/// Threads of this process that are not the fake IED's.
fn our_threads() -> usize {
    std::fs::read_dir("/proc/self/task").unwrap().count() - threads_named("fake-ied")
}

#[test]
fn thread_count_does_not_grow_with_connections() {
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
