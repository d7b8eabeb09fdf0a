//! A minimal MCP client for the read benchmark: one kept-alive HTTP/1.1 connection
//! (hyper), stateless JSON-RPC `tools/call` POSTs, answers checked and measured.

use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
use serde_json::Value;

/// One tool answer: how long it took and how big its `structuredContent` is.
pub(super) struct Answer {
    pub elapsed: Duration,
    /// `JSON.stringify(structuredContent).length`: UTF-16 code units.
    pub structured_chars: usize,
    pub structured: Value,
}

pub(super) struct Client {
    sender: SendRequest<Full<Bytes>>,
    host: String,
    path: String,
    token: String,
}

impl Client {
    pub(super) async fn connect(mcp_url: &str, token: &str) -> anyhow::Result<Self> {
        let rest = mcp_url
            .strip_prefix("http://")
            .with_context(|| format!("not an http:// URL: {mcp_url}"))?;
        let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        let stream = tokio::net::TcpStream::connect(host)
            .await
            .with_context(|| format!("cannot connect to {host}"))?;
        stream.set_nodelay(true)?;
        let (sender, connection) =
            hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
        tokio::spawn(connection);
        Ok(Self {
            sender,
            host: host.to_string(),
            path: path.to_string(),
            token: token.to_string(),
        })
    }

    /// Calls `tool` with `arguments`; fails unless the answer is a successful tool result.
    pub(super) async fn call(&mut self, tool: &str, arguments: &Value) -> anyhow::Result<Answer> {
        let body = serde_json::json!({
            "jsonrpc": "2.0", "id": 1, "method": "tools/call",
            "params": {"name": tool, "arguments": arguments},
        })
        .to_string();
        let request = hyper::Request::post(&self.path)
            .header("Host", &self.host)
            .header("Content-Type", "application/json")
            .header("Accept", "application/json, text/event-stream")
            .header("MCP-Protocol-Version", "2025-11-25")
            .header("Authorization", format!("Bearer {}", self.token))
            .body(Full::new(Bytes::from(body)))?;
        let started = Instant::now();
        self.sender.ready().await?;
        let response = self.sender.send_request(request).await?;
        let status = response.status();
        let bytes = response.into_body().collect().await?.to_bytes();
        let elapsed = started.elapsed();
        if !status.is_success() {
            bail!(
                "{tool} {arguments}: HTTP {status}: {}",
                String::from_utf8_lossy(&bytes)
            );
        }
        let message: Value = serde_json::from_slice(&bytes).context("the answer is not JSON")?;
        let result = message
            .get("result")
            .with_context(|| format!("{tool} {arguments}: no result: {message}"))?;
        if result.get("isError") == Some(&Value::Bool(true)) {
            bail!("{tool} {arguments} answered an error: {result}");
        }
        let structured = result
            .get("structuredContent")
            .cloned()
            .unwrap_or(Value::Null);
        Ok(Answer {
            elapsed,
            structured_chars: structured.to_string().encode_utf16().count(),
            structured,
        })
    }
}
