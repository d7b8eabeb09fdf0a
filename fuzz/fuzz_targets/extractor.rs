//! Fuzz target `extractor`: see [`draxis_fuzz::extractor`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| draxis_fuzz::extractor(data));
