//! The extractor: reads an artifact and proposes KRI observations, each with the value in
//! the KRI's unit, a confidence with its reasons, and the verbatim span it came from.
//!
//! The built-in extractor is deterministic. It recognises the shapes tools and AI clients
//! send — JSON (flat maps, metric lists, nested payloads, JSON lines), Markdown, HTML and
//! CSV/TSV tables, `key: value` / `key=value` / YAML-like lines and log lines, Prometheus
//! exposition text — and reads whatever is left as prose.

//!
//! `builtin` chooses the readers (`json`, `table`, `lines`, `prose`) by the artifact's
//! shape; they hand labelled figures to the `collector`, which matches labels through
//! `labels` and folds candidates per KRI; `candidates` settles them into proposals;
//! `text` holds the word and date helpers they share.

mod builtin;
mod candidates;
mod collector;
mod json;
mod labels;
mod lines;
mod prose;
mod table;
mod text;

use chrono::{DateTime, Utc};

use crate::vocabulary::KriCatalog;

pub use builtin::BuiltinExtractor;

/// What was submitted.
#[derive(Debug, Clone, Copy)]
pub struct Artifact<'a> {
    pub content: &'a str,
    pub filename: Option<&'a str>,
    pub mime_type: Option<&'a str>,
}

/// Where in the artifact a proposal came from: 1-based lines and the verbatim text.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Span {
    pub line_start: u32,
    pub line_end: u32,
    pub excerpt: String,
}

/// One proposed KRI observation.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Proposal {
    /// The KRI, by its position in the catalog extracted against ([`KriCatalog::entry`]).
    pub kri: usize,
    pub value: f64,
    /// When the artifact states the value was observed.
    pub observed_at: Option<DateTime<Utc>>,
    pub confidence: f64,
    pub reasons: Vec<String>,
    pub span: Span,
}

/// What the extractor made of one artifact.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Extraction {
    pub proposals: Vec<Proposal>,
    /// Figures that looked like metrics but matched no KRI (or no KRI's unit).
    pub skipped: u32,
}

/// Turns an artifact into proposals against a tenant's catalog.
pub trait Extractor: Send + Sync {
    /// Recorded with every extraction, so a proposal can be traced to the code that made it.
    fn name(&self) -> &'static str;
    fn extract(&self, artifact: &Artifact<'_>, catalog: &KriCatalog) -> Extraction;
}
