//! The demo's KRI catalog: acme's 40 KRIs as its register file defines them, which the
//! Drop Zone's corpus, benchmarks and fuzzing match evidence against.

use super::files;

/// A catalog entry: a register file's KRI.
pub type CatalogKri = draxis_register::Kri;

/// Acme's KRIs, in file order (empty only if the shipped file were broken, which a test
/// rules out).
pub fn kri_catalog() -> Vec<CatalogKri> {
    files::register("acme")
        .ok()
        .and_then(|register| register.kris)
        .unwrap_or_default()
}
