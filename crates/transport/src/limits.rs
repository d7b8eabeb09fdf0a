//! Limits that keep one caller from crowding out the others: request body caps per
//! route, and rate limits (GCRA, the `governor` crate) per credential and per tenant on
//! `/api/mcp` and per client address on sign-in and client registration.
//!
//! A refused HTTP caller gets `429 Too Many Requests` with `Retry-After`. On `/api/mcp`
//! a limited `tools/call` is answered instead with a tool result (`isError: true`, "…
//! retry after N s") under HTTP 200 and the same `Retry-After` header: MCP clients turn
//! a non-2xx answer into a transport failure (some drop the server), and some never show
//! headers to the model, while a tool result reaches the model, which can wait and call
//! again. Every other MCP message over the limit (`initialize`, `tools/list`, …) gets the
//! 429, which clients retry.

use std::hash::Hash;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use draxis_auth::{Credential, Principal, TenantId};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use http::{HeaderValue, Method, StatusCode, header};
use http_body_util::BodyExt;

/// Largest body of an OAuth endpoint or a console form.
pub const FORM_BODY_LIMIT: usize = 64 * 1024;

/// A sustained rate with a burst of a quarter of it (at least 10).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub per_minute: u32,
}

impl Rate {
    /// `per_minute` requests a minute; zero means no limit.
    pub fn per_minute(per_minute: u32) -> Option<Self> {
        (per_minute > 0).then_some(Self { per_minute })
    }

    fn quota(self) -> Option<Quota> {
        let rate = NonZeroU32::new(self.per_minute)?;
        let burst = NonZeroU32::new((self.per_minute / 4).max(10))?;
        Some(Quota::per_minute(rate).allow_burst(burst))
    }
}

/// The rate limits an operator may change; `None` switches one off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateLimits {
    /// MCP requests per credential (a personal access token or an OAuth grant).
    pub per_credential: Option<Rate>,
    /// MCP requests per tenant, all credentials together.
    pub per_tenant: Option<Rate>,
    /// `POST /login` per client address.
    pub sign_in_per_address: Option<Rate>,
    /// `POST /oauth/register` per client address.
    pub registration_per_address: Option<Rate>,
}

impl Default for RateLimits {
    /// Generous enough for any one person's clients; low enough that a flood from one
    /// address or token does not take the server from everyone else.
    fn default() -> Self {
        Self {
            per_credential: Rate::per_minute(3_000),
            per_tenant: Rate::per_minute(10_000),
            sign_in_per_address: Rate::per_minute(60),
            registration_per_address: Rate::per_minute(30),
        }
    }
}

/// One keyed limiter; forgets idle keys now and then so its map stays small.
pub(crate) struct Limiter<K: Hash + Eq + Clone> {
    limiter: DefaultKeyedRateLimiter<K>,
    checks: AtomicU32,
}

impl<K: Hash + Eq + Clone> Limiter<K> {
    fn new(rate: Option<Rate>) -> Option<Self> {
        Some(Self {
            limiter: RateLimiter::keyed(rate?.quota()?),
            checks: AtomicU32::new(0),
        })
    }

    /// `Err(seconds to wait)` when `key` is over its rate.
    fn check(&self, key: &K) -> Result<(), u64> {
        if self.checks.fetch_add(1, Ordering::Relaxed) % 4096 == 4095 {
            self.limiter.retain_recent();
            self.limiter.shrink_to_fit();
        }
        self.limiter.check_key(key).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
        })
    }
}

/// Which credential a principal used, as a limiter key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum CredentialKey {
    Pat(i64),
    Grant(i64),
}

/// The limiters of `/api/mcp`.
pub(crate) struct McpLimiters {
    per_credential: Option<Limiter<CredentialKey>>,
    per_tenant: Option<Limiter<TenantId>>,
    pub max_body_bytes: usize,
}

impl McpLimiters {
    pub fn new(limits: &RateLimits, max_body_bytes: usize) -> Self {
        Self {
            per_credential: Limiter::new(limits.per_credential),
            per_tenant: Limiter::new(limits.per_tenant),
            max_body_bytes,
        }
    }
}

/// A per-address limiter for one route, and what to call the refused action.
pub(crate) struct AddressLimiter {
    limiter: Option<Limiter<IpAddr>>,
    action: &'static str,
    json: bool,
}

impl AddressLimiter {
    pub fn new(rate: Option<Rate>, action: &'static str, json: bool) -> Arc<Self> {
        Arc::new(Self {
            limiter: Limiter::new(rate),
            action,
            json,
        })
    }
}

/// Rate-limits `/api/mcp` per credential and per tenant (runs after the bearer check).
pub(crate) async fn limit_mcp(
    State(limiters): State<Arc<McpLimiters>>,
    request: Request,
    next: Next,
) -> Response {
    let Some(principal) = request.extensions().get::<Principal>() else {
        return next.run(request).await;
    };
    let key = match principal.credential {
        Credential::Pat { token_id, .. } => CredentialKey::Pat(token_id),
        Credential::OAuth { grant_id, .. } => CredentialKey::Grant(grant_id),
        // The bearer layer never hands a session to /api/mcp.
        Credential::Session { .. } => return next.run(request).await,
    };
    let over_credential = limiters
        .per_credential
        .as_ref()
        .and_then(|limiter| limiter.check(&key).err())
        .map(|wait| (wait, "this credential"));
    let refused = over_credential.or_else(|| {
        limiters
            .per_tenant
            .as_ref()
            .and_then(|limiter| limiter.check(&principal.tenant_id).err())
            .map(|wait| (wait, "this tenant"))
    });
    let Some((wait, whose)) = refused else {
        return next.run(request).await;
    };
    tracing::info!(tenant = %principal.tenant_slug, caller = %principal.audit_label(), wait, "MCP request rate-limited");
    let sentence = format!("Rate limit reached for {whose}: retry after {wait} s.");
    let body = http_body_util::Limited::new(request.into_body(), limiters.max_body_bytes)
        .collect()
        .await
        .map(|collected| collected.to_bytes())
        .unwrap_or_default();
    match tool_call_id(&body) {
        Some(id) => {
            let result = serde_json::json!({
                "jsonrpc": "2.0",
                "id": id,
                "result": {"content": [{"type": "text", "text": sentence}], "isError": true},
            });
            with_retry_after(StatusCode::OK, wait, axum::Json(result).into_response())
        }
        None => too_many(wait, sentence, true),
    }
}

/// The id of a single JSON-RPC `tools/call` request.
fn tool_call_id(body: &[u8]) -> Option<serde_json::Value> {
    let message: serde_json::Value = serde_json::from_slice(body).ok()?;
    (message.get("method")?.as_str()? == "tools/call")
        .then(|| message.get("id").cloned())
        .flatten()
}

/// Rate-limits `POST`s to one route per client address (other methods pass).
pub(crate) async fn limit_by_address(
    State(limiter): State<Arc<AddressLimiter>>,
    request: Request,
    next: Next,
) -> Response {
    let Some(inner) = limiter
        .limiter
        .as_ref()
        .filter(|_| request.method() == Method::POST)
    else {
        return next.run(request).await;
    };
    // In-process callers (tests) have no address: they share one key.
    let address = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |info| info.0.ip());
    match inner.check(&address) {
        Ok(()) => next.run(request).await,
        Err(wait) => {
            tracing::info!(%address, action = limiter.action, wait, "rate-limited by client address");
            let sentence = format!(
                "Too many {} from your address: retry after {wait} s.",
                limiter.action
            );
            too_many(wait, sentence, limiter.json)
        }
    }
}

/// 429 with `Retry-After`, the sentence as JSON (`{"error", "error_description"}`) or text.
fn too_many(wait: u64, sentence: String, json: bool) -> Response {
    let response = if json {
        axum::Json(serde_json::json!({
            "error": "rate_limited",
            "error_description": sentence,
        }))
        .into_response()
    } else {
        sentence.into_response()
    };
    with_retry_after(StatusCode::TOO_MANY_REQUESTS, wait, response)
}

fn with_retry_after(status: StatusCode, wait: u64, mut response: Response) -> Response {
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(wait.max(1)));
    response
}

/// Caps a request body at `limit` bytes (413 with a sentence naming the cap); the body
/// is read here, so handlers get it whole.
pub(crate) async fn cap_body(State(limit): State<usize>, request: Request, next: Next) -> Response {
    let too_large = || {
        (
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("The request body is larger than this endpoint accepts ({limit} bytes)."),
        )
            .into_response()
    };
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit as u64) {
        return too_large();
    }
    let (parts, body) = request.into_parts();
    let bytes = match http_body_util::Limited::new(body, limit).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(error) if error.is::<http_body_util::LengthLimitError>() => return too_large(),
        Err(_) => {
            return (
                StatusCode::BAD_REQUEST,
                "The request body could not be read to its end.",
            )
                .into_response();
        }
    };
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// Seconds a client is told to wait when the server cannot answer for now.
const UNAVAILABLE_RETRY_AFTER_SECS: u64 = 5;

/// Gives every 503 a `Retry-After` (storage down, quota reached), so clients wait and
/// retry rather than give up.
pub(crate) async fn retry_after_on_503(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    if response.status() == StatusCode::SERVICE_UNAVAILABLE
        && !response.headers().contains_key(header::RETRY_AFTER)
    {
        response.headers_mut().insert(
            header::RETRY_AFTER,
            HeaderValue::from(UNAVAILABLE_RETRY_AFTER_SECS),
        );
    }
    response
}
