//! libFuzzer entry point for [`rs61850_fuzz::config_file`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| rs61850_fuzz::config_file(data));
