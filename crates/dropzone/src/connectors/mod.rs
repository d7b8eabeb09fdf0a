//! Connectors: integrations that fetch their own artifacts. `http_json` GETs a configured
//! URL (`http_json.rs`); `directory` reads the files of a configured folder
//! (`directory.rs`). What they fetch goes through the same hash-deduplicated intake as a
//! drop zone submission. The network itself is behind [`HttpFetch`], implemented in
//! `draxis-outbound`. A URL is never repeated as configured: every sentence and stored
//! string shows it through [`redact_url`], without credentials or query values.

mod directory;
mod http_json;
mod redact;

use draxis_protocol::types::IntegrationKind;

use crate::limits::DropZoneLimits;

pub use http_json::{HttpAnswer, HttpFetch, HttpGet, NoHttp};
pub use redact::redact_url;

/// One artifact a connector fetched.
#[derive(Debug, Clone)]
pub struct Fetched {
    pub content: String,
    pub filename: Option<String>,
    pub mime_type: Option<String>,
    /// The URL (redacted) or file path, for the audit trail.
    pub source: String,
}

/// Fetches a connector's artifacts; the error is a sentence for the caller.
pub async fn fetch(
    http: &dyn HttpFetch,
    kind: IntegrationKind,
    config: &str,
    limits: &DropZoneLimits,
) -> Result<Vec<Fetched>, String> {
    match kind {
        IntegrationKind::DropZone => Ok(Vec::new()),
        IntegrationKind::HttpJson => http_json::fetch(http, config, limits)
            .await
            .map(|f| vec![f]),
        IntegrationKind::Directory => directory::fetch(config, limits.max_artifact_bytes).await,
    }
}
