//! libFuzzer entry point for [`rs61850_fuzz::tpkt`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| rs61850_fuzz::tpkt(data));
