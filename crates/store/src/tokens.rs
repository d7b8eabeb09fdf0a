//! Token verification lookups: one indexed query by hash, batched last-used writes.

use async_trait::async_trait;
use draxis_auth::StorageError;
use draxis_auth::oauth::scopes_from_oauth_string;

use crate::rows::Failure;
use draxis_auth::{
    Role, Scopes, StoredAccessToken, StoredToken, TenantId, TokenHash, TokenStore, ToolCalls,
};
use sqlx::Row;

use crate::Store;

fn hash_from_hex(text: &str) -> Option<TokenHash> {
    let mut bytes = [0u8; 32];
    if text.len() != 64 {
        return None;
    }
    for (i, byte) in bytes.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&text[i * 2..i * 2 + 2], 16).ok()?;
    }
    Some(TokenHash(bytes))
}

/// The queries behind [`TokenStore`], failing with whatever the database reports.
impl Store {
    async fn token_by_hash_rows(&self, hash: &TokenHash) -> Result<Option<StoredToken>, Failure> {
        let row = sqlx::query(
            "SELECT t.id, t.tenant_id, n.slug, t.name, t.token_hash, t.scopes, t.expires_at, t.revoked_at \
             FROM api_tokens t JOIN tenants n ON n.id = t.tenant_id WHERE t.token_hash = $1",
        )
        .bind(hash.to_hex())
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let stored_hash: String = row.try_get("token_hash")?;
        let scopes: String = row.try_get("scopes")?;
        Ok(Some(StoredToken {
            id: row.try_get("id")?,
            tenant_id: TenantId(row.try_get("tenant_id")?),
            tenant_slug: row.try_get("slug")?,
            name: row.try_get("name")?,
            hash: hash_from_hex(&stored_hash).ok_or("corrupt stored token hash")?,
            scopes: Scopes::parse(&scopes)?,
            expires_at: row.try_get("expires_at")?,
            revoked_at: row.try_get("revoked_at")?,
        }))
    }

    async fn tenant_exists_rows(&self, slug: &str) -> Result<bool, Failure> {
        let row = sqlx::query("SELECT 1 FROM tenants WHERE slug = $1")
            .bind(slug)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.is_some())
    }

    async fn record_token_use_rows(&self, uses: &[(i64, i64)]) -> Result<(), Failure> {
        let mut tx = self.pool.begin().await?;
        for (token_id, at) in uses {
            sqlx::query(
                "UPDATE api_tokens SET last_used_at = $1 WHERE id = $2 AND (last_used_at IS NULL OR last_used_at < $1)",
            )
            .bind(*at)
            .bind(*token_id)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn access_token_by_hash_rows(
        &self,
        hash: &TokenHash,
    ) -> Result<Option<StoredAccessToken>, Failure> {
        let row = sqlx::query(
            "SELECT t.expires_at, t.scopes, g.id AS grant_id, g.tenant_id, n.slug, g.user_id, u.email,                     g.client_name, g.resource, g.revoked_at, u.disabled_at, m.role              FROM oauth_tokens t JOIN oauth_grants g ON g.id = t.grant_id              JOIN tenants n ON n.id = g.tenant_id JOIN users u ON u.id = g.user_id              LEFT JOIN memberships m ON m.user_id = g.user_id AND m.tenant_id = g.tenant_id              WHERE t.token_hash = $1 AND t.kind = 'access'",
        )
        .bind(hash.to_hex())
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let role: Option<String> = row.try_get("role")?;
        let role = role.as_deref().map(Role::parse).transpose()?;
        let granted = scopes_from_oauth_string(&row.try_get::<String, _>("scopes")?);
        // A lowered role narrows tokens already issued.
        let scopes = match role {
            Some(role) if draxis_auth::server::role_allows(role, granted) => granted,
            _ => Scopes::READ,
        };
        Ok(Some(StoredAccessToken {
            grant_id: row.try_get("grant_id")?,
            tenant_id: TenantId(row.try_get("tenant_id")?),
            tenant_slug: row.try_get("slug")?,
            user_id: row.try_get("user_id")?,
            user_email: row.try_get("email")?,
            client_name: row.try_get("client_name")?,
            scopes,
            resource: row.try_get("resource")?,
            expires_at: row.try_get("expires_at")?,
            grant_revoked: row.try_get::<Option<i64>, _>("revoked_at")?.is_some(),
            user_active: row.try_get::<Option<i64>, _>("disabled_at")?.is_none() && role.is_some(),
        }))
    }

    async fn record_grant_use_rows(&self, uses: &[(i64, i64)]) -> Result<(), Failure> {
        let mut tx = self.pool.begin().await?;
        for (grant_id, at) in uses {
            sqlx::query(
                "UPDATE oauth_grants SET last_used_at = $1 WHERE id = $2 AND (last_used_at IS NULL OR last_used_at < $1)",
            )
            .bind(*at)
            .bind(*grant_id)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn record_tool_calls_rows(&self, calls: &ToolCalls) -> Result<(), Failure> {
        let mut tx = self.pool.begin().await?;
        let tokens = "UPDATE api_tokens SET tool_calls = tool_calls + $1 WHERE id = $2";
        let grants = "UPDATE oauth_grants SET tool_calls = tool_calls + $1 WHERE id = $2";
        for (statement, counts) in [(tokens, &calls.tokens), (grants, &calls.grants)] {
            for (id, count) in counts {
                sqlx::query(statement)
                    .bind(i64::try_from(*count).unwrap_or(i64::MAX))
                    .bind(*id)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }
}

#[async_trait]
impl TokenStore for Store {
    async fn token_by_hash(&self, hash: &TokenHash) -> Result<Option<StoredToken>, StorageError> {
        self.token_by_hash_rows(hash).await.map_err(StorageError)
    }

    async fn tenant_exists(&self, slug: &str) -> Result<bool, StorageError> {
        self.tenant_exists_rows(slug).await.map_err(StorageError)
    }

    async fn record_token_use(&self, uses: &[(i64, i64)]) -> Result<(), StorageError> {
        self.record_token_use_rows(uses).await.map_err(StorageError)
    }

    async fn access_token_by_hash(
        &self,
        hash: &TokenHash,
    ) -> Result<Option<StoredAccessToken>, StorageError> {
        self.access_token_by_hash_rows(hash)
            .await
            .map_err(StorageError)
    }

    async fn record_grant_use(&self, uses: &[(i64, i64)]) -> Result<(), StorageError> {
        self.record_grant_use_rows(uses).await.map_err(StorageError)
    }

    async fn record_tool_calls(&self, calls: &ToolCalls) -> Result<(), StorageError> {
        self.record_tool_calls_rows(calls)
            .await
            .map_err(StorageError)
    }
}
