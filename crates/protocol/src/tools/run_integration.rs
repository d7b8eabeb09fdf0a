//! `run_integration`: its definition in the contract, its arguments and its result.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::spec::{Hints, Tool};
use crate::wire::*;

/// `run_integration`: Run an integration.
#[derive(Debug, Clone, Copy)]
pub struct RunIntegration;

impl Tool for RunIntegration {
    type Args = RunIntegrationArgs;
    type Output = RunIntegrationResult;
    const NAME: &'static str = "run_integration";
    const TITLE: &'static str = "Run an integration";
    const DESCRIPTION: &'static str = "Run an integration now. For a drop zone, write every accepted \
                 extraction not yet written into its KRI (value, observed time, source \
                 artifact) and update current values and statuses; a second run with nothing \
                 new writes nothing. For a connector (http_json, directory), fetch its source \
                 first, extract, then write. Answers rows written and skipped, what is still \
                 pending human review, and each KRI's new value and status.";
    const HINTS: Hints = Hints::write().open_world();
}

/// Arguments of `run_integration`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RunIntegrationArgs {
    /// Integration id (int_1) or name, from list_integrations.
    pub integration_id: String,
}

/// A KRI a run wrote to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct KriUpdate {
    pub kri_id: String,
    pub kri_slug: String,
    /// The value written.
    pub value: f64,
    pub observed_at: DateTime<Utc>,
    /// The KRI's current value and status after the run.
    pub current_value: Option<f64>,
    pub status: KriStatus,
    /// Drop Zone artifact and extraction the value came from.
    pub artifact_id: String,
    pub extraction_id: String,
}

/// Result of `run_integration`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RunIntegrationResult {
    /// Run id (run_12).
    pub run_id: String,
    pub integration_id: String,
    pub integration_name: String,
    pub kind: IntegrationKind,
    /// `succeeded` or `failed`.
    pub status: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
    /// Artifacts a connector fetched and stored in this run (0 for drop zones).
    pub artifacts_ingested: u32,
    /// Artifacts a connector fetched that were already stored.
    pub artifacts_duplicate: u32,
    /// KRI observations written.
    pub rows_written: u64,
    /// Accepted extractions not written: the same value at the same time was already
    /// written from another artifact.
    pub rows_skipped: u64,
    /// Extractions of this integration still waiting for a human.
    pub pending_review: u64,
    pub updates: Vec<KriUpdate>,
    /// Why the run failed, when it did.
    pub error: Option<String>,
    /// What happened, in a sentence.
    pub summary: String,
}
