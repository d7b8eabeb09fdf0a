//! The AI Drop Zone: evidence artifacts in, KRI observations out. The extractor reads
//! what AI clients and tools send and proposes observations against the tenant's KRI
//! catalog; autonomy bands decide which proposals need a human.

pub mod band;
pub mod connectors;
pub mod evidence;
pub mod extract;
pub mod figures;
pub mod limits;
pub mod records;
pub mod review;
pub mod service;
mod tools;
pub mod vocabulary;

pub use extract::{Artifact, BuiltinExtractor, Extraction, Extractor, Proposal, Span};
pub use limits::DropZoneLimits;
pub use service::{DropZone, sha256_hex};
pub use vocabulary::{CatalogEntry, KriCatalog, KriUnit};
