//! The audit trail, tool-call counts, request ids and metrics through the real HTTP app:
//! sign-ins (an unknown e-mail without a tenant), console tokens and tenant-scoped reading
//! by admins only, `x-request-id` echoed or made, `/metrics` after a tool call.

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use draxis_auth::server::csrf_token;
use draxis_auth::{AuditLog, AuditQuery, Scopes};
use draxis_transport::HttpConfig;
use http::Request;
use serde_json::json;
use tower::ServiceExt;

use crate::web::header;
use crate::{TestApp, json_body};

const ORIGIN: &str = "http://127.0.0.1:8080";

async fn text(response: http::Response<Body>) -> String {
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 22)
        .await
        .unwrap();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Sends `request` as if from `peer` (the server is started with connection info).
async fn from_peer(app: &TestApp, mut request: Request<Body>, peer: &str) -> http::Response<Body> {
    let peer: SocketAddr = peer.parse().unwrap();
    request.extensions_mut().insert(ConnectInfo(peer));
    app.app.clone().oneshot(request).await.unwrap()
}

/// Signs in through the form; answers the response and the session cookie (if any).
async fn sign_in(app: &TestApp, email: &str, password: &str) -> (u16, Option<String>) {
    let login = app
        .app
        .clone()
        .oneshot(
            Request::get("/login")
                .header("host", "127.0.0.1:8080")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    let nonce = header(&login, "set-cookie")
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let value = nonce.split_once('=').unwrap().1.to_string();
    let body = serde_urlencoded::to_string([
        ("login_nonce", value.as_str()),
        ("next", "/"),
        ("email", email),
        ("password", password),
    ])
    .unwrap();
    let request = Request::post("/login")
        .header("host", "127.0.0.1:8080")
        .header("origin", ORIGIN)
        .header("cookie", nonce)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap();
    let response = from_peer(app, request, "192.0.2.10:5555").await;
    let session = header(&response, "set-cookie")
        .split(';')
        .next()
        .filter(|c| c.starts_with("drx_session=drx_session_"))
        .map(str::to_string);
    (response.status().as_u16(), session)
}

fn console_get(path: &str, cookie: &str) -> Request<Body> {
    Request::get(path)
        .header("host", "127.0.0.1:8080")
        .header("cookie", cookie)
        .body(Body::empty())
        .unwrap()
}

#[tokio::test]
async fn sign_ins_and_console_tokens_are_on_the_record() {
    let app = TestApp::new(HttpConfig::default()).await;
    let (status, _) = sign_in(&app, "nobody@nowhere.example", "guess").await;
    assert_eq!(status, 401);
    let (status, _) = sign_in(&app, "admin@acme.example", "wrong").await;
    assert_eq!(status, 401);
    let (status, session) = sign_in(&app, "admin@acme.example", "draxis-demo-admin").await;
    assert_eq!(status, 303);
    let cookie = session.unwrap();
    let session_value = cookie.split_once('=').unwrap().1;

    let create = Request::post("/settings/tokens")
        .header("host", "127.0.0.1:8080")
        .header("origin", ORIGIN)
        .header("cookie", cookie.clone())
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(format!(
            "name=ci&scope=read&csrf={}",
            csrf_token(session_value)
        )))
        .unwrap();
    assert_eq!(
        from_peer(&app, create, "192.0.2.10:5556").await.status(),
        201
    );

    let all = app
        .store
        .audit_trail(&AuditQuery {
            action: Some("sign_in".into()),
            limit: 50,
            ..AuditQuery::default()
        })
        .await
        .unwrap();
    let unknown = all
        .iter()
        .find(|e| e.actor == "user:nobody@nowhere.example")
        .expect("the unknown e-mail's attempt is recorded");
    assert_eq!(unknown.tenant, None, "no tenant for an unknown e-mail");
    assert_eq!(unknown.outcome, "failure");
    assert_eq!(unknown.client_address.as_deref(), Some("192.0.2.10"));
    let admin: Vec<_> = all
        .iter()
        .filter(|e| e.actor == "user:admin@acme.example")
        .collect();
    assert!(admin.iter().any(|e| e.outcome == "failure"));
    assert!(admin.iter().any(|e| e.outcome == "success"));
    assert!(
        admin.iter().all(|e| e.tenant.is_some()),
        "a known account's sign-ins are in its tenants' trails"
    );
    assert!(
        admin
            .iter()
            .any(|e| e.tenant_slug.as_deref() == Some("acme"))
    );

    let acme = app.store.require_tenant("acme").await.unwrap();
    let created = app
        .store
        .audit_trail(&AuditQuery {
            tenant: Some(acme.id),
            action: Some("token.create".into()),
            limit: 5,
            ..AuditQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(created.len(), 1);
    assert!(
        created[0]
            .credential
            .as_deref()
            .unwrap()
            .starts_with("session:")
    );
    assert!(created[0].details.contains("\"ci\""));

    // The admin reads the tenant's trail in the console, filtered by action.
    let page = app
        .app
        .clone()
        .oneshot(console_get("/settings/audit?action=token.", &cookie))
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = text(page).await;
    assert!(html.contains("token.create"), "{html}");
    assert!(!html.contains("nobody@nowhere.example"));

    // A viewer may not.
    let (_, viewer) = sign_in(&app, "viewer@acme.example", "draxis-demo-viewer").await;
    let refused = app
        .app
        .clone()
        .oneshot(console_get("/settings/audit", &viewer.unwrap()))
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
}

#[tokio::test]
async fn tool_calls_are_counted_per_token_and_measured() {
    let app = TestApp::new(HttpConfig::default()).await;
    let (id, token) = app.token("acme", Scopes::READ).await;
    let bearer = format!("Bearer {token}");
    let call = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
        "params": {"name": "list_kris", "arguments": {}}});
    for _ in 0..2 {
        let answer = app.post(Some(&bearer), call.clone(), &[]).await;
        assert_eq!(answer.status(), 200);
        assert_eq!(json_body(answer).await["result"]["isError"], json!(false));
    }
    let listed = app
        .post(
            Some(&bearer),
            json!({"jsonrpc": "2.0", "id": 2, "method": "tools/list"}),
            &[],
        )
        .await;
    assert_eq!(listed.status(), 200);
    app.verifier.flush_last_used().await.unwrap();
    let acme = app.store.require_tenant("acme").await.unwrap();
    let tokens = app.store.list_tokens(&acme).await.unwrap();
    let counted = tokens.iter().find(|t| t.id == id).unwrap();
    assert_eq!(
        counted.tool_calls, 2,
        "tool calls, not requests, are counted"
    );

    let scraped = app
        .metrics
        .clone()
        .oneshot(Request::get("/metrics").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(scraped.status(), 200);
    let metrics = text(scraped).await;
    assert!(
        metrics.contains(r#"draxis_tool_calls_total{tool="list_kris",outcome="ok"} 2"#),
        "{metrics}"
    );
    assert!(
        metrics.contains(
            r#"draxis_http_requests_total{route="/api/mcp",method="POST",status="200"} 3"#
        ),
        "{metrics}"
    );
    assert!(metrics.contains("draxis_db_pool_connections "), "{metrics}");
    assert!(metrics.contains("draxis_simulations_queued "), "{metrics}");
}

#[tokio::test]
async fn every_answer_carries_a_request_id() {
    let app = TestApp::new(HttpConfig::default()).await;
    let health = |id: Option<&str>| {
        let mut request = Request::get("/healthz").header("host", "127.0.0.1:8080");
        if let Some(id) = id {
            request = request.header("x-request-id", id);
        }
        app.app
            .clone()
            .oneshot(request.body(Body::empty()).unwrap())
    };
    let echoed = health(Some("trace-42")).await.unwrap();
    assert_eq!(header(&echoed, "x-request-id"), "trace-42");
    let made = health(Some("not sane; x=1")).await.unwrap();
    let made = header(&made, "x-request-id");
    assert!(!made.is_empty() && !made.contains(' '), "{made}");
    let other = header(&health(None).await.unwrap(), "x-request-id");
    assert!(!other.is_empty() && other != made);
}
