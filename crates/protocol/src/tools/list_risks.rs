//! `list_risks`: its definition in the contract, its arguments and its result.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::spec::{Hints, Tool};
use crate::wire::*;

/// `list_risks`: List risks.
#[derive(Debug, Clone, Copy)]
pub struct ListRisks;

impl Tool for ListRisks {
    type Args = ListRisksArgs;
    type Output = RiskPage;
    const NAME: &'static str = "list_risks";
    const TITLE: &'static str = "List risks";
    const DESCRIPTION: &'static str = "List risks from the risk register with inherent, current and residual ratings, \
             the platform's current score (likelihood x impact, raised by red KRIs and weak \
             controls) and what raised it. Filter by status, category, outcome, owner or \
             minimum score; sort by current score (highest first, the default), latest \
             simulated annual loss, or residual score. \"Top 5 risks\" is {\"limit\": 5}.";
    const HINTS: Hints = Hints::read();
}

/// Arguments of `list_risks`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ListRisksArgs {
    #[serde(default)]
    pub status: Option<RiskStatus>,
    /// Category such as `ransomware` (case-insensitive).
    #[serde(default)]
    pub category: Option<String>,
    /// Only risks threatening this outcome (id or ref).
    #[serde(default)]
    pub outcome: Option<String>,
    /// Owner name or email, case-insensitive substring.
    #[serde(default)]
    pub owner: Option<String>,
    /// Only risks whose current score is at least this (1-25).
    #[serde(default)]
    pub min_score: Option<u32>,
    /// Case-insensitive text found in ref, title, description or category.
    #[serde(default)]
    pub text: Option<String>,
    /// Order of results (default `score`).
    #[serde(default)]
    pub sort: Option<RiskSort>,
    /// Items per page, 1-200 (default 25).
    #[serde(default)]
    pub limit: Option<u32>,
    /// The `nextCursor` of the previous page; omit for the first page.
    #[serde(default)]
    pub cursor: Option<String>,
}

/// Likelihood and impact (1-5 each) and their product.
#[derive(Debug, Clone, PartialEq, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RiskRating {
    /// 1 (rare) to 5 (almost certain).
    pub likelihood: u8,
    /// 1 (minor) to 5 (severe).
    pub impact: u8,
    /// likelihood x impact (1-25).
    pub score: u32,
}

/// FAIR inputs of a risk.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct FairParameters {
    /// Loss events per year.
    pub event_frequency_per_year: f64,
    /// Lower bound of the 90% interval of loss per event.
    pub loss_magnitude_low: f64,
    /// Upper bound of the 90% interval of loss per event.
    pub loss_magnitude_high: f64,
    /// ISO currency code.
    pub currency: String,
}

/// One risk.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RiskSummary {
    /// Stable id; pass it to other tools.
    pub id: String,
    /// Human reference such as R-001, C-001 or O-01.
    pub r#ref: String,
    /// Short statement of the risk.
    pub title: String,
    /// Grouping used in reports (such as identity, vulnerability).
    pub category: String,
    /// Accountable person.
    pub owner: String,
    pub status: RiskStatus,
    /// Rating before any control.
    pub inherent: RiskRating,
    /// Rating today, as assessed by the risk owner.
    pub current: RiskRating,
    /// Rating expected once planned controls are in place.
    pub residual: RiskRating,
    /// current likelihood x impact, raised by red/amber KRIs and weak controls, capped at 25.
    pub current_score: u32,
    pub rating: Rating,
    /// What raised the score above likelihood x impact.
    pub score_drivers: Vec<String>,
    /// FAIR inputs used by loss simulations.
    pub fair: FairParameters,
    /// Mean annual loss of the latest completed simulation, if any.
    pub latest_simulated_annual_loss: Option<f64>,
    /// Refs of the outcomes this risk threatens (the first 10; `outcomeCount` counts them all).
    pub outcome_refs: Vec<String>,
    /// How many outcomes this risk threatens.
    pub outcome_count: u32,
    /// Slugs of the linked KRIs (the first 10; `kriCount` counts them all).
    pub kri_slugs: Vec<String>,
    /// How many KRIs signal this risk.
    pub kri_count: u32,
    /// Refs of the linked controls (the first 10; `controlCount` counts them all).
    pub control_refs: Vec<String>,
    /// How many controls are linked to this risk.
    pub control_count: u32,
}

/// A page of risks.
pub type RiskPage = Page<RiskSummary>;
