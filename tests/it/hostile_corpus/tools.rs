//! Every tool the server lists, called with arguments generated from its own input
//! schema: each property in turn replaced by each hostile value, the arguments as a
//! whole of the wrong shape, with unknown extras, without what is required, and every
//! cursor forged.

use serde_json::{Map, Value, json};

use super::mcp::mcp_post;
use super::values::{forged_cursors, hostile_values};
use super::{Keys, Probe};
use crate::TestApp;

/// The tools and their input schemas, as a client sees them.
async fn listed_tools(app: &TestApp, keys: &Keys) -> Vec<(String, Value)> {
    let answer = crate::json_body(
        app.post(
            Some(&keys.bearer),
            json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list"}),
            &[],
        )
        .await,
    )
    .await;
    answer["result"]["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["name"].as_str().unwrap().to_string(),
                t["inputSchema"].clone(),
            )
        })
        .collect()
}

/// The schema of a property with any `$ref` followed into `$defs`.
fn resolved<'a>(schema: &'a Value, property: &'a Value) -> &'a Value {
    let target = property
        .get("$ref")
        .or_else(|| property.pointer("/allOf/0/$ref"))
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/"))
        .map(|path| format!("/{path}"));
    target
        .and_then(|pointer| schema.pointer(&pointer))
        .unwrap_or(property)
}

/// A plausible value for a required property, so that the hostile one is what gets judged.
fn plausible(keys: &Keys, schema: &Value, name: &str, property: &Value) -> Value {
    match name {
        "integrationId" => return json!(keys.drop_zone),
        "slug" | "kriSlug" => return json!(keys.kri_slug),
        "content" => return json!("Patch compliance: 91%"),
        _ => {}
    }
    let property = resolved(schema, property);
    if let Some(first) = property["enum"].get(0) {
        return first.clone();
    }
    let kind = match &property["type"] {
        Value::Array(kinds) => kinds.first().cloned().unwrap_or(Value::Null),
        other => other.clone(),
    };
    match kind.as_str().unwrap_or("string") {
        "integer" | "number" => json!(1),
        "boolean" => json!(false),
        "array" => json!([]),
        "object" => json!({}),
        _ => json!("x"),
    }
}

pub(crate) fn tool_call(label: String, keys: &Keys, name: &str, arguments: Value) -> Probe {
    let body = json!({"jsonrpc": "2.0", "id": 9, "method": "tools/call",
                      "params": {"name": name, "arguments": arguments}});
    mcp_post(label, keys, body.to_string())
}

pub(crate) async fn tool_probes(app: &TestApp, keys: &Keys) -> Vec<Probe> {
    let mut probes = Vec::new();
    let tools = listed_tools(app, keys).await;
    assert!(tools.len() >= 10, "tools/list gave only {}", tools.len());
    for (tool, schema) in &tools {
        let properties = schema["properties"]
            .as_object()
            .cloned()
            .unwrap_or_default();
        let required: Vec<String> = schema["required"]
            .as_array()
            .map(|r| {
                r.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        let baseline: Map<String, Value> = required
            .iter()
            .map(|name| {
                let property = properties.get(name).cloned().unwrap_or(Value::Null);
                (name.clone(), plausible(keys, schema, name, &property))
            })
            .collect();
        for name in properties.keys() {
            for (value_name, value) in hostile_values() {
                let mut arguments = baseline.clone();
                arguments.insert(name.clone(), value);
                probes.push(tool_call(
                    format!("tool {tool}: {name} = {value_name}"),
                    keys,
                    tool,
                    Value::Object(arguments),
                ));
            }
            if name == "cursor" {
                for (cursor_name, cursor) in forged_cursors() {
                    let mut arguments = baseline.clone();
                    arguments.insert(name.clone(), cursor);
                    probes.push(tool_call(
                        format!("tool {tool}: forged cursor, {cursor_name}"),
                        keys,
                        tool,
                        Value::Object(arguments),
                    ));
                }
            }
        }
        for name in &required {
            let mut arguments = baseline.clone();
            arguments.remove(name);
            probes.push(tool_call(
                format!("tool {tool}: without required {name}"),
                keys,
                tool,
                Value::Object(arguments),
            ));
        }
        let mut extra = baseline.clone();
        extra.insert("unexpected".into(), json!(1));
        extra.insert("__proto__".into(), json!({"admin": true}));
        let shapes = [
            ("extra fields", Value::Object(extra)),
            ("arguments null", Value::Null),
            ("arguments an array", json!([1, 2])),
            ("arguments a string", json!("{}")),
            ("arguments a number", json!(7)),
            ("arguments nested", json!({"arguments": baseline})),
        ];
        for (shape, arguments) in shapes {
            probes.push(tool_call(
                format!("tool {tool}: {shape}"),
                keys,
                tool,
                arguments,
            ));
        }
    }
    for name in [
        "",
        "LIST_KRIS",
        "list_kris ",
        "list_kris\u{0}",
        "../list_kris",
        "é",
    ] {
        probes.push(tool_call(
            format!("unknown tool {name:?}"),
            keys,
            name,
            json!({}),
        ));
    }
    probes
}
