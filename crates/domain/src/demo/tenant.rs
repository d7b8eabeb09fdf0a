//! What a generated demo tenant holds: its KRIs with histories, risks, controls,
//! outcomes, vendors, assets and integrations, linked by index.

use chrono::{DateTime, NaiveDate, Utc};
use draxis_protocol::types::{AssetKind, ControlStatus, Criticality, RiskStatus};

use super::DemoIntegration;
use super::catalog::CatalogKri;

/// A demo KRI with its links (indexes into the tenant's lists) and history, oldest first.
#[derive(Debug, Clone)]
pub struct DemoKri {
    pub definition: CatalogKri,
    pub owner: String,
    pub source_integration: Option<usize>,
    pub outcome: Option<usize>,
    pub risks: Vec<usize>,
    pub controls: Vec<usize>,
    pub history: Vec<(DateTime<Utc>, f64)>,
}

#[derive(Debug, Clone)]
pub struct DemoRisk {
    pub r#ref: String,
    pub title: String,
    pub description: String,
    pub category: String,
    pub owner: String,
    pub status: RiskStatus,
    /// (likelihood, impact) inherent, current, residual.
    pub inherent: (u8, u8),
    pub current: (u8, u8),
    pub residual: (u8, u8),
    pub event_frequency_per_year: f64,
    pub loss_magnitude_low: f64,
    pub loss_magnitude_high: f64,
    pub outcomes: Vec<usize>,
    pub controls: Vec<usize>,
}

#[derive(Debug, Clone)]
pub struct DemoControl {
    pub r#ref: String,
    pub name: String,
    pub category: String,
    pub status: ControlStatus,
    pub effectiveness: f64,
    pub nist_csf: Vec<String>,
    pub attack_techniques: Vec<String>,
    pub owner: String,
}

#[derive(Debug, Clone)]
pub struct DemoOutcome {
    pub r#ref: String,
    pub name: String,
    pub description: String,
    pub owner: String,
    pub loss_tolerance: f64,
}

#[derive(Debug, Clone)]
pub struct DemoVendor {
    pub name: String,
    pub category: String,
    pub criticality: Criticality,
    pub tier: u8,
    pub data_elements: Vec<String>,
    pub last_assessment: Option<(NaiveDate, f64, String)>,
    pub open_findings: u32,
    pub next_assessment_due: NaiveDate,
}

#[derive(Debug, Clone)]
pub struct DemoAsset {
    pub name: String,
    pub kind: AssetKind,
    pub environment: String,
    pub owner: String,
    pub criticality: Criticality,
    pub internet_facing: bool,
    pub data_classification: String,
    pub last_seen: DateTime<Utc>,
    pub edr: bool,
    pub mfa: bool,
    pub backup: bool,
    pub patched: bool,
}

/// Everything one demo tenant holds.
#[derive(Debug, Clone)]
pub struct DemoTenant {
    pub slug: String,
    pub name: String,
    pub kris: Vec<DemoKri>,
    pub risks: Vec<DemoRisk>,
    pub controls: Vec<DemoControl>,
    pub outcomes: Vec<DemoOutcome>,
    pub vendors: Vec<DemoVendor>,
    pub assets: Vec<DemoAsset>,
    pub integrations: Vec<DemoIntegration>,
}
