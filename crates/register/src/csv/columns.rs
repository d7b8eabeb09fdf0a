//! Each entity's CSV columns and how a row maps to the model and back. Nested fields are
//! flattened (`inherent.likelihood` → `inherent_likelihood`, `fair.loss_magnitude.low` →
//! `fair_loss_low`, `last_assessment.date` → `last_assessment_date`).

use chrono::SecondsFormat;

use super::cells::{Cells, Choice};
use super::{Column, CsvRecord, LIST_SEPARATOR, number_text, optional, required};
use crate::model::{
    Asset, Control, Fair, Kri, LikelihoodImpact, LossInterval, Observation, Outcome, Risk, Vendor,
    VendorAssessment,
};

fn list(items: &[String]) -> String {
    items.join(&LIST_SEPARATOR.to_string())
}

fn flag(value: bool) -> String {
    value.to_string()
}

impl CsvRecord for Outcome {
    const COLUMNS: &'static [Column] = &[
        required("ref"),
        required("name"),
        optional("description"),
        optional("owner"),
        required("loss_tolerance"),
        optional("currency"),
    ];

    fn from_cells(c: &mut Cells<'_>) -> Self {
        Outcome {
            r#ref: c.text("ref"),
            name: c.text("name"),
            description: c.text("description"),
            owner: c.text("owner"),
            loss_tolerance: c.number("loss_tolerance"),
            currency: c.text_or("currency", "USD"),
        }
    }

    fn to_cells(&self) -> Vec<String> {
        vec![
            self.r#ref.clone(),
            self.name.clone(),
            self.description.clone(),
            self.owner.clone(),
            number_text(self.loss_tolerance),
            self.currency.clone(),
        ]
    }
}

fn likelihood_impact(c: &mut Cells<'_>, stage: &str) -> LikelihoodImpact {
    LikelihoodImpact {
        likelihood: c.whole(&format!("{stage}_likelihood")),
        impact: c.whole(&format!("{stage}_impact")),
    }
}

impl CsvRecord for Risk {
    const COLUMNS: &'static [Column] = &[
        required("ref"),
        required("title"),
        optional("description"),
        required("category"),
        optional("owner"),
        required("status"),
        required("inherent_likelihood"),
        required("inherent_impact"),
        required("current_likelihood"),
        required("current_impact"),
        required("residual_likelihood"),
        required("residual_impact"),
        required("fair_event_frequency"),
        required("fair_loss_low"),
        required("fair_loss_high"),
        optional("fair_currency"),
        optional("outcomes"),
        optional("controls"),
    ];

    fn from_cells(c: &mut Cells<'_>) -> Self {
        Risk {
            r#ref: c.text("ref"),
            title: c.text("title"),
            description: c.text("description"),
            category: c.text("category"),
            owner: c.text("owner"),
            status: c.choice("status"),
            inherent: likelihood_impact(c, "inherent"),
            current: likelihood_impact(c, "current"),
            residual: likelihood_impact(c, "residual"),
            fair: Fair {
                event_frequency: c.number("fair_event_frequency"),
                loss_magnitude: LossInterval {
                    low: c.number("fair_loss_low"),
                    high: c.number("fair_loss_high"),
                },
                currency: c.text_or("fair_currency", "USD"),
            },
            outcomes: c.list("outcomes"),
            controls: c.list("controls"),
        }
    }

    fn to_cells(&self) -> Vec<String> {
        vec![
            self.r#ref.clone(),
            self.title.clone(),
            self.description.clone(),
            self.category.clone(),
            self.owner.clone(),
            self.status.name().to_owned(),
            self.inherent.likelihood.to_string(),
            self.inherent.impact.to_string(),
            self.current.likelihood.to_string(),
            self.current.impact.to_string(),
            self.residual.likelihood.to_string(),
            self.residual.impact.to_string(),
            number_text(self.fair.event_frequency),
            number_text(self.fair.loss_magnitude.low),
            number_text(self.fair.loss_magnitude.high),
            self.fair.currency.clone(),
            list(&self.outcomes),
            list(&self.controls),
        ]
    }
}

impl CsvRecord for Control {
    const COLUMNS: &'static [Column] = &[
        required("ref"),
        required("name"),
        required("category"),
        required("status"),
        required("effectiveness"),
        optional("nist_csf"),
        optional("attack_techniques"),
        optional("owner"),
    ];

    fn from_cells(c: &mut Cells<'_>) -> Self {
        Control {
            r#ref: c.text("ref"),
            name: c.text("name"),
            category: c.text("category"),
            status: c.choice("status"),
            effectiveness: c.number("effectiveness"),
            nist_csf: c.list("nist_csf"),
            attack_techniques: c.list("attack_techniques"),
            owner: c.text("owner"),
        }
    }

    fn to_cells(&self) -> Vec<String> {
        vec![
            self.r#ref.clone(),
            self.name.clone(),
            self.category.clone(),
            self.status.name().to_owned(),
            number_text(self.effectiveness),
            list(&self.nist_csf),
            list(&self.attack_techniques),
            self.owner.clone(),
        ]
    }
}

impl CsvRecord for Kri {
    const COLUMNS: &'static [Column] = &[
        required("slug"),
        required("name"),
        optional("description"),
        required("category"),
        required("unit"),
        required("direction"),
        required("warn"),
        required("critical"),
        required("frequency"),
        optional("owner"),
        optional("aliases"),
        optional("outcome"),
        optional("risks"),
        optional("controls"),
        optional("source_integration"),
    ];

    fn from_cells(c: &mut Cells<'_>) -> Self {
        Kri {
            slug: c.text("slug"),
            name: c.text("name"),
            description: c.text("description"),
            category: c.text("category"),
            unit: c.text("unit"),
            direction: c.choice("direction"),
            warn: c.number("warn"),
            critical: c.number("critical"),
            frequency: c.choice("frequency"),
            owner: c.text("owner"),
            aliases: c.list("aliases"),
            outcome: c.opt_text("outcome"),
            risks: c.list("risks"),
            controls: c.list("controls"),
            source_integration: c.opt_text("source_integration"),
        }
    }

    fn to_cells(&self) -> Vec<String> {
        vec![
            self.slug.clone(),
            self.name.clone(),
            self.description.clone(),
            self.category.clone(),
            self.unit.clone(),
            self.direction.name().to_owned(),
            number_text(self.warn),
            number_text(self.critical),
            self.frequency.name().to_owned(),
            self.owner.clone(),
            list(&self.aliases),
            self.outcome.clone().unwrap_or_default(),
            list(&self.risks),
            list(&self.controls),
            self.source_integration.clone().unwrap_or_default(),
        ]
    }
}

impl CsvRecord for Vendor {
    const COLUMNS: &'static [Column] = &[
        required("name"),
        required("category"),
        required("criticality"),
        required("tier"),
        optional("data_elements"),
        optional("last_assessment_date"),
        optional("last_assessment_score"),
        optional("last_assessment_conclusion"),
        optional("open_findings"),
        required("next_assessment_due"),
    ];

    fn from_cells(c: &mut Cells<'_>) -> Self {
        let name = c.text("name");
        let category = c.text("category");
        let criticality = c.choice("criticality");
        let tier = c.whole("tier");
        let data_elements = c.list("data_elements");
        let date = c.opt_date("last_assessment_date");
        let score = c.opt_number("last_assessment_score");
        let conclusion = c.text("last_assessment_conclusion");
        let last_assessment = match (date, score) {
            (Some(date), Some(score)) => Some(VendorAssessment {
                date,
                score,
                conclusion,
            }),
            (None, None) if conclusion.trim().is_empty() => None,
            (date, _) => {
                let missing = if date.is_none() {
                    "last_assessment_date"
                } else {
                    "last_assessment_score"
                };
                c.problem(
                    missing,
                    "a last assessment needs its date and score; fill both, or leave the three \
last_assessment cells empty"
                        .into(),
                );
                None
            }
        };
        Vendor {
            name,
            category,
            criticality,
            tier,
            data_elements,
            last_assessment,
            open_findings: c.whole_or("open_findings", 0),
            next_assessment_due: c.date("next_assessment_due"),
        }
    }

    fn to_cells(&self) -> Vec<String> {
        let assessment = self.last_assessment.as_ref();
        vec![
            self.name.clone(),
            self.category.clone(),
            self.criticality.name().to_owned(),
            self.tier.to_string(),
            list(&self.data_elements),
            assessment.map(|a| a.date.to_string()).unwrap_or_default(),
            assessment.map(|a| number_text(a.score)).unwrap_or_default(),
            assessment.map(|a| a.conclusion.clone()).unwrap_or_default(),
            self.open_findings.to_string(),
            self.next_assessment_due.to_string(),
        ]
    }
}

fn time_text(time: &chrono::DateTime<chrono::Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

impl CsvRecord for Asset {
    const COLUMNS: &'static [Column] = &[
        optional("external_id"),
        required("name"),
        required("kind"),
        optional("environment"),
        optional("owner"),
        required("criticality"),
        optional("internet_facing"),
        optional("data_classification"),
        required("last_seen"),
        optional("edr"),
        optional("mfa"),
        optional("backup"),
        optional("patched"),
    ];

    fn from_cells(c: &mut Cells<'_>) -> Self {
        Asset {
            external_id: c.opt_text("external_id"),
            name: c.text("name"),
            kind: c.choice("kind"),
            environment: c.text("environment"),
            owner: c.text("owner"),
            criticality: c.choice("criticality"),
            internet_facing: c.flag("internet_facing"),
            data_classification: c.text("data_classification"),
            last_seen: c.time("last_seen"),
            edr: c.flag("edr"),
            mfa: c.flag("mfa"),
            backup: c.flag("backup"),
            patched: c.flag("patched"),
        }
    }

    fn to_cells(&self) -> Vec<String> {
        vec![
            self.external_id.clone().unwrap_or_default(),
            self.name.clone(),
            self.kind.name().to_owned(),
            self.environment.clone(),
            self.owner.clone(),
            self.criticality.name().to_owned(),
            flag(self.internet_facing),
            self.data_classification.clone(),
            time_text(&self.last_seen),
            flag(self.edr),
            flag(self.mfa),
            flag(self.backup),
            flag(self.patched),
        ]
    }
}

impl CsvRecord for Observation {
    const COLUMNS: &'static [Column] =
        &[required("slug"), required("observed_at"), required("value")];

    fn from_cells(c: &mut Cells<'_>) -> Self {
        Observation {
            kri: c.text("slug"),
            observed_at: c.time("observed_at"),
            value: c.number("value"),
        }
    }

    fn to_cells(&self) -> Vec<String> {
        vec![
            self.kri.clone(),
            time_text(&self.observed_at),
            number_text(self.value),
        ]
    }
}
