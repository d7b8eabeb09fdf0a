//! The tables the corpus is generated from: hostile JSON values, hostile strings and
//! forged list cursors.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

/// Text no field should choke on: control characters, NUL, bidi overrides, a byte-order
/// mark, combining marks, astral characters, markup, SQL, very long text.
pub(crate) fn hostile_strings() -> Vec<(&'static str, String)> {
    vec![
        ("empty", String::new()),
        ("spaces", "   ".into()),
        ("nul", "a\u{0}b".into()),
        (
            "controls",
            "\u{1}\u{7}\u{8}\u{1b}[31mred\u{1b}[0m\r\nINFO forged".into(),
        ),
        ("bidi", "\u{202e}gnp.exe\u{2066}".into()),
        ("bom", "\u{feff}x".into()),
        ("combining", format!("e{}", "\u{301}".repeat(2_000))),
        ("astral", "😀𝕏\u{10ffff}".into()),
        ("markup", "<script>alert(1)</script>\"'&".into()),
        ("sql", "x'; DROP TABLE kris; --".into()),
        ("path", "../../../../etc/passwd".into()),
        ("long", "é".repeat(70_000)),
    ]
}

/// A value of each JSON shape, and the edges of numbers.
pub(crate) fn hostile_values() -> Vec<(String, Value)> {
    let mut values: Vec<(String, Value)> = vec![
        ("null".into(), Value::Null),
        ("true".into(), json!(true)),
        ("zero".into(), json!(0)),
        ("negative".into(), json!(-1)),
        ("fraction".into(), json!(0.5)),
        ("i64-max".into(), json!(i64::MAX)),
        ("u64-max".into(), json!(u64::MAX)),
        ("i64-min".into(), json!(i64::MIN)),
        ("f64-max".into(), json!(f64::MAX)),
        ("tiny".into(), json!(5e-324)),
        ("array".into(), json!([1, "a", null])),
        ("object".into(), json!({"a": {"b": []}})),
        ("nested".into(), nested(64)),
    ];
    for (name, text) in hostile_strings() {
        values.push((format!("string {name}"), Value::String(text)));
    }
    values
}

/// Arrays nested `depth` deep.
pub(crate) fn nested(depth: usize) -> Value {
    (0..depth).fold(json!(1), |inner, _| json!([inner]))
}

/// Cursors a client could forge: not base64, base64 of other things, the list's own shape
/// with hostile keys and positions.
pub(crate) fn forged_cursors() -> Vec<(&'static str, Value)> {
    let encode = |bytes: &[u8]| Value::String(URL_SAFE_NO_PAD.encode(bytes));
    let shape = |value: Value| encode(value.to_string().as_bytes());
    vec![
        ("not base64", json!("!!!*** not a cursor")),
        ("padded base64", json!("eyJ9=====")),
        ("base64 of binary", encode(&[0xff, 0xfe, 0x00, 0x80, 0xc3])),
        ("base64 of text", encode(b"hello")),
        ("base64 of an array", shape(json!([1, 2]))),
        ("base64 of an empty object", shape(json!({}))),
        (
            "huge position",
            shape(json!({"s": "name", "k": ["z"], "i": u64::MAX})),
        ),
        (
            "negative position",
            shape(json!({"s": "name", "k": ["z"], "i": -5})),
        ),
        (
            "unknown sort",
            shape(json!({"s": "'; DROP", "k": ["z"], "i": 1})),
        ),
        (
            "deep key",
            shape(json!({"s": "name", "k": [nested(200)], "i": 1})),
        ),
        (
            "long key",
            shape(json!({"s": "name", "k": ["x".repeat(50_000)], "i": 1})),
        ),
        (
            "nul key",
            shape(json!({"s": "name", "k": ["a\u{0}"], "i": 1})),
        ),
        ("number", json!(12)),
        ("long", Value::String("A".repeat(200_000))),
    ]
}
