//! OAuth authorization codes: issued on consent, redeemed once for a grant and its first
//! token pair.

use crate::rows::Failure;
use draxis_auth::oauth::{oauth_scope_string, scopes_from_oauth_string};
use draxis_auth::server::{NewCode, NewTokenPair, StoredCode};
use draxis_auth::{TenantId, TokenHash};
use sqlx::Row;

use super::tokens::insert_token;
use crate::Store;

/// Stores a freshly issued code (its hash only).
pub(super) async fn insert_code(store: &Store, code: &NewCode) -> Result<(), Failure> {
    sqlx::query(
        "INSERT INTO oauth_codes (code_hash, tenant_id, user_id, client_id, redirect_uri, code_challenge, scopes, resource, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(code.hash.to_hex())
    .bind(code.tenant_id.0)
    .bind(code.user_id)
    .bind(&code.client_id)
    .bind(&code.redirect_uri)
    .bind(&code.code_challenge)
    .bind(oauth_scope_string(code.scopes))
    .bind(&code.resource)
    .bind(code.expires_at)
    .execute(&store.pool)
    .await?;
    Ok(())
}

/// A code by hash, used or not; `used` carries the grant it was redeemed for.
pub(super) async fn code_by_hash(
    store: &Store,
    hash: &TokenHash,
) -> Result<Option<StoredCode>, Failure> {
    let row = sqlx::query(
        "SELECT id, tenant_id, user_id, client_id, redirect_uri, code_challenge, scopes, resource, expires_at, used_at, grant_id \
         FROM oauth_codes WHERE code_hash = $1",
    )
    .bind(hash.to_hex())
    .fetch_optional(&store.pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let used_at: Option<i64> = row.try_get("used_at")?;
    let grant_id: Option<i64> = row.try_get("grant_id")?;
    Ok(Some(StoredCode {
        id: row.try_get("id")?,
        tenant_id: TenantId(row.try_get("tenant_id")?),
        user_id: row.try_get("user_id")?,
        client_id: row.try_get("client_id")?,
        redirect_uri: row.try_get("redirect_uri")?,
        code_challenge: row.try_get("code_challenge")?,
        scopes: scopes_from_oauth_string(&row.try_get::<String, _>("scopes")?),
        resource: row.try_get("resource")?,
        expires_at: row.try_get("expires_at")?,
        used: used_at.map(|_| grant_id),
    }))
}

/// Redeems a code once: marks it used, creates its grant and first token pair, in one
/// transaction. `None` when another request redeemed it first.
pub(super) async fn exchange_code(
    store: &Store,
    code: &StoredCode,
    client_name: &str,
    pair: &NewTokenPair,
    now: i64,
) -> Result<Option<i64>, Failure> {
    let _turn = store.write_turn().await;
    let mut tx = store.pool.begin().await?;
    let claimed =
        sqlx::query("UPDATE oauth_codes SET used_at = $1 WHERE id = $2 AND used_at IS NULL")
            .bind(now)
            .bind(code.id)
            .execute(&mut *tx)
            .await?;
    if claimed.rows_affected() != 1 {
        tx.rollback().await?;
        return Ok(None);
    }
    let grant_id: i64 = sqlx::query(
        "INSERT INTO oauth_grants (tenant_id, user_id, client_id, client_name, scopes, resource, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(code.tenant_id.0)
    .bind(code.user_id)
    .bind(&code.client_id)
    .bind(client_name)
    .bind(oauth_scope_string(code.scopes))
    .bind(&code.resource)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?
    .try_get(0)?;
    sqlx::query("UPDATE oauth_codes SET grant_id = $1 WHERE id = $2")
        .bind(grant_id)
        .bind(code.id)
        .execute(&mut *tx)
        .await?;
    insert_token(&mut tx, grant_id, pair, now).await?;
    tx.commit().await?;
    Ok(Some(grant_id))
}
