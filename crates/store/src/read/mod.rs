//! The read side: [`RiskRepository`] over SQL, every query filtered by tenant, one
//! module per entity.

mod assets;
mod columns;
mod controls;
mod integrations;
mod kris;
mod outcomes;
mod refs;
mod risks;
mod simulations;
mod vendors;

use async_trait::async_trait;
use draxis_domain::StorageResult;
use draxis_domain::TenantId;
use draxis_domain::entities::{
    Asset, AssetCounts, AssetFilter, Control, Integration, Kri, Link, ObservationRecord, Outcome,
    Risk, Simulation, Vendor,
};
use draxis_domain::paging::SortKey;
use draxis_domain::repository::{RefKind, RiskRepository, Rows};

use crate::Store;

pub(crate) use columns::get;

#[async_trait]
impl RiskRepository for Store {
    async fn find_ref(
        &self,
        tenant: TenantId,
        kind: RefKind,
        key: &str,
    ) -> StorageResult<Option<Link>> {
        refs::find_ref(self, tenant, kind, key).await
    }

    async fn kris(&self, tenant: TenantId) -> StorageResult<Rows<Kri>> {
        kris::kris(self, tenant).await
    }

    async fn kri(&self, tenant: TenantId, key: &str) -> StorageResult<Option<Kri>> {
        kris::kri(self, tenant, key).await
    }

    async fn kri_history(
        &self,
        tenant: TenantId,
        kri_id: i64,
        limit: u32,
    ) -> StorageResult<Vec<ObservationRecord>> {
        kris::kri_history(self, tenant, kri_id, limit).await
    }

    async fn risks(&self, tenant: TenantId) -> StorageResult<Rows<Risk>> {
        risks::risks(self, tenant).await
    }

    async fn controls(&self, tenant: TenantId) -> StorageResult<Rows<Control>> {
        controls::controls(self, tenant).await
    }

    async fn outcomes(&self, tenant: TenantId) -> StorageResult<Rows<Outcome>> {
        outcomes::outcomes(self, tenant).await
    }

    async fn vendors(&self, tenant: TenantId) -> StorageResult<Rows<Vendor>> {
        vendors::vendors(self, tenant).await
    }

    async fn integrations(&self, tenant: TenantId) -> StorageResult<Rows<Integration>> {
        integrations::integrations(self, tenant).await
    }

    async fn simulations(&self, tenant: TenantId) -> StorageResult<Rows<Simulation>> {
        simulations::simulations(self, tenant).await
    }

    async fn assets_page(
        &self,
        tenant: TenantId,
        filter: &AssetFilter,
        after: Option<&SortKey>,
        limit: u32,
    ) -> StorageResult<Vec<Asset>> {
        assets::assets_page(self, tenant, filter, after, limit).await
    }

    async fn asset_counts(
        &self,
        tenant: TenantId,
        filter: &AssetFilter,
    ) -> StorageResult<AssetCounts> {
        assets::asset_counts(self, tenant, filter).await
    }
}
