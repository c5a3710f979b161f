//! libFuzzer entry point for [`rs61850_fuzz::mms_pdu`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| rs61850_fuzz::mms_pdu(data));
