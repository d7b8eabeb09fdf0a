//! OAuth grants: listed per tenant (and user), found from a token, revoked with their
//! sealed refresh successors.

use crate::rows::Failure;
use draxis_auth::oauth::scopes_from_oauth_string;
use draxis_auth::server::GrantListing;
use draxis_auth::{TenantId, TokenHash};
use sqlx::Row;

use crate::Store;

/// Revokes a live grant (only in `tenant`, and only of `user` when given) and drops
/// its sealed refresh successors, in one transaction. Whether it was live there.
async fn revoke_live_grant(
    store: &Store,
    grant_id: i64,
    now: i64,
    owner: Option<(TenantId, Option<i64>)>,
) -> Result<bool, sqlx::Error> {
    macro_rules! revoke {
        () => {
            "UPDATE oauth_grants SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL"
        };
    }
    let _turn = store.write_turn().await;
    let mut tx = store.pool.begin().await?;
    let revoke = match owner {
        None => sqlx::query(revoke!()).bind(now).bind(grant_id),
        Some((tenant, None)) => sqlx::query(concat!(revoke!(), " AND tenant_id = $3"))
            .bind(now)
            .bind(grant_id)
            .bind(tenant.0),
        Some((tenant, Some(user))) => {
            sqlx::query(concat!(revoke!(), " AND tenant_id = $3 AND user_id = $4"))
                .bind(now)
                .bind(grant_id)
                .bind(tenant.0)
                .bind(user)
        }
    };
    let revoked = revoke.execute(&mut *tx).await?.rows_affected() == 1;
    if revoked {
        sqlx::query("UPDATE oauth_tokens SET successor = NULL WHERE grant_id = $1")
            .bind(grant_id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(revoked)
}

/// Revokes a grant wherever it is.
pub(super) async fn revoke_grant(store: &Store, grant_id: i64, now: i64) -> Result<(), Failure> {
    revoke_live_grant(store, grant_id, now, None).await?;
    Ok(())
}

/// The grant an access or refresh token belongs to.
pub(super) async fn grant_of_token(
    store: &Store,
    hash: &TokenHash,
) -> Result<Option<i64>, Failure> {
    let row = sqlx::query("SELECT grant_id FROM oauth_tokens WHERE token_hash = $1")
        .bind(hash.to_hex())
        .fetch_optional(&store.pool)
        .await?;
    Ok(row.map(|r| r.try_get(0)).transpose()?)
}

/// A tenant's live grants (of one user when given), newest first.
pub(super) async fn grants(
    store: &Store,
    tenant: TenantId,
    user_id: Option<i64>,
) -> Result<Vec<GrantListing>, Failure> {
    macro_rules! live_grants {
        () => {
            "SELECT g.id, g.client_id, g.client_name, u.email, g.scopes, g.created_at, g.last_used_at, g.tool_calls \
             FROM oauth_grants g JOIN users u ON u.id = g.user_id \
             WHERE g.tenant_id = $1 AND g.revoked_at IS NULL"
        };
    }
    let rows = match user_id {
        Some(user) => {
            sqlx::query(concat!(
                live_grants!(),
                " AND g.user_id = $2 ORDER BY g.id DESC"
            ))
            .bind(tenant.0)
            .bind(user)
            .fetch_all(&store.pool)
            .await?
        }
        None => {
            sqlx::query(concat!(live_grants!(), " ORDER BY g.id DESC"))
                .bind(tenant.0)
                .fetch_all(&store.pool)
                .await?
        }
    };
    rows.iter()
        .map(|row| {
            Ok(GrantListing {
                id: row.try_get(0)?,
                client_id: row.try_get(1)?,
                client_name: row.try_get(2)?,
                user_email: row.try_get(3)?,
                scopes: scopes_from_oauth_string(&row.try_get::<String, _>(4)?),
                created_at: row.try_get(5)?,
                last_used_at: row.try_get(6)?,
                tool_calls: row.try_get(7)?,
            })
        })
        .collect()
}

/// Revokes a grant of `tenant` (and of `user_id` when given); whether it was live there.
pub(super) async fn revoke_grant_in_tenant(
    store: &Store,
    tenant: TenantId,
    grant_id: i64,
    user_id: Option<i64>,
    now: i64,
) -> Result<bool, Failure> {
    Ok(revoke_live_grant(store, grant_id, now, Some((tenant, user_id))).await?)
}
