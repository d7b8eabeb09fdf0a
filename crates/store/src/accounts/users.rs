//! Users and memberships as stored: the row mapping every user query shares, lookups by
//! email, and a user's tenants with their roles.

use crate::rows::Failure;
use draxis_auth::{Membership, Role, TenantId, User};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::Store;

/// The user columns every user query selects (a macro so queries stay literals).
macro_rules! user_columns {
    () => {
        "u.id, u.email, u.display_name, u.password_hash, u.totp_secret, u.disabled_at"
    };
}
pub(super) use user_columns;

/// A user from a row selecting `user_columns!()`.
pub(super) fn user_from(row: &AnyRow) -> Result<User, sqlx::Error> {
    Ok(User {
        id: row.try_get("id")?,
        email: row.try_get("email")?,
        display_name: row.try_get("display_name")?,
        password_hash: row.try_get("password_hash")?,
        totp_secret: row.try_get("totp_secret")?,
        disabled: row.try_get::<Option<i64>, _>("disabled_at")?.is_some(),
    })
}

/// A stored role spelling.
fn role_from(text: &str) -> Result<Role, Failure> {
    Role::parse(text).map_err(Into::into)
}

/// A user as `draxis-admin user list` shows it.
#[derive(Debug, Clone)]
pub struct UserListing {
    pub user: User,
    pub memberships: Vec<Membership>,
}

/// The user with this (normalized) email.
pub(super) async fn user_by_email(store: &Store, email: &str) -> Result<Option<User>, Failure> {
    let row = sqlx::query(concat!(
        "SELECT ",
        user_columns!(),
        " FROM users u WHERE u.email = $1"
    ))
    .bind(email)
    .fetch_optional(&store.pool)
    .await?;
    Ok(row.as_ref().map(user_from).transpose()?)
}

/// The tenants a user belongs to, with their role there, by slug.
pub(super) async fn memberships(store: &Store, user_id: i64) -> Result<Vec<Membership>, Failure> {
    let rows = sqlx::query(
        "SELECT m.tenant_id, n.slug, n.name, m.role FROM memberships m \
         JOIN tenants n ON n.id = m.tenant_id WHERE m.user_id = $1 ORDER BY n.slug",
    )
    .bind(user_id)
    .fetch_all(&store.pool)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(Membership {
                tenant_id: TenantId(row.try_get(0)?),
                tenant_slug: row.try_get(1)?,
                tenant_name: row.try_get(2)?,
                role: role_from(&row.try_get::<String, _>(3)?)?,
            })
        })
        .collect()
}
