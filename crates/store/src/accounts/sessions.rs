//! Console sessions: created on sign-in, found by cookie hash, bound to a tenant, ended.

use crate::rows::Failure;
use chrono::Utc;
use draxis_auth::server::Session;
use draxis_auth::{TenantId, TokenHash};
use sqlx::Row;

use super::users::{user_columns, user_from};
use crate::Store;
use crate::rows::ms;

/// Starts a session (dropping expired ones first).
pub(super) async fn create_session(
    store: &Store,
    hash: &TokenHash,
    user_id: i64,
    expires_at: i64,
) -> Result<(), Failure> {
    let now = ms(Utc::now());
    let _turn = store.write_turn().await;
    sqlx::query("DELETE FROM web_sessions WHERE expires_at < $1")
        .bind(now)
        .execute(&store.pool)
        .await?;
    sqlx::query(
        "INSERT INTO web_sessions (session_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(hash.to_hex())
    .bind(user_id)
    .bind(now)
    .bind(expires_at)
    .execute(&store.pool)
    .await?;
    Ok(())
}

/// The live session with this cookie hash, with its user, unless disabled.
pub(super) async fn session(
    store: &Store,
    hash: &TokenHash,
    now: i64,
) -> Result<Option<Session>, Failure> {
    let row = sqlx::query(concat!(
        "SELECT s.id AS session_id, s.tenant_id, ",
        user_columns!(),
        " FROM web_sessions s JOIN users u ON u.id = s.user_id \
         WHERE s.session_hash = $1 AND s.expires_at > $2 AND u.disabled_at IS NULL"
    ))
    .bind(hash.to_hex())
    .bind(now)
    .fetch_optional(&store.pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    Ok(Some(Session {
        id: row.try_get("session_id")?,
        tenant_id: row.try_get::<Option<i64>, _>("tenant_id")?.map(TenantId),
        user: user_from(&row)?,
    }))
}

/// Remembers the tenant the session works in.
pub(super) async fn set_session_tenant(
    store: &Store,
    session_id: i64,
    tenant: TenantId,
) -> Result<(), Failure> {
    sqlx::query("UPDATE web_sessions SET tenant_id = $1 WHERE id = $2")
        .bind(tenant.0)
        .bind(session_id)
        .execute(&store.pool)
        .await?;
    Ok(())
}

/// Ends a session (sign-out).
pub(super) async fn delete_session(store: &Store, hash: &TokenHash) -> Result<(), Failure> {
    sqlx::query("DELETE FROM web_sessions WHERE session_hash = $1")
        .bind(hash.to_hex())
        .execute(&store.pool)
        .await?;
    Ok(())
}
