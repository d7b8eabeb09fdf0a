//! Where each register entity is stored: its table, natural key column and the columns an
//! import writes, and a record's values for them (links already resolved to row ids).

use draxis_register::{Asset, Control, Kri, Outcome, Risk, Vendor};

use super::sql::{Column, Kind, Value, col};
use crate::rows::{list_json, ms};

/// A small entity's table: every row of a tenant fits in memory.
#[derive(Debug)]
pub(super) struct Table {
    pub name: &'static str,
    /// The natural key column (`ref`, `slug`, `name`).
    pub key: &'static str,
    pub columns: &'static [Column],
}

pub(super) const OUTCOMES: Table = Table {
    name: "outcomes",
    key: "ref",
    columns: &[
        col("name", "name", Kind::Text),
        col("description", "description", Kind::Text),
        col("owner", "owner", Kind::Text),
        col("loss_tolerance", "loss_tolerance", Kind::Real),
        col("currency", "currency", Kind::Text),
    ],
};

pub(super) const CONTROLS: Table = Table {
    name: "controls",
    key: "ref",
    columns: &[
        col("name", "name", Kind::Text),
        col("category", "category", Kind::Text),
        col("status", "status", Kind::Text),
        col("effectiveness", "effectiveness", Kind::Real),
        col("nist_csf", "nist_csf", Kind::Text),
        col("attack_techniques", "attack_techniques", Kind::Text),
        col("owner", "owner", Kind::Text),
    ],
};

pub(super) const RISKS: Table = Table {
    name: "risks",
    key: "ref",
    columns: &[
        col("title", "title", Kind::Text),
        col("description", "description", Kind::Text),
        col("category", "category", Kind::Text),
        col("owner", "owner", Kind::Text),
        col("status", "status", Kind::Text),
        col("inherent_likelihood", "inherent", Kind::Int),
        col("inherent_impact", "inherent", Kind::Int),
        col("current_likelihood", "current", Kind::Int),
        col("current_impact", "current", Kind::Int),
        col("residual_likelihood", "residual", Kind::Int),
        col("residual_impact", "residual", Kind::Int),
        col("event_frequency", "fair.event_frequency", Kind::Real),
        col("loss_low", "fair.loss_magnitude", Kind::Real),
        col("loss_high", "fair.loss_magnitude", Kind::Real),
        col("currency", "fair.currency", Kind::Text),
    ],
};

pub(super) const KRIS: Table = Table {
    name: "kris",
    key: "slug",
    columns: &[
        col("name", "name", Kind::Text),
        col("description", "description", Kind::Text),
        col("category", "category", Kind::Text),
        col("unit", "unit", Kind::Text),
        col("direction", "direction", Kind::Text),
        col("warn", "warn", Kind::Real),
        col("critical", "critical", Kind::Real),
        col("frequency", "frequency", Kind::Text),
        col("owner", "owner", Kind::Text),
        col("aliases", "aliases", Kind::Text),
        col("outcome_id", "outcome", Kind::OptInt),
        col("source_integration_id", "source_integration", Kind::OptInt),
    ],
};

pub(super) const VENDORS: Table = Table {
    name: "vendors",
    key: "name",
    columns: &[
        col("category", "category", Kind::Text),
        col("criticality", "criticality", Kind::Text),
        col("tier", "tier", Kind::Int),
        col("data_elements", "data_elements", Kind::Text),
        col("last_assessment_date", "last_assessment", Kind::OptText),
        col("last_assessment_score", "last_assessment", Kind::OptReal),
        col(
            "last_assessment_conclusion",
            "last_assessment",
            Kind::OptText,
        ),
        col("open_findings", "open_findings", Kind::Int),
        col("next_assessment_due", "next_assessment_due", Kind::Text),
    ],
};

/// The asset inventory (streamed; keyed by `external_id`, else `name`).
pub(super) const ASSET_COLUMNS: &[Column] = &[
    col("external_id", "external_id", Kind::OptText),
    col("name", "name", Kind::Text),
    col("kind", "kind", Kind::Text),
    col("environment", "environment", Kind::Text),
    col("owner", "owner", Kind::Text),
    col("criticality", "criticality", Kind::Text),
    col("internet_facing", "internet_facing", Kind::Int),
    col("data_classification", "data_classification", Kind::Text),
    col("last_seen", "last_seen", Kind::Int),
    col("edr", "edr", Kind::Int),
    col("mfa", "mfa", Kind::Int),
    col("backup", "backup", Kind::Int),
    col("patched", "patched", Kind::Int),
];

pub(super) fn outcome_values(o: &Outcome) -> Vec<Value> {
    vec![
        o.name.as_str().into(),
        o.description.as_str().into(),
        o.owner.as_str().into(),
        o.loss_tolerance.into(),
        o.currency.as_str().into(),
    ]
}

pub(super) fn control_values(c: &Control) -> Vec<Value> {
    vec![
        c.name.as_str().into(),
        c.category.as_str().into(),
        c.status.as_str().into(),
        c.effectiveness.into(),
        list_json(&c.nist_csf).into(),
        list_json(&c.attack_techniques).into(),
        c.owner.as_str().into(),
    ]
}

pub(super) fn risk_values(r: &Risk) -> Vec<Value> {
    vec![
        r.title.as_str().into(),
        r.description.as_str().into(),
        r.category.as_str().into(),
        r.owner.as_str().into(),
        r.status.as_str().into(),
        i64::from(r.inherent.likelihood).into(),
        i64::from(r.inherent.impact).into(),
        i64::from(r.current.likelihood).into(),
        i64::from(r.current.impact).into(),
        i64::from(r.residual.likelihood).into(),
        i64::from(r.residual.impact).into(),
        r.fair.event_frequency.into(),
        r.fair.loss_magnitude.low.into(),
        r.fair.loss_magnitude.high.into(),
        r.fair.currency.as_str().into(),
    ]
}

/// A KRI's values, with its outcome and source integration as row ids.
pub(super) fn kri_values(k: &Kri, outcome: Option<i64>, integration: Option<i64>) -> Vec<Value> {
    vec![
        k.name.as_str().into(),
        k.description.as_str().into(),
        k.category.as_str().into(),
        k.unit.as_str().into(),
        k.direction.as_str().into(),
        k.warn.into(),
        k.critical.into(),
        k.frequency.as_str().into(),
        k.owner.as_str().into(),
        list_json(&k.aliases).into(),
        outcome.into(),
        integration.into(),
    ]
}

pub(super) fn vendor_values(v: &Vendor) -> Vec<Value> {
    let assessment = v.last_assessment.as_ref();
    vec![
        v.category.as_str().into(),
        v.criticality.as_str().into(),
        i64::from(v.tier).into(),
        list_json(&v.data_elements).into(),
        assessment.map(|a| a.date.to_string()).into(),
        assessment.map(|a| a.score).into(),
        assessment.map(|a| a.conclusion.clone()).into(),
        i64::from(v.open_findings).into(),
        v.next_assessment_due.to_string().into(),
    ]
}

pub(super) fn asset_values(a: &Asset) -> Vec<Value> {
    vec![
        a.external_id.clone().into(),
        a.name.as_str().into(),
        a.kind.as_str().into(),
        a.environment.as_str().into(),
        a.owner.as_str().into(),
        a.criticality.as_str().into(),
        a.internet_facing.into(),
        a.data_classification.as_str().into(),
        ms(a.last_seen).into(),
        a.edr.into(),
        a.mfa.into(),
        a.backup.into(),
        a.patched.into(),
    ]
}
