//! libFuzzer entry point for [`rs61850_fuzz::server_protocol`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| rs61850_fuzz::server_protocol(data));
