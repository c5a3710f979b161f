//! A scripted fake IED on loopback for the client integration tests.
#![allow(dead_code)] // Each test binary uses a different part.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;

use iec61850::mms::access::{self, VariableRef};
use iec61850::mms::file;
use iec61850::mms::get_name_list;
use iec61850::mms::information_report;
use iec61850::mms::initiate::{self, InitiateParams};
use iec61850::mms::object_name;
use iec61850::mms::pdu::{self, ConfirmedService, MmsPdu};
use iec61850::mms::read;
use iec61850::mms::write;
use iec61850::mms::MmsValue;
use iec61850::osi::tpkt::Framer;
use iec61850::osi::{IsoEvent, IsoParams, IsoServer};

/// A scripted IED: answers reads of `X$n` with Integer(n), never answers `silent`,
/// closes the connection on `drop`, answers `missing` with object-non-existent.
pub struct FakeIed {
    /// Listening port on 127.0.0.1.
    pub port: u16,
    /// Connections accepted so far.
    pub connections: Arc<AtomicUsize>,
}

impl FakeIed {
    /// Starts listening on a free port.
    pub fn start() -> FakeIed {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let connections = Arc::new(AtomicUsize::new(0));
        let count = connections.clone();
        thread::Builder::new()
            .name("fake-ied".into())
            .spawn(move || {
                for stream in listener.incoming().flatten() {
                    count.fetch_add(1, Ordering::SeqCst);
                    thread::Builder::new()
                        .name("fake-ied".into())
                        .spawn(move || serve(stream))
                        .unwrap();
                }
            })
            .unwrap();
        FakeIed { port, connections }
    }
}

fn serve(mut stream: TcpStream) {
    let mut iso = IsoServer::new(IsoParams::default());
    let mut framer = Framer::new(65_535);
    let mut buf = [0u8; 4096];
    loop {
        let n = match stream.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        framer.push(&buf[..n]);
        let mut out = Vec::new();
        while let Ok(Some(frame)) = framer.next_frame() {
            let frame = frame.to_vec();
            let mms = match iso.handle_frame(&frame) {
                Ok(Some(IsoEvent::TransportConnectRequest)) => {
                    iso.accept_transport(&mut out);
                    continue;
                }
                Ok(Some(IsoEvent::AssociateRequest { .. })) => {
                    let mut resp = Vec::new();
                    initiate::encode_initiate_response(
                        &InitiateParams::client_default(),
                        &mut resp,
                    );
                    iso.accept_association(&resp, &mut out);
                    continue;
                }
                Ok(Some(IsoEvent::Data(d))) => d.to_vec(),
                _ => return,
            };
            let mut resp = Vec::new();
            match pdu::decode_pdu(&mms, 10) {
                Ok(MmsPdu::ConfirmedRequest {
                    invoke_id,
                    service: ConfirmedService::Read { vars },
                }) => {
                    let item = vars[0].item_id.as_str();
                    match item {
                        "silent" => continue,
                        "drop" => return,
                        "report" => {
                            // An unsolicited report before the answer, as a server's report may overtake it.
                            let mut report = Vec::new();
                            let rpt = information_report::InformationReport {
                                spec: access::VariableAccessSpec::ListName(
                                    object_name::ObjectName::Vmd("RPT".into()),
                                ),
                                results: vec![Ok(MmsValue::visible_string(b"rpt-id"))],
                            };
                            information_report::encode_information_report(&rpt, &mut report)
                                .unwrap();
                            iso.send_data(&report, &mut out);
                            read::encode_read_response(
                                invoke_id,
                                &[Ok(MmsValue::Integer(0))],
                                &mut resp,
                            )
                            .unwrap()
                        }
                        "missing" => {
                            read::encode_read_response(invoke_id, &[Err(10)], &mut resp).unwrap()
                        }
                        _ => {
                            let n: i64 = item.rsplit('$').next().unwrap().parse().unwrap_or(-1);
                            read::encode_read_response(
                                invoke_id,
                                &[Ok(MmsValue::Integer(n))],
                                &mut resp,
                            )
                            .unwrap()
                        }
                    }
                }
                Ok(MmsPdu::ConfirmedRequest {
                    invoke_id,
                    service: ConfirmedService::Write { vars, .. },
                }) => {
                    let result = if vars[0].item_id == "readonly" {
                        Err(3)
                    } else {
                        Ok(())
                    };
                    write::encode_write_response(invoke_id, &[result], &mut resp);
                }
                Ok(MmsPdu::ConfirmedRequest {
                    invoke_id,
                    service: ConfirmedService::GetNameList(req),
                }) => {
                    // Two pages: continue-after paging must be followed.
                    let (names, more): (&[&str], bool) = match req.continue_after.as_deref() {
                        None => (&["LD1", "LD2"], true),
                        _ => (&["LD3"], false),
                    };
                    get_name_list::encode_get_name_list_response(invoke_id, names, more, &mut resp);
                }
                Ok(MmsPdu::ConfirmedRequest {
                    invoke_id,
                    service: ConfirmedService::ReadJournal(req),
                }) => journal_response(invoke_id, &req, &mut resp),
                Ok(MmsPdu::ConfirmedRequest {
                    invoke_id,
                    service:
                        ConfirmedService::File(file::FileRequest::Directory { continue_after, .. }),
                }) => {
                    // Two pages: continueAfter paging must be followed.
                    let entry = |name: &str| file::DirectoryEntry {
                        name: name.into(),
                        attributes: file::FileAttributes {
                            size: 1,
                            last_modified: Some(1_700_000_000_000),
                        },
                    };
                    let (entries, more_follows) = match continue_after.as_deref() {
                        None => (vec![entry("a"), entry("b")], true),
                        _ => (vec![entry("c")], false),
                    };
                    let page = file::FileResponse::Directory {
                        entries,
                        more_follows,
                    };
                    file::encode_response(invoke_id, &page, &mut resp);
                }
                Ok(MmsPdu::ConcludeRequest) => pdu::encode_conclude_response(&mut resp),
                _ => return,
            }
            iso.send_data(&resp, &mut out);
        }
        if stream.write_all(&out).is_err() {
            return;
        }
    }
}

/// Answers ReadJournal of `LD/LLN0$Log`: two entries (more follow) for a time range, the
/// second one after an entry; any other journal does not exist.
fn journal_response(
    invoke_id: u32,
    req: &iec61850::mms::journal::ReadJournalRequest,
    resp: &mut Vec<u8>,
) {
    use iec61850::mms::journal::{self, JournalEntry, JournalRange, JournalVariable};
    if req.journal != object_name::ObjectName::Domain("LD".into(), "LLN0$Log".into()) {
        pdu::encode_confirmed_error(invoke_id, 7, 2, resp);
        return;
    }
    let entry = |id: u8, value: bool| JournalEntry {
        entry_id: vec![0, 0, 0, 0, 0, 0, 0, id],
        occurrence_time: journal::time_of_day(1_700_000_000_000 + u64::from(id)).to_vec(),
        variables: vec![JournalVariable {
            tag: "LD/GGIO1$ST$Ind1$stVal".into(),
            value: MmsValue::Boolean(value),
        }],
    };
    let (entries, more_follows) = match req.range {
        JournalRange::ByTime { .. } => (vec![entry(1, true), entry(2, false)], true),
        JournalRange::After { .. } => (vec![entry(2, false)], false),
    };
    let response = journal::ReadJournalResponse {
        entries,
        more_follows,
    };
    journal::encode_response(invoke_id, &response, resp).unwrap();
}

/// A domain-specific variable of domain `LD`.
pub fn var(item: &str) -> VariableRef {
    VariableRef {
        domain_id: Some("LD".into()),
        item_id: item.into(),
        ..Default::default()
    }
}
