//! `list_vendors`: its definition in the contract, its arguments and its result.

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::spec::{Hints, Tool};
use crate::wire::*;

/// `list_vendors`: List vendors.
#[derive(Debug, Clone, Copy)]
pub struct ListVendors;

impl Tool for ListVendors {
    type Args = ListVendorsArgs;
    type Output = VendorPage;
    const NAME: &'static str = "list_vendors";
    const TITLE: &'static str = "List vendors";
    const DESCRIPTION: &'static str = "List third-party vendors with criticality, tier, data handled, last assessment \
             and open findings. Filter by criticality, tier, or assessments due within N \
             days (overdue included); sort by criticality (the default), name, or next \
             assessment due.";
    const HINTS: Hints = Hints::read();
}

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
    /// Case-insensitive text found in name or category.
    #[serde(default)]
    pub text: Option<String>,
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
