//! What the domain needs from storage. Every method takes the tenant first: storage
//! never answers a question that is not scoped to one tenant.

use async_trait::async_trait;
use draxis_auth::TenantId;

use crate::entities::*;
use crate::paging::SortKey;

use crate::error::StorageResult;

/// All of one tenant's rows of a kind, shared rather than copied (caches hand out the
/// same list to every request).
pub type Rows<T> = std::sync::Arc<Vec<T>>;

/// Kinds of rows a tool argument may name by id or ref.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefKind {
    Risk,
    Control,
    Outcome,
    /// Integrations are named by id or by name.
    Integration,
}

/// Read access to one tenant's risk data.
#[async_trait]
pub trait RiskRepository: Send + Sync {
    /// The row named `key` (a public id, ref, or for integrations a name).
    async fn find_ref(
        &self,
        tenant: TenantId,
        kind: RefKind,
        key: &str,
    ) -> StorageResult<Option<Link>>;
    async fn kris(&self, tenant: TenantId) -> StorageResult<Rows<Kri>>;
    /// The KRI whose public id (`kri_12`) or slug (any case) is `key`, with its links.
    async fn kri(&self, tenant: TenantId, key: &str) -> StorageResult<Option<Kri>>;
    /// Newest first.
    async fn kri_history(
        &self,
        tenant: TenantId,
        kri_id: i64,
        limit: u32,
    ) -> StorageResult<Vec<ObservationRecord>>;
    async fn risks(&self, tenant: TenantId) -> StorageResult<Rows<Risk>>;
    async fn controls(&self, tenant: TenantId) -> StorageResult<Rows<Control>>;
    async fn outcomes(&self, tenant: TenantId) -> StorageResult<Rows<Outcome>>;
    async fn vendors(&self, tenant: TenantId) -> StorageResult<Rows<Vendor>>;
    async fn integrations(&self, tenant: TenantId) -> StorageResult<Rows<Integration>>;
    async fn simulations(&self, tenant: TenantId) -> StorageResult<Rows<Simulation>>;
    /// Assets matching `filter`, ordered by (name, id), starting strictly after `after`.
    async fn assets_page(
        &self,
        tenant: TenantId,
        filter: &AssetFilter,
        after: Option<&SortKey>,
        limit: u32,
    ) -> StorageResult<Vec<Asset>>;
    async fn asset_counts(
        &self,
        tenant: TenantId,
        filter: &AssetFilter,
    ) -> StorageResult<AssetCounts>;
}
