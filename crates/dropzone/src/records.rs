//! What the AI Drop Zone needs from storage, beside the risk register: artifacts with
//! their extractions written in one transaction and deduplicated by a unique key;
//! materialization into KRI observations; the review queue; the audit trail. Every method
//! takes the tenant first. `draxis-store` implements it.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use draxis_auth::TenantId;

use draxis_domain::StorageResult;
use draxis_protocol::types::{AutonomyBand, ProposalState};

/// Who or what sent an artifact, made a decision or started a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// `token:12 (cron-bot)`, `admin-cli:alice`, `connector:Backup reports folder`.
    pub label: String,
    /// The API token, when a token acted.
    pub token_id: Option<i64>,
}

/// An extraction ready to be stored.
#[derive(Debug, Clone)]
pub struct NewExtraction {
    pub kri_id: i64,
    pub kri_slug: String,
    pub kri_unit: String,
    pub value: f64,
    pub observed_at: Option<DateTime<Utc>>,
    pub confidence: f64,
    pub reasons: Vec<String>,
    pub line_start: u32,
    pub line_end: u32,
    pub excerpt: String,
    pub state: ProposalState,
}

/// An artifact ready to be stored, with what the extractor made of it.
#[derive(Debug, Clone)]
pub struct NewArtifact<'a> {
    pub integration_id: i64,
    pub sha256: &'a str,
    pub content: &'a str,
    pub filename: Option<&'a str>,
    pub mime_type: Option<&'a str>,
    /// Where a connector found it (URL, file path).
    pub source: Option<&'a str>,
    pub extractor: &'a str,
    pub band: AutonomyBand,
    pub skipped: u32,
    pub extractions: Vec<NewExtraction>,
    pub received_at: DateTime<Utc>,
    pub actor: &'a Actor,
}

/// A stored extraction.
#[derive(Debug, Clone)]
pub struct StoredExtraction {
    pub id: i64,
    pub artifact_id: i64,
    pub integration_id: i64,
    pub kri_id: i64,
    pub kri_slug: String,
    pub kri_unit: String,
    pub value: f64,
    /// The extractor's value when a reviewer corrected it.
    pub proposed_value: Option<f64>,
    pub observed_at: Option<DateTime<Utc>>,
    pub confidence: f64,
    pub reasons: Vec<String>,
    pub line_start: u32,
    pub line_end: u32,
    pub excerpt: String,
    pub state: ProposalState,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub note: Option<String>,
    pub materialized_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// A stored artifact (without its content) and its extractions.
#[derive(Debug, Clone)]
pub struct StoredArtifact {
    pub id: i64,
    pub integration_id: i64,
    pub sha256: String,
    pub size_bytes: u64,
    pub filename: Option<String>,
    pub mime_type: Option<String>,
    pub source: Option<String>,
    pub extractor: String,
    pub band: AutonomyBand,
    pub skipped: u32,
    pub received_at: DateTime<Utc>,
    pub submitted_by: String,
    pub extractions: Vec<StoredExtraction>,
}

/// Whether an insert stored a new artifact or met the same bytes already stored.
#[derive(Debug, Clone)]
pub enum Inserted {
    New(StoredArtifact),
    Duplicate(StoredArtifact),
}

/// One KRI observation a run wrote.
#[derive(Debug, Clone)]
pub struct WrittenObservation {
    pub extraction_id: i64,
    pub artifact_id: i64,
    pub kri_id: i64,
    pub kri_slug: String,
    pub value: f64,
    pub observed_at: DateTime<Utc>,
}

/// What materialization did.
#[derive(Debug, Clone)]
pub struct Materialized {
    pub run_id: i64,
    pub written: Vec<WrittenObservation>,
    pub skipped: u64,
    pub finished_at: DateTime<Utc>,
}

/// A run's bookkeeping, for connector runs that fetched before materializing.
#[derive(Debug, Clone, Default)]
pub struct RunCounts {
    pub artifacts_ingested: u32,
    pub artifacts_duplicate: u32,
}

/// A human's verdict on an extraction.
#[derive(Debug, Clone)]
pub struct Decision {
    pub accept: bool,
    /// A corrected value (accept only).
    pub value: Option<f64>,
    pub note: Option<String>,
}

/// The result of deciding.
#[derive(Debug, Clone)]
pub enum Decided {
    Done(Box<StoredExtraction>),
    /// The extraction is not waiting for a decision (its state is given).
    NotPending(ProposalState),
    NotFound,
}

/// Filters for the review queue.
#[derive(Debug, Clone, Default)]
pub struct ExtractionFilter {
    pub state: Option<ProposalState>,
    pub integration_id: Option<i64>,
    pub limit: u32,
}

/// One line of the audit trail.
#[derive(Debug, Clone)]
pub struct AuditEvent {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub token_id: Option<i64>,
    /// `artifact.submitted`, `extraction.accepted`, `integration.run`, ...
    pub action: String,
    /// `artifact:12`, `extraction:40`, `integration:3`, `tenant`.
    pub subject: String,
    /// JSON with the facts of the event.
    pub details: String,
}

/// Drop Zone storage.
#[async_trait]
pub trait DropZoneStore: Send + Sync {
    async fn autonomy_band(&self, tenant: TenantId) -> StorageResult<AutonomyBand>;
    /// Sets the band and records the change; returns the previous band.
    async fn set_autonomy_band(
        &self,
        tenant: TenantId,
        band: AutonomyBand,
        actor: &Actor,
    ) -> StorageResult<AutonomyBand>;
    /// The artifact with these bytes in this integration, if stored.
    async fn find_artifact(
        &self,
        tenant: TenantId,
        integration_id: i64,
        sha256: &str,
    ) -> StorageResult<Option<StoredArtifact>>;
    async fn artifact(&self, tenant: TenantId, id: i64) -> StorageResult<Option<StoredArtifact>>;
    /// A connector's configuration JSON.
    async fn integration_config(
        &self,
        tenant: TenantId,
        integration_id: i64,
    ) -> StorageResult<Option<String>>;
    /// Stores the artifact, its extractions and its audit event in one transaction; a
    /// concurrent or earlier insert of the same bytes wins and is returned instead.
    async fn insert_artifact(
        &self,
        tenant: TenantId,
        artifact: &NewArtifact<'_>,
    ) -> StorageResult<Inserted>;
    /// Writes every accepted, not yet written extraction of the integration into KRI
    /// observations, updates current values, and records the run: one transaction.
    async fn materialize(
        &self,
        tenant: TenantId,
        integration_id: i64,
        started_at: DateTime<Utc>,
        counts: &RunCounts,
        actor: &Actor,
    ) -> StorageResult<Materialized>;
    /// Records a run that failed before it could write anything.
    async fn record_failed_run(
        &self,
        tenant: TenantId,
        integration_id: i64,
        started_at: DateTime<Utc>,
        error: &str,
        actor: &Actor,
    ) -> StorageResult<i64>;
    async fn pending_review_count(
        &self,
        tenant: TenantId,
        integration_id: i64,
    ) -> StorageResult<u64>;
    async fn extractions(
        &self,
        tenant: TenantId,
        filter: &ExtractionFilter,
    ) -> StorageResult<Vec<StoredExtraction>>;
    async fn extraction(
        &self,
        tenant: TenantId,
        id: i64,
    ) -> StorageResult<Option<StoredExtraction>>;
    /// Accepts or rejects a pending extraction and records the decision.
    async fn decide(
        &self,
        tenant: TenantId,
        id: i64,
        decision: &Decision,
        actor: &Actor,
    ) -> StorageResult<Decided>;
    /// Newest first.
    async fn audit_events(&self, tenant: TenantId, limit: u32) -> StorageResult<Vec<AuditEvent>>;
}
