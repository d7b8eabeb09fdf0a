//! The deterministic demo dataset: tenant `acme` (the 40-KRI catalog with 90 days of
//! history, risks, controls, outcomes, vendors, 2,000+ assets, integrations) and a smaller
//! `globex`. The same day always yields the same data; histories end on that day.
//!
//! The fixed tables live in `data/` (JSON); the modules here turn them into tenants,
//! drawing everything else from one RNG per tenant, in a fixed order.

mod assets;
mod catalog;
mod draws;
mod history;
mod integrations;
mod kris;
mod registers;
mod shape;
mod tables;
mod tenant;
mod users;
mod vendors;

use chrono::NaiveDate;
use rand::SeedableRng;
use rand::rngs::ChaCha8Rng;

pub use catalog::{CatalogKri, KRI_CATALOG_JSON, kri_catalog};
pub use tenant::{
    DemoAsset, DemoControl, DemoIntegration, DemoKri, DemoOutcome, DemoRisk, DemoTenant, DemoVendor,
};
pub use users::{DEMO_USERS, DemoUser};

use shape::{ACME, GLOBEX, Shape};

/// Both demo tenants, as of `today` (histories end at 00:00 UTC that day).
pub fn demo_tenants(today: NaiveDate) -> Vec<DemoTenant> {
    vec![build(&ACME, today), build(&GLOBEX, today)]
}

/// One tenant. The RNG is drawn from in this order (controls, KRI histories, vendors,
/// assets): reordering the steps changes the data.
fn build(shape: &Shape, today: NaiveDate) -> DemoTenant {
    let mut rng = ChaCha8Rng::seed_from_u64(shape.seed);
    let integrations = integrations::integrations(shape);
    let outcomes = registers::outcomes(shape);
    let controls = registers::controls(shape, &mut rng);
    let risks = registers::risks(shape, &outcomes, &controls);
    let kris = kris::kris(shape, today, &integrations, &outcomes, &controls, &mut rng);
    let vendors = vendors::vendors(shape, today, &mut rng);
    let assets = assets::assets(shape, today, &mut rng);
    DemoTenant {
        slug: shape.slug.into(),
        name: shape.name.into(),
        kris,
        risks,
        controls,
        outcomes,
        vendors,
        assets,
        integrations,
    }
}

#[cfg(test)]
mod tests;
