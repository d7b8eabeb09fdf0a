//! Fuzz target `pat`: see [`draxis_fuzz::pat`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| draxis_fuzz::pat(data));
