//! The natural keys a tenant holds, for validating the links of a register to import.

use std::collections::BTreeSet;

use draxis_domain::TenantId;
use draxis_register::ExistingKeys;
use sqlx::AssertSqlSafe;

use crate::Store;

impl Store {
    async fn keys_of(
        &self,
        tenant: TenantId,
        table: &str,
        key: &str,
    ) -> Result<BTreeSet<String>, sqlx::Error> {
        let sql = format!("SELECT {key} FROM {table} WHERE tenant_id = $1");
        let keys: Vec<String> = sqlx::query_scalar(AssertSqlSafe(sql))
            .bind(tenant.0)
            .fetch_all(&self.pool)
            .await?;
        Ok(keys.into_iter().collect())
    }

    pub(super) async fn tenant_keys(&self, tenant: TenantId) -> Result<ExistingKeys, sqlx::Error> {
        Ok(ExistingKeys {
            kris: self.keys_of(tenant, "kris", "slug").await?,
            outcomes: self.keys_of(tenant, "outcomes", "ref").await?,
            risks: self.keys_of(tenant, "risks", "ref").await?,
            controls: self.keys_of(tenant, "controls", "ref").await?,
            integrations: self.keys_of(tenant, "integrations", "name").await?,
        })
    }
}
