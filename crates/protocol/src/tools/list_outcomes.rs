//! `list_outcomes`: its definition in the contract, its arguments and its result.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::spec::{Hints, Tool};
use crate::wire::*;

/// `list_outcomes`: List business outcomes.
#[derive(Debug, Clone, Copy)]
pub struct ListOutcomes;

impl Tool for ListOutcomes {
    type Args = ListOutcomesArgs;
    type Output = OutcomePage;
    const NAME: &'static str = "list_outcomes";
    const TITLE: &'static str = "List business outcomes";
    const DESCRIPTION: &'static str = "List the business outcomes risks threaten, each with its rolled-up status \
             (the worst rating of its risks), loss tolerance and aggregate simulated annual \
             loss when simulations exist. Each lists its first 10 risk refs and riskCount; \
             list_risks with outcome lists them all.";
    const HINTS: Hints = Hints::read();
}

/// Arguments of `list_outcomes`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ListOutcomesArgs {
    /// Only outcomes with this rolled-up status.
    #[serde(default)]
    pub status: Option<Rating>,
    /// Case-insensitive text found in ref, name, description or owner.
    #[serde(default)]
    pub text: Option<String>,
    /// Items per page, 1-200 (default 25).
    #[serde(default)]
    pub limit: Option<u32>,
    /// The `nextCursor` of the previous page; omit for the first page.
    #[serde(default)]
    pub cursor: Option<String>,
}

/// One business outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct OutcomeSummary {
    /// Stable id; pass it to other tools.
    pub id: String,
    /// Human reference such as R-001, C-001 or O-01.
    pub r#ref: String,
    /// Display name.
    pub name: String,
    /// What it is, in a sentence or two.
    pub description: String,
    /// Accountable person.
    pub owner: String,
    /// Annual loss the business accepts for this outcome.
    pub loss_tolerance: f64,
    /// ISO currency code.
    pub currency: String,
    /// Worst rating of the outcome's risks (green when it has none).
    pub status: Rating,
    /// Number of risks threatening this outcome.
    pub risk_count: u32,
    /// Highest current score among its risks.
    pub worst_risk_ref: Option<String>,
    /// Mean annual loss of the latest completed outcome simulation, if any.
    pub aggregate_annual_loss: Option<f64>,
    /// Refs of the linked risks (the first 10; `riskCount` counts them all; list_risks
    /// with `outcome` lists them).
    pub risk_refs: Vec<String>,
}

/// A page of outcomes.
pub type OutcomePage = Page<OutcomeSummary>;
