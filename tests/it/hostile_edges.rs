//! Hostile input at the edge: malformed JSON-RPC framing gets 400 and its JSON-RPC error,
//! a forged list cursor and an unprintable file name get a sentence, never a database
//! error.

use axum::body::Body;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use draxis_auth::Scopes;
use draxis_transport::HttpConfig;
use http::Request;
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::dropzone::{call, drop_zone_id, text};
use crate::{TestApp, json_body};

/// POSTs `body` as it is to /api/mcp.
async fn post_raw(app: &TestApp, bearer: &str, body: &str) -> (u16, Value) {
    let request = Request::post("/api/mcp")
        .header("host", "127.0.0.1:8080")
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream")
        .header("mcp-protocol-version", "2025-11-25")
        .header("authorization", bearer)
        .body(Body::from(body.to_string()))
        .unwrap();
    let response = app.app.clone().oneshot(request).await.unwrap();
    let status = response.status().as_u16();
    (status, json_body(response).await)
}

#[tokio::test]
async fn malformed_json_rpc_gets_400_and_the_error_that_names_it() {
    let app = TestApp::new(HttpConfig::default()).await;
    let (_, token) = app.token("acme", Scopes::READ).await;
    let bearer = format!("Bearer {token}");
    let cases = [
        (
            "{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\"",
            -32700,
            "not a JSON-RPC message",
        ),
        (
            r#"{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{},"params":{}}"#,
            -32700,
            "appears twice",
        ),
        (
            r#"[{"jsonrpc":"2.0","id":1,"method":"tools/list"}]"#,
            -32600,
            "batches",
        ),
        (
            r#"{"jsonrpc":"2.0","id":[1],"method":"tools/list"}"#,
            -32600,
            "id must be",
        ),
        (
            r#"{"jsonrpc":"2.0","id":1,"method":"tools/list","params":null}"#,
            -32600,
            "not null",
        ),
    ];
    for (body, code, needle) in cases {
        let (status, answer) = post_raw(&app, &bearer, body).await;
        assert_eq!(status, 400, "{body}: {answer}");
        assert_eq!(answer["error"]["code"], code, "{body}: {answer}");
        let message = answer["error"]["message"].as_str().unwrap_or_default();
        assert!(message.contains(needle), "{body}: {answer}");
    }
    // A well-formed message still reaches rmcp.
    let (status, answer) = post_raw(
        &app,
        &bearer,
        r#"{"jsonrpc":"2.0","id":"x","method":"tools/list"}"#,
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["id"], "x");
}

#[tokio::test]
async fn a_cursor_of_another_shape_is_an_argument_error() {
    let app = TestApp::new(HttpConfig::default()).await;
    let (_, token) = app.token("acme", Scopes::READ).await;
    let bearer = format!("Bearer {token}");
    for key in [
        json!([]),
        json!([1.5]),
        json!(["a", "b"]),
        json!([{"x": 1}]),
    ] {
        let forged = URL_SAFE_NO_PAD.encode(json!({"s": "name", "k": key, "i": 1}).to_string());
        let result = call(
            &app,
            &bearer,
            "get_asset_inventory",
            json!({"cursor": forged}),
        )
        .await;
        assert_eq!(result["isError"], true, "{result}");
        let sentence = text(&result);
        assert!(!sentence.contains("database"), "{sentence}");
        assert!(sentence.contains("cursor"), "{sentence}");
    }
    // The list's own cursors still page.
    let first = call(&app, &bearer, "get_asset_inventory", json!({"limit": 2})).await;
    let cursor = first["structuredContent"]["nextCursor"].clone();
    let second = call(
        &app,
        &bearer,
        "get_asset_inventory",
        json!({"limit": 2, "cursor": cursor}),
    )
    .await;
    assert_eq!(second["isError"], false, "{second}");
}

#[tokio::test]
async fn a_file_name_with_control_characters_or_too_long_is_refused() {
    let app = TestApp::new(HttpConfig::default()).await;
    let (_, token) = app.token("acme", Scopes::READ_WRITE).await;
    let bearer = format!("Bearer {token}");
    let zone = drop_zone_id(&app, &bearer, "AI Drop Zone").await;
    let long = "a".repeat(256);
    for (filename, needle) in [
        ("week\u{0}47.md", "control character"),
        ("week47.md\r\nINFO forged", "control character"),
        (long.as_str(), "at most 255"),
    ] {
        let result = call(
            &app,
            &bearer,
            "submit_dropzone_artifact",
            json!({"integrationId": zone, "content": "Patch compliance: 91%", "filename": filename}),
        )
        .await;
        assert_eq!(result["isError"], true, "{result}");
        assert!(text(&result).contains(needle), "{}", text(&result));
    }
}
