//! `/api/mcp` at the framing level: every header the transport reads, missing, doubled,
//! wrong, non-ASCII and huge; other methods and paths; JSON-RPC envelopes with each field
//! removed or replaced by each hostile value; raw bodies that are not JSON-RPC at all.

use serde_json::{Value, json};

use super::values::{hostile_values, nested};
use super::{Keys, Probe, h, request};

const PATH: &str = "/api/mcp";

fn base_headers(bearer: &str) -> Vec<(String, Vec<u8>)> {
    h(&[
        ("host", "127.0.0.1:8080"),
        ("content-type", "application/json"),
        ("accept", "application/json, text/event-stream"),
        ("mcp-protocol-version", "2025-11-25"),
        ("authorization", bearer),
    ])
}

/// A POST to /api/mcp with the usual headers and `body`.
pub(crate) fn mcp_post(label: String, keys: &Keys, body: impl Into<Vec<u8>>) -> Probe {
    Probe {
        label,
        request: request("POST", PATH, &base_headers(&keys.bearer), body.into()),
    }
}

fn list() -> String {
    json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list"}).to_string()
}

/// Bad values for each header the MCP transport reads.
fn bad_header_values(keys: &Keys) -> Vec<(&'static str, Vec<Vec<u8>>)> {
    let token = keys.bearer.trim_start_matches("Bearer ");
    let huge = |prefix: &str| format!("{prefix}{}", "A".repeat(64 * 1024)).into_bytes();
    let texts = |values: &[&str]| values.iter().map(|v| v.as_bytes().to_vec()).collect();
    let mut table: Vec<(&'static str, Vec<Vec<u8>>)> = vec![
        (
            "accept",
            texts(&[
                "",
                "text/html",
                "application/json",
                "text/event-stream",
                "*/*",
                "application/json;q=0, text/event-stream;q=0",
                "💥",
                ",,,;;;=",
            ]),
        ),
        (
            "content-type",
            texts(&[
                "",
                "text/plain",
                "application/json; charset=utf-16",
                "application/x-www-form-urlencoded",
                "multipart/form-data; boundary=x",
                "application/jsonx",
                "application/json; charset=\"",
                "ü/ü",
            ]),
        ),
        (
            "mcp-protocol-version",
            texts(&[
                "",
                "1999-01-01",
                "2025-11-25x",
                "latest",
                "2025-11-25, 2025-06-18",
                "ü",
                "9999-99-99",
            ]),
        ),
        (
            "authorization",
            vec![
                b"".to_vec(),
                b"Bearer".to_vec(),
                b"Bearer ".to_vec(),
                format!("bearer {token}").into_bytes(),
                format!("BEARER  {token}").into_bytes(),
                b"Basic dXNlcjpwYXNz".to_vec(),
                token.as_bytes().to_vec(),
                format!("Bearer {token}x").into_bytes(),
                format!("Bearer {token} {token}").into_bytes(),
                format!("Bearer {}", &token[..token.len() / 2]).into_bytes(),
                b"Bearer drx_pat_".to_vec(),
                format!("Bearer drx_at_{}", "0".repeat(64)).into_bytes(),
                b"Bearer drx_at_zz".to_vec(),
                "Bearer drx_pat_é😀".as_bytes().to_vec(),
                b"Bearer \xff\xfe\xe9".to_vec(),
                b"Bearer\ttab".to_vec(),
                huge("Bearer "),
            ],
        ),
        (
            "mcp-session-id",
            vec![
                b"".to_vec(),
                b"abc".to_vec(),
                b"../../x".to_vec(),
                b"\xe9t\xe9".to_vec(),
                huge("s"),
            ],
        ),
        (
            "host",
            texts(&[
                "",
                "evil.example",
                "127.0.0.1:99999",
                "[::1",
                "ü.example",
                "a b",
                "127.0.0.1:8080:8080",
            ]),
        ),
        (
            "origin",
            texts(&[
                "null",
                "https://evil.example",
                "http://127.0.0.1:8080",
                "garbage",
                "http://[",
                "http://127.0.0.1:8080/path?q",
            ]),
        ),
    ];
    for (_, values) in &mut table {
        values.push(huge(""));
    }
    table
}

pub(crate) fn header_probes(keys: &Keys) -> Vec<Probe> {
    let mut probes = Vec::new();
    for (name, values) in bad_header_values(keys) {
        let without: Vec<_> = base_headers(&keys.bearer)
            .into_iter()
            .filter(|(n, _)| n != name)
            .collect();
        probes.push(Probe {
            label: format!("mcp header {name} missing"),
            request: request("POST", PATH, &without, list()),
        });
        let mut doubled = base_headers(&keys.bearer);
        if let Some(same) = doubled.iter().find(|(n, _)| n == name).cloned() {
            doubled.push(same);
        }
        probes.push(Probe {
            label: format!("mcp header {name} twice"),
            request: request("POST", PATH, &doubled, list()),
        });
        for (i, value) in values.into_iter().enumerate() {
            let mut replaced = without.clone();
            replaced.push((name.to_string(), value.clone()));
            probes.push(Probe {
                label: format!("mcp header {name} bad value #{i}"),
                request: request("POST", PATH, &replaced, list()),
            });
            let mut added = base_headers(&keys.bearer);
            added.push((name.to_string(), value));
            probes.push(Probe {
                label: format!("mcp header {name} good then bad value #{i}"),
                request: request("POST", PATH, &added, list()),
            });
        }
    }
    for method in ["GET", "DELETE", "PUT", "PATCH", "OPTIONS", "HEAD"] {
        probes.push(Probe {
            label: format!("mcp method {method}"),
            request: request(method, PATH, &base_headers(&keys.bearer), ""),
        });
    }
    for path in [
        "/api/mcp/",
        "/api/mcp/x",
        "/api/mcp?x=%ff%00",
        "/api/mcp/..%2f..%2fetc",
    ] {
        probes.push(Probe {
            label: format!("mcp path {path}"),
            request: request("POST", path, &base_headers(&keys.bearer), list()),
        });
    }
    probes
}

/// Well-formed messages the envelope mutators start from.
fn base_messages() -> Vec<Value> {
    vec![
        json!({"jsonrpc": "2.0", "id": 1, "method": "ping"}),
        json!({"jsonrpc": "2.0", "id": 2, "method": "tools/list", "params": {}}),
        json!({"jsonrpc": "2.0", "id": 3, "method": "tools/call",
               "params": {"name": "list_kris", "arguments": {}}}),
        json!({"jsonrpc": "2.0", "id": 4, "method": "initialize",
               "params": {"protocolVersion": "2025-11-25", "capabilities": {},
                          "clientInfo": {"name": "corpus", "version": "1"}}}),
        json!({"jsonrpc": "2.0", "id": 5, "method": "resources/list"}),
        json!({"jsonrpc": "2.0", "id": 6, "method": "prompts/list"}),
        json!({"jsonrpc": "2.0", "id": 7, "method": "logging/setLevel",
               "params": {"level": "debug"}}),
        json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
    ]
}

pub(crate) fn envelope_probes(keys: &Keys) -> Vec<Probe> {
    let mut probes = Vec::new();
    let values: Vec<_> = hostile_values()
        .into_iter()
        .filter(|(name, _)| {
            !name.starts_with("string")
                || [
                    "string empty",
                    "string nul",
                    "string long",
                    "string controls",
                ]
                .contains(&name.as_str())
        })
        .collect();
    for base in base_messages() {
        let method = base["method"].as_str().unwrap_or_default().to_string();
        for field in ["jsonrpc", "id", "method", "params"] {
            let mut removed = base.clone();
            if removed.as_object_mut().unwrap().remove(field).is_some() {
                probes.push(mcp_post(
                    format!("envelope {method}: without {field}"),
                    keys,
                    removed.to_string(),
                ));
            }
            for (name, value) in &values {
                let mut replaced = base.clone();
                replaced[field] = value.clone();
                probes.push(mcp_post(
                    format!("envelope {method}: {field} = {name}"),
                    keys,
                    replaced.to_string(),
                ));
            }
        }
        let text = base.to_string();
        for cut in (1..text.len()).step_by(9) {
            probes.push(mcp_post(
                format!("envelope {method}: truncated at byte {cut}"),
                keys,
                text.as_bytes()[..cut].to_vec(),
            ));
        }
    }
    probes.extend(
        raw_bodies()
            .into_iter()
            .map(|(name, body)| mcp_post(format!("raw body: {name}"), keys, body)),
    );
    probes
}

/// Bodies that are not one JSON-RPC message: empty, scalars, garbage, other encodings,
/// extreme nesting and numbers, batches, responses, oversized.
fn raw_bodies() -> Vec<(&'static str, Vec<u8>)> {
    let ping = r#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#;
    let texts: Vec<(&'static str, String)> = vec![
        ("empty", String::new()),
        ("whitespace", " \n\t ".into()),
        ("open brace", "{".into()),
        ("json null", "null".into()),
        ("json number", "1".into()),
        ("json string", "\"ping\"".into()),
        ("empty object", "{}".into()),
        ("empty batch", "[]".into()),
        ("batch of scalars", "[1, 2]".into()),
        ("batch of pings", format!("[{}]", vec![ping; 1000].join(","))),
        ("nested batch", format!("[[{ping}]]")),
        ("byte-order mark", format!("\u{feff}{ping}")),
        ("trailing garbage", format!("{ping}x")),
        ("two messages", format!("{ping}{ping}")),
        ("lone surrogate in method", r#"{"jsonrpc":"2.0","id":1,"method":"pi\ud800ng"}"#.into()),
        ("escaped nul in method", r#"{"jsonrpc":"2.0","id":1,"method":"ping\u0000"}"#.into()),
        ("lone surrogate in arguments", r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"list_kris","arguments":{"cursor":"\udfff"}}}"#.into()),
        ("id 1e999999", r#"{"jsonrpc":"2.0","id":1e999999,"method":"ping"}"#.into()),
        ("id of 10000 digits", format!(r#"{{"jsonrpc":"2.0","id":{},"method":"ping"}}"#, "9".repeat(10_000))),
        ("id -0", r#"{"jsonrpc":"2.0","id":-0,"method":"ping"}"#.into()),
        ("params nested 100000 deep", format!(r#"{{"jsonrpc":"2.0","id":1,"method":"ping","params":{{"a":{}1{}}}}}"#, "[".repeat(100_000), "]".repeat(100_000))),
        ("objects nested 5000 deep", format!(r#"{{"jsonrpc":"2.0","id":1,"method":"ping","params":{}{}}}"#, r#"{"a":"#.repeat(5_000), "}".repeat(5_001))),
        ("params nested 100 deep", json!({"jsonrpc":"2.0","id":1,"method":"ping","params":{"a": nested(100)}}).to_string()),
        ("a response", r#"{"jsonrpc":"2.0","id":1,"result":{}}"#.into()),
        ("an error response", r#"{"jsonrpc":"2.0","id":1,"error":{"code":-1,"message":"x"}}"#.into()),
        ("notification of a tool call", r#"{"jsonrpc":"2.0","method":"tools/call","params":{"name":"list_kris"}}"#.into()),
        ("cancel of nothing", r#"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"nope"}}"#.into()),
        ("duplicate id", r#"{"jsonrpc":"2.0","id":1,"id":2,"method":"ping"}"#.into()),
        ("duplicate method", r#"{"jsonrpc":"2.0","id":1,"method":"ping","method":"tools/list"}"#.into()),
        ("many unknown keys", format!(r#"{{"jsonrpc":"2.0","id":1,"method":"ping",{}"z":0}}"#, (0..5000).map(|i| format!(r#""k{i}":{i},"#)).collect::<String>())),
        ("over the body limit", format!(r#"{{"jsonrpc":"2.0","id":1,"method":"ping","params":{{"pad":"{}"}}}}"#, "x".repeat(17 * 1024 * 1024))),
    ];
    let mut bodies: Vec<(&'static str, Vec<u8>)> = texts
        .into_iter()
        .map(|(n, t)| (n, t.into_bytes()))
        .collect();
    bodies.push(("raw 0xff bytes", vec![0xff; 64]));
    bodies.push((
        "raw nul",
        b"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"pi\0ng\"}".to_vec(),
    ));
    bodies.push((
        "latin-1 byte in a string",
        b"{\"jsonrpc\":\"2.0\",\"id\":\"caf\xe9\",\"method\":\"ping\"}".to_vec(),
    ));
    bodies.push((
        "utf-16",
        ping.encode_utf16().flat_map(u16::to_le_bytes).collect(),
    ));
    bodies
}
