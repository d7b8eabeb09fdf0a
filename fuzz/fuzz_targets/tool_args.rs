//! Fuzz target `tool_args`: see [`draxis_fuzz::tool_args`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| draxis_fuzz::tool_args(data));
