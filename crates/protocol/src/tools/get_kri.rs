//! `get_kri`: its definition in the contract, its arguments and its result.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::list_kris::KriSummary;
use crate::spec::{Hints, Tool};
use crate::wire::*;

/// `get_kri`: Get one KRI.
#[derive(Debug, Clone, Copy)]
pub struct GetKri;

impl Tool for GetKri {
    type Args = GetKriArgs;
    type Output = KriDetail;
    const NAME: &'static str = "get_kri";
    const TITLE: &'static str = "Get one KRI";
    const DESCRIPTION: &'static str = "One KRI by id (kri_12) or slug (mfa_coverage_pct): definition, thresholds, \
             current status, linked risks, controls and outcome, recent history with the \
             source of each value, and the trend over that history.";
    const HINTS: Hints = Hints::read();
}

/// Arguments of `get_kri`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GetKriArgs {
    /// KRI id (kri_12) or slug (mfa_coverage_pct).
    pub id: String,
    /// How many of the latest observations to return, 1-365 (default 30).
    #[serde(default)]
    pub history_limit: Option<u32>,
}

/// One observed value of a KRI.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Observation {
    /// The value counted.
    pub value: f64,
    /// When the value was observed.
    pub observed_at: DateTime<Utc>,
    /// Where the value came from (integration name, `demo seed`, ...).
    pub source: String,
    /// Drop Zone artifact the value was extracted from.
    pub artifact_id: Option<String>,
    /// Extraction (proposal) that produced the value.
    pub extraction_id: Option<String>,
    /// Extractor confidence in [0,1] when extracted.
    pub confidence: Option<f64>,
    /// What the person who entered a manual value wrote about it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

wire_enum!(
    /// Which way a KRI moved over its returned history.
    TrendDirection { Rising => "rising", Falling => "falling", Flat => "flat", Insufficient => "insufficient_data" }
);

/// The movement of a KRI across its returned history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Trend {
    pub direction: TrendDirection,
    /// True when the movement is towards red.
    pub worsening: bool,
    /// Newest minus oldest value of the returned history.
    pub change: Option<f64>,
    /// Days between the oldest and the newest returned observation.
    pub period_days: Option<f64>,
}

/// `get_kri` result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct KriDetail {
    /// The KRI.
    #[serde(flatten)]
    pub kri: KriSummary,
    /// What it is, in a sentence or two.
    pub description: String,
    /// Other names the metric goes by.
    pub aliases: Vec<String>,
    /// Linked risks.
    pub risks: Vec<RiskLink>,
    /// Linked controls.
    pub controls: Vec<ControlLink>,
    /// The outcome this KRI belongs to.
    pub outcome: Option<OutcomeLink>,
    /// Latest observations, newest first.
    pub history: Vec<Observation>,
    /// Movement over the returned history.
    pub trend: Trend,
    /// Present when the history holds fewer observations than `historyLimit` asked for,
    /// to keep the answer small enough for a model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}
