//! People and OAuth in storage: users and memberships, console sessions, OAuth clients,
//! codes, grants and tokens (`AccountStore`), and the operator's user commands.

use async_trait::async_trait;
use chrono::Utc;
use draxis_auth::oauth::{oauth_scope_string, scopes_from_oauth_string};
use draxis_auth::password::{PasswordError, hash_password};
use draxis_auth::people::normalize_email;
use draxis_auth::server::{
    Client, GrantListing, NewCode, NewTokenPair, PatListing, Session, StoredCode,
    StoredRefreshToken,
};
use draxis_auth::verify::StoreFailure;
use draxis_auth::{AccountStore, Membership, MintedToken, Role, Scopes, TenantId, TokenHash, User};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::Store;
use crate::admin::AdminError;
use crate::rows::ms;

/// The user columns every user query selects (a macro so queries stay literals).
macro_rules! user_columns {
    () => {
        "u.id, u.email, u.display_name, u.password_hash, u.totp_secret, u.disabled_at"
    };
}

fn user_from(row: &AnyRow) -> Result<User, sqlx::Error> {
    Ok(User {
        id: row.try_get("id")?,
        email: row.try_get("email")?,
        display_name: row.try_get("display_name")?,
        password_hash: row.try_get("password_hash")?,
        totp_secret: row.try_get("totp_secret")?,
        disabled: row.try_get::<Option<i64>, _>("disabled_at")?.is_some(),
    })
}

fn role_from(text: &str) -> Result<Role, StoreFailure> {
    Role::parse(text).map_err(Into::into)
}

/// A user as `draxis-admin user list` shows it.
#[derive(Debug, Clone)]
pub struct UserListing {
    pub user: User,
    pub memberships: Vec<Membership>,
}

impl Store {
    /// Revokes a live grant (only in `tenant`, and only of `user` when given) and drops
    /// its sealed refresh successors, in one transaction. Whether it was live there.
    async fn revoke_live_grant(
        &self,
        grant_id: i64,
        now: i64,
        owner: Option<(TenantId, Option<i64>)>,
    ) -> Result<bool, sqlx::Error> {
        macro_rules! revoke {
            () => {
                "UPDATE oauth_grants SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL"
            };
        }
        let _turn = self.write_turn().await;
        let mut tx = self.pool.begin().await?;
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

    async fn insert_token(
        &self,
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

    // ---- operator commands ----

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

#[async_trait]
impl AccountStore for Store {
    async fn user_by_email(&self, email: &str) -> Result<Option<User>, StoreFailure> {
        let row = sqlx::query(concat!(
            "SELECT ",
            user_columns!(),
            " FROM users u WHERE u.email = $1"
        ))
        .bind(email)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.as_ref().map(user_from).transpose()?)
    }

    async fn memberships(&self, user_id: i64) -> Result<Vec<Membership>, StoreFailure> {
        let rows = sqlx::query(
            "SELECT m.tenant_id, n.slug, n.name, m.role FROM memberships m \
             JOIN tenants n ON n.id = m.tenant_id WHERE m.user_id = $1 ORDER BY n.slug",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
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

    async fn create_session(
        &self,
        hash: &TokenHash,
        user_id: i64,
        expires_at: i64,
    ) -> Result<(), StoreFailure> {
        let now = ms(Utc::now());
        let _turn = self.write_turn().await;
        sqlx::query("DELETE FROM web_sessions WHERE expires_at < $1")
            .bind(now)
            .execute(&self.pool)
            .await?;
        sqlx::query(
            "INSERT INTO web_sessions (session_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(hash.to_hex())
        .bind(user_id)
        .bind(now)
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn session(&self, hash: &TokenHash, now: i64) -> Result<Option<Session>, StoreFailure> {
        let row = sqlx::query(concat!(
            "SELECT s.id AS session_id, s.tenant_id, ",
            user_columns!(),
            " FROM web_sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.session_hash = $1 AND s.expires_at > $2 AND u.disabled_at IS NULL"
        ))
        .bind(hash.to_hex())
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        Ok(Some(Session {
            id: row.try_get("session_id")?,
            tenant_id: row.try_get::<Option<i64>, _>("tenant_id")?.map(TenantId),
            user: user_from(&row)?,
        }))
    }

    async fn set_session_tenant(
        &self,
        session_id: i64,
        tenant: TenantId,
    ) -> Result<(), StoreFailure> {
        sqlx::query("UPDATE web_sessions SET tenant_id = $1 WHERE id = $2")
            .bind(tenant.0)
            .bind(session_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn delete_session(&self, hash: &TokenHash) -> Result<(), StoreFailure> {
        sqlx::query("DELETE FROM web_sessions WHERE session_hash = $1")
            .bind(hash.to_hex())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn insert_client(&self, client: &Client) -> Result<(), StoreFailure> {
        sqlx::query(
            "INSERT INTO oauth_clients (client_id, client_name, redirect_uris, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(&client.client_id)
        .bind(&client.client_name)
        .bind(serde_json::to_string(&client.redirect_uris)?)
        .bind(ms(Utc::now()))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn client(&self, client_id: &str) -> Result<Option<Client>, StoreFailure> {
        let row = sqlx::query(
            "SELECT client_id, client_name, redirect_uris FROM oauth_clients WHERE client_id = $1",
        )
        .bind(client_id)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let uris: String = row.try_get(2)?;
        Ok(Some(Client {
            client_id: row.try_get(0)?,
            client_name: row.try_get(1)?,
            redirect_uris: serde_json::from_str(&uris)?,
        }))
    }

    async fn insert_code(&self, code: &NewCode) -> Result<(), StoreFailure> {
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
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn code_by_hash(&self, hash: &TokenHash) -> Result<Option<StoredCode>, StoreFailure> {
        let row = sqlx::query(
            "SELECT id, tenant_id, user_id, client_id, redirect_uri, code_challenge, scopes, resource, expires_at, used_at, grant_id \
             FROM oauth_codes WHERE code_hash = $1",
        )
        .bind(hash.to_hex())
        .fetch_optional(&self.pool)
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

    async fn exchange_code(
        &self,
        code: &StoredCode,
        client_name: &str,
        pair: &NewTokenPair,
        now: i64,
    ) -> Result<Option<i64>, StoreFailure> {
        let _turn = self.write_turn().await;
        let mut tx = self.pool.begin().await?;
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
        self.insert_token(&mut tx, grant_id, pair, now).await?;
        tx.commit().await?;
        Ok(Some(grant_id))
    }

    async fn refresh_token(
        &self,
        hash: &TokenHash,
    ) -> Result<Option<StoredRefreshToken>, StoreFailure> {
        let row = sqlx::query(
            "SELECT t.id, t.grant_id, g.client_id, t.scopes, t.expires_at, t.rotated_at, t.successor, \
                    g.revoked_at, u.disabled_at, m.role \
             FROM oauth_tokens t JOIN oauth_grants g ON g.id = t.grant_id JOIN users u ON u.id = g.user_id \
             LEFT JOIN memberships m ON m.user_id = g.user_id AND m.tenant_id = g.tenant_id \
             WHERE t.token_hash = $1 AND t.kind = 'refresh'",
        )
        .bind(hash.to_hex())
        .fetch_optional(&self.pool)
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

    async fn rotate_refresh_token(
        &self,
        old: &StoredRefreshToken,
        sealed_successor: &str,
        pair: &NewTokenPair,
        now: i64,
    ) -> Result<bool, StoreFailure> {
        let _turn = self.write_turn().await;
        let mut tx = self.pool.begin().await?;
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
        self.insert_token(&mut tx, old.grant_id, pair, now).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn revoke_grant(&self, grant_id: i64, now: i64) -> Result<(), StoreFailure> {
        self.revoke_live_grant(grant_id, now, None).await?;
        Ok(())
    }

    async fn grant_of_token(&self, hash: &TokenHash) -> Result<Option<i64>, StoreFailure> {
        let row = sqlx::query("SELECT grant_id FROM oauth_tokens WHERE token_hash = $1")
            .bind(hash.to_hex())
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.try_get(0)).transpose()?)
    }

    async fn grants(
        &self,
        tenant: TenantId,
        user_id: Option<i64>,
    ) -> Result<Vec<GrantListing>, StoreFailure> {
        macro_rules! live_grants {
            () => {
                "SELECT g.id, g.client_id, g.client_name, u.email, g.scopes, g.created_at, g.last_used_at \
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
                .fetch_all(&self.pool)
                .await?
            }
            None => {
                sqlx::query(concat!(live_grants!(), " ORDER BY g.id DESC"))
                    .bind(tenant.0)
                    .fetch_all(&self.pool)
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
                })
            })
            .collect()
    }

    async fn revoke_grant_in_tenant(
        &self,
        tenant: TenantId,
        grant_id: i64,
        user_id: Option<i64>,
        now: i64,
    ) -> Result<bool, StoreFailure> {
        Ok(self
            .revoke_live_grant(grant_id, now, Some((tenant, user_id)))
            .await?)
    }

    async fn pats(
        &self,
        tenant: TenantId,
        created_by: Option<&str>,
    ) -> Result<Vec<PatListing>, StoreFailure> {
        macro_rules! tenant_pats {
            () => {
                "SELECT id, name, display_prefix, scopes, created_by, created_at, last_used_at, expires_at, revoked_at \
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
                .fetch_all(&self.pool)
                .await?
            }
            None => {
                sqlx::query(concat!(tenant_pats!(), " ORDER BY id DESC"))
                    .bind(tenant.0)
                    .fetch_all(&self.pool)
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
                    expires_at: row.try_get("expires_at")?,
                    revoked_at: row.try_get("revoked_at")?,
                })
            })
            .collect()
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
        Ok(self
            .insert_api_token(tenant, name, token, scopes, created_by, now, None)
            .await?)
    }

    async fn revoke_pat(
        &self,
        tenant: TenantId,
        token_id: i64,
        created_by: Option<&str>,
        now: i64,
    ) -> Result<bool, StoreFailure> {
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
                    .execute(&self.pool)
                    .await?
            }
            None => {
                sqlx::query(revoke_live_pat!())
                    .bind(now)
                    .bind(token_id)
                    .bind(tenant.0)
                    .execute(&self.pool)
                    .await?
            }
        };
        Ok(done.rows_affected() == 1)
    }
}
