//! The demo's fixed tables (people, outcomes, risks, controls, vendors, asset names), kept
//! as JSON under `data/demo/` and parsed once, on first use.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde::Deserialize;

/// The demo organisation's people (`data/demo/people.json`).
#[derive(Debug, Deserialize)]
pub(super) struct People {
    /// Everyone, in the order risks and assets take owners from.
    pub people: Vec<String>,
    /// Who owns the KRIs and controls of each category.
    category_owners: BTreeMap<String, String>,
    /// Who owns a category nobody else does.
    default_owner: String,
}

impl People {
    /// The owner of a KRI or control category.
    pub fn category_owner(&self, category: &str) -> &str {
        self.category_owners
            .get(category)
            .unwrap_or(&self.default_owner)
    }
}

/// A business outcome (`data/demo/outcomes.json`).
#[derive(Debug, Deserialize)]
pub(super) struct OutcomeRow {
    pub r#ref: String,
    pub name: String,
    pub description: String,
    pub owner: String,
    /// USD per year.
    pub loss_tolerance: f64,
    /// The KRI categories whose KRIs roll up to this outcome.
    pub kri_categories: Vec<String>,
}

/// A risk (`data/demo/risks.json`).
#[derive(Debug, Deserialize)]
pub(super) struct RiskRow {
    pub title: String,
    pub category: String,
    /// The KRI categories that signal this risk.
    pub kri_categories: Vec<String>,
    /// Refs of the outcomes it threatens.
    pub outcomes: Vec<String>,
    /// Current likelihood and impact, 1-5.
    pub likelihood: u8,
    pub impact: u8,
    pub event_frequency_per_year: f64,
    /// USD per event.
    pub loss_magnitude_low: f64,
    pub loss_magnitude_high: f64,
}

/// A control (`data/demo/controls.json`).
#[derive(Debug, Deserialize)]
pub(super) struct ControlRow {
    pub name: String,
    pub category: String,
    /// NIST CSF 2.0 ids.
    pub nist_csf: Vec<String>,
    /// MITRE ATT&CK technique ids.
    pub attack_techniques: Vec<String>,
}

/// A third party (`data/demo/vendors.json`).
#[derive(Debug, Deserialize)]
pub(super) struct VendorRow {
    pub name: String,
    pub category: String,
    pub data_elements: Vec<String>,
}

/// Parts of generated asset names, by kind (`data/demo/assets.json`).
#[derive(Debug, Deserialize)]
pub(super) struct AssetNames {
    pub server_roles: Vec<String>,
    pub cloud_prefixes: Vec<String>,
    pub saas_apps: Vec<String>,
    pub datasets: Vec<String>,
    pub network_devices: Vec<String>,
}

/// Every table, in file order; a tenant takes the first N rows of each.
#[derive(Debug)]
pub(super) struct Tables {
    pub people: People,
    pub outcomes: Vec<OutcomeRow>,
    pub risks: Vec<RiskRow>,
    pub controls: Vec<ControlRow>,
    pub vendors: Vec<VendorRow>,
    /// What a vendor assessment may conclude.
    pub assessment_conclusions: Vec<String>,
    pub asset_names: AssetNames,
}

#[derive(Deserialize)]
struct OutcomesFile {
    outcomes: Vec<OutcomeRow>,
}

#[derive(Deserialize)]
struct RisksFile {
    risks: Vec<RiskRow>,
}

#[derive(Deserialize)]
struct ControlsFile {
    controls: Vec<ControlRow>,
}

#[derive(Deserialize)]
struct VendorsFile {
    vendors: Vec<VendorRow>,
    assessment_conclusions: Vec<String>,
}

impl Tables {
    /// Parses the files compiled into the binary.
    fn parse() -> serde_json::Result<Self> {
        let OutcomesFile { outcomes } =
            serde_json::from_str(include_str!("../../data/demo/outcomes.json"))?;
        let RisksFile { risks } = serde_json::from_str(include_str!("../../data/demo/risks.json"))?;
        let ControlsFile { controls } =
            serde_json::from_str(include_str!("../../data/demo/controls.json"))?;
        let VendorsFile {
            vendors,
            assessment_conclusions,
        } = serde_json::from_str(include_str!("../../data/demo/vendors.json"))?;
        Ok(Self {
            people: serde_json::from_str(include_str!("../../data/demo/people.json"))?,
            outcomes,
            risks,
            controls,
            vendors,
            assessment_conclusions,
            asset_names: serde_json::from_str(include_str!("../../data/demo/assets.json"))?,
        })
    }
}

/// The tables, parsed on first use.
pub(super) fn tables() -> &'static Tables {
    static TABLES: LazyLock<Tables> = LazyLock::new(|| {
        // The files are part of the source tree, compiled in and parsed by a test: a
        // failure here means the build itself is broken.
        Tables::parse().expect("the demo tables in crates/domain/data/demo parse")
    });
    &TABLES
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_parses() {
        let tables = Tables::parse().unwrap();
        assert_eq!(tables.people.people.len(), 12);
        assert_eq!(tables.people.category_owner("cloud"), "Owen Gallagher");
        assert_eq!(tables.people.category_owner("network"), "Priya Natarajan");
        assert_eq!(
            (
                tables.outcomes.len(),
                tables.risks.len(),
                tables.controls.len()
            ),
            (7, 26, 62)
        );
        assert_eq!(tables.vendors.len(), 32);
    }
}
