//! The edit forms' fields as settings: numbers, 1-5 ratings, enums and times read from
//! the posted text, each mistake named by its field so the form can say what to fix.
//! The rules themselves (orders, ranges) are the domain's checks.

use chrono::{DateTime, NaiveDateTime, Utc};
use draxis_domain::entities::LikelihoodImpact;
use draxis_domain::register_edits::{
    ControlSettings, FieldProblem, KriSettings, ManualObservation, RiskSettings,
};
use draxis_protocol::types::{ControlStatus, RiskStatus};

use crate::web::console::Fields;

/// Collects the fields' mistakes while reading them.
#[derive(Default)]
struct Reader {
    problems: Vec<FieldProblem>,
}

impl Reader {
    fn fail(&mut self, field: &'static str, message: String) {
        self.problems.push(FieldProblem { field, message });
    }

    fn number(&mut self, form: &Fields, field: &'static str) -> f64 {
        let text = form.get(field);
        match text.replace(',', "").parse::<f64>() {
            Ok(v) if v.is_finite() => v,
            _ => {
                self.fail(field, format!("“{text}” is not a number"));
                0.0
            }
        }
    }

    fn rating(&mut self, form: &Fields, field: &'static str) -> u8 {
        let text = form.get(field);
        match text.parse::<u8>() {
            Ok(v) => v,
            Err(_) => {
                self.fail(field, format!("“{text}” is not a whole number from 1 to 5"));
                0
            }
        }
    }

    fn pair(
        &mut self,
        form: &Fields,
        likelihood: &'static str,
        impact: &'static str,
    ) -> LikelihoodImpact {
        LikelihoodImpact {
            likelihood: self.rating(form, likelihood),
            impact: self.rating(form, impact),
        }
    }

    fn finish<T>(self, value: T) -> Result<T, Vec<FieldProblem>> {
        if self.problems.is_empty() {
            Ok(value)
        } else {
            Err(self.problems)
        }
    }
}

/// Aliases from a text area: one per line, blank lines dropped.
pub(super) fn aliases(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

pub(super) fn kri_settings(form: &Fields) -> Result<KriSettings, Vec<FieldProblem>> {
    let mut r = Reader::default();
    let settings = KriSettings {
        warn: r.number(form, "warn"),
        critical: r.number(form, "critical"),
        owner: form.get("owner").to_string(),
        aliases: aliases(form.get("aliases")),
    };
    r.finish(settings)
}

pub(super) fn risk_settings(form: &Fields) -> Result<RiskSettings, Vec<FieldProblem>> {
    let mut r = Reader::default();
    let status = RiskStatus::parse(form.get("status"));
    if status.is_none() {
        r.fail("status", "pick one of the statuses offered".into());
    }
    let settings = RiskSettings {
        status: status.unwrap_or(RiskStatus::Open),
        inherent: r.pair(form, "inherent_likelihood", "inherent_impact"),
        current: r.pair(form, "current_likelihood", "current_impact"),
        residual: r.pair(form, "residual_likelihood", "residual_impact"),
        event_frequency_per_year: r.number(form, "event_frequency"),
        loss_magnitude_low: r.number(form, "loss_low"),
        loss_magnitude_high: r.number(form, "loss_high"),
    };
    r.finish(settings)
}

pub(super) fn control_settings(form: &Fields) -> Result<ControlSettings, Vec<FieldProblem>> {
    let mut r = Reader::default();
    let status = ControlStatus::parse(form.get("status"));
    if status.is_none() {
        r.fail("status", "pick one of the statuses offered".into());
    }
    let settings = ControlSettings {
        status: status.unwrap_or(ControlStatus::Planned),
        effectiveness: r.number(form, "effectiveness"),
    };
    r.finish(settings)
}

/// A manual observation: `observed_at` in UTC as `YYYY-MM-DDTHH:MM` (what a
/// `datetime-local` input sends) or RFC 3339; empty means now.
pub(super) fn observation(
    form: &Fields,
    now: DateTime<Utc>,
) -> Result<ManualObservation, Vec<FieldProblem>> {
    let mut r = Reader::default();
    let value = r.number(form, "value");
    let text = form.get("observed_at");
    let observed_at = if text.is_empty() {
        now
    } else if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        t.with_timezone(&Utc)
    } else if let Some(t) = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
    {
        t.and_utc()
    } else {
        r.fail(
            "observed_at",
            format!(
                "“{text}” is not a time: use YYYY-MM-DDTHH:MM (UTC), or leave it empty for now"
            ),
        );
        now
    };
    let note = Some(form.get("note").to_string()).filter(|n| !n.is_empty());
    r.finish(ManualObservation {
        value,
        observed_at,
        note,
    })
}
