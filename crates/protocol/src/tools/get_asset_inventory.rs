//! `get_asset_inventory`: its definition in the contract, its arguments and its result.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::spec::{Hints, Tool};
use crate::wire::*;

/// `get_asset_inventory`: Get the asset inventory.
#[derive(Debug, Clone, Copy)]
pub struct GetAssetInventory;

impl Tool for GetAssetInventory {
    type Args = AssetInventoryArgs;
    type Output = AssetInventory;
    const NAME: &'static str = "get_asset_inventory";
    const TITLE: &'static str = "Get the asset inventory";
    const DESCRIPTION: &'static str = "Summary of the assets that match the filters (counts by kind and criticality, \
             EDR / MFA / backup / patch coverage percentages, internet-facing count) plus \
             one page of those assets. Filter by kind, environment, criticality, \
             internet-facing, a missing coverage (edr, mfa, backup, patch), owner or text.";
    const HINTS: Hints = Hints::read();
}

/// Arguments of `get_asset_inventory`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AssetInventoryArgs {
    #[serde(default)]
    pub kind: Option<AssetKind>,
    /// `production`, `staging`, `development` or `corporate`.
    #[serde(default)]
    pub environment: Option<String>,
    #[serde(default)]
    pub criticality: Option<Criticality>,
    /// Reachable from the internet.
    #[serde(default)]
    pub internet_facing: Option<bool>,
    /// Only assets lacking this protection.
    #[serde(default)]
    pub missing: Option<Coverage>,
    /// Owner, case-insensitive substring.
    #[serde(default)]
    pub owner: Option<String>,
    /// Case-insensitive text in the asset name.
    #[serde(default)]
    pub text: Option<String>,
    /// Items per page, 1-200 (default 25).
    #[serde(default)]
    pub limit: Option<u32>,
    /// The `nextCursor` of the previous page; omit for the first page.
    #[serde(default)]
    pub cursor: Option<String>,
}

/// One asset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AssetSummary {
    /// Stable id; pass it to other tools.
    pub id: String,
    /// Display name.
    pub name: String,
    pub kind: AssetKind,
    /// production, staging, development or corporate.
    pub environment: String,
    /// Accountable person.
    pub owner: String,
    pub criticality: Criticality,
    /// Reachable from the internet.
    pub internet_facing: bool,
    /// `public`, `internal`, `confidential` or `restricted`.
    pub data_classification: String,
    /// When discovery last saw it.
    pub last_seen: DateTime<Utc>,
    /// Healthy EDR sensor.
    pub edr: bool,
    /// Protected by MFA.
    pub mfa: bool,
    /// Backed up.
    pub backup: bool,
    /// Fully patched.
    pub patched: bool,
}

/// A count per value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Count {
    /// The value counted.
    pub value: String,
    /// How many.
    pub count: u64,
}

/// Coverage percentages over the matching assets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CoveragePercentages {
    /// Share with a healthy EDR sensor, in %.
    pub edr_pct: f64,
    /// Share protected by MFA, in %.
    pub mfa_pct: f64,
    /// Share with backups, in %.
    pub backup_pct: f64,
    /// Share fully patched, in %.
    pub patched_pct: f64,
}

/// Summary of the assets matching the filters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AssetSummaryCounts {
    /// Number of matching rows, on all pages.
    pub total: u64,
    /// Counts per asset kind.
    pub by_kind: Vec<Count>,
    /// Counts per criticality.
    pub by_criticality: Vec<Count>,
    /// Reachable from the internet.
    pub internet_facing: u64,
    /// Coverage percentages.
    pub coverage: CoveragePercentages,
}

/// `get_asset_inventory` result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AssetInventory {
    /// Aggregates over all matching assets.
    pub summary: AssetSummaryCounts,
    /// This page of results.
    pub items: Vec<AssetSummary>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
    /// Number of assets matching the filters, on all pages.
    pub total: u64,
    /// Present when the page ended before `limit` to keep the answer small enough for a
    /// model: says so; pass `nextCursor` for the rest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}
