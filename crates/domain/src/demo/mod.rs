//! The demo: tenants `acme` (40 KRIs with 90 days of history, 26 risks, 62 controls, 7
//! outcomes, 32 vendors, 2,000+ assets, four integrations) and a smaller `globex`, kept as
//! register files under `crates/domain/data/demo/` (a worked example for customers) and
//! imported through the same path as a customer's register.
//!
//! The files' dates are as of [`ANCHOR`]; [`demo_registers`] moves them to today, and
//! generates each KRI's history (the one thing not in the files) deterministically,
//! ending today, so the demo never goes stale and the same day always gives the same data.

mod assets;
mod catalog;
mod draws;
mod files;
mod history;
mod integrations;
mod kris;
mod observations;
mod registers;
mod shape;
mod shift;
mod tables;
mod tenant;
#[cfg(test)]
mod to_register;
mod users;
mod vendors;

use chrono::NaiveDate;
use draxis_register::{Observation, Register};
use rand::SeedableRng;
use rand::rngs::ChaCha8Rng;

pub use catalog::{CatalogKri, KRI_CATALOG_JSON, kri_catalog};
pub use files::{DemoDataError, DemoFile};
pub use integrations::DemoIntegration;
pub use tenant::{DemoAsset, DemoControl, DemoKri, DemoOutcome, DemoRisk, DemoTenant, DemoVendor};
pub use users::{DEMO_USERS, DemoUser};

use shape::{ACME, GLOBEX, Shape};

/// The day the demo's register files are written as of (their header comments say so):
/// the loader adds `today - ANCHOR` to every date in them.
pub const ANCHOR: NaiveDate = match NaiveDate::from_ymd_opt(2026, 1, 1) {
    Some(day) => day,
    None => NaiveDate::MIN,
};

/// One demo tenant: its register as of today, its KRI history, and what a register does
/// not hold (integrations; users are [`DEMO_USERS`]).
#[derive(Debug, Clone)]
pub struct DemoTenantRegister {
    pub slug: String,
    pub name: String,
    /// Outcomes, risks, controls, KRIs, vendors and assets, dates moved to today;
    /// `observations` is `None` (see the field below).
    pub register: Register,
    /// Every KRI's history, oldest first per KRI, the newest at 00:00 UTC today.
    pub observations: Vec<Observation>,
    /// Created before the register is imported (KRIs name them as `source_integration`).
    pub integrations: Vec<DemoIntegration>,
    /// The shipped files the register came from, for the import's audit record.
    pub files: &'static [DemoFile],
}

/// Both demo tenants as of `today`: the register files with their dates moved from
/// [`ANCHOR`] to `today`, and KRI histories ending at 00:00 UTC `today`.
pub fn demo_registers(today: NaiveDate) -> Result<Vec<DemoTenantRegister>, DemoDataError> {
    files::tenants()?
        .tenants
        .into_iter()
        .map(|story| {
            let mut register = files::register(&story.slug)?;
            shift::shift_dates(&mut register, ANCHOR, today);
            let observations = register
                .kris
                .iter()
                .flatten()
                .filter_map(|kri| {
                    let band = story.kri_bands.of(&kri.slug)?;
                    Some(observations::history(kri, band, story.history_seed, today))
                })
                .flatten()
                .collect();
            Ok(DemoTenantRegister {
                files: files::register_files(&story.slug),
                slug: story.slug,
                name: story.name,
                register,
                observations,
                integrations: story.integrations,
            })
        })
        .collect()
}

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
