//! Turning a presented `Authorization` header into a [`Principal`], with one indexed
//! lookup per request and last-used times written in coalesced batches.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use subtle::ConstantTimeEq;

use crate::pat::{PatFormatError, PresentedPat, TokenHash};
use crate::scope::Scopes;
use crate::storage::StorageError;

/// A tenant's database id. Only ever taken from an authenticated principal (or, in the
/// operator CLI, from an explicit `--tenant`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TenantId(pub i64);

/// The authenticated caller of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub tenant_id: TenantId,
    pub tenant_slug: String,
    pub credential: Credential,
    pub scopes: Scopes,
}

/// What the caller authenticated with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    /// A personal access token.
    Pat { token_id: i64, name: String },
    /// An OAuth access token issued under a grant (user × tenant × client).
    OAuth {
        grant_id: i64,
        user_id: i64,
        user_email: String,
        client_name: String,
    },
    /// A signed-in console session (the web console reading on its user's behalf).
    Session {
        session_id: i64,
        user_id: i64,
        user_email: String,
    },
}

impl Principal {
    /// The PAT's id, when the caller used one.
    pub fn pat_id(&self) -> Option<i64> {
        match self.credential {
            Credential::Pat { token_id, .. } => Some(token_id),
            Credential::OAuth { .. } | Credential::Session { .. } => None,
        }
    }

    /// Who acted, for the audit trail: `token:12 (name)`, `oauth:3 (client for email)` or
    /// `user:email` (a console session).
    pub fn audit_label(&self) -> String {
        match &self.credential {
            Credential::Pat { token_id, name } => format!("token:{token_id} ({name})"),
            Credential::OAuth {
                grant_id,
                user_email,
                client_name,
                ..
            } => format!("oauth:{grant_id} ({client_name} for {user_email})"),
            Credential::Session { user_email, .. } => format!("user:{user_email}"),
        }
    }

    pub fn is_oauth(&self) -> bool {
        matches!(self.credential, Credential::OAuth { .. })
    }
}

/// An OAuth access token row joined with its grant, user and membership.
#[derive(Debug, Clone)]
pub struct StoredAccessToken {
    pub grant_id: i64,
    pub tenant_id: TenantId,
    pub tenant_slug: String,
    pub user_id: i64,
    pub user_email: String,
    pub client_name: String,
    /// The token's scopes, already narrowed to what the user's current role allows.
    pub scopes: Scopes,
    /// The resource (audience) the token was issued for.
    pub resource: String,
    /// Unix milliseconds.
    pub expires_at: i64,
    pub grant_revoked: bool,
    /// False when the user was disabled or left the tenant.
    pub user_active: bool,
}

/// A token row as the store keeps it (hash, never plaintext).
#[derive(Debug, Clone)]
pub struct StoredToken {
    pub id: i64,
    pub tenant_id: TenantId,
    pub tenant_slug: String,
    pub name: String,
    pub hash: TokenHash,
    pub scopes: Scopes,
    /// Unix milliseconds.
    pub expires_at: Option<i64>,
    /// Unix milliseconds.
    pub revoked_at: Option<i64>,
}

/// What verification needs from storage.
#[async_trait::async_trait]
pub trait TokenStore: Send + Sync {
    /// The token with this hash (unique index), if any.
    async fn token_by_hash(&self, hash: &TokenHash) -> Result<Option<StoredToken>, StorageError>;
    /// Whether a tenant with this slug exists (used only to explain a rejection).
    async fn tenant_exists(&self, slug: &str) -> Result<bool, StorageError>;
    /// Sets last-used times: `(token id, unix ms)`; never moves a time backwards.
    async fn record_token_use(&self, uses: &[(i64, i64)]) -> Result<(), StorageError>;
    /// The OAuth access token with this hash (unique index), if any.
    async fn access_token_by_hash(
        &self,
        hash: &TokenHash,
    ) -> Result<Option<StoredAccessToken>, StorageError>;
    /// Sets OAuth grants' last-used times: `(grant id, unix ms)`.
    async fn record_grant_use(&self, uses: &[(i64, i64)]) -> Result<(), StorageError>;
    /// Adds tool calls to the counters of PATs and grants: `(id, calls)` each.
    async fn record_tool_calls(&self, calls: &ToolCalls) -> Result<(), StorageError>;
}

/// Tool calls counted since the last flush, per credential.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ToolCalls {
    /// `(PAT id, calls)`.
    pub tokens: Vec<(i64, u64)>,
    /// `(grant id, calls)`.
    pub grants: Vec<(i64, u64)>,
}

impl ToolCalls {
    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty() && self.grants.is_empty()
    }
}

/// Why a request is not authenticated. The message is safe to show the caller.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error(
        "missing Authorization header: send `Authorization: Bearer drx_pat_<tenant-slug>.<64 hex digits>`"
    )]
    MissingHeader,
    #[error(
        "Authorization header must use the Bearer scheme: `Authorization: Bearer drx_pat_<tenant-slug>.<64 hex digits>`"
    )]
    NotBearer,
    #[error(
        "Bearer token is empty: send `Authorization: Bearer drx_pat_<tenant-slug>.<64 hex digits>`"
    )]
    EmptyToken,
    #[error("{0}")]
    Format(#[from] PatFormatError),
    #[error("unknown tenant `{0}` in token: check the part between drx_pat_ and the dot")]
    UnknownTenant(String),
    #[error(
        "unknown token for tenant `{0}`: it was never issued or was mistyped; mint a new one with `draxis-admin token create`"
    )]
    UnknownToken(String),
    #[error("token has been revoked: mint a new one")]
    Revoked,
    #[error("token has expired: mint a new one")]
    Expired,
    #[error(
        "unknown OAuth access token: it was never issued, or its grant was revoked and removed; sign in again"
    )]
    UnknownAccessToken,
    #[error(
        "OAuth access token has expired: exchange your refresh token at the token endpoint, or sign in again"
    )]
    AccessTokenExpired,
    #[error(
        "OAuth access token belongs to a revoked grant (Connected apps, or a reused refresh token): sign in again"
    )]
    GrantRevoked,
    #[error(
        "OAuth access token's user was disabled or removed from the tenant: sign in again with an active account"
    )]
    UserInactive,
    #[error("OAuth access token was issued for `{0}`, not for this server's resource `{1}`")]
    WrongAudience(String, String),
    #[error(
        "this is an OAuth refresh token: exchange it at the token endpoint and send the access token instead"
    )]
    RefreshTokenAsBearer,
    #[error("credential storage is unavailable, try again shortly")]
    Unavailable(#[source] StorageError),
}

impl AuthError {
    /// True when the caller can fix it (401); false for our own failures (503).
    pub fn is_caller_error(&self) -> bool {
        !matches!(self, AuthError::Unavailable(_))
    }
}

/// Verifies bearer tokens and remembers when each was last used.
///
/// With a cache TTL, a token found in storage is trusted for that long without another
/// lookup: a revocation made by another process (the admin CLI, another replica) takes
/// effect within the TTL; [`TokenVerifier::forget_token`] makes one made here immediate.
pub struct TokenVerifier {
    store: std::sync::Arc<dyn TokenStore>,
    /// The resource (audience) OAuth access tokens must have been issued for.
    resource: Option<String>,
    pending_uses: Mutex<HashMap<i64, i64>>,
    pending_grant_uses: Mutex<HashMap<i64, i64>>,
    /// Tool calls not yet written: (is a grant, id) → calls.
    pending_calls: Mutex<HashMap<(bool, i64), u64>>,
    cache_ttl: Duration,
    recent: Mutex<HashMap<[u8; 32], (Instant, StoredToken)>>,
}

/// Most tokens the verification cache holds before it starts over.
const CACHE_CAPACITY: usize = 10_000;

impl std::fmt::Debug for TokenVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenVerifier").finish_non_exhaustive()
    }
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

impl TokenVerifier {
    /// A verifier that looks every token up in `store`.
    pub fn new(store: std::sync::Arc<dyn TokenStore>) -> Self {
        Self {
            store,
            resource: None,
            pending_uses: Mutex::new(HashMap::new()),
            pending_grant_uses: Mutex::new(HashMap::new()),
            pending_calls: Mutex::new(HashMap::new()),
            cache_ttl: Duration::ZERO,
            recent: Mutex::new(HashMap::new()),
        }
    }

    /// Trusts a token found in storage for `ttl` before looking it up again.
    pub fn with_cache_ttl(mut self, ttl: Duration) -> Self {
        self.cache_ttl = ttl;
        self
    }

    /// Accepts OAuth access tokens only when issued for `resource` (this server's
    /// `/api/mcp` URL). Without it, OAuth access tokens are refused.
    pub fn with_resource(mut self, resource: impl Into<String>) -> Self {
        self.resource = Some(resource.into());
        self
    }

    /// Drops a token from the verification cache (call after revoking it here).
    pub fn forget_token(&self, token_id: i64) {
        self.recent
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|_, (_, t)| t.id != token_id);
    }

    fn cached(&self, hash: &TokenHash) -> Option<StoredToken> {
        if self.cache_ttl.is_zero() {
            return None;
        }
        let recent = self.recent.lock().unwrap_or_else(|e| e.into_inner());
        recent
            .get(&hash.0)
            .filter(|(at, _)| at.elapsed() < self.cache_ttl)
            .map(|(_, token)| token.clone())
    }

    fn remember(&self, token: &StoredToken) {
        if self.cache_ttl.is_zero() {
            return;
        }
        let mut recent = self.recent.lock().unwrap_or_else(|e| e.into_inner());
        if recent.len() >= CACHE_CAPACITY {
            recent.clear();
        }
        recent.insert(token.hash.0, (Instant::now(), token.clone()));
    }

    /// Verifies the value of an `Authorization` header.
    pub async fn verify_header(&self, header: Option<&str>) -> Result<Principal, AuthError> {
        let header = header.ok_or(AuthError::MissingHeader)?.trim();
        let (scheme, token) = header.split_once(' ').unwrap_or((header, ""));
        if !scheme.eq_ignore_ascii_case("bearer") {
            return Err(AuthError::NotBearer);
        }
        let token = token.trim();
        if token.is_empty() {
            return Err(AuthError::EmptyToken);
        }
        self.verify_token(token).await
    }

    /// Verifies a plaintext PAT or OAuth access token.
    pub async fn verify_token(&self, token: &str) -> Result<Principal, AuthError> {
        if token.starts_with(crate::oauth::ACCESS_TOKEN_PREFIX) {
            return self.verify_access_token(token).await;
        }
        if token.starts_with(crate::oauth::REFRESH_TOKEN_PREFIX) {
            return Err(AuthError::RefreshTokenAsBearer);
        }
        let presented = PresentedPat::parse(token)?;
        let stored = match self.cached(&presented.hash) {
            Some(hit) => Some(hit),
            None => {
                let found = self
                    .store
                    .token_by_hash(&presented.hash)
                    .await
                    .map_err(AuthError::Unavailable)?;
                if let Some(token) = &found {
                    self.remember(token);
                }
                found
            }
        };
        let Some(stored) = stored.filter(|s| {
            bool::from(s.hash.0.ct_eq(&presented.hash.0)) && s.tenant_slug == presented.tenant_slug
        }) else {
            let tenant_known = self
                .store
                .tenant_exists(presented.tenant_slug)
                .await
                .map_err(AuthError::Unavailable)?;
            return Err(if tenant_known {
                AuthError::UnknownToken(presented.tenant_slug.to_string())
            } else {
                AuthError::UnknownTenant(presented.tenant_slug.to_string())
            });
        };
        let now = now_ms();
        if stored.revoked_at.is_some() {
            return Err(AuthError::Revoked);
        }
        if stored.expires_at.is_some_and(|at| at <= now) {
            return Err(AuthError::Expired);
        }
        self.note_use(stored.id, now);
        Ok(Principal {
            tenant_id: stored.tenant_id,
            tenant_slug: stored.tenant_slug,
            credential: Credential::Pat {
                token_id: stored.id,
                name: stored.name,
            },
            scopes: stored.scopes,
        })
    }

    /// OAuth access tokens are looked up on every request (one indexed join), so that a
    /// revoked grant, a disabled user or a lowered role takes effect at once.
    async fn verify_access_token(&self, token: &str) -> Result<Principal, AuthError> {
        let hash = TokenHash::of(token);
        let stored = self
            .store
            .access_token_by_hash(&hash)
            .await
            .map_err(AuthError::Unavailable)?
            .ok_or(AuthError::UnknownAccessToken)?;
        let Some(resource) = self.resource.as_deref() else {
            return Err(AuthError::UnknownAccessToken);
        };
        if stored.grant_revoked {
            return Err(AuthError::GrantRevoked);
        }
        let now = now_ms();
        if stored.expires_at <= now {
            return Err(AuthError::AccessTokenExpired);
        }
        if !stored.user_active {
            return Err(AuthError::UserInactive);
        }
        if stored.resource != resource {
            return Err(AuthError::WrongAudience(
                stored.resource,
                resource.to_string(),
            ));
        }
        self.pending_grant_uses
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(stored.grant_id, now);
        Ok(Principal {
            tenant_id: stored.tenant_id,
            tenant_slug: stored.tenant_slug,
            credential: Credential::OAuth {
                grant_id: stored.grant_id,
                user_id: stored.user_id,
                user_email: stored.user_email,
                client_name: stored.client_name,
            },
            scopes: stored.scopes,
        })
    }

    fn note_use(&self, token_id: i64, at: i64) {
        let mut pending = self.pending_uses.lock().unwrap_or_else(|e| e.into_inner());
        pending.insert(token_id, at);
    }

    /// Counts one tool call for the caller's credential (written with last-used times).
    pub fn note_tool_call(&self, principal: &Principal) {
        let key = match principal.credential {
            Credential::Pat { token_id, .. } => (false, token_id),
            Credential::OAuth { grant_id, .. } => (true, grant_id),
            // Console pages are not tool calls of a token or grant.
            Credential::Session { .. } => return,
        };
        let mut pending = self.pending_calls.lock().unwrap_or_else(|e| e.into_inner());
        *pending.entry(key).or_insert(0) += 1;
    }

    /// Writes the tool-call counts gathered since the previous flush; on failure they are
    /// kept (and added to) for the next one.
    async fn flush_tool_calls(&self) -> Result<(), StorageError> {
        let drained: Vec<((bool, i64), u64)> = {
            let mut pending = self.pending_calls.lock().unwrap_or_else(|e| e.into_inner());
            pending.drain().collect()
        };
        if drained.is_empty() {
            return Ok(());
        }
        let mut calls = ToolCalls::default();
        for ((is_grant, id), count) in &drained {
            let list = if *is_grant {
                &mut calls.grants
            } else {
                &mut calls.tokens
            };
            list.push((*id, *count));
        }
        if let Err(error) = self.store.record_tool_calls(&calls).await {
            let mut pending = self.pending_calls.lock().unwrap_or_else(|e| e.into_inner());
            for (key, count) in drained {
                *pending.entry(key).or_insert(0) += count;
            }
            return Err(error);
        }
        Ok(())
    }

    /// Writes the last-used times and tool-call counts gathered since the previous
    /// flush, one row per token. Call it on a timer and at shutdown. Returns how many
    /// tokens' last-used times were updated.
    pub async fn flush_last_used(&self) -> Result<usize, StorageError> {
        self.flush_tool_calls().await?;
        let grant_uses: Vec<(i64, i64)> = {
            let mut pending = self
                .pending_grant_uses
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            pending.drain().collect()
        };
        if !grant_uses.is_empty() {
            // Last-used on a grant is informational: a failed write is dropped, not retried.
            self.store.record_grant_use(&grant_uses).await?;
        }
        let uses: Vec<(i64, i64)> = {
            let mut pending = self.pending_uses.lock().unwrap_or_else(|e| e.into_inner());
            pending.drain().collect()
        };
        if uses.is_empty() {
            return Ok(0);
        }
        if let Err(error) = self.store.record_token_use(&uses).await {
            // Put them back so the next flush retries; newer uses win.
            let mut pending = self.pending_uses.lock().unwrap_or_else(|e| e.into_inner());
            for (id, at) in uses {
                let entry = pending.entry(id).or_insert(at);
                *entry = (*entry).max(at);
            }
            return Err(error);
        }
        Ok(uses.len())
    }
}
