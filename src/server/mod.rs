//! The server (responder) side: the MMS association state machine for now; the IED
//! server, its dispatcher and engines build on it.

pub mod protocol;
