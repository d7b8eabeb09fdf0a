//! Cross-crate tests: the real HTTP application (assembled by `draxis-app` over a SQLite
//! file) driven in-process, for what the Python end-to-end test cannot reach easily:
//! revoked and expired tokens, host and origin checks, scopes and last-used times.

#![allow(clippy::unwrap_used)] // test helpers fail loudly by design

mod answer_size;
mod audit;
mod dropzone;
mod hostile_corpus;
mod hostile_edges;
mod hostile_web;
mod http_edge;
mod limits;
mod oauth_replay;
mod register;
mod register_console;
mod register_upload;
mod sign_in_throttle;
mod web;

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::connect_info::MockConnectInfo;
use draxis_app::{App, AppConfig};
use draxis_auth::TokenVerifier;
use draxis_store::Store;
use draxis_transport::HttpConfig;
use http::{Request, Response};
use tower::ServiceExt;

/// A seeded store in a temporary directory, and the app over it.
pub struct TestApp {
    pub store: Store,
    pub verifier: Arc<TokenVerifier>,
    pub authz: draxis_auth::AuthorizationServer,
    pub app: Router,
    /// `/metrics`, as the server serves it on its metrics address.
    pub metrics: Router,
    /// Register import and export, sharing the app's read cache.
    pub register: draxis_domain::register::RegisterService,
    _dir: TempDir,
}

pub struct TempDir(std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        std::fs::remove_dir_all(&self.0).ok();
    }
}

impl TestApp {
    pub async fn new(config: HttpConfig) -> Self {
        Self::with_config(AppConfig {
            http: config,
            ..AppConfig::default()
        })
        .await
    }

    /// The app assembled with `config` over a freshly seeded store.
    pub async fn with_config(config: AppConfig) -> Self {
        let dir = std::env::temp_dir().join(format!(
            "draxis-it-{}-{}",
            std::process::id(),
            chrono::Utc::now().timestamp_nanos_opt().unwrap_or_default()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let store = Store::open(&format!("sqlite://{}", dir.join("it.db").display()))
            .await
            .unwrap();
        store
            .seed_demo(chrono::Utc::now().date_naive())
            .await
            .unwrap();
        let assembled = App::assemble(store.clone(), &config).unwrap();
        // As served: with the peer address (a request may carry its own `ConnectInfo`).
        let app = assembled
            .router()
            .layer(MockConnectInfo(std::net::SocketAddr::from((
                [127, 0, 0, 1],
                40_000,
            ))));
        let metrics = assembled.metrics_router();
        let register = assembled.register.clone();
        let verifier = assembled.verifier;
        let authz = assembled.authz;
        Self {
            store,
            verifier,
            authz,
            app,
            metrics,
            register,
            _dir: TempDir(dir),
        }
    }

    pub async fn token(&self, tenant: &str, scope: draxis_auth::Scopes) -> (i64, String) {
        let tenant = self.store.require_tenant(tenant).await.unwrap();
        let created = self
            .store
            .create_token(&tenant, "it", scope, "it", None)
            .await
            .unwrap();
        (created.id, created.minted.plaintext)
    }

    /// POSTs one JSON-RPC message to /api/mcp.
    pub async fn post(
        &self,
        authorization: Option<&str>,
        body: serde_json::Value,
        extra: &[(&str, &str)],
    ) -> Response<Body> {
        let mut builder = Request::post("/api/mcp")
            .header("host", "127.0.0.1:8080")
            .header("content-type", "application/json")
            .header("accept", "application/json, text/event-stream")
            .header("mcp-protocol-version", "2025-11-25");
        if let Some(value) = authorization {
            builder = builder.header("authorization", value);
        }
        let mut request = builder.body(Body::from(body.to_string())).unwrap();
        for (name, value) in extra {
            let name = http::HeaderName::from_bytes(name.as_bytes()).unwrap();
            request
                .headers_mut()
                .insert(name, http::HeaderValue::from_str(value).unwrap());
        }
        self.app.clone().oneshot(request).await.unwrap()
    }
}

pub async fn json_body(response: Response<Body>) -> serde_json::Value {
    let bytes = axum::body::to_bytes(response.into_body(), 16 * 1024 * 1024)
        .await
        .unwrap();
    serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| serde_json::Value::String(String::from_utf8_lossy(&bytes).into()))
}
