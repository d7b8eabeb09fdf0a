//! The HTTP edge of Draxis: `/api/mcp` (rmcp's Streamable HTTP service, stateless, so
//! any replica answers any request) behind bearer-token authentication, the OAuth 2.1
//! endpoints and metadata, the web console, and `/healthz`.
//!
//! This crate knows HTTP and MCP; it never names a database. It receives the domain
//! services, the token verifier and the authorization server ready-made from the
//! composition root (`draxis-app`), and makes no outbound requests of its own.

mod bearer;
mod jsonrpc;
mod mcp;
mod render;
mod served;
pub mod web;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::routing::{get, post};
use draxis_auth::{AuthorizationServer, TokenVerifier};
use draxis_domain::RiskQueries;
use draxis_dropzone::DropZone;
use rmcp::transport::streamable_http_server::session::never::NeverSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use tokio_util::sync::CancellationToken;

pub use jsonrpc::{EnvelopeError, check_message as check_jsonrpc_message};
pub use mcp::DraxisMcp;

/// What the HTTP edge needs from the layers below.
#[derive(Clone)]
pub struct AppState {
    pub queries: RiskQueries,
    pub dropzone: DropZone,
    pub verifier: Arc<TokenVerifier>,
    /// OAuth 2.1 and console sign-in; its issuer is the server's public URL.
    pub authz: AuthorizationServer,
}

impl AppState {
    /// Whether the public URL is https: cookies get `Secure`, pages send HSTS.
    pub(crate) fn served_over_https(&self) -> bool {
        self.authz.config().issuer.starts_with("https://")
    }
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState").finish_non_exhaustive()
    }
}

/// The `Host` values `/api/mcp` always accepts: the loopback names.
pub const DEFAULT_ALLOWED_HOSTS: [&str; 3] = ["localhost", "127.0.0.1", "::1"];

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
            allowed_hosts: DEFAULT_ALLOWED_HOSTS.map(String::from).to_vec(),
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
    let services = served::Services {
        queries: state.queries.clone(),
        dropzone: state.dropzone.clone(),
    };
    let memos = Arc::new(render::ListMemos::default());
    let mcp_service: StreamableHttpService<DraxisMcp, NeverSessionManager> =
        StreamableHttpService::new(
            move || Ok(DraxisMcp::new(services.clone(), memos.clone())),
            Arc::new(NeverSessionManager::default()),
            mcp_config,
        );
    let guard = bearer::Guard {
        verifier: state.verifier.clone(),
        resource_metadata: format!(
            "{}{}",
            state.authz.config().issuer,
            web::oauth::RESOURCE_METADATA_PATH
        ),
        max_body_bytes: config.max_body_bytes,
    };
    let mcp = Router::new()
        .fallback_service(mcp_service)
        .layer(axum::middleware::from_fn_with_state(
            config.max_body_bytes,
            jsonrpc::check_envelope,
        ))
        .layer(axum::middleware::from_fn_with_state(
            Arc::new(guard),
            bearer::require_bearer,
        ));
    let oauth = Router::new()
        .route(
            "/.well-known/oauth-protected-resource",
            get(web::oauth::protected_resource_metadata),
        )
        .route(
            web::oauth::RESOURCE_METADATA_PATH,
            get(web::oauth::protected_resource_metadata),
        )
        .route(
            "/.well-known/oauth-authorization-server",
            get(web::oauth::authorization_server_metadata),
        )
        .route(
            "/oauth/register",
            post(web::oauth::register).options(web::oauth::preflight),
        )
        .route(
            "/oauth/token",
            post(web::oauth::token).options(web::oauth::preflight),
        )
        .route(
            "/oauth/revoke",
            post(web::oauth::revoke).options(web::oauth::preflight),
        );
    let pages = Router::new()
        .route(
            "/oauth/authorize",
            get(web::oauth::authorize_page).post(web::oauth::authorize_decision),
        )
        .route("/", get(web::console::sign_in::home))
        .route(
            "/login",
            get(web::console::sign_in::form).post(web::console::sign_in::sign_in),
        )
        .route("/logout", post(web::console::sign_in::sign_out))
        .route("/tenant", post(web::console::tenant::switch))
        .route(
            "/settings/tokens",
            get(web::console::tokens::show).post(web::console::tokens::create),
        )
        .route(
            "/settings/tokens/{id}/revoke",
            post(web::console::tokens::revoke),
        )
        .route("/settings/apps", get(web::console::apps::show))
        .route(
            "/settings/apps/{id}/revoke",
            post(web::console::apps::revoke),
        )
        .route("/review", get(web::console::review::show))
        .route("/review/{id}", post(web::console::review::decide))
        .route(
            "/settings/band",
            get(web::console::band::show).post(web::console::band::set),
        )
        .route("/static/console.css", get(web::console::assets::stylesheet))
        .route("/static/console.js", get(web::console::assets::script))
        .layer(axum::middleware::from_fn_with_state(
            state.served_over_https(),
            web::security_headers,
        ));
    Router::new()
        .route("/healthz", get(|| async { "ok\n" }))
        .nest("/api/mcp", mcp)
        .merge(oauth)
        .merge(pages)
        .with_state(state)
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
