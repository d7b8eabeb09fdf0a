//! Fuzz target `jsonrpc_envelope`: see [`draxis_fuzz::jsonrpc_envelope`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| draxis_fuzz::jsonrpc_envelope(data));
