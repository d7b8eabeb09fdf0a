//! A request id on every request: taken from the caller's `x-request-id` when it is sane
//! (1-64 characters of letters, digits, `-`, `_`, `.`, `:`), else made here; every log line
//! written while the request is served carries it (a `request` span), and the answer
//! returns it in `x-request-id`. Only the path is logged, never the query (it may hold an
//! OAuth code) nor any header.

use std::hash::{BuildHasher, Hasher};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use http::HeaderValue;
use tracing::Instrument;

/// The header carrying the id both ways.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// The id of the request being served, in its extensions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestId(pub String);

/// Whether a caller's id may be used as is (and so logged and echoed).
fn is_sane(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}

/// A new id: this process's random prefix and a counter, unique across replicas in
/// practice and cheap to make.
fn generate() -> String {
    static PREFIX: OnceLock<u64> = OnceLock::new();
    static NEXT: AtomicU64 = AtomicU64::new(1);
    let prefix = PREFIX.get_or_init(|| {
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos()),
        );
        hasher.write_u32(std::process::id());
        hasher.finish()
    });
    format!("{prefix:016x}-{:x}", NEXT.fetch_add(1, Ordering::Relaxed))
}

/// The span a request's log lines are written in.
pub(crate) fn request_span(id: &str) -> tracing::Span {
    tracing::info_span!("request", request_id = %id)
}

/// Middleware: picks the id, serves the request inside its span, echoes the id.
pub(crate) async fn with_request_id(mut request: Request, next: Next) -> Response {
    let id = request
        .headers()
        .get(REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|id| is_sane(id))
        .map_or_else(generate, str::to_string);
    let span = request_span(&id);
    span.in_scope(|| {
        tracing::debug!(method = %request.method(), path = %request.uri().path(), "request");
    });
    request.extensions_mut().insert(RequestId(id.clone()));
    let mut response = next.run(request).instrument(span).await;
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID_HEADER, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_short_plain_ids_are_taken_from_the_caller() {
        assert!(is_sane("abc-123_x.y:z"));
        assert!(!is_sane(""));
        assert!(!is_sane(&"a".repeat(65)));
        assert!(!is_sane("a\nb"));
        assert!(!is_sane("a b"));
        assert!(!is_sane("é"));
    }

    #[test]
    fn made_ids_are_sane_and_distinct() {
        let (a, b) = (generate(), generate());
        assert!(is_sane(&a) && is_sane(&b));
        assert_ne!(a, b);
    }
}
