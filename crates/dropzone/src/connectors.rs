//! Connectors: integrations that fetch their own artifacts. `http_json` GETs a configured
//! URL; `directory` reads the files of a configured folder. What they fetch goes through
//! the same hash-deduplicated intake as a drop zone submission. The network itself is
//! behind [`HttpFetch`], implemented in `draxis-outbound`.

use std::collections::BTreeMap;

use async_trait::async_trait;
use draxis_protocol::types::IntegrationKind;
use serde::Deserialize;

use crate::limits::DropZoneLimits;

/// One artifact a connector fetched.
#[derive(Debug, Clone)]
pub struct Fetched {
    pub content: String,
    pub filename: Option<String>,
    pub mime_type: Option<String>,
    /// URL or file path, for the audit trail.
    pub source: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct HttpJsonConfig {
    url: String,
    #[serde(default)]
    headers: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DirectoryConfig {
    path: String,
    /// Only files whose name ends with one of these (e.g. [".csv", ".txt"]); all when empty.
    #[serde(default)]
    extensions: Vec<String>,
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
        IntegrationKind::HttpJson => {
            let config: HttpJsonConfig = serde_json::from_str(config).map_err(|e| {
                format!(
                    "its configuration is not valid ({e}); it needs {{\"url\": \"http://...\"}} \
                     and optionally \"headers\"."
                )
            })?;
            tokio::time::timeout(
                limits.fetch_timeout,
                http_get(http, &config, limits.max_artifact_bytes),
            )
            .await
            .map_err(|_| {
                format!(
                    "{} did not answer within {} s; check that the service is up.",
                    config.url,
                    limits.fetch_timeout.as_secs()
                )
            })?
            .map(|f| vec![f])
        }
        IntegrationKind::Directory => {
            let config: DirectoryConfig = serde_json::from_str(config).map_err(|e| {
                format!(
                    "its configuration is not valid ({e}); it needs {{\"path\": \"/folder\"}} \
                     and optionally \"extensions\"."
                )
            })?;
            read_directory(&config, limits.max_artifact_bytes).await
        }
    }
}

/// A GET over plain http, as an `http_json` connector makes it.
#[derive(Debug, Clone, Copy)]
pub struct HttpGet<'a> {
    /// The URL as configured, for sentences.
    pub url: &'a str,
    /// The same URL parsed; its scheme is `http` and it has a host.
    pub uri: &'a http::Uri,
    /// The `Accept` header.
    pub accept: &'a str,
    /// Headers from the connector's configuration, sent after the standard ones.
    pub headers: &'a BTreeMap<String, String>,
    /// Most body bytes read.
    pub max_bytes: usize,
}

/// What the server answered.
#[derive(Debug, Clone)]
pub struct HttpAnswer {
    pub status: http::StatusCode,
    /// The `Content-Type` header as sent, if any.
    pub content_type: Option<String>,
    /// The body, read only for a success status.
    pub body: Vec<u8>,
}

/// How connectors reach the network. Implemented outside this crate (by
/// `draxis-outbound`) and handed to [`crate::DropZone`] by the composition root; an
/// error is a sentence for the caller.
#[async_trait]
pub trait HttpFetch: Send + Sync {
    async fn get(&self, request: HttpGet<'_>) -> Result<HttpAnswer, String>;
}

/// A process without outbound HTTP (tests, tools that never run `http_json` connectors):
/// every fetch is refused with a sentence.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoHttp;

#[async_trait]
impl HttpFetch for NoHttp {
    async fn get(&self, request: HttpGet<'_>) -> Result<HttpAnswer, String> {
        Err(format!(
            "this process makes no outbound HTTP requests, so {} was not fetched; run the \
             integration from draxis-server.",
            request.url
        ))
    }
}

async fn http_get(
    http: &dyn HttpFetch,
    config: &HttpJsonConfig,
    max_bytes: usize,
) -> Result<Fetched, String> {
    let uri: http::Uri = config
        .url
        .parse()
        .map_err(|e| format!("its URL `{}` does not parse ({e}).", config.url))?;
    match uri.scheme_str() {
        Some("http") => {}
        Some("https") => {
            return Err(format!(
                "its URL `{}` is https, and this build's http_json connector speaks plain \
                 http only; point it at an http endpoint (for example a local TLS-terminating \
                 proxy).",
                config.url
            ));
        }
        _ => return Err(format!("its URL `{}` must start with http://.", config.url)),
    }
    if uri.host().is_none() {
        return Err(format!("its URL `{}` has no host.", config.url));
    }
    let answer = http
        .get(HttpGet {
            url: &config.url,
            uri: &uri,
            accept: "application/json, text/*;q=0.8",
            headers: &config.headers,
            max_bytes,
        })
        .await?;
    let status = answer.status;
    if !status.is_success() {
        return Err(format!(
            "{} answered HTTP {status}; check the URL and any credentials in its headers.",
            config.url
        ));
    }
    let mime_type = answer
        .content_type
        .as_deref()
        .map(|v| v.split(';').next().unwrap_or(v).trim().to_string());
    let content = String::from_utf8(answer.body).map_err(|_| {
        format!(
            "{} answered with bytes that are not UTF-8 text.",
            config.url
        )
    })?;
    let filename = uri
        .path()
        .rsplit('/')
        .find(|s| !s.is_empty())
        .map(str::to_string);
    Ok(Fetched {
        content,
        filename,
        mime_type,
        source: config.url.clone(),
    })
}

async fn read_directory(
    config: &DirectoryConfig,
    max_bytes: usize,
) -> Result<Vec<Fetched>, String> {
    let mut entries = tokio::fs::read_dir(&config.path).await.map_err(|e| {
        format!(
            "cannot read the folder `{}` ({e}); create it or correct the path.",
            config.path
        )
    })?;
    let mut files = Vec::new();
    while let Some(entry) = entries
        .next_entry()
        .await
        .map_err(|e| format!("listing `{}` failed ({e}).", config.path))?
    {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        if !config.extensions.is_empty()
            && !config.extensions.iter().any(|ext| {
                name.to_ascii_lowercase()
                    .ends_with(&ext.to_ascii_lowercase())
            })
        {
            continue;
        }
        let Ok(meta) = entry.metadata().await else {
            continue;
        };
        if !meta.is_file() {
            continue;
        }
        if meta.len() as usize > max_bytes {
            tracing::warn!(file = %entry.path().display(), "file over the artifact size limit skipped");
            continue;
        }
        files.push((name, entry.path()));
    }
    files.sort();
    let mut out = Vec::with_capacity(files.len());
    for (name, path) in files {
        let bytes = tokio::fs::read(&path)
            .await
            .map_err(|e| format!("reading `{}` failed ({e}).", path.display()))?;
        let Ok(content) = String::from_utf8(bytes) else {
            tracing::warn!(file = %path.display(), "file that is not UTF-8 text skipped");
            continue;
        };
        out.push(Fetched {
            mime_type: mime_from_name(&name),
            filename: Some(name),
            content,
            source: path.display().to_string(),
        });
    }
    Ok(out)
}

fn mime_from_name(name: &str) -> Option<String> {
    let ext = name.rsplit('.').next()?.to_ascii_lowercase();
    Some(
        match ext.as_str() {
            "json" => "application/json",
            "csv" => "text/csv",
            "tsv" => "text/tab-separated-values",
            "md" => "text/markdown",
            "html" | "htm" => "text/html",
            "txt" | "log" => "text/plain",
            "yaml" | "yml" => "application/yaml",
            _ => return None,
        }
        .to_string(),
    )
}
