//! Where a record came from and the problems found in it: a CSV row is located at once
//! (line, and the column of the field), a document record by its path, resolved to a line
//! and column from the document's spans only when the validation has failed.

use std::sync::Arc;

use crate::csv::{Header, column_of};
use crate::problem::{Location, Problem};
use crate::spans::Spans;

/// At most this many problems are listed per file; the rest are counted.
pub(crate) const MAX_PROBLEMS_PER_FILE: usize = 200;

/// Where a record is.
#[derive(Debug, Clone)]
pub(crate) enum Origin {
    /// In a register document, at `path` (e.g. `kris[3]`).
    Document { file: usize, path: String },
    /// A CSV row starting on `line`.
    Csv {
        file: usize,
        line: u64,
        header: Arc<Header>,
    },
}

impl Origin {
    pub(crate) fn file(&self) -> usize {
        match self {
            Origin::Document { file, .. } | Origin::Csv { file, .. } => *file,
        }
    }
}

struct Pending {
    file: usize,
    path: String,
    message: String,
}

/// Every problem found so far.
pub(crate) struct Findings {
    names: Vec<String>,
    problems: Vec<Problem>,
    pending: Vec<Pending>,
    per_file: Vec<usize>,
}

impl Findings {
    pub(crate) fn new(names: Vec<String>) -> Self {
        let per_file = vec![0; names.len()];
        Self {
            names,
            problems: Vec::new(),
            pending: Vec::new(),
            per_file,
        }
    }

    pub(crate) fn name(&self, file: usize) -> &str {
        self.names.get(file).map_or("", String::as_str)
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.problems.is_empty() && self.pending.is_empty()
    }

    /// Whether a file has as many problems as are listed (reading it further is useless).
    pub(crate) fn full(&self, file: usize) -> bool {
        self.per_file.get(file).copied().unwrap_or(0) >= MAX_PROBLEMS_PER_FILE
    }

    fn count(&mut self, file: usize) -> bool {
        match self.per_file.get_mut(file) {
            Some(count) => {
                *count += 1;
                *count <= MAX_PROBLEMS_PER_FILE
            }
            None => true,
        }
    }

    /// A problem already located, in the file with this index.
    pub(crate) fn push(&mut self, file: usize, problem: Problem) {
        if self.count(file) {
            self.problems.push(problem);
        }
    }

    /// A problem in `field` (a path in the model, `inherent.likelihood`; empty for the
    /// record as a whole) of the record at `origin`.
    pub(crate) fn report(&mut self, origin: &Origin, field: &str, message: String) {
        if !self.count(origin.file()) {
            return;
        }
        match origin {
            Origin::Document { file, path } => {
                let path = if field.is_empty() {
                    path.clone()
                } else {
                    format!("{path}.{field}")
                };
                self.pending.push(Pending {
                    file: *file,
                    path,
                    message,
                });
            }
            Origin::Csv { file, line, header } => {
                let column = (!field.is_empty()).then(|| column_of(field));
                self.problems.push(Problem {
                    at: Location {
                        file: self.name(*file).to_owned(),
                        line: Some(*line),
                        column: column
                            .as_deref()
                            .and_then(|c| header.position(c))
                            .map(|p| p as u64),
                        field: column,
                    },
                    message,
                });
            }
        }
    }

    /// Says where a record is, for a message about another one (`line 4 of kris.csv`).
    pub(crate) fn describe(&self, origin: &Origin) -> String {
        match origin {
            Origin::Document { file, path } => format!("`{path}` in {}", self.name(*file)),
            Origin::Csv { file, line, .. } => format!("line {line} of {}", self.name(*file)),
        }
    }

    /// Every problem, located, in file order then by line and column. `texts` holds each
    /// document's text (by file index) to resolve document paths to lines and columns.
    pub(crate) fn finish(mut self, texts: &[Option<String>]) -> Vec<Problem> {
        let mut pending = std::mem::take(&mut self.pending);
        pending.sort_by_key(|p| p.file);
        let mut spans: Option<(usize, Option<Spans>)> = None;
        for item in pending {
            if spans.as_ref().is_none_or(|(file, _)| *file != item.file) {
                let text = texts.get(item.file).and_then(Option::as_deref);
                spans = Some((item.file, text.and_then(Spans::read)));
            }
            let position = spans
                .as_ref()
                .and_then(|(_, s)| s.as_ref())
                .and_then(|s| s.find(&item.path));
            self.problems.push(Problem {
                at: Location {
                    file: self.name(item.file).to_owned(),
                    line: position.map(|p| p.0),
                    column: position.map(|p| p.1),
                    field: Some(item.path),
                },
                message: item.message,
            });
        }
        for (file, count) in self.per_file.iter().enumerate() {
            if *count > MAX_PROBLEMS_PER_FILE {
                self.problems.push(crate::files::problem(
                    self.names.get(file).map_or("", String::as_str),
                    format!(
                        "{} more problem(s) in this file are not listed; fix those above and validate again",
                        count - MAX_PROBLEMS_PER_FILE
                    ),
                ));
            }
        }
        let order: std::collections::HashMap<&str, usize> = self
            .names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.as_str(), i))
            .rev()
            .collect();
        self.problems.sort_by_key(|p| {
            (
                order.get(p.at.file.as_str()).copied().unwrap_or(usize::MAX),
                p.at.line.unwrap_or(u64::MAX),
                p.at.column.unwrap_or(0),
            )
        });
        self.problems
    }
}
