//! rs61850: an IEC 61850 / MMS client whose C ABI is that of libiec61850 1.6.1.
//!
//! Layers, each depending only on those below it:
//! `ffi` (C ABI) → `client` (connections) → `iec61850` (ACSI over MMS) → `mms` (ISO 9506)
//! → `osi` (RFC 1006 .. ACSE) → `ber`; `io` drives connections with one mio reactor.

pub mod ber;
pub mod client;
pub mod ffi;
pub mod hal;
pub mod iec61850;
pub mod io;
pub mod mms;
pub mod model;
pub mod osi;
pub mod server;
#[cfg(test)]
mod test_util;
