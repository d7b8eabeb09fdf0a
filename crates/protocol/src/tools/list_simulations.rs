//! `list_simulations`: its definition in the contract, its arguments and its result.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::spec::{Hints, Tool};
use crate::wire::*;

/// `list_simulations`: List loss simulations.
#[derive(Debug, Clone, Copy)]
pub struct ListSimulations;

impl Tool for ListSimulations {
    type Args = ListSimulationsArgs;
    type Output = SimulationPage;
    const NAME: &'static str = "list_simulations";
    const TITLE: &'static str = "List loss simulations";
    const DESCRIPTION: &'static str = "List Monte Carlo loss simulations (FAIR-style) with their results: mean annual \
             loss, P50/P90/P95/P99, VaR, expected shortfall and probability of zero loss. \
             Filter by risk ref, outcome id or status. Each run's loss exceedance curve \
             (about 3,000 characters) only with includeCurve: true; for one run's curve, \
             filter by risk or outcome with limit 1.";
    const HINTS: Hints = Hints::read();
}

/// Arguments of `list_simulations`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ListSimulationsArgs {
    /// Only runs for this risk (id or ref).
    #[serde(default)]
    pub risk: Option<String>,
    /// Only runs for this outcome (id or ref).
    #[serde(default)]
    pub outcome: Option<String>,
    #[serde(default)]
    pub status: Option<SimulationStatus>,
    /// Include each run's loss exceedance curve (about 3,000 characters a run; default
    /// false). For one run's curve, filter by risk or outcome with `limit: 1`.
    #[serde(default)]
    pub include_curve: Option<bool>,
    /// Items per page, 1-200 (default 25).
    #[serde(default)]
    pub limit: Option<u32>,
    /// The `nextCursor` of the previous page; omit for the first page.
    #[serde(default)]
    pub cursor: Option<String>,
}

/// One point of a loss exceedance curve.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ExceedancePoint {
    /// Annual loss amount.
    pub loss: f64,
    /// Probability that annual loss exceeds `loss`.
    pub probability: f64,
}

/// Results of a completed simulation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SimulationResults {
    /// Mean simulated annual loss.
    pub mean_annual_loss: f64,
    /// Median annual loss.
    pub p50: f64,
    /// 90th percentile of annual loss.
    pub p90: f64,
    /// 95th percentile of annual loss.
    pub p95: f64,
    /// 99th percentile of annual loss.
    pub p99: f64,
    /// Value at risk at 95%: annual loss exceeded in 5% of simulated years.
    pub var95: f64,
    /// Value at risk at 99%: annual loss exceeded in 1% of simulated years.
    pub var99: f64,
    /// Mean annual loss in the worst 1% of simulated years.
    pub expected_shortfall99: f64,
    /// Share of simulated years without any loss.
    pub probability_of_zero_loss: f64,
    /// Smallest simulated annual loss.
    pub min: f64,
    /// Largest simulated annual loss.
    pub max: f64,
    /// Loss exceedance curve, about 100 points, losses ascending. In list_simulations only
    /// when asked for with `includeCurve: true`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exceedance_curve: Vec<ExceedancePoint>,
}

/// One simulation run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SimulationSummary {
    /// Stable id; pass it to other tools.
    pub id: String,
    /// Ref of the simulated risk, when it simulates a risk.
    pub risk_ref: Option<String>,
    /// Ref of the simulated outcome, when it simulates an outcome.
    pub outcome_ref: Option<String>,
    pub status: SimulationStatus,
    /// Simulated years.
    pub iterations: u64,
    /// Random seed: the same seed and inputs give the same results.
    pub seed: u64,
    /// When the run was requested.
    pub created_at: DateTime<Utc>,
    /// When the run ended.
    pub finished_at: Option<DateTime<Utc>>,
    /// Results, once completed.
    pub results: Option<SimulationResults>,
    /// Why the run failed, when it did.
    pub error: Option<String>,
}

/// A page of simulations.
pub type SimulationPage = Page<SimulationSummary>;
