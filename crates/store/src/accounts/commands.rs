//! The operator's user commands (`draxis-admin user …`): create, list, disable, enrol a
//! second factor, add to and remove from tenants.

use chrono::Utc;
use draxis_auth::password::{PasswordError, hash_password};
use draxis_auth::people::normalize_email;
use draxis_auth::{AccountStore, Role, User};
use sqlx::Row;

use super::users::{UserListing, user_columns, user_from};
use crate::Store;
use crate::admin::AdminError;
use crate::rows::ms;

impl Store {
    /// Creates a console user with an argon2id password hash.
    pub async fn create_user(
        &self,
        email: &str,
        display_name: &str,
        password: &str,
    ) -> Result<User, AdminError> {
        let email = normalize_email(email).map_err(AdminError::Invalid)?;
        let hash = hash_password(password).map_err(|e| match e {
            PasswordError::TooShort | PasswordError::TooLong => AdminError::Invalid(e.to_string()),
            other => AdminError::Randomness(other.to_string()),
        })?;
        if self
            .user_by_email(&email)
            .await
            .map_err(AdminError::Store)?
            .is_some()
        {
            return Err(AdminError::Invalid(format!("user {email} already exists")));
        }
        let name = match display_name.trim() {
            "" => email.clone(),
            given => given.to_string(),
        };
        let row = sqlx::query(
            "INSERT INTO users (email, display_name, password_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(&email)
        .bind(&name)
        .bind(&hash)
        .bind(ms(Utc::now()))
        .fetch_one(&self.pool)
        .await?;
        Ok(User {
            id: row.try_get(0)?,
            email,
            display_name: name,
            password_hash: hash,
            totp_secret: None,
            disabled: false,
        })
    }

    /// The user with this email, or an error naming the command that lists users.
    pub async fn require_user(&self, email: &str) -> Result<User, AdminError> {
        let email = normalize_email(email).map_err(AdminError::Invalid)?;
        self.user_by_email(&email)
            .await
            .map_err(AdminError::Store)?
            .ok_or_else(|| {
                AdminError::Invalid(format!(
                    "no user {email}: list users with `draxis-admin user list`"
                ))
            })
    }

    pub async fn list_users(&self) -> Result<Vec<UserListing>, AdminError> {
        let rows = sqlx::query(concat!(
            "SELECT ",
            user_columns!(),
            " FROM users u ORDER BY u.email"
        ))
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            let user = user_from(row)?;
            let memberships = self.memberships(user.id).await.map_err(AdminError::Store)?;
            out.push(UserListing { user, memberships });
        }
        Ok(out)
    }

    /// Disables a user: sessions, OAuth tokens and sign-in stop working at once.
    pub async fn disable_user(&self, email: &str) -> Result<(), AdminError> {
        let user = self.require_user(email).await?;
        sqlx::query("UPDATE users SET disabled_at = $1 WHERE id = $2 AND disabled_at IS NULL")
            .bind(ms(Utc::now()))
            .bind(user.id)
            .execute(&self.pool)
            .await?;
        sqlx::query("DELETE FROM web_sessions WHERE user_id = $1")
            .bind(user.id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Enrols (or replaces) a user's TOTP second factor; returns the base32 secret.
    pub async fn enroll_totp(&self, email: &str) -> Result<String, AdminError> {
        let user = self.require_user(email).await?;
        let secret =
            draxis_auth::totp::new_secret().map_err(|e| AdminError::Randomness(e.to_string()))?;
        sqlx::query("UPDATE users SET totp_secret = $1 WHERE id = $2")
            .bind(&secret)
            .bind(user.id)
            .execute(&self.pool)
            .await?;
        Ok(secret)
    }

    /// Adds a user to a tenant, or changes their role there.
    pub async fn add_member(
        &self,
        tenant_slug: &str,
        email: &str,
        role: Role,
    ) -> Result<(), AdminError> {
        let tenant = self.require_tenant(tenant_slug).await?;
        let user = self.require_user(email).await?;
        let _turn = self.write_turn().await;
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM memberships WHERE user_id = $1 AND tenant_id = $2")
            .bind(user.id)
            .bind(tenant.id.0)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO memberships (user_id, tenant_id, role, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(user.id)
        .bind(tenant.id.0)
        .bind(role.as_str())
        .bind(ms(Utc::now()))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Removes a user from a tenant: their OAuth tokens there stop working at once.
    pub async fn remove_member(&self, tenant_slug: &str, email: &str) -> Result<(), AdminError> {
        let tenant = self.require_tenant(tenant_slug).await?;
        let user = self.require_user(email).await?;
        let done = sqlx::query("DELETE FROM memberships WHERE user_id = $1 AND tenant_id = $2")
            .bind(user.id)
            .bind(tenant.id.0)
            .execute(&self.pool)
            .await?;
        if done.rows_affected() == 0 {
            return Err(AdminError::Invalid(format!(
                "{} is not a member of {tenant_slug}",
                user.email
            )));
        }
        Ok(())
    }
}
