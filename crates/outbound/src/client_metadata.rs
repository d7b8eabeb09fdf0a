//! Fetching Client ID Metadata Documents over https for the authorization server (its
//! `ClientMetadataSource`): a short timeout, a size cap, TLS against the Web PKI (plus an
//! operator-supplied CA), and no requests to private, loopback or link-local addresses
//! unless allowed, so a `client_id` cannot make the server probe its own network.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use draxis_auth::server::{ClientMetadataSource, FetchedDocument, MAX_CLIENT_METADATA_BYTES};
use http_body_util::{BodyExt, Empty, Limited};
use hyper::body::Bytes;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};

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
        let addresses: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), port))
            .await
            .map_err(|e| format!("its host {host} does not resolve ({e})"))?
            .collect();
        let address = addresses
            .iter()
            .find(|a| self.allow_private_addresses || is_public(a.ip()))
            .ok_or_else(|| {
                format!("its host {host} resolves only to private or local addresses")
            })?;
        let tcp = tokio::net::TcpStream::connect(address)
            .await
            .map_err(|e| format!("{host} refused the connection ({e})"))?;
        tcp.set_nodelay(true).ok();
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

/// Addresses a fetch may reach: not loopback, private, link-local, shared (CGNAT),
/// unspecified, multicast or documentation ranges.
fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || a == 0
                || (a == 100 && (64..128).contains(&b)))
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_and_local_addresses_are_not_public() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "192.168.0.1",
            "172.16.0.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:10.0.0.1",
        ] {
            assert!(!is_public(private.parse().unwrap()), "{private}");
        }
        for public in ["1.1.1.1", "140.82.112.3", "2606:4700::1111"] {
            assert!(is_public(public.parse().unwrap()), "{public}");
        }
        assert_eq!(
            max_age("public, max-age=300"),
            Some(Duration::from_secs(300))
        );
        assert_eq!(max_age("no-store"), None);
    }
}
