//! JSON artifacts: flat maps (`{"mfa_coverage_pct": 97.2}`), metric lists
//! (`[{"name": "EDR coverage", "value": 96.4, "unit": "%"}]`), nested API payloads and
//! JSON lines. A small parser keeps every value's byte range so spans stay verbatim.

use super::collector::{Collector, Labelled};
use super::text::{find_iso_date, humanize};
use crate::figures::{Figure, FigureUnit, first_figure};
use crate::vocabulary::Token;

#[derive(Debug)]
enum Value {
    Object(Vec<(Str, Node)>),
    Array(Vec<Node>),
    Str(String),
    Number(f64),
    Other,
}

#[derive(Debug)]
struct Str {
    text: String,
    start: usize,
}

#[derive(Debug)]
struct Node {
    value: Value,
    start: usize,
    end: usize,
}

const MAX_DEPTH: usize = 64;

struct Parser<'a> {
    b: &'a [u8],
    text: &'a str,
    i: usize,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while self.i < self.b.len() && self.b[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
    }

    fn node(&mut self, depth: usize) -> Option<Node> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.ws();
        let start = self.i;
        let value = match *self.b.get(self.i)? {
            b'{' => {
                self.i += 1;
                let mut members = Vec::new();
                self.ws();
                if self.b.get(self.i) == Some(&b'}') {
                    self.i += 1;
                } else {
                    loop {
                        self.ws();
                        let key_start = self.i;
                        let key = self.string()?;
                        self.ws();
                        if self.b.get(self.i) != Some(&b':') {
                            return None;
                        }
                        self.i += 1;
                        let value = self.node(depth + 1)?;
                        members.push((
                            Str {
                                text: key,
                                start: key_start,
                            },
                            value,
                        ));
                        self.ws();
                        match self.b.get(self.i)? {
                            b',' => self.i += 1,
                            b'}' => {
                                self.i += 1;
                                break;
                            }
                            _ => return None,
                        }
                    }
                }
                Value::Object(members)
            }
            b'[' => {
                self.i += 1;
                let mut items = Vec::new();
                self.ws();
                if self.b.get(self.i) == Some(&b']') {
                    self.i += 1;
                } else {
                    loop {
                        items.push(self.node(depth + 1)?);
                        self.ws();
                        match self.b.get(self.i)? {
                            b',' => self.i += 1,
                            b']' => {
                                self.i += 1;
                                break;
                            }
                            _ => return None,
                        }
                    }
                }
                Value::Array(items)
            }
            b'"' => Value::Str(self.string()?),
            b't' | b'f' | b'n' => {
                for word in ["true", "false", "null"] {
                    if self.b[self.i..].starts_with(word.as_bytes()) {
                        self.i += word.len();
                        return Some(Node {
                            value: Value::Other,
                            start,
                            end: self.i,
                        });
                    }
                }
                return None;
            }
            _ => {
                while self.i < self.b.len()
                    && matches!(
                        self.b[self.i],
                        b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9'
                    )
                {
                    self.i += 1;
                }
                Value::Number(self.text[start..self.i].parse().ok()?)
            }
        };
        Some(Node {
            value,
            start,
            end: self.i,
        })
    }

    fn string(&mut self) -> Option<String> {
        if self.b.get(self.i) != Some(&b'"') {
            return None;
        }
        self.i += 1;
        let start = self.i;
        let mut escaped = false;
        while self.i < self.b.len() {
            match self.b[self.i] {
                b'\\' => {
                    escaped = true;
                    self.i += 2;
                }
                b'"' => {
                    let raw = &self.text[start..self.i];
                    self.i += 1;
                    return Some(if escaped {
                        serde_json::from_str(&format!("\"{raw}\""))
                            .unwrap_or_else(|_| raw.to_string())
                    } else {
                        raw.to_string()
                    });
                }
                _ => self.i += 1,
            }
        }
        None
    }
}

fn parse(text: &str, base: usize) -> Option<Node> {
    let mut p = Parser {
        b: text.as_bytes(),
        text,
        i: 0,
    };
    let mut node = p.node(0)?;
    p.ws();
    if p.i != text.len() {
        return None;
    }
    shift(&mut node, base);
    Some(node)
}

fn shift(node: &mut Node, base: usize) {
    if base == 0 {
        return;
    }
    node.start += base;
    node.end += base;
    match &mut node.value {
        Value::Object(members) => {
            for (k, v) in members {
                k.start += base;
                shift(v, base);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|n| shift(n, base)),
        _ => {}
    }
}

/// A whole-document JSON artifact; false when it does not parse.
pub(crate) fn scan(c: &mut Collector<'_>, text: &str) -> bool {
    let Some(root) = parse(text, 0) else {
        return false;
    };
    walk(c, &root, &[], None);
    true
}

/// JSON lines (one object per line, as loggers write them); false unless most non-empty
/// lines are JSON objects.
pub(crate) fn scan_lines(c: &mut Collector<'_>, text: &str) -> bool {
    let mut objects = Vec::new();
    let mut other = 0;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        if trimmed.starts_with('{') {
            let lead = line.len() - line.trim_start().len();
            match parse(trimmed, offset + lead) {
                Some(node) => objects.push(node),
                None => other += 1,
            }
        } else if !trimmed.is_empty() {
            other += 1;
        }
        offset += line.len();
        if objects.is_empty() && other > 2 {
            return false;
        }
    }
    if objects.len() < 2 || other > objects.len() / 4 {
        return false;
    }
    for node in &objects {
        walk(c, node, &[], None);
    }
    true
}

const NAME_KEYS: &[&str] = &[
    "name",
    "metric",
    "metric_name",
    "metricname",
    "label",
    "title",
    "key",
    "kri",
    "slug",
    "indicator",
    "measure",
    "id",
    "field",
    "check",
];
const VALUE_KEYS: &[&str] = &[
    "value",
    "current",
    "current_value",
    "currentvalue",
    "val",
    "count",
    "amount",
    "latest",
    "result",
    "actual",
    "observed",
    "reading",
    "score",
    "pct",
    "percent",
    "percentage",
];
const REFERENCE_KEYS: &[&str] = &[
    "target",
    "goal",
    "objective",
    "previous",
    "prior",
    "baseline",
    "threshold",
    "sla",
    "change",
    "delta",
    "diff",
    "limit",
    "budget",
    "expected",
    "forecast",
    "min",
    "max",
    "warn",
    "critical_threshold",
    "last_week",
    "last_month",
    "last_quarter",
];
const DATE_KEYS: &[&str] = &[
    "as_of",
    "asof",
    "generated_at",
    "generatedat",
    "timestamp",
    "date",
    "observed_at",
    "observedat",
    "collected_at",
    "collectedat",
    "reported_at",
    "reportedat",
    "time",
    "period_end",
    "periodend",
    "snapshot_date",
    "snapshotdate",
    "updated_at",
    "updatedat",
];

fn normalized_key(key: &str) -> String {
    key.chars()
        .filter(|c| c.is_alphanumeric() || *c == '_')
        .collect::<String>()
        .to_ascii_lowercase()
}

fn figure_of(c: &Collector<'_>, node: &Node) -> Option<Figure> {
    match &node.value {
        Value::Number(v) => Some(Figure {
            value: *v,
            unit: FigureUnit::None,
            start: node.start,
            end: node.end,
            approximate: false,
            fractional: c.text[node.start..node.end].contains(['.', 'e', 'E']),
            year_like: false,
            spelled: false,
        }),
        Value::Str(s) if s.len() <= 32 => first_figure(s, node.start).filter(|f| {
            // The whole string must be the figure ("96.4%", "1,412"), not a sentence.
            s.trim().len() <= f.end - f.start + 2
        }),
        _ => None,
    }
}

fn walk(c: &mut Collector<'_>, node: &Node, path: &[&str], date: Option<String>) {
    match &node.value {
        Value::Array(items) => {
            for item in items {
                walk(c, item, path, date.clone());
            }
        }
        Value::Object(members) => {
            let mut date = date;
            for (k, v) in members {
                if DATE_KEYS.contains(&normalized_key(&k.text).as_str())
                    && let Value::Str(s) = &v.value
                    && let Some(d) = find_iso_date(s)
                {
                    date = Some(d);
                }
            }
            let lookup = |keys: &[&str]| {
                members
                    .iter()
                    .find(|(k, _)| keys.contains(&normalized_key(&k.text).as_str()))
            };
            let context = context_tokens(c, path);
            // {"name": "EDR coverage", "value": 96.4, "unit": "%"}
            if let Some((_, name)) = lookup(NAME_KEYS)
                && let Value::Str(label) = &name.value
                && let Some((_, value)) = lookup(VALUE_KEYS)
                && let Some(figure) = figure_of(c, value)
            {
                let unit = lookup(&["unit", "units", "uom"]).and_then(|(_, u)| match &u.value {
                    Value::Str(s) => Some(s.as_str()),
                    _ => None,
                });
                c.labelled(Labelled {
                    label,
                    context: &context,
                    figure,
                    span: (node.start, node.end),
                    observed_at: date.clone(),
                    date_from: None,
                    base: 0.96,
                    structure: "JSON metric",
                    unit_hint: unit,
                    known: None,
                });
                return;
            }
            let parent = path.last().copied();
            for (k, v) in members {
                let key = normalized_key(&k.text);
                if let Some(figure) = figure_of(c, v) {
                    if REFERENCE_KEYS.contains(&key.as_str()) {
                        continue;
                    }
                    if DATE_KEYS.contains(&key.as_str()) || NAME_KEYS.contains(&key.as_str()) {
                        continue;
                    }
                    // {"patch_compliance": {"value": 91.3, "target": 95}}
                    let label = match parent {
                        Some(p) if VALUE_KEYS.contains(&key.as_str()) => p,
                        _ => k.text.as_str(),
                    };
                    let sibling_unit = members
                        .iter()
                        .find(|(k, _)| {
                            matches!(normalized_key(&k.text).as_str(), "unit" | "units" | "uom")
                        })
                        .and_then(|(_, u)| match &u.value {
                            Value::Str(s) => Some(s.as_str()),
                            _ => None,
                        });
                    c.labelled(Labelled {
                        label,
                        context: &context,
                        figure,
                        span: (k.start, v.end),
                        observed_at: date.clone(),
                        date_from: None,
                        base: 0.97,
                        structure: "JSON",
                        unit_hint: sibling_unit,
                        known: None,
                    });
                } else if matches!(v.value, Value::Object(_) | Value::Array(_)) {
                    let mut child_path = path.to_vec();
                    child_path.push(&k.text);
                    walk(c, v, &child_path, date.clone());
                }
            }
        }
        _ => {}
    }
}

fn context_tokens(c: &Collector<'_>, path: &[&str]) -> Vec<Token> {
    let mut out = Vec::new();
    for key in path {
        out.extend(c.tokenize(&humanize(key), 0));
    }
    out
}
