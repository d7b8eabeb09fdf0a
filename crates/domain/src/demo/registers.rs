//! A demo tenant's outcome, control and risk registers, built from the first rows of the
//! tables; controls draw their effectiveness from the tenant's RNG.

use draxis_protocol::types::{ControlStatus, RiskStatus};
use rand::RngExt;
use rand::rngs::ChaCha8Rng;

use super::shape::Shape;
use super::tables::tables;
use super::tenant::{DemoControl, DemoOutcome, DemoRisk};

/// The tenant's business outcomes.
pub(super) fn outcomes(shape: &Shape) -> Vec<DemoOutcome> {
    tables()
        .outcomes
        .iter()
        .take(shape.outcome_count)
        .map(|row| DemoOutcome {
            r#ref: row.r#ref.clone(),
            name: row.name.clone(),
            description: row.description.clone(),
            owner: row.owner.clone(),
            loss_tolerance: row.loss_tolerance,
        })
        .collect()
}

/// The tenant's controls: one in 13 degraded, one in 13 only planned.
pub(super) fn controls(shape: &Shape, rng: &mut ChaCha8Rng) -> Vec<DemoControl> {
    let tables = tables();
    tables
        .controls
        .iter()
        .take(shape.control_count)
        .enumerate()
        .map(|(i, row)| {
            let status = match i % 13 {
                5 => ControlStatus::Degraded,
                11 => ControlStatus::Planned,
                _ => ControlStatus::Implemented,
            };
            let effectiveness = match status {
                ControlStatus::Planned => 0.0,
                ControlStatus::Degraded => rng.random_range(0.2..0.5),
                _ => rng.random_range(0.45..0.95),
            };
            DemoControl {
                r#ref: format!("C-{:03}", i + 1),
                name: row.name.clone(),
                category: row.category.clone(),
                status,
                effectiveness: (effectiveness * 100.0_f64).round() / 100.0,
                nist_csf: row.nist_csf.clone(),
                attack_techniques: row.attack_techniques.clone(),
                owner: tables.people.category_owner(&row.category).to_string(),
            }
        })
        .collect()
}

/// Indexes of the controls in `category`.
pub(super) fn controls_of(controls: &[DemoControl], category: &str) -> Vec<usize> {
    controls
        .iter()
        .enumerate()
        .filter(|(_, c)| c.category == category)
        .map(|(i, _)| i)
        .collect()
}

/// The tenant's risks, linked to its outcomes and to up to six controls of the KRI
/// categories that signal them.
pub(super) fn risks(
    shape: &Shape,
    outcomes: &[DemoOutcome],
    controls: &[DemoControl],
) -> Vec<DemoRisk> {
    let tables = tables();
    let people = &tables.people.people;
    tables
        .risks
        .iter()
        .take(shape.risk_count)
        .enumerate()
        .map(|(i, row)| {
            let mut linked: Vec<usize> = row
                .kri_categories
                .iter()
                .flat_map(|c| controls_of(controls, c).into_iter().take(3))
                .collect();
            linked.truncate(6);
            let status = match i % 9 {
                3 => RiskStatus::Mitigating,
                6 => RiskStatus::Accepted,
                8 => RiskStatus::Transferred,
                _ => RiskStatus::Open,
            };
            let (likelihood, impact) = (row.likelihood, row.impact);
            let inherent = ((likelihood + 1).min(5), impact.min(5));
            let residual = (
                likelihood.saturating_sub(1).max(1),
                impact.saturating_sub(1).max(1),
            );
            let title = &row.title;
            DemoRisk {
                r#ref: format!("R-{:03}", i + 1),
                title: title.clone(),
                description: format!(
                    "{title}. Tracked against the KRIs and controls linked to it."
                ),
                category: row.category.clone(),
                owner: people[i % people.len()].clone(),
                status,
                inherent,
                current: (likelihood, impact),
                residual,
                event_frequency_per_year: row.event_frequency_per_year,
                loss_magnitude_low: row.loss_magnitude_low,
                loss_magnitude_high: row.loss_magnitude_high,
                outcomes: row
                    .outcomes
                    .iter()
                    .filter_map(|r| outcomes.iter().position(|o| o.r#ref == *r))
                    .collect(),
                controls: linked,
            }
        })
        .collect()
}
