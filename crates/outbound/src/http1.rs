//! One HTTP/1 connection per request: the handshake over an open stream, with the
//! connection driven on its own task until the answer has been read.

use http_body_util::Empty;
use hyper::body::Bytes;
use hyper::client::conn::http1::SendRequest;
use tokio::io::{AsyncRead, AsyncWrite};

/// The user agent of every outbound request.
pub(crate) const USER_AGENT: &str = concat!("draxis/", env!("CARGO_PKG_VERSION"));

/// Speaks HTTP/1 over `stream`; `purpose` names the connection in debug logs.
pub(crate) async fn handshake<S>(
    stream: S,
    purpose: &'static str,
) -> Result<SendRequest<Empty<Bytes>>, hyper::Error>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let (sender, connection) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream)).await?;
    tokio::spawn(async move {
        if let Err(error) = connection.await {
            tracing::debug!(%error, "{purpose} connection closed");
        }
    });
    Ok(sender)
}
