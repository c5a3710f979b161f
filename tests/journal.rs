//! Log queries (MMS ReadJournal) and file directory paging over a real socket against the
//! fake IED.

mod support;

use iec61850::client::Connection;
use iec61850::iec61850::ClientError;
use iec61850::mms::journal::{self, JournalRange, ReadJournalRequest, ReadJournalResponse};
use iec61850::mms::object_name::ObjectName;
use iec61850::mms::pdu::ConfirmedServiceResponse;
use iec61850::mms::MmsValue;
use support::FakeIed;

fn query(
    conn: &Connection,
    item: &str,
    range: JournalRange,
) -> Result<ReadJournalResponse, ClientError> {
    let request = ReadJournalRequest {
        journal: ObjectName::Domain("LD".into(), item.into()),
        range,
    };
    conn.service(
        |id, out| {
            journal::encode_request(id, &request, out);
            Ok(())
        },
        |response| match response {
            ConfirmedServiceResponse::ReadJournal(r) => Ok(r),
            _ => Err(ClientError::MalformedMessage),
        },
    )
}

#[test]
fn journal_entries_and_errors() {
    let ied = FakeIed::start();
    let conn = Connection::new(true);
    conn.connect("127.0.0.1", ied.port).unwrap();
    let by_time = query(
        &conn,
        "LLN0$Log",
        JournalRange::ByTime {
            start: 0,
            end: u64::MAX,
        },
    )
    .unwrap();
    assert!(by_time.more_follows);
    assert_eq!(by_time.entries.len(), 2);
    let first = &by_time.entries[0];
    assert_eq!(first.entry_id, [0, 0, 0, 0, 0, 0, 0, 1]);
    assert_eq!(
        journal::time_of_day_ms(&first.occurrence_time),
        Some(1_700_000_000_001)
    );
    assert_eq!(first.variables[0].tag, "LD/GGIO1$ST$Ind1$stVal");
    assert_eq!(first.variables[0].value, MmsValue::Boolean(true));
    let after = query(
        &conn,
        "LLN0$Log",
        JournalRange::After {
            time: 1_700_000_000_001,
            entry: first.entry_id.clone(),
        },
    )
    .unwrap();
    assert!(!after.more_follows);
    assert_eq!(after.entries, by_time.entries[1..]);
    assert_eq!(
        query(
            &conn,
            "LLN0$Other",
            JournalRange::ByTime { start: 0, end: 1 }
        ),
        Err(ClientError::ObjectDoesNotExist)
    );
}

#[test]
fn file_directory_follows_continuation() {
    let ied = FakeIed::start();
    let conn = Connection::new(false);
    conn.connect("127.0.0.1", ied.port).unwrap();
    let names: Vec<String> = conn
        .file_directory(None)
        .unwrap()
        .into_iter()
        .map(|e| e.name)
        .collect();
    assert_eq!(names, ["a", "b", "c"]);
}
