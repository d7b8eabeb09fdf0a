//! Who may ask for tokens: clients registered dynamically (RFC 7591) and, when enabled,
//! clients described by a Client ID Metadata Document at their https `client_id`.

use std::sync::Arc;
use std::time::Duration;

use super::{AuthorizationServer, Client, OAuthError, now_ms, randomness};
use crate::oauth::{self, OpaqueSecret};
use crate::storage::StorageError;

/// Most documents kept before the cache starts over.
const DOCUMENT_CACHE_CAPACITY: usize = 1000;

/// Bounds on dynamically registered clients that were never used (no consent given,
/// so no code and no grant): anyone may register, so without them a flood of
/// registrations fills the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RegistrationLimits {
    /// Most never-used clients kept; past it, registration answers "try again later"
    /// until the oldest expire (registered clients already in use are never touched).
    pub max_unused_clients: u64,
    /// A client still unused this long after registering is deleted.
    pub unused_client_ttl: Duration,
}

impl Default for RegistrationLimits {
    fn default() -> Self {
        Self {
            max_unused_clients: 10_000,
            unused_client_ttl: Duration::from_secs(24 * 3600),
        }
    }
}

/// Most redirect URIs one client may register, each at most [`MAX_REDIRECT_URI_BYTES`]
/// long and [`MAX_REDIRECT_URIS_TOTAL_BYTES`] together.
pub const MAX_REDIRECT_URIS: usize = 10;
pub const MAX_REDIRECT_URI_BYTES: usize = 1000;
pub const MAX_REDIRECT_URIS_TOTAL_BYTES: usize = 2000;
/// Longest client name kept, in characters (longer names are cut).
pub const MAX_CLIENT_NAME_CHARS: usize = 100;

/// Registration metadata a client sends (RFC 7591), already decoded.
#[derive(Debug, Clone, Default)]
pub struct ClientMetadata {
    pub redirect_uris: Vec<String>,
    pub client_name: Option<String>,
    pub grant_types: Vec<String>,
    pub response_types: Vec<String>,
}

/// A Client ID Metadata Document as fetched: the body and how long it may be cached.
#[derive(Debug, Clone)]
pub struct FetchedDocument {
    pub body: Vec<u8>,
    /// From `Cache-Control: max-age`, when the server sent one.
    pub max_age: Option<Duration>,
}

/// Fetches Client ID Metadata Documents (an https `client_id` that names its own
/// metadata). IO lives in the implementation (transport); the rules live here.
#[async_trait::async_trait]
pub trait ClientMetadataSource: Send + Sync {
    /// GETs `url`; the error is a sentence for the person at the consent page.
    async fn fetch(&self, url: &str) -> Result<FetchedDocument, String>;
}

/// Largest Client ID Metadata Document accepted.
pub const MAX_CLIENT_METADATA_BYTES: usize = 16 * 1024;
/// How long a fetched document is reused without `Cache-Control` (and at most with it).
const CLIENT_METADATA_DEFAULT_TTL: Duration = Duration::from_secs(600);
const CLIENT_METADATA_MAX_TTL: Duration = Duration::from_secs(24 * 3600);

/// Whether `client_id` is a Client ID Metadata Document URL: https, a path, no
/// fragment, no credentials, no dot segments.
pub fn is_client_metadata_url(client_id: &str) -> bool {
    let Some(rest) = client_id.strip_prefix("https://") else {
        return false;
    };
    let Some((authority, path)) = rest.split_once('/') else {
        return false;
    };
    !authority.is_empty()
        && !authority.contains('@')
        && !path.is_empty()
        && !client_id.contains('#')
        && !path
            .split(['/', '?'])
            .any(|segment| segment == "." || segment == "..")
}

/// Checks a fetched document against its URL and turns it into a client.
pub fn client_from_metadata_document(url: &str, body: &[u8]) -> Result<Client, String> {
    if body.len() > MAX_CLIENT_METADATA_BYTES {
        return Err(format!(
            "its metadata document is larger than {MAX_CLIENT_METADATA_BYTES} bytes"
        ));
    }
    let document: serde_json::Value = serde_json::from_slice(body)
        .map_err(|e| format!("its metadata document is not JSON ({e})"))?;
    let field = |name: &str| document.get(name);
    if field("client_id").and_then(|v| v.as_str()) != Some(url) {
        return Err("its metadata document's client_id is not the document's own URL".into());
    }
    if field("client_secret").is_some() {
        return Err(
            "its metadata document contains a client_secret, which public clients must not have"
                .into(),
        );
    }
    match field("token_endpoint_auth_method").and_then(|v| v.as_str()) {
        None | Some("none") => {}
        Some(other) => {
            return Err(format!(
                "its token_endpoint_auth_method is `{other}`; this server accepts only `none` for metadata-document clients"
            ));
        }
    }
    let redirect_uris: Vec<String> = field("redirect_uris")
        .and_then(|v| v.as_array())
        .map(|list| {
            list.iter()
                .filter_map(|u| u.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    if redirect_uris.is_empty() || redirect_uris.len() > 10 {
        return Err("its metadata document must list 1 to 10 redirect_uris".into());
    }
    for uri in &redirect_uris {
        oauth::check_redirect_uri(uri)?;
    }
    let host = url["https://".len()..]
        .split(['/', ':'])
        .next()
        .unwrap_or_default();
    let name = field("client_name")
        .and_then(|v| v.as_str())
        .map(|n| n.trim().chars().take(100).collect::<String>())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| host.to_string());
    Ok(Client {
        client_id: url.to_string(),
        client_name: name,
        redirect_uris,
    })
}

impl AuthorizationServer {
    /// Accepts https `client_id`s that name their own metadata document, fetched with
    /// `source` (timeout, size cap and address checks are the source's; caching ours).
    pub fn with_client_metadata_documents(mut self, source: Arc<dyn ClientMetadataSource>) -> Self {
        self.client_metadata = Some(source);
        self
    }

    /// Whether Client ID Metadata Documents are accepted (advertised in metadata).
    pub fn supports_client_metadata_documents(&self) -> bool {
        self.client_metadata.is_some()
    }

    /// The client a `client_id` names: registered, or (when enabled) described by the
    /// metadata document at that https URL. `Err` is a sentence for the person.
    pub async fn client(&self, client_id: &str) -> Result<Option<Client>, String> {
        if let Some(source) = &self.client_metadata
            && is_client_metadata_url(client_id)
        {
            let cached = self
                .documents
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .get(client_id)
                .filter(|(at, ttl, _)| at.elapsed() < *ttl)
                .map(|(_, _, client)| client.clone());
            if let Some(client) = cached {
                return Ok(Some(client));
            }
            let fetched = source.fetch(client_id).await?;
            let client = client_from_metadata_document(client_id, &fetched.body)?;
            let ttl = fetched
                .max_age
                .unwrap_or(CLIENT_METADATA_DEFAULT_TTL)
                .min(CLIENT_METADATA_MAX_TTL);
            let mut documents = self.documents.lock().unwrap_or_else(|e| e.into_inner());
            if documents.len() >= DOCUMENT_CACHE_CAPACITY {
                documents.clear();
            }
            documents.insert(
                client_id.to_string(),
                (std::time::Instant::now(), ttl, client.clone()),
            );
            return Ok(Some(client));
        }
        self.store.client(client_id).await.map_err(|error| {
            tracing::error!(%error, "client lookup failed");
            "Sign-in is unavailable right now. Try again shortly.".to_string()
        })
    }

    /// RFC 7591 registration of a public native or web client.
    pub async fn register_client(&self, metadata: ClientMetadata) -> Result<Client, OAuthError> {
        if metadata.redirect_uris.is_empty() {
            return Err(OAuthError::new(
                "invalid_redirect_uri",
                "redirect_uris is required: list at least one https URL or http://localhost / http://127.0.0.1 callback",
            ));
        }
        if metadata.redirect_uris.len() > MAX_REDIRECT_URIS {
            return Err(OAuthError::new(
                "invalid_redirect_uri",
                format!("at most {MAX_REDIRECT_URIS} redirect_uris may be registered"),
            ));
        }
        for uri in &metadata.redirect_uris {
            if uri.len() > MAX_REDIRECT_URI_BYTES {
                return Err(OAuthError::new(
                    "invalid_redirect_uri",
                    format!(
                        "each redirect URI must be at most {MAX_REDIRECT_URI_BYTES} bytes long"
                    ),
                ));
            }
            oauth::check_redirect_uri(uri)
                .map_err(|why| OAuthError::new("invalid_redirect_uri", why))?;
        }
        if metadata
            .redirect_uris
            .iter()
            .map(String::len)
            .sum::<usize>()
            > MAX_REDIRECT_URIS_TOTAL_BYTES
        {
            return Err(OAuthError::new(
                "invalid_redirect_uri",
                format!(
                    "the redirect URIs together must be at most {MAX_REDIRECT_URIS_TOTAL_BYTES} bytes long"
                ),
            ));
        }
        if let Some(bad) = metadata
            .grant_types
            .iter()
            .find(|g| !matches!(g.as_str(), "authorization_code" | "refresh_token"))
        {
            return Err(OAuthError::new(
                "invalid_client_metadata",
                format!(
                    "grant type `{bad}` is not supported: use authorization_code and refresh_token"
                ),
            ));
        }
        if let Some(bad) = metadata.response_types.iter().find(|r| *r != "code") {
            return Err(OAuthError::new(
                "invalid_client_metadata",
                format!("response type `{bad}` is not supported: use code"),
            ));
        }
        let name = metadata
            .client_name
            .map(|n| {
                n.trim()
                    .chars()
                    .take(MAX_CLIENT_NAME_CHARS)
                    .collect::<String>()
            })
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| "Unnamed MCP client".to_string());
        self.make_room_for_a_client().await?;
        let id = OpaqueSecret::mint("drx_client_").map_err(randomness)?;
        let client = Client {
            client_id: id.plaintext[..("drx_client_".len() + 32)].to_string(),
            client_name: name,
            redirect_uris: metadata.redirect_uris,
        };
        self.store
            .insert_client(&client)
            .await
            .map_err(OAuthError::unavailable)?;
        Ok(client)
    }

    /// Bounds never-used registrations as [`RegistrationLimits`] say.
    pub fn with_registration_limits(mut self, limits: RegistrationLimits) -> Self {
        self.registration = limits;
        self
    }

    /// Deletes clients never used within their time to live; how many went. The server
    /// runs it periodically; registration runs it when the quota is reached.
    pub async fn sweep_unused_clients(&self) -> Result<u64, StorageError> {
        let ttl =
            i64::try_from(self.registration.unused_client_ttl.as_millis()).unwrap_or(i64::MAX);
        let removed = self
            .store
            .delete_unused_clients(now_ms().saturating_sub(ttl))
            .await?;
        if removed > 0 {
            tracing::info!(removed, "deleted OAuth clients registered but never used");
        }
        Ok(removed)
    }

    /// `Ok` when one more never-used client fits, after expiring old ones if needed.
    async fn make_room_for_a_client(&self) -> Result<(), OAuthError> {
        let max = self.registration.max_unused_clients;
        for swept in [false, true] {
            if swept {
                self.sweep_unused_clients()
                    .await
                    .map_err(OAuthError::unavailable)?;
            }
            let unused = self
                .store
                .unused_clients()
                .await
                .map_err(OAuthError::unavailable)?;
            if unused < max {
                return Ok(());
            }
        }
        tracing::warn!(
            max,
            "client registration refused: too many registered clients never used"
        );
        Err(OAuthError::new(
            "temporarily_unavailable",
            "too many OAuth clients are registered and not yet used; try again later",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_document_urls_are_https_with_a_path() {
        assert!(is_client_metadata_url(
            "https://claude.ai/oauth/claude-code-client-metadata"
        ));
        assert!(!is_client_metadata_url("https://claude.ai"));
        assert!(!is_client_metadata_url("https://claude.ai/"));
        assert!(!is_client_metadata_url("http://claude.ai/client.json"));
        assert!(!is_client_metadata_url(
            "https://user@claude.ai/client.json"
        ));
        assert!(!is_client_metadata_url(
            "https://claude.ai/a/../client.json"
        ));
        assert!(!is_client_metadata_url("drx_client_abc"));
    }

    #[test]
    fn documents_must_name_themselves_and_stay_public() {
        let url = "https://app.example.com/client.json";
        let cb = ["http://127.0.0.1:1/cb"];
        let good =
            serde_json::json!({"client_id": url, "client_name": "Example", "redirect_uris": cb});
        let client = client_from_metadata_document(url, good.to_string().as_bytes()).unwrap();
        assert_eq!(client.client_name, "Example");
        let other =
            serde_json::json!({"client_id": "https://evil.example/c.json", "redirect_uris": cb});
        assert!(client_from_metadata_document(url, other.to_string().as_bytes()).is_err());
        let secret =
            serde_json::json!({"client_id": url, "client_secret": "x", "redirect_uris": cb});
        assert!(client_from_metadata_document(url, secret.to_string().as_bytes()).is_err());
        let bad =
            serde_json::json!({"client_id": url, "redirect_uris": ["http://evil.example/cb"]});
        assert!(client_from_metadata_document(url, bad.to_string().as_bytes()).is_err());
        let huge = vec![b' '; MAX_CLIENT_METADATA_BYTES + 1];
        assert!(client_from_metadata_document(url, &huge).is_err());
    }
}
