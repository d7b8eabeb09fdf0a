//! draxis-server
fn main() {}
