//! The OSI stack below MMS: RFC 1006 TPKT, ISO 8073 COTP class 0, ISO 8327 session,
//! ISO 8823 presentation and ACSE, all sans-I/O.

pub mod acse;
pub mod cotp;
pub mod presentation;
pub mod session;
mod stack;
pub mod tpkt;

pub use stack::{
    next_event, IsoClient, IsoEvent, IsoParams, IsoServer, NextEvent, OsiError, OSI_OVERHEAD,
};
