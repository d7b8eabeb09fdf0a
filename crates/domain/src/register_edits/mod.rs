//! Changing one record of the register by hand (the console's edit forms): the
//! [`RegisterEdits`] port storage implements, writing each change and its audit event in
//! one transaction, and [`RegisterEditor`], which finds the record, checks the change
//! (`settings`), writes it and tells the read cache.

mod settings;

use std::sync::Arc;

use async_trait::async_trait;
use chrono::Utc;

pub use settings::*;

use crate::TenantId;
use crate::cache::CacheInvalidation;
use crate::entities::{Control, Kri, Risk};
use crate::error::{StorageError, StorageResult};
use crate::repository::RiskRepository;

/// The audit trail's names for hand edits of the register.
pub mod action {
    /// A KRI's thresholds, owner or aliases changed.
    pub const KRI_EDIT: &str = "register.kri_edit";
    /// A risk's status, ratings or FAIR parameters changed.
    pub const RISK_EDIT: &str = "register.risk_edit";
    /// A control's status or effectiveness changed.
    pub const CONTROL_EDIT: &str = "register.control_edit";
    /// A KRI observation entered by hand.
    pub const OBSERVATION_RECORD: &str = "register.observation_record";
}

/// Who changed the register, for the audit trail.
#[derive(Debug, Clone, PartialEq)]
pub struct Editor {
    /// `user:alice@example.com`.
    pub actor: String,
    /// `session:7`.
    pub credential: Option<String>,
    /// The HTTP peer.
    pub client_address: Option<String>,
}

/// What an edit did.
#[derive(Debug, Clone, PartialEq)]
pub enum Edited {
    /// These fields changed (and an audit event says so).
    Changed(Vec<FieldChange>),
    /// The record already had these settings: nothing was written.
    Unchanged,
    /// No such record in this tenant.
    NotFound,
}

/// What recording a manual observation did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recorded {
    /// Stored; `current` says whether it became the KRI's current value (it does unless
    /// the current value was observed later).
    Stored {
        current: bool,
    },
    NotFound,
}

/// Writes hand edits. Each method reads the record's settings inside its transaction,
/// writes only when something differs, and records an audit event naming `by` with the
/// changed fields (before → after) in the same transaction.
#[async_trait]
pub trait RegisterEdits: Send + Sync {
    async fn edit_kri(
        &self,
        tenant: TenantId,
        kri_id: i64,
        settings: &KriSettings,
        by: &Editor,
    ) -> StorageResult<Edited>;
    async fn edit_risk(
        &self,
        tenant: TenantId,
        risk_id: i64,
        settings: &RiskSettings,
        by: &Editor,
    ) -> StorageResult<Edited>;
    async fn edit_control(
        &self,
        tenant: TenantId,
        control_id: i64,
        settings: &ControlSettings,
        by: &Editor,
    ) -> StorageResult<Edited>;
    async fn record_observation(
        &self,
        tenant: TenantId,
        kri_id: i64,
        observation: &ManualObservation,
        by: &Editor,
    ) -> StorageResult<Recorded>;
}

/// Why an edit wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum EditError {
    #[error("{} field(s) need fixing", .0.len())]
    Invalid(Vec<FieldProblem>),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// Finds, checks, writes and invalidates: the one way hand edits reach storage.
#[derive(Clone)]
pub struct RegisterEditor {
    /// Where records are found by natural key (the read cache: what the pages show).
    repo: Arc<dyn RiskRepository>,
    store: Arc<dyn RegisterEdits>,
    cache: Arc<dyn CacheInvalidation>,
}

impl std::fmt::Debug for RegisterEditor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegisterEditor").finish_non_exhaustive()
    }
}

impl RegisterEditor {
    pub fn new(
        repo: Arc<dyn RiskRepository>,
        store: Arc<dyn RegisterEdits>,
        cache: Arc<dyn CacheInvalidation>,
    ) -> Self {
        Self { repo, store, cache }
    }

    /// The KRI whose slug (or public id) is `key`.
    pub async fn kri(&self, tenant: TenantId, key: &str) -> StorageResult<Option<Kri>> {
        self.repo.kri(tenant, key).await
    }

    /// The risk whose ref is `key` (any case).
    pub async fn risk(&self, tenant: TenantId, key: &str) -> StorageResult<Option<Risk>> {
        let risks = self.repo.risks(tenant).await?;
        Ok(risks
            .iter()
            .find(|r| r.r#ref.eq_ignore_ascii_case(key))
            .cloned())
    }

    /// The control whose ref is `key` (any case).
    pub async fn control(&self, tenant: TenantId, key: &str) -> StorageResult<Option<Control>> {
        let controls = self.repo.controls(tenant).await?;
        Ok(controls
            .iter()
            .find(|c| c.r#ref.eq_ignore_ascii_case(key))
            .cloned())
    }

    fn written<T>(&self, tenant: TenantId, result: StorageResult<T>) -> Result<T, EditError> {
        let value = result?;
        self.cache.invalidate(tenant);
        Ok(value)
    }

    /// Changes KRI `key` to `settings`, checked against its direction.
    pub async fn edit_kri(
        &self,
        tenant: TenantId,
        key: &str,
        settings: &KriSettings,
        by: &Editor,
    ) -> Result<Edited, EditError> {
        let Some(kri) = self.kri(tenant, key).await? else {
            return Ok(Edited::NotFound);
        };
        check_kri(kri.direction, settings).map_err(EditError::Invalid)?;
        let result = self.store.edit_kri(tenant, kri.id, settings, by).await;
        self.written(tenant, result)
    }

    /// Changes risk `key` to `settings`.
    pub async fn edit_risk(
        &self,
        tenant: TenantId,
        key: &str,
        settings: &RiskSettings,
        by: &Editor,
    ) -> Result<Edited, EditError> {
        check_risk(settings).map_err(EditError::Invalid)?;
        let Some(risk) = self.risk(tenant, key).await? else {
            return Ok(Edited::NotFound);
        };
        let result = self.store.edit_risk(tenant, risk.id, settings, by).await;
        self.written(tenant, result)
    }

    /// Changes control `key` to `settings`.
    pub async fn edit_control(
        &self,
        tenant: TenantId,
        key: &str,
        settings: &ControlSettings,
        by: &Editor,
    ) -> Result<Edited, EditError> {
        check_control(settings).map_err(EditError::Invalid)?;
        let Some(control) = self.control(tenant, key).await? else {
            return Ok(Edited::NotFound);
        };
        let result = self
            .store
            .edit_control(tenant, control.id, settings, by)
            .await;
        self.written(tenant, result)
    }

    /// Records a manual value of KRI `key`.
    pub async fn record_observation(
        &self,
        tenant: TenantId,
        key: &str,
        observation: &ManualObservation,
        by: &Editor,
    ) -> Result<Recorded, EditError> {
        check_observation(observation, Utc::now()).map_err(EditError::Invalid)?;
        let Some(kri) = self.kri(tenant, key).await? else {
            return Ok(Recorded::NotFound);
        };
        let result = self
            .store
            .record_observation(tenant, kri.id, observation, by)
            .await;
        self.written(tenant, result)
    }
}
