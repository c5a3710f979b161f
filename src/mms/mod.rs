//! MMS (ISO 9506): values, the Data codec and the PDUs a client exchanges.
//!
//! [`pdu`] is the PDU envelope; each service has a module of its own holding its request
//! and response codecs, built on the shared pieces ([`common`], [`object_name`], [`access`]);
//! no module below [`pdu`] depends on it.

pub mod access;
pub mod common;
pub mod data;
pub mod file;
pub mod get_name_list;
pub mod identify;
pub mod information_report;
pub mod initiate;
pub mod journal;
pub mod named_variable_list;
pub mod object_name;
pub mod pdu;
pub mod read;
pub mod storage;
#[cfg(test)]
mod testing;
pub mod type_spec;
pub mod value;
pub mod variable_access_attributes;
pub mod write;

pub use value::MmsValue;
