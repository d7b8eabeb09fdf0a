//! The OAuth 2.1 authorization server's rules, independent of HTTP and of SQL: client
//! registration, the authorization request, codes bound to PKCE and the resource,
//! grants, rotating refresh tokens with a grace period, revocation, and the console's
//! sign-in sessions. Transport turns HTTP into these calls; storage sits behind
//! [`AccountStore`].

mod clients;
mod grants;
mod sign_in;
mod store;
pub mod throttle;

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub use clients::{
    ClientMetadata, ClientMetadataSource, FetchedDocument, MAX_CLIENT_METADATA_BYTES,
    RegistrationLimits, client_from_metadata_document, is_client_metadata_url,
};
pub use grants::{
    AuthorizationFailure, AuthorizationRequest, TokenRequest, TokenResponse, ValidAuthorization,
    error_redirect, with_query,
};
pub use sign_in::{SignInError, csrf_matches, csrf_token, mint_pat_for, role_allows};
pub use store::{
    AccountStore, Client, GrantListing, NewCode, NewTokenPair, PatListing, Session, StoredCode,
    StoredRefreshToken,
};

use crate::storage::StorageError;

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
    fn unavailable(error: StorageError) -> Self {
        tracing::error!(%error, "credential storage failed");
        Self::new(
            "temporarily_unavailable",
            "credential storage is unavailable, try again shortly",
        )
    }
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
    /// Bounds on dynamically registered clients never used.
    registration: RegistrationLimits,
    /// Set when Client ID Metadata Documents are enabled.
    client_metadata: Option<Arc<dyn ClientMetadataSource>>,
    /// Fetched documents: URL → (fetched at, valid for, client).
    documents: Arc<std::sync::Mutex<std::collections::HashMap<String, CachedClient>>>,
    /// Where password checks run (the async edge gives a bounded blocking pool).
    cpu: Arc<dyn crate::cpu::CpuPool>,
}

type CachedClient = (std::time::Instant, Duration, Client);

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
            registration: RegistrationLimits::default(),
            client_metadata: None,
            documents: Default::default(),
            cpu: Arc::new(crate::cpu::Inline),
        }
    }

    /// Runs password checks on `pool` instead of the caller's thread.
    pub fn with_cpu_pool(mut self, pool: Arc<dyn crate::cpu::CpuPool>) -> Self {
        self.cpu = pool;
        self
    }

    pub fn config(&self) -> &AuthorizationConfig {
        &self.config
    }

    pub fn store(&self) -> &Arc<dyn AccountStore> {
        &self.store
    }
}
