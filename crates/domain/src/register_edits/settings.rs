//! The settings a person may change on a KRI, a risk or a control, a manual KRI
//! observation, the fields a change touches (before → after) and the checks each must
//! pass: the register file's own rules (`draxis_register::checks`).

use chrono::{DateTime, Utc};
use draxis_protocol::types::{ControlStatus, Direction, RiskStatus};
use draxis_register::checks as rules;
use serde_json::{Value, json};

use crate::entities::{Control, Kri, LikelihoodImpact, Risk};

/// What a person may change on a KRI.
#[derive(Debug, Clone, PartialEq)]
pub struct KriSettings {
    pub warn: f64,
    pub critical: f64,
    pub owner: String,
    pub aliases: Vec<String>,
}

/// What a person may change on a risk.
#[derive(Debug, Clone, PartialEq)]
pub struct RiskSettings {
    pub status: RiskStatus,
    pub inherent: LikelihoodImpact,
    pub current: LikelihoodImpact,
    pub residual: LikelihoodImpact,
    pub event_frequency_per_year: f64,
    pub loss_magnitude_low: f64,
    pub loss_magnitude_high: f64,
}

/// What a person may change on a control.
#[derive(Debug, Clone, PartialEq)]
pub struct ControlSettings {
    pub status: ControlStatus,
    pub effectiveness: f64,
}

impl From<&Kri> for KriSettings {
    fn from(k: &Kri) -> Self {
        Self {
            warn: k.warn,
            critical: k.critical,
            owner: k.owner.clone(),
            aliases: k.aliases.clone(),
        }
    }
}

impl From<&Risk> for RiskSettings {
    fn from(r: &Risk) -> Self {
        Self {
            status: r.status,
            inherent: r.inherent,
            current: r.current,
            residual: r.residual,
            event_frequency_per_year: r.event_frequency_per_year,
            loss_magnitude_low: r.loss_magnitude_low,
            loss_magnitude_high: r.loss_magnitude_high,
        }
    }
}

impl From<&Control> for ControlSettings {
    fn from(c: &Control) -> Self {
        Self {
            status: c.status,
            effectiveness: c.effectiveness,
        }
    }
}

/// A KRI value entered by hand (stored with source `manual`).
#[derive(Debug, Clone, PartialEq)]
pub struct ManualObservation {
    pub value: f64,
    pub observed_at: DateTime<Utc>,
    pub note: Option<String>,
}

/// One field changed: its name and its value before and after.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldChange {
    pub field: &'static str,
    pub before: Value,
    pub after: Value,
}

/// The fields that differ between `before` and `after`, in the order given.
fn changes(pairs: Vec<(&'static str, Value, Value)>) -> Vec<FieldChange> {
    pairs
        .into_iter()
        .filter(|(_, before, after)| before != after)
        .map(|(field, before, after)| FieldChange {
            field,
            before,
            after,
        })
        .collect()
}

fn rating(li: LikelihoodImpact) -> Value {
    json!({"likelihood": li.likelihood, "impact": li.impact})
}

impl KriSettings {
    pub fn changes_to(&self, after: &Self) -> Vec<FieldChange> {
        changes(vec![
            ("warn", json!(self.warn), json!(after.warn)),
            ("critical", json!(self.critical), json!(after.critical)),
            ("owner", json!(self.owner), json!(after.owner)),
            ("aliases", json!(self.aliases), json!(after.aliases)),
        ])
    }
}

impl RiskSettings {
    pub fn changes_to(&self, after: &Self) -> Vec<FieldChange> {
        changes(vec![
            ("status", json!(self.status), json!(after.status)),
            ("inherent", rating(self.inherent), rating(after.inherent)),
            ("current", rating(self.current), rating(after.current)),
            ("residual", rating(self.residual), rating(after.residual)),
            (
                "event_frequency",
                json!(self.event_frequency_per_year),
                json!(after.event_frequency_per_year),
            ),
            (
                "loss_magnitude_low",
                json!(self.loss_magnitude_low),
                json!(after.loss_magnitude_low),
            ),
            (
                "loss_magnitude_high",
                json!(self.loss_magnitude_high),
                json!(after.loss_magnitude_high),
            ),
        ])
    }
}

impl ControlSettings {
    pub fn changes_to(&self, after: &Self) -> Vec<FieldChange> {
        changes(vec![
            ("status", json!(self.status), json!(after.status)),
            (
                "effectiveness",
                json!(self.effectiveness),
                json!(after.effectiveness),
            ),
        ])
    }
}

/// The audit details of a change: `{"changes": {"warn": {"from": 80, "to": 90}}}`.
pub fn change_details(changes: &[FieldChange]) -> Value {
    let fields: serde_json::Map<String, Value> = changes
        .iter()
        .map(|c| {
            (
                c.field.to_string(),
                json!({"from": c.before, "to": c.after}),
            )
        })
        .collect();
    json!({ "changes": fields })
}

/// A field a person got wrong, and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    pub field: &'static str,
    pub message: String,
}

/// Longest note on a manual observation, in characters.
pub const MAX_NOTE_CHARS: usize = 500;

/// How far in the future a manual observation may be dated (clock skew).
const FUTURE_SLACK: chrono::Duration = chrono::Duration::minutes(5);

fn collect(checks: Vec<(&'static str, Result<(), String>)>) -> Result<(), Vec<FieldProblem>> {
    let problems: Vec<FieldProblem> = checks
        .into_iter()
        .filter_map(|(field, check)| check.err().map(|message| FieldProblem { field, message }))
        .collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// Checks KRI settings for a KRI of `direction`.
pub fn check_kri(direction: Direction, s: &KriSettings) -> Result<(), Vec<FieldProblem>> {
    collect(vec![
        ("warn", rules::finite(s.warn)),
        ("critical", rules::finite(s.critical)),
        (
            "critical",
            rules::threshold_order(direction, s.warn, s.critical),
        ),
        ("owner", rules::owner(&s.owner)),
        ("aliases", rules::aliases(&s.aliases)),
    ])
}

/// Checks risk settings.
pub fn check_risk(s: &RiskSettings) -> Result<(), Vec<FieldProblem>> {
    let li =
        |li: LikelihoodImpact| rules::one_to_five(li.likelihood).and(rules::one_to_five(li.impact));
    collect(vec![
        ("inherent", li(s.inherent)),
        ("current", li(s.current)),
        ("residual", li(s.residual)),
        (
            "event_frequency",
            rules::event_frequency(s.event_frequency_per_year),
        ),
        (
            "loss_magnitude",
            rules::loss_interval(s.loss_magnitude_low, s.loss_magnitude_high),
        ),
    ])
}

/// Checks control settings.
pub fn check_control(s: &ControlSettings) -> Result<(), Vec<FieldProblem>> {
    collect(vec![(
        "effectiveness",
        rules::effectiveness(s.effectiveness),
    )])
}

/// Checks a manual observation at `now`.
pub fn check_observation(
    o: &ManualObservation,
    now: DateTime<Utc>,
) -> Result<(), Vec<FieldProblem>> {
    let when = if o.observed_at > now + FUTURE_SLACK {
        Err("is in the future: give the time the value was observed, at the latest now".into())
    } else {
        Ok(())
    };
    let note = match &o.note {
        Some(n) if n.chars().count() > MAX_NOTE_CHARS => Err(format!(
            "is longer than {MAX_NOTE_CHARS} characters: shorten it"
        )),
        _ => Ok(()),
    };
    collect(vec![
        ("value", rules::finite(o.value)),
        ("observed_at", when),
        ("note", note),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kri(warn: f64, critical: f64) -> KriSettings {
        KriSettings {
            warn,
            critical,
            owner: "CISO".into(),
            aliases: vec!["patching".into()],
        }
    }

    #[test]
    fn thresholds_must_be_ordered_for_the_direction() {
        assert!(check_kri(Direction::HigherIsWorse, &kri(10.0, 20.0)).is_ok());
        assert!(check_kri(Direction::LowerIsWorse, &kri(20.0, 10.0)).is_ok());
        let Err(problems) = check_kri(Direction::HigherIsWorse, &kri(20.0, 10.0)) else {
            panic!("wrong order accepted");
        };
        assert_eq!(problems[0].field, "critical");
        assert!(check_kri(Direction::LowerIsWorse, &kri(10.0, 20.0)).is_err());
        assert!(check_kri(Direction::HigherIsWorse, &kri(f64::NAN, 20.0)).is_err());
    }

    #[test]
    fn risks_keep_ratings_in_range_and_intervals_ordered() {
        let li = |l, i| LikelihoodImpact {
            likelihood: l,
            impact: i,
        };
        let good = RiskSettings {
            status: RiskStatus::Open,
            inherent: li(4, 5),
            current: li(3, 4),
            residual: li(2, 3),
            event_frequency_per_year: 0.5,
            loss_magnitude_low: 10_000.0,
            loss_magnitude_high: 900_000.0,
        };
        assert!(check_risk(&good).is_ok());
        let bad = RiskSettings {
            current: li(6, 0),
            loss_magnitude_low: 5.0,
            loss_magnitude_high: 5.0,
            ..good.clone()
        };
        let Err(problems) = check_risk(&bad) else {
            panic!("bad risk accepted");
        };
        let fields: Vec<_> = problems.iter().map(|p| p.field).collect();
        assert_eq!(fields, ["current", "loss_magnitude"]);
        let changed = good.changes_to(&bad);
        assert_eq!(changed.len(), 3);
        assert_eq!(changed[0].before, json!({"likelihood": 3, "impact": 4}));
    }

    #[test]
    fn observations_are_finite_and_not_in_the_future() {
        let now = Utc::now();
        let at = |observed_at| ManualObservation {
            value: 3.0,
            observed_at,
            note: None,
        };
        assert!(check_observation(&at(now), now).is_ok());
        assert!(check_observation(&at(now + chrono::Duration::days(1)), now).is_err());
        let long = ManualObservation {
            value: f64::INFINITY,
            note: Some("é".repeat(MAX_NOTE_CHARS + 1)),
            ..at(now)
        };
        let Err(problems) = check_observation(&long, now) else {
            panic!("bad observation accepted");
        };
        assert_eq!(problems.len(), 2);
    }

    #[test]
    fn details_name_each_changed_field_before_and_after() {
        let details = change_details(&kri(10.0, 20.0).changes_to(&kri(10.0, 30.0)));
        assert_eq!(
            details,
            json!({"changes": {"critical": {"from": 20.0, "to": 30.0}}})
        );
    }
}
