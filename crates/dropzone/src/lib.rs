//! The AI Drop Zone: evidence artifacts in, KRI observations out. The extractor reads
//! what AI clients and tools send and proposes observations against the tenant's KRI
//! catalog; autonomy bands decide which proposals need a human.

pub mod connectors;
/// The Drop Zone's storage contract, defined beside the register's in `draxis-domain`.
pub use draxis_domain::dropzone as records;
pub mod extract;
pub mod figures;
pub mod service;
mod tools;
pub mod vocabulary;

pub use extract::{Artifact, BuiltinExtractor, Extraction, Extractor, Proposal, Span};
pub use service::{DropZone, DropZoneLimits, sha256_hex};
pub use vocabulary::{CatalogEntry, KriCatalog, KriUnit};
