//! Fuzz target `oauth_params`: see [`draxis_fuzz::oauth_params`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| draxis_fuzz::oauth_params(data));
