//! The server data model: safe walks over libiec61850's C model structs (declared in
//! `ffi::iec61850_model`, the header they belong to) and the config-file format.

pub mod cdc;
pub mod config_file;
pub mod graph;
pub mod tree;
