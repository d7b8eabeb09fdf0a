//! Personal access tokens as the console manages them: listed, created, revoked.

use crate::rows::Failure;
use draxis_auth::server::PatListing;
use draxis_auth::{MintedToken, Scopes, TenantId};
use sqlx::Row;

use crate::Store;

/// A tenant's personal access tokens (created by one person when given), newest first.
pub(super) async fn pats(
    store: &Store,
    tenant: TenantId,
    created_by: Option<&str>,
) -> Result<Vec<PatListing>, Failure> {
    macro_rules! tenant_pats {
        () => {
            "SELECT id, name, display_prefix, scopes, created_by, created_at, last_used_at, tool_calls, expires_at, revoked_at \
             FROM api_tokens WHERE tenant_id = $1"
        };
    }
    let rows = match created_by {
        Some(who) => {
            sqlx::query(concat!(
                tenant_pats!(),
                " AND created_by = $2 ORDER BY id DESC"
            ))
            .bind(tenant.0)
            .bind(who)
            .fetch_all(&store.pool)
            .await?
        }
        None => {
            sqlx::query(concat!(tenant_pats!(), " ORDER BY id DESC"))
                .bind(tenant.0)
                .fetch_all(&store.pool)
                .await?
        }
    };
    rows.iter()
        .map(|row| {
            Ok(PatListing {
                id: row.try_get("id")?,
                name: row.try_get("name")?,
                display_prefix: row.try_get("display_prefix")?,
                scopes: Scopes::parse(&row.try_get::<String, _>("scopes")?)?,
                created_by: row.try_get("created_by")?,
                created_at: row.try_get("created_at")?,
                last_used_at: row.try_get("last_used_at")?,
                tool_calls: row.try_get("tool_calls")?,
                expires_at: row.try_get("expires_at")?,
                revoked_at: row.try_get("revoked_at")?,
            })
        })
        .collect()
}

/// Stores a token minted in the console; its id.
pub(super) async fn insert_pat(
    store: &Store,
    tenant: TenantId,
    name: &str,
    token: &MintedToken,
    scopes: Scopes,
    created_by: &str,
    now: i64,
) -> Result<i64, Failure> {
    Ok(store
        .insert_api_token(tenant, name, token, scopes, created_by, now, None)
        .await?)
}

/// Revokes a live token of `tenant` (created by one person when given); whether it was.
pub(super) async fn revoke_pat(
    store: &Store,
    tenant: TenantId,
    token_id: i64,
    created_by: Option<&str>,
    now: i64,
) -> Result<bool, Failure> {
    macro_rules! revoke_live_pat {
        () => {
            "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND tenant_id = $3 AND revoked_at IS NULL"
        };
    }
    let done = match created_by {
        Some(who) => {
            sqlx::query(concat!(revoke_live_pat!(), " AND created_by = $4"))
                .bind(now)
                .bind(token_id)
                .bind(tenant.0)
                .bind(who)
                .execute(&store.pool)
                .await?
        }
        None => {
            sqlx::query(revoke_live_pat!())
                .bind(now)
                .bind(token_id)
                .bind(tenant.0)
                .execute(&store.pool)
                .await?
        }
    };
    Ok(done.rows_affected() == 1)
}
