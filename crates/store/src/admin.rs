//! Operator actions: tenants and tokens. Used by `draxis-admin` and by tests.

use chrono::{DateTime, Duration, Utc};
use draxis_auth::pat::is_valid_tenant_slug;
use draxis_auth::{MintedToken, Scopes, TenantId};
use draxis_domain::entities::{Tenant, TokenListing};
use sqlx::Row;

use crate::Store;
use crate::rows::{ms, time};

/// Why an operator action was refused.
#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    #[error(
        "invalid tenant slug `{0}`: use 1-63 lowercase letters, digits and dashes, not starting with a dash"
    )]
    InvalidSlug(String),
    #[error("tenant `{0}` already exists")]
    TenantExists(String),
    #[error("no tenant `{0}`: list tenants with `draxis-admin tenant list`")]
    NoTenant(String),
    #[error(
        "no token {0} in tenant `{1}`: list tokens with `draxis-admin token list --tenant {1}`"
    )]
    NoToken(i64, String),
    #[error("token {0} is already revoked")]
    AlreadyRevoked(i64),
    #[error("token name must not be empty")]
    EmptyName,
    #[error("integration `{0}` already exists in this tenant; pick another name")]
    IntegrationExists(String),
    #[error("--expires-in must be between 1 and 3650 days")]
    BadExpiry,
    #[error("operating system randomness is unavailable: {0}")]
    Randomness(String),
    #[error("{0}")]
    Invalid(String),
    #[error("storage failed: {0}")]
    Store(draxis_auth::StorageError),
    #[error(transparent)]
    Sql(#[from] sqlx::Error),
}

/// A token just created: the plaintext exists only in this value.
#[derive(Debug)]
pub struct CreatedToken {
    pub id: i64,
    pub minted: MintedToken,
    pub expires_at: Option<DateTime<Utc>>,
}

impl Store {
    pub async fn create_tenant(&self, slug: &str, name: &str) -> Result<Tenant, AdminError> {
        if !is_valid_tenant_slug(slug) {
            return Err(AdminError::InvalidSlug(slug.to_string()));
        }
        if self.tenant_by_slug(slug).await?.is_some() {
            return Err(AdminError::TenantExists(slug.to_string()));
        }
        let now = Utc::now();
        let row = sqlx::query(
            "INSERT INTO tenants (slug, name, created_at) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(slug)
        .bind(name)
        .bind(ms(now))
        .fetch_one(&self.pool)
        .await?;
        Ok(Tenant {
            id: TenantId(row.try_get(0)?),
            slug: slug.into(),
            name: name.into(),
            created_at: now,
        })
    }

    /// Creates an integration (drop zone or connector); returns its row id.
    pub async fn create_integration(
        &self,
        tenant: &Tenant,
        name: &str,
        kind: &str,
        schedule: &str,
        config: &str,
    ) -> Result<i64, AdminError> {
        let name = name.trim();
        if name.is_empty() {
            return Err(AdminError::EmptyName);
        }
        let exists: Option<i64> =
            sqlx::query_scalar("SELECT id FROM integrations WHERE tenant_id = $1 AND name = $2")
                .bind(tenant.id.0)
                .bind(name)
                .fetch_optional(&self.pool)
                .await?;
        if exists.is_some() {
            return Err(AdminError::IntegrationExists(name.into()));
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO integrations (tenant_id, name, kind, schedule, enabled, config, created_at) \
             VALUES ($1, $2, $3, $4, 1, $5, $6) RETURNING id",
        )
        .bind(tenant.id.0)
        .bind(name)
        .bind(kind)
        .bind(schedule)
        .bind(config)
        .bind(ms(Utc::now()))
        .fetch_one(&self.pool)
        .await?;
        Ok(id)
    }

    pub async fn tenant_by_slug(&self, slug: &str) -> Result<Option<Tenant>, AdminError> {
        let row = sqlx::query("SELECT id, slug, name, created_at FROM tenants WHERE slug = $1")
            .bind(slug)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|row| -> Result<Tenant, AdminError> {
            Ok(Tenant {
                id: TenantId(row.try_get(0)?),
                slug: row.try_get(1)?,
                name: row.try_get(2)?,
                created_at: time(row.try_get(3)?),
            })
        })
        .transpose()
    }

    /// The tenant with this slug, or an error naming how to find valid ones.
    pub async fn require_tenant(&self, slug: &str) -> Result<Tenant, AdminError> {
        self.tenant_by_slug(slug)
            .await?
            .ok_or_else(|| AdminError::NoTenant(slug.to_string()))
    }

    pub async fn list_tenants(&self) -> Result<Vec<Tenant>, AdminError> {
        let rows = sqlx::query("SELECT id, slug, name, created_at FROM tenants ORDER BY slug")
            .fetch_all(&self.pool)
            .await?;
        rows.into_iter()
            .map(|row| {
                Ok(Tenant {
                    id: TenantId(row.try_get(0)?),
                    slug: row.try_get(1)?,
                    name: row.try_get(2)?,
                    created_at: time(row.try_get(3)?),
                })
            })
            .collect()
    }

    /// Mints a token for `tenant` and stores its hash.
    pub async fn create_token(
        &self,
        tenant: &Tenant,
        name: &str,
        scopes: Scopes,
        created_by: &str,
        expires_in_days: Option<u32>,
    ) -> Result<CreatedToken, AdminError> {
        let name = name.trim();
        if name.is_empty() {
            return Err(AdminError::EmptyName);
        }
        let expires_at = match expires_in_days {
            Some(days @ 1..=3650) => Some(Utc::now() + Duration::days(i64::from(days))),
            Some(_) => return Err(AdminError::BadExpiry),
            None => None,
        };
        let minted = MintedToken::generate(&tenant.slug)
            .map_err(|e| AdminError::Randomness(e.to_string()))?;
        let id = self
            .insert_api_token(
                tenant.id,
                name,
                &minted,
                scopes,
                created_by,
                ms(Utc::now()),
                expires_at.map(ms),
            )
            .await?;
        Ok(CreatedToken {
            id,
            minted,
            expires_at,
        })
    }

    /// Stores a minted PAT's hash and display prefix (the CLI's and the console's).
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn insert_api_token(
        &self,
        tenant: TenantId,
        name: &str,
        minted: &MintedToken,
        scopes: Scopes,
        created_by: &str,
        created_at: i64,
        expires_at: Option<i64>,
    ) -> Result<i64, sqlx::Error> {
        sqlx::query(
            "INSERT INTO api_tokens (tenant_id, name, token_hash, display_prefix, scopes, created_by, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(tenant.0)
        .bind(name)
        .bind(minted.hash.to_hex())
        .bind(&minted.display_prefix)
        .bind(scopes.as_str())
        .bind(created_by)
        .bind(created_at)
        .bind(expires_at)
        .fetch_one(&self.pool)
        .await?
        .try_get(0)
    }

    pub async fn list_tokens(&self, tenant: &Tenant) -> Result<Vec<TokenListing>, AdminError> {
        let rows = sqlx::query(
            "SELECT id, name, display_prefix, scopes, created_by, created_at, last_used_at, tool_calls, expires_at, revoked_at \
             FROM api_tokens WHERE tenant_id = $1 ORDER BY id",
        )
        .bind(tenant.id.0)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|row| {
                let scopes: String = row.try_get("scopes")?;
                Ok(TokenListing {
                    id: row.try_get("id")?,
                    tenant_slug: tenant.slug.clone(),
                    name: row.try_get("name")?,
                    display_prefix: row.try_get("display_prefix")?,
                    scopes: Scopes::parse(&scopes).unwrap_or(Scopes::READ),
                    created_by: row.try_get("created_by")?,
                    created_at: time(row.try_get("created_at")?),
                    last_used_at: row.try_get::<Option<i64>, _>("last_used_at")?.map(time),
                    tool_calls: row.try_get("tool_calls")?,
                    expires_at: row.try_get::<Option<i64>, _>("expires_at")?.map(time),
                    revoked_at: row.try_get::<Option<i64>, _>("revoked_at")?.map(time),
                })
            })
            .collect()
    }

    /// Revokes a token of `tenant`; the next request with it is refused.
    pub async fn revoke_token(&self, tenant: &Tenant, token_id: i64) -> Result<(), AdminError> {
        let row = sqlx::query("SELECT revoked_at FROM api_tokens WHERE id = $1 AND tenant_id = $2")
            .bind(token_id)
            .bind(tenant.id.0)
            .fetch_optional(&self.pool)
            .await?;
        match row {
            None => Err(AdminError::NoToken(token_id, tenant.slug.clone())),
            Some(row) if row.try_get::<Option<i64>, _>(0)?.is_some() => {
                Err(AdminError::AlreadyRevoked(token_id))
            }
            Some(_) => {
                sqlx::query(
                    "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND tenant_id = $3",
                )
                .bind(ms(Utc::now()))
                .bind(token_id)
                .bind(tenant.id.0)
                .execute(&self.pool)
                .await?;
                Ok(())
            }
        }
    }
}
