//! draxis-admin
fn main() {}
