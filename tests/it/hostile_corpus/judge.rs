//! The verdict on one answer: no 5xx but a 503 with `Retry-After`, no hang, no panic, and
//! a refusal — a 4xx, a JSON-RPC error or a tool result marked `isError` — that says in
//! words what is wrong.

use http::StatusCode;
use serde_json::Value;
use tower::ServiceExt;

use super::{HANG, Probe};
use crate::TestApp;

pub(crate) struct Verdict {
    pub status: u16,
    pub refused: bool,
}

/// Sends the probe on its own task (a panic is caught there) within the hang limit.
pub(crate) async fn judge(app: &TestApp, probe: Probe) -> Result<Verdict, String> {
    let router = app.app.clone();
    let exchange = tokio::spawn(async move {
        let response = router.oneshot(probe.request).await.unwrap();
        let (parts, body) = response.into_parts();
        let bytes = axum::body::to_bytes(body, 64 * 1024 * 1024).await;
        (parts, bytes)
    });
    let (parts, bytes) = match tokio::time::timeout(HANG, exchange).await {
        Err(_) => return Err(format!("no answer within {HANG:?} (a hang)")),
        Ok(Err(joined)) => return Err(format!("the server panicked: {joined}")),
        Ok(Ok((_, Err(error)))) => return Err(format!("the body broke off: {error}")),
        Ok(Ok((parts, Ok(bytes)))) => (parts, bytes),
    };
    let status = parts.status;
    let content_type = parts
        .headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let shown = || text.chars().take(300).collect::<String>();
    if status.is_server_error() {
        let retry = parts.headers.contains_key(http::header::RETRY_AFTER);
        if status != StatusCode::SERVICE_UNAVAILABLE || !retry {
            return Err(format!("HTTP {status}: {}", shown()));
        }
    }
    let refusal = if status.is_client_error() || status.is_server_error() {
        Some(reason_in_body(&content_type, &text))
    } else if status.is_success() && !bytes.is_empty() {
        jsonrpc_refusal(&content_type, &text)
    } else {
        None
    };
    let refused = refusal.is_some();
    if let Some(reason) = refusal
        && !is_sentence(&reason)
    {
        return Err(format!(
            "HTTP {status} refused without saying why: {:?}",
            shown()
        ));
    }
    Ok(Verdict {
        status: status.as_u16(),
        refused,
    })
}

/// The messages of a JSON-RPC answer (plain JSON or server-sent events) when it is an
/// error or a tool result marked `isError`.
fn jsonrpc_refusal(content_type: &str, text: &str) -> Option<String> {
    let messages: Vec<Value> = if content_type.starts_with("text/event-stream") {
        text.lines()
            .filter_map(|l| l.strip_prefix("data:"))
            .filter_map(|d| serde_json::from_str(d.trim()).ok())
            .collect()
    } else if content_type.starts_with("application/json") {
        serde_json::from_str(text).into_iter().collect()
    } else {
        Vec::new()
    };
    messages.iter().find_map(|message| {
        if let Some(error) = message.get("error") {
            return Some(error["message"].as_str().unwrap_or_default().to_string());
        }
        let result = message.get("result")?;
        (result["isError"] == true).then(|| {
            result["content"][0]["text"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        })
    })
}

/// The words a refusal's body carries: a JSON error's message or description, or the
/// visible text of a page.
fn reason_in_body(content_type: &str, text: &str) -> String {
    if content_type.starts_with("application/json") {
        let Ok(value) = serde_json::from_str::<Value>(text) else {
            return String::new();
        };
        for pointer in ["/error/message", "/error_description", "/message", "/error"] {
            if let Some(reason) = value.pointer(pointer).and_then(Value::as_str) {
                return reason.to_string();
            }
        }
        return jsonrpc_refusal(content_type, text).unwrap_or_default();
    }
    if content_type.starts_with("text/html") {
        return visible_text(text);
    }
    text.to_string()
}

/// Page text outside tags, `<style>` and `<script>` (enough to tell words from markup).
fn visible_text(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        out.push(' ');
        rest = &rest[open..];
        let skip_to = ["<style", "<script"]
            .iter()
            .find(|tag| rest.starts_with(**tag))
            .map(|tag| format!("</{}", &tag[1..]));
        if let Some(end) = skip_to.and_then(|end| rest.find(end.as_str())) {
            rest = &rest[end..];
        }
        match rest.find('>') {
            Some(close) => rest = &rest[close + 1..],
            None => rest = "",
        }
    }
    out.push_str(rest);
    out
}

/// At least three words of letters: a reason, not a bare code.
fn is_sentence(text: &str) -> bool {
    text.split(|c: char| !c.is_alphabetic())
        .filter(|w| w.chars().count() >= 2)
        .count()
        >= 3
}
