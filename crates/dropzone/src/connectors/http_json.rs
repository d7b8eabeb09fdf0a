//! The `http_json` connector: one GET of a configured plain-http URL through
//! [`HttpFetch`]. Its sentences and the artifact's recorded source show the URL only as
//! [`redact_url`] does, so credentials in it reach neither the caller nor the audit trail.

use std::collections::BTreeMap;

use async_trait::async_trait;
use serde::Deserialize;

use super::Fetched;
use super::redact::redact_url;
use crate::limits::DropZoneLimits;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct HttpJsonConfig {
    url: String,
    #[serde(default)]
    headers: BTreeMap<String, String>,
}

/// A GET over plain http, as an `http_json` connector makes it.
#[derive(Debug, Clone, Copy)]
pub struct HttpGet<'a> {
    /// The URL for sentences: redacted, without credentials or query values.
    pub url: &'a str,
    /// The URL as configured, parsed; its scheme is `http` and it has a host.
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

/// Fetches the configured URL within the connector time limit.
pub(super) async fn fetch(
    http: &dyn HttpFetch,
    config: &str,
    limits: &DropZoneLimits,
) -> Result<Fetched, String> {
    let config: HttpJsonConfig = serde_json::from_str(config).map_err(|e| {
        format!(
            "its configuration is not valid ({e}); it needs {{\"url\": \"http://...\"}} \
             and optionally \"headers\"."
        )
    })?;
    let shown = redact_url(&config.url);
    tokio::time::timeout(
        limits.fetch_timeout,
        get(http, &config, &shown, limits.max_artifact_bytes),
    )
    .await
    .map_err(|_| {
        format!(
            "{shown} did not answer within {} s; check that the service is up.",
            limits.fetch_timeout.as_secs()
        )
    })?
}

async fn get(
    http: &dyn HttpFetch,
    config: &HttpJsonConfig,
    shown: &str,
    max_bytes: usize,
) -> Result<Fetched, String> {
    let uri: http::Uri = config
        .url
        .parse()
        .map_err(|e| format!("its URL `{shown}` does not parse ({e})."))?;
    match uri.scheme_str() {
        Some("http") => {}
        Some("https") => {
            return Err(format!(
                "its URL `{shown}` is https, and this build's http_json connector speaks plain \
                 http only; point it at an http endpoint (for example a local TLS-terminating \
                 proxy)."
            ));
        }
        _ => return Err(format!("its URL `{shown}` must start with http://.")),
    }
    if uri.host().is_none() {
        return Err(format!("its URL `{shown}` has no host."));
    }
    let answer = http
        .get(HttpGet {
            url: shown,
            uri: &uri,
            accept: "application/json, text/*;q=0.8",
            headers: &config.headers,
            max_bytes,
        })
        .await?;
    let status = answer.status;
    if !status.is_success() {
        return Err(format!(
            "{shown} answered HTTP {status}; check the URL and any credentials in its headers."
        ));
    }
    let mime_type = answer
        .content_type
        .as_deref()
        .map(|v| v.split(';').next().unwrap_or(v).trim().to_string());
    let content = String::from_utf8(answer.body)
        .map_err(|_| format!("{shown} answered with bytes that are not UTF-8 text."))?;
    let filename = uri
        .path()
        .rsplit('/')
        .find(|s| !s.is_empty())
        .map(str::to_string);
    Ok(Fetched {
        content,
        filename,
        mime_type,
        source: shown.to_string(),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::time::Duration;

    use super::*;

    /// Answers every GET with `status` and a small JSON body.
    struct Answering(http::StatusCode);

    #[async_trait]
    impl HttpFetch for Answering {
        async fn get(&self, _request: HttpGet<'_>) -> Result<HttpAnswer, String> {
            Ok(HttpAnswer {
                status: self.0,
                content_type: None,
                body: b"{}".to_vec(),
            })
        }
    }

    const SECRET_URL: &str = "http://scanner:hunter2@scanner.example/kris.json?api_key=s3cret";

    fn config(url: &str) -> String {
        serde_json::json!({ "url": url }).to_string()
    }

    fn assert_redacted(text: &str) {
        assert!(!text.contains("hunter2"), "{text}");
        assert!(!text.contains("s3cret"), "{text}");
        assert!(!text.contains("scanner:"), "{text}");
    }

    #[tokio::test]
    async fn no_sentence_or_source_carries_the_urls_credentials() {
        let limits = DropZoneLimits::default();
        for http in [
            Answering(http::StatusCode::UNAUTHORIZED),
            Answering(http::StatusCode::OK),
        ] {
            match fetch(&http, &config(SECRET_URL), &limits).await {
                Err(sentence) => {
                    assert!(sentence.contains("api_key=…"), "{sentence}");
                    assert_redacted(&sentence);
                }
                Ok(fetched) => {
                    assert_eq!(fetched.source, "http://scanner.example/kris.json?api_key=…");
                }
            }
        }
        let refused = fetch(&NoHttp, &config(SECRET_URL), &limits)
            .await
            .unwrap_err();
        assert_redacted(&refused);
        let https = SECRET_URL.replace("http://", "https://");
        let unparsable = SECRET_URL.replace("scanner.example", "scan ner");
        for url in [
            https.as_str(),
            unparsable.as_str(),
            "gopher://u:hunter2@h/?s3cret",
        ] {
            let refused = fetch(&NoHttp, &config(url), &limits).await.unwrap_err();
            assert_redacted(&refused);
        }
    }

    /// Never answers.
    struct Silent;

    #[async_trait]
    impl HttpFetch for Silent {
        async fn get(&self, _request: HttpGet<'_>) -> Result<HttpAnswer, String> {
            std::future::pending().await
        }
    }

    #[tokio::test]
    async fn a_timeout_sentence_is_redacted_too() {
        let limits = DropZoneLimits {
            fetch_timeout: Duration::from_millis(10),
            ..DropZoneLimits::default()
        };
        let refused = fetch(&Silent, &config(SECRET_URL), &limits)
            .await
            .unwrap_err();
        assert!(refused.contains("did not answer"), "{refused}");
        assert_redacted(&refused);
    }
}
