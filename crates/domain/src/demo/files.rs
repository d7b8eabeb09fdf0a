//! The demo's data files, compiled in: each tenant's register (`<slug>/register.yaml`, and
//! acme's asset inventory as `acme/assets.csv`) and `tenants.yaml` (names, integrations,
//! and where each KRI's history ends), parsed with the register's own formats.

use draxis_protocol::types::{IntegrationKind, KriStatus, Schedule};
use draxis_register::{FileContent, InputFile, Register, read_register};
use serde::{Deserialize, Serialize};

/// One data file as shipped: its path under `crates/domain/data/demo/` (its last part is
/// the name an import takes the format from) and its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoFile {
    pub name: &'static str,
    pub text: &'static str,
}

const TENANTS: DemoFile = DemoFile {
    name: "tenants.yaml",
    text: include_str!("../../data/demo/tenants.yaml"),
};

/// Each tenant's register files, by tenant slug.
const REGISTERS: [(&str, &[DemoFile]); 2] = [
    (
        "acme",
        &[
            DemoFile {
                name: "acme/register.yaml",
                text: include_str!("../../data/demo/acme/register.yaml"),
            },
            DemoFile {
                name: "acme/assets.csv",
                text: include_str!("../../data/demo/acme/assets.csv"),
            },
        ],
    ),
    (
        "globex",
        &[DemoFile {
            name: "globex/register.yaml",
            text: include_str!("../../data/demo/globex/register.yaml"),
        }],
    ),
];

/// Why the demo data did not load: a shipped file does not parse (a test guards against
/// it; this reaches a user only from a broken build).
#[derive(Debug, thiserror::Error)]
#[error("demo data file {file} does not parse: {message}")]
pub struct DemoDataError {
    pub file: &'static str,
    pub message: String,
}

/// An integration a demo tenant starts with (not part of a register: integrations hold
/// connector settings, which an import does not carry).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoIntegration {
    pub name: String,
    pub kind: IntegrationKind,
    pub schedule: Schedule,
    /// Connector settings (URL, folder) as JSON.
    pub config: serde_json::Value,
}

/// `tenants.yaml`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct TenantsFile {
    pub tenants: Vec<TenantStory>,
}

/// What a demo tenant holds beyond its register.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct TenantStory {
    pub slug: String,
    pub name: String,
    /// Seeds the KRI histories (mixed with each KRI's slug).
    pub history_seed: u64,
    pub integrations: Vec<DemoIntegration>,
    /// Where each KRI's history ends today; a KRI named in none of the lists ends green.
    pub kri_bands: KriBands,
}

/// The demo story's KRI colours, by slug.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct KriBands {
    #[serde(default)]
    pub red: Vec<String>,
    #[serde(default)]
    pub amber: Vec<String>,
    /// KRIs with no value yet (awaiting their first Drop Zone submission).
    #[serde(default)]
    pub unobserved: Vec<String>,
}

impl KriBands {
    /// The band `slug`'s history ends in, or `None` when it has no history.
    pub fn of(&self, slug: &str) -> Option<KriStatus> {
        let named = |list: &[String]| list.iter().any(|s| s == slug);
        if named(&self.unobserved) {
            None
        } else if named(&self.red) {
            Some(KriStatus::Red)
        } else if named(&self.amber) {
            Some(KriStatus::Amber)
        } else {
            Some(KriStatus::Green)
        }
    }
}

fn invalid(file: &'static str) -> impl Fn(String) -> DemoDataError {
    move |message| DemoDataError { file, message }
}

/// The parsed `tenants.yaml`.
pub(super) fn tenants() -> Result<TenantsFile, DemoDataError> {
    serde_saphyr::from_str(TENANTS.text).map_err(|e| invalid(TENANTS.name)(e.to_string()))
}

/// The files `slug`'s register is read from.
pub(super) fn register_files(slug: &str) -> &'static [DemoFile] {
    REGISTERS
        .iter()
        .find(|(s, _)| *s == slug)
        .map_or(&[], |(_, files)| files)
}

/// `slug`'s files as an import takes them.
pub(super) fn input_files(slug: &str) -> Vec<InputFile> {
    register_files(slug)
        .iter()
        .map(|file| InputFile {
            name: file.name.to_string(),
            content: FileContent::Bytes(file.text.as_bytes().into()),
        })
        .collect()
}

/// `slug`'s register as its files hold it (dates as of the anchor), read by the register's
/// own reader (the one `draxis-admin register` uses).
pub(super) fn register(slug: &str) -> Result<Register, DemoDataError> {
    read_register(&input_files(slug)).map_err(|problems| DemoDataError {
        file: register_files(slug).first().map_or("", |f| f.name),
        message: problems.to_string(),
    })
}
