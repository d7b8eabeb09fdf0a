//! The HTTP edge of Draxis: `/api/mcp` (rmcp's Streamable HTTP service, stateless, so
//! any replica answers any request) behind bearer-token authentication, and `/healthz`.
//!
//! This crate knows HTTP and MCP; it never names a database. It receives the domain
//! services and the token verifier ready-made from the binary.

mod bearer;
mod mcp;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::routing::get;
use draxis_auth::TokenVerifier;
use draxis_domain::RiskQueries;
use draxis_dropzone::DropZone;
use rmcp::transport::streamable_http_server::session::never::NeverSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use tokio_util::sync::CancellationToken;

pub use mcp::DraxisMcp;

/// What the HTTP edge needs from the layers below.
#[derive(Clone)]
pub struct AppState {
    pub queries: RiskQueries,
    pub dropzone: DropZone,
    pub verifier: Arc<TokenVerifier>,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState").finish_non_exhaustive()
    }
}

/// HTTP settings an operator may change.
#[derive(Debug, Clone)]
pub struct HttpConfig {
    /// `Host` values accepted on `/api/mcp` (DNS-rebinding protection). Empty = any.
    pub allowed_hosts: Vec<String>,
    /// Browser `Origin`s accepted; requests without `Origin` always pass.
    pub allowed_origins: Vec<String>,
    /// Largest accepted request body.
    pub max_body_bytes: usize,
    /// Cancelled on shutdown.
    pub shutdown: CancellationToken,
}

impl Default for HttpConfig {
    fn default() -> Self {
        Self {
            allowed_hosts: vec!["localhost".into(), "127.0.0.1".into(), "::1".into()],
            allowed_origins: Vec::new(),
            max_body_bytes: 16 * 1024 * 1024,
            shutdown: CancellationToken::new(),
        }
    }
}

/// The whole HTTP application.
pub fn router(state: AppState, config: &HttpConfig) -> Router {
    let mut mcp_config = StreamableHttpServerConfig::default()
        .with_legacy_session_mode(false)
        .with_json_response(true)
        .with_sse_keep_alive(None)
        .with_cancellation_token(config.shutdown.child_token())
        .with_max_request_body_bytes(config.max_body_bytes);
    mcp_config = if config.allowed_hosts.is_empty() {
        mcp_config.disable_allowed_hosts()
    } else {
        mcp_config.with_allowed_hosts(config.allowed_hosts.clone())
    };
    if !config.allowed_origins.is_empty() {
        mcp_config = mcp_config.with_allowed_origins(config.allowed_origins.clone());
    }
    let queries = state.queries.clone();
    let dropzone = state.dropzone.clone();
    let mcp_service: StreamableHttpService<DraxisMcp, NeverSessionManager> =
        StreamableHttpService::new(
            move || Ok(DraxisMcp::new(queries.clone(), dropzone.clone())),
            Arc::new(NeverSessionManager::default()),
            mcp_config,
        );
    let mcp =
        Router::new()
            .fallback_service(mcp_service)
            .layer(axum::middleware::from_fn_with_state(
                state.verifier.clone(),
                bearer::require_bearer,
            ));
    Router::new()
        .route("/healthz", get(|| async { "ok\n" }))
        .nest("/api/mcp", mcp)
}

/// Writes coalesced token last-used times every `every`, and once more at shutdown.
pub async fn flush_token_use_periodically(
    verifier: Arc<TokenVerifier>,
    every: Duration,
    shutdown: CancellationToken,
) {
    let mut ticker = tokio::time::interval(every);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = ticker.tick() => {}
            _ = shutdown.cancelled() => break,
        }
        if let Err(error) = verifier.flush_last_used().await {
            tracing::warn!(%error, "could not record token last-used times; will retry");
        }
    }
    if let Err(error) = verifier.flush_last_used().await {
        tracing::warn!(%error, "could not record token last-used times at shutdown");
    }
}
