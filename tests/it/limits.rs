//! Limits at the HTTP edge: small body caps on OAuth and console posts, rate limits per
//! credential and tenant on `/api/mcp` (a limited tool call is a tool result saying when
//! to retry) and per client address on sign-in and client registration.

use axum::body::Body;
use draxis_auth::Scopes;
use draxis_transport::{FORM_BODY_LIMIT, HttpConfig, Rate, RateLimits};
use http::Request;
use serde_json::json;
use tower::ServiceExt;

use crate::{TestApp, json_body};

fn no_limits() -> RateLimits {
    RateLimits {
        per_credential: None,
        per_tenant: None,
        sign_in_per_address: None,
        registration_per_address: None,
    }
}

fn with_limits(rate_limits: RateLimits) -> HttpConfig {
    HttpConfig {
        rate_limits,
        ..HttpConfig::default()
    }
}

fn tool_call(id: u64) -> serde_json::Value {
    json!({"jsonrpc": "2.0", "id": id, "method": "tools/call",
           "params": {"name": "list_kris", "arguments": {}}})
}

fn retry_after(response: &http::Response<Body>) -> u64 {
    response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn registration() -> Request<Body> {
    Request::post("/oauth/register")
        .header("content-type", "application/json")
        .body(Body::from(
            json!({"client_name": "it", "redirect_uris": ["http://localhost:1/callback"]})
                .to_string(),
        ))
        .unwrap()
}

fn sign_in_post(body: String) -> Request<Body> {
    Request::post("/login")
        .header("host", "127.0.0.1:8080")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap()
}

#[tokio::test]
async fn oauth_and_console_posts_over_the_form_cap_get_413_with_a_sentence() {
    let app = TestApp::new(with_limits(no_limits())).await;
    let oversized = "x".repeat(FORM_BODY_LIMIT + 1);
    let requests = [
        sign_in_post(format!("email={oversized}")),
        Request::post("/oauth/register")
            .header("content-type", "application/json")
            .body(Body::from(oversized.clone()))
            .unwrap(),
        Request::post("/oauth/token")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(oversized.clone()))
            .unwrap(),
    ];
    for request in requests {
        let path = request.uri().path().to_string();
        let response = app.app.clone().oneshot(request).await.unwrap();
        assert_eq!(response.status(), 413, "{path}");
        let text = json_body(response).await;
        assert!(
            text.as_str().unwrap_or_default().contains("65536 bytes"),
            "{path}: {text}"
        );
    }
    // An MCP call keeps its artifact-sized cap: this body is not refused for its size.
    let (_, token) = app.token("acme", Scopes::READ).await;
    let mut call = tool_call(1);
    call["params"]["arguments"]["padding"] = json!(oversized);
    let response = app.post(Some(&format!("Bearer {token}")), call, &[]).await;
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn a_credential_over_its_rate_gets_a_tool_error_saying_when_to_retry() {
    let app = TestApp::new(with_limits(RateLimits {
        per_credential: Rate::per_minute(10),
        ..no_limits()
    }))
    .await;
    let (_, token) = app.token("acme", Scopes::READ).await;
    let bearer = format!("Bearer {token}");
    for id in 0..10 {
        let response = app.post(Some(&bearer), tool_call(id), &[]).await;
        assert_eq!(response.status(), 200);
        assert_eq!(json_body(response).await["result"]["isError"], false);
    }
    let limited = app.post(Some(&bearer), tool_call(99), &[]).await;
    assert_eq!(limited.status(), 200);
    let wait = retry_after(&limited);
    assert!((1..=60).contains(&wait), "Retry-After {wait}");
    let body = json_body(limited).await;
    assert_eq!(body["id"], 99);
    assert_eq!(body["result"]["isError"], true);
    let text = body["result"]["content"][0]["text"].as_str().unwrap();
    assert!(text.contains(&format!("retry after {wait} s")), "{text}");

    let listing = json!({"jsonrpc": "2.0", "id": 5, "method": "tools/list", "params": {}});
    let refused = app.post(Some(&bearer), listing.clone(), &[]).await;
    assert_eq!(refused.status(), 429);
    assert!(retry_after(&refused) >= 1);

    // Another credential of the same tenant has its own allowance.
    let (_, other) = app.token("acme", Scopes::READ).await;
    let response = app
        .post(Some(&format!("Bearer {other}")), listing, &[])
        .await;
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn a_tenant_over_its_rate_is_limited_across_its_credentials() {
    let app = TestApp::new(with_limits(RateLimits {
        per_tenant: Rate::per_minute(10),
        ..no_limits()
    }))
    .await;
    let (_, first) = app.token("acme", Scopes::READ).await;
    let (_, second) = app.token("acme", Scopes::READ).await;
    for id in 0..10 {
        let token = if id % 2 == 0 { &first } else { &second };
        let response = app
            .post(Some(&format!("Bearer {token}")), tool_call(id), &[])
            .await;
        assert_eq!(json_body(response).await["result"]["isError"], false);
    }
    let limited = app
        .post(Some(&format!("Bearer {second}")), tool_call(11), &[])
        .await;
    let text = json_body(limited).await["result"]["content"][0]["text"].to_string();
    assert!(text.contains("this tenant: retry after"), "{text}");
    // Another tenant is not affected.
    let (_, globex) = app.token("globex", Scopes::READ).await;
    let response = app
        .post(Some(&format!("Bearer {globex}")), tool_call(12), &[])
        .await;
    assert_eq!(json_body(response).await["result"]["isError"], false);
}

#[tokio::test]
async fn registration_and_sign_in_floods_from_one_address_get_429() {
    let app = TestApp::new(with_limits(RateLimits {
        sign_in_per_address: Rate::per_minute(10),
        registration_per_address: Rate::per_minute(10),
        ..no_limits()
    }))
    .await;
    for _ in 0..10 {
        let response = app.app.clone().oneshot(registration()).await.unwrap();
        assert_eq!(response.status(), 201);
    }
    let refused = app.app.clone().oneshot(registration()).await.unwrap();
    assert_eq!(refused.status(), 429);
    assert!(retry_after(&refused) >= 1);
    let body = json_body(refused).await;
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains("Too many client registrations"),
        "{body}"
    );

    for _ in 0..10 {
        let response = app
            .app
            .clone()
            .oneshot(sign_in_post("email=a%40b.c&password=x".into()))
            .await
            .unwrap();
        assert_ne!(response.status(), 429);
    }
    let refused = app
        .app
        .clone()
        .oneshot(sign_in_post("email=a%40b.c&password=x".into()))
        .await
        .unwrap();
    assert_eq!(refused.status(), 429);
    let text = json_body(refused).await;
    assert!(
        text.as_str().unwrap().contains("sign-in attempts"),
        "{text}"
    );
}

fn registration_limited(
    max_unused_clients: u64,
    ttl: std::time::Duration,
) -> draxis_app::AppConfig {
    draxis_app::AppConfig {
        registration: draxis_auth::server::RegistrationLimits {
            max_unused_clients,
            unused_client_ttl: ttl,
        },
        http: with_limits(no_limits()),
        ..draxis_app::AppConfig::default()
    }
}

#[tokio::test]
async fn registration_past_the_unused_quota_is_refused_with_503_and_retry_after() {
    let app = TestApp::with_config(registration_limited(
        3,
        std::time::Duration::from_secs(3600),
    ))
    .await;
    for _ in 0..3 {
        let response = app.app.clone().oneshot(registration()).await.unwrap();
        assert_eq!(response.status(), 201);
    }
    let refused = app.app.clone().oneshot(registration()).await.unwrap();
    assert_eq!(refused.status(), 503);
    assert_eq!(retry_after(&refused), 5);
    let body = json_body(refused).await;
    assert_eq!(body["error"], "temporarily_unavailable");
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains("not yet used; try again later"),
        "{body}"
    );
}

#[tokio::test]
async fn clients_never_used_past_their_time_to_live_make_room_for_new_ones() {
    let app = TestApp::with_config(registration_limited(3, std::time::Duration::ZERO)).await;
    for _ in 0..8 {
        let response = app.app.clone().oneshot(registration()).await.unwrap();
        assert_eq!(response.status(), 201);
        tokio::time::sleep(std::time::Duration::from_millis(3)).await;
    }
}

#[tokio::test]
async fn redirect_uris_are_bounded_in_count_and_length() {
    let app = TestApp::new(with_limits(no_limits())).await;
    let register = |uris: Vec<String>| {
        Request::post("/oauth/register")
            .header("content-type", "application/json")
            .body(Body::from(
                json!({"client_name": "it", "redirect_uris": uris}).to_string(),
            ))
            .unwrap()
    };
    let long = format!("http://localhost:1/{}", "a".repeat(1000));
    let many: Vec<String> = (0..11)
        .map(|i| format!("http://localhost:{i}/cb"))
        .collect();
    let heavy: Vec<String> = (0..5)
        .map(|i| format!("http://localhost:{i}/{}", "b".repeat(450)))
        .collect();
    for (uris, expected) in [
        (vec![long], "at most 1000 bytes"),
        (many, "at most 10 redirect_uris"),
        (heavy, "together must be at most 2000 bytes"),
    ] {
        let response = app.app.clone().oneshot(register(uris)).await.unwrap();
        assert_eq!(response.status(), 400);
        let body = json_body(response).await;
        assert!(
            body["error_description"]
                .as_str()
                .unwrap()
                .contains(expected),
            "{body}"
        );
    }
}
