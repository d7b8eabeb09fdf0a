//! The built-in extractor: sniffs the artifact's shape (JSON, delimited table, HTML,
//! text) and runs the readers for it over one collector.

use super::collector::Collector;
use super::{Artifact, Extraction, Extractor, json, lines, table};
use crate::vocabulary::KriCatalog;

/// The deterministic extractor shipped with Draxis.
#[derive(Debug, Clone, Copy, Default)]
pub struct BuiltinExtractor;

impl Extractor for BuiltinExtractor {
    fn name(&self) -> &'static str {
        "builtin-v1"
    }

    fn extract(&self, artifact: &Artifact<'_>, catalog: &KriCatalog) -> Extraction {
        let text = artifact.content;
        let mut c = Collector::new(catalog, text);
        let kind = sniff(artifact);
        match kind {
            Shape::Json => {
                if !json::scan(&mut c, text) {
                    lines::scan(&mut c, text);
                }
            }
            Shape::Delimited(delimiter) => {
                if !table::scan_delimited(&mut c, text, delimiter) {
                    lines::scan(&mut c, text);
                }
            }
            Shape::Html => {
                let masked = table::scan_html(&mut c, text);
                lines::scan(&mut c, &masked);
            }
            Shape::Text => {
                if !json::scan_lines(&mut c, text) {
                    lines::scan(&mut c, text);
                }
            }
        }
        c.finish()
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Shape {
    Json,
    Delimited(u8),
    Html,
    Text,
}

fn sniff(artifact: &Artifact<'_>) -> Shape {
    let mime = artifact.mime_type.unwrap_or("").to_ascii_lowercase();
    let name = artifact.filename.unwrap_or("").to_ascii_lowercase();
    let text = artifact.content.trim_start();
    if mime.contains("json") || text.starts_with('{') || text.starts_with('[') {
        return Shape::Json;
    }
    if mime.contains("html") || name.ends_with(".html") || name.ends_with(".htm") {
        return Shape::Html;
    }
    let head = &text[..super::text::floor_boundary(text, 4096)];
    let lower_head = head.to_ascii_lowercase();
    if lower_head.contains("<table") || lower_head.contains("<html") || lower_head.contains("<td") {
        return Shape::Html;
    }
    if mime.contains("tab-separated") || name.ends_with(".tsv") {
        return Shape::Delimited(b'\t');
    }
    if mime.contains("csv") || name.ends_with(".csv") {
        return Shape::Delimited(table::guess_delimiter(head));
    }
    if let Some(d) = table::sniff_delimited(head) {
        return Shape::Delimited(d);
    }
    Shape::Text
}
