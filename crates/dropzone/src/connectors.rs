//! Connectors: integrations that fetch their own artifacts. `http_json` GETs a configured
//! URL; `directory` reads the files of a configured folder. What they fetch goes through
//! the same hash-deduplicated intake as a drop zone submission.

use draxis_protocol::types::IntegrationKind;
use http_body_util::{BodyExt, Empty, Limited};
use hyper::body::Bytes;
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
    headers: std::collections::BTreeMap<String, String>,
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
                http_get(&config, limits.max_artifact_bytes),
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

async fn http_get(config: &HttpJsonConfig, max_bytes: usize) -> Result<Fetched, String> {
    let uri: hyper::Uri = config
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
    let host = uri
        .host()
        .ok_or_else(|| format!("its URL `{}` has no host.", config.url))?;
    let port = uri.port_u16().unwrap_or(80);
    let stream = tokio::net::TcpStream::connect((host, port))
        .await
        .map_err(|e| format!("could not connect to {host}:{port} ({e}); check the URL and that the service is up."))?;
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
            .await
            .map_err(|e| format!("HTTP handshake with {host}:{port} failed ({e})."))?;
    tokio::spawn(async move {
        if let Err(error) = connection.await {
            tracing::debug!(%error, "http_json connection closed");
        }
    });
    let path = uri.path_and_query().map_or("/", |p| p.as_str());
    let mut request = hyper::Request::get(path)
        .header(
            hyper::header::HOST,
            uri.authority().map_or(host, |a| a.as_str()),
        )
        .header(hyper::header::ACCEPT, "application/json, text/*;q=0.8")
        .header(
            hyper::header::USER_AGENT,
            concat!("draxis/", env!("CARGO_PKG_VERSION")),
        );
    for (name, value) in &config.headers {
        request = request.header(name.as_str(), value.as_str());
    }
    let request = request
        .body(Empty::<Bytes>::new())
        .map_err(|e| format!("its headers are not valid HTTP ({e})."))?;
    let response = sender
        .send_request(request)
        .await
        .map_err(|e| format!("the request to {} failed ({e}).", config.url))?;
    let status = response.status();
    if !status.is_success() {
        return Err(format!(
            "{} answered HTTP {status}; check the URL and any credentials in its headers.",
            config.url
        ));
    }
    let mime_type = response
        .headers()
        .get(hyper::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or(v).trim().to_string());
    let body = Limited::new(response.into_body(), max_bytes)
        .collect()
        .await
        .map_err(|e| {
            format!(
                "reading the answer of {} failed ({e}); it may exceed the {max_bytes}-byte limit.",
                config.url
            )
        })?
        .to_bytes();
    let content = String::from_utf8(body.to_vec()).map_err(|_| {
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
