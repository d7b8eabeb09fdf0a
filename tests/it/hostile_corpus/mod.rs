//! A generated hostile corpus (issue 14): tables of hostile values crossed with mutators
//! over every edge — `/api/mcp` headers and JSON-RPC framing, every tool's arguments and
//! cursors, the OAuth endpoints, the console's forms and the register upload, Drop Zone
//! artifacts. Each answer must be below 500 (or 503 with `Retry-After`), arrive within
//! the time limit without a panic, and a refusal must say in words what is wrong; the
//! server must keep answering a normal tool call throughout.

mod files;
mod judge;
mod mcp;
mod tools;
mod values;
mod web;

use std::collections::BTreeMap;
use std::time::Duration;

use axum::body::Body;
use draxis_auth::Scopes;
use draxis_transport::{HttpConfig, RateLimits};
use http::{HeaderName, HeaderValue, Request};
use serde_json::json;

use crate::TestApp;
use crate::register_console::session;

/// Longer than any honest request to the in-process app takes: past it, a hang.
const HANG: Duration = Duration::from_secs(10);

/// One generated request and what it tries.
pub(crate) struct Probe {
    pub label: String,
    pub request: Request<Body>,
}

/// What a probe needs to reach past the first gate: credentials and real keys.
pub(crate) struct Keys {
    pub bearer: String,
    pub session: String,
    pub kri_slug: String,
    pub risk_ref: String,
    pub control_ref: String,
    pub drop_zone: String,
    pub client_id: String,
}

/// A request with `headers` (appended, so a name may repeat); values that HTTP cannot
/// carry at all (CR, LF, NUL) are left out, since no parser would ever pass them on.
pub(crate) fn request(
    method: &str,
    uri: &str,
    headers: &[(String, Vec<u8>)],
    body: impl Into<Body>,
) -> Request<Body> {
    let mut request = Request::builder()
        .method(method)
        .uri(uri)
        .body(body.into())
        .unwrap();
    for (name, value) in headers {
        let name = HeaderName::from_bytes(name.as_bytes()).unwrap();
        if let Ok(value) = HeaderValue::from_bytes(value) {
            request.headers_mut().append(name, value);
        }
    }
    request
}

/// Header pairs from text.
pub(crate) fn h(pairs: &[(&str, &str)]) -> Vec<(String, Vec<u8>)> {
    pairs
        .iter()
        .map(|(n, v)| (n.to_string(), v.as_bytes().to_vec()))
        .collect()
}

fn unlimited() -> HttpConfig {
    HttpConfig {
        rate_limits: RateLimits {
            per_credential: None,
            per_tenant: None,
            sign_in_per_address: None,
            registration_per_address: None,
        },
        ..HttpConfig::default()
    }
}

async fn keys(app: &TestApp) -> Keys {
    let (_, token) = app.token("acme", Scopes::READ_WRITE).await;
    let bearer = format!("Bearer {token}");
    let first = |tool: &'static str, field: &'static str| {
        let bearer = bearer.clone();
        async move {
            let page = crate::dropzone::call(app, &bearer, tool, json!({})).await;
            page["structuredContent"]["items"][0][field]
                .as_str()
                .unwrap()
                .to_string()
        }
    };
    let kri_slug = first("list_kris", "slug").await;
    let risk_ref = first("list_risks", "ref").await;
    let control_ref = first("list_controls", "ref").await;
    let drop_zone = crate::dropzone::drop_zone_id(app, &bearer, "AI Drop Zone").await;
    let session = session(app, "admin@acme.example", "draxis-demo-admin").await;
    let registered = crate::web::send(
        app,
        request(
            "POST",
            "/oauth/register",
            &h(&[("content-type", "application/json")]),
            json!({"client_name": "corpus", "redirect_uris": ["http://localhost:1/cb"]})
                .to_string(),
        ),
    )
    .await;
    let client_id = crate::json_body(registered).await["client_id"]
        .as_str()
        .unwrap()
        .to_string();
    Keys {
        bearer,
        session,
        kri_slug,
        risk_ref,
        control_ref,
        drop_zone,
        client_id,
    }
}

/// A normal tool call still answers 200 with a result.
async fn still_answering(app: &TestApp, keys: &Keys, after: &str) {
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
                      "params": {"name": "list_kris", "arguments": {}}});
    let response = tokio::time::timeout(HANG, app.post(Some(&keys.bearer), body, &[]))
        .await
        .unwrap_or_else(|_| panic!("list_kris hung after {after}"));
    assert_eq!(response.status(), 200, "list_kris after {after}");
    let answer = crate::json_body(response).await;
    assert_eq!(
        answer["result"]["isError"], false,
        "after {after}: {answer}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_generated_hostile_corpus_gets_no_5xx_no_hang_and_a_reason_for_every_refusal() {
    let app = TestApp::new(unlimited()).await;
    let keys = keys(&app).await;
    let mut probes = Vec::new();
    probes.extend(mcp::header_probes(&keys));
    probes.extend(mcp::envelope_probes(&keys));
    probes.extend(tools::tool_probes(&app, &keys).await);
    probes.extend(web::oauth_probes(&keys));
    probes.extend(web::console_probes(&keys));
    probes.extend(files::dropzone_probes(&keys));

    let total = probes.len();
    assert!(total >= 400, "the corpus has only {total} requests");
    let mut by_status: BTreeMap<u16, usize> = BTreeMap::new();
    let mut refusals = 0;
    let mut failures = Vec::new();
    for (n, probe) in probes.into_iter().enumerate() {
        let label = probe.label.clone();
        match judge::judge(&app, probe).await {
            Ok(verdict) => {
                *by_status.entry(verdict.status).or_default() += 1;
                refusals += usize::from(verdict.refused);
            }
            Err(failure) => failures.push(format!("{label}: {failure}")),
        }
        if n % 100 == 99 {
            still_answering(&app, &keys, &label).await;
        }
    }
    still_answering(&app, &keys, "the whole corpus").await;
    let counts: Vec<String> = by_status.iter().map(|(s, n)| format!("{s}: {n}")).collect();
    println!(
        "hostile corpus: {total} requests, {refusals} refused with a reason, {} failed; by status {}",
        failures.len(),
        counts.join(", ")
    );
    assert!(
        failures.is_empty(),
        "{} of {total} hostile requests were mishandled:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
