//! `list_kris`: its definition in the contract, its arguments and its result.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::spec::{Hints, Tool};
use crate::wire::*;

/// `list_kris`: List key risk indicators.
#[derive(Debug, Clone, Copy)]
pub struct ListKris;

impl Tool for ListKris {
    type Args = ListKrisArgs;
    type Output = KriPage;
    const NAME: &'static str = "list_kris";
    const TITLE: &'static str = "List key risk indicators";
    const DESCRIPTION: &'static str = "List the tenant's key risk indicators (KRIs) with current value and status \
             (green, amber, red, unknown = no value or stale). Filter by status, linked risk \
             (ref such as R-001), linked control (ref such as C-001), outcome, source \
             integration or free text; sort by status severity (red first, the default), \
             name, or freshness (stalest first). Paged: pass nextCursor back as cursor.";
    const HINTS: Hints = Hints::read();
}

/// Arguments of `list_kris`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ListKrisArgs {
    /// Only KRIs with this status.
    #[serde(default)]
    pub status: Option<KriStatus>,
    /// Only KRIs linked to this risk (id or ref such as R-001).
    #[serde(default)]
    pub risk: Option<String>,
    /// Only KRIs feeding this control (id or ref such as C-001).
    #[serde(default)]
    pub control: Option<String>,
    /// Only KRIs of this outcome (id or ref such as O-01).
    #[serde(default)]
    pub outcome: Option<String>,
    /// Only KRIs whose source integration has this id or name.
    #[serde(default)]
    pub source: Option<String>,
    /// Case-insensitive text found in slug, name, description or aliases.
    #[serde(default)]
    pub text: Option<String>,
    /// Order of results (default `severity`).
    #[serde(default)]
    pub sort: Option<KriSort>,
    /// Items per page, 1-200 (default 25).
    #[serde(default)]
    pub limit: Option<u32>,
    /// The `nextCursor` of the previous page; omit for the first page.
    #[serde(default)]
    pub cursor: Option<String>,
}

/// One KRI as listed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct KriSummary {
    /// Stable id such as kri_12.
    pub id: String,
    /// Catalog slug such as mfa_coverage_pct.
    pub slug: String,
    /// Display name.
    pub name: String,
    /// Grouping used in reports (such as identity, vulnerability).
    pub category: String,
    /// `%`, `count`, `days`, `hours` or `USD`.
    pub unit: String,
    pub direction: Direction,
    /// Amber threshold.
    pub warn: f64,
    /// Red threshold.
    pub critical: f64,
    /// Latest observed value, if any.
    pub current_value: Option<f64>,
    /// When the latest value was observed.
    pub last_observed_at: Option<DateTime<Utc>>,
    pub status: KriStatus,
    /// One sentence explaining the status.
    pub status_reason: String,
    pub frequency: Frequency,
    /// Accountable person.
    pub owner: String,
    /// Id of the integration that feeds this KRI.
    pub source_integration_id: Option<String>,
    /// Name of that integration, such as "AI Drop Zone".
    pub source_integration_name: Option<String>,
    /// Refs of the risks this KRI signals (the first 10; `riskCount` counts them all).
    pub risk_refs: Vec<String>,
    /// How many risks this KRI signals.
    pub risk_count: u32,
    /// Refs of the controls this KRI measures (the first 10; `controlCount` counts them all).
    pub control_refs: Vec<String>,
    /// How many controls this KRI measures.
    pub control_count: u32,
    /// Ref of the outcome this KRI belongs to.
    pub outcome_ref: Option<String>,
}

/// A page of KRIs.
pub type KriPage = Page<KriSummary>;
