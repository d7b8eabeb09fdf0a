//! Who may reach the server from a browser (DNS-rebinding and cross-origin protection):
//! the `Host` names every route but `/healthz` answers to, and the browser `Origin`s
//! `/api/mcp` serves (the public URL's origin and the operator's `--allowed-origin`s).
//! A request without `Origin` (any non-browser client) is never refused for it.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{StatusCode, header};

/// A `scheme://host:port` triple, lower-cased, with the scheme's default port filled in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Origin {
    scheme: String,
    host: String,
    port: Option<u16>,
}

impl Origin {
    /// Parses an `Origin` header value or a URL's origin part (`null` and paths are not
    /// origins); a port of `*` in `text` is kept as `None` by [`AllowedOrigin`].
    pub(crate) fn parse(text: &str) -> Option<Self> {
        let uri: http::Uri = text.trim().parse().ok()?;
        let scheme = uri.scheme_str()?.to_ascii_lowercase();
        let authority = uri.authority()?;
        if authority.as_str().contains('@') {
            return None;
        }
        let port = authority.port_u16().or(match scheme.as_str() {
            "http" => Some(80),
            "https" => Some(443),
            _ => None,
        });
        Some(Self {
            host: normalized_host(authority.host()),
            scheme,
            port,
        })
    }
}

/// An allowed origin: exact, or with any port (`http://localhost:*`).
#[derive(Debug, Clone)]
struct AllowedOrigin {
    origin: Origin,
    any_port: bool,
}

impl AllowedOrigin {
    fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        match text.strip_suffix(":*") {
            Some(base) => Origin::parse(base).map(|origin| Self {
                origin,
                any_port: true,
            }),
            None => Origin::parse(text).map(|origin| Self {
                origin,
                any_port: false,
            }),
        }
    }

    fn admits(&self, origin: &Origin) -> bool {
        self.origin.scheme == origin.scheme
            && self.origin.host == origin.host
            && (self.any_port || self.origin.port == origin.port)
    }
}

/// An allowed `Host`: a name, or a name and port.
#[derive(Debug, Clone)]
struct AllowedHost {
    host: String,
    port: Option<u16>,
}

/// The hosts and origins the server answers browsers from.
#[derive(Debug, Clone)]
pub(crate) struct Reach {
    /// Empty: any host (the operator allowed `*`).
    hosts: Vec<AllowedHost>,
    public_origin: Option<Origin>,
    origins: Vec<AllowedOrigin>,
}

impl Reach {
    pub(crate) fn new(
        allowed_hosts: &[String],
        public_url: &str,
        allowed_origins: &[String],
    ) -> Self {
        let hosts = allowed_hosts
            .iter()
            .filter_map(|text| {
                let text = text.trim();
                if text.is_empty() {
                    return None;
                }
                match text.parse::<http::uri::Authority>() {
                    Ok(authority) => Some(AllowedHost {
                        host: normalized_host(authority.host()),
                        port: authority.port_u16(),
                    }),
                    Err(_) => Some(AllowedHost {
                        host: normalized_host(text),
                        port: None,
                    }),
                }
            })
            .collect();
        Self {
            hosts,
            public_origin: Origin::parse(public_url),
            origins: allowed_origins
                .iter()
                .filter_map(|o| AllowedOrigin::parse(o))
                .collect(),
        }
    }

    /// `Err` with the refused host (escaped) when the request names a host we do not
    /// answer to. A request that names none (HTTP/1.0) passes.
    fn check_host(&self, request: &Request) -> Result<(), String> {
        if self.hosts.is_empty() {
            return Ok(());
        }
        let named = match request.headers().get(header::HOST) {
            Some(value) => value.to_str().ok().map(str::to_string),
            None => match request.uri().authority() {
                Some(authority) => Some(authority.as_str().to_string()),
                None => return Ok(()),
            },
        };
        let refused = || {
            let shown = request
                .headers()
                .get(header::HOST)
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
                .unwrap_or_default();
            escaped(&shown)
        };
        let Some(authority) = named.and_then(|n| n.parse::<http::uri::Authority>().ok()) else {
            return Err(refused());
        };
        let host = normalized_host(authority.host());
        let port = authority.port_u16();
        if self
            .hosts
            .iter()
            .any(|allowed| allowed.host == host && allowed.port.is_none_or(|p| Some(p) == port))
        {
            Ok(())
        } else {
            Err(refused())
        }
    }

    /// Whether a browser `Origin` is the public URL's.
    pub(crate) fn is_public_origin(&self, origin: &str) -> bool {
        Origin::parse(origin).is_some_and(|o| Some(&o) == self.public_origin.as_ref())
    }

    /// Whether `/api/mcp` serves a browser page from `origin`.
    fn admits_origin(&self, origin: &str) -> bool {
        self.is_public_origin(origin)
            || Origin::parse(origin).is_some_and(|o| self.origins.iter().any(|a| a.admits(&o)))
    }
}

/// Lower-case, without IPv6 brackets.
fn normalized_host(host: &str) -> String {
    host.trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase()
}

/// Text from a request as a message may quote it: escaped, at most 200 characters.
fn escaped(text: &str) -> String {
    text.chars()
        .take(200)
        .flat_map(char::escape_debug)
        .collect()
}

/// A JSON-RPC error answer (no id: the request was not read) with `status`.
fn json_rpc_refusal(status: StatusCode, message: String) -> Response {
    let body = serde_json::json!({
        "jsonrpc": "2.0",
        "id": null,
        "error": {"code": -32600, "message": message},
    });
    (status, axum::Json(body)).into_response()
}

/// `/api/mcp`: refuses (403, JSON-RPC error) a `Host` we do not answer to and a present
/// `Origin` that is neither the public URL's nor allowed, before credentials are read.
pub(crate) async fn guard_mcp(
    State(reach): State<Arc<Reach>>,
    request: Request,
    next: Next,
) -> Response {
    if let Err(host) = reach.check_host(&request) {
        tracing::warn!(host = %host, "refused /api/mcp for a Host it does not answer to");
        return json_rpc_refusal(
            StatusCode::FORBIDDEN,
            format!(
                "this server does not answer to the host name `{host}` (DNS-rebinding protection): use its public URL, or start draxis-server with --allowed-host {host}"
            ),
        );
    }
    if let Some(origin) = request.headers().get(header::ORIGIN) {
        let text = origin.to_str().unwrap_or_default();
        if !reach.admits_origin(text) {
            let shown = escaped(&String::from_utf8_lossy(origin.as_bytes()));
            tracing::warn!(origin = %shown, "refused /api/mcp for a browser Origin it does not allow");
            return json_rpc_refusal(
                StatusCode::FORBIDDEN,
                format!(
                    "browser origin `{shown}` is not allowed to call this server: to allow a web app at that origin, start draxis-server with --allowed-origin {shown} (or DRAXIS_ALLOWED_ORIGINS)"
                ),
            );
        }
    }
    next.run(request).await
}

/// The console and the OAuth endpoints: refuse (421) a `Host` we do not answer to, so a
/// DNS-rebinding page cannot reach them under its own name.
pub(crate) async fn guard_pages(
    State(reach): State<Arc<Reach>>,
    request: Request,
    next: Next,
) -> Response {
    if let Err(host) = reach.check_host(&request) {
        tracing::warn!(host = %host, "refused a page for a Host it does not answer to");
        return (
            StatusCode::MISDIRECTED_REQUEST,
            format!(
                "This server does not answer to the host name `{host}`. Open it at its public URL, or ask the operator to add the name with --allowed-host.\n"
            ),
        )
            .into_response();
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reach() -> Reach {
        Reach::new(
            &[
                "localhost".into(),
                "127.0.0.1".into(),
                "::1".into(),
                "app.example:8443".into(),
            ],
            "http://127.0.0.1:8080",
            &["https://web.example".into(), "http://localhost:*".into()],
        )
    }

    fn with_host(host: &str) -> Request {
        Request::builder()
            .uri("/x")
            .header(header::HOST, host)
            .body(axum::body::Body::empty())
            .unwrap_or_default()
    }

    #[test]
    fn hosts_are_the_allowed_names() {
        let reach = reach();
        for good in ["127.0.0.1:8080", "LOCALHOST", "[::1]:9", "app.example:8443"] {
            assert!(reach.check_host(&with_host(good)).is_ok(), "{good}");
        }
        for bad in [
            "evil.example",
            "app.example:1",
            "127.0.0.1.evil.example",
            "a b",
        ] {
            assert!(reach.check_host(&with_host(bad)).is_err(), "{bad}");
        }
        let any = Reach::new(&[], "http://127.0.0.1:8080", &[]);
        assert!(any.check_host(&with_host("evil.example")).is_ok());
    }

    #[test]
    fn origins_are_the_public_one_and_the_allowed_ones() {
        let reach = reach();
        assert!(reach.admits_origin("http://127.0.0.1:8080"));
        assert!(reach.admits_origin("https://web.example:443"));
        assert!(reach.admits_origin("https://WEB.example"));
        assert!(reach.admits_origin("http://localhost:3000"));
        for bad in [
            "https://evil.example",
            "http://127.0.0.1:8081",
            "http://localhost.evil.example",
            "https://localhost:3000",
            "null",
            "",
            "http://user@127.0.0.1:8080",
        ] {
            assert!(!reach.admits_origin(bad), "{bad}");
        }
        assert!(!reach.is_public_origin("http://localhost:8080"));
    }
}
