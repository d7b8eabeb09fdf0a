//! `list_controls`: its definition in the contract, its arguments and its result.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::spec::{Hints, Tool};
use crate::wire::*;

/// `list_controls`: List controls.
#[derive(Debug, Clone, Copy)]
pub struct ListControls;

impl Tool for ListControls {
    type Args = ListControlsArgs;
    type Output = ControlPage;
    const NAME: &'static str = "list_controls";
    const TITLE: &'static str = "List controls";
    const DESCRIPTION: &'static str = "List security controls with status, effectiveness (0-1), NIST CSF 2.0 ids and \
             the MITRE ATT&CK techniques they mitigate. Filter by framework id or function \
             prefix (PR, PR.AA, PR.AA-03), status, maximum effectiveness or ATT&CK technique \
             (T1566); sort by effectiveness (weakest first, the default), coverage (most \
             risks and techniques first) or ref.";
    const HINTS: Hints = Hints::read();
}

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
    /// Case-insensitive text found in ref, name, category or owner.
    #[serde(default)]
    pub text: Option<String>,
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
    /// Refs of the linked risks (the first 10; `riskCount` counts them all).
    pub risk_refs: Vec<String>,
    /// How many risks this control is linked to.
    pub risk_count: u32,
    /// Slugs of the KRIs that measure this control (the first 10; `kriCount` counts them all).
    pub kri_slugs: Vec<String>,
    /// How many KRIs measure this control.
    pub kri_count: u32,
}

/// A page of controls.
pub type ControlPage = Page<ControlSummary>;
