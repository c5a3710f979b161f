//! libFuzzer entry point for [`rs61850_fuzz::cotp`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| rs61850_fuzz::cotp(data));
