//! The IEC 61850 server: the MMS service layer over the data model index.

pub mod model;
pub mod services;
