//! The Draxis MCP tool contract: every tool's name, description, scope, annotations,
//! argument type and result type. Pure data: no IO, no JSON-RPC, no MCP library.
//!
//! Each tool is one type implementing [`Tool`] in its own module of [`tools`], listed once
//! in [`with_every_tool!`]. The transport turns the catalog ([`tools()`]) into MCP tool
//! definitions and a dispatch table; `cargo xtask codegen` turns it into `docs/tools.md`
//! and `docs/schemas/*.json`. Change a tool here and all of them follow.

pub mod catalog;
pub mod spec;
pub mod tools;
pub mod types;
pub mod wire;

pub use catalog::{tool, tools};
pub use spec::{Hints, Tool, ToolScope, ToolSpec};
