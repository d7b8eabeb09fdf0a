//! The rules one record must follow on its own: ranges, threshold order, id formats,
//! non-empty names and keys. Links and duplicates are checked across records elsewhere.

use draxis_protocol::types::Direction;

use super::catalogs::{is_attack_technique, is_nist_csf_subcategory};
use super::findings::{Findings, Origin};
use crate::csv::LIST_SEPARATOR;
use crate::model::{Asset, Control, Kri, LikelihoodImpact, Observation, Outcome, Risk, Vendor};

/// Checks made on one record, reported against its origin.
pub(crate) struct Check<'a> {
    pub(crate) findings: &'a mut Findings,
    pub(crate) at: &'a Origin,
}

impl Check<'_> {
    fn report(&mut self, field: &str, message: String) {
        self.findings.report(self.at, field, message);
    }

    /// A key or a name: not empty, no surrounding spaces, no `;` (lists in CSV use it).
    fn key(&mut self, field: &str, value: &str, what: &str) {
        if value.trim().is_empty() {
            self.report(field, format!("the {what} is empty; give every record one"));
        } else if value.trim() != value {
            self.report(
                field,
                format!("the {what} `{value}` starts or ends with spaces; remove them"),
            );
        } else if value.contains(LIST_SEPARATOR) {
            self.report(field, format!("the {what} `{value}` contains `;`, which separates list items in CSV; remove it"));
        }
    }

    fn name(&mut self, field: &str, value: &str) {
        if value.trim().is_empty() {
            self.report(field, format!("the {field} is empty; write one"));
        }
    }

    fn list(&mut self, field: &str, items: &[String], what: &str) {
        for (i, item) in items.iter().enumerate() {
            self.key(&format!("{field}[{i}]"), item, what);
        }
    }

    fn finite(&mut self, field: &str, value: f64) -> bool {
        if !value.is_finite() {
            self.report(
                field,
                format!("{value} is not a finite number; write a number"),
            );
        }
        value.is_finite()
    }

    fn at_least_zero(&mut self, field: &str, value: f64) {
        if self.finite(field, value) && value < 0.0 {
            self.report(field, format!("{value} is below 0; it must be 0 or more"));
        }
    }

    fn currency(&mut self, field: &str, value: &str) {
        if !(value.len() == 3 && value.bytes().all(|b| b.is_ascii_uppercase())) {
            self.report(field, format!("`{value}` is not an ISO 4217 currency code; write three capital letters such as USD or EUR"));
        }
    }

    fn between(&mut self, field: &str, value: f64, low: f64, high: f64) {
        if self.finite(field, value) && !(low..=high).contains(&value) {
            self.report(
                field,
                format!("{value} is outside {low} to {high}; use a value in that range"),
            );
        }
    }

    fn scale(&mut self, field: &str, scores: LikelihoodImpact) {
        for (part, value) in [("likelihood", scores.likelihood), ("impact", scores.impact)] {
            if !(1..=5).contains(&value) {
                self.report(&format!("{field}.{part}"), format!("{part} {value} is outside 1 to 5; use 1 (rare/minor) to 5 (almost certain/severe)"));
            }
        }
    }
}

/// Whether a KRI slug is lowercase ASCII letters, digits and `_`, 1 to 64 of them.
pub fn is_slug(slug: &str) -> bool {
    (1..=64).contains(&slug.len())
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

pub(crate) fn kri(c: &mut Check<'_>, kri: &Kri) {
    if !is_slug(&kri.slug) {
        c.report("slug", format!("`{}` is not a KRI slug; use 1 to 64 lowercase letters, digits and `_` (e.g. patch_compliance)", kri.slug));
    }
    c.name("name", &kri.name);
    let (warn, critical) = (
        c.finite("warn", kri.warn),
        c.finite("critical", kri.critical),
    );
    if warn && critical {
        match kri.direction {
            Direction::HigherIsWorse if kri.warn >= kri.critical => c.report("critical", format!(
                "for a higher_is_worse KRI, critical ({}) must be above warn ({}); swap them or fix the direction",
                kri.critical, kri.warn
            )),
            Direction::LowerIsWorse if kri.warn <= kri.critical => c.report("critical", format!(
                "for a lower_is_worse KRI, critical ({}) must be below warn ({}); swap them or fix the direction",
                kri.critical, kri.warn
            )),
            _ => {}
        }
    }
    c.list("aliases", &kri.aliases, "alias");
    c.list("risks", &kri.risks, "risk ref");
    c.list("controls", &kri.controls, "control ref");
    if let Some(outcome) = &kri.outcome {
        c.key("outcome", outcome, "outcome ref");
    }
    if let Some(integration) = &kri.source_integration {
        c.key("source_integration", integration, "integration name");
    }
}

pub(crate) fn outcome(c: &mut Check<'_>, outcome: &Outcome) {
    c.key("ref", &outcome.r#ref, "ref");
    c.name("name", &outcome.name);
    c.at_least_zero("loss_tolerance", outcome.loss_tolerance);
    c.currency("currency", &outcome.currency);
}

pub(crate) fn risk(c: &mut Check<'_>, risk: &Risk) {
    c.key("ref", &risk.r#ref, "ref");
    c.name("title", &risk.title);
    c.scale("inherent", risk.inherent);
    c.scale("current", risk.current);
    c.scale("residual", risk.residual);
    c.at_least_zero("fair.event_frequency", risk.fair.event_frequency);
    let loss = risk.fair.loss_magnitude;
    c.at_least_zero("fair.loss_magnitude.low", loss.low);
    if c.finite("fair.loss_magnitude.high", loss.high)
        && loss.low.is_finite()
        && loss.low >= loss.high
    {
        c.report("fair.loss_magnitude.high", format!(
            "the 90% interval's high ({}) must be above its low ({}); 5% of losses exceed high, 5% fall below low",
            loss.high, loss.low
        ));
    }
    c.currency("fair.currency", &risk.fair.currency);
    c.list("outcomes", &risk.outcomes, "outcome ref");
    c.list("controls", &risk.controls, "control ref");
}

pub(crate) fn control(c: &mut Check<'_>, control: &Control) {
    c.key("ref", &control.r#ref, "ref");
    c.name("name", &control.name);
    c.between("effectiveness", control.effectiveness, 0.0, 1.0);
    for (i, id) in control.nist_csf.iter().enumerate() {
        if !is_nist_csf_subcategory(id) {
            c.report(&format!("nist_csf[{i}]"), format!(
                "`{id}` is not a NIST CSF 2.0 subcategory; use an id such as PR.AA-03 (the 106 ids are in crates/register/data/nist-csf-2.0.txt)"
            ));
        }
    }
    for (i, id) in control.attack_techniques.iter().enumerate() {
        if !is_attack_technique(id) {
            c.report(&format!("attack_techniques[{i}]"), format!(
                "`{id}` is not an ATT&CK technique id; write T and four digits, optionally . and three (T1078, T1078.002)"
            ));
        }
    }
}

pub(crate) fn vendor(c: &mut Check<'_>, vendor: &Vendor) {
    c.name("name", &vendor.name);
    if !(1..=3).contains(&vendor.tier) {
        c.report(
            "tier",
            format!(
                "tier {} is outside 1 to 3; use 1 (most critical), 2 or 3",
                vendor.tier
            ),
        );
    }
    if let Some(assessment) = &vendor.last_assessment {
        c.between("last_assessment.score", assessment.score, 0.0, 100.0);
    }
    c.list("data_elements", &vendor.data_elements, "data element");
}

pub(crate) fn asset(c: &mut Check<'_>, asset: &Asset) {
    c.name("name", &asset.name);
    if let Some(id) = &asset.external_id {
        c.key("external_id", id, "external id");
    }
}

pub(crate) fn observation(c: &mut Check<'_>, observation: &Observation) {
    c.finite("value", observation.value);
}
