//! Argument and result types of every tool, exactly as they travel in JSON (camelCase).

use chrono::{DateTime, NaiveDate, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Largest page a list tool returns.
pub const MAX_LIMIT: u32 = 200;
/// Page size when the caller gives none.
pub const DEFAULT_LIMIT: u32 = 25;

/// One page of a list tool's results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Page<T> {
    /// This page of results.
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
    /// Number of matching rows, on all pages.
    pub total: u64,
}

macro_rules! wire_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $text)] $variant),+
        }
        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The JSON spelling.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
            /// Parses the JSON spelling.
            pub fn parse(text: &str) -> Option<Self> {
                match text { $($text => Some($name::$variant),)+ _ => None }
            }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

wire_enum!(
    /// A KRI's colour: from its thresholds and direction; unknown when it has no value or
    /// its last value is older than twice its frequency.
    KriStatus { Green => "green", Amber => "amber", Red => "red", Unknown => "unknown" }
);
wire_enum!(
    /// Which way a KRI gets worse.
    Direction { HigherIsWorse => "higher_is_worse", LowerIsWorse => "lower_is_worse" }
);
wire_enum!(
    /// How often a KRI is expected to receive a value.
    Frequency { Daily => "daily", Weekly => "weekly", Monthly => "monthly", Quarterly => "quarterly" }
);
wire_enum!(
    /// Order of `list_kris` results.
    KriSort {
        /// Red, then amber, unknown, green; by name within a status.
        Severity => "severity",
        /// Alphabetical by name.
        Name => "name",
        /// Stalest first (never observed before everything else).
        Freshness => "freshness",
    }
);
wire_enum!(
    /// Lifecycle of a risk.
    RiskStatus { Open => "open", Mitigating => "mitigating", Accepted => "accepted", Transferred => "transferred", Closed => "closed" }
);
wire_enum!(
    /// Rating band of a score: red ≥ 15, amber ≥ 8, green below.
    Rating { Green => "green", Amber => "amber", Red => "red" }
);
wire_enum!(
    /// Order of `list_risks` results.
    RiskSort {
        /// Highest current score first.
        Score => "score",
        /// Highest latest simulated annual loss first; risks never simulated last.
        SimulatedLoss => "simulatedLoss",
        /// Highest residual score first.
        Residual => "residual",
    }
);
wire_enum!(
    /// Lifecycle of a control.
    ControlStatus { Planned => "planned", Implemented => "implemented", Degraded => "degraded", Retired => "retired" }
);
wire_enum!(
    /// Order of `list_controls` results.
    ControlSort {
        /// Weakest first.
        Effectiveness => "effectiveness",
        /// Most linked risks plus ATT&CK techniques first.
        Coverage => "coverage",
        /// By control ref.
        Ref => "ref",
    }
);
wire_enum!(
    /// Vendor criticality.
    Criticality { Low => "low", Medium => "medium", High => "high", Critical => "critical" }
);
wire_enum!(
    /// Order of `list_vendors` results.
    VendorSort {
        /// Critical first, then by name.
        Criticality => "criticality",
        /// Alphabetical.
        Name => "name",
        /// Soonest (or most overdue) next assessment first.
        AssessmentDue => "assessmentDue",
    }
);
wire_enum!(
    /// What an asset is.
    AssetKind { Endpoint => "endpoint", Server => "server", CloudResource => "cloud_resource", SaasApp => "saas_app", Dataset => "dataset", NetworkDevice => "network_device" }
);
wire_enum!(
    /// A protection an asset may lack.
    Coverage { Edr => "edr", Mfa => "mfa", Backup => "backup", Patch => "patch" }
);
wire_enum!(
    /// State of a simulation run.
    SimulationStatus { Queued => "queued", Running => "running", Completed => "completed", Failed => "failed" }
);
wire_enum!(
    /// How a connector integration is scheduled.
    Schedule { Manual => "manual", Hourly => "hourly", Daily => "daily" }
);
wire_enum!(
    /// What an integration is.
    IntegrationKind {
        /// Receives artifacts from `submit_dropzone_artifact`.
        DropZone => "drop_zone",
        /// Fetches JSON from a configured URL.
        HttpJson => "http_json",
        /// Ingests new files from a folder.
        Directory => "directory",
    }
);

// ---------------------------------------------------------------- shared pieces

/// A reference to a linked risk.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RiskLink {
    /// Stable id; pass it to other tools.
    pub id: String,
    /// Risk ref such as R-001.
    pub r#ref: String,
    /// Short statement of the risk.
    pub title: String,
}

/// A reference to a linked control.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ControlLink {
    /// Stable id; pass it to other tools.
    pub id: String,
    /// Control ref such as C-001.
    pub r#ref: String,
    /// Display name.
    pub name: String,
}

/// A reference to a linked business outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct OutcomeLink {
    /// Stable id; pass it to other tools.
    pub id: String,
    /// Human reference such as R-001, C-001 or O-01.
    pub r#ref: String,
    /// Display name.
    pub name: String,
}

// ---------------------------------------------------------------- KRIs

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
    /// Refs of the risks this KRI signals.
    pub risk_refs: Vec<String>,
    /// Refs of the controls this KRI measures.
    pub control_refs: Vec<String>,
    /// Ref of the outcome this KRI belongs to.
    pub outcome_ref: Option<String>,
}

/// A page of KRIs.
pub type KriPage = Page<KriSummary>;

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
}

// ---------------------------------------------------------------- controls

/// Arguments of `list_controls`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ListControlsArgs {
    /// NIST CSF 2.0 id or prefix: function (PR), category (PR.AA) or subcategory (PR.AA-03).
    #[serde(default)]
    pub framework: Option<String>,
    #[serde(default)]
    pub status: Option<ControlStatus>,
    /// Only controls at or below this effectiveness (0-1).
    #[serde(default)]
    pub max_effectiveness: Option<f64>,
    /// Only controls mitigating this MITRE ATT&CK technique (T1566 also matches T1566.001).
    #[serde(default)]
    pub technique: Option<String>,
    /// Order of results (default `effectiveness`).
    #[serde(default)]
    pub sort: Option<ControlSort>,
    /// Items per page, 1-200 (default 25).
    #[serde(default)]
    pub limit: Option<u32>,
    /// The `nextCursor` of the previous page; omit for the first page.
    #[serde(default)]
    pub cursor: Option<String>,
}

/// One control.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ControlSummary {
    /// Stable id; pass it to other tools.
    pub id: String,
    /// Human reference such as R-001, C-001 or O-01.
    pub r#ref: String,
    /// Display name.
    pub name: String,
    /// Grouping used in reports (such as identity, vulnerability).
    pub category: String,
    pub status: ControlStatus,
    /// 0 (no effect) to 1 (fully effective).
    pub effectiveness: f64,
    /// True when degraded, or implemented below 0.5 effectiveness.
    pub weak: bool,
    /// NIST CSF 2.0 subcategory ids.
    pub nist_csf: Vec<String>,
    /// MITRE ATT&CK technique ids mitigated.
    pub attack_techniques: Vec<String>,
    /// Accountable person.
    pub owner: String,
    /// Refs of the linked risks.
    pub risk_refs: Vec<String>,
    /// Slugs of the KRIs that measure this control.
    pub kri_slugs: Vec<String>,
}

/// A page of controls.
pub type ControlPage = Page<ControlSummary>;

// ---------------------------------------------------------------- risks

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
    /// Refs of the outcomes this risk threatens.
    pub outcome_refs: Vec<String>,
    /// Slugs of the linked KRIs.
    pub kri_slugs: Vec<String>,
    /// Refs of the linked controls.
    pub control_refs: Vec<String>,
}

/// A page of risks.
pub type RiskPage = Page<RiskSummary>;

// ---------------------------------------------------------------- outcomes

/// Arguments of `list_outcomes`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ListOutcomesArgs {
    /// Only outcomes with this rolled-up status.
    #[serde(default)]
    pub status: Option<Rating>,
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
    /// Refs of the linked risks.
    pub risk_refs: Vec<String>,
}

/// A page of outcomes.
pub type OutcomePage = Page<OutcomeSummary>;

// ---------------------------------------------------------------- vendors

/// Arguments of `list_vendors`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ListVendorsArgs {
    #[serde(default)]
    pub criticality: Option<Criticality>,
    /// Vendor tier, 1 (most important) to 3.
    #[serde(default)]
    pub tier: Option<u8>,
    /// Only vendors whose next assessment is due within this many days (overdue included).
    #[serde(default)]
    pub assessment_due_within_days: Option<u32>,
    /// Order of results (default `criticality`).
    #[serde(default)]
    pub sort: Option<VendorSort>,
    /// Items per page, 1-200 (default 25).
    #[serde(default)]
    pub limit: Option<u32>,
    /// The `nextCursor` of the previous page; omit for the first page.
    #[serde(default)]
    pub cursor: Option<String>,
}

/// A vendor's latest security assessment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct VendorAssessment {
    /// When the assessment concluded.
    pub date: NaiveDate,
    /// 0-100, higher is better.
    pub score: f64,
    /// Assessor's conclusion.
    pub conclusion: String,
}

/// One vendor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct VendorSummary {
    /// Stable id; pass it to other tools.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Grouping used in reports (such as identity, vulnerability).
    pub category: String,
    pub criticality: Criticality,
    /// 1 (most important) to 3.
    pub tier: u8,
    /// Kinds of data the vendor handles.
    pub data_elements: Vec<String>,
    /// Latest security assessment, if any.
    pub last_assessment: Option<VendorAssessment>,
    /// Assessment findings not yet closed.
    pub open_findings: u32,
    /// When the next assessment is due.
    pub next_assessment_due: NaiveDate,
    /// The next assessment is past due.
    pub assessment_overdue: bool,
}

/// A page of vendors.
pub type VendorPage = Page<VendorSummary>;

// ---------------------------------------------------------------- assets

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
}

// ---------------------------------------------------------------- simulations

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
    /// Loss exceedance curve, about 100 points, losses ascending.
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

// ---------------------------------------------------------------- integrations

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
    /// Slugs of KRIs fed by this integration.
    pub kri_slugs: Vec<String>,
}

/// A page of integrations.
pub type IntegrationPage = Page<IntegrationSummary>;

// ---------------------------------------------------------------- AI Drop Zone

/// Arguments of `submit_dropzone_artifact`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SubmitArtifactArgs {
    /// Id of a drop zone integration (an `isDropZone: true` row of list_integrations,
    /// e.g. int_1); its name works too.
    pub integration_id: String,
    /// The artifact's text: a report, an export, a table, metrics, prose. UTF-8, at most
    /// the server's size limit (10 MiB by default).
    pub content: String,
    /// Original file name, for the audit trail (e.g. `tenable-week47.md`).
    #[serde(default)]
    pub filename: Option<String>,
    /// Media type, for the audit trail and as a hint to the extractor (e.g. `text/csv`).
    #[serde(default)]
    pub mime_type: Option<String>,
}

wire_enum!(
    /// Where an extraction stands.
    ProposalState {
        /// At or above the tenant's autonomy threshold: run_integration will write it.
        AutoAccepted => "auto_accepted",
        /// Below the threshold: waits in the Pending Extraction Review queue for a human.
        PendingReview => "pending_review",
        /// Accepted by a human (possibly with a corrected value).
        Accepted => "accepted",
        /// Rejected by a human: never written.
        Rejected => "rejected",
    }
);

wire_enum!(
    /// How much the extractor may decide alone, per tenant.
    AutonomyBand {
        /// Nothing auto-accepts; every proposal waits for a human.
        Manual => "manual",
        /// Proposals at confidence ≥ 0.95 auto-accept.
        Conservative => "conservative",
        /// Proposals at confidence ≥ 0.85 auto-accept (the default).
        Balanced => "balanced",
        /// Proposals at confidence ≥ 0.70 auto-accept.
        Autonomous => "autonomous",
    }
);

impl AutonomyBand {
    /// The confidence at or above which a proposal auto-accepts; `None` for manual.
    pub fn threshold(self) -> Option<f64> {
        match self {
            AutonomyBand::Manual => None,
            AutonomyBand::Conservative => Some(0.95),
            AutonomyBand::Balanced => Some(0.85),
            AutonomyBand::Autonomous => Some(0.70),
        }
    }

    /// Whether a proposal with this confidence auto-accepts.
    pub fn accepts(self, confidence: f64) -> bool {
        self.threshold().is_some_and(|t| confidence >= t)
    }
}

/// Where in the artifact a proposal was read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Evidence {
    /// First line of the span (1-based).
    pub line_start: u32,
    /// Last line of the span.
    pub line_end: u32,
    /// The span, verbatim from the artifact.
    pub excerpt: String,
}

/// One proposed KRI observation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProposalView {
    /// Extraction id (ext_12).
    pub extraction_id: String,
    /// KRI id (kri_12).
    pub kri_id: String,
    pub kri_slug: String,
    /// The value in the KRI's unit.
    pub value: f64,
    /// The KRI's unit.
    pub unit: String,
    /// When the artifact says the value was observed; absent when it does not say.
    pub observed_at: Option<DateTime<Utc>>,
    /// The extractor's confidence in [0,1].
    pub confidence: f64,
    /// Why the extractor is as confident as it is.
    pub reasons: Vec<String>,
    pub state: ProposalState,
    pub evidence: Evidence,
}

/// How many proposals went where.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ExtractionCounts {
    pub proposals: u32,
    pub auto_accepted: u32,
    pub pending_review: u32,
    /// Figures that matched no KRI of the catalog: counted, never invented.
    pub skipped: u32,
}

/// What the extractor made of an artifact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ExtractionView {
    /// The extractor that read the artifact.
    pub extractor: String,
    /// The tenant's autonomy band when the artifact was read.
    pub autonomy_band: AutonomyBand,
    pub counts: ExtractionCounts,
    pub proposals: Vec<ProposalView>,
}

/// Result of `submit_dropzone_artifact`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SubmitArtifactResult {
    /// Artifact id (art_12).
    pub artifact_id: String,
    /// The drop zone it went to.
    pub integration_id: String,
    pub integration_name: String,
    /// True when these exact bytes had already been submitted to this drop zone: nothing
    /// changed, and this answer describes the first submission.
    pub duplicate: bool,
    /// SHA-256 of the content's UTF-8 bytes, lowercase hex.
    pub sha256: String,
    pub size_bytes: u64,
    pub filename: Option<String>,
    pub mime_type: Option<String>,
    /// When the artifact was first stored.
    pub received_at: DateTime<Utc>,
    pub extraction: ExtractionView,
    /// What to do next, in a sentence.
    pub next_step: String,
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
