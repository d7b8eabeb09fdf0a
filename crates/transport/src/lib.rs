//! The HTTP edge of Draxis: `/api/mcp` (rmcp's Streamable HTTP service, stateless, so
//! any replica answers any request) behind bearer-token authentication, the OAuth 2.1
//! endpoints and metadata, the web console, and `/healthz`.
//!
//! Browsers reach it only under an allowed `Host` and, on `/api/mcp`, from an allowed
//! `Origin` (`reach`); password hashing runs on a bounded blocking pool (`cpu_pool`).
//!
//! This crate knows HTTP and MCP; it never names a database. It receives the domain
//! services, the token verifier and the authorization server ready-made from the
//! composition root (`draxis-app`), and makes no outbound requests of its own.

mod audit;
mod bearer;
mod cpu_pool;
mod jsonrpc;
mod limits;
mod mcp;
pub mod metrics;
mod reach;
mod render;
pub mod request_id;
mod served;
mod unread_body;
pub mod web;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::routing::{get, post};
use draxis_auth::{AuditLog, AuthorizationServer, TokenVerifier};
use draxis_domain::RiskQueries;
use draxis_domain::register::RegisterService;
use draxis_domain::register_edits::RegisterEditor;
use draxis_dropzone::DropZone;
use rmcp::transport::streamable_http_server::session::never::NeverSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use tokio_util::sync::CancellationToken;

pub use cpu_pool::BlockingCpuPool;
pub use jsonrpc::{EnvelopeError, check_message as check_jsonrpc_message};
pub use limits::{FORM_BODY_LIMIT, Rate, RateLimits};
pub use mcp::DraxisMcp;
pub use metrics::{Metrics, Sampler, Samples};
pub use web::console::register::UPLOAD_BODY_LIMIT;

/// What the HTTP edge needs from the layers below.
#[derive(Clone)]
pub struct AppState {
    pub queries: RiskQueries,
    pub dropzone: DropZone,
    pub verifier: Arc<TokenVerifier>,
    /// OAuth 2.1 and console sign-in; its issuer is the server's public URL.
    pub authz: AuthorizationServer,
    /// Where security-relevant actions are recorded.
    pub audit: Arc<dyn AuditLog>,
    /// Counters for `/metrics` (served by [`metrics_router`]).
    pub metrics: Metrics,
    /// Hand edits of the register (the console's edit forms).
    pub register: RegisterEditor,
    /// Register import (the console's upload page: dry run, then Apply).
    pub register_import: RegisterService,
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
    /// `Host` values accepted on `/api/mcp`, the console and the OAuth endpoints
    /// (DNS-rebinding protection). Empty = any.
    pub allowed_hosts: Vec<String>,
    /// Browser `Origin`s accepted on `/api/mcp` besides the public URL's; requests
    /// without `Origin` always pass.
    pub allowed_origins: Vec<String>,
    /// Largest accepted request body on `/api/mcp` (OAuth endpoints and console forms
    /// take at most [`FORM_BODY_LIMIT`]).
    pub max_body_bytes: usize,
    /// Requests per credential, tenant and client address.
    pub rate_limits: RateLimits,
    /// Cancelled on shutdown.
    pub shutdown: CancellationToken,
}

impl Default for HttpConfig {
    fn default() -> Self {
        Self {
            allowed_hosts: DEFAULT_ALLOWED_HOSTS.map(String::from).to_vec(),
            allowed_origins: Vec::new(),
            max_body_bytes: 16 * 1024 * 1024,
            rate_limits: RateLimits::default(),
            shutdown: CancellationToken::new(),
        }
    }
}

/// The whole HTTP application. Its password checks run on a [`BlockingCpuPool`] (one
/// at a time per core), never on the async workers.
pub fn router(state: AppState, config: &HttpConfig) -> Router {
    let state = AppState {
        authz: state
            .authz
            .clone()
            .with_cpu_pool(Arc::new(BlockingCpuPool::per_core())),
        ..state
    };
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
    // Origins are checked by `reach::guard_mcp`, which also admits the public URL's.
    mcp_config = mcp_config.disable_allowed_origins();
    let reach = Arc::new(reach::Reach::new(
        &config.allowed_hosts,
        &state.authz.config().issuer,
        &config.allowed_origins,
    ));
    let services = served::Services {
        queries: state.queries.clone(),
        dropzone: state.dropzone.clone(),
    };
    let memos = Arc::new(render::ListMemos::default());
    let usage = mcp::Usage {
        verifier: state.verifier.clone(),
        metrics: state.metrics.clone(),
    };
    let mcp_service: StreamableHttpService<DraxisMcp, NeverSessionManager> =
        StreamableHttpService::new(
            move || {
                Ok(DraxisMcp::new(
                    services.clone(),
                    memos.clone(),
                    usage.clone(),
                ))
            },
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
    let mcp_limiters = limits::McpLimiters::new(&config.rate_limits, config.max_body_bytes);
    let mcp = Router::new()
        .fallback_service(mcp_service)
        .layer(axum::middleware::from_fn_with_state(
            config.max_body_bytes,
            jsonrpc::check_envelope,
        ))
        .layer(axum::middleware::from_fn_with_state(
            Arc::new(mcp_limiters),
            limits::limit_mcp,
        ))
        .layer(axum::middleware::from_fn_with_state(
            Arc::new(guard),
            bearer::require_bearer,
        ))
        .layer(axum::middleware::from_fn_with_state(
            reach.clone(),
            reach::guard_mcp,
        ));
    let per_address = |rate, action, json| {
        axum::middleware::from_fn_with_state(
            limits::AddressLimiter::new(rate, action, json),
            limits::limit_by_address,
        )
    };
    let cap_forms = axum::middleware::from_fn_with_state(FORM_BODY_LIMIT, limits::cap_body);
    let held_uploads = axum::Extension(Arc::new(
        web::console::register::held::HeldUploads::default(),
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
            post(web::oauth::register)
                .options(web::oauth::preflight)
                .layer(per_address(
                    config.rate_limits.registration_per_address,
                    "client registrations",
                    true,
                )),
        )
        .route(
            "/oauth/token",
            post(web::oauth::token).options(web::oauth::preflight),
        )
        .route(
            "/oauth/revoke",
            post(web::oauth::revoke).options(web::oauth::preflight),
        )
        .layer(cap_forms.clone())
        .layer(axum::middleware::from_fn_with_state(
            reach.clone(),
            reach::guard_pages,
        ));
    let pages = Router::new()
        .route(
            "/oauth/authorize",
            get(web::oauth::authorize_page).post(web::oauth::authorize_decision),
        )
        .route("/", get(web::console::sign_in::home))
        .route(
            "/login",
            get(web::console::sign_in::form)
                .post(web::console::sign_in::sign_in)
                .layer(per_address(
                    config.rate_limits.sign_in_per_address,
                    "sign-in attempts",
                    false,
                )),
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
        .route("/settings/audit", get(web::console::audit::show))
        .route("/register", get(web::console::register::home))
        .route("/register/kris", get(web::console::register::kris::show))
        .route(
            "/register/kris/{slug}",
            get(web::console::register::kri::show).post(web::console::register::edit::edit_kri),
        )
        .route(
            "/register/kris/{slug}/observations",
            post(web::console::register::edit::record_observation),
        )
        .route("/register/risks", get(web::console::register::risks::show))
        .route(
            "/register/risks/{key}",
            get(web::console::register::records::show_risk)
                .post(web::console::register::records::edit_risk),
        )
        .route(
            "/register/controls",
            get(web::console::register::controls::show),
        )
        .route(
            "/register/controls/{key}",
            get(web::console::register::records::show_control)
                .post(web::console::register::records::edit_control),
        )
        .route(
            "/register/outcomes",
            get(web::console::register::outcomes::show),
        )
        .route(
            "/register/vendors",
            get(web::console::register::vendors::show),
        )
        .route(
            "/register/assets",
            get(web::console::register::assets::show),
        )
        .route(
            "/register/upload/apply",
            post(web::console::register::apply::apply),
        )
        .route("/static/console.css", get(web::console::assets::stylesheet))
        .route("/static/console.js", get(web::console::assets::script))
        .layer(cap_forms)
        // The one page above the form cap: register files, multipart, read by the handler
        // up to `UPLOAD_BODY_LIMIT` (a larger body gets 413 and a sentence).
        .route(
            "/register/upload",
            get(web::console::register::upload::show)
                .post(web::console::register::upload::preview)
                .layer(axum::extract::DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)),
        )
        // Uploads held between a dry run and its Apply, for this process.
        .layer(held_uploads)
        .layer(axum::middleware::from_fn_with_state(
            state.served_over_https(),
            web::security_headers,
        ))
        .layer(axum::middleware::from_fn_with_state(
            reach,
            reach::guard_pages,
        ));
    let metrics = state.metrics.clone();
    Router::new()
        .route("/healthz", get(|| async { "ok\n" }))
        .nest("/api/mcp", mcp)
        .merge(oauth)
        .merge(pages)
        .fallback(web::no_such_path)
        .method_not_allowed_fallback(web::method_not_allowed)
        .layer(axum::middleware::from_fn(limits::retry_after_on_503))
        .with_state(state)
        .layer(axum::middleware::from_fn_with_state(
            metrics,
            metrics::count_requests,
        ))
        .layer(axum::middleware::from_fn(request_id::with_request_id))
        .layer(axum::middleware::from_fn(
            unread_body::close_unless_body_read,
        ))
}

/// `/metrics` alone, in Prometheus text, for a listener of its own: the server serves it
/// only when given a metrics address, so it is never public by accident.
pub fn metrics_router(metrics: Metrics) -> Router {
    Router::new()
        .route("/metrics", get(metrics::scrape))
        .with_state(metrics)
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
