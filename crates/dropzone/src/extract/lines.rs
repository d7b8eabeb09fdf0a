//! Line-oriented text: Markdown pipe tables, `key: value` / `key = value` lines (YAML-like
//! nesting and Markdown headings give context), logfmt and log lines, Prometheus
//! exposition samples. Lines that are none of these are handed to the prose reader.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use super::collector::{Collector, Labelled};
use super::prose;
use super::table::{self, Row};
use super::text::humanize;
use crate::figures::{Figure, figures};
use crate::vocabulary::{Token, introduces_reference, last_words_include};

struct Sample {
    name: String,
    labels: String,
    figure: Figure,
    start: usize,
    end: usize,
}

pub(crate) fn scan(c: &mut Collector<'_>, text: &str) {
    let lines: Vec<(usize, &str)> = {
        let mut offset = 0;
        text.split_inclusive('\n')
            .map(|l| {
                let at = offset;
                offset += l.len();
                (at, l.trim_end_matches(['\n', '\r']))
            })
            .collect()
    };
    let mut paragraph: Option<(usize, usize)> = None;
    let flush = |c: &mut Collector<'_>, paragraph: &mut Option<(usize, usize)>| {
        if let Some((a, b)) = paragraph.take() {
            prose::scan(c, &text[a..b], a);
        }
    };
    let mut yaml: Vec<(usize, String)> = Vec::new();
    let mut item: Option<ListItem> = None;
    // The words of the current Markdown heading, tokenized once.
    let mut heading: Vec<Token> = Vec::new();
    let mut help: Vec<(String, String)> = Vec::new();
    let mut samples: Vec<Sample> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let (at, line) = lines[i];
        let trimmed = line.trim();
        if trimmed.is_empty() {
            flush(c, &mut paragraph);
            i += 1;
            continue;
        }
        // Markdown pipe table.
        if trimmed.starts_with('|')
            || (trimmed.contains('|')
                && lines
                    .get(i + 1)
                    .is_some_and(|(_, l)| table::is_markdown_separator(l)))
        {
            flush(c, &mut paragraph);
            let mut j = i;
            while j < lines.len() && lines[j].1.contains('|') {
                j += 1;
            }
            let block = &lines[i..j];
            let has_header = block.len() > 1 && table::is_markdown_separator(block[1].1);
            let rows: Vec<Row<'_>> = block
                .iter()
                .filter(|(_, l)| !table::is_markdown_separator(l))
                .map(|(a, l)| Row {
                    cells: table::markdown_cells(l, *a),
                    start: *a,
                    end: *a + l.len(),
                })
                .collect();
            if !rows.is_empty() {
                let (header, body) = if has_header {
                    (Some(&rows[0]), &rows[1..])
                } else {
                    (None, &rows[..])
                };
                table::read(c, header, body, "Markdown table row");
            }
            i = j;
            continue;
        }
        if let Some(rest) = trimmed.strip_prefix("# HELP ") {
            let (name, doc) = rest.split_once(' ').unwrap_or((rest, ""));
            help.push((name.to_string(), doc.to_string()));
            i += 1;
            continue;
        }
        if trimmed.starts_with("# TYPE ") || trimmed.starts_with("# EOF") {
            i += 1;
            continue;
        }
        if trimmed.starts_with('#') {
            // A Markdown heading gives context to the lines under it.
            flush(c, &mut paragraph);
            heading = c.tokenize(trimmed.trim_start_matches('#').trim(), 0);
            yaml.clear();
            i += 1;
            continue;
        }
        if let Some(sample) = prometheus_sample(line, at) {
            flush(c, &mut paragraph);
            samples.push(sample);
            i += 1;
            continue;
        }
        if logfmt(c, line, at) {
            flush(c, &mut paragraph);
            i += 1;
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        match key_value(c, line, at, indent, &mut yaml, &heading, &mut item) {
            LineUse::Consumed => {
                flush(c, &mut paragraph);
            }
            LineUse::Prose => {
                let end = at + line.len();
                paragraph = Some(paragraph.map_or((at, end), |(a, _)| (a, end)));
            }
        }
        i += 1;
    }
    flush(c, &mut paragraph);
    prometheus(c, &samples, &help);
}

/// The open item of a YAML list of metrics.
struct ListItem {
    label: String,
    start: usize,
    indent: usize,
}

const ITEM_NAME_KEYS: &[&str] = &[
    "name",
    "metric",
    "kri",
    "label",
    "title",
    "indicator",
    "measure",
];
const ITEM_VALUE_KEYS: &[&str] = &[
    "value", "current", "count", "result", "reading", "actual", "latest",
];

enum LineUse {
    Consumed,
    Prose,
}

/// Strips list markers and emphasis: "- ", "* ", "• ", "1. ", "**".
fn strip_marker(line: &str) -> (&str, usize) {
    let trimmed = line.trim_start();
    let lead = line.len() - trimmed.len();
    for marker in ["- ", "* ", "+ ", "• ", "· "] {
        if let Some(rest) = trimmed.strip_prefix(marker) {
            return (rest, lead + marker.len());
        }
    }
    let digits = trimmed.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 && digits < 3 && trimmed[digits..].starts_with(". ") {
        return (&trimmed[digits + 2..], lead + digits + 2);
    }
    (trimmed, lead)
}

/// Splits "key: value", "key = value", "key — value", "key\tvalue".
fn split_key_value(body: &str) -> Option<(&str, &str, usize)> {
    let b = body.as_bytes();
    // Only these bytes can start a separator (0xE2 starts the dashes); memchr finds them
    // with SIMD, which matters on long prose lines that have none.
    let separators = memchr::memchr3_iter(b':', b'=', b'\t', b);
    let dashes = memchr::memchr_iter(0xE2, b);
    let mut candidates: Vec<usize> = separators.chain(dashes).collect();
    candidates.sort_unstable();
    for i in candidates {
        let Some(ch) = body[i..].chars().next() else {
            continue;
        };
        match ch {
            ':' if b
                .get(i + 1)
                .is_none_or(|n| matches!(n, b' ' | b'\t' | b'*' | b'_')) =>
            {
                // "**Patch compliance:** 91%": the emphasis closes after the colon.
                let mut v = i + 1;
                while b.get(v).is_some_and(|n| matches!(n, b'*' | b'_')) {
                    v += 1;
                }
                return Some((&body[..i], &body[v..], v));
            }
            '=' => return Some((&body[..i], &body[i + 1..], i + 1)),
            '\t' => return Some((&body[..i], &body[i + 1..], i + 1)),
            '—' | '–' if i > 0 && b[i - 1] == b' ' => {
                return Some((&body[..i], &body[i + ch.len_utf8()..], i + ch.len_utf8()));
            }
            _ => {}
        }
    }
    None
}

/// Words before a figure in a value that make it the past one: a `key: value` line states
/// the current value, so "was" introduces the previous one ("Patch compliance: was 88%,
/// now 91%"), where prose says "was" of the current figure ("MTTD was 31 hours").
const PAST_BEFORE: &[&str] = &["was"];

/// The observation among a value's figures: the first not introduced as a target or a
/// previous value, and not a year.
pub(crate) fn pick_figure(value: &str, base: usize, spelled: bool) -> Option<Figure> {
    figures(value, base, spelled).into_iter().find(|f| {
        !f.year_like && {
            let before = &value[..f.start - base];
            !introduces_reference(before) && !last_words_include(before, PAST_BEFORE)
        }
    })
}

fn key_value(
    c: &mut Collector<'_>,
    line: &str,
    at: usize,
    indent: usize,
    yaml: &mut Vec<(usize, String)>,
    heading: &[Token],
    item: &mut Option<ListItem>,
) -> LineUse {
    let (body, lead) = strip_marker(line);
    let body_at = at + lead;
    let starts_item = lead > indent;
    let Some((key, value, value_offset)) = split_key_value(body) else {
        return LineUse::Prose;
    };
    let key = key.trim().trim_matches('*').trim();
    if key.is_empty()
        || key.len() > 100
        || !key.chars().any(char::is_alphabetic)
        || key.split_whitespace().count() > 12
    {
        return LineUse::Prose;
    }
    while yaml.last().is_some_and(|(level, _)| *level >= indent) {
        yaml.pop();
    }
    let value_trimmed = value.trim();
    if value_trimmed.is_empty() {
        yaml.push((indent, key.to_string()));
        return LineUse::Consumed;
    }
    // A YAML list of metrics: `- name: Patch compliance` then `value: 91.3%`.
    let key_lower = key.to_ascii_lowercase();
    if starts_item || item.as_ref().is_some_and(|i| indent < i.indent) {
        *item = None;
    }
    if ITEM_NAME_KEYS.contains(&key_lower.as_str()) {
        *item = Some(ListItem {
            label: value_trimmed.trim_matches(['"', '\'']).to_string(),
            start: body_at,
            indent: if starts_item { lead } else { indent },
        });
        return LineUse::Consumed;
    }
    let value_at = body_at + value_offset;
    if ITEM_VALUE_KEYS.contains(&key_lower.as_str())
        && let Some(named) = item.as_ref()
        && let Some(figure) = pick_figure(value, value_at, false)
    {
        let label = named.label.clone();
        let start = named.start;
        c.labelled(Labelled {
            label: &label,
            context: heading,
            figure,
            span: (start, at + line.len()),
            observed_at: None,
            date_from: None,
            base: 0.96,
            structure: "YAML metric",
            unit_hint: None,
            known: None,
        });
        return LineUse::Consumed;
    }
    let Some(figure) = pick_figure(value, value_at, false) else {
        // "Stale accounts: unknown, the report timed out" states no value.
        return if value_trimmed.split_whitespace().count() <= 8 {
            LineUse::Consumed
        } else {
            LineUse::Prose
        };
    };
    // Parent keys and the heading narrow the label; without YAML parents the heading's
    // tokens are used as they are.
    let nested: Vec<Token>;
    let context: &[Token] = if yaml.is_empty() {
        heading
    } else {
        let mut tokens = Vec::new();
        for (_, parent) in yaml.iter() {
            tokens.extend(c.tokenize(&humanize(parent), 0));
        }
        tokens.extend_from_slice(heading);
        nested = tokens;
        &nested
    };
    let short_value = value_trimmed.split_whitespace().count() <= 6;
    let before = (c.candidate_count(), c.skipped);
    c.labelled(Labelled {
        label: key,
        context,
        figure,
        span: (body_at, at + line.len()),
        observed_at: None,
        date_from: None,
        base: 0.96,
        structure: "key-value",
        unit_hint: None,
        known: None,
    });
    if c.candidate_count() > before.0 {
        return LineUse::Consumed;
    }
    if short_value {
        LineUse::Consumed
    } else {
        // "Notes: the 12 overdue criticals are ..." is a sentence, not a pair.
        c.skipped = before.1;
        LineUse::Prose
    }
}

/// `level=info metric=patch_compliance value=91.3` or `edr_coverage_pct=96.4 stale=23`:
/// two or more `key=value` pairs without spaces around `=`.
fn logfmt(c: &mut Collector<'_>, line: &str, at: usize) -> bool {
    if !line.as_bytes().contains(&b'=') {
        return false;
    }
    let mut pairs: Vec<(&str, &str, usize, usize)> = Vec::with_capacity(8);
    let b = line.as_bytes();
    let mut i = 0;
    while i < b.len() {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        let start = i;
        let mut quoted = false;
        while i < b.len() && (quoted || !b[i].is_ascii_whitespace()) {
            if b[i] == b'"' {
                quoted = !quoted;
            }
            i += 1;
        }
        let word = &line[start..i];
        if let Some(eq) = word.find('=')
            && eq > 0
            && word[..eq]
                .bytes()
                .all(|x| x.is_ascii_alphanumeric() || matches!(x, b'_' | b'.' | b'-'))
        {
            pairs.push((&word[..eq], word[eq + 1..].trim_matches('"'), start, i));
        }
    }
    if pairs.len() < 2 {
        return false;
    }
    let find = |names: &[&str]| {
        pairs
            .iter()
            .find(|(k, ..)| names.iter().any(|n| n.eq_ignore_ascii_case(k)))
    };
    let label = find(&["metric", "name", "kri", "measure", "indicator", "key"]);
    let value = find(&["value", "val", "current", "count", "result", "reading"]);
    if let (Some(label), Some(value)) = (label, value)
        && let Some(figure) = pick_figure(value.1, at + value.3 - value.1.len(), false)
    {
        c.labelled(Labelled {
            label: label.1,
            context: &[],
            figure,
            span: (at + label.2.min(value.2), at + label.3.max(value.3)),
            observed_at: None,
            date_from: Some(line),
            base: 0.96,
            structure: "log line",
            unit_hint: find(&["unit", "units"]).map(|u| u.1),
            known: None,
        });
        return true;
    }
    for (key, value, start, end) in &pairs {
        let value_at = at + end - value.len() - usize::from(line[..*end].ends_with('"'));
        if let Some(figure) = crate::figures::first_figure(value, value_at)
            && value.trim().len() <= figure.end - figure.start + 1
        {
            c.labelled(Labelled {
                label: key,
                context: &[],
                figure,
                span: (at + start, at + end),
                observed_at: None,
                date_from: Some(line),
                base: 0.95,
                structure: "log field",
                unit_hint: None,
                known: None,
            });
        }
    }
    true
}

/// `name{label="x"} 2` or `name 2 [timestamp]`.
fn prometheus_sample(line: &str, at: usize) -> Option<Sample> {
    let b = line.as_bytes();
    if b.is_empty() || !(b[0].is_ascii_alphabetic() || b[0] == b'_') {
        return None;
    }
    let name_end = b
        .iter()
        .position(|x| !(x.is_ascii_alphanumeric() || *x == b'_' || *x == b':'))
        .unwrap_or(b.len());
    let name = &line[..name_end];
    if name.ends_with(':') || !name.contains('_') && b.get(name_end) != Some(&b'{') {
        return None;
    }
    let mut rest_at = name_end;
    let mut labels = String::new();
    if b.get(name_end) == Some(&b'{') {
        let close = line[name_end..].find('}')? + name_end;
        for pair in line[name_end + 1..close].split(',') {
            if let Some((_, v)) = pair.split_once('=') {
                labels.push(' ');
                labels.push_str(v.trim().trim_matches('"'));
            }
        }
        rest_at = close + 1;
    }
    let rest = &line[rest_at..];
    if !rest.starts_with(' ') {
        return None;
    }
    let mut parts = rest.split_whitespace();
    let value = parts.next()?;
    if parts.clone().count() > 1 || parts.any(|t| t.parse::<i64>().is_err()) {
        return None;
    }
    let v: f64 = value.parse().ok()?;
    if !v.is_finite() {
        return None;
    }
    let value_at = rest_at + rest.find(value)?;
    Some(Sample {
        name: name.to_string(),
        labels,
        figure: Figure {
            value: v,
            unit: crate::figures::FigureUnit::None,
            start: at + value_at,
            end: at + value_at + value.len(),
            approximate: false,
            fractional: value.contains('.'),
            year_like: false,
            spelled: false,
        },
        start: at,
        end: at + line.len(),
    })
}

/// Matches each sample by its name and label values; samples of one metric that land on
/// the same KRI are summed when the KRI counts things (`aws` 2 + `gcp` 0).
fn prometheus(c: &mut Collector<'_>, samples: &[Sample], help: &[(String, String)]) {
    // Group samples by metric name, keeping one sample per label set (the last): a series
    // scraped twice is one series, not two to add.
    let mut index: HashMap<(&str, &str), usize> = HashMap::new();
    let mut series: Vec<&Sample> = Vec::new();
    for sample in samples {
        match index.entry((sample.name.as_str(), sample.labels.as_str())) {
            Entry::Occupied(slot) => series[*slot.get()] = sample,
            Entry::Vacant(slot) => {
                slot.insert(series.len());
                series.push(sample);
            }
        }
    }
    series.sort_by(|a, b| a.name.cmp(&b.name));
    for members in series.chunk_by(|a, b| a.name == b.name) {
        let family = members[0].name.as_str();
        let doc = help
            .iter()
            .find(|(n, _)| n == family)
            .map(|(_, d)| d.as_str());
        let mut matched: Vec<(usize, &Sample)> = Vec::new();
        for sample in members {
            let label = format!("{}{}", humanize(family), sample.labels);
            let tokens = c.tokenize(&label, 0);
            let found = c.catalog.by_slug(family).or_else(|| {
                c.catalog
                    .match_label(&tokens, &[])
                    .map(|m| m.kri)
                    .or_else(|| {
                        doc.and_then(|d| {
                            let t = c.tokenize(&format!("{d}{}", sample.labels), 0);
                            c.catalog.match_label(&t, &[]).map(|m| m.kri)
                        })
                    })
            });
            if let Some(kri) = found {
                matched.push((kri, sample));
            }
        }
        if matched.is_empty() {
            c.skipped += 1;
            continue;
        }
        let mut kris: Vec<usize> = matched.iter().map(|(k, _)| *k).collect();
        kris.dedup();
        for kri in kris {
            let group: Vec<&Sample> = matched
                .iter()
                .filter(|(k, _)| *k == kri)
                .map(|(_, s)| *s)
                .collect();
            let counts = c.catalog.unit(kri) == crate::vocabulary::KriUnit::Count;
            let mut figure = group[0].figure;
            let mut note = None;
            if group.len() > 1 && counts {
                figure.value = group.iter().map(|s| s.figure.value).sum();
                note = Some(format!(
                    "sum of {} series ({})",
                    group.len(),
                    group
                        .iter()
                        .map(|s| format!("{}={}", s.labels.trim(), s.figure.value))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            let exact = c.catalog.by_slug(family) == Some(kri);
            let how = if exact {
                "Prometheus metric name is the KRI slug".to_string()
            } else {
                format!("Prometheus metric {family} matches the KRI")
            };
            let before = c.candidate_count();
            c.labelled(Labelled {
                label: family,
                context: &[],
                figure,
                span: (group[0].start, group[group.len() - 1].end),
                observed_at: None,
                date_from: None,
                base: if exact { 0.99 } else { 0.95 },
                structure: "Prometheus sample",
                unit_hint: None,
                known: Some((kri, how)),
            });
            if c.candidate_count() > before {
                if let Some(n) = note {
                    c.note_last_plain(&n);
                }
                if group.len() > 1 && !counts {
                    c.note_last("several series; took the first");
                }
            }
        }
    }
}
