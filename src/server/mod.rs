//! The server (responder) side, sans-I/O so far: the MMS association state machine
//! (`protocol`) and the MMS services over an index of the data model (`model`,
//! `services`); the IED server, its reactor glue and engines build on them.

pub mod model;
pub mod protocol;
pub mod services;
