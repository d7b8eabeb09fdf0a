//! What the authorization server and the console keep in storage: clients, codes,
//! token pairs, grants, PAT listings and sessions, and the [`AccountStore`] trait.

#[cfg(doc)]
use super::throttle::EVERY_ADDRESS;
use super::throttle::SignInRecord;
use crate::pat::{MintedToken, TokenHash};
use crate::people::{Membership, User};
use crate::scope::Scopes;
use crate::storage::StorageError;
use crate::verify::TenantId;

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
    /// Tool calls made with it (counted in memory, written with last-used).
    pub tool_calls: i64,
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
    /// Tool calls made with it (counted in memory, written with last-used).
    pub tool_calls: i64,
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
    async fn user_by_email(&self, email: &str) -> Result<Option<User>, StorageError>;
    async fn memberships(&self, user_id: i64) -> Result<Vec<Membership>, StorageError>;

    async fn create_session(
        &self,
        hash: &TokenHash,
        user_id: i64,
        expires_at: i64,
    ) -> Result<(), StorageError>;
    /// The unexpired session with this hash, with its (enabled) user.
    async fn session(&self, hash: &TokenHash, now: i64) -> Result<Option<Session>, StorageError>;
    async fn set_session_tenant(
        &self,
        session_id: i64,
        tenant: TenantId,
    ) -> Result<(), StorageError>;
    async fn delete_session(&self, hash: &TokenHash) -> Result<(), StorageError>;

    /// The sign-in records of `email` from `client`, and from [`EVERY_ADDRESS`] (the
    /// per-e-mail one); a missing record is all zero.
    async fn sign_in_records(
        &self,
        email: &str,
        client: &str,
    ) -> Result<(SignInRecord, SignInRecord), StorageError>;
    /// Counts a failed sign-in on both records of `email` (from `client`, and from
    /// [`EVERY_ADDRESS`]), each restarting at 1 when its last failure is before
    /// `window_start`; deletes records untouched since `forget_before`.
    async fn record_sign_in_failure(
        &self,
        email: &str,
        client: &str,
        now: i64,
        window_start: i64,
        forget_before: i64,
    ) -> Result<(), StorageError>;
    /// A successful sign-in from `client`: clears its failures, remembers the time.
    async fn record_sign_in_success(
        &self,
        email: &str,
        client: &str,
        now: i64,
    ) -> Result<(), StorageError>;

    async fn insert_client(&self, client: &Client) -> Result<(), StorageError>;
    async fn client(&self, client_id: &str) -> Result<Option<Client>, StorageError>;
    /// How many registered clients were never used: no code issued, no grant.
    async fn unused_clients(&self) -> Result<u64, StorageError>;
    /// Deletes the never-used clients registered before `registered_before` (Unix ms);
    /// how many went.
    async fn delete_unused_clients(&self, registered_before: i64) -> Result<u64, StorageError>;

    async fn insert_code(&self, code: &NewCode) -> Result<(), StorageError>;
    async fn code_by_hash(&self, hash: &TokenHash) -> Result<Option<StoredCode>, StorageError>;
    /// Marks the code used and creates its grant and first token pair in one
    /// transaction. `None` when another request used the code first.
    async fn exchange_code(
        &self,
        code: &StoredCode,
        client_name: &str,
        pair: &NewTokenPair,
        now: i64,
    ) -> Result<Option<i64>, StorageError>;

    async fn refresh_token(
        &self,
        hash: &TokenHash,
    ) -> Result<Option<StoredRefreshToken>, StorageError>;
    /// Marks `old` rotated (keeping `sealed_successor`) and stores `pair`, in one
    /// transaction. False when another request rotated it first.
    async fn rotate_refresh_token(
        &self,
        old: &StoredRefreshToken,
        sealed_successor: &str,
        pair: &NewTokenPair,
        now: i64,
    ) -> Result<bool, StorageError>;
    /// Revokes a grant: every token under it stops working.
    async fn revoke_grant(&self, grant_id: i64, now: i64) -> Result<(), StorageError>;
    /// The grant an access or refresh token belongs to.
    async fn grant_of_token(&self, hash: &TokenHash) -> Result<Option<i64>, StorageError>;

    /// Live grants in a tenant, of one user or (for admins) everyone.
    async fn grants(
        &self,
        tenant: TenantId,
        user_id: Option<i64>,
    ) -> Result<Vec<GrantListing>, StorageError>;
    /// Revokes a live grant in the tenant (of that user, unless `None`). False if none.
    async fn revoke_grant_in_tenant(
        &self,
        tenant: TenantId,
        grant_id: i64,
        user_id: Option<i64>,
        now: i64,
    ) -> Result<bool, StorageError>;

    /// PATs in a tenant, created by `created_by` or (for admins) anyone.
    async fn pats(
        &self,
        tenant: TenantId,
        created_by: Option<&str>,
    ) -> Result<Vec<PatListing>, StorageError>;
    async fn insert_pat(
        &self,
        tenant: TenantId,
        name: &str,
        token: &MintedToken,
        scopes: Scopes,
        created_by: &str,
        now: i64,
    ) -> Result<i64, StorageError>;
    /// Revokes a live PAT in the tenant (made by `created_by`, unless `None`).
    async fn revoke_pat(
        &self,
        tenant: TenantId,
        token_id: i64,
        created_by: Option<&str>,
        now: i64,
    ) -> Result<bool, StorageError>;
}
