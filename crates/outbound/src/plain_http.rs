//! Plain-http GETs for `http_json` connectors: one connection per fetch, to an address
//! checked against the [`AddressPolicy`] (public only unless the operator allows private
//! networks), the body read up to the caller's limit and only for a success status.

use async_trait::async_trait;
use draxis_dropzone::connectors::{HttpAnswer, HttpFetch, HttpGet};
use http_body_util::{BodyExt, Empty, Limited};
use hyper::body::Bytes;

use crate::address::{AddressPolicy, connect_any, resolve_allowed};
use crate::http1;

/// The Drop Zone's connector fetcher over hyper's HTTP/1 client.
#[derive(Debug, Clone, Copy, Default)]
pub struct PlainHttp {
    policy: AddressPolicy,
}

impl PlainHttp {
    /// A fetcher reaching the addresses `policy` allows.
    pub fn new(policy: AddressPolicy) -> Self {
        Self { policy }
    }
}

#[async_trait]
impl HttpFetch for PlainHttp {
    async fn get(&self, request: HttpGet<'_>) -> Result<HttpAnswer, String> {
        let HttpGet {
            url,
            uri,
            accept,
            headers,
            max_bytes,
        } = request;
        let host = uri
            .host()
            .ok_or_else(|| format!("its URL `{url}` has no host."))?;
        let port = uri.port_u16().unwrap_or(80);
        let addresses = resolve_allowed(host, port, self.policy, "its URL's")
            .await
            .map_err(|refusal| {
                if self.policy == AddressPolicy::PublicOnly {
                    format!(
                        "{refusal}; an operator who runs this service on a private network \
                         can allow it with draxis-server --connector-allow-private."
                    )
                } else {
                    format!("{refusal}.")
                }
            })?;
        let stream = connect_any(&addresses)
            .await
            .map_err(|e| format!("could not connect to {host}:{port} ({e}); check the URL and that the service is up."))?;
        let mut sender = http1::handshake(stream, "http_json")
            .await
            .map_err(|e| format!("HTTP handshake with {host}:{port} failed ({e})."))?;
        let path = uri.path_and_query().map_or("/", |p| p.as_str());
        let mut builder = hyper::Request::get(path)
            .header(hyper::header::HOST, host_header(host, uri.port_u16()))
            .header(hyper::header::ACCEPT, accept)
            .header(hyper::header::USER_AGENT, http1::USER_AGENT);
        for (name, value) in headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        let request = builder
            .body(Empty::<Bytes>::new())
            .map_err(|e| format!("its headers are not valid HTTP ({e})."))?;
        let response = sender
            .send_request(request)
            .await
            .map_err(|e| format!("the request to {url} failed ({e})."))?;
        let status = response.status();
        let content_type = response
            .headers()
            .get(hyper::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        if !status.is_success() {
            return Ok(HttpAnswer {
                status,
                content_type,
                body: Vec::new(),
            });
        }
        let body = Limited::new(response.into_body(), max_bytes)
            .collect()
            .await
            .map_err(|e| {
                format!(
                    "reading the answer of {url} failed ({e}); it may exceed the {max_bytes}-byte limit."
                )
            })?
            .to_bytes()
            .to_vec();
        Ok(HttpAnswer {
            status,
            content_type,
            body,
        })
    }
}

/// `Host` for the request: the host and any explicit port, never the URL's userinfo.
fn host_header(host: &str, port: Option<u16>) -> String {
    match port {
        Some(port) => format!("{host}:{port}"),
        None => host.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::collections::BTreeMap;

    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    use super::*;

    /// Serves one connection with `answer`, returning what the client sent.
    async fn serve_once(answer: &'static str) -> (String, tokio::task::JoinHandle<String>) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/export/kris.json", listener.local_addr().unwrap());
        let server = tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut received = Vec::new();
            let mut buffer = [0u8; 1024];
            while !received.ends_with(b"\r\n\r\n") {
                let n = socket.read(&mut buffer).await.unwrap();
                if n == 0 {
                    break;
                }
                received.extend_from_slice(&buffer[..n]);
            }
            socket.write_all(answer.as_bytes()).await.unwrap();
            socket.shutdown().await.ok();
            String::from_utf8_lossy(&received).into_owned()
        });
        (url, server)
    }

    async fn get(url: &str, max_bytes: usize) -> Result<HttpAnswer, String> {
        get_with(PlainHttp::new(AddressPolicy::AllowPrivate), url, max_bytes).await
    }

    async fn get_with(http: PlainHttp, url: &str, max_bytes: usize) -> Result<HttpAnswer, String> {
        let uri: http::Uri = url.parse().unwrap();
        let headers = BTreeMap::from([("x-api-key".to_string(), "k1".to_string())]);
        http.get(HttpGet {
            url,
            uri: &uri,
            accept: "application/json",
            headers: &headers,
            max_bytes,
        })
        .await
    }

    #[tokio::test]
    async fn a_success_brings_its_body_and_sends_the_configured_headers() {
        let (url, server) = serve_once(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: 8\r\n\r\n{\"a\": 1}",
        )
        .await;
        let answer = get(&url, 1024).await.unwrap();
        assert_eq!(answer.status, http::StatusCode::OK);
        assert_eq!(
            answer.content_type.as_deref(),
            Some("application/json; charset=utf-8")
        );
        assert_eq!(answer.body, b"{\"a\": 1}");
        let sent = server.await.unwrap().to_ascii_lowercase();
        assert!(sent.starts_with("get /export/kris.json http/1.1"), "{sent}");
        assert!(sent.contains("accept: application/json"), "{sent}");
        assert!(sent.contains("x-api-key: k1"), "{sent}");
    }

    #[tokio::test]
    async fn a_failure_status_comes_back_without_its_body() {
        let (url, _server) =
            serve_once("HTTP/1.1 404 Not Found\r\ncontent-length: 9\r\n\r\nnot found").await;
        let answer = get(&url, 1024).await.unwrap();
        assert_eq!(answer.status, http::StatusCode::NOT_FOUND);
        assert!(answer.body.is_empty());
    }

    #[tokio::test]
    async fn a_body_over_the_limit_is_refused_with_a_sentence() {
        let (url, _server) =
            serve_once("HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\n0123456789").await;
        let error = get(&url, 4).await.unwrap_err();
        assert!(error.contains("it may exceed the 4-byte limit"), "{error}");
    }

    #[tokio::test]
    async fn loopback_is_refused_by_default_and_names_the_opt_in() {
        let (url, server) = serve_once("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}").await;
        let error = get_with(PlainHttp::default(), &url, 1024)
            .await
            .unwrap_err();
        assert!(error.contains("non-public address"), "{error}");
        assert!(error.contains("--connector-allow-private"), "{error}");
        let userinfo = url.replace("http://", "http://user:pw@");
        let answer = get(&userinfo, 1024).await.unwrap();
        assert_eq!(answer.body, b"{}");
        let sent = server.await.unwrap();
        assert!(!sent.contains("pw"), "{sent}");
    }
}
