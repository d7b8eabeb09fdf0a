//! The rows of one tenant's data, as storage hands them to the services.

use chrono::{DateTime, NaiveDate, Utc};
use draxis_protocol::types::{
    AssetKind, ControlStatus, Criticality, Direction, Frequency, IntegrationKind, KriStatus,
    RiskStatus, Schedule, SimulationResults, SimulationStatus,
};

use crate::rules::{self, Thresholds};

/// A linked row: its id, ref (or slug) and a human label.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    pub id: i64,
    pub r#ref: String,
    pub label: String,
}

#[derive(Debug, Clone)]
pub struct Kri {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub category: String,
    pub unit: String,
    pub direction: Direction,
    pub warn: f64,
    pub critical: f64,
    pub frequency: Frequency,
    pub owner: String,
    pub aliases: Vec<String>,
    pub source_integration_id: Option<i64>,
    pub source_integration_name: Option<String>,
    pub current_value: Option<f64>,
    pub current_observed_at: Option<DateTime<Utc>>,
    pub outcome: Option<Link>,
    pub risks: Vec<Link>,
    pub controls: Vec<Link>,
}

impl Kri {
    /// The definition as far as the KRI's status is concerned.
    pub fn thresholds(&self) -> Thresholds {
        Thresholds {
            direction: self.direction,
            warn: self.warn,
            critical: self.critical,
            frequency: self.frequency,
        }
    }

    /// The current value and when it was observed, if any.
    pub fn current(&self) -> Option<(f64, DateTime<Utc>)> {
        self.current_value.zip(self.current_observed_at)
    }

    /// The KRI's colour at `now` (no allocation): for filters, sorts and scores.
    pub fn status(&self, now: DateTime<Utc>) -> KriStatus {
        rules::kri_colour(self.thresholds(), self.current(), now)
    }

    /// One sentence saying why the KRI has the colour [`Kri::status`] gives at `now`.
    pub fn status_reason(&self, now: DateTime<Utc>) -> String {
        rules::explain_kri_status(self.thresholds(), self.current(), now)
    }
}

/// One stored KRI observation.
#[derive(Debug, Clone)]
pub struct ObservationRecord {
    pub value: f64,
    pub observed_at: DateTime<Utc>,
    pub source: String,
    pub artifact_id: Option<i64>,
    pub extraction_id: Option<i64>,
    pub confidence: Option<f64>,
    /// A manual observation's note.
    pub note: Option<String>,
}

/// Likelihood and impact, 1-5 each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LikelihoodImpact {
    pub likelihood: u8,
    pub impact: u8,
}

#[derive(Debug, Clone)]
pub struct Risk {
    pub id: i64,
    pub r#ref: String,
    pub title: String,
    pub description: String,
    pub category: String,
    pub owner: String,
    pub status: RiskStatus,
    pub inherent: LikelihoodImpact,
    pub current: LikelihoodImpact,
    pub residual: LikelihoodImpact,
    pub event_frequency_per_year: f64,
    pub loss_magnitude_low: f64,
    pub loss_magnitude_high: f64,
    pub currency: String,
    pub latest_simulated_annual_loss: Option<f64>,
    pub outcomes: Vec<Link>,
    /// Linked KRIs (`ref` is the slug).
    pub kris: Vec<Link>,
    pub controls: Vec<Link>,
}

#[derive(Debug, Clone)]
pub struct Control {
    pub id: i64,
    pub r#ref: String,
    pub name: String,
    pub category: String,
    pub status: ControlStatus,
    pub effectiveness: f64,
    pub nist_csf: Vec<String>,
    pub attack_techniques: Vec<String>,
    pub owner: String,
    pub risks: Vec<Link>,
    /// KRIs measuring this control (`ref` is the slug).
    pub kris: Vec<Link>,
}

#[derive(Debug, Clone)]
pub struct Outcome {
    pub id: i64,
    pub r#ref: String,
    pub name: String,
    pub description: String,
    pub owner: String,
    pub loss_tolerance: f64,
    pub currency: String,
    pub latest_simulated_annual_loss: Option<f64>,
    pub risks: Vec<Link>,
}

#[derive(Debug, Clone)]
pub struct Vendor {
    pub id: i64,
    pub name: String,
    pub category: String,
    pub criticality: Criticality,
    pub tier: u8,
    pub data_elements: Vec<String>,
    pub last_assessment_date: Option<NaiveDate>,
    pub last_assessment_score: Option<f64>,
    pub last_assessment_conclusion: Option<String>,
    pub open_findings: u32,
    pub next_assessment_due: NaiveDate,
}

#[derive(Debug, Clone)]
pub struct Asset {
    pub id: i64,
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

/// Asset filters, applied by storage.
#[derive(Debug, Clone, Default)]
pub struct AssetFilter {
    pub kind: Option<AssetKind>,
    pub environment: Option<String>,
    pub criticality: Option<Criticality>,
    pub internet_facing: Option<bool>,
    pub missing: Option<draxis_protocol::types::Coverage>,
    /// Lower-cased substring.
    pub owner: Option<String>,
    /// Lower-cased substring of the name.
    pub text: Option<String>,
}

/// Aggregates over the assets matching a filter.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AssetCounts {
    pub total: u64,
    pub by_kind: Vec<(String, u64)>,
    pub by_criticality: Vec<(String, u64)>,
    pub internet_facing: u64,
    pub with_edr: u64,
    pub with_mfa: u64,
    pub with_backup: u64,
    pub patched: u64,
}

#[derive(Debug, Clone)]
pub struct IntegrationRunRecord {
    pub id: i64,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub status: String,
    pub rows_written: u64,
    pub rows_skipped: u64,
}

#[derive(Debug, Clone)]
pub struct Integration {
    pub id: i64,
    pub name: String,
    pub kind: IntegrationKind,
    pub schedule: Schedule,
    pub enabled: bool,
    pub last_run: Option<IntegrationRunRecord>,
    pub pending_review_count: u64,
    pub kri_slugs: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Simulation {
    pub id: i64,
    pub risk: Option<Link>,
    pub outcome: Option<Link>,
    pub status: SimulationStatus,
    pub iterations: u64,
    pub seed: u64,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub results: Option<SimulationResults>,
    pub error: Option<String>,
}

/// A tenant as the operator sees it.
#[derive(Debug, Clone)]
pub struct Tenant {
    pub id: draxis_auth::TenantId,
    pub slug: String,
    pub name: String,
    pub created_at: DateTime<Utc>,
}

/// A token as listed to operators: never the secret.
#[derive(Debug, Clone)]
pub struct TokenListing {
    pub id: i64,
    pub tenant_slug: String,
    pub name: String,
    pub display_prefix: String,
    pub scopes: draxis_auth::Scopes,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    /// Tool calls made with it, as of the last flush of the servers' counters.
    pub tool_calls: i64,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}
