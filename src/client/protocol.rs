//! The client side of one MMS association, sans-I/O.
//!
//! Bytes from the socket go in through [`ClientProtocol::feed`]; what must be
//! sent comes out as complete TPKT frames in an output buffer; what happened
//! comes out as [`Event`]s. The driver (threaded reactor or `tick`) owns the
//! socket and the table of waiting callers.

use std::collections::HashSet;

use crate::mms::access::VariableRef;
use crate::mms::common;
use crate::mms::get_name_list::{self, NameListRequest};
use crate::mms::information_report::InformationReport;
use crate::mms::initiate::{self, InitiateParams};
use crate::mms::pdu::{self, ConfirmedService, ConfirmedServiceResponse, MmsPdu};
use crate::mms::read;
use crate::mms::write;
use crate::mms::MmsValue;
use crate::osi::tpkt::{Framer, MAX_FRAME};
use crate::osi::{next_event, IsoClient, IsoEvent, IsoParams, NextEvent, OSI_OVERHEAD};

/// Nesting limit for decoding Data from the peer (a hostile peer cannot recurse deeper).
const MAX_DATA_DEPTH: usize = 64;

/// Where the association stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// COTP connection request sent.
    TransportConnecting,
    /// AARQ with MMS initiate sent.
    Associating,
    /// Initiate response received: services may be requested.
    Associated,
    /// Conclude request sent.
    Concluding,
    /// Association over (released, refused, aborted or broken).
    Closed,
}

/// Why a confirmed service failed at the MMS level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServiceFailure {
    /// Confirmed-ErrorPDU; the `MmsError` value of its class and code.
    Error(i32),
    /// RejectPDU; the `MmsError` value of its reason.
    Rejected(i32),
    /// A response whose result could not be decoded.
    Malformed,
}

/// Something the peer did.
#[derive(Debug)]
pub enum Event {
    /// The association is up; the negotiated parameters.
    Associated(InitiateParams),
    /// The peer refused the association (ACSE or MMS initiate error).
    Refused,
    /// Response to the confirmed request with this invoke ID.
    Response {
        /// The request's invoke ID.
        invoke_id: u32,
        /// The service result.
        result: Result<ConfirmedServiceResponse, ServiceFailure>,
    },
    /// Conclude response: the peer agreed to release.
    Concluded,
    /// An unsolicited InformationReport (IEC 61850 reports, command terminations).
    InformationReport(InformationReport),
    /// A confirmed request from the peer (a server obtaining a file reads it from us);
    /// the driver answers it with [`ClientProtocol::respond`].
    Request {
        /// The peer's invoke ID.
        invoke_id: u32,
        /// The request.
        service: ConfirmedService,
    },
    /// The peer aborted, disconnected or sent something we cannot parse.
    Closed,
}

/// Failures while encoding a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    /// The association is not (or no longer) established.
    #[error("association not established")]
    NotAssociated,
    /// As many requests are outstanding as the peer accepted.
    #[error("outstanding call limit reached")]
    OutstandingLimit,
    /// A value cannot be encoded (e.g. an unset structure element).
    #[error("value cannot be encoded")]
    InvalidValue,
    /// The encoded request exceeds the negotiated PDU size.
    #[error("request larger than the negotiated PDU size")]
    TooLarge,
}

/// One MMS association's protocol state.
pub struct ClientProtocol {
    iso: IsoClient,
    framer: Framer,
    phase: Phase,
    proposed: InitiateParams,
    negotiated: Option<InitiateParams>,
    next_invoke_id: u32,
    outstanding: HashSet<u32>,
    scratch: Vec<u8>,
}

impl ClientProtocol {
    /// A protocol instance that will propose `initiate` over an ISO stack with `iso`.
    /// Messages from the peer are capped at the proposed PDU size plus framing (the peer
    /// may not send more), or at `iso.max_message_size` if that is smaller.
    pub fn new(mut iso: IsoParams, initiate: InitiateParams) -> Self {
        if initiate.local_detail > 0 {
            let cap = initiate.local_detail as usize + OSI_OVERHEAD;
            iso.max_message_size = iso.max_message_size.min(cap);
        }
        ClientProtocol {
            iso: IsoClient::new(iso),
            framer: Framer::new(MAX_FRAME),
            phase: Phase::Closed,
            proposed: initiate,
            negotiated: None,
            next_invoke_id: 1,
            outstanding: HashSet::new(),
            scratch: Vec::new(),
        }
    }

    /// Starts the connection: writes the COTP connection request to `out`.
    pub fn start(&mut self, out: &mut Vec<u8>) {
        self.iso.connect_request(out);
        self.phase = Phase::TransportConnecting;
    }

    /// Current phase.
    pub fn phase(&self) -> Phase {
        self.phase
    }

    /// Parameters agreed in the initiate exchange.
    pub fn negotiated(&self) -> Option<&InitiateParams> {
        self.negotiated.as_ref()
    }

    /// Number of confirmed requests awaiting a response.
    pub fn outstanding(&self) -> usize {
        self.outstanding.len()
    }

    /// Forgets an outstanding request (its caller gave up); a late response is then ignored.
    pub fn forget(&mut self, invoke_id: u32) {
        self.outstanding.remove(&invoke_id);
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
                IsoEvent::TransportConnected => {
                    self.scratch.clear();
                    initiate::encode_initiate_request(&self.proposed, &mut self.scratch);
                    self.iso.associate(&self.scratch, out);
                    self.phase = Phase::Associating;
                }
                IsoEvent::Associated { user_data } => {
                    match pdu::decode_pdu(&user_data, MAX_DATA_DEPTH) {
                        Ok(MmsPdu::InitiateResponse(params)) => {
                            self.phase = Phase::Associated;
                            self.negotiated = Some(params.clone());
                            events.push(Event::Associated(params));
                        }
                        _ => {
                            self.phase = Phase::Closed;
                            events.push(Event::Refused);
                        }
                    }
                }
                IsoEvent::AssociationRejected { .. } => {
                    self.phase = Phase::Closed;
                    events.push(Event::Refused);
                }
                IsoEvent::Data(data) => {
                    let pdu = pdu::decode_pdu(&data, MAX_DATA_DEPTH);
                    self.on_pdu(pdu, events);
                }
                IsoEvent::ReleaseResponse
                | IsoEvent::Aborted
                | IsoEvent::Disconnected
                | IsoEvent::ReleaseRequest => self.close(events),
                // Responder-side events never reach an initiator.
                IsoEvent::TransportConnectRequest | IsoEvent::AssociateRequest { .. } => {
                    self.close(events)
                }
            }
        }
    }

    fn on_pdu(&mut self, pdu: Result<MmsPdu, common::MmsError>, events: &mut Vec<Event>) {
        match pdu {
            Ok(MmsPdu::ConfirmedResponse { invoke_id, service }) => {
                if self.outstanding.remove(&invoke_id) {
                    events.push(Event::Response {
                        invoke_id,
                        result: Ok(service),
                    });
                }
            }
            Ok(MmsPdu::UndecodableResponse { invoke_id }) => {
                if self.outstanding.remove(&invoke_id) {
                    events.push(Event::Response {
                        invoke_id,
                        result: Err(ServiceFailure::Malformed),
                    });
                }
            }
            Ok(MmsPdu::ConfirmedError {
                invoke_id,
                class,
                code,
            }) => {
                if self.outstanding.remove(&invoke_id) {
                    let err = pdu::confirmed_error_to_mms_error(class, code);
                    events.push(Event::Response {
                        invoke_id,
                        result: Err(ServiceFailure::Error(err)),
                    });
                }
            }
            Ok(MmsPdu::Reject {
                invoke_id: Some(invoke_id),
                class,
                code,
            }) => {
                if self.outstanding.remove(&invoke_id) {
                    let err = pdu::reject_to_mms_error(class, code);
                    events.push(Event::Response {
                        invoke_id,
                        result: Err(ServiceFailure::Rejected(err)),
                    });
                }
            }
            Ok(MmsPdu::ConcludeResponse) => {
                // Unsolicited or not, the association is over: no request will be answered.
                self.phase = Phase::Closed;
                self.outstanding.clear();
                events.push(Event::Concluded);
            }
            Ok(MmsPdu::InformationReport(report)) => events.push(Event::InformationReport(report)),
            Ok(MmsPdu::ConfirmedRequest { invoke_id, service }) => {
                events.push(Event::Request { invoke_id, service })
            }
            // Other unsolicited or unexpected PDUs carry nothing a client acts upon.
            Ok(_) => {}
            // An unparsable PDU means the peer speaks something else: the association cannot go on.
            Err(_) => self.close(events),
        }
    }

    fn close(&mut self, events: &mut Vec<Event>) {
        if self.phase != Phase::Closed {
            self.phase = Phase::Closed;
            events.push(Event::Closed);
        }
        self.outstanding.clear();
    }

    /// Encodes a confirmed request (`encode` gets the fresh invoke ID) and queues it;
    /// returns the invoke ID.
    pub fn request(
        &mut self,
        out: &mut Vec<u8>,
        encode: impl FnOnce(u32, &mut Vec<u8>) -> Result<(), RequestError>,
    ) -> Result<u32, RequestError> {
        if self.phase != Phase::Associated {
            return Err(RequestError::NotAssociated);
        }
        let negotiated = self.negotiated.as_ref();
        let limit = negotiated.map_or(1, |n| n.max_serv_outstanding_calling.max(1) as usize);
        if self.outstanding.len() >= limit {
            return Err(RequestError::OutstandingLimit);
        }
        let max_pdu = self.max_pdu_size();
        let id = self.next_invoke_id;
        self.scratch.clear();
        encode(id, &mut self.scratch)?;
        if self.scratch.len() > max_pdu {
            return Err(RequestError::TooLarge);
        }
        // IDs run 1, 2, ... as the reference's; 0 and u32::MAX are never used (the
        // connection keys its conclude waiter with u32::MAX).
        self.next_invoke_id = match self.next_invoke_id.wrapping_add(1) {
            u32::MAX => 1,
            next => next,
        };
        self.iso.send_data(&self.scratch, out);
        self.outstanding.insert(id);
        Ok(id)
    }

    /// Largest PDU either side may send: the negotiated size (a peer that announced none,
    /// 0, gets the size we proposed).
    pub fn max_pdu_size(&self) -> usize {
        match self.negotiated.as_ref().map_or(0, |n| n.local_detail) {
            0 => self.proposed.local_detail as usize,
            n => n as usize,
        }
    }

    /// Sends an answer to a peer's request: a complete MMS PDU (response, error or reject).
    pub fn respond(&mut self, pdu: &[u8], out: &mut Vec<u8>) -> Result<(), RequestError> {
        if self.phase != Phase::Associated {
            return Err(RequestError::NotAssociated);
        }
        self.iso.send_data(pdu, out);
        Ok(())
    }

    /// Writes a Read request for `vars`; returns its invoke ID.
    pub fn read(&mut self, vars: &[VariableRef], out: &mut Vec<u8>) -> Result<u32, RequestError> {
        self.request(out, |id, buf| {
            read::encode_read_request(id, vars, buf);
            Ok(())
        })
    }

    /// Writes a Write request of `values` to `vars`; returns its invoke ID.
    pub fn write(
        &mut self,
        vars: &[VariableRef],
        values: &[&MmsValue],
        out: &mut Vec<u8>,
    ) -> Result<u32, RequestError> {
        self.request(out, |id, buf| {
            write::encode_write_request(id, vars, values, buf)
                .map_err(|_| RequestError::InvalidValue)
        })
    }

    /// Writes a GetNameList request; returns its invoke ID.
    pub fn get_name_list(
        &mut self,
        request: &NameListRequest,
        out: &mut Vec<u8>,
    ) -> Result<u32, RequestError> {
        self.request(out, |id, buf| {
            get_name_list::encode_get_name_list_request(id, request, buf);
            Ok(())
        })
    }

    /// Writes a Conclude request (orderly release).
    pub fn conclude(&mut self, out: &mut Vec<u8>) -> Result<(), RequestError> {
        if self.phase != Phase::Associated {
            return Err(RequestError::NotAssociated);
        }
        self.scratch.clear();
        pdu::encode_conclude_request(&mut self.scratch);
        self.iso.send_data(&self.scratch, out);
        self.phase = Phase::Concluding;
        Ok(())
    }

    /// Writes an abort (ACSE ABRT) and closes the association.
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
    use crate::mms::get_name_list::{NameListRequest, CLASS_DOMAIN};
    use crate::mms::pdu::ConfirmedService;
    use crate::osi::IsoServer;

    /// An in-memory peer: the responder side of the ISO stack plus MMS encoding.
    struct Peer {
        iso: IsoServer,
        framer: Framer,
        out: Vec<u8>,
    }

    impl Peer {
        fn new() -> Self {
            Peer {
                iso: IsoServer::new(IsoParams::default()),
                framer: Framer::new(MAX_FRAME),
                out: Vec::new(),
            }
        }

        /// Takes the client's frames and returns the MMS PDUs they carried.
        fn receive(&mut self, bytes: &[u8]) -> Vec<Vec<u8>> {
            self.framer.push(bytes);
            let mut pdus = Vec::new();
            while let Some(frame) = self.framer.next_frame().unwrap() {
                let frame = frame.to_vec();
                match self.iso.handle_frame(&frame).unwrap() {
                    Some(IsoEvent::TransportConnectRequest) => {
                        self.iso.accept_transport(&mut self.out)
                    }
                    Some(IsoEvent::AssociateRequest { user_data, .. }) => {
                        pdus.push(user_data.to_vec())
                    }
                    Some(IsoEvent::Data(d)) => pdus.push(d.to_vec()),
                    _ => {}
                }
            }
            pdus
        }

        fn send(&mut self, mms: &[u8]) {
            self.iso.send_data(mms, &mut self.out);
        }
    }

    /// A client associated with a peer that offers `outstanding` calls.
    fn associated(outstanding: u16) -> (ClientProtocol, Peer) {
        let mut client =
            ClientProtocol::new(IsoParams::default(), InitiateParams::client_default());
        let mut peer = Peer::new();
        let (mut out, mut events) = (Vec::new(), Vec::new());
        client.start(&mut out);
        assert_eq!(client.phase(), Phase::TransportConnecting);
        assert!(peer.receive(&out).is_empty());
        out.clear();
        client.feed(&std::mem::take(&mut peer.out), &mut out, &mut events);
        assert_eq!(client.phase(), Phase::Associating);
        let initiate = peer.receive(&out);
        assert!(matches!(
            pdu::decode_pdu(&initiate[0], 8),
            Ok(MmsPdu::InitiateRequest(_))
        ));
        let mut response = InitiateParams::client_default();
        response.max_serv_outstanding_calling = outstanding;
        let mut mms = Vec::new();
        initiate::encode_initiate_response(&response, &mut mms);
        peer.iso.accept_association(&mms, &mut peer.out);
        out.clear();
        client.feed(&std::mem::take(&mut peer.out), &mut out, &mut events);
        assert!(
            matches!(events.as_slice(), [Event::Associated(p)] if p.max_serv_outstanding_calling == outstanding)
        );
        assert_eq!(client.phase(), Phase::Associated);
        (client, peer)
    }

    fn var() -> VariableRef {
        VariableRef {
            domain_id: Some("LD".into()),
            item_id: "GGIO1$ST$Ind1$stVal".into(),
            ..Default::default()
        }
    }

    #[test]
    fn read_request_and_response_by_invoke_id() {
        let (mut client, mut peer) = associated(5);
        let (mut out, mut events) = (Vec::new(), Vec::new());
        let id = client.read(&[var()], &mut out).unwrap();
        let request = peer.receive(&out);
        match pdu::decode_pdu(&request[0], 8).unwrap() {
            MmsPdu::ConfirmedRequest {
                invoke_id,
                service: ConfirmedService::Read { vars },
            } => {
                assert_eq!(invoke_id, id);
                assert_eq!(vars, vec![var()]);
            }
            other => panic!("{other:?}"),
        }
        // A response to an invoke ID nobody waits for is dropped.
        let mut mms = Vec::new();
        read::encode_read_response(id + 100, &[Ok(MmsValue::Boolean(false))], &mut mms).unwrap();
        peer.send(&mms);
        mms.clear();
        read::encode_read_response(id, &[Ok(MmsValue::Boolean(true))], &mut mms).unwrap();
        peer.send(&mms);
        client.feed(&std::mem::take(&mut peer.out), &mut out, &mut events);
        assert_eq!(events.len(), 1);
        match &events[0] {
            Event::Response {
                invoke_id,
                result: Ok(ConfirmedServiceResponse::Read(r)),
            } => {
                assert_eq!(*invoke_id, id);
                assert_eq!(r, &vec![Ok(MmsValue::Boolean(true))]);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(client.outstanding(), 0);
    }

    #[test]
    fn errors_and_rejects_complete_their_request() {
        let (mut client, mut peer) = associated(5);
        let (mut out, mut events) = (Vec::new(), Vec::new());
        let a = client
            .write(&[var()], &[&MmsValue::Boolean(true)], &mut out)
            .unwrap();
        let b = client
            .get_name_list(
                &NameListRequest {
                    object_class: CLASS_DOMAIN,
                    domain: None,
                    continue_after: None,
                },
                &mut out,
            )
            .unwrap();
        assert_eq!(peer.receive(&out).len(), 2);
        let mut mms = Vec::new();
        // access (7) / object-non-existent (2)
        pdu::encode_confirmed_error(a, 7, 2, &mut mms);
        peer.send(&mms);
        mms.clear();
        // confirmed-requestPDU (1) / unrecognized-service (1)
        pdu::encode_reject(Some(b), 1, 1, &mut mms);
        peer.send(&mms);
        client.feed(&std::mem::take(&mut peer.out), &mut out, &mut events);
        assert!(
            matches!(events[0], Event::Response { invoke_id, result: Err(ServiceFailure::Error(81)) } if invoke_id == a)
        );
        assert!(
            matches!(events[1], Event::Response { invoke_id, result: Err(ServiceFailure::Rejected(_)) } if invoke_id == b)
        );
        assert_eq!(client.phase(), Phase::Associated);
    }

    #[test]
    fn outstanding_limit_and_forget() {
        let (mut client, _peer) = associated(2);
        let mut out = Vec::new();
        let first = client.read(&[var()], &mut out).unwrap();
        client.read(&[var()], &mut out).unwrap();
        assert_eq!(
            client.read(&[var()], &mut out),
            Err(RequestError::OutstandingLimit)
        );
        client.forget(first);
        assert!(client.read(&[var()], &mut out).is_ok());
    }

    #[test]
    fn unset_element_cannot_be_written() {
        let (mut client, _peer) = associated(5);
        let mut out = Vec::new();
        let broken = MmsValue::Structure(vec![None].into());
        assert_eq!(
            client.write(&[var()], &[&broken], &mut out),
            Err(RequestError::InvalidValue)
        );
        assert!(out.is_empty());
        assert_eq!(client.outstanding(), 0);
    }

    #[test]
    fn garbage_after_association_closes() {
        let (mut client, mut peer) = associated(5);
        let (mut out, mut events) = (Vec::new(), Vec::new());
        client.read(&[var()], &mut out).unwrap();
        peer.send(&[0xFF, 0x00]);
        client.feed(&std::mem::take(&mut peer.out), &mut out, &mut events);
        assert!(matches!(events.as_slice(), [Event::Closed]));
        assert_eq!(client.phase(), Phase::Closed);
        assert_eq!(
            client.read(&[var()], &mut out),
            Err(RequestError::NotAssociated)
        );
        // A broken TPKT header also ends the association.
        let (mut client, _peer) = associated(5);
        events.clear();
        client.feed(&[9, 0, 0, 4], &mut out, &mut events);
        assert!(matches!(events.as_slice(), [Event::Closed]));
    }

    #[test]
    fn conclude_then_response() {
        let (mut client, mut peer) = associated(5);
        let (mut out, mut events) = (Vec::new(), Vec::new());
        client.conclude(&mut out).unwrap();
        assert_eq!(peer.receive(&out), vec![vec![0x8B, 0x00]]);
        let mut mms = Vec::new();
        pdu::encode_conclude_response(&mut mms);
        peer.send(&mms);
        client.feed(&std::mem::take(&mut peer.out), &mut out, &mut events);
        assert!(matches!(events.as_slice(), [Event::Concluded]));
        assert_eq!(client.phase(), Phase::Closed);
    }

    #[test]
    fn refused_association() {
        let mut client =
            ClientProtocol::new(IsoParams::default(), InitiateParams::client_default());
        let mut peer = Peer::new();
        let (mut out, mut events) = (Vec::new(), Vec::new());
        client.start(&mut out);
        peer.receive(&out);
        out.clear();
        client.feed(&std::mem::take(&mut peer.out), &mut out, &mut events);
        peer.receive(&out);
        peer.iso.refuse_association(&mut peer.out);
        client.feed(&std::mem::take(&mut peer.out), &mut out, &mut events);
        assert!(matches!(events.as_slice(), [Event::Refused]));
        assert_eq!(client.phase(), Phase::Closed);
    }

    /// Fuzz finding: a stack-level error or an unsolicited conclude response closed the
    /// association but left the outstanding slots taken.
    #[test]
    fn closing_on_hostile_frames_releases_outstanding_slots() {
        let (mut out, mut events) = (Vec::new(), Vec::new());
        // A COTP connection request after association (fuzz/artifacts crash-8c483d10).
        let cr = [
            3, 0, 0, 0x16, 0x11, 0xE0, 0, 0, 0, 1, 0, 0xC1, 2, 0, 1, 0xC2, 2, 0, 1, 0xC0, 1, 0x0D,
        ];
        let (mut client, _peer) = associated(5);
        client.read(&[var()], &mut out).unwrap();
        client.feed(&cr, &mut out, &mut events);
        assert_eq!((client.phase(), client.outstanding()), (Phase::Closed, 0));
        // A conclude response nobody asked for (crash-b9509cd6).
        let (mut client, mut peer) = associated(5);
        client.read(&[var()], &mut out).unwrap();
        peer.send(&[0x8C, 0x00]);
        client.feed(&std::mem::take(&mut peer.out), &mut out, &mut events);
        assert_eq!((client.phase(), client.outstanding()), (Phase::Closed, 0));
    }
}
