//! The JSON-RPC envelope of a POST to `/api/mcp`, checked before rmcp sees it, so every
//! malformed message gets HTTP 400 and the JSON-RPC error that names its problem:
//! `-32700` for a body that is not JSON (or repeats a key in an object), `-32600` for a
//! batch (MCP sends one message per request), a `jsonrpc` other than "2.0", an id that is
//! not a string or integer, a method that is not a string, or params that are not an
//! object; then `-32601` (HTTP 200) for a request this server does not answer and
//! `-32602` for params not of the method's shape, each with a sentence rather than rmcp's
//! bare method name. A message that passes goes on to rmcp byte for byte.

use std::collections::HashSet;
use std::fmt;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{Method, StatusCode};
use http_body_util::BodyExt;
use rmcp::model::{CallToolRequest, InitializeRequest, ListToolsRequest};
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value, json};

/// JSON-RPC: the body is not JSON.
const PARSE_ERROR: i64 = -32700;
/// JSON-RPC: the JSON is not a valid request object.
const INVALID_REQUEST: i64 = -32600;
/// JSON-RPC: the server does not answer this method.
const METHOD_NOT_FOUND: i64 = -32601;
/// JSON-RPC: the method's params are not of its shape.
const INVALID_PARAMS: i64 = -32602;

/// The requests this server answers (it declares tools only); anything else gets
/// `-32601` and this list rather than rmcp's bare method name. `server/discover` and
/// `subscriptions/listen` are how 2026-07-28 clients find the server and listen to it
/// (the Python SDK's `mode="auto"` probes `server/discover` first).
const SERVED: [&str; 6] = [
    "server/discover",
    "initialize",
    "ping",
    "tools/list",
    "tools/call",
    "subscriptions/listen",
];

/// Why a message is refused: its JSON-RPC code, the id to answer (if it had a usable
/// one) and a sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct EnvelopeError {
    pub code: i64,
    pub id: Value,
    pub message: String,
}

impl EnvelopeError {
    fn invalid(id: &Value, message: impl Into<String>) -> Self {
        Self {
            code: INVALID_REQUEST,
            id: id.clone(),
            message: message.into(),
        }
    }

    fn into_response(self) -> Response {
        // A message that cannot be read is an HTTP error; an unserved method or
        // ill-shaped params is a JSON-RPC answer to a readable request.
        let status = if matches!(self.code, PARSE_ERROR | INVALID_REQUEST) {
            StatusCode::BAD_REQUEST
        } else {
            StatusCode::OK
        };
        let body = json!({
            "jsonrpc": "2.0",
            "id": self.id,
            "error": { "code": self.code, "message": self.message },
        });
        (status, axum::Json(body)).into_response()
    }
}

/// Checks one JSON-RPC message as MCP sends it; `Ok` when rmcp may have it.
pub fn check_message(body: &[u8]) -> Result<(), EnvelopeError> {
    let value = serde_json::from_slice::<Strict>(body)
        .map_err(|e| EnvelopeError {
            code: PARSE_ERROR,
            id: Value::Null,
            message: format!("the body is not a JSON-RPC message: {e}"),
        })?
        .0;
    let message = match value {
        Value::Object(message) => message,
        Value::Array(_) => {
            return Err(EnvelopeError::invalid(
                &Value::Null,
                "batches are not accepted: send one JSON-RPC message per request",
            ));
        }
        _ => {
            return Err(EnvelopeError::invalid(
                &Value::Null,
                "a JSON-RPC message is a JSON object",
            ));
        }
    };
    let id = match message.get("id") {
        None => Value::Null,
        Some(id @ Value::String(_)) => id.clone(),
        Some(id @ Value::Number(n)) if n.is_i64() || n.is_u64() => id.clone(),
        Some(_) => {
            return Err(EnvelopeError::invalid(
                &Value::Null,
                "id must be a string or an integer",
            ));
        }
    };
    check_fields(&message, &id)?;
    check_request(&message, &id)
}

/// A request (a method with an id) for a method this server answers, with params of
/// that method's shape as rmcp reads them.
fn check_request(message: &Map<String, Value>, id: &Value) -> Result<(), EnvelopeError> {
    let (Some(Value::String(method)), true) = (message.get("method"), message.contains_key("id"))
    else {
        return Ok(());
    };
    if !SERVED.contains(&method.as_str()) {
        return Err(EnvelopeError {
            code: METHOD_NOT_FOUND,
            id: id.clone(),
            message: format!(
                "method not found: this server answers {} (it offers tools only), not {:?}",
                SERVED.join(", "),
                method.chars().take(80).collect::<String>()
            ),
        });
    }
    let typed = json!({ "method": method, "params": message.get("params") });
    let problem = match method.as_str() {
        "tools/call" => serde_json::from_value::<CallToolRequest>(typed).err(),
        "initialize" => serde_json::from_value::<InitializeRequest>(typed).err(),
        "tools/list" if message.contains_key("params") => {
            serde_json::from_value::<ListToolsRequest>(typed).err()
        }
        _ => None,
    };
    match problem {
        None => Ok(()),
        Some(problem) => Err(EnvelopeError {
            code: INVALID_PARAMS,
            id: id.clone(),
            message: format!("the params of {method} are not of its shape: {problem}"),
        }),
    }
}

fn check_fields(message: &Map<String, Value>, id: &Value) -> Result<(), EnvelopeError> {
    if message.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
        return Err(EnvelopeError::invalid(id, "jsonrpc must be \"2.0\""));
    }
    match message.get("method") {
        Some(Value::String(_)) => {}
        Some(_) => return Err(EnvelopeError::invalid(id, "method must be a string")),
        // A response to the server's own request: result or error, with an id.
        None if message.contains_key("id")
            && (message.contains_key("result") || message.contains_key("error")) => {}
        None => {
            return Err(EnvelopeError::invalid(
                id,
                "the message has no method: a request or notification names its method",
            ));
        }
    }
    match message.get("params") {
        None | Some(Value::Object(_)) => Ok(()),
        Some(Value::Null) => Err(EnvelopeError::invalid(
            id,
            "params must be an object or left out, not null",
        )),
        Some(_) => Err(EnvelopeError::invalid(id, "params must be an object")),
    }
}

/// Axum middleware: refuses a POST whose body fails [`check_message`]; `max_body_bytes`
/// bounds what is read.
pub(crate) async fn check_envelope(
    State(max_body_bytes): State<usize>,
    request: Request,
    next: Next,
) -> Response {
    if request.method() != Method::POST {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let bytes = match http_body_util::Limited::new(body, max_body_bytes)
        .collect()
        .await
    {
        Ok(collected) => collected.to_bytes(),
        Err(_) => {
            return (
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("request body is larger than {max_body_bytes} bytes"),
            )
                .into_response();
        }
    };
    if let Err(refusal) = check_message(&bytes) {
        tracing::debug!(code = refusal.code, reason = %refusal.message, "malformed JSON-RPC refused");
        return refusal.into_response();
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// A JSON value read with one rule more than `serde_json::Value`: an object may not
/// repeat a key.
struct Strict(Value);

impl<'de> Deserialize<'de> for Strict {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(StrictVisitor).map(Strict)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Strict(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        let mut seen = HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            if !seen.insert(key.clone()) {
                return Err(de::Error::custom(format_args!(
                    "the key `{key}` appears twice in one object"
                )));
            }
            let Strict(value) = map.next_value()?;
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(body: &str) -> Option<i64> {
        check_message(body.as_bytes()).err().map(|e| e.code)
    }

    #[test]
    fn well_formed_messages_pass() {
        for good in [
            r#"{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}}"#,
            r#"{"jsonrpc":"2.0","id":"a","method":"ping"}"#,
            r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#,
            r#"{"jsonrpc":"2.0","id":7,"result":{}}"#,
            r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"x","arguments":{"a":[{"b":1},{"b":2}]}}}"#,
        ] {
            assert_eq!(code(good), None, "{good}");
        }
    }

    #[test]
    fn each_malformed_message_gets_its_own_error() {
        assert_eq!(code("{not json"), Some(PARSE_ERROR));
        assert_eq!(code(""), Some(PARSE_ERROR));
        for bad in [
            r#"[{"jsonrpc":"2.0","id":1,"method":"ping"}]"#,
            r#""ping""#,
            r#"{"jsonrpc":"1.0","id":1,"method":"ping"}"#,
            r#"{"id":1,"method":"ping"}"#,
            r#"{"jsonrpc":"2.0","id":{},"method":"ping"}"#,
            r#"{"jsonrpc":"2.0","id":1.5,"method":"ping"}"#,
            r#"{"jsonrpc":"2.0","id":null,"method":"ping"}"#,
            r#"{"jsonrpc":"2.0","id":1,"method":7}"#,
            r#"{"jsonrpc":"2.0","id":1}"#,
            r#"{"jsonrpc":"2.0","id":1,"method":"ping","params":null}"#,
            r#"{"jsonrpc":"2.0","id":1,"method":"ping","params":[1]}"#,
        ] {
            assert_eq!(code(bad), Some(INVALID_REQUEST), "{bad}");
        }
        let repeated =
            r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"a","name":"b"}}"#;
        let error = check_message(repeated.as_bytes()).unwrap_err();
        assert!(error.message.contains("`name` appears twice"), "{error:?}");
        let refused = check_message(br#"{"jsonrpc":"2.0","id":"r","method":"x","params":null}"#);
        assert_eq!(refused.unwrap_err().id, json!("r"));
    }

    #[test]
    fn unserved_methods_and_ill_shaped_params_get_a_sentence() {
        for method in [
            "prompts/list",
            "logging/setLevel",
            "notifications/initialized",
            r"x\u0000",
        ] {
            let body = format!(r#"{{"jsonrpc":"2.0","id":3,"method":"{method}"}}"#);
            let error = check_message(body.as_bytes()).unwrap_err();
            assert_eq!(error.code, METHOD_NOT_FOUND, "{method}");
            assert!(error.message.contains("tools/call"), "{error:?}");
            assert_eq!(error.id, json!(3));
        }
        for params in [
            r#"{"name":"list_kris","arguments":[1]}"#,
            r#"{"arguments":{}}"#,
            "{}",
        ] {
            let body =
                format!(r#"{{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{params}}}"#);
            let error = check_message(body.as_bytes()).unwrap_err();
            assert_eq!(error.code, INVALID_PARAMS, "{params}");
            assert!(
                error.message.starts_with("the params of tools/call"),
                "{error:?}"
            );
        }
        // How 2026-07-28 clients find the server passes to rmcp (the Python SDK's
        // mode="auto" fell back to the old handshake when this was refused).
        assert_eq!(
            code(r#"{"jsonrpc":"2.0","id":5,"method":"server/discover","params":{}}"#),
            None
        );
        // Notifications of any method pass: they get no answer.
        assert_eq!(
            code(r#"{"jsonrpc":"2.0","method":"notifications/whatever"}"#),
            None
        );
    }
}
