//! A register document (YAML, or JSON, which is YAML) read with serde-saphyr into the
//! model, under limits that stop alias bombs and oversized inputs, with a parse error
//! turned into one located problem.

use serde_saphyr::{Error, Options};

use crate::model::Register;
use crate::problem::{Location, Problem};

/// How documents are read: duplicate mapping keys are errors, and the budget caps what a
/// document may make the parser do (nodes, nesting, aliases and what they replay).
pub(crate) fn options() -> Options {
    serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_events: 20_000_000,
            max_nodes: 8_000_000,
            max_depth: 32,
            max_aliases: 1_000,
            max_anchors: 1_000,
            max_documents: 1,
            max_recorded_anchor_bytes: 64 * 1024,
        },
        alias_limits: serde_saphyr::alias_limits! {
            max_total_replayed_events: 100_000,
        },
        with_snippet: false,
        strict_booleans: true,
    }
}

/// Reads a document's text as a register.
pub(crate) fn parse(file: &str, text: &str) -> Result<Register, Problem> {
    serde_saphyr::from_str_with_options::<Register>(text, options())
        .map_err(|error| parse_problem(file, &error))
}

fn parse_problem(file: &str, error: &Error) -> Problem {
    let error = error.without_snippet();
    let (line, column) = match error.location() {
        Some(at) if at.line() > 0 => (Some(at.line()), Some(at.column())),
        _ => (None, None),
    };
    Problem {
        at: Location {
            file: file.to_owned(),
            line,
            column,
            field: None,
        },
        message: advice(error),
    }
}

/// The parser's message, without its own location suffix, and what to do about it.
fn advice(error: &Error) -> String {
    if let Error::DuplicateMappingKey { key, .. } = error {
        let key = key.as_deref().unwrap_or("a key");
        return format!("`{key}` appears twice in this mapping; keep only one of the two entries");
    }
    let text = error.to_string();
    let text = strip_location(&text);
    let what_to_do = match error {
        Error::Budget { .. }
        | Error::AliasReplayLimitExceeded { .. }
        | Error::AliasExpansionLimitExceeded { .. }
        | Error::AliasReplayStackDepthExceeded { .. }
        | Error::AliasReplayCounterOverflow { .. } => {
            "the document is too deep or expands too many aliases for a register; write the records out without nested aliases"
        }
        Error::Eof { .. } => "the document ends too early; check that the file was saved whole",
        Error::SerdeUnknownField { .. } => {
            "remove or rename the field (docs/register.md lists every field)"
        }
        Error::SerdeMissingField { .. } => {
            "add the field (docs/register.md lists the required fields)"
        }
        Error::SerdeUnknownVariant { .. } => "use one of the values listed",
        Error::ExternalMessage { .. } => {
            "the YAML or JSON is malformed here (an unclosed quote or bracket, a bad indent, or a file cut short); fix it"
        }
        Error::MultipleDocuments { .. } => {
            "put the whole register in one document (remove the `---` separators)"
        }
        _ => {
            "the value here does not fit the field; correct it (docs/register.md gives each field's type)"
        }
    };
    format!("{text}; {what_to_do}")
}

/// serde-saphyr appends ` at line L, column C` to messages; the location has its own place.
fn strip_location(text: &str) -> &str {
    match text.find(" at line ") {
        Some(at) => text.get(..at).unwrap_or(text),
        None => text.trim_end(),
    }
}
