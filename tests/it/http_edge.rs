//! The HTTP edge over a real store: credentials, hosts, origins, tool calls.

use draxis_auth::Scopes;
use draxis_transport::HttpConfig;
use serde_json::json;

use crate::{TestApp, json_body};

fn tools_list() -> serde_json::Value {
    json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}})
}

fn challenge(response: &http::Response<axum::body::Body>) -> String {
    response
        .headers()
        .get("www-authenticate")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

#[tokio::test]
async fn revoked_and_expired_tokens_are_refused_with_their_own_words() {
    let app = TestApp::new(HttpConfig::default()).await;
    let (id, token) = app.token("acme", Scopes::READ).await;
    let bearer = format!("Bearer {token}");
    let ok = app.post(Some(&bearer), tools_list(), &[]).await;
    assert_eq!(ok.status(), 200);
    let listed = json_body(ok).await;
    assert_eq!(listed["result"]["tools"].as_array().unwrap().len(), 11);

    let acme = app.store.require_tenant("acme").await.unwrap();
    app.store.revoke_token(&acme, id).await.unwrap();
    let refused = app.post(Some(&bearer), tools_list(), &[]).await;
    assert_eq!(refused.status(), 401);
    assert!(
        challenge(&refused).contains("revoked"),
        "{}",
        challenge(&refused)
    );

    let (expiring_id, expiring) = app.token("acme", Scopes::READ).await;
    sqlx::query("UPDATE api_tokens SET expires_at = 1 WHERE id = $1")
        .bind(expiring_id)
        .execute(&sqlx::AnyPool::connect_lazy(&app.store_url()).unwrap())
        .await
        .unwrap();
    let expired = app
        .post(Some(&format!("Bearer {expiring}")), tools_list(), &[])
        .await;
    assert_eq!(expired.status(), 401);
    assert!(
        challenge(&expired).contains("expired"),
        "{}",
        challenge(&expired)
    );
}

#[tokio::test]
async fn last_used_is_written_once_per_flush_not_per_request() {
    let app = TestApp::new(HttpConfig::default()).await;
    let (_, token) = app.token("acme", Scopes::READ).await;
    for _ in 0..20 {
        assert_eq!(
            app.post(Some(&format!("Bearer {token}")), tools_list(), &[])
                .await
                .status(),
            200
        );
    }
    let acme = app.store.require_tenant("acme").await.unwrap();
    assert!(
        app.store.list_tokens(&acme).await.unwrap()[0]
            .last_used_at
            .is_none(),
        "no write per request"
    );
    assert_eq!(
        app.verifier.flush_last_used().await.unwrap(),
        1,
        "twenty uses, one write"
    );
    assert!(
        app.store.list_tokens(&acme).await.unwrap()[0]
            .last_used_at
            .is_some()
    );
}

#[tokio::test]
async fn foreign_hosts_and_origins_are_refused_before_any_tool_runs() {
    let config = HttpConfig {
        allowed_origins: vec!["https://app.draxis.example:443".into()],
        ..HttpConfig::default()
    };
    let app = TestApp::new(config).await;
    let (_, token) = app.token("acme", Scopes::READ).await;
    let bearer = format!("Bearer {token}");
    let rebinding = app
        .post(Some(&bearer), tools_list(), &[("host", "evil.example")])
        .await;
    assert_eq!(
        rebinding.status(),
        403,
        "DNS-rebinding Host must be refused"
    );
    let cross_site = app
        .post(
            Some(&bearer),
            tools_list(),
            &[("origin", "https://evil.example")],
        )
        .await;
    assert_eq!(cross_site.status(), 403, "foreign Origin must be refused");
    let same_site = app
        .post(
            Some(&bearer),
            tools_list(),
            &[("origin", "https://app.draxis.example")],
        )
        .await;
    assert_eq!(same_site.status(), 200);
}

#[tokio::test]
async fn tool_calls_answer_in_structured_content_and_errors_are_results() {
    let app = TestApp::new(HttpConfig::default()).await;
    let (_, token) = app.token("globex", Scopes::READ).await;
    let bearer = format!("Bearer {token}");
    let call = |name: &str, arguments: serde_json::Value| json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": name, "arguments": arguments}});
    let top = json_body(
        app.post(Some(&bearer), call("list_risks", json!({"limit": 3})), &[])
            .await,
    )
    .await;
    let items = top["result"]["structuredContent"]["items"]
        .as_array()
        .unwrap();
    assert_eq!(items.len(), 3);
    assert_eq!(top["result"]["isError"], false);

    // Acme's KRI slugs exist in globex's catalog too, but acme's ids do not.
    let acme = app.store.require_tenant("acme").await.unwrap();
    let acme_kri = draxis_domain::repository::RiskRepository::kris(&app.store, acme.id)
        .await
        .unwrap()[0]
        .id;
    let foreign = json_body(
        app.post(
            Some(&bearer),
            call("get_kri", json!({"id": format!("kri_{acme_kri}")})),
            &[],
        )
        .await,
    )
    .await;
    assert_eq!(foreign["result"]["isError"], true);
    assert!(
        foreign["result"]["content"][0]["text"]
            .as_str()
            .unwrap()
            .contains("list_kris")
    );

    let unknown = json_body(
        app.post(Some(&bearer), call("drop_tables", json!({})), &[])
            .await,
    )
    .await;
    assert!(
        unknown["error"]["message"]
            .as_str()
            .unwrap()
            .contains("the tools are"),
        "{unknown}"
    );
}

impl TestApp {
    fn store_url(&self) -> String {
        format!("sqlite://{}", self._dir.0.join("it.db").display())
    }
}

/// A refusal sent before the body was read closes the connection explicitly, so a client
/// that pooled it never sends its next request into a socket hyper is closing (the Python
/// SDK saw "server disconnected" right after a 401); answers that read the body keep it.
#[tokio::test]
async fn refusals_before_the_body_is_read_say_connection_close() {
    let app = TestApp::new(HttpConfig::default()).await;
    let refused = app.post(None, tools_list(), &[]).await;
    assert_eq!(refused.status(), 401);
    assert_eq!(
        refused
            .headers()
            .get("connection")
            .and_then(|v| v.to_str().ok()),
        Some("close")
    );
    let (_, token) = app.token("acme", Scopes::READ).await;
    let answered = app
        .post(Some(&format!("Bearer {token}")), tools_list(), &[])
        .await;
    assert_eq!(answered.status(), 200);
    assert!(answered.headers().get("connection").is_none());
}
