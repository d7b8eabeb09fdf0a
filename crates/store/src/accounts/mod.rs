//! People and OAuth in storage: users and memberships, console sessions, sign-in
//! throttle records, OAuth clients, codes, grants and tokens, personal access tokens
//! (`AccountStore`, one module per family), and the operator's user commands.

mod clients;
mod codes;
mod commands;
mod grants;
mod pats;
mod sessions;
mod throttle;
mod tokens;
mod users;

use async_trait::async_trait;
use draxis_auth::StorageError;
use draxis_auth::server::throttle::SignInRecord;
use draxis_auth::server::{
    Client, GrantListing, NewCode, NewTokenPair, PatListing, Session, StoredCode,
    StoredRefreshToken,
};
use draxis_auth::{AccountStore, Membership, MintedToken, Scopes, TenantId, TokenHash, User};

use crate::Store;

pub use users::UserListing;

#[async_trait]
impl AccountStore for Store {
    async fn user_by_email(&self, email: &str) -> Result<Option<User>, StorageError> {
        users::user_by_email(self, email)
            .await
            .map_err(StorageError)
    }

    async fn memberships(&self, user_id: i64) -> Result<Vec<Membership>, StorageError> {
        users::memberships(self, user_id)
            .await
            .map_err(StorageError)
    }

    async fn create_session(
        &self,
        hash: &TokenHash,
        user_id: i64,
        expires_at: i64,
    ) -> Result<(), StorageError> {
        sessions::create_session(self, hash, user_id, expires_at)
            .await
            .map_err(StorageError)
    }

    async fn session(&self, hash: &TokenHash, now: i64) -> Result<Option<Session>, StorageError> {
        sessions::session(self, hash, now)
            .await
            .map_err(StorageError)
    }

    async fn set_session_tenant(
        &self,
        session_id: i64,
        tenant: TenantId,
    ) -> Result<(), StorageError> {
        sessions::set_session_tenant(self, session_id, tenant)
            .await
            .map_err(StorageError)
    }

    async fn delete_session(&self, hash: &TokenHash) -> Result<(), StorageError> {
        sessions::delete_session(self, hash)
            .await
            .map_err(StorageError)
    }

    async fn sign_in_records(
        &self,
        email: &str,
        client: &str,
    ) -> Result<(SignInRecord, SignInRecord), StorageError> {
        throttle::sign_in_records(self, email, client)
            .await
            .map_err(StorageError)
    }

    async fn record_sign_in_failure(
        &self,
        email: &str,
        client: &str,
        now: i64,
        window_start: i64,
        forget_before: i64,
    ) -> Result<(), StorageError> {
        throttle::record_failure(self, email, client, now, window_start, forget_before)
            .await
            .map_err(StorageError)
    }

    async fn record_sign_in_success(
        &self,
        email: &str,
        client: &str,
        now: i64,
    ) -> Result<(), StorageError> {
        throttle::record_success(self, email, client, now)
            .await
            .map_err(StorageError)
    }

    async fn insert_client(&self, client: &Client) -> Result<(), StorageError> {
        clients::insert_client(self, client)
            .await
            .map_err(StorageError)
    }

    async fn client(&self, client_id: &str) -> Result<Option<Client>, StorageError> {
        clients::client(self, client_id).await.map_err(StorageError)
    }

    async fn unused_clients(&self) -> Result<u64, StorageError> {
        clients::unused_clients(self).await.map_err(StorageError)
    }

    async fn delete_unused_clients(&self, registered_before: i64) -> Result<u64, StorageError> {
        clients::delete_unused_clients(self, registered_before)
            .await
            .map_err(StorageError)
    }

    async fn insert_code(&self, code: &NewCode) -> Result<(), StorageError> {
        codes::insert_code(self, code).await.map_err(StorageError)
    }

    async fn code_by_hash(&self, hash: &TokenHash) -> Result<Option<StoredCode>, StorageError> {
        codes::code_by_hash(self, hash).await.map_err(StorageError)
    }

    async fn exchange_code(
        &self,
        code: &StoredCode,
        client_name: &str,
        pair: &NewTokenPair,
        now: i64,
    ) -> Result<Option<i64>, StorageError> {
        codes::exchange_code(self, code, client_name, pair, now)
            .await
            .map_err(StorageError)
    }

    async fn refresh_token(
        &self,
        hash: &TokenHash,
    ) -> Result<Option<StoredRefreshToken>, StorageError> {
        tokens::refresh_token(self, hash)
            .await
            .map_err(StorageError)
    }

    async fn rotate_refresh_token(
        &self,
        old: &StoredRefreshToken,
        sealed_successor: &str,
        pair: &NewTokenPair,
        now: i64,
    ) -> Result<bool, StorageError> {
        tokens::rotate_refresh_token(self, old, sealed_successor, pair, now)
            .await
            .map_err(StorageError)
    }

    async fn revoke_grant(&self, grant_id: i64, now: i64) -> Result<(), StorageError> {
        grants::revoke_grant(self, grant_id, now)
            .await
            .map_err(StorageError)
    }

    async fn grant_of_token(&self, hash: &TokenHash) -> Result<Option<i64>, StorageError> {
        grants::grant_of_token(self, hash)
            .await
            .map_err(StorageError)
    }

    async fn grants(
        &self,
        tenant: TenantId,
        user_id: Option<i64>,
    ) -> Result<Vec<GrantListing>, StorageError> {
        grants::grants(self, tenant, user_id)
            .await
            .map_err(StorageError)
    }

    async fn revoke_grant_in_tenant(
        &self,
        tenant: TenantId,
        grant_id: i64,
        user_id: Option<i64>,
        now: i64,
    ) -> Result<bool, StorageError> {
        grants::revoke_grant_in_tenant(self, tenant, grant_id, user_id, now)
            .await
            .map_err(StorageError)
    }

    async fn pats(
        &self,
        tenant: TenantId,
        created_by: Option<&str>,
    ) -> Result<Vec<PatListing>, StorageError> {
        pats::pats(self, tenant, created_by)
            .await
            .map_err(StorageError)
    }

    async fn insert_pat(
        &self,
        tenant: TenantId,
        name: &str,
        token: &MintedToken,
        scopes: Scopes,
        created_by: &str,
        now: i64,
    ) -> Result<i64, StorageError> {
        pats::insert_pat(self, tenant, name, token, scopes, created_by, now)
            .await
            .map_err(StorageError)
    }

    async fn revoke_pat(
        &self,
        tenant: TenantId,
        token_id: i64,
        created_by: Option<&str>,
        now: i64,
    ) -> Result<bool, StorageError> {
        pats::revoke_pat(self, tenant, token_id, created_by, now)
            .await
            .map_err(StorageError)
    }
}
