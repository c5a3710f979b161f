//! The IEC 61850 client: the sans-I/O association state machine and the
//! connection that drives it (reactor thread or `tick`).

pub mod connection;
pub mod files;
pub mod filestore;
pub mod protocol;

pub use connection::{Config, Connection, State};
