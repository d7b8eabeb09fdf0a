//! Fetching Client ID Metadata Documents over https for the authorization server (its
//! `ClientMetadataSource`): a short timeout, a size cap, TLS against the Web PKI (plus an
//! operator-supplied CA), and no requests to private, loopback or link-local addresses
//! unless allowed, so a `client_id` cannot make the server probe its own network.

use std::sync::Arc;
use std::time::Duration;

use draxis_auth::server::{ClientMetadataSource, FetchedDocument, MAX_CLIENT_METADATA_BYTES};
use http_body_util::{BodyExt, Empty, Limited};
use hyper::body::Bytes;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};

use crate::address::{AddressPolicy, connect_any, resolve_allowed};
use crate::http1;

/// The https fetcher behind `--client-metadata-documents`.
pub struct HttpsClientMetadata {
    tls: tokio_rustls::TlsConnector,
    timeout: Duration,
    allow_private_addresses: bool,
}

impl std::fmt::Debug for HttpsClientMetadata {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpsClientMetadata")
            .field("timeout", &self.timeout)
            .field("allow_private_addresses", &self.allow_private_addresses)
            .finish_non_exhaustive()
    }
}

impl HttpsClientMetadata {
    /// Trusts the Web PKI roots, plus the PEM certificates in `extra_ca_pem` if given.
    pub fn new(
        extra_ca_pem: Option<&[u8]>,
        allow_private_addresses: bool,
        timeout: Duration,
    ) -> Result<Self, String> {
        let mut roots = rustls::RootCertStore::empty();
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        if let Some(pem) = extra_ca_pem {
            let mut added = 0;
            for cert in CertificateDer::pem_slice_iter(pem) {
                let cert = cert.map_err(|e| format!("the CA file is not PEM ({e})"))?;
                roots
                    .add(cert)
                    .map_err(|e| format!("the CA file holds an unusable certificate ({e})"))?;
                added += 1;
            }
            if added == 0 {
                return Err("the CA file holds no PEM certificate".into());
            }
        }
        let config = rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_root_certificates(roots)
        .with_no_client_auth();
        Ok(Self {
            tls: tokio_rustls::TlsConnector::from(Arc::new(config)),
            timeout,
            allow_private_addresses,
        })
    }

    async fn get(&self, url: &str) -> Result<FetchedDocument, String> {
        let uri: hyper::Uri = url
            .parse()
            .map_err(|_| "its client_id is not a URL".to_string())?;
        let host = uri.host().ok_or("its client_id has no host")?.to_string();
        let port = uri.port_u16().unwrap_or(443);
        let policy = if self.allow_private_addresses {
            AddressPolicy::AllowPrivate
        } else {
            AddressPolicy::PublicOnly
        };
        let addresses = resolve_allowed(&host, port, policy, "its").await?;
        let tcp = connect_any(&addresses)
            .await
            .map_err(|e| format!("{host} refused the connection ({e})"))?;
        let name = ServerName::try_from(host.clone())
            .map_err(|_| format!("{host} is not a valid TLS server name"))?;
        let tls = self
            .tls
            .connect(name, tcp)
            .await
            .map_err(|e| format!("TLS with {host} failed ({e})"))?;
        let mut sender = http1::handshake(tls, "client metadata")
            .await
            .map_err(|e| format!("HTTP with {host} failed ({e})"))?;
        let path = uri.path_and_query().map_or("/", |p| p.as_str());
        let authority = uri.authority().map_or(host.as_str(), |a| a.as_str());
        let request = hyper::Request::get(path)
            .header(hyper::header::HOST, authority)
            .header(hyper::header::ACCEPT, "application/json")
            .header(hyper::header::USER_AGENT, http1::USER_AGENT)
            .body(Empty::<Bytes>::new())
            .map_err(|e| e.to_string())?;
        let response = sender
            .send_request(request)
            .await
            .map_err(|e| format!("fetching its metadata document failed ({e})"))?;
        if response.status() != hyper::StatusCode::OK {
            return Err(format!(
                "its metadata document answered HTTP {}",
                response.status()
            ));
        }
        let max_age = response
            .headers()
            .get(hyper::header::CACHE_CONTROL)
            .and_then(|v| v.to_str().ok())
            .and_then(max_age);
        let body = Limited::new(response.into_body(), MAX_CLIENT_METADATA_BYTES)
            .collect()
            .await
            .map_err(|_| {
                format!("its metadata document is larger than {MAX_CLIENT_METADATA_BYTES} bytes")
            })?
            .to_bytes()
            .to_vec();
        Ok(FetchedDocument { body, max_age })
    }
}

#[async_trait::async_trait]
impl ClientMetadataSource for HttpsClientMetadata {
    async fn fetch(&self, url: &str) -> Result<FetchedDocument, String> {
        match tokio::time::timeout(self.timeout, self.get(url)).await {
            Ok(result) => result,
            Err(_) => Err(format!(
                "its metadata document did not arrive within {} s",
                self.timeout.as_secs()
            )),
        }
    }
}

/// `max-age=N` from a Cache-Control value.
fn max_age(value: &str) -> Option<Duration> {
    value
        .split(',')
        .filter_map(|d| d.trim().strip_prefix("max-age="))
        .find_map(|n| n.trim().parse().ok())
        .map(Duration::from_secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_age_is_read_from_cache_control() {
        assert_eq!(
            max_age("public, max-age=300"),
            Some(Duration::from_secs(300))
        );
        assert_eq!(max_age("no-store"), None);
    }
}
