//! Counters and histograms for `/metrics` (Prometheus text, OpenMetrics flavour): HTTP
//! requests and latency per route and status, tool calls and latency per tool, refused and
//! rate-limited requests, Drop Zone intake, and gauges sampled when scraped (database pool,
//! simulation queue). [`Metrics`] is a cheap handle kept in the transport state; other
//! layers count through its methods.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{StatusCode, header};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

/// What is read from the layers below at each scrape.
#[derive(Debug, Clone, Copy, Default)]
pub struct Samples {
    /// Connections open in the database pool, and how many of them are idle.
    pub pool_size: u32,
    pub pool_idle: u32,
    /// Simulation runs waiting for the worker; `None` when it could not be read.
    pub simulations_queued: Option<i64>,
}

/// Reads [`Samples`]; set by the composition root.
pub type Sampler = Arc<dyn Fn() -> Pin<Box<dyn Future<Output = Samples> + Send>> + Send + Sync>;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteStatus {
    route: String,
    method: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Route {
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ToolOutcome {
    tool: String,
    outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Tool {
    tool: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Reason {
    reason: String,
}

type Latencies<L> = Family<L, Histogram, fn() -> Histogram>;

/// Half a millisecond to about 16 seconds.
fn latency_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.0005, 2.0, 16))
}

struct Inner {
    registry: Registry,
    requests: Family<RouteStatus, Counter>,
    request_seconds: Latencies<Route>,
    tool_calls: Family<ToolOutcome, Counter>,
    tool_seconds: Latencies<Tool>,
    refused: Family<Reason, Counter>,
    rate_limited: Family<Reason, Counter>,
    artifacts_received: Counter,
    intake_seconds: Histogram,
    pool_size: Gauge,
    pool_idle: Gauge,
    simulations_queued: Gauge,
    sampler: Option<Sampler>,
}

/// The process's metrics; clones share them.
#[derive(Clone)]
pub struct Metrics(Arc<Inner>);

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new(None)
    }
}

impl Metrics {
    /// Metrics whose gauges are read from `sampler` at each scrape (left at 0 without).
    pub fn new(sampler: Option<Sampler>) -> Self {
        let mut registry = Registry::with_prefix("draxis");
        let requests = Family::<RouteStatus, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by route, method and status",
            requests.clone(),
        );
        let request_seconds: Latencies<Route> =
            Family::new_with_constructor(latency_histogram as fn() -> Histogram);
        registry.register(
            "http_request_duration_seconds",
            "Time to answer an HTTP request, by route",
            request_seconds.clone(),
        );
        let tool_calls = Family::<ToolOutcome, Counter>::default();
        registry.register(
            "tool_calls",
            "MCP tool calls, by tool and outcome (ok, error)",
            tool_calls.clone(),
        );
        let tool_seconds: Latencies<Tool> =
            Family::new_with_constructor(latency_histogram as fn() -> Histogram);
        registry.register(
            "tool_call_duration_seconds",
            "Time to answer an MCP tool call, by tool",
            tool_seconds.clone(),
        );
        let refused = Family::<Reason, Counter>::default();
        registry.register(
            "refused_requests",
            "Requests refused before being served (unauthenticated, forbidden, too large), by reason",
            refused.clone(),
        );
        let rate_limited = Family::<Reason, Counter>::default();
        registry.register(
            "rate_limited_requests",
            "Requests refused by a rate limit, by limit",
            rate_limited.clone(),
        );
        let artifacts_received = Counter::default();
        registry.register(
            "dropzone_artifacts_received",
            "Drop Zone artifacts accepted for extraction",
            artifacts_received.clone(),
        );
        let intake_seconds = latency_histogram();
        registry.register(
            "dropzone_intake_duration_seconds",
            "Time to take in one Drop Zone artifact: hash, extract, store",
            intake_seconds.clone(),
        );
        let pool_size = Gauge::default();
        registry.register(
            "db_pool_connections",
            "Connections open in the database pool",
            pool_size.clone(),
        );
        let pool_idle = Gauge::default();
        registry.register(
            "db_pool_idle_connections",
            "Idle connections in the database pool",
            pool_idle.clone(),
        );
        let simulations_queued = Gauge::default();
        registry.register(
            "simulations_queued",
            "Simulation runs waiting for the worker",
            simulations_queued.clone(),
        );
        Self(Arc::new(Inner {
            registry,
            requests,
            request_seconds,
            tool_calls,
            tool_seconds,
            refused,
            rate_limited,
            artifacts_received,
            intake_seconds,
            pool_size,
            pool_idle,
            simulations_queued,
            sampler,
        }))
    }

    /// Counts an answered HTTP request. `route` is the matched route template.
    pub fn http_request(&self, route: &str, method: &str, status: u16, elapsed: Duration) {
        let inner = &self.0;
        inner
            .requests
            .get_or_create(&RouteStatus {
                route: route.to_string(),
                method: method.to_string(),
                status,
            })
            .inc();
        inner
            .request_seconds
            .get_or_create(&Route {
                route: route.to_string(),
            })
            .observe(elapsed.as_secs_f64());
    }

    /// Counts a tool call of a contract tool (`tool` is one of a fixed set of names).
    pub fn tool_call(&self, tool: &str, is_error: bool, elapsed: Duration) {
        let outcome = if is_error { "error" } else { "ok" };
        let inner = &self.0;
        inner
            .tool_calls
            .get_or_create(&ToolOutcome {
                tool: tool.to_string(),
                outcome,
            })
            .inc();
        inner
            .tool_seconds
            .get_or_create(&Tool {
                tool: tool.to_string(),
            })
            .observe(elapsed.as_secs_f64());
    }

    /// Counts a request refused for `reason` (a short fixed word). Every answer with a
    /// refusing status is counted already (`unauthenticated`, `forbidden`, `too_large`,
    /// `rate_limited`, `headers_too_large`, `unavailable`); call this for refusals that
    /// never reach the router (a connection cap, a header timeout).
    pub fn refused(&self, reason: &str) {
        self.0
            .refused
            .get_or_create(&Reason {
                reason: reason.to_string(),
            })
            .inc();
    }

    /// Counts a request refused by the rate limit named `limit` (`sign_in`, `token`,
    /// `registration`, `client_address`, …): which limit, beside the 429 counted above.
    pub fn rate_limited(&self, limit: &str) {
        self.0
            .rate_limited
            .get_or_create(&Reason {
                reason: limit.to_string(),
            })
            .inc();
    }

    /// Counts an artifact taken in by the Drop Zone and how long it took.
    pub fn artifact_received(&self, elapsed: Duration) {
        self.0.artifacts_received.inc();
        self.0.intake_seconds.observe(elapsed.as_secs_f64());
    }

    /// The metrics as Prometheus scrapes them, after reading the gauges.
    pub async fn render(&self) -> String {
        let inner = &self.0;
        if let Some(sampler) = &inner.sampler {
            let samples = sampler().await;
            inner.pool_size.set(i64::from(samples.pool_size));
            inner.pool_idle.set(i64::from(samples.pool_idle));
            if let Some(queued) = samples.simulations_queued {
                inner.simulations_queued.set(queued);
            }
        }
        let mut text = String::new();
        if let Err(error) = prometheus_client::encoding::text::encode(&mut text, &inner.registry) {
            tracing::error!(%error, "could not encode metrics");
        }
        text
    }
}

/// `GET /metrics`.
pub(crate) async fn scrape(State(metrics): State<Metrics>) -> Response {
    (
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        metrics.render().await,
    )
        .into_response()
}

/// The route a request is counted under: its route template, `/api/mcp` for the MCP
/// endpoint (served as a fallback, so it has none), else `unmatched`: never the raw
/// path, so ids and probes cannot grow the label set.
fn route_of(request: &Request) -> String {
    if let Some(path) = request.extensions().get::<MatchedPath>() {
        return path.as_str().to_string();
    }
    let path = request.uri().path();
    if path == "/api/mcp" || path.starts_with("/api/mcp/") {
        "/api/mcp".into()
    } else {
        "unmatched".into()
    }
}

/// Why a status says the request was refused, if it does.
fn refusal_reason(status: StatusCode) -> Option<&'static str> {
    Some(match status.as_u16() {
        401 => "unauthenticated",
        403 => "forbidden",
        413 => "too_large",
        429 => "rate_limited",
        431 => "headers_too_large",
        503 => "unavailable",
        _ => return None,
    })
}

/// Middleware: counts every request by route, method and status, its latency, and the
/// refused ones by reason.
pub(crate) async fn count_requests(
    State(metrics): State<Metrics>,
    request: Request,
    next: Next,
) -> Response {
    let started = std::time::Instant::now();
    let route = route_of(&request);
    let method = request.method().as_str().to_string();
    let response = next.run(request).await;
    let status = response.status();
    metrics.http_request(&route, &method, status.as_u16(), started.elapsed());
    if let Some(reason) = refusal_reason(status) {
        metrics.refused(reason);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn counters_and_sampled_gauges_appear_in_the_text() {
        let sampler: Sampler = Arc::new(|| {
            Box::pin(async {
                Samples {
                    pool_size: 4,
                    pool_idle: 3,
                    simulations_queued: Some(2),
                }
            })
        });
        let metrics = Metrics::new(Some(sampler));
        metrics.http_request("/api/mcp", "POST", 200, Duration::from_millis(3));
        metrics.tool_call("list_kris", false, Duration::from_millis(2));
        metrics.rate_limited("sign_in");
        metrics.refused("unauthenticated");
        metrics.artifact_received(Duration::from_millis(40));
        let text = metrics.render().await;
        for line in [
            r#"draxis_http_requests_total{route="/api/mcp",method="POST",status="200"} 1"#,
            r#"draxis_tool_calls_total{tool="list_kris",outcome="ok"} 1"#,
            r#"draxis_rate_limited_requests_total{reason="sign_in"} 1"#,
            r#"draxis_refused_requests_total{reason="unauthenticated"} 1"#,
            "draxis_dropzone_artifacts_received_total 1",
            "draxis_db_pool_connections 4",
            "draxis_db_pool_idle_connections 3",
            "draxis_simulations_queued 2",
            r#"draxis_tool_call_duration_seconds_count{tool="list_kris"} 1"#,
        ] {
            assert!(text.contains(line), "missing `{line}` in:\n{text}");
        }
    }
}
