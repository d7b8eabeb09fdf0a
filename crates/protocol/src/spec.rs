//! What a tool is: its typed definition ([`Tool`]) and the facts a client sees before
//! calling one ([`ToolSpec`]), with the JSON Schemas of its arguments and result.

use schemars::{JsonSchema, Schema, generate::SchemaSettings};

use serde::Serialize;
use serde::de::DeserializeOwned;

/// The credential scope a tool needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToolScope {
    /// Any valid token may call the tool.
    Read,
    /// The token must carry the write scope (`read write` PAT, `mcp:write` OAuth).
    Write,
}

impl ToolScope {
    pub fn as_str(self) -> &'static str {
        match self {
            ToolScope::Read => "read",
            ToolScope::Write => "write",
        }
    }
}

/// One tool of the contract.
#[derive(Debug, Clone)]
pub struct ToolSpec {
    pub name: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    pub scope: ToolScope,
    /// `readOnlyHint`: the tool changes nothing.
    pub read_only: bool,
    /// `idempotentHint`: repeating the call with the same arguments changes nothing more.
    pub idempotent: bool,
    /// `destructiveHint`: the tool may overwrite or delete data.
    pub destructive: bool,
    /// `openWorldHint`: the tool reaches outside Draxis.
    pub open_world: bool,
    pub input_schema: fn() -> Schema,
    pub output_schema: fn() -> Schema,
}

/// JSON Schema (2020-12, inlined, no `$schema` noise) for a contract type.
pub fn schema_for<T: JsonSchema>() -> Schema {
    let mut settings = SchemaSettings::draft2020_12();
    settings.inline_subschemas = true;
    settings.meta_schema = None;
    let mut schema = settings.into_generator().into_root_schema_for::<T>();
    if let Some(root) = schema.as_object_mut() {
        root.values_mut().for_each(drop_numeric_formats);
    }
    schema
}

/// schemars marks Rust number types with formats such as `uint64` or `double`, which
/// JSON Schema does not define; client validators warn about each one. The bounds they
/// imply are already expressed with `minimum`.
fn drop_numeric_formats(value: &mut serde_json::Value) {
    const RUST_NUMBER_FORMATS: &[&str] = &[
        "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64", "float",
        "double",
    ];
    match value {
        serde_json::Value::Object(map) => {
            if map
                .get("format")
                .and_then(|f| f.as_str())
                .is_some_and(|f| RUST_NUMBER_FORMATS.contains(&f))
            {
                map.remove("format");
            }
            map.values_mut().for_each(drop_numeric_formats);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(drop_numeric_formats),
        _ => {}
    }
}

/// What a tool may do, as clients see it in its annotations, and the scope it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hints {
    pub scope: ToolScope,
    /// `readOnlyHint`: the tool changes nothing.
    pub read_only: bool,
    /// `idempotentHint`: repeating the call with the same arguments changes nothing more.
    pub idempotent: bool,
    /// `destructiveHint`: the tool may overwrite or delete data.
    pub destructive: bool,
    /// `openWorldHint`: the tool reaches outside Draxis.
    pub open_world: bool,
}

impl Hints {
    /// A read tool: any token, changes nothing, same answer for the same data.
    pub const fn read() -> Self {
        Self {
            scope: ToolScope::Read,
            read_only: true,
            idempotent: true,
            destructive: false,
            open_world: false,
        }
    }

    /// A write tool: needs the write scope; neither idempotent nor open-world until said.
    pub const fn write() -> Self {
        Self {
            scope: ToolScope::Write,
            read_only: false,
            idempotent: false,
            destructive: false,
            open_world: false,
        }
    }

    /// Repeating the call changes nothing more.
    pub const fn idempotent(self) -> Self {
        Self {
            idempotent: true,
            ..self
        }
    }

    /// The tool reaches outside Draxis.
    pub const fn open_world(self) -> Self {
        Self {
            open_world: true,
            ..self
        }
    }
}

/// One tool of the contract, as a type: its name and descriptions, what it may do, and
/// the types of its arguments and result. Every layer serves a tool through this type.
pub trait Tool: 'static {
    /// The arguments, as the client sends them (unknown fields refused).
    type Args: DeserializeOwned + JsonSchema + Send;
    /// The result, as `structuredContent`.
    type Output: Serialize + JsonSchema + Send;
    const NAME: &'static str;
    const TITLE: &'static str;
    const DESCRIPTION: &'static str;
    const HINTS: Hints;
}

impl ToolSpec {
    /// The catalog entry of a tool type.
    pub const fn of<T: Tool>() -> Self {
        Self {
            name: T::NAME,
            title: T::TITLE,
            description: T::DESCRIPTION,
            scope: T::HINTS.scope,
            read_only: T::HINTS.read_only,
            idempotent: T::HINTS.idempotent,
            destructive: T::HINTS.destructive,
            open_world: T::HINTS.open_world,
            input_schema: schema_for::<T::Args>,
            output_schema: schema_for::<T::Output>,
        }
    }
}
