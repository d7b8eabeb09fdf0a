//! Fuzz target `cursor`: see [`draxis_fuzz::cursor`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| draxis_fuzz::cursor(data));
