//! OAuth token pairs: written for a grant, looked up by refresh hash, rotated once.

use crate::rows::Failure;
use draxis_auth::TokenHash;
use draxis_auth::oauth::{oauth_scope_string, scopes_from_oauth_string};
use draxis_auth::server::{NewTokenPair, StoredRefreshToken};
use sqlx::Row;

use crate::Store;

/// Writes a grant's access and refresh token, inside the caller's transaction.
pub(super) async fn insert_token(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    grant_id: i64,
    pair: &NewTokenPair,
    now: i64,
) -> Result<(), sqlx::Error> {
    let scopes = oauth_scope_string(pair.scopes);
    for (kind, hash, expires_at) in [
        ("access", &pair.access_hash, pair.access_expires_at),
        ("refresh", &pair.refresh_hash, pair.refresh_expires_at),
    ] {
        sqlx::query(
            "INSERT INTO oauth_tokens (grant_id, kind, token_hash, scopes, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(grant_id)
        .bind(kind)
        .bind(hash.to_hex())
        .bind(scopes)
        .bind(now)
        .bind(expires_at)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// A refresh token by hash, with whether its grant and user are still good.
pub(super) async fn refresh_token(
    store: &Store,
    hash: &TokenHash,
) -> Result<Option<StoredRefreshToken>, Failure> {
    let row = sqlx::query(
        "SELECT t.id, t.grant_id, g.client_id, t.scopes, t.expires_at, t.rotated_at, t.successor, \
                g.revoked_at, u.disabled_at, m.role \
         FROM oauth_tokens t JOIN oauth_grants g ON g.id = t.grant_id JOIN users u ON u.id = g.user_id \
         LEFT JOIN memberships m ON m.user_id = g.user_id AND m.tenant_id = g.tenant_id \
         WHERE t.token_hash = $1 AND t.kind = 'refresh'",
    )
    .bind(hash.to_hex())
    .fetch_optional(&store.pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    Ok(Some(StoredRefreshToken {
        id: row.try_get("id")?,
        grant_id: row.try_get("grant_id")?,
        client_id: row.try_get("client_id")?,
        scopes: scopes_from_oauth_string(&row.try_get::<String, _>("scopes")?),
        expires_at: row.try_get("expires_at")?,
        rotated_at: row.try_get("rotated_at")?,
        successor: row.try_get("successor")?,
        grant_revoked: row.try_get::<Option<i64>, _>("revoked_at")?.is_some(),
        user_active: row.try_get::<Option<i64>, _>("disabled_at")?.is_none()
            && row.try_get::<Option<String>, _>("role")?.is_some(),
    }))
}

/// Replaces a refresh token by a new pair, once: the loser of a race gets `false`.
pub(super) async fn rotate_refresh_token(
    store: &Store,
    old: &StoredRefreshToken,
    sealed_successor: &str,
    pair: &NewTokenPair,
    now: i64,
) -> Result<bool, Failure> {
    let _turn = store.write_turn().await;
    let mut tx = store.pool.begin().await?;
    let claimed = sqlx::query(
        "UPDATE oauth_tokens SET rotated_at = $1, successor = $2 WHERE id = $3 AND rotated_at IS NULL",
    )
    .bind(now)
    .bind(sealed_successor)
    .bind(old.id)
    .execute(&mut *tx)
    .await?;
    if claimed.rows_affected() != 1 {
        tx.rollback().await?;
        return Ok(false);
    }
    // Sealed successors older than a minute have served their purpose.
    sqlx::query(
        "UPDATE oauth_tokens SET successor = NULL WHERE grant_id = $1 AND successor IS NOT NULL AND rotated_at < $2",
    )
    .bind(old.grant_id)
    .bind(now - 60_000)
    .execute(&mut *tx)
    .await?;
    insert_token(&mut tx, old.grant_id, pair, now).await?;
    tx.commit().await?;
    Ok(true)
}
