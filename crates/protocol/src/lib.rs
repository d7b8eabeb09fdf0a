//! The Draxis MCP tool contract: every tool's name, description, scope, annotations,
//! argument type and result type. Pure data: no IO, no JSON-RPC, no MCP library.
//!
//! The transport turns [`ToolSpec`]s into MCP tool definitions; `cargo xtask codegen`
//! turns them into `docs/tools.md` and `docs/schemas/*.json`. Change a tool here and
//! both follow.

pub mod catalog;
pub mod types;

pub use catalog::{ToolScope, ToolSpec, tool, tools};
