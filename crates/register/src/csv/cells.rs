//! A CSV header checked against an entity's columns, and typed access to one row's cells
//! that records a located problem for every cell it cannot read.

use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Utc};
use csv::StringRecord;
use draxis_protocol::types::{
    AssetKind, ControlStatus, Criticality, Direction, Frequency, RiskStatus,
};

use super::{Column, LIST_SEPARATOR};
use crate::problem::{Location, Problem};

/// The columns a file's header names, in order, checked against the entity's columns.
#[derive(Debug, Clone)]
pub(crate) struct Header {
    names: Vec<String>,
}

impl Header {
    /// Checks the header row (line 1): every required column present, no unknown or
    /// repeated column.
    pub(crate) fn check(
        file: &str,
        record: &StringRecord,
        columns: &[Column],
    ) -> Result<Self, Vec<Problem>> {
        let names: Vec<String> = record
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let name = if i == 0 {
                    name.trim_start_matches('\u{feff}')
                } else {
                    name
                };
                name.trim().to_owned()
            })
            .collect();
        let known: Vec<&str> = columns.iter().map(|c| c.name).collect();
        let mut problems = Vec::new();
        let at = |column: Option<u64>, field: Option<String>, message: String| Problem {
            at: Location {
                file: file.to_owned(),
                line: Some(1),
                column,
                field,
            },
            message,
        };
        for (i, name) in names.iter().enumerate() {
            if !known.contains(&name.as_str()) {
                problems.push(at(
                    Some(i as u64 + 1),
                    Some(name.clone()),
                    format!(
                        "unknown column `{name}`; the columns of this file are {}: rename or remove it",
                        known.join(", ")
                    ),
                ));
            } else if names.iter().take(i).any(|earlier| earlier == name) {
                problems.push(at(
                    Some(i as u64 + 1),
                    Some(name.clone()),
                    format!("the column `{name}` appears twice; keep one"),
                ));
            }
        }
        for column in columns.iter().filter(|c| c.required) {
            if !names.iter().any(|n| n == column.name) {
                problems.push(at(
                    None,
                    Some(column.name.to_owned()),
                    format!(
                        "the header has no `{}` column, which is required; add it (the first line names the columns)",
                        column.name
                    ),
                ));
            }
        }
        if problems.is_empty() {
            Ok(Self { names })
        } else {
            Err(problems)
        }
    }

    /// The 1-based position of a column, if the header has it.
    pub(crate) fn position(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name).map(|i| i + 1)
    }

    pub(crate) fn len(&self) -> usize {
        self.names.len()
    }
}

/// One row's cells, read by column name.
pub(crate) struct Cells<'a> {
    pub(crate) file: &'a str,
    pub(crate) line: u64,
    header: &'a Header,
    record: &'a StringRecord,
    pub(crate) problems: Vec<Problem>,
}

impl<'a> Cells<'a> {
    pub(crate) fn new(
        file: &'a str,
        line: u64,
        header: &'a Header,
        record: &'a StringRecord,
    ) -> Self {
        Self {
            file,
            line,
            header,
            record,
            problems: Vec::new(),
        }
    }

    /// The cell's text, or `None` when the header has no such column.
    fn raw(&self, name: &str) -> Option<&'a str> {
        let position = self.header.position(name)?;
        self.record.get(position - 1)
    }

    pub(crate) fn problem(&mut self, name: &str, message: String) {
        self.problems.push(Problem {
            at: Location {
                file: self.file.to_owned(),
                line: Some(self.line),
                column: self.header.position(name).map(|p| p as u64),
                field: Some(name.to_owned()),
            },
            message,
        });
    }

    /// Text as written (empty when the column is absent).
    pub(crate) fn text(&mut self, name: &str) -> String {
        self.raw(name).unwrap_or_default().to_owned()
    }

    /// Text, `None` when empty or absent.
    pub(crate) fn opt_text(&mut self, name: &str) -> Option<String> {
        self.raw(name)
            .filter(|t| !t.trim().is_empty())
            .map(str::to_owned)
    }

    /// Text with a default when empty or absent.
    pub(crate) fn text_or(&mut self, name: &str, default: &str) -> String {
        self.opt_text(name).unwrap_or_else(|| default.to_owned())
    }

    /// A `;`-separated list; items trimmed, empty items dropped.
    pub(crate) fn list(&mut self, name: &str) -> Vec<String> {
        self.raw(name)
            .unwrap_or_default()
            .split(LIST_SEPARATOR)
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .map(str::to_owned)
            .collect()
    }

    /// A value parsed from a non-empty cell; `None` (and a problem) when it cannot be.
    fn parsed<T>(
        &mut self,
        name: &str,
        what: &str,
        parse: impl Fn(&str) -> Option<T>,
    ) -> Option<T> {
        let text = self.raw(name).unwrap_or_default().trim();
        if text.is_empty() {
            self.problem(name, format!("the cell is empty; write {what}"));
            return None;
        }
        let value = parse(text);
        if value.is_none() {
            let shown: String = text.chars().take(40).collect();
            self.problem(name, format!("`{shown}` is not {what}; write {what}"));
        }
        value
    }

    /// Like [`Self::parsed`], but an empty or absent cell is `None` without a problem.
    fn opt_parsed<T>(
        &mut self,
        name: &str,
        what: &str,
        parse: impl Fn(&str) -> Option<T>,
    ) -> Option<T> {
        if self.raw(name).unwrap_or_default().trim().is_empty() {
            return None;
        }
        self.parsed(name, what, parse)
    }

    pub(crate) fn number(&mut self, name: &str) -> f64 {
        self.parsed(name, "a number (like 12.5)", |t| f64::from_str(t).ok())
            .unwrap_or(0.0)
    }

    pub(crate) fn opt_number(&mut self, name: &str) -> Option<f64> {
        self.opt_parsed(name, "a number (like 12.5)", |t| f64::from_str(t).ok())
    }

    pub(crate) fn whole<T: FromStr + Default>(&mut self, name: &str) -> T {
        self.parsed(name, "a whole number (like 3)", |t| T::from_str(t).ok())
            .unwrap_or_default()
    }

    pub(crate) fn whole_or<T: FromStr>(&mut self, name: &str, default: T) -> T {
        self.opt_parsed(name, "a whole number (like 3)", |t| T::from_str(t).ok())
            .unwrap_or(default)
    }

    pub(crate) fn flag(&mut self, name: &str) -> bool {
        self.opt_parsed(name, "`true` or `false`", |t| match t {
            "true" | "TRUE" | "True" => Some(true),
            "false" | "FALSE" | "False" => Some(false),
            _ => None,
        })
        .unwrap_or(false)
    }

    pub(crate) fn date(&mut self, name: &str) -> NaiveDate {
        self.parsed(name, "a date (YYYY-MM-DD)", |t| NaiveDate::from_str(t).ok())
            .unwrap_or_default()
    }

    pub(crate) fn opt_date(&mut self, name: &str) -> Option<NaiveDate> {
        self.opt_parsed(name, "a date (YYYY-MM-DD)", |t| NaiveDate::from_str(t).ok())
    }

    pub(crate) fn time(&mut self, name: &str) -> DateTime<Utc> {
        self.parsed(
            name,
            "a time in RFC 3339 (like 2025-03-31T00:00:00Z)",
            |t| {
                DateTime::parse_from_rfc3339(t)
                    .ok()
                    .map(|t| t.with_timezone(&Utc))
            },
        )
        .unwrap_or_default()
    }

    pub(crate) fn choice<E: Choice>(&mut self, name: &str) -> E {
        let what = format!("one of {}", E::names().join(", "));
        self.parsed(name, &what, E::parse_name).unwrap_or(E::FIRST)
    }
}

/// A closed set of values written by name (`higher_is_worse`, `open`...).
pub(crate) trait Choice: Sized + Copy {
    const FIRST: Self;
    fn parse_name(text: &str) -> Option<Self>;
    fn name(self) -> &'static str;
    fn names() -> Vec<&'static str>;
}

macro_rules! choice {
    ($($ty:ident => $first:ident),+ $(,)?) => {$(
        impl Choice for $ty {
            const FIRST: Self = $ty::$first;
            fn parse_name(text: &str) -> Option<Self> {
                $ty::parse(text)
            }
            fn name(self) -> &'static str {
                self.as_str()
            }
            fn names() -> Vec<&'static str> {
                $ty::ALL.iter().map(|v| v.as_str()).collect()
            }
        }
    )+};
}

choice!(
    Direction => HigherIsWorse,
    Frequency => Daily,
    RiskStatus => Open,
    ControlStatus => Planned,
    Criticality => Low,
    AssetKind => Server,
);
