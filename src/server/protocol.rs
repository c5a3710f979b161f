//! The server side of one MMS association, sans-I/O: the mirror of
//! [`crate::client::protocol`].
//!
//! Bytes from the socket go in through [`ServerProtocol::feed`], which answers the
//! connection, association and conclude itself and rejects what cannot be served; the
//! confirmed requests come out as [`Event::Request`]s that the driver answers with
//! [`ServerProtocol::respond`], [`ServerProtocol::error`] or [`ServerProtocol::reject`].

use std::collections::HashSet;

use crate::mms::common::MmsError;
use crate::mms::information_report::{self, InformationReport};
use crate::mms::initiate::{self, InitiateParams};
use crate::mms::pdu::{self, ConfirmedService, ConfirmedServiceResponse, MmsPdu};
use crate::osi::cotp::MAX_TPDU_SIZE;
use crate::osi::tpkt::{Framer, HEADER_LEN};
use crate::osi::{next_event, IsoEvent, IsoParams, IsoServer, NextEvent, OSI_OVERHEAD};

/// Smallest PDU size we agree to: every fixed-size answer (initiate response, errors,
/// rejects, identify) and one long object name fit, whatever the client proposed.
pub const MIN_PDU_SIZE: u32 = 512;

/// ParameterSupportOptions of an IEC 61850 server (str1, str2, vnam, valt, vlis): the
/// reference server answers the client's bits masked with these.
const PARAMETER_CBB: [u8; 2] = [0xF1, 0x00];

/// ServiceSupportOptions the reference server announces, whatever the client proposed.
const SERVICES_SUPPORTED: [u8; 11] = [
    0xEE, 0x1C, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x40, 0xED, 0x18,
];

/// rejectReason confirmed-requestPDU [1] and its codes (ISO 9506-2).
const REJECT_CONFIRMED_REQUEST: u8 = 1;
const UNRECOGNIZED_SERVICE: i64 = 1;
const INVALID_INVOKE_ID: i64 = 3;
const MAX_SERV_OUTSTANDING_EXCEEDED: i64 = 6;
/// rejectReason pdu-error [5] and its codes.
const REJECT_PDU_ERROR: u8 = 5;
const UNKNOWN_PDU_TYPE: i64 = 0;
const INVALID_PDU: i64 = 1;
/// ServiceError class conclude [9], further-communication-required.
const ERROR_CLASS_CONCLUDE: u8 = 9;
const FURTHER_COMMUNICATION_REQUIRED: i64 = 1;

/// Limits of the server side; `Default` gives the reference server's values.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// The ISO stack's parameters (TPDU size, message cap).
    pub iso: IsoParams,
    /// Largest MMS PDU we agree to (the client's proposal is lowered to it).
    pub max_pdu_size: u32,
    /// Most confirmed requests a client may have outstanding at once.
    pub max_outstanding: u16,
    /// Deepest Data nesting we agree to and decode.
    pub max_nesting: u8,
    /// Whether the application decides each association request
    /// ([`Event::AssociateRequest`], answered with [`ServerProtocol::decide_association`]).
    pub authenticate: bool,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            iso: IsoParams::default(),
            max_pdu_size: 65000,
            max_outstanding: 16,
            max_nesting: 64,
            authenticate: false,
        }
    }
}

/// Where the association stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Waiting for the COTP connection request.
    WaitTransport,
    /// Transport connected, waiting for the AARQ with the MMS initiate.
    WaitAssociate,
    /// The AARQ awaits the application's decision.
    Authenticating,
    /// Initiate answered: requests are served.
    Associated,
    /// Conclude answered: only the ACSE release may follow.
    Concluded,
    /// Association over (released, refused, aborted or broken).
    Closed,
}

/// What a client's association request carried, for the application to decide on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AssociateRequest {
    /// The ACSE password (password authentication).
    pub password: Option<Vec<u8>>,
    /// The calling AP title (an OID).
    pub calling_ap_title: Option<Vec<u32>>,
    /// The calling AE qualifier.
    pub calling_ae_qualifier: Option<i64>,
}

/// Something the client did.
#[derive(Debug)]
pub enum Event {
    /// An association request awaits [`ServerProtocol::decide_association`] (only with
    /// [`ServerConfig::authenticate`]).
    AssociateRequest(AssociateRequest),
    /// The association is up.
    Associated {
        /// The negotiated parameters (as sent in the initiate response).
        params: InitiateParams,
        /// What the association request carried.
        request: AssociateRequest,
    },
    /// A confirmed request to answer.
    Request {
        /// The client's invoke ID.
        invoke_id: u32,
        /// The request.
        service: ConfirmedService,
    },
    /// The client concluded and we answered: no request follows.
    Concluded,
    /// Aborted, released, disconnected, refused or broken by hostile bytes.
    Closed,
}

/// Failures of an answer or report; nothing was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ResponseError {
    /// The association is not (or no longer) established.
    #[error("association not established")]
    NotAssociated,
    /// No request with this invoke ID awaits an answer.
    #[error("no outstanding request with this invoke ID")]
    UnknownInvokeId,
    /// A value cannot be encoded (an unset structure element, an unknown service).
    #[error("response cannot be encoded")]
    InvalidValue,
    /// The encoded PDU exceeds the negotiated PDU size.
    #[error("PDU larger than the negotiated PDU size")]
    TooLarge,
}

/// One MMS association's server-side protocol state.
pub struct ServerProtocol {
    iso: IsoServer,
    framer: Framer,
    config: ServerConfig,
    phase: Phase,
    /// The initiate and AARQ of an association awaiting the application's decision.
    undecided: Option<(InitiateParams, AssociateRequest)>,
    negotiated: Option<InitiateParams>,
    outstanding: HashSet<u32>,
    scratch: Vec<u8>,
}

impl ServerProtocol {
    /// A fresh association waiting for a client. Reassembled messages are capped at the
    /// largest PDU we accept plus framing, so a client cannot make us buffer more.
    pub fn new(mut config: ServerConfig) -> Self {
        config.max_pdu_size = config.max_pdu_size.max(MIN_PDU_SIZE);
        let cap = config.max_pdu_size as usize + OSI_OVERHEAD;
        config.iso.max_message_size = config.iso.max_message_size.min(cap);
        ServerProtocol {
            iso: IsoServer::new(config.iso.clone()),
            // No TPDU we agree to is longer: a longer TPKT is refused at its header (as the
            // reference does) instead of being buffered.
            framer: Framer::new(MAX_TPDU_SIZE + HEADER_LEN),
            config,
            phase: Phase::WaitTransport,
            undecided: None,
            negotiated: None,
            outstanding: HashSet::new(),
            scratch: Vec::new(),
        }
    }

    /// Current phase.
    pub fn phase(&self) -> Phase {
        self.phase
    }

    /// Parameters agreed in the initiate exchange.
    pub fn negotiated(&self) -> Option<&InitiateParams> {
        self.negotiated.as_ref()
    }

    /// Number of requests awaiting an answer.
    pub fn outstanding(&self) -> usize {
        self.outstanding.len()
    }

    /// Largest PDU either side may send: the negotiated size (our maximum before that).
    pub fn max_pdu_size(&self) -> usize {
        self.negotiated
            .as_ref()
            .map_or(self.config.max_pdu_size, |n| n.local_detail) as usize
    }

    /// Feeds received bytes; answers go to `out`, events to `events`.
    pub fn feed(&mut self, bytes: &[u8], out: &mut Vec<u8>, events: &mut Vec<Event>) {
        self.framer.push(bytes);
        while self.phase != Phase::Closed {
            let iso = &mut self.iso;
            let event = match next_event(&mut self.framer, |f| iso.handle_frame(f)) {
                NextEvent::Event(e) => e,
                NextEvent::Nothing => continue,
                NextEvent::Wait => break,
                NextEvent::Broken => {
                    self.close(events);
                    break;
                }
            };
            match event {
                IsoEvent::TransportConnectRequest => {
                    self.iso.accept_transport(out);
                    self.phase = Phase::WaitAssociate;
                }
                IsoEvent::AssociateRequest {
                    user_data,
                    password,
                    calling_ap_title,
                    calling_ae_qualifier,
                } => {
                    let initiate =
                        pdu::decode_pdu(&user_data, usize::from(self.config.max_nesting));
                    let request = AssociateRequest {
                        password,
                        calling_ap_title,
                        calling_ae_qualifier,
                    };
                    self.on_associate(initiate, request, out, events);
                }
                IsoEvent::Data(data) => {
                    let depth = usize::from(self.config.max_nesting);
                    let decoded = pdu::decode_pdu(&data, depth);
                    // Only an undecodable request needs its raw bytes again, for its invoke ID.
                    let invoke_id = match decoded {
                        Err(_) => pdu::request_invoke_id(&data),
                        Ok(_) => None,
                    };
                    self.on_pdu(decoded, invoke_id, out, events);
                }
                IsoEvent::ReleaseRequest => {
                    self.iso.release_response(out);
                    self.close(events);
                }
                IsoEvent::Aborted | IsoEvent::Disconnected => self.close(events),
                // Initiator-side events never reach a responder.
                IsoEvent::TransportConnected
                | IsoEvent::Associated { .. }
                | IsoEvent::AssociationRejected { .. }
                | IsoEvent::ReleaseResponse => self.close(events),
            }
        }
    }

    /// Answers the AARQ with the negotiated initiate response, or asks the application.
    fn on_associate(
        &mut self,
        initiate: Result<MmsPdu, MmsError>,
        request: AssociateRequest,
        out: &mut Vec<u8>,
        events: &mut Vec<Event>,
    ) {
        let Ok(MmsPdu::InitiateRequest(proposed)) = initiate else {
            self.iso.refuse_association(out);
            return self.close(events);
        };
        if self.config.authenticate {
            self.phase = Phase::Authenticating;
            self.undecided = Some((proposed, request.clone()));
            events.push(Event::AssociateRequest(request));
        } else {
            self.accept(&proposed, request, out, events);
        }
    }

    /// Answers the association request that [`Event::AssociateRequest`] announced:
    /// accepted, or refused with an AARE that ends the connection. Nothing happens when
    /// no request awaits a decision (the connection ended meanwhile).
    pub fn decide_association(&mut self, accept: bool, out: &mut Vec<u8>, events: &mut Vec<Event>) {
        if self.phase != Phase::Authenticating {
            return;
        }
        let Some((proposed, request)) = self.undecided.take() else {
            return;
        };
        if accept {
            self.accept(&proposed, request, out, events);
        } else {
            self.iso.refuse_association(out);
            self.close(events);
        }
    }

    fn accept(
        &mut self,
        proposed: &InitiateParams,
        request: AssociateRequest,
        out: &mut Vec<u8>,
        events: &mut Vec<Event>,
    ) {
        let params = self.negotiate(proposed);
        self.scratch.clear();
        initiate::encode_initiate_response(&params, &mut self.scratch);
        self.iso.accept_association(&self.scratch, out);
        self.phase = Phase::Associated;
        self.negotiated = Some(params.clone());
        events.push(Event::Associated { params, request });
    }

    /// Our initiate response to `proposed`: each limit the smaller of both sides'.
    fn negotiate(&self, proposed: &InitiateParams) -> InitiateParams {
        let c = &self.config;
        // 0 means the client stated no limit (localDetailCalling or nesting absent).
        let pdu_size = match proposed.local_detail {
            0 => c.max_pdu_size,
            n => n.clamp(MIN_PDU_SIZE, c.max_pdu_size),
        };
        let nesting = match proposed.data_structure_nesting_level {
            0 => c.max_nesting,
            n => n.min(c.max_nesting),
        };
        let outstanding = |n: u16| n.clamp(1, c.max_outstanding.max(1));
        let cbb = &proposed.parameter_cbb;
        InitiateParams {
            local_detail: pdu_size,
            max_serv_outstanding_calling: outstanding(proposed.max_serv_outstanding_calling),
            max_serv_outstanding_called: outstanding(proposed.max_serv_outstanding_called),
            data_structure_nesting_level: nesting,
            version: 1,
            parameter_cbb: [cbb[0] & PARAMETER_CBB[0], cbb[1] & PARAMETER_CBB[1]],
            services_supported: SERVICES_SUPPORTED,
        }
    }

    /// Handles one MMS PDU after association; `raw_invoke_id` is the invoke ID of a
    /// request that did not decode.
    fn on_pdu(
        &mut self,
        decoded: Result<MmsPdu, MmsError>,
        raw_invoke_id: Option<u32>,
        out: &mut Vec<u8>,
        events: &mut Vec<Event>,
    ) {
        if self.phase != Phase::Associated {
            // After the conclude only the release may come: anything else breaks the protocol.
            self.iso.abort(out);
            return self.close(events);
        }
        match decoded {
            Ok(MmsPdu::ConfirmedRequest { invoke_id, service }) => {
                let limit = self
                    .negotiated
                    .as_ref()
                    .map_or(1, |n| n.max_serv_outstanding_calling);
                if self.outstanding.contains(&invoke_id) {
                    // Two answers with one ID would be ambiguous to the client.
                    self.send_reject(
                        Some(invoke_id),
                        REJECT_CONFIRMED_REQUEST,
                        INVALID_INVOKE_ID,
                        out,
                    );
                } else if self.outstanding.len() >= usize::from(limit) {
                    self.send_reject(
                        Some(invoke_id),
                        REJECT_CONFIRMED_REQUEST,
                        MAX_SERV_OUTSTANDING_EXCEEDED,
                        out,
                    );
                } else {
                    self.outstanding.insert(invoke_id);
                    events.push(Event::Request { invoke_id, service });
                }
            }
            Ok(MmsPdu::ConcludeRequest) => {
                self.scratch.clear();
                if self.outstanding.is_empty() {
                    pdu::encode_conclude_response(&mut self.scratch);
                    self.phase = Phase::Concluded;
                    events.push(Event::Concluded);
                } else {
                    pdu::encode_conclude_error(
                        ERROR_CLASS_CONCLUDE,
                        FURTHER_COMMUNICATION_REQUIRED,
                        &mut self.scratch,
                    );
                }
                self.iso.send_data(&self.scratch, out);
            }
            // A server issues no requests: the reference server rejects any answer as an
            // unrecognized service.
            Ok(
                MmsPdu::ConfirmedResponse { invoke_id, .. }
                | MmsPdu::UndecodableResponse { invoke_id }
                | MmsPdu::ConfirmedError { invoke_id, .. },
            ) => self.send_reject(
                Some(invoke_id),
                REJECT_CONFIRMED_REQUEST,
                UNRECOGNIZED_SERVICE,
                out,
            ),
            // A reject must not be answered (two peers could reject each other forever).
            Ok(MmsPdu::Reject { .. }) => {}
            // A request that did not decode but names its invoke ID.
            Err(_) if raw_invoke_id.is_some() => {
                self.send_reject(raw_invoke_id, REJECT_PDU_ERROR, INVALID_PDU, out)
            }
            // Unconfirmed services, a second initiate, conclude answers, unknown tags, garbage.
            Ok(_) | Err(_) => self.send_reject(None, REJECT_PDU_ERROR, UNKNOWN_PDU_TYPE, out),
        }
    }

    /// Sends a reject of our own; it is far below [`MIN_PDU_SIZE`], so no size check.
    fn send_reject(&mut self, invoke_id: Option<u32>, class: u8, code: i64, out: &mut Vec<u8>) {
        self.scratch.clear();
        pdu::encode_reject(invoke_id, class, code, &mut self.scratch);
        self.iso.send_data(&self.scratch, out);
    }

    fn close(&mut self, events: &mut Vec<Event>) {
        self.undecided = None;
        if self.phase != Phase::Closed {
            self.phase = Phase::Closed;
            events.push(Event::Closed);
        }
        self.outstanding.clear();
    }

    /// Encodes an answer to the outstanding request `invoke_id` with `encode` and sends it
    /// if it fits the negotiated PDU size; the request is then answered.
    fn answer(
        &mut self,
        invoke_id: u32,
        out: &mut Vec<u8>,
        encode: impl FnOnce(&mut Vec<u8>) -> Result<(), ResponseError>,
    ) -> Result<(), ResponseError> {
        if self.phase != Phase::Associated {
            return Err(ResponseError::NotAssociated);
        }
        if !self.outstanding.contains(&invoke_id) {
            return Err(ResponseError::UnknownInvokeId);
        }
        self.send_checked(out, encode)?;
        self.outstanding.remove(&invoke_id);
        Ok(())
    }

    /// Encodes a PDU with `encode` and sends it if it fits the negotiated PDU size.
    fn send_checked(
        &mut self,
        out: &mut Vec<u8>,
        encode: impl FnOnce(&mut Vec<u8>) -> Result<(), ResponseError>,
    ) -> Result<(), ResponseError> {
        self.scratch.clear();
        encode(&mut self.scratch)?;
        if self.scratch.len() > self.max_pdu_size() {
            return Err(ResponseError::TooLarge);
        }
        self.iso.send_data(&self.scratch, out);
        Ok(())
    }

    /// Answers a request with its result. On `TooLarge` the request stays outstanding
    /// (answer it with an error instead).
    pub fn respond(
        &mut self,
        invoke_id: u32,
        response: &ConfirmedServiceResponse,
        out: &mut Vec<u8>,
    ) -> Result<(), ResponseError> {
        self.answer(invoke_id, out, |buf| {
            pdu::encode_confirmed_response(invoke_id, response, buf)
                .map_err(|_| ResponseError::InvalidValue)
        })
    }

    /// Answers a request with a confirmed-ErrorPDU (`class`: errorClass alternative).
    pub fn error(
        &mut self,
        invoke_id: u32,
        class: u8,
        code: i64,
        out: &mut Vec<u8>,
    ) -> Result<(), ResponseError> {
        self.answer(invoke_id, out, |buf| {
            pdu::encode_confirmed_error(invoke_id, class, code, buf);
            Ok(())
        })
    }

    /// Answers a request the service cannot accept (e.g. invalid arguments) with a
    /// rejectPDU (`class`: rejectReason alternative).
    pub fn reject(
        &mut self,
        invoke_id: u32,
        class: u8,
        code: i64,
        out: &mut Vec<u8>,
    ) -> Result<(), ResponseError> {
        self.answer(invoke_id, out, |buf| {
            pdu::encode_reject(Some(invoke_id), class, code, buf);
            Ok(())
        })
    }

    /// Sends an unconfirmed InformationReport (reports, command terminations).
    pub fn report(
        &mut self,
        report: &InformationReport,
        out: &mut Vec<u8>,
    ) -> Result<(), ResponseError> {
        if self.phase != Phase::Associated {
            return Err(ResponseError::NotAssociated);
        }
        self.send_checked(out, |buf| {
            information_report::encode_information_report(report, buf)
                .map_err(|_| ResponseError::InvalidValue)
        })
    }

    /// Writes an abort (ACSE ABRT) and ends the association.
    pub fn abort(&mut self, out: &mut Vec<u8>) {
        if self.phase != Phase::Closed {
            self.iso.abort(out);
        }
        self.phase = Phase::Closed;
        self.outstanding.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::protocol::{self as client, ClientProtocol};
    use crate::mms::access::{self, VariableRef};
    use crate::mms::common;
    use crate::mms::get_name_list::{NameListRequest, CLASS_DOMAIN};
    use crate::mms::object_name;
    use crate::mms::read;
    use crate::mms::MmsValue;
    use crate::test_util::hex;

    fn var(item: &str) -> VariableRef {
        VariableRef {
            domain_id: Some("DEMOProt".into()),
            item_id: item.into(),
            ..Default::default()
        }
    }

    /// A server fed `bytes`: its answer and events.
    fn feed(server: &mut ServerProtocol, bytes: &[u8]) -> (Vec<u8>, Vec<Event>) {
        let (mut out, mut events) = (Vec::new(), Vec::new());
        server.feed(bytes, &mut out, &mut events);
        (out, events)
    }

    /// Our client and server associated in memory.
    fn pair() -> (ClientProtocol, ServerProtocol) {
        let mut c = ClientProtocol::new(IsoParams::default(), InitiateParams::client_default());
        let mut s = ServerProtocol::new(ServerConfig::default());
        let (mut out, mut events) = (Vec::new(), Vec::new());
        c.start(&mut out);
        let (answer, _) = feed(&mut s, &out);
        out.clear();
        c.feed(&answer, &mut out, &mut events);
        let (answer, server_events) = feed(&mut s, &out);
        assert!(matches!(
            server_events.as_slice(),
            [Event::Associated { params, request }]
                if params.local_detail == 65000 && request.password.is_none()
        ));
        c.feed(&answer, &mut Vec::new(), &mut events);
        assert!(matches!(events.as_slice(), [client::Event::Associated(_)]));
        (c, s)
    }

    /// The one request the server got from `bytes`.
    fn request(server: &mut ServerProtocol, bytes: &[u8]) -> (u32, ConfirmedService) {
        let (out, mut events) = feed(server, bytes);
        assert!(out.is_empty());
        match events.pop() {
            Some(Event::Request { invoke_id, service }) if events.is_empty() => {
                (invoke_id, service)
            }
            other => panic!("{other:?}"),
        }
    }

    /// The client's events for the server's bytes.
    fn to_client(client: &mut ClientProtocol, bytes: &[u8]) -> Vec<client::Event> {
        let mut events = Vec::new();
        client.feed(bytes, &mut Vec::new(), &mut events);
        events
    }

    #[test]
    fn our_client_reads_writes_lists_and_concludes() {
        let (mut c, mut s) = pair();
        let mut out = Vec::new();
        let id = c.read(&[var("LLN0$ST$Mod$stVal")], &mut out).unwrap();
        let (invoke_id, service) = request(&mut s, &out);
        assert_eq!(invoke_id, id);
        assert_eq!(
            service,
            ConfirmedService::Read {
                vars: vec![var("LLN0$ST$Mod$stVal")]
            }
        );
        let mut answer = Vec::new();
        let read = ConfirmedServiceResponse::Read(vec![Ok(MmsValue::Integer(1))]);
        s.respond(id, &read, &mut answer).unwrap();
        assert_eq!(
            s.respond(id, &read, &mut answer),
            Err(ResponseError::UnknownInvokeId)
        );
        assert!(matches!(
            to_client(&mut c, &answer).as_slice(),
            [client::Event::Response { invoke_id, result: Ok(r) }] if *invoke_id == id && *r == read
        ));

        out.clear();
        let value = MmsValue::Boolean(true);
        let id = c
            .write(&[var("GGIO1$ST$Ind1$stVal")], &[&value], &mut out)
            .unwrap();
        let (_, service) = request(&mut s, &out);
        assert!(matches!(service, ConfirmedService::Write { values, .. } if values == [value]));
        answer.clear();
        s.error(id, 7, 2, &mut answer).unwrap();
        assert!(matches!(
            to_client(&mut c, &answer).as_slice(),
            [client::Event::Response {
                result: Err(client::ServiceFailure::Error(_)),
                ..
            }]
        ));

        out.clear();
        let list = NameListRequest {
            object_class: CLASS_DOMAIN,
            domain: None,
            continue_after: None,
        };
        let id = c.get_name_list(&list, &mut out).unwrap();
        assert_eq!(request(&mut s, &out).1, ConfirmedService::GetNameList(list));
        let names = ConfirmedServiceResponse::GetNameList {
            names: vec!["DEMOMeas".into(), "DEMOProt".into()],
            more_follows: false,
        };
        answer.clear();
        s.respond(id, &names, &mut answer).unwrap();
        assert!(matches!(
            to_client(&mut c, &answer).as_slice(),
            [client::Event::Response { result: Ok(r), .. }] if *r == names
        ));

        out.clear();
        c.conclude(&mut out).unwrap();
        let (answer, events) = feed(&mut s, &out);
        assert!(matches!(events.as_slice(), [Event::Concluded]));
        assert_eq!(s.phase(), Phase::Concluded);
        assert!(matches!(
            to_client(&mut c, &answer).as_slice(),
            [client::Event::Concluded]
        ));
        assert_eq!(
            s.respond(id, &names, &mut Vec::new()),
            Err(ResponseError::NotAssociated)
        );
    }

    // The reference client's frames and the reference server's answers, captured through
    // tests/interop/proxy.py (libiec61850 1.6.1, tests/fixtures/demo.cfg).
    const REF_CR: &str = "0300001611e00000000100c0010dc2020001c1020001";
    const REF_CC: &str = "0300001611d00001000100c0010dc2020001c1020001";
    const REF_AARQ: &str = "030000bb02f0800db20506130100160102140200023302000134020001c19c318199\
        a003800101a28191810400000001820400000001a423300f0201010604520100013004060251013010020103\
        060528ca220201300406025101615e305c020101a0576055a107060528ca220203a20706052901876701a303\
        02010ca606060429018767a70302010cbe2f282d020103a028a826800300fde881010582010583010aa41680\
        0101810305f100820c03ee1c00000408000079ef18";
    const REF_AARE: &str = "0300008f02f0800e8605061301001601021402000234020001c1743172a003800101\
        a26b830400000001a512300780010081025101300780010081025101614f304d020101a0486146a107060528\
        ca220203a203020100a305a103020100be2f282d020103a028a926800300fde881010582010583010aa41680\
        0101810305f100820c03ee1c00000002000040ed18";
    const REF_READ: &str = "0300004202f0800100010061353033020103a02ea02c020101a427a125a0233021a0\
        1fa11d1a0844454d4f50726f741a114c4c4e30245354244d6f6424737456616c";
    const REF_READ_RESPONSE: &str =
        "0300002002f0800100010061133011020103a00ca10a020101a405a103850101";
    const REF_CONCLUDE: &str = "0300001602f0800100010061093007020103a0028b00";
    const REF_CONCLUDE_RESPONSE: &str = "0300001602f0800100010061093007020103a0028c00";
    const REF_RELEASE: &str = "0300001902f0800910c10e610c300a020101a0056203800100";
    const REF_RELEASE_RESPONSE: &str = "0300001602f0800a0dc10b61093007020101a0026300";

    /// A server associated by the reference client's bytes.
    fn associated_by_reference() -> ServerProtocol {
        let mut s = ServerProtocol::new(ServerConfig::default());
        assert_eq!(feed(&mut s, &hex(REF_CR)).0, hex(REF_CC));
        let (aare, events) = feed(&mut s, &hex(REF_AARQ));
        assert_eq!(aare, hex(REF_AARE));
        assert!(matches!(events.as_slice(), [Event::Associated { .. }]));
        s
    }

    /// Reference client data TPKT carrying `mms` (session give-tokens + data transfer,
    /// presentation fully-encoded data in context 3).
    fn data(mms: &str) -> Vec<u8> {
        let mut out = Vec::new();
        let mut iso = crate::osi::IsoClient::new(IsoParams::default());
        iso.send_data(&hex(mms), &mut out);
        out
    }

    #[test]
    fn reference_client_bytes_get_the_reference_servers_answers() {
        let mut s = associated_by_reference();
        let (invoke_id, _) = request(&mut s, &hex(REF_READ));
        let mut out = Vec::new();
        let read = ConfirmedServiceResponse::Read(vec![Ok(MmsValue::Integer(1))]);
        s.respond(invoke_id, &read, &mut out).unwrap();
        assert_eq!(out, hex(REF_READ_RESPONSE));
        let (out, events) = feed(&mut s, &hex(REF_CONCLUDE));
        assert_eq!(out, hex(REF_CONCLUDE_RESPONSE));
        assert!(matches!(events.as_slice(), [Event::Concluded]));
        let (out, events) = feed(&mut s, &hex(REF_RELEASE));
        assert_eq!(out, hex(REF_RELEASE_RESPONSE));
        assert!(matches!(events.as_slice(), [Event::Closed]));
    }

    /// The MMS PDUs in the server's output.
    fn pdus(bytes: &[u8]) -> Vec<Vec<u8>> {
        let mut framer = Framer::new(crate::osi::tpkt::MAX_FRAME);
        let mut iso = crate::osi::IsoClient::new(IsoParams::default());
        let mut setup = Vec::new();
        // A client stack in the associated state, to unwrap the server's data TPKTs.
        iso.connect_request(&mut setup);
        iso.handle_frame(&hex(REF_CC)[4..]).unwrap();
        iso.associate(&[], &mut setup);
        iso.handle_frame(&hex(REF_AARE)[4..]).unwrap();
        framer.push(bytes);
        let mut found = Vec::new();
        while let Some(frame) = framer.next_frame().unwrap() {
            if let Some(IsoEvent::Data(d)) = iso.handle_frame(frame).unwrap() {
                found.push(d.into_owned());
            }
        }
        found
    }

    #[test]
    fn malformed_requests_are_rejected_as_the_reference_server_does() {
        let mut s = associated_by_reference();
        // Each answer as the reference server sent it for the same request.
        for (request, answer) in [
            // Unknown service, malformed Read, Write with a value count not matching: invalid-pdu.
            ("a005020107bf7f00", "a406800107850101"),
            ("a007020107a402ff00", "a406800107850101"),
            (
                "a02b020108a526a0243022a020a11e1a0844454d4f50726f741a124c4c4e30245354244d6f6424\
                 737456616ca000",
                "a406800108850101",
            ),
            // Unknown PDU tag, an unconfirmed PDU, a cancel: unknown-pdu-type.
            ("ff00", "a403850100"),
            ("a3050201078c00", "a403850100"),
            ("850107", "a403850100"),
            // A confirmed response from the client: unrecognized service.
            ("a1050201078c00", "a406800107810101"),
        ] {
            let (out, events) = feed(&mut s, &data(request));
            assert!(events.is_empty(), "{request}");
            assert_eq!(pdus(&out), [hex(answer)], "{request}");
        }
        // Differences, stricter than the reference: it serves a Read with trailing bytes
        // after the PDU and an Identify with a non-NULL argument, and drops a request
        // without a service silently; we reject all three as invalid PDUs.
        for (request, answer) in [
            ("a005020109a4000000", "a406800109850101"),
            ("a0060201078201ff", "a406800107850101"),
            ("a003020107", "a406800107850101"),
        ] {
            assert_eq!(
                pdus(&feed(&mut s, &data(request)).0),
                [hex(answer)],
                "{request}"
            );
        }
        // A reject from the client is not answered; the association goes on.
        assert!(feed(&mut s, &data("a406800101810101")).0.is_empty());
        assert_eq!(s.phase(), Phase::Associated);
    }

    #[test]
    fn nesting_beyond_the_limit_is_rejected_with_the_invoke_id() {
        let mut s = associated_by_reference();
        let mut value = hex("830101");
        for _ in 0..300 {
            let mut outer = Vec::new();
            crate::ber::write_tlv(&mut outer, 0xA2, &value);
            value = outer;
        }
        let mut body =
            hex("a0243022a020a11e1a0844454d4f50726f741a124c4c4e30245354244d6f6424737456616c");
        crate::ber::write_tlv(&mut body, 0xA0, &value);
        let mut pdu = Vec::new();
        common::write_confirmed::<std::convert::Infallible>(&mut pdu, 0xA0, 9, 0xA5, |o| {
            o.extend_from_slice(&body);
            Ok(())
        })
        .unwrap();
        let mut frame = Vec::new();
        crate::osi::IsoClient::new(IsoParams::default()).send_data(&pdu, &mut frame);
        // The reference server answers the same way (captured).
        assert_eq!(pdus(&feed(&mut s, &frame).0), [hex("a406800109850101")]);
    }

    #[test]
    fn duplicate_invoke_ids_and_the_outstanding_limit() {
        let mut s = associated_by_reference();
        let read = |id: u32| {
            let mut pdu = Vec::new();
            read::encode_read_request(id, &[var("LLN0$ST$Mod$stVal")], &mut pdu);
            let mut frame = Vec::new();
            crate::osi::IsoClient::new(IsoParams::default()).send_data(&pdu, &mut frame);
            frame
        };
        // The reference client proposed 5 outstanding calls.
        for id in 1..=5 {
            request(&mut s, &read(id));
        }
        // The reference server answers one request at a time, so it never has two
        // outstanding; we answer later and must keep answers unambiguous and bounded.
        // confirmed-requestPDU invalid-invokeID (3) and max-serv-outstanding-exceeded (6):
        assert_eq!(pdus(&feed(&mut s, &read(3)).0), [hex("a406800103810103")]);
        assert_eq!(pdus(&feed(&mut s, &read(6)).0), [hex("a406800106810106")]);
        assert_eq!(s.outstanding(), 5);
        s.error(2, 7, 2, &mut Vec::new()).unwrap();
        request(&mut s, &read(6));
        // A conclude with requests outstanding is refused (ISO 9506 further-communication-required).
        let (out, events) = feed(&mut s, &data("8b00"));
        assert!(events.is_empty());
        assert_eq!(pdus(&out), [hex("ad05a003890101")]);
        assert_eq!(s.phase(), Phase::Associated);
    }

    #[test]
    fn responses_beyond_the_negotiated_size_are_refused() {
        let mut s = ServerProtocol::new(ServerConfig::default());
        feed(&mut s, &hex(REF_CR));
        // The reference client's AARQ proposing 600 octets (0x000258) instead of 65000.
        let aarq = REF_AARQ.replace("800300fde8", "8003000258");
        let (_, events) = feed(&mut s, &hex(&aarq));
        assert!(matches!(
            events.as_slice(),
            [Event::Associated { params, .. }] if params.local_detail == 600
        ));
        let (id, _) = request(&mut s, &hex(REF_READ));
        let mut out = Vec::new();
        let big = ConfirmedServiceResponse::Read(vec![Ok(MmsValue::Boolean(true)); 300]);
        assert_eq!(s.respond(id, &big, &mut out), Err(ResponseError::TooLarge));
        assert!(out.is_empty());
        let report = InformationReport {
            spec: access::VariableAccessSpec::ListName(object_name::ObjectName::Vmd("RPT".into())),
            results: vec![Ok(MmsValue::Boolean(true)); 300],
        };
        assert_eq!(s.report(&report, &mut out), Err(ResponseError::TooLarge));
        // The request is still outstanding: it can be answered with an error.
        s.error(id, 7, 2, &mut out).unwrap();
        assert_eq!(s.outstanding(), 0);
    }

    #[test]
    fn negotiation_clamps_every_limit() {
        let s = ServerProtocol::new(ServerConfig::default());
        let mut proposed = InitiateParams::client_default();
        // Observed on the reference server: it answers min(proposed, 65000), echoes the
        // outstanding counts and nesting, masks the parameter CBB with f100 and sends its
        // fixed services bits. It also accepts 100 and 0 octets and 0 outstanding calls;
        // we raise those to usable minimums.
        proposed.local_detail = 100;
        proposed.max_serv_outstanding_calling = 0;
        proposed.max_serv_outstanding_called = 1000;
        proposed.data_structure_nesting_level = 200;
        proposed.parameter_cbb = [0xFF, 0xFF];
        let p = s.negotiate(&proposed);
        assert_eq!(
            (
                p.local_detail,
                p.max_serv_outstanding_calling,
                p.max_serv_outstanding_called
            ),
            (MIN_PDU_SIZE, 1, 16)
        );
        assert_eq!(
            (p.data_structure_nesting_level, p.parameter_cbb),
            (64, [0xF1, 0x00])
        );
        proposed.local_detail = 1 << 24;
        proposed.data_structure_nesting_level = 0;
        let p = s.negotiate(&proposed);
        assert_eq!(
            (p.local_detail, p.data_structure_nesting_level),
            (65000, 64)
        );
        proposed.local_detail = 0;
        assert_eq!(s.negotiate(&proposed).local_detail, 65000);
    }

    #[test]
    fn password_authentication() {
        // The reference client's AARQ with password authentication, "secret1" (captured).
        let aarq = "030000cf02f0800dc60506130100160102140200023302000134020001c1b03181ada003800101\
            a281a5810400000001820400000001a423300f0201010604520100013004060251013010020103060528ca\
            22020130040602510161723070020101a06b6069a107060528ca220203a20706052901876701a30302010c\
            a606060429018767a70302010c8a0204808b03520301ac09800773656372657431be2f282d020103a028a8\
            26800300fde881010582010583010aa416800101810305f100820c03ee1c00000408000079ef18";
        let authenticating = || {
            let config = ServerConfig {
                authenticate: true,
                ..ServerConfig::default()
            };
            let mut s = ServerProtocol::new(config);
            feed(&mut s, &hex(REF_CR));
            s
        };
        let mut s = authenticating();
        let (out, events) = feed(&mut s, &hex(aarq));
        // Nothing goes out until the application decides.
        assert!(out.is_empty());
        assert_eq!(s.phase(), Phase::Authenticating);
        let [Event::AssociateRequest(request)] = events.as_slice() else {
            panic!("{events:?}");
        };
        assert_eq!(request.password.as_deref(), Some(&b"secret1"[..]));
        assert_eq!(
            request.calling_ap_title.as_deref(),
            Some(&[1, 1, 1, 999][..])
        );
        assert_eq!(request.calling_ae_qualifier, Some(12));
        let (mut out, mut events) = (Vec::new(), Vec::new());
        s.decide_association(true, &mut out, &mut events);
        assert_eq!(out, hex(REF_AARE));
        assert!(matches!(
            events.as_slice(),
            [Event::Associated { request: r, .. }] if r == request
        ));
        // A second decision changes nothing.
        s.decide_association(false, &mut out, &mut events);
        assert_eq!(
            (out.len(), events.len(), s.phase()),
            (hex(REF_AARE).len(), 1, Phase::Associated)
        );
        // The reference server closes the connection without an answer; we refuse with
        // an AARE (rejected-permanent, authentication-failure), which tells the client why.
        for aarq in [aarq, REF_AARQ] {
            let mut s = authenticating();
            let (_, events) = feed(&mut s, &hex(aarq));
            assert!(matches!(events.as_slice(), [Event::AssociateRequest(_)]));
            let (mut out, mut events) = (Vec::new(), Vec::new());
            s.decide_association(false, &mut out, &mut events);
            assert!(matches!(events.as_slice(), [Event::Closed]));
            let mut client = crate::osi::IsoClient::new(IsoParams::default());
            client.connect_request(&mut Vec::new());
            client.handle_frame(&hex(REF_CC)[4..]).unwrap();
            client.associate(&[], &mut Vec::new());
            assert!(matches!(
                client.handle_frame(&out[4..]),
                Ok(Some(IsoEvent::AssociationRejected { .. }))
            ));
        }
        // Data before the decision breaks the protocol.
        let mut s = authenticating();
        feed(&mut s, &hex(aarq));
        let (_, events) = feed(&mut s, &hex(REF_READ));
        assert!(matches!(events.as_slice(), [Event::Closed]));
        let (mut out, mut events) = (Vec::new(), Vec::new());
        s.decide_association(true, &mut out, &mut events);
        assert!(out.is_empty() && events.is_empty());
    }

    #[test]
    fn hostile_input_closes_or_is_answered_without_panic() {
        // Requests before the transport connection or before the association.
        let mut s = ServerProtocol::new(ServerConfig::default());
        let (out, events) = feed(&mut s, &hex(REF_READ));
        assert!(out.is_empty() && matches!(events.as_slice(), [Event::Closed]));
        let mut s = ServerProtocol::new(ServerConfig::default());
        feed(&mut s, &hex(REF_CR));
        let (out, events) = feed(&mut s, &hex(REF_READ));
        assert!(out.is_empty() && matches!(events.as_slice(), [Event::Closed]));
        // A second connection request, a broken TPKT header.
        for bytes in [REF_CR, "09000004"] {
            let mut s = associated_by_reference();
            assert!(matches!(
                feed(&mut s, &hex(bytes)).1.as_slice(),
                [Event::Closed]
            ));
        }
        // Data after the conclude aborts.
        let mut s = associated_by_reference();
        feed(&mut s, &hex(REF_CONCLUDE));
        let (out, events) = feed(&mut s, &hex(REF_READ));
        assert!(!out.is_empty() && matches!(events.as_slice(), [Event::Closed]));
        // Truncated frames wait for the rest, byte by byte.
        let mut s = ServerProtocol::new(ServerConfig::default());
        let aarq = hex(REF_AARQ);
        feed(&mut s, &hex(REF_CR));
        for (i, b) in aarq.iter().enumerate() {
            let (_, events) = feed(&mut s, &[*b]);
            assert_eq!(events.is_empty(), i + 1 < aarq.len());
        }
        // A huge announced length buffers at most one TPKT (65535 octets).
        let mut s = associated_by_reference();
        let mut huge = vec![3, 0, 0xFF, 0xFF, 0x02, 0xF0, 0x00];
        huge.resize(70_000, 0);
        let (_, events) = feed(&mut s, &huge);
        assert!(events.len() <= 1);
        // Segments beyond the message cap (max PDU + framing) close instead of growing.
        let mut s = associated_by_reference();
        let mut segment = vec![3, 0, 0x10, 0x07, 0x02, 0xF0, 0x00];
        segment.resize(0x1007, 0);
        let (_, events) = feed(&mut s, &segment.repeat(20));
        assert!(matches!(events.as_slice(), [Event::Closed]));
    }
}
