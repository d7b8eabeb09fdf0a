//! A tenant's register as a file: KRIs, outcomes, risks, controls, vendors, assets and KRI
//! observations, linked by natural key (KRI slug, risk/control/outcome ref). One document
//! (YAML or JSON) or one CSV per entity; validated as a whole, with every problem located
//! by file, line, column and field, before anything is written.
//!
//! This crate knows the formats and the rules of a well-formed register. It does no I/O
//! beyond reading what it is handed, and knows nothing of storage: `draxis-store` turns a
//! validated register into one transaction and answers with an [`ImportReport`].

pub mod checks;
pub mod input;
pub mod model;
pub mod problem;
pub mod report;

pub use input::{ExistingKeys, FileContent, InputFile, RowResult, Rows, Validated};
pub use model::{
    Asset, Control, Fair, Kri, LikelihoodImpact, LossInterval, Observation, Outcome, Register,
    Risk, Vendor, VendorAssessment,
};
pub use problem::{Location, Problem, Problems};
pub use report::{Change, ChangeKind, Counts, Entity, ImportOptions, ImportReport};
