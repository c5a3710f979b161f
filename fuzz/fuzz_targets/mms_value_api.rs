//! libFuzzer entry point for [`rs61850_fuzz::mms_value_api`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| rs61850_fuzz::mms_value_api(data));
