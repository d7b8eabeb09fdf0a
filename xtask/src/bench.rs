//! `cargo xtask bench-mcp` (filled in below).
use std::path::Path;
pub fn run(_root: &Path, _seconds: u32, _connections: u32) -> anyhow::Result<()> {
    anyhow::bail!("not yet")
}
