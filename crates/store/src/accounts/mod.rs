//! People and OAuth in storage: users and memberships, console sessions, OAuth clients,
//! codes, grants and tokens, personal access tokens (`AccountStore`, one module per
//! family), and the operator's user commands.

mod clients;
mod codes;
mod commands;
mod grants;
mod pats;
mod sessions;
mod tokens;
mod users;

use async_trait::async_trait;
use draxis_auth::server::{
    Client, GrantListing, NewCode, NewTokenPair, PatListing, Session, StoredCode,
    StoredRefreshToken,
};
use draxis_auth::verify::StoreFailure;
use draxis_auth::{AccountStore, Membership, MintedToken, Scopes, TenantId, TokenHash, User};

use crate::Store;

pub use users::UserListing;

#[async_trait]
impl AccountStore for Store {
    async fn user_by_email(&self, email: &str) -> Result<Option<User>, StoreFailure> {
        users::user_by_email(self, email).await
    }

    async fn memberships(&self, user_id: i64) -> Result<Vec<Membership>, StoreFailure> {
        users::memberships(self, user_id).await
    }

    async fn create_session(
        &self,
        hash: &TokenHash,
        user_id: i64,
        expires_at: i64,
    ) -> Result<(), StoreFailure> {
        sessions::create_session(self, hash, user_id, expires_at).await
    }

    async fn session(&self, hash: &TokenHash, now: i64) -> Result<Option<Session>, StoreFailure> {
        sessions::session(self, hash, now).await
    }

    async fn set_session_tenant(
        &self,
        session_id: i64,
        tenant: TenantId,
    ) -> Result<(), StoreFailure> {
        sessions::set_session_tenant(self, session_id, tenant).await
    }

    async fn delete_session(&self, hash: &TokenHash) -> Result<(), StoreFailure> {
        sessions::delete_session(self, hash).await
    }

    async fn insert_client(&self, client: &Client) -> Result<(), StoreFailure> {
        clients::insert_client(self, client).await
    }

    async fn client(&self, client_id: &str) -> Result<Option<Client>, StoreFailure> {
        clients::client(self, client_id).await
    }

    async fn insert_code(&self, code: &NewCode) -> Result<(), StoreFailure> {
        codes::insert_code(self, code).await
    }

    async fn code_by_hash(&self, hash: &TokenHash) -> Result<Option<StoredCode>, StoreFailure> {
        codes::code_by_hash(self, hash).await
    }

    async fn exchange_code(
        &self,
        code: &StoredCode,
        client_name: &str,
        pair: &NewTokenPair,
        now: i64,
    ) -> Result<Option<i64>, StoreFailure> {
        codes::exchange_code(self, code, client_name, pair, now).await
    }

    async fn refresh_token(
        &self,
        hash: &TokenHash,
    ) -> Result<Option<StoredRefreshToken>, StoreFailure> {
        tokens::refresh_token(self, hash).await
    }

    async fn rotate_refresh_token(
        &self,
        old: &StoredRefreshToken,
        sealed_successor: &str,
        pair: &NewTokenPair,
        now: i64,
    ) -> Result<bool, StoreFailure> {
        tokens::rotate_refresh_token(self, old, sealed_successor, pair, now).await
    }

    async fn revoke_grant(&self, grant_id: i64, now: i64) -> Result<(), StoreFailure> {
        grants::revoke_grant(self, grant_id, now).await
    }

    async fn grant_of_token(&self, hash: &TokenHash) -> Result<Option<i64>, StoreFailure> {
        grants::grant_of_token(self, hash).await
    }

    async fn grants(
        &self,
        tenant: TenantId,
        user_id: Option<i64>,
    ) -> Result<Vec<GrantListing>, StoreFailure> {
        grants::grants(self, tenant, user_id).await
    }

    async fn revoke_grant_in_tenant(
        &self,
        tenant: TenantId,
        grant_id: i64,
        user_id: Option<i64>,
        now: i64,
    ) -> Result<bool, StoreFailure> {
        grants::revoke_grant_in_tenant(self, tenant, grant_id, user_id, now).await
    }

    async fn pats(
        &self,
        tenant: TenantId,
        created_by: Option<&str>,
    ) -> Result<Vec<PatListing>, StoreFailure> {
        pats::pats(self, tenant, created_by).await
    }

    async fn insert_pat(
        &self,
        tenant: TenantId,
        name: &str,
        token: &MintedToken,
        scopes: Scopes,
        created_by: &str,
        now: i64,
    ) -> Result<i64, StoreFailure> {
        pats::insert_pat(self, tenant, name, token, scopes, created_by, now).await
    }

    async fn revoke_pat(
        &self,
        tenant: TenantId,
        token_id: i64,
        created_by: Option<&str>,
        now: i64,
    ) -> Result<bool, StoreFailure> {
        pats::revoke_pat(self, tenant, token_id, created_by, now).await
    }
}
