//! Hostile browsers and clients at the web edge (issue 14): the sign-in `next` as an
//! open redirect, foreign `Origin`s on `/api/mcp`, DNS-rebinding `Host`s on the
//! console and OAuth endpoints, hostile redirect URIs, and a used code replayed by a
//! third party.

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use draxis_auth::Scopes;
use draxis_transport::HttpConfig;
use http::Request;
use serde_json::json;

use crate::web::{get, header, login_nonce, send};
use crate::{TestApp, json_body};

/// A sign-in form post with a fresh login nonce, from `peer` when given.
pub(crate) async fn sign_in_post(
    app: &TestApp,
    email: &str,
    password: &str,
    next: &str,
    peer: Option<[u8; 4]>,
) -> http::Response<Body> {
    let (nonce, value) = login_nonce(&send(app, get("/login")).await);
    let form = serde_urlencoded::to_string([
        ("login_nonce", value.as_str()),
        ("next", next),
        ("email", email),
        ("password", password),
    ])
    .unwrap();
    let mut request = Request::post("/login")
        .header("host", "127.0.0.1:8080")
        .header("origin", "http://127.0.0.1:8080")
        .header("cookie", nonce)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(form))
        .unwrap();
    if let Some(peer) = peer {
        request
            .extensions_mut()
            .insert(ConnectInfo(SocketAddr::from((peer, 50_000))));
    }
    send(app, request).await
}

#[tokio::test]
async fn sign_in_never_redirects_off_site_nor_fails_on_a_hostile_next() {
    let app = TestApp::new(HttpConfig::default()).await;
    for (next, expected) in [
        ("/\t/evil.com", "/"),
        ("/\u{b}/x", "/"),
        ("//evil.com", "/"),
        ("/\\evil.com", "/"),
        ("https://evil.com/", "/"),
        ("/review", "/review"),
    ] {
        let response =
            sign_in_post(&app, "admin@acme.example", "draxis-demo-admin", next, None).await;
        assert_eq!(response.status(), 303, "{next:?}");
        assert_eq!(header(&response, "location"), expected, "{next:?}");
    }
    let page = send(&app, get("/login?next=/%0b/x")).await;
    assert_eq!(page.status(), 200);
}

#[tokio::test]
async fn mcp_refuses_a_foreign_browser_origin_by_default_and_says_how_to_allow_it() {
    let app = TestApp::new(HttpConfig::default()).await;
    let (_, token) = app.token("acme", Scopes::READ).await;
    let bearer = format!("Bearer {token}");
    let list = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list"});
    let foreign = app
        .post(
            Some(&bearer),
            list.clone(),
            &[("origin", "https://evil.example")],
        )
        .await;
    assert_eq!(foreign.status(), 403);
    let body = json_body(foreign).await;
    let message = body["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("https://evil.example") && message.contains("--allowed-origin"),
        "{body}"
    );
    let unauthenticated = app
        .post(None, list.clone(), &[("origin", "https://evil.example")])
        .await;
    assert_eq!(unauthenticated.status(), 403, "refused before credentials");
    let public = app
        .post(
            Some(&bearer),
            list.clone(),
            &[("origin", "http://127.0.0.1:8080")],
        )
        .await;
    assert_eq!(public.status(), 200);
    let no_origin = app.post(Some(&bearer), list, &[]).await;
    assert_eq!(no_origin.status(), 200);
}

#[tokio::test]
async fn console_and_oauth_refuse_a_rebound_host() {
    let app = TestApp::new(HttpConfig::default()).await;
    for path in [
        "/login",
        "/.well-known/oauth-authorization-server",
        "/settings/tokens",
    ] {
        let rebound = send(
            &app,
            Request::get(path)
                .header("host", "attacker.example:8080")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(rebound.status(), 421, "{path}");
    }
    // A rebound page posting to its own origin is not our origin either.
    let (nonce, value) = login_nonce(&send(&app, get("/login")).await);
    let rebound_post = send(
        &app,
        Request::post("/login")
            .header("host", "127.0.0.1:8080")
            .header("origin", "http://attacker.example:8080")
            .header("cookie", nonce)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(format!(
                "login_nonce={value}&next=%2F&email=admin%40acme.example&password=draxis-demo-admin"
            )))
            .unwrap(),
    )
    .await;
    assert_eq!(rebound_post.status(), 403);
}

#[tokio::test]
async fn hostile_redirect_uris_are_refused_at_registration() {
    let app = TestApp::new(HttpConfig::default()).await;
    let register = |uri: &str| {
        Request::post("/oauth/register")
            .header("host", "127.0.0.1:8080")
            .header("content-type", "application/json")
            .body(Body::from(
                json!({"client_name": "it", "redirect_uris": [uri]}).to_string(),
            ))
            .unwrap()
    };
    for bad in [
        "https://app.example/c\tb",
        "https://app.example\\evil/cb",
        "https://app.example;frame-ancestors */cb",
        "https://app.example/cb\r\nx: y",
        "https://app.example:99999999999/cb",
    ] {
        let response = send(&app, register(bad)).await;
        assert_eq!(response.status(), 400, "{bad:?}");
        let body = json_body(response).await;
        assert_eq!(body["error"], "invalid_redirect_uri", "{bad:?}: {body}");
    }
    let loopback_v6 = send(&app, register("http://[::1]:4242/cb")).await;
    assert_eq!(loopback_v6.status(), 201);
}

#[tokio::test]
async fn a_hostile_uri_registered_before_strict_parsing_is_never_followed_nor_put_in_a_header() {
    use draxis_auth::AccountStore;
    let app = TestApp::new(HttpConfig::default()).await;
    for (client_id, uri) in [
        ("legacy-crlf", "https://app.example/cb\r\nx: y"),
        ("legacy-csp", "https://app.example;frame-ancestors */cb"),
    ] {
        app.store
            .insert_client(&draxis_auth::server::Client {
                client_id: client_id.into(),
                client_name: "legacy".into(),
                redirect_uris: vec![uri.into()],
            })
            .await
            .unwrap();
        // No code_challenge: an error that would be reported through the redirect URI.
        let with_uri = format!(
            "/oauth/authorize?response_type=code&client_id={client_id}&redirect_uri={}",
            serde_urlencoded::to_string([("", uri)])
                .unwrap()
                .trim_start_matches('=')
        );
        for path in [
            with_uri,
            format!("/oauth/authorize?response_type=code&client_id={client_id}"),
        ] {
            let response = send(&app, get(&path)).await;
            assert_eq!(response.status(), 400, "{path}");
            assert!(response.headers().get("location").is_none(), "{path}");
            assert!(
                !header(&response, "content-security-policy").contains("app.example"),
                "{path}"
            );
        }
    }
}
