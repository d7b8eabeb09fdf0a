//! The register file's records, as written in YAML or JSON (snake_case keys). Links are by
//! natural key, held on the linking side: a KRI names its outcome, risks and controls; a
//! risk names its outcomes and controls.

use chrono::{DateTime, NaiveDate, Utc};
use draxis_protocol::types::{
    AssetKind, ControlStatus, Criticality, Direction, Frequency, RiskStatus,
};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A tenant's whole register. Every list may be absent; an import only adds, changes or
/// (with `--prune`) deletes the entities whose lists the files hold.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Register {
    /// The JSON Schema this file follows (for editors); ignored on import.
    #[serde(rename = "$schema", default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// Business outcomes a loss would hurt, with the loss each can tolerate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcomes: Option<Vec<Outcome>>,
    /// The risk register.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risks: Option<Vec<Risk>>,
    /// Controls, mapped to NIST CSF 2.0 and MITRE ATT&CK.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub controls: Option<Vec<Control>>,
    /// Key risk indicators: the catalog the Drop Zone matches evidence against.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kris: Option<Vec<Kri>>,
    /// Third parties.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vendors: Option<Vec<Vendor>>,
    /// The asset inventory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assets: Option<Vec<Asset>>,
    /// KRI history: values observed before Draxis, kept alongside what Draxis records.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observations: Option<Vec<Observation>>,
}

/// A key risk indicator. Natural key: `slug`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Kri {
    /// Stable identifier: lowercase letters, digits and `_` (e.g. `patch_compliance`).
    pub slug: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Grouping, e.g. `vulnerability`, `identity`.
    pub category: String,
    /// Unit of the value, e.g. `%`, `days`, `count`.
    pub unit: String,
    pub direction: Direction,
    /// Amber from this value on (for `higher_is_worse`, at or above; else at or below).
    pub warn: f64,
    /// Red from this value on; beyond `warn` in the KRI's direction.
    pub critical: f64,
    pub frequency: Frequency,
    #[serde(default)]
    pub owner: String,
    /// Other names evidence may use for this KRI; the Drop Zone matches them.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Ref of the outcome this KRI signals for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
    /// Refs of the risks this KRI signals.
    #[serde(default)]
    pub risks: Vec<String>,
    /// Refs of the controls whose health this KRI measures.
    #[serde(default)]
    pub controls: Vec<String>,
    /// Name of the tenant's integration that feeds this KRI, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_integration: Option<String>,
}

/// A business outcome. Natural key: `ref`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Outcome {
    #[serde(rename = "ref")]
    pub r#ref: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub owner: String,
    /// Annual loss the business can tolerate, in `currency`.
    pub loss_tolerance: f64,
    #[serde(default = "usd")]
    pub currency: String,
}

/// Likelihood and impact, each 1 to 5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LikelihoodImpact {
    pub likelihood: u8,
    pub impact: u8,
}

/// A 90% confidence interval: 5% of events cost less than `low`, 5% more than `high`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LossInterval {
    pub low: f64,
    pub high: f64,
}

/// FAIR parameters the loss simulation runs on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Fair {
    /// Loss events per year (most likely).
    pub event_frequency: f64,
    /// Loss per event, in `currency`.
    pub loss_magnitude: LossInterval,
    #[serde(default = "usd")]
    pub currency: String,
}

/// A risk. Natural key: `ref`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Risk {
    #[serde(rename = "ref")]
    pub r#ref: String,
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub category: String,
    #[serde(default)]
    pub owner: String,
    pub status: RiskStatus,
    /// Before any control.
    pub inherent: LikelihoodImpact,
    /// With controls as they operate today.
    pub current: LikelihoodImpact,
    /// Once planned treatment is done.
    pub residual: LikelihoodImpact,
    pub fair: Fair,
    /// Refs of the outcomes this risk threatens.
    #[serde(default)]
    pub outcomes: Vec<String>,
    /// Refs of the controls that mitigate it.
    #[serde(default)]
    pub controls: Vec<String>,
}

/// A control. Natural key: `ref`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Control {
    #[serde(rename = "ref")]
    pub r#ref: String,
    pub name: String,
    pub category: String,
    pub status: ControlStatus,
    /// 0 (no effect) to 1 (fully effective).
    pub effectiveness: f64,
    /// NIST CSF 2.0 subcategory ids, e.g. `PR.AA-03`.
    #[serde(default)]
    pub nist_csf: Vec<String>,
    /// MITRE ATT&CK technique ids, e.g. `T1078` or `T1078.002`.
    #[serde(default)]
    pub attack_techniques: Vec<String>,
    #[serde(default)]
    pub owner: String,
}

/// The latest assessment of a vendor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VendorAssessment {
    pub date: NaiveDate,
    /// 0 to 100.
    pub score: f64,
    pub conclusion: String,
}

/// A third party. Natural key: `name`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Vendor {
    pub name: String,
    pub category: String,
    pub criticality: Criticality,
    /// 1 (most critical) to 3.
    pub tier: u8,
    /// Kinds of data the vendor holds, e.g. `customer PII`.
    #[serde(default)]
    pub data_elements: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_assessment: Option<VendorAssessment>,
    #[serde(default)]
    pub open_findings: u32,
    pub next_assessment_due: NaiveDate,
}

/// An asset. Natural key: `external_id` when given (the id in the customer's inventory),
/// else `name`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Asset {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    pub name: String,
    pub kind: AssetKind,
    #[serde(default)]
    pub environment: String,
    #[serde(default)]
    pub owner: String,
    pub criticality: Criticality,
    #[serde(default)]
    pub internet_facing: bool,
    #[serde(default)]
    pub data_classification: String,
    pub last_seen: DateTime<Utc>,
    #[serde(default)]
    pub edr: bool,
    #[serde(default)]
    pub mfa: bool,
    #[serde(default)]
    pub backup: bool,
    #[serde(default)]
    pub patched: bool,
}

/// One past value of a KRI. Natural key: (`kri`, `observed_at`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Observation {
    /// The KRI's slug.
    pub kri: String,
    pub observed_at: DateTime<Utc>,
    pub value: f64,
}

fn usd() -> String {
    "USD".into()
}
