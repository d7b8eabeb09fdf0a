//! The OAuth 2.1 authorization server's rules, independent of HTTP and of SQL: client
//! registration, the authorization request, codes bound to PKCE and the resource,
//! grants, rotating refresh tokens with a grace period, revocation, and the console's
//! sign-in sessions. Transport turns HTTP into these calls; storage sits behind
//! [`AccountStore`].

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::oauth::{
    self, ACCESS_TOKEN_PREFIX, CODE_PREFIX, OpaqueSecret, REFRESH_TOKEN_PREFIX, RequestedScopes,
};
use crate::pat::{MintedToken, TokenHash};
use crate::people::{Membership, Role, User};
use crate::scope::{Scope, Scopes};
use crate::verify::{StoreFailure, TenantId};

/// A registered OAuth client (public: no secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Client {
    pub client_id: String,
    pub client_name: String,
    pub redirect_uris: Vec<String>,
}

/// An authorization code as stored (its hash is the key).
#[derive(Debug, Clone)]
pub struct StoredCode {
    pub id: i64,
    pub tenant_id: TenantId,
    pub user_id: i64,
    pub client_id: String,
    pub redirect_uri: String,
    pub code_challenge: String,
    pub scopes: Scopes,
    pub resource: String,
    /// Unix milliseconds.
    pub expires_at: i64,
    /// Set once the code was exchanged; with the grant it created.
    pub used: Option<Option<i64>>,
}

/// A code to store.
#[derive(Debug, Clone)]
pub struct NewCode {
    pub hash: TokenHash,
    pub tenant_id: TenantId,
    pub user_id: i64,
    pub client_id: String,
    pub redirect_uri: String,
    pub code_challenge: String,
    pub scopes: Scopes,
    pub resource: String,
    pub expires_at: i64,
}

/// A new access + refresh token pair, as hashes.
#[derive(Debug, Clone)]
pub struct NewTokenPair {
    pub access_hash: TokenHash,
    pub refresh_hash: TokenHash,
    pub scopes: Scopes,
    pub access_expires_at: i64,
    pub refresh_expires_at: i64,
}

/// A refresh token joined with its grant.
#[derive(Debug, Clone)]
pub struct StoredRefreshToken {
    pub id: i64,
    pub grant_id: i64,
    pub client_id: String,
    pub scopes: Scopes,
    pub expires_at: i64,
    pub rotated_at: Option<i64>,
    /// The sealed pair issued when it was rotated (kept for the grace period).
    pub successor: Option<String>,
    pub grant_revoked: bool,
    pub user_active: bool,
}

/// A grant as the Connected apps page lists it.
#[derive(Debug, Clone)]
pub struct GrantListing {
    pub id: i64,
    pub client_id: String,
    pub client_name: String,
    pub user_email: String,
    pub scopes: Scopes,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

/// A personal access token as the console lists it (never the secret).
#[derive(Debug, Clone)]
pub struct PatListing {
    pub id: i64,
    pub name: String,
    pub display_prefix: String,
    pub scopes: Scopes,
    pub created_by: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub expires_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

/// A signed-in console session.
#[derive(Debug, Clone)]
pub struct Session {
    pub id: i64,
    pub user: User,
    pub tenant_id: Option<TenantId>,
}

/// What the authorization server and the console need from storage.
#[async_trait::async_trait]
pub trait AccountStore: Send + Sync {
    async fn user_by_email(&self, email: &str) -> Result<Option<User>, StoreFailure>;
    async fn memberships(&self, user_id: i64) -> Result<Vec<Membership>, StoreFailure>;

    async fn create_session(
        &self,
        hash: &TokenHash,
        user_id: i64,
        expires_at: i64,
    ) -> Result<(), StoreFailure>;
    /// The unexpired session with this hash, with its (enabled) user.
    async fn session(&self, hash: &TokenHash, now: i64) -> Result<Option<Session>, StoreFailure>;
    async fn set_session_tenant(
        &self,
        session_id: i64,
        tenant: TenantId,
    ) -> Result<(), StoreFailure>;
    async fn delete_session(&self, hash: &TokenHash) -> Result<(), StoreFailure>;

    async fn insert_client(&self, client: &Client) -> Result<(), StoreFailure>;
    async fn client(&self, client_id: &str) -> Result<Option<Client>, StoreFailure>;

    async fn insert_code(&self, code: &NewCode) -> Result<(), StoreFailure>;
    async fn code_by_hash(&self, hash: &TokenHash) -> Result<Option<StoredCode>, StoreFailure>;
    /// Marks the code used and creates its grant and first token pair in one
    /// transaction. `None` when another request used the code first.
    async fn exchange_code(
        &self,
        code: &StoredCode,
        client_name: &str,
        pair: &NewTokenPair,
        now: i64,
    ) -> Result<Option<i64>, StoreFailure>;

    async fn refresh_token(
        &self,
        hash: &TokenHash,
    ) -> Result<Option<StoredRefreshToken>, StoreFailure>;
    /// Marks `old` rotated (keeping `sealed_successor`) and stores `pair`, in one
    /// transaction. False when another request rotated it first.
    async fn rotate_refresh_token(
        &self,
        old: &StoredRefreshToken,
        sealed_successor: &str,
        pair: &NewTokenPair,
        now: i64,
    ) -> Result<bool, StoreFailure>;
    /// Revokes a grant: every token under it stops working.
    async fn revoke_grant(&self, grant_id: i64, now: i64) -> Result<(), StoreFailure>;
    /// The grant an access or refresh token belongs to.
    async fn grant_of_token(&self, hash: &TokenHash) -> Result<Option<i64>, StoreFailure>;

    /// Live grants in a tenant, of one user or (for admins) everyone.
    async fn grants(
        &self,
        tenant: TenantId,
        user_id: Option<i64>,
    ) -> Result<Vec<GrantListing>, StoreFailure>;
    /// Revokes a live grant in the tenant (of that user, unless `None`). False if none.
    async fn revoke_grant_in_tenant(
        &self,
        tenant: TenantId,
        grant_id: i64,
        user_id: Option<i64>,
        now: i64,
    ) -> Result<bool, StoreFailure>;

    /// PATs in a tenant, created by `created_by` or (for admins) anyone.
    async fn pats(
        &self,
        tenant: TenantId,
        created_by: Option<&str>,
    ) -> Result<Vec<PatListing>, StoreFailure>;
    async fn insert_pat(
        &self,
        tenant: TenantId,
        name: &str,
        token: &MintedToken,
        scopes: Scopes,
        created_by: &str,
        now: i64,
    ) -> Result<i64, StoreFailure>;
    /// Revokes a live PAT in the tenant (made by `created_by`, unless `None`).
    async fn revoke_pat(
        &self,
        tenant: TenantId,
        token_id: i64,
        created_by: Option<&str>,
        now: i64,
    ) -> Result<bool, StoreFailure>;
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

/// Lifetimes and identities of the authorization server.
#[derive(Debug, Clone)]
pub struct AuthorizationConfig {
    /// Our issuer identifier: the public URL, no trailing slash.
    pub issuer: String,
    /// The protected resource: `<issuer>/api/mcp`.
    pub resource: String,
    pub access_token_ttl: Duration,
    pub refresh_token_ttl: Duration,
    pub code_ttl: Duration,
    /// How long a just-rotated refresh token still answers with the same new pair.
    pub refresh_grace: Duration,
    pub session_ttl: Duration,
}

impl AuthorizationConfig {
    /// Defaults for a server reachable at `public_url`.
    pub fn for_public_url(public_url: &str) -> Self {
        let issuer = public_url.trim_end_matches('/').to_string();
        Self {
            resource: format!("{issuer}/api/mcp"),
            issuer,
            access_token_ttl: Duration::from_secs(3600),
            refresh_token_ttl: Duration::from_secs(30 * 24 * 3600),
            code_ttl: Duration::from_secs(60),
            refresh_grace: Duration::from_secs(30),
            session_ttl: Duration::from_secs(12 * 3600),
        }
    }
}

/// An OAuth error response: an RFC 6749 `error` code and a sentence saying what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthError {
    pub code: &'static str,
    pub description: String,
}

impl OAuthError {
    pub fn new(code: &'static str, description: impl Into<String>) -> Self {
        Self {
            code,
            description: description.into(),
        }
    }
    fn unavailable(error: StoreFailure) -> Self {
        tracing::error!(%error, "credential storage failed");
        Self::new(
            "temporarily_unavailable",
            "credential storage is unavailable, try again shortly",
        )
    }
}

/// Registration metadata a client sends (RFC 7591), already decoded.
#[derive(Debug, Clone, Default)]
pub struct ClientMetadata {
    pub redirect_uris: Vec<String>,
    pub client_name: Option<String>,
    pub grant_types: Vec<String>,
    pub response_types: Vec<String>,
}

/// The query of an authorization request.
#[derive(Debug, Clone, Default)]
pub struct AuthorizationRequest {
    pub response_type: Option<String>,
    pub client_id: Option<String>,
    pub redirect_uri: Option<String>,
    pub code_challenge: Option<String>,
    pub code_challenge_method: Option<String>,
    pub state: Option<String>,
    pub scope: Option<String>,
    pub resource: Option<String>,
}

/// An authorization request that passed every check.
#[derive(Debug, Clone)]
pub struct ValidAuthorization {
    pub client: Client,
    pub redirect_uri: String,
    pub code_challenge: String,
    pub state: Option<String>,
    pub requested: RequestedScopes,
    pub resource: String,
}

/// Why an authorization request was refused.
#[derive(Debug, Clone)]
pub enum AuthorizationFailure {
    /// The client or redirect URI cannot be trusted: show an error page, never redirect.
    Page(String),
    /// Tell the client through its (verified) redirect URI.
    Redirect {
        redirect_uri: String,
        state: Option<String>,
        error: OAuthError,
    },
}

/// The body of a token request.
#[derive(Debug, Clone, Default)]
pub struct TokenRequest {
    pub grant_type: Option<String>,
    pub code: Option<String>,
    pub redirect_uri: Option<String>,
    pub client_id: Option<String>,
    pub code_verifier: Option<String>,
    pub refresh_token: Option<String>,
    pub scope: Option<String>,
    pub resource: Option<String>,
}

/// A successful token response.
pub struct TokenResponse {
    pub access_token: String,
    pub refresh_token: String,
    pub expires_in: u64,
    pub scope: &'static str,
}

impl std::fmt::Debug for TokenResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenResponse")
            .field("scope", &self.scope)
            .finish_non_exhaustive()
    }
}

/// Why signing in failed. Messages never say whether the email exists.
#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    #[error("wrong email or password")]
    BadCredentials,
    #[error("enter the 6-digit code from your authenticator app")]
    SecondFactorRequired,
    #[error("that authenticator code is not valid; check your device's clock and try again")]
    BadSecondFactor,
    #[error("sign-in is unavailable right now, try again shortly")]
    Unavailable(#[source] StoreFailure),
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

fn ms(duration: Duration) -> i64 {
    duration.as_millis() as i64
}

fn randomness(error: rand::rngs::SysError) -> OAuthError {
    OAuthError::new(
        "server_error",
        format!("operating system randomness is unavailable: {error}"),
    )
}

/// The authorization server.
#[derive(Clone)]
pub struct AuthorizationServer {
    store: Arc<dyn AccountStore>,
    config: AuthorizationConfig,
    /// Set when Client ID Metadata Documents are enabled.
    client_metadata: Option<Arc<dyn ClientMetadataSource>>,
    /// Fetched documents: URL → (fetched at, valid for, client).
    documents: Arc<std::sync::Mutex<std::collections::HashMap<String, CachedClient>>>,
}

type CachedClient = (std::time::Instant, Duration, Client);

/// Most documents kept before the cache starts over.
const DOCUMENT_CACHE_CAPACITY: usize = 1000;

impl std::fmt::Debug for AuthorizationServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthorizationServer")
            .field("issuer", &self.config.issuer)
            .finish_non_exhaustive()
    }
}

impl AuthorizationServer {
    pub fn new(store: Arc<dyn AccountStore>, config: AuthorizationConfig) -> Self {
        Self {
            store,
            config,
            client_metadata: None,
            documents: Default::default(),
        }
    }

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

    pub fn config(&self) -> &AuthorizationConfig {
        &self.config
    }

    pub fn store(&self) -> &Arc<dyn AccountStore> {
        &self.store
    }

    /// RFC 7591 registration of a public native or web client.
    pub async fn register_client(&self, metadata: ClientMetadata) -> Result<Client, OAuthError> {
        if metadata.redirect_uris.is_empty() {
            return Err(OAuthError::new(
                "invalid_redirect_uri",
                "redirect_uris is required: list at least one https URL or http://localhost / http://127.0.0.1 callback",
            ));
        }
        if metadata.redirect_uris.len() > 10 {
            return Err(OAuthError::new(
                "invalid_redirect_uri",
                "at most 10 redirect_uris may be registered",
            ));
        }
        for uri in &metadata.redirect_uris {
            if uri.len() > 2000 {
                return Err(OAuthError::new(
                    "invalid_redirect_uri",
                    "redirect URIs must be shorter than 2000 characters",
                ));
            }
            oauth::check_redirect_uri(uri)
                .map_err(|why| OAuthError::new("invalid_redirect_uri", why))?;
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
            .map(|n| n.trim().chars().take(100).collect::<String>())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| "Unnamed MCP client".to_string());
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

    fn same_resource(&self, presented: &str) -> bool {
        presented.trim_end_matches('/') == self.config.resource
    }

    /// Checks an authorization request before anyone signs in or approves it.
    pub async fn validate_authorization(
        &self,
        request: &AuthorizationRequest,
    ) -> Result<ValidAuthorization, AuthorizationFailure> {
        let page = |text: &str| AuthorizationFailure::Page(text.to_string());
        let client_id = request
            .client_id
            .as_deref()
            .filter(|c| !c.is_empty())
            .ok_or_else(|| {
                page(
                    "The request names no client_id. Start the sign-in again from your MCP client.",
                )
            })?;
        let client = self
            .client(client_id)
            .await
            .map_err(|why| {
                AuthorizationFailure::Page(format!(
                    "The client {} cannot be trusted: {why}.",
                    client_id.chars().take(200).collect::<String>()
                ))
            })?
            .ok_or_else(|| {
                page("This client is not registered with Draxis. Remove the server from your MCP client and add it again so it registers anew.")
            })?;
        let redirect_uri = match request.redirect_uri.as_deref() {
            Some(uri) => {
                if !client
                    .redirect_uris
                    .iter()
                    .any(|registered| oauth::redirect_uri_matches(registered, uri))
                {
                    return Err(page(
                        "The redirect address in this request is not one the client registered, so Draxis will not send you there.",
                    ));
                }
                uri.to_string()
            }
            None if client.redirect_uris.len() == 1 => client.redirect_uris[0].clone(),
            None => {
                return Err(page(
                    "The request names no redirect_uri and the client registered several. Start the sign-in again from your MCP client.",
                ));
            }
        };
        let redirect = |code: &'static str, text: String| AuthorizationFailure::Redirect {
            redirect_uri: redirect_uri.clone(),
            state: request.state.clone(),
            error: OAuthError::new(code, text),
        };
        if request.response_type.as_deref() != Some("code") {
            return Err(redirect(
                "unsupported_response_type",
                "response_type must be `code`".into(),
            ));
        }
        let challenge = request.code_challenge.as_deref().unwrap_or("");
        if challenge.is_empty() {
            return Err(redirect(
                "invalid_request",
                "PKCE is required: send code_challenge with code_challenge_method=S256".into(),
            ));
        }
        if request.code_challenge_method.as_deref() != Some("S256") {
            return Err(redirect(
                "invalid_request",
                "code_challenge_method must be S256 (plain is not accepted)".into(),
            ));
        }
        if !oauth::is_valid_code_challenge(challenge) {
            return Err(redirect(
                "invalid_request",
                "code_challenge must be the 43-character base64url SHA-256 of the verifier".into(),
            ));
        }
        let requested = oauth::parse_oauth_scope(request.scope.as_deref())
            .map_err(|why| redirect("invalid_scope", why))?;
        let resource = match request.resource.as_deref() {
            None | Some("") => {
                return Err(redirect(
                    "invalid_target",
                    format!(
                        "the resource parameter is required (RFC 8707): send resource={}",
                        self.config.resource
                    ),
                ));
            }
            Some(r) if self.same_resource(r) => self.config.resource.clone(),
            Some(r) => {
                return Err(redirect(
                    "invalid_target",
                    format!(
                        "resource `{}` is not served here: this server issues tokens only for {}",
                        r.chars().take(200).collect::<String>(),
                        self.config.resource
                    ),
                ));
            }
        };
        if request.state.as_deref().is_some_and(|s| s.len() > 1000) {
            return Err(page(
                "The state parameter is too long (over 1000 characters).",
            ));
        }
        Ok(ValidAuthorization {
            client,
            redirect_uri,
            code_challenge: challenge.to_string(),
            state: request.state.clone(),
            requested,
            resource,
        })
    }

    /// The user approved: issues a code for the chosen tenant and returns the URL to
    /// send the browser to. Refuses `mcp:write` beyond the user's role.
    pub async fn approve(
        &self,
        user: &User,
        membership: &Membership,
        request: &ValidAuthorization,
        grant_write: bool,
    ) -> Result<String, OAuthError> {
        if grant_write && !request.requested.wants_write {
            return Err(OAuthError::new(
                "invalid_scope",
                "the client did not ask for mcp:write",
            ));
        }
        if grant_write && !membership.role.max_scopes().allows(Scope::Write) {
            return Err(OAuthError::new(
                "access_denied",
                format!(
                    "your role in {} is {}, which may grant only mcp:read; ask an admin for the analyst role to grant mcp:write",
                    membership.tenant_name, membership.role
                ),
            ));
        }
        let code = OpaqueSecret::mint(CODE_PREFIX).map_err(randomness)?;
        let now = now_ms();
        self.store
            .insert_code(&NewCode {
                hash: code.hash.clone(),
                tenant_id: membership.tenant_id,
                user_id: user.id,
                client_id: request.client.client_id.clone(),
                redirect_uri: request.redirect_uri.clone(),
                code_challenge: request.code_challenge.clone(),
                scopes: if grant_write {
                    Scopes::READ_WRITE
                } else {
                    Scopes::READ
                },
                resource: request.resource.clone(),
                expires_at: now + ms(self.config.code_ttl),
            })
            .await
            .map_err(OAuthError::unavailable)?;
        let mut params = vec![("code", code.plaintext.as_str())];
        if let Some(state) = &request.state {
            params.push(("state", state));
        }
        params.push(("iss", &self.config.issuer));
        Ok(with_query(&request.redirect_uri, &params))
    }

    /// The user declined: the URL that tells the client so.
    pub fn deny(&self, request: &ValidAuthorization) -> String {
        error_redirect(
            &request.redirect_uri,
            request.state.as_deref(),
            &self.config.issuer,
            &OAuthError::new("access_denied", "the user declined the request"),
        )
    }

    /// The token endpoint.
    pub async fn token(&self, request: &TokenRequest) -> Result<TokenResponse, OAuthError> {
        match request.grant_type.as_deref() {
            Some("authorization_code") => self.exchange_code(request).await,
            Some("refresh_token") => self.refresh(request).await,
            Some(other) => Err(OAuthError::new(
                "unsupported_grant_type",
                format!(
                    "grant_type `{}` is not supported: use authorization_code or refresh_token",
                    other.chars().take(64).collect::<String>()
                ),
            )),
            None => Err(OAuthError::new(
                "invalid_request",
                "grant_type is required: authorization_code or refresh_token",
            )),
        }
    }

    fn mint_pair(
        &self,
        scopes: Scopes,
        now: i64,
    ) -> Result<(OpaqueSecret, OpaqueSecret, NewTokenPair), OAuthError> {
        let access = OpaqueSecret::mint(ACCESS_TOKEN_PREFIX).map_err(randomness)?;
        let refresh = OpaqueSecret::mint(REFRESH_TOKEN_PREFIX).map_err(randomness)?;
        let pair = NewTokenPair {
            access_hash: access.hash.clone(),
            refresh_hash: refresh.hash.clone(),
            scopes,
            access_expires_at: now + ms(self.config.access_token_ttl),
            refresh_expires_at: now + ms(self.config.refresh_token_ttl),
        };
        Ok((access, refresh, pair))
    }

    async fn exchange_code(&self, request: &TokenRequest) -> Result<TokenResponse, OAuthError> {
        let invalid_grant = |text: &str| OAuthError::new("invalid_grant", text);
        let client_id = request.client_id.as_deref().ok_or_else(|| {
            OAuthError::new(
                "invalid_request",
                "client_id is required for public clients",
            )
        })?;
        let client = self
            .client(client_id)
            .await
            .map_err(|why| OAuthError::new("invalid_client", why))?
            .ok_or_else(|| {
                OAuthError::new("invalid_client", "unknown client_id: register again")
            })?;
        let code_text = request
            .code
            .as_deref()
            .ok_or_else(|| OAuthError::new("invalid_request", "code is required"))?;
        let code = self
            .store
            .code_by_hash(&TokenHash::of(code_text))
            .await
            .map_err(OAuthError::unavailable)?
            .ok_or_else(|| invalid_grant("unknown authorization code: start the sign-in again"))?;
        if let Some(grant) = code.used {
            if let Some(grant_id) = grant {
                self.store
                    .revoke_grant(grant_id, now_ms())
                    .await
                    .map_err(OAuthError::unavailable)?;
            }
            return Err(invalid_grant(
                "authorization code was already used; the tokens issued for it are revoked. Start the sign-in again",
            ));
        }
        if code.client_id != client.client_id {
            return Err(invalid_grant(
                "authorization code was issued to another client",
            ));
        }
        let now = now_ms();
        if code.expires_at <= now {
            return Err(invalid_grant(
                "authorization code has expired (codes live 60 seconds): start the sign-in again",
            ));
        }
        if request.redirect_uri.as_deref() != Some(code.redirect_uri.as_str()) {
            return Err(invalid_grant(
                "redirect_uri must be exactly the one sent in the authorization request",
            ));
        }
        let verifier = request.code_verifier.as_deref().ok_or_else(|| {
            OAuthError::new("invalid_request", "code_verifier is required (PKCE)")
        })?;
        if !oauth::pkce_s256_matches(&code.code_challenge, verifier) {
            return Err(invalid_grant(
                "code_verifier does not match the code_challenge of the authorization request",
            ));
        }
        if let Some(resource) = request.resource.as_deref()
            && resource.trim_end_matches('/') != code.resource
        {
            return Err(OAuthError::new(
                "invalid_target",
                format!("the code was granted for {}, not {resource}", code.resource),
            ));
        }
        let (access, refresh, pair) = self.mint_pair(code.scopes, now)?;
        let exchanged = self
            .store
            .exchange_code(&code, &client.client_name, &pair, now)
            .await
            .map_err(OAuthError::unavailable)?;
        if exchanged.is_none() {
            return Err(invalid_grant(
                "authorization code was already used: start the sign-in again",
            ));
        }
        Ok(TokenResponse {
            access_token: access.plaintext,
            refresh_token: refresh.plaintext,
            expires_in: self.config.access_token_ttl.as_secs(),
            scope: oauth::oauth_scope_string(code.scopes),
        })
    }

    async fn refresh(&self, request: &TokenRequest) -> Result<TokenResponse, OAuthError> {
        let invalid_grant = |text: &str| OAuthError::new("invalid_grant", text);
        let presented = request
            .refresh_token
            .as_deref()
            .ok_or_else(|| OAuthError::new("invalid_request", "refresh_token is required"))?;
        let hash = TokenHash::of(presented);
        let mut stored = self
            .store
            .refresh_token(&hash)
            .await
            .map_err(OAuthError::unavailable)?
            .ok_or_else(|| invalid_grant("unknown refresh token: sign in again"))?;
        if let Some(client_id) = request.client_id.as_deref()
            && client_id != stored.client_id
        {
            return Err(invalid_grant("refresh token was issued to another client"));
        }
        if stored.grant_revoked {
            return Err(invalid_grant(
                "this grant was revoked (Connected apps, or a reused refresh token): sign in again",
            ));
        }
        if !stored.user_active {
            return Err(invalid_grant(
                "the user was disabled or removed from the tenant: sign in again",
            ));
        }
        let now = now_ms();
        if stored.expires_at <= now {
            return Err(invalid_grant("refresh token has expired: sign in again"));
        }
        let scopes = match request.scope.as_deref() {
            None | Some("") => stored.scopes,
            Some(text) => {
                let asked = oauth::parse_oauth_scope(Some(text))
                    .map_err(|why| OAuthError::new("invalid_scope", why))?;
                if asked.scopes.allows(Scope::Write) && !stored.scopes.allows(Scope::Write) {
                    return Err(OAuthError::new(
                        "invalid_scope",
                        "a refresh cannot add mcp:write: sign in again and approve it",
                    ));
                }
                asked.scopes
            }
        };
        if stored.rotated_at.is_none() {
            let (access, refresh, pair) = self.mint_pair(scopes, now)?;
            let sealed = oauth::seal_successor(presented, &access.plaintext, &refresh.plaintext)
                .map_err(|e| OAuthError::new("server_error", e))?;
            if self
                .store
                .rotate_refresh_token(&stored, &sealed, &pair, now)
                .await
                .map_err(OAuthError::unavailable)?
            {
                return Ok(TokenResponse {
                    access_token: access.plaintext,
                    refresh_token: refresh.plaintext,
                    expires_in: self.config.access_token_ttl.as_secs(),
                    scope: oauth::oauth_scope_string(scopes),
                });
            }
            // A parallel request rotated it a moment ago: answer as it did.
            stored = self
                .store
                .refresh_token(&hash)
                .await
                .map_err(OAuthError::unavailable)?
                .ok_or_else(|| invalid_grant("unknown refresh token: sign in again"))?;
        }
        let rotated_at = stored.rotated_at.unwrap_or(now);
        let within_grace = now - rotated_at <= ms(self.config.refresh_grace);
        if within_grace
            && let Some((access, refresh)) = stored
                .successor
                .as_deref()
                .and_then(|sealed| oauth::open_successor(presented, sealed))
        {
            let left = (rotated_at + ms(self.config.access_token_ttl) - now).max(0) / 1000;
            return Ok(TokenResponse {
                access_token: access,
                refresh_token: refresh,
                expires_in: left as u64,
                scope: oauth::oauth_scope_string(stored.scopes),
            });
        }
        self.store
            .revoke_grant(stored.grant_id, now)
            .await
            .map_err(OAuthError::unavailable)?;
        Err(invalid_grant(
            "refresh token was already used; for safety the whole grant is now revoked. Sign in again",
        ))
    }

    /// RFC 7009: revokes the grant behind an access or refresh token. Unknown tokens
    /// are not an error (the answer must not reveal which tokens exist).
    pub async fn revoke(&self, token: &str) -> Result<(), OAuthError> {
        if let Some(grant_id) = self
            .store
            .grant_of_token(&TokenHash::of(token))
            .await
            .map_err(OAuthError::unavailable)?
        {
            self.store
                .revoke_grant(grant_id, now_ms())
                .await
                .map_err(OAuthError::unavailable)?;
        }
        Ok(())
    }

    /// Checks an email and password (and the second factor when enrolled).
    pub async fn sign_in(
        &self,
        email: &str,
        password: &str,
        totp_code: Option<&str>,
    ) -> Result<User, SignInError> {
        let email = crate::people::normalize_email(email).unwrap_or_default();
        let user = self
            .store
            .user_by_email(&email)
            .await
            .map_err(SignInError::Unavailable)?;
        let Some(user) = user.filter(|u| !u.disabled) else {
            crate::password::verify_against_nothing(password);
            return Err(SignInError::BadCredentials);
        };
        if !crate::password::verify_password(&user.password_hash, password) {
            return Err(SignInError::BadCredentials);
        }
        if let Some(secret) = &user.totp_secret {
            let code = totp_code
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .ok_or(SignInError::SecondFactorRequired)?;
            if !crate::totp::verify(secret, code, SystemTime::now()) {
                return Err(SignInError::BadSecondFactor);
            }
        }
        Ok(user)
    }

    /// Starts a console session; returns the cookie value (shown only to the browser).
    pub async fn start_session(&self, user: &User) -> Result<String, OAuthError> {
        let session = OpaqueSecret::mint("drx_session_").map_err(randomness)?;
        self.store
            .create_session(
                &session.hash,
                user.id,
                now_ms() + ms(self.config.session_ttl),
            )
            .await
            .map_err(OAuthError::unavailable)?;
        Ok(session.plaintext)
    }

    /// The session behind a cookie value, if it is live.
    pub async fn session(&self, cookie: &str) -> Result<Option<Session>, StoreFailure> {
        if !cookie.starts_with("drx_session_") || cookie.len() > 100 {
            return Ok(None);
        }
        self.store.session(&TokenHash::of(cookie), now_ms()).await
    }

    pub async fn end_session(&self, cookie: &str) -> Result<(), StoreFailure> {
        self.store.delete_session(&TokenHash::of(cookie)).await
    }
}

/// The CSRF token of a session: derived from the (HttpOnly) session secret, so only a
/// page served to that browser can know it.
pub fn csrf_token(session_cookie: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"draxis/csrf/v1\0");
    hasher.update(session_cookie.as_bytes());
    hex::encode(hasher.finalize())
}

/// Constant-time comparison of a submitted CSRF token.
pub fn csrf_matches(session_cookie: &str, submitted: &str) -> bool {
    bool::from(
        csrf_token(session_cookie)
            .as_bytes()
            .ct_eq(submitted.as_bytes()),
    )
}

/// Mints a PAT for a console user: never more scope than their role allows.
pub fn mint_pat_for(membership: &Membership, scopes: Scopes) -> Result<MintedToken, OAuthError> {
    if scopes.allows(Scope::Write) && !membership.role.max_scopes().allows(Scope::Write) {
        return Err(OAuthError::new(
            "access_denied",
            format!(
                "your role in {} is {}: you may create read tokens only",
                membership.tenant_name, membership.role
            ),
        ));
    }
    MintedToken::generate(&membership.tenant_slug).map_err(randomness)
}

/// Whether a role may do what `scopes` allow.
pub fn role_allows(role: Role, scopes: Scopes) -> bool {
    !scopes.allows(Scope::Write) || role.max_scopes().allows(Scope::Write)
}

fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Appends query parameters to a URL that may already have a query.
pub fn with_query(base: &str, params: &[(&str, &str)]) -> String {
    let mut url = base.to_string();
    let mut separator = if base.contains('?') { '&' } else { '?' };
    for (key, value) in params {
        url.push(separator);
        url.push_str(key);
        url.push('=');
        url.push_str(&percent_encode(value));
        separator = '&';
    }
    url
}

/// The redirect that reports an error to the client (RFC 6749 §4.1.2.1, RFC 9207 `iss`).
pub fn error_redirect(
    redirect_uri: &str,
    state: Option<&str>,
    issuer: &str,
    error: &OAuthError,
) -> String {
    let mut params = vec![
        ("error", error.code),
        ("error_description", error.description.as_str()),
    ];
    if let Some(state) = state {
        params.push(("state", state));
    }
    params.push(("iss", issuer));
    with_query(redirect_uri, &params)
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
