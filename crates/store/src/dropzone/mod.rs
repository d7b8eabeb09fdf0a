//! The Drop Zone's tables behind `draxis_dropzone::records::DropZoneStore`: artifacts
//! deduplicated by a unique key with their extractions written in the same transaction
//! (`intake`), materialization into KRI observations (`materialize`), decisions
//! (`review`), the tenant's band (`band`), the audit trail (`audit`) and the reads
//! (`rows`). The rules (what is decidable, written, current) are the Drop Zone's.

mod audit;
mod band;
mod intake;
mod materialize;
mod review;
mod rows;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use draxis_domain::StorageResult;
use draxis_domain::TenantId;
use draxis_dropzone::records::{
    Actor, AuditEvent, Decided, Decision, DropZoneStore, ExtractionFilter, Inserted, Materialized,
    NewArtifact, RunCounts, StoredArtifact, StoredExtraction,
};
use draxis_protocol::types::AutonomyBand;

use crate::Store;

#[async_trait]
impl DropZoneStore for Store {
    async fn autonomy_band(&self, tenant: TenantId) -> StorageResult<AutonomyBand> {
        band::autonomy_band(self, tenant).await
    }

    async fn set_autonomy_band(
        &self,
        tenant: TenantId,
        band: AutonomyBand,
        actor: &Actor,
    ) -> StorageResult<AutonomyBand> {
        band::set_autonomy_band(self, tenant, band, actor).await
    }

    async fn find_artifact(
        &self,
        tenant: TenantId,
        integration_id: i64,
        sha256: &str,
    ) -> StorageResult<Option<StoredArtifact>> {
        rows::find_artifact(self, tenant, integration_id, sha256).await
    }

    async fn artifact(&self, tenant: TenantId, id: i64) -> StorageResult<Option<StoredArtifact>> {
        rows::artifact(self, tenant, id).await
    }

    async fn integration_config(
        &self,
        tenant: TenantId,
        integration_id: i64,
    ) -> StorageResult<Option<String>> {
        intake::integration_config(self, tenant, integration_id).await
    }

    async fn insert_artifact(
        &self,
        tenant: TenantId,
        artifact: &NewArtifact<'_>,
    ) -> StorageResult<Inserted> {
        intake::insert_artifact(self, tenant, artifact).await
    }

    async fn materialize(
        &self,
        tenant: TenantId,
        integration_id: i64,
        started_at: DateTime<Utc>,
        counts: &RunCounts,
        actor: &Actor,
    ) -> StorageResult<Materialized> {
        materialize::materialize(self, tenant, integration_id, started_at, counts, actor).await
    }

    async fn record_failed_run(
        &self,
        tenant: TenantId,
        integration_id: i64,
        started_at: DateTime<Utc>,
        error: &str,
        actor: &Actor,
    ) -> StorageResult<i64> {
        materialize::record_failed_run(self, tenant, integration_id, started_at, error, actor).await
    }

    async fn pending_review_count(
        &self,
        tenant: TenantId,
        integration_id: i64,
    ) -> StorageResult<u64> {
        rows::pending_review_count(self, tenant, integration_id).await
    }

    async fn extractions(
        &self,
        tenant: TenantId,
        filter: &ExtractionFilter,
    ) -> StorageResult<Vec<StoredExtraction>> {
        rows::extractions(self, tenant, filter).await
    }

    async fn extraction(
        &self,
        tenant: TenantId,
        id: i64,
    ) -> StorageResult<Option<StoredExtraction>> {
        rows::extraction(self, tenant, id).await
    }

    async fn decide(
        &self,
        tenant: TenantId,
        id: i64,
        decision: &Decision,
        actor: &Actor,
    ) -> StorageResult<Decided> {
        review::decide(self, tenant, id, decision, actor).await
    }

    async fn audit_events(&self, tenant: TenantId, limit: u32) -> StorageResult<Vec<AuditEvent>> {
        audit::audit_events(self, tenant, limit).await
    }
}
