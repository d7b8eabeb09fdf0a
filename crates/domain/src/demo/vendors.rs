//! A demo tenant's third parties: criticality, tier, and their last and next assessments
//! (one in eleven never assessed, and overdue).

use chrono::{Duration, NaiveDate};
use draxis_protocol::types::Criticality;
use rand::RngExt;
use rand::rngs::ChaCha8Rng;

use super::draws::{criticality_from, pick};
use super::shape::Shape;
use super::tables::tables;
use super::tenant::DemoVendor;

/// The tenant's vendors, assessed within the last 420 days of `today`.
pub(super) fn vendors(shape: &Shape, today: NaiveDate, rng: &mut ChaCha8Rng) -> Vec<DemoVendor> {
    let tables = tables();
    tables
        .vendors
        .iter()
        .take(shape.vendor_count)
        .enumerate()
        .map(|(i, row)| {
            let criticality = criticality_from(rng, [0.2, 0.3, 0.3, 0.2]);
            let tier = match criticality {
                Criticality::Critical => 1,
                Criticality::High => rng.random_range(1..=2),
                _ => rng.random_range(2..=3),
            };
            let assessed = i % 11 != 7;
            let last_date = today - Duration::days(rng.random_range(20..420));
            let cadence = if tier == 1 { 365 } else { 730 };
            DemoVendor {
                name: row.name.clone(),
                category: row.category.clone(),
                criticality,
                tier,
                data_elements: row.data_elements.clone(),
                last_assessment: assessed.then(|| {
                    (
                        last_date,
                        f64::from(rng.random_range(55..98_u32)),
                        pick(rng, &tables.assessment_conclusions).clone(),
                    )
                }),
                open_findings: if assessed { rng.random_range(0..9) } else { 0 },
                next_assessment_due: if assessed {
                    last_date + Duration::days(cadence)
                } else {
                    today - Duration::days(14)
                },
            }
        })
        .collect()
}
