//! A demo tenant's KRIs: which catalog entries it tracks, what each links to (risks,
//! outcome, controls, source integration), and its history.

use chrono::NaiveDate;
use rand::rngs::ChaCha8Rng;

use super::DemoIntegration;
use super::catalog::{CatalogKri, kri_catalog};
use super::history::{history_for, target_status};
use super::registers::controls_of;
use super::shape::Shape;
use super::tables::tables;
use super::tenant::{DemoControl, DemoKri, DemoOutcome};

/// The catalog entries the tenant tracks: all of them, or for a smaller tenant one per
/// category, so it still covers the ground.
fn chosen(shape: &Shape) -> Vec<CatalogKri> {
    let catalog = kri_catalog();
    if shape.kri_count >= catalog.len() {
        return catalog;
    }
    let mut picked: Vec<CatalogKri> = Vec::new();
    for kri in &catalog {
        if picked.len() < shape.kri_count && !picked.iter().any(|p| p.category == kri.category) {
            picked.push(kri.clone());
        }
    }
    picked
}

/// Where a KRI of `category` gets its values.
fn source_integration(integrations: &[DemoIntegration], category: &str) -> Option<usize> {
    let named = |name: &str| integrations.iter().position(|x| x.name == name);
    match category {
        "vulnerability" => named("Vulnerability scanner API"),
        "endpoint" => named("EDR drops"),
        "resilience" => named("Backup reports folder"),
        _ => named("AI Drop Zone"),
    }
}

/// The tenant's KRIs, each with its links and a history ending `today` (none for those
/// the shape leaves never observed).
pub(super) fn kris(
    shape: &Shape,
    today: NaiveDate,
    integrations: &[DemoIntegration],
    outcomes: &[DemoOutcome],
    controls: &[DemoControl],
    rng: &mut ChaCha8Rng,
) -> Vec<DemoKri> {
    let tables = tables();
    chosen(shape)
        .into_iter()
        .enumerate()
        .map(|(i, definition)| {
            let category = definition.category.as_str();
            let risks: Vec<usize> = tables
                .risks
                .iter()
                .take(shape.risk_count)
                .enumerate()
                .filter(|(_, r)| r.kri_categories.iter().any(|c| c == category))
                .map(|(j, _)| j)
                .take(3)
                .collect();
            let outcome = tables
                .outcomes
                .iter()
                .find(|o| o.kri_categories.iter().any(|c| c == category))
                .and_then(|o| outcomes.iter().position(|x| x.r#ref == o.r#ref));
            let history = if shape.never_observed.contains(&definition.slug.as_str()) {
                Vec::new()
            } else {
                history_for(rng, &definition, target_status(i), today)
            };
            DemoKri {
                owner: tables.people.category_owner(category).to_string(),
                source_integration: source_integration(integrations, category),
                outcome,
                risks,
                controls: controls_of(controls, category)
                    .into_iter()
                    .take(2)
                    .collect(),
                history,
                definition,
            }
        })
        .collect()
}
