//! The server (responder) side: the MMS association state machine (`protocol`) and the
//! MMS services over an index of the data model (`model`, `services`), both sans-I/O, and
//! the IED server's listener and connections on the shared reactor (`runtime`); the
//! settings copied from the configuration (`config`) and the functionally constrained data
//! lent to the application (`fc_data`).

pub mod access;
pub mod config;
pub mod control;
pub mod fc_data;
pub mod model;
pub mod protocol;
pub mod reporting;
pub mod runtime;
pub mod services;
