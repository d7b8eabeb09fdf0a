//! The demo: tenants `acme` (40 KRIs with 90 days of history, 26 risks, 62 controls, 7
//! outcomes, 32 vendors, 2,000+ assets, four integrations) and a smaller `globex`, kept as
//! register files under `crates/domain/data/demo/<slug>/` (a worked example for customers) and
//! imported through the same path as a customer's register.
//!
//! The files' dates are as of [`ANCHOR`]; [`demo_registers`] moves them to today, and
//! generates each KRI's history (the one thing not in the files) deterministically,
//! ending today, so the demo never goes stale and the same day always gives the same data.

mod catalog;
mod files;
mod observations;
mod shift;
mod users;

use chrono::NaiveDate;
use draxis_register::{Observation, Register};

pub use catalog::{CatalogKri, kri_catalog};
pub use files::{DemoDataError, DemoFile, DemoIntegration};
pub use users::{DEMO_USERS, DemoUser};

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

#[cfg(test)]
mod tests;
