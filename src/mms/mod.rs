//! MMS (ISO 9506): values, the Data codec and the PDUs a client exchanges.

pub mod data;
pub mod file;
pub mod journal;
pub mod pdu;
pub mod storage;
pub mod type_spec;
pub mod value;

pub use value::MmsValue;
