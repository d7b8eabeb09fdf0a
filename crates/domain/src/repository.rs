//! What the domain needs from storage. Every method takes the tenant first: storage
//! never answers a question that is not scoped to one tenant.

use async_trait::async_trait;
use draxis_auth::TenantId;

use crate::entities::*;
use crate::paging::SortKey;

/// A storage failure: logged at the edge, never shown to callers in detail.
#[derive(Debug, thiserror::Error)]
#[error("storage failure: {0}")]
pub struct StorageError(#[source] pub Box<dyn std::error::Error + Send + Sync>);

pub type StorageResult<T> = Result<T, StorageError>;

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

/// Where simulation runs wait and end. Claiming is the one operation that looks across
/// tenants: the server's worker takes the oldest queued run and computes it within that
/// run's own tenant.
#[async_trait]
pub trait SimulationQueue: Send + Sync {
    async fn enqueue_simulation(
        &self,
        tenant: TenantId,
        subject: crate::simulations::Subject,
        iterations: u64,
        seed: u64,
        parameters_json: &str,
    ) -> StorageResult<i64>;
    /// Marks the oldest queued run running and returns it; `None` when none waits.
    async fn claim_next_simulation(
        &self,
    ) -> StorageResult<Option<crate::simulations::QueuedSimulation>>;
    /// Marks a queued run running; false if it was not queued any more.
    async fn mark_running(&self, tenant: TenantId, id: i64) -> StorageResult<bool>;
    /// Records the end of a run: results JSON, or the error.
    async fn finish_simulation(
        &self,
        tenant: TenantId,
        id: i64,
        started_at: chrono::DateTime<chrono::Utc>,
        finished_at: chrono::DateTime<chrono::Utc>,
        outcome: Result<&str, &str>,
    ) -> StorageResult<()>;
}
