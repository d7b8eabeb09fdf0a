//! The demo tenant's KRI catalog, as shipped in `data/kri-catalog.json`.

use draxis_protocol::types::{Direction, Frequency};
use serde::Deserialize;

/// The catalog file, verbatim.
pub const KRI_CATALOG_JSON: &str = include_str!("../../data/kri-catalog.json");

/// One catalog entry.
#[derive(Debug, Clone, Deserialize)]
pub struct CatalogKri {
    pub slug: String,
    pub name: String,
    pub unit: String,
    pub direction: Direction,
    pub warn: f64,
    pub critical: f64,
    pub category: String,
    pub frequency: Frequency,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub description: String,
}

#[derive(Deserialize)]
struct Catalog {
    kris: Vec<CatalogKri>,
}

/// The parsed KRI catalog.
pub fn kri_catalog() -> Vec<CatalogKri> {
    // The file is part of the source tree and checked by a test: it always parses.
    serde_json::from_str::<Catalog>(KRI_CATALOG_JSON)
        .map(|c| c.kris)
        .unwrap_or_default()
}
