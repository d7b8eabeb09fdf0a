//! A tenant's register as a file: KRIs, outcomes, risks, controls, vendors, assets and KRI
//! observations, linked by natural key (KRI slug, risk/control/outcome ref). One document
//! (YAML or JSON) or one CSV per entity; validated as a whole, with every problem located
//! by file, line, column and field, before anything is written.
//!
//! This crate knows the formats and the rules of a well-formed register. It does no I/O
//! beyond reading what it is handed and writing CSV files where it is told, and knows
//! nothing of storage: `draxis-store` turns a validated register into one transaction and
//! answers with an [`ImportReport`].

pub mod csv;
mod document;
pub mod files;
pub mod input;
pub mod model;
pub mod problem;
mod read;
pub mod report;
pub mod rules;
mod spans;
mod validate;
mod write;

pub use crate::csv::write_csv_files;
pub use input::{ExistingKeys, FileContent, InputFile, RowResult, Rows, Validated};
pub use model::{
    Asset, Control, Fair, Kri, LikelihoodImpact, LossInterval, Observation, Outcome, Register,
    Risk, Vendor, VendorAssessment,
};
pub use problem::{Location, Problem, Problems};
pub use read::read_register;
pub use report::{AlsoDeleted, Change, ChangeKind, Counts, Entity, ImportOptions, ImportReport};
pub use rules::catalogs::{is_attack_technique, is_nist_csf_subcategory, nist_csf_subcategories};
pub use rules::fields::is_slug;
pub use validate::validate;
pub use write::{to_json, to_yaml};
