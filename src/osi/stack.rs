//! The combined sans-I/O association layer: TPKT + COTP + session + presentation + ACSE
//! state machines for the initiator ([`IsoClient`]) and the responder ([`IsoServer`]).
//! Every output function appends complete TPKT frames to `out`.

use super::tpkt::Framer;
use std::borrow::Cow;

use super::acse::{self, AarqParams, AcseError, Apdu};
use super::cotp::{self, ConnectTpdu, CotpError, Reassembler, Tpdu};
use super::presentation::{self, AbortPpdu, PresentationError, ACSE_CONTEXT_ID, MMS_CONTEXT_ID};
use super::session::{self, ConnectSpdu, SessionError, Spdu};
use super::tpkt::{self, TpktError};

/// Session, presentation and ACSE octets allowed around one MMS PDU: a reassembled
/// message may exceed the negotiated PDU size by this much and no more.
pub const OSI_OVERHEAD: usize = 1024;

/// Connection parameters; `Default` gives the values libiec61850 clients use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IsoParams {
    /// Local transport selector.
    pub local_tsel: Vec<u8>,
    /// Remote transport selector.
    pub remote_tsel: Vec<u8>,
    /// Local session selector.
    pub local_ssel: Vec<u8>,
    /// Remote session selector.
    pub remote_ssel: Vec<u8>,
    /// Local presentation selector.
    pub local_psel: Vec<u8>,
    /// Remote presentation selector.
    pub remote_psel: Vec<u8>,
    /// Remote (called) AP title.
    pub remote_ap_title: Option<Vec<u32>>,
    /// Remote (called) AE qualifier.
    pub remote_ae_qualifier: Option<i32>,
    /// Local (calling) AP title.
    pub local_ap_title: Option<Vec<u32>>,
    /// Local (calling) AE qualifier.
    pub local_ae_qualifier: Option<i32>,
    /// Password for ACSE password authentication.
    pub password: Option<Vec<u8>>,
    /// Largest TPDU size to propose or accept (rounded down to a power of two, 128..=8192).
    pub max_tpdu_size: usize,
    /// Largest reassembled message accepted from the peer.
    pub max_message_size: usize,
}

impl Default for IsoParams {
    fn default() -> Self {
        IsoParams {
            local_tsel: vec![0, 1],
            remote_tsel: vec![0, 1],
            local_ssel: vec![0, 1],
            remote_ssel: vec![0, 1],
            local_psel: vec![0, 0, 0, 1],
            remote_psel: vec![0, 0, 0, 1],
            remote_ap_title: Some(vec![1, 1, 1, 999, 1]),
            remote_ae_qualifier: Some(12),
            local_ap_title: Some(vec![1, 1, 1, 999]),
            local_ae_qualifier: Some(12),
            password: None,
            max_tpdu_size: cotp::MAX_TPDU_SIZE,
            max_message_size: 1 << 20,
        }
    }
}

/// What a received frame meant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IsoEvent<'a> {
    /// The transport connection was confirmed (initiator).
    TransportConnected,
    /// The association was accepted; `user_data` is the MMS initiate response (initiator).
    Associated {
        /// MMS PDU from the AARE.
        user_data: Cow<'a, [u8]>,
    },
    /// The association was refused (initiator). `reason` is the ACSE result (1 rejected
    /// permanent, 2 rejected transient), 1 when refused below ACSE without one.
    AssociationRejected {
        /// ACSE result.
        reason: i32,
    },
    /// An MMS PDU arrived.
    Data(Cow<'a, [u8]>),
    /// The peer confirmed our release request.
    ReleaseResponse,
    /// The peer asked to release the association.
    ReleaseRequest,
    /// The peer aborted the association.
    Aborted,
    /// The peer disconnected the transport connection.
    Disconnected,
    /// A transport connection request arrived (responder).
    TransportConnectRequest,
    /// An association request arrived (responder).
    AssociateRequest {
        /// MMS PDU from the AARQ (the initiate request).
        user_data: Cow<'a, [u8]>,
        /// Password given with password authentication.
        password: Option<Vec<u8>>,
        /// The calling AP title (an OID).
        calling_ap_title: Option<Vec<u32>>,
        /// The calling AE qualifier.
        calling_ae_qualifier: Option<i64>,
    },
}

impl<'a> IsoEvent<'a> {
    /// The borrowed payload, if the event carries one.
    fn payload(&self) -> Option<&[u8]> {
        match self {
            IsoEvent::Associated { user_data } | IsoEvent::AssociateRequest { user_data, .. } => {
                Some(user_data)
            }
            IsoEvent::Data(data) => Some(data),
            _ => None,
        }
    }

    /// Replaces the payload (if any) by `f(old)`.
    fn map_payload<'b>(self, f: impl FnOnce(Cow<'a, [u8]>) -> Cow<'b, [u8]>) -> IsoEvent<'b> {
        match self {
            IsoEvent::Associated { user_data } => IsoEvent::Associated {
                user_data: f(user_data),
            },
            IsoEvent::AssociateRequest {
                user_data,
                password,
                calling_ap_title,
                calling_ae_qualifier,
            } => IsoEvent::AssociateRequest {
                user_data: f(user_data),
                password,
                calling_ap_title,
                calling_ae_qualifier,
            },
            IsoEvent::Data(data) => IsoEvent::Data(f(data)),
            IsoEvent::TransportConnected => IsoEvent::TransportConnected,
            IsoEvent::AssociationRejected { reason } => IsoEvent::AssociationRejected { reason },
            IsoEvent::ReleaseResponse => IsoEvent::ReleaseResponse,
            IsoEvent::ReleaseRequest => IsoEvent::ReleaseRequest,
            IsoEvent::Aborted => IsoEvent::Aborted,
            IsoEvent::Disconnected => IsoEvent::Disconnected,
            IsoEvent::TransportConnectRequest => IsoEvent::TransportConnectRequest,
        }
    }
}

/// Errors of the association layer; all of them are fatal for the connection.
#[derive(Debug, thiserror::Error, PartialEq, Eq, Clone)]
pub enum OsiError {
    /// TPKT framing error.
    #[error(transparent)]
    Tpkt(#[from] TpktError),
    /// Transport error.
    #[error(transparent)]
    Cotp(#[from] CotpError),
    /// Session error.
    #[error(transparent)]
    Session(#[from] SessionError),
    /// Presentation error.
    #[error(transparent)]
    Presentation(#[from] PresentationError),
    /// ACSE error.
    #[error(transparent)]
    Acse(#[from] AcseError),
    /// The peer sent an ER TPDU.
    #[error("COTP: peer reported TPDU error, cause {0}")]
    TransportErrorReceived(u8),
    /// A PDU arrived that is not valid in the current state.
    #[error("OSI: unexpected {0}")]
    Unexpected(&'static str),
}

/// Transport state shared by both roles: negotiated TPDU size and reassembly.
#[derive(Debug)]
struct Transport {
    tpdu_size: usize,
    reassembler: Reassembler,
}

impl Transport {
    fn new(params: &IsoParams) -> Self {
        Transport {
            tpdu_size: cotp::DEFAULT_TPDU_SIZE,
            reassembler: Reassembler::new(params.max_message_size),
        }
    }

    /// Appends the TSDU written by `build` as DT frames.
    fn send(&self, out: &mut Vec<u8>, build: impl FnOnce(&mut Vec<u8>)) {
        let start = cotp::begin_data(out);
        build(out);
        cotp::finish_data(out, start, self.tpdu_size);
    }

    /// Feeds one DT segment; once a TSDU is complete, decodes it with `decode` and returns
    /// the event, keeping a reassembled TSDU's payload without copying it again.
    fn receive<'a>(
        &mut self,
        eot: bool,
        data: &'a [u8],
        decode: impl FnOnce(&[u8]) -> Result<Option<IsoEvent<'_>>, OsiError>,
    ) -> Result<Option<IsoEvent<'a>>, OsiError> {
        match self.reassembler.push(eot, data)? {
            None => Ok(None),
            Some(Cow::Borrowed(tsdu)) => Ok(decode_borrowed(tsdu, decode)?),
            Some(Cow::Owned(mut buf)) => {
                let Some(event) = decode(&buf)? else {
                    return Ok(None);
                };
                let range = event.payload().map(|p| subslice_range(&buf, p));
                let event = event.map_payload(|_| Cow::Borrowed(&[][..]));
                Ok(Some(event.map_payload(|_| {
                    if let Some((start, end)) = range {
                        buf.truncate(end);
                        buf.drain(..start);
                    }
                    Cow::Owned(buf)
                })))
            }
        }
    }
}

/// Runs `decode` on a TSDU borrowed from the frame, keeping the frame's lifetime.
fn decode_borrowed<'a>(
    tsdu: &'a [u8],
    decode: impl FnOnce(&[u8]) -> Result<Option<IsoEvent<'_>>, OsiError>,
) -> Result<Option<IsoEvent<'a>>, OsiError> {
    let Some(event) = decode(tsdu)? else {
        return Ok(None);
    };
    let range = event.payload().map(|p| subslice_range(tsdu, p));
    Ok(Some(event.map_payload(|_| match range {
        Some((start, end)) => Cow::Borrowed(&tsdu[start..end]),
        None => Cow::Borrowed(&[][..]),
    })))
}

/// Offsets of `part` within `whole`; decoders only return subslices of their input.
fn subslice_range(whole: &[u8], part: &[u8]) -> (usize, usize) {
    let start = (part.as_ptr() as usize)
        .saturating_sub(whole.as_ptr() as usize)
        .min(whole.len());
    (start, (start + part.len()).min(whole.len()))
}

/// Writes session ABORT + ARU + ACSE ABRT.
fn write_abort(out: &mut Vec<u8>, acse_context: i64) {
    session::write_abort(out, |o| {
        presentation::write_user_abort(o, acse_context, acse::write_abrt)
    });
}

/// Decodes the PDV of a DATA TRANSFER SPDU.
fn data_event(user_data: &[u8]) -> Result<Option<IsoEvent<'_>>, OsiError> {
    let pdv = presentation::decode_user_data(user_data)?;
    Ok(Some(IsoEvent::Data(Cow::Borrowed(pdv.data))))
}

/// Initiator state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ClientState {
    Idle,
    TransportPending,
    TransportConnected,
    Associating,
    Associated,
    Releasing,
    Closed,
}

/// Initiator (client) side of an MMS association.
#[derive(Debug)]
pub struct IsoClient {
    params: IsoParams,
    state: ClientState,
    transport: Transport,
}

impl IsoClient {
    /// Creates an idle initiator.
    pub fn new(params: IsoParams) -> Self {
        IsoClient {
            transport: Transport::new(&params),
            params,
            state: ClientState::Idle,
        }
    }

    /// True once the association is established and not yet released or aborted.
    pub fn is_associated(&self) -> bool {
        self.state == ClientState::Associated
    }

    /// Appends the COTP connection request.
    pub fn connect_request(&mut self, out: &mut Vec<u8>) {
        let start = tpkt::begin(out);
        cotp::encode_cr(
            out,
            &ConnectTpdu {
                dst_ref: 0,
                src_ref: 1,
                class_option: 0,
                tpdu_size: Some(cotp::valid_tpdu_size(self.params.max_tpdu_size)),
                calling_tsap: &self.params.local_tsel,
                called_tsap: &self.params.remote_tsel,
            },
        );
        // A CR holds at most two 32-octet selectors: far below the TPKT limit.
        let _ = tpkt::finish(out, start);
        self.state = ClientState::TransportPending;
    }

    /// Appends session CONNECT + presentation CP + AARQ carrying `mms_pdu`.
    pub fn associate(&mut self, mms_pdu: &[u8], out: &mut Vec<u8>) {
        let p = &self.params;
        let aarq = AarqParams {
            called_ap_title: p.remote_ap_title.as_deref(),
            called_ae_qualifier: p.remote_ae_qualifier,
            calling_ap_title: p.local_ap_title.as_deref(),
            calling_ae_qualifier: p.local_ae_qualifier,
            password: p.password.as_deref(),
        };
        let spdu = ConnectSpdu {
            calling_selector: &p.local_ssel,
            called_selector: &p.remote_ssel,
            user_requirements: Some(session::REQUIREMENTS_DUPLEX),
            user_data: &[],
        };
        self.transport.send(out, |o| {
            session::write_connect(o, &spdu, |o| {
                presentation::write_connect(o, &p.local_psel, &p.remote_psel, |o| {
                    acse::write_aarq(o, &aarq, mms_pdu)
                })
            })
        });
        self.state = ClientState::Associating;
    }

    /// Appends DATA TRANSFER frames carrying `mms_pdu` in the MMS context.
    pub fn send_data(&mut self, mms_pdu: &[u8], out: &mut Vec<u8>) {
        self.transport.send(out, |o| {
            session::write_data_header(o);
            presentation::write_user_data(o, MMS_CONTEXT_ID, |o| o.extend_from_slice(mms_pdu));
        });
    }

    /// Appends session FINISH + RLRQ.
    pub fn release_request(&mut self, out: &mut Vec<u8>) {
        self.transport.send(out, |o| {
            session::write_finish(o, |o| {
                presentation::write_user_data(o, ACSE_CONTEXT_ID, acse::write_rlrq)
            })
        });
        self.state = ClientState::Releasing;
    }

    /// Appends session DISCONNECT + RLRE, answering a peer's release request.
    pub fn release_response(&mut self, out: &mut Vec<u8>) {
        self.transport.send(out, |o| {
            session::write_disconnect(o, |o| {
                presentation::write_user_data(o, ACSE_CONTEXT_ID, acse::write_rlre)
            })
        });
        self.state = ClientState::Closed;
    }

    /// Appends session ABORT + ARU + ABRT.
    pub fn abort(&mut self, out: &mut Vec<u8>) {
        self.transport
            .send(out, |o| write_abort(o, ACSE_CONTEXT_ID));
        self.state = ClientState::Closed;
    }

    /// Processes one TPKT payload; `None` while a segmented TSDU is incomplete.
    pub fn handle_frame<'a>(
        &mut self,
        tpkt_payload: &'a [u8],
    ) -> Result<Option<IsoEvent<'a>>, OsiError> {
        match cotp::decode(tpkt_payload)? {
            Tpdu::ConnectionConfirm(cc) => {
                if self.state != ClientState::TransportPending {
                    return Err(OsiError::Unexpected("COTP connection confirm"));
                }
                let size = cc.tpdu_size.unwrap_or(cotp::DEFAULT_TPDU_SIZE);
                self.transport.tpdu_size =
                    cotp::valid_tpdu_size(size.min(self.params.max_tpdu_size));
                self.state = ClientState::TransportConnected;
                Ok(Some(IsoEvent::TransportConnected))
            }
            Tpdu::DisconnectRequest { .. } => {
                self.state = ClientState::Closed;
                Ok(Some(IsoEvent::Disconnected))
            }
            Tpdu::Error { cause, .. } => Err(OsiError::TransportErrorReceived(cause)),
            Tpdu::ConnectionRequest(_) => Err(OsiError::Unexpected("COTP connection request")),
            Tpdu::Data { eot, data } => {
                if matches!(
                    self.state,
                    ClientState::Idle | ClientState::TransportPending | ClientState::Closed
                ) {
                    return Err(OsiError::Unexpected("data before connection"));
                }
                let state = &mut self.state;
                self.transport
                    .receive(eot, data, |tsdu| client_tsdu(state, tsdu))
            }
        }
    }
}

/// Interprets a complete TSDU received by the initiator.
fn client_tsdu<'b>(
    state: &mut ClientState,
    tsdu: &'b [u8],
) -> Result<Option<IsoEvent<'b>>, OsiError> {
    match session::decode(tsdu)? {
        Spdu::Accept(ac) => {
            if *state != ClientState::Associating {
                return Err(OsiError::Unexpected("session ACCEPT"));
            }
            let cpa = presentation::decode_accept(ac.user_data)?;
            let Apdu::Aare(aare) = acse::decode(cpa.user_data.data)? else {
                return Err(OsiError::Unexpected("APDU in CPA"));
            };
            if aare.result == acse::RESULT_ACCEPTED {
                *state = ClientState::Associated;
                Ok(Some(IsoEvent::Associated {
                    user_data: Cow::Borrowed(aare.user_data.unwrap_or(&[])),
                }))
            } else {
                *state = ClientState::Closed;
                Ok(Some(rejected(Some(aare.result))))
            }
        }
        Spdu::Refuse { user_data, .. } => {
            if *state != ClientState::Associating {
                return Err(OsiError::Unexpected("session REFUSE"));
            }
            *state = ClientState::Closed;
            // The AARE inside is informative only; a malformed one still means refusal.
            let result = presentation::decode_refuse(user_data)
                .ok()
                .and_then(|cpr| cpr.user_data)
                .and_then(|pdv| match acse::decode(pdv.data) {
                    Ok(Apdu::Aare(aare)) => Some(aare.result),
                    _ => None,
                });
            Ok(Some(rejected(result)))
        }
        Spdu::Data { user_data } => {
            if !matches!(*state, ClientState::Associated | ClientState::Releasing) {
                return Err(OsiError::Unexpected("data before association"));
            }
            data_event(user_data)
        }
        Spdu::Disconnect { .. } => {
            if *state != ClientState::Releasing {
                return Err(OsiError::Unexpected("session DISCONNECT"));
            }
            *state = ClientState::Closed;
            Ok(Some(IsoEvent::ReleaseResponse))
        }
        Spdu::Finish { .. } => Ok(Some(IsoEvent::ReleaseRequest)),
        Spdu::Abort { .. } | Spdu::AbortAccept => {
            *state = ClientState::Closed;
            Ok(Some(IsoEvent::Aborted))
        }
        Spdu::Connect(_) => Err(OsiError::Unexpected("session CONNECT")),
    }
}

/// The rejection event for an ACSE result (1 when there was none).
fn rejected(result: Option<i64>) -> IsoEvent<'static> {
    let reason = result
        .and_then(|r| i32::try_from(r).ok())
        .unwrap_or(acse::RESULT_REJECTED_PERMANENT as i32);
    IsoEvent::AssociationRejected { reason }
}

/// Responder state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ServerState {
    WaitTransport,
    TransportRequested,
    WaitAssociate,
    AssociateRequested,
    Associated,
    Closed,
}

/// What the responder remembers of the connect request to answer it.
#[derive(Debug, Default)]
struct PeerRequest {
    cotp_src_ref: u16,
    calling_tsel: Vec<u8>,
    called_tsel: Vec<u8>,
    called_ssel: Vec<u8>,
    called_psel: Vec<u8>,
    contexts: Vec<(i64, bool)>,
}

/// Responder association state above the transport.
#[derive(Debug)]
struct Responder {
    state: ServerState,
    peer: PeerRequest,
    acse_context: i64,
    mms_context: i64,
}

/// Responder (server) side of an MMS association.
#[derive(Debug)]
pub struct IsoServer {
    params: IsoParams,
    transport: Transport,
    resp: Responder,
}

impl IsoServer {
    /// Creates a responder waiting for a transport connection request.
    pub fn new(params: IsoParams) -> Self {
        IsoServer {
            transport: Transport::new(&params),
            params,
            resp: Responder {
                state: ServerState::WaitTransport,
                peer: PeerRequest::default(),
                acse_context: ACSE_CONTEXT_ID,
                mms_context: MMS_CONTEXT_ID,
            },
        }
    }

    /// Appends the COTP connection confirm answering the request.
    pub fn accept_transport(&mut self, out: &mut Vec<u8>) {
        let start = tpkt::begin(out);
        cotp::encode_cc(
            out,
            &ConnectTpdu {
                dst_ref: self.resp.peer.cotp_src_ref,
                src_ref: 1,
                class_option: 0,
                tpdu_size: Some(self.transport.tpdu_size),
                calling_tsap: &self.resp.peer.calling_tsel,
                called_tsap: &self.resp.peer.called_tsel,
            },
        );
        // A CC holds at most two 32-octet selectors: far below the TPKT limit.
        let _ = tpkt::finish(out, start);
        self.resp.state = ServerState::WaitAssociate;
    }

    /// Appends session ACCEPT + CPA + AARE (accepted) carrying `mms_pdu`.
    pub fn accept_association(&mut self, mms_pdu: &[u8], out: &mut Vec<u8>) {
        let peer = &self.resp.peer;
        let acse_context = self.resp.acse_context;
        let spdu = ConnectSpdu {
            calling_selector: &[],
            called_selector: &peer.called_ssel,
            user_requirements: Some(session::REQUIREMENTS_DUPLEX),
            user_data: &[],
        };
        self.transport.send(out, |o| {
            session::write_accept(o, &spdu, |o| {
                presentation::write_accept(
                    o,
                    &peer.called_psel,
                    &peer.contexts,
                    acse_context,
                    |o| {
                        acse::write_aare(
                            o,
                            acse::RESULT_ACCEPTED,
                            (acse::SOURCE_SERVICE_USER, acse::DIAGNOSTIC_NULL),
                            Some(mms_pdu),
                        )
                    },
                )
            })
        });
        self.resp.state = ServerState::Associated;
    }

    /// Appends session REFUSE + CPR + AARE (rejected permanent, authentication failure).
    pub fn refuse_association(&mut self, out: &mut Vec<u8>) {
        let peer = &self.resp.peer;
        let acse_context = self.resp.acse_context;
        self.transport.send(out, |o| {
            session::write_refuse(o, session::REASON_USER_REJECTION, |o| {
                presentation::write_refuse(
                    o,
                    &peer.called_psel,
                    &peer.contexts,
                    acse_context,
                    |o| {
                        acse::write_aare(
                            o,
                            acse::RESULT_REJECTED_PERMANENT,
                            (
                                acse::SOURCE_SERVICE_USER,
                                acse::DIAGNOSTIC_AUTHENTICATION_FAILURE,
                            ),
                            None,
                        )
                    },
                )
            })
        });
        self.resp.state = ServerState::Closed;
    }

    /// Appends DATA TRANSFER frames carrying `mms_pdu` in the MMS context.
    pub fn send_data(&mut self, mms_pdu: &[u8], out: &mut Vec<u8>) {
        let context = self.resp.mms_context;
        self.transport.send(out, |o| {
            session::write_data_header(o);
            presentation::write_user_data(o, context, |o| o.extend_from_slice(mms_pdu));
        });
    }

    /// Appends session DISCONNECT + RLRE, answering a release request.
    pub fn release_response(&mut self, out: &mut Vec<u8>) {
        let context = self.resp.acse_context;
        self.transport.send(out, |o| {
            session::write_disconnect(o, |o| {
                presentation::write_user_data(o, context, acse::write_rlre)
            })
        });
        self.resp.state = ServerState::Closed;
    }

    /// Appends session ABORT + ARU + ABRT.
    pub fn abort(&mut self, out: &mut Vec<u8>) {
        let context = self.resp.acse_context;
        self.transport.send(out, |o| write_abort(o, context));
        self.resp.state = ServerState::Closed;
    }

    /// Processes one TPKT payload; `None` while a segmented TSDU is incomplete.
    pub fn handle_frame<'a>(
        &mut self,
        tpkt_payload: &'a [u8],
    ) -> Result<Option<IsoEvent<'a>>, OsiError> {
        match cotp::decode(tpkt_payload)? {
            Tpdu::ConnectionRequest(cr) => {
                if self.resp.state != ServerState::WaitTransport {
                    return Err(OsiError::Unexpected("COTP connection request"));
                }
                let size = cr.tpdu_size.unwrap_or(cotp::DEFAULT_TPDU_SIZE);
                self.transport.tpdu_size =
                    cotp::valid_tpdu_size(size.min(self.params.max_tpdu_size));
                self.resp.peer.cotp_src_ref = cr.src_ref;
                self.resp.peer.calling_tsel = cr.calling_tsap.to_vec();
                self.resp.peer.called_tsel = cr.called_tsap.to_vec();
                self.resp.state = ServerState::TransportRequested;
                Ok(Some(IsoEvent::TransportConnectRequest))
            }
            Tpdu::DisconnectRequest { .. } => {
                self.resp.state = ServerState::Closed;
                Ok(Some(IsoEvent::Disconnected))
            }
            Tpdu::Error { cause, .. } => Err(OsiError::TransportErrorReceived(cause)),
            Tpdu::ConnectionConfirm(_) => Err(OsiError::Unexpected("COTP connection confirm")),
            Tpdu::Data { eot, data } => {
                if matches!(
                    self.resp.state,
                    ServerState::WaitTransport
                        | ServerState::TransportRequested
                        | ServerState::Closed
                ) {
                    return Err(OsiError::Unexpected("data before connection"));
                }
                let resp = &mut self.resp;
                self.transport.receive(eot, data, |tsdu| resp.on_tsdu(tsdu))
            }
        }
    }
}

impl Responder {
    /// Interprets a complete TSDU received by the responder.
    fn on_tsdu<'b>(&mut self, tsdu: &'b [u8]) -> Result<Option<IsoEvent<'b>>, OsiError> {
        match session::decode(tsdu)? {
            Spdu::Connect(cn) => {
                if self.state != ServerState::WaitAssociate {
                    return Err(OsiError::Unexpected("session CONNECT"));
                }
                let cp = presentation::decode_connect(cn.user_data)?;
                let (Some(acse_context), Some(mms_context)) = (cp.acse_context, cp.mms_context)
                else {
                    return Err(OsiError::Unexpected("CP without ACSE and MMS contexts"));
                };
                if cp.user_data.context_id != acse_context {
                    return Err(OsiError::Unexpected("AARQ outside the ACSE context"));
                }
                let Apdu::Aarq(aarq) = acse::decode(cp.user_data.data)? else {
                    return Err(OsiError::Unexpected("APDU in CP"));
                };
                if aarq.application_context != acse::MMS_APPLICATION_CONTEXT {
                    return Err(OsiError::Unexpected("application context other than MMS"));
                }
                self.acse_context = acse_context;
                self.mms_context = mms_context;
                self.peer.called_ssel = cn.called_selector.to_vec();
                self.peer.called_psel = cp.called_selector.to_vec();
                self.peer.contexts = cp.contexts;
                self.state = ServerState::AssociateRequested;
                Ok(Some(IsoEvent::AssociateRequest {
                    user_data: Cow::Borrowed(aarq.user_data.unwrap_or(&[])),
                    password: aarq.password.map(<[u8]>::to_vec),
                    calling_ap_title: aarq.calling_ap_title,
                    calling_ae_qualifier: aarq.calling_ae_qualifier,
                }))
            }
            Spdu::Data { user_data } => {
                if self.state != ServerState::Associated {
                    return Err(OsiError::Unexpected("data before association"));
                }
                data_event(user_data)
            }
            Spdu::Finish { .. } => Ok(Some(IsoEvent::ReleaseRequest)),
            Spdu::Abort { user_data } => {
                // Only checked for well-formedness: any abort ends the association.
                if !user_data.is_empty() {
                    if let AbortPpdu::User(Some(pdv)) = presentation::decode_abort(user_data)? {
                        acse::decode(pdv.data)?;
                    }
                }
                self.state = ServerState::Closed;
                Ok(Some(IsoEvent::Aborted))
            }
            Spdu::AbortAccept => {
                self.state = ServerState::Closed;
                Ok(Some(IsoEvent::Aborted))
            }
            Spdu::Accept(_) | Spdu::Refuse { .. } | Spdu::Disconnect { .. } => {
                Err(OsiError::Unexpected("initiator-only SPDU"))
            }
        }
    }
}

/// What the next whole TPKT frame buffered in a [`Framer`] brought.
#[derive(Debug)]
pub enum NextEvent<'a> {
    /// An event of the stack.
    Event(IsoEvent<'a>),
    /// A frame that raised no event (a segment, say).
    Nothing,
    /// No whole frame is buffered.
    Wait,
    /// The framing or the stack failed: the connection cannot go on.
    Broken,
}

/// Takes the next whole frame of `framer` through `handle` (a stack's `handle_frame`): the
/// loop both sides of an association run over received bytes.
pub fn next_event<'a>(
    framer: &'a mut Framer,
    handle: impl FnOnce(&'a [u8]) -> Result<Option<IsoEvent<'a>>, OsiError>,
) -> NextEvent<'a> {
    match framer.next_frame() {
        Ok(Some(frame)) => match handle(frame) {
            Ok(Some(event)) => NextEvent::Event(event),
            Ok(None) => NextEvent::Nothing,
            Err(_) => NextEvent::Broken,
        },
        Ok(None) => NextEvent::Wait,
        Err(_) => NextEvent::Broken,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The MMS initiate request libiec61850 clients send.
    const INITIATE: &[u8] = &[
        0xA8, 0x26, 0x80, 0x03, 0x00, 0xFD, 0xE8, 0x81, 0x01, 0x05, 0x82, 0x01, 0x05, 0x83, 0x01,
        0x0A, 0xA4, 0x16, 0x80, 0x01, 0x01, 0x81, 0x03, 0x05, 0xF1, 0x00, 0x82, 0x0C, 0x03, 0xEE,
        0x1C, 0x00, 0x00, 0x04, 0x08, 0x00, 0x00, 0x79, 0xEF, 0x18,
    ];
    const INITIATE_RESPONSE: &[u8] = &[0xA9, 0x03, 0x80, 0x01, 0x05];

    /// Owned form of an event, for comparisons.
    fn owned(event: IsoEvent<'_>) -> IsoEvent<'static> {
        event.map_payload(|p| Cow::Owned(p.into_owned()))
    }

    /// Splits `bytes` into TPKT frames and feeds them to `handle`, collecting the events.
    fn deliver(
        bytes: &[u8],
        mut handle: impl FnMut(&[u8]) -> Result<Option<IsoEvent<'_>>, OsiError>,
    ) -> Vec<IsoEvent<'static>> {
        let mut framer = tpkt::Framer::new(tpkt::MAX_FRAME);
        framer.push(bytes);
        let mut events = Vec::new();
        while let Some(frame) = framer.next_frame().unwrap() {
            if let Some(event) = handle(frame).unwrap() {
                events.push(owned(event));
            }
        }
        assert_eq!(framer.buffered(), 0);
        events
    }

    fn to_server(server: &mut IsoServer, bytes: &[u8]) -> Vec<IsoEvent<'static>> {
        deliver(bytes, |f| server.handle_frame(f))
    }

    fn to_client(client: &mut IsoClient, bytes: &[u8]) -> Vec<IsoEvent<'static>> {
        deliver(bytes, |f| client.handle_frame(f))
    }

    /// Connects and associates a client and a server; returns both.
    fn associated(client_params: IsoParams, server_params: IsoParams) -> (IsoClient, IsoServer) {
        let (mut client, mut server) =
            (IsoClient::new(client_params), IsoServer::new(server_params));
        let mut out = Vec::new();
        client.connect_request(&mut out);
        assert_eq!(
            to_server(&mut server, &out),
            [IsoEvent::TransportConnectRequest]
        );
        out.clear();
        server.accept_transport(&mut out);
        assert_eq!(to_client(&mut client, &out), [IsoEvent::TransportConnected]);
        out.clear();
        client.associate(INITIATE, &mut out);
        let password = client.params.password.clone();
        assert_eq!(
            to_server(&mut server, &out),
            [IsoEvent::AssociateRequest {
                user_data: Cow::Borrowed(INITIATE),
                password,
                calling_ap_title: client.params.local_ap_title.clone(),
                calling_ae_qualifier: client.params.local_ae_qualifier.map(i64::from),
            }]
        );
        out.clear();
        server.accept_association(INITIATE_RESPONSE, &mut out);
        assert_eq!(
            to_client(&mut client, &out),
            [IsoEvent::Associated {
                user_data: Cow::Borrowed(INITIATE_RESPONSE)
            }]
        );
        assert!(client.is_associated());
        (client, server)
    }

    #[test]
    fn connect_request_bytes() {
        let mut out = Vec::new();
        IsoClient::new(IsoParams::default()).connect_request(&mut out);
        assert_eq!(
            out,
            [
                0x03, 0x00, 0x00, 0x16, 0x11, 0xE0, 0x00, 0x00, 0x00, 0x01, 0x00, 0xC0, 0x01, 0x0D,
                0xC2, 0x02, 0x00, 0x01, 0xC1, 0x02, 0x00, 0x01
            ]
        );
    }

    #[test]
    fn associate_exchange_release() {
        let (mut client, mut server) = associated(IsoParams::default(), IsoParams::default());
        let mut out = Vec::new();
        // 20000 octets need three 8192-octet TPDUs.
        let big: Vec<u8> = (0..20_000u32).map(|i| i as u8).collect();
        client.send_data(&big, &mut out);
        assert_eq!(
            to_server(&mut server, &out),
            [IsoEvent::Data(Cow::Owned(big))]
        );
        out.clear();
        server.send_data(&[0xA1, 0x00], &mut out);
        let frame = &out[tpkt::HEADER_LEN..];
        assert_eq!(
            client.handle_frame(frame),
            Ok(Some(IsoEvent::Data(Cow::Borrowed(&[0xA1, 0x00][..]))))
        );
        out.clear();
        client.release_request(&mut out);
        assert_eq!(to_server(&mut server, &out), [IsoEvent::ReleaseRequest]);
        out.clear();
        server.release_response(&mut out);
        assert_eq!(to_client(&mut client, &out), [IsoEvent::ReleaseResponse]);
        assert!(!client.is_associated());
    }

    #[test]
    fn small_tpdu_size_is_negotiated() {
        let server_params = IsoParams {
            max_tpdu_size: 128,
            ..IsoParams::default()
        };
        let params = IsoParams {
            password: Some(b"top secret".to_vec()),
            ..IsoParams::default()
        };
        let (mut client, mut server) = associated(params, server_params);
        let mut out = Vec::new();
        client.send_data(&[0x55; 300], &mut out);
        // 125 octets of TSDU per TPDU: 300 octets and 19 of headers need three frames.
        assert_eq!(out.len(), 319 + 3 * 7);
        assert_eq!(
            to_server(&mut server, &out),
            [IsoEvent::Data(Cow::Owned(vec![0x55; 300]))]
        );
    }

    #[test]
    fn refused_association() {
        let params = IsoParams {
            password: Some(b"wrong".to_vec()),
            ..IsoParams::default()
        };
        let (mut client, mut server) =
            (IsoClient::new(params), IsoServer::new(IsoParams::default()));
        let mut out = Vec::new();
        client.connect_request(&mut out);
        to_server(&mut server, &out);
        out.clear();
        server.accept_transport(&mut out);
        to_client(&mut client, &out);
        out.clear();
        client.associate(INITIATE, &mut out);
        to_server(&mut server, &out);
        out.clear();
        server.refuse_association(&mut out);
        assert_eq!(
            to_client(&mut client, &out),
            [IsoEvent::AssociationRejected { reason: 1 }]
        );
    }

    #[test]
    fn aborts_both_ways() {
        let (mut client, mut server) = associated(IsoParams::default(), IsoParams::default());
        let mut out = Vec::new();
        client.abort(&mut out);
        assert_eq!(to_server(&mut server, &out), [IsoEvent::Aborted]);
        let (mut client, mut server) = associated(IsoParams::default(), IsoParams::default());
        out.clear();
        server.abort(&mut out);
        assert_eq!(to_client(&mut client, &out), [IsoEvent::Aborted]);
    }

    #[test]
    fn hand_written_frames() {
        let mut client = IsoClient::new(IsoParams::default());
        client.connect_request(&mut Vec::new());
        // CC without a TPDU size parameter: the class 0 default of 128 applies.
        assert_eq!(
            client.handle_frame(&[0x06, 0xD0, 0x00, 0x01, 0x00, 0x02, 0x00]),
            Ok(Some(IsoEvent::TransportConnected))
        );
        assert_eq!(client.transport.tpdu_size, 128);
        client.state = ClientState::Associated;
        let data = [
            0x02, 0xF0, 0x80, 0x01, 0x00, 0x01, 0x00, 0x61, 0x09, 0x30, 0x07, 0x02, 0x01, 0x03,
            0xA0, 0x02, 0xA1, 0x00,
        ];
        assert_eq!(
            client.handle_frame(&data),
            Ok(Some(IsoEvent::Data(Cow::Borrowed(&[0xA1, 0x00][..]))))
        );
        assert_eq!(
            client.handle_frame(&[0x06, 0x80, 0x00, 0x01, 0x00, 0x02, 0x00]),
            Ok(Some(IsoEvent::Disconnected))
        );
        let mut server = IsoServer::new(IsoParams::default());
        assert_eq!(
            server.handle_frame(&[0x06, 0xE0, 0x00, 0x00, 0x00, 0x05, 0x00]),
            Ok(Some(IsoEvent::TransportConnectRequest))
        );
        let mut out = Vec::new();
        server.accept_transport(&mut out);
        assert_eq!(
            out,
            [0x03, 0x00, 0x00, 0x0E, 0x09, 0xD0, 0x00, 0x05, 0x00, 0x01, 0x00, 0xC0, 0x01, 0x07]
        );
    }

    #[test]
    fn rejects_out_of_state_and_hostile_frames() {
        let mut client = IsoClient::new(IsoParams::default());
        assert_eq!(
            client.handle_frame(&[0x02, 0xF0, 0x80, 0x01, 0x00, 0x01, 0x00]),
            Err(OsiError::Unexpected("data before connection"))
        );
        assert_eq!(
            client.handle_frame(&[0x06, 0xD0, 0x00, 0x01, 0x00, 0x02, 0x00]),
            Err(OsiError::Unexpected("COTP connection confirm"))
        );
        assert_eq!(
            client.handle_frame(&[0x04, 0x70, 0x00, 0x01, 0x03]),
            Err(OsiError::TransportErrorReceived(3))
        );
        assert_eq!(
            client.handle_frame(&[]),
            Err(OsiError::Cotp(CotpError::Truncated))
        );

        // Reassembly beyond the configured message size is refused.
        let params = IsoParams {
            max_message_size: 1000,
            ..IsoParams::default()
        };
        let (_, mut server) = associated(IsoParams::default(), params);
        let mut out = Vec::new();
        let mut sender = IsoClient::new(IsoParams::default());
        sender.transport.tpdu_size = 8192;
        sender
            .transport
            .send(&mut out, |o| o.extend_from_slice(&[0; 9000]));
        let mut framer = tpkt::Framer::new(tpkt::MAX_FRAME);
        framer.push(&out);
        let first = framer.next_frame().unwrap().unwrap().to_vec();
        assert_eq!(
            server.handle_frame(&first),
            Err(OsiError::Cotp(CotpError::MessageTooLarge(1000)))
        );
    }

    #[test]
    fn truncated_and_corrupted_association_never_panics() {
        let mut client = IsoClient::new(IsoParams::default());
        client.transport.tpdu_size = 8192;
        let mut out = Vec::new();
        client.associate(INITIATE, &mut out);
        assert_eq!(usize::from(out[3]), out.len());
        let frame = out[tpkt::HEADER_LEN..].to_vec();
        for len in 0..frame.len() {
            let mut server = IsoServer::new(IsoParams::default());
            server.resp.state = ServerState::WaitAssociate;
            let r = server.handle_frame(&frame[..len]);
            assert!(r.is_err(), "{len}: {r:?}");
        }
        for i in 0..frame.len() {
            for flip in [0x01u8, 0x80, 0xFF] {
                let mut bad = frame.clone();
                bad[i] ^= flip;
                let mut server = IsoServer::new(IsoParams::default());
                server.resp.state = ServerState::WaitAssociate;
                let _ = server.handle_frame(&bad);
            }
        }
    }
}
