//! `list_integrations`: its definition in the contract, its arguments and its result.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::spec::{Hints, Tool};
use crate::wire::*;

/// `list_integrations`: List integrations.
#[derive(Debug, Clone, Copy)]
pub struct ListIntegrations;

impl Tool for ListIntegrations {
    type Args = ListIntegrationsArgs;
    type Output = IntegrationPage;
    const NAME: &'static str = "list_integrations";
    const TITLE: &'static str = "List integrations";
    const DESCRIPTION: &'static str = "List the tenant's data integrations: drop zones (isDropZone: true, they receive \
             artifacts through submit_dropzone_artifact) and connectors, each with its \
             schedule, last run and the number of extractions pending human review.";
    const HINTS: Hints = Hints::read();
}

/// Arguments of `list_integrations`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ListIntegrationsArgs {
    /// Only drop zones (true) or only connectors (false).
    #[serde(default)]
    pub is_drop_zone: Option<bool>,
    /// Items per page, 1-200 (default 25).
    #[serde(default)]
    pub limit: Option<u32>,
    /// The `nextCursor` of the previous page; omit for the first page.
    #[serde(default)]
    pub cursor: Option<String>,
}

/// The latest run of an integration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct IntegrationRun {
    /// Stable id; pass it to other tools.
    pub id: String,
    /// When it started.
    pub started_at: DateTime<Utc>,
    /// When the run ended.
    pub finished_at: Option<DateTime<Utc>>,
    /// `running`, `succeeded` or `failed`.
    pub status: String,
    /// KRI observations written.
    pub rows_written: u64,
    /// Rows read but not written.
    pub rows_skipped: u64,
}

/// One integration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct IntegrationSummary {
    /// Pass this id to submit_dropzone_artifact and run_integration.
    pub id: String,
    /// Display name.
    pub name: String,
    pub kind: IntegrationKind,
    /// True for drop zones: they receive artifacts through submit_dropzone_artifact.
    pub is_drop_zone: bool,
    pub schedule: Schedule,
    /// Whether the integration runs and accepts data.
    pub enabled: bool,
    /// The most recent run, if any.
    pub last_run: Option<IntegrationRun>,
    /// Extractions waiting for a human in the Pending Extraction Review queue.
    pub pending_review_count: u64,
    /// Slugs of KRIs fed by this integration (the first 10; `kriCount` counts them all).
    pub kri_slugs: Vec<String>,
    /// How many KRIs this integration feeds.
    pub kri_count: u32,
}

/// A page of integrations.
pub type IntegrationPage = Page<IntegrationSummary>;
