//! The extractor: reads an artifact and proposes KRI observations, each with the value in
//! the KRI's unit, a confidence with its reasons, and the verbatim span it came from.
//!
//! The built-in extractor is deterministic. It recognises the shapes tools and AI clients
//! send — JSON (flat maps, metric lists, nested payloads, JSON lines), Markdown, HTML and
//! CSV/TSV tables, `key: value` / `key=value` / YAML-like lines and log lines, Prometheus
//! exposition text — and reads whatever is left as prose.

mod json;
mod lines;
mod prose;
mod table;

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use crate::figures::{Figure, convert};

use crate::vocabulary::{
    KriCatalog, LabelMatch, PhraseKind, Token, WordCache, WordClass, tokenize_cached,
};

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
    let head = &text[..text.len().min(4096)];
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

/// A figure with a label, before it is matched.
pub(crate) struct Labelled<'t> {
    /// The label as written (a cell, a key, a metric name).
    pub label: &'t str,
    /// Words around the label that narrow it (parent keys, headings, metric labels).
    pub context: &'t [Token],
    pub figure: Figure,
    /// Byte range of the evidence in the artifact.
    pub span: (usize, usize),
    pub observed_at: Option<String>,
    /// Text to look for an ISO date in, only if the figure becomes a candidate (a log
    /// line's timestamp).
    pub date_from: Option<&'t str>,
    /// Confidence of a clean match in this kind of structure.
    pub base: f64,
    /// What kind of structure held it, for the reasons.
    pub structure: &'static str,
    /// A unit written next to the figure (a "unit" column or field).
    pub unit_hint: Option<&'t str>,
    /// The KRI when the reader already matched it, with the reason.
    pub known: Option<(usize, String)>,
}

/// Why a candidate has its confidence; rendered into sentences only for the candidates
/// that become proposals.
#[derive(Debug, Clone)]
pub(crate) enum Reason {
    Fixed(&'static str),
    /// A structure's key is the KRI slug.
    SlugKey(&'static str),
    /// A structure's label matches the KRI's slug, name or alias.
    LabelMatch(&'static str, &'static str),
    ExtraWords(usize),
    /// Prose: the KRI's slug, name or alias next to the figure.
    ProseNear(&'static str),
    /// Prose: the words of the KRI's slug, name or alias around the figure.
    ProseScattered(&'static str),
    Distance(usize),
    Text(String),
}

impl Reason {
    fn render(&self) -> String {
        match self {
            Reason::Fixed(text) => (*text).to_string(),
            Reason::SlugKey(structure) => format!("{structure} key is the KRI slug"),
            Reason::LabelMatch(structure, how) => {
                format!("{structure} label matches the KRI {how}")
            }
            Reason::ExtraWords(n) => format!("{n} extra word(s) in the label"),
            Reason::ProseNear(how) => format!("prose: the KRI {how} is stated next to the figure"),
            Reason::ProseScattered(how) => {
                format!("prose: the words of the KRI {how} are scattered around the figure")
            }
            Reason::Distance(n) => format!("{n} words between the phrase and the figure"),
            Reason::Text(text) => text.clone(),
        }
    }
}

struct Candidate {
    kri: usize,
    value: f64,
    confidence: f64,
    reasons: Vec<Reason>,
    span: (usize, usize),
    observed_at: Option<String>,
}

/// What the candidates for one KRI add up to, folded as they arrive: the best so far,
/// and every candidate's value with where it starts (to report conflicting figures).
/// A long table repeats a KRI in thousands of rows; keeping only this per KRI keeps
/// extraction's memory flat.
struct KriCandidates {
    best: Candidate,
    values: Vec<(usize, f64)>,
}

impl KriCandidates {
    fn add(&mut self, candidate: Candidate) {
        self.values.push((candidate.span.0, candidate.value));
        // Highest confidence wins; among equals the earliest, and among identical
        // positions the latest stated.
        let better = candidate
            .confidence
            .total_cmp(&self.best.confidence)
            .then(self.best.span.0.cmp(&candidate.span.0));
        if better != std::cmp::Ordering::Less {
            self.best = candidate;
        }
    }
}

/// Gathers candidates from every recogniser, then settles conflicts.
pub(crate) struct Collector<'a> {
    pub catalog: &'a KriCatalog,
    pub text: &'a str,
    /// The candidate kept last: recognisers may still annotate it.
    pending: Option<Candidate>,
    /// Folded candidates, per KRI index.
    by_kri: Vec<Option<KriCandidates>>,
    kept: usize,
    pub skipped: u32,
    pub document_date: Option<String>,
    tokens: Vec<Token>,
    words: std::cell::RefCell<WordCache>,
    /// Reused text buffers for label normalization.
    buffers: (String, String),
    /// Reused buffer for candidate phrases.
    phrase_buffer: Vec<u32>,
    labels_seen: HashMap<String, Option<LabelMatch>, foldhash::fast::RandomState>,
    /// Matches by what a label's words are to the catalog (term and class of each, and
    /// the context's terms): all a match depends on, so labels that differ only in words
    /// no KRI uses ("site 12", "site 13") share an entry.
    shapes_seen: HashMap<Vec<u8>, Option<LabelMatch>, foldhash::fast::RandomState>,
    shape_buffer: Vec<u8>,
    slugs_seen: HashMap<String, Option<usize>, foldhash::fast::RandomState>,
}

/// Labels remembered per artifact: enough for every repeating key, bounded for tables
/// whose every row label is different.
const MEMO_LIMIT: usize = 4096;

impl<'a> Collector<'a> {
    fn new(catalog: &'a KriCatalog, text: &'a str) -> Self {
        Self {
            catalog,
            text,
            pending: None,
            by_kri: Vec::new(),
            kept: 0,
            skipped: 0,
            document_date: find_iso_date(&text[..floor_boundary(text, 2048)]),
            tokens: Vec::new(),
            words: Default::default(),
            buffers: Default::default(),
            phrase_buffer: Vec::new(),
            labels_seen: HashMap::default(),
            shapes_seen: HashMap::default(),
            shape_buffer: Vec::new(),
            slugs_seen: HashMap::default(),
        }
    }

    pub fn tokenize(&self, text: &str, base: usize) -> Vec<Token> {
        let mut out = Vec::with_capacity(text.len() / 5 + 1);
        self.tokenize_into(text, base, &mut out);
        out
    }

    /// [`Self::tokenize`] into a reused vector.
    pub fn tokenize_into(&self, text: &str, base: usize, out: &mut Vec<Token>) {
        out.clear();
        tokenize_cached(self.catalog, text, base, out, &mut self.words.borrow_mut());
    }

    /// Matches a labelled figure and keeps it as a candidate, or counts it as skipped.
    pub fn labelled(&mut self, item: Labelled<'_>) {
        let key = item
            .label
            .trim()
            .trim_matches(|c| c == '"' || c == '`' || c == '*');
        let mut figure = item.figure;
        if let Some(unit) = item.unit_hint
            && figure.unit == crate::figures::FigureUnit::None
        {
            figure = with_unit(figure, unit);
        }
        let mut reasons = Vec::new();
        let (kri, confidence) = if let Some((kri, reason)) = item.known {
            reasons.push(Reason::Text(reason));
            (kri, item.base)
        } else if let Some(kri) = self.slug_of(key) {
            reasons.push(Reason::SlugKey(item.structure));
            (kri, 0.99)
        } else {
            let Some(m) = self.match_label(key, item.context) else {
                self.skipped += 1;
                return;
            };
            if m.reference {
                // A target, a previous value or a change is not an observation.
                return;
            }
            let mut confidence = item.base;
            let how = match m.kind {
                PhraseKind::Slug => "slug",
                PhraseKind::Name => "name",
                PhraseKind::Alias => "alias",
            };
            reasons.push(Reason::LabelMatch(item.structure, how));
            if m.missing_word {
                confidence -= 0.08;
                reasons.push(Reason::Fixed(
                    "one word of the KRI's name is missing from the label",
                ));
            }
            if m.extra_words > 0 {
                confidence -= 0.03 * m.extra_words.min(5) as f64;
                reasons.push(Reason::ExtraWords(m.extra_words));
            }
            if m.ambiguous {
                confidence -= 0.25;
                reasons.push(Reason::Fixed("the label fits another KRI as well"));
            }
            let context_qualified = item.context.iter().any(|t| t.class == WordClass::Qualifier);
            if m.qualified || context_qualified {
                confidence -= 0.3;
                reasons.push(Reason::Fixed(
                    "the figure is qualified (a subset, estimate or draft)",
                ));
            }
            (m.kri, confidence)
        };
        let ratio_hint = {
            let l = key.to_ascii_lowercase();
            l.contains("ratio") || l.contains("fraction") || l.contains("share")
        };
        let observed_at = item
            .observed_at
            .or_else(|| item.date_from.and_then(find_iso_date))
            .or_else(|| self.document_date.clone());
        let span = item.span;
        if !self.keep(
            kri,
            &figure,
            ratio_hint,
            confidence,
            reasons,
            span,
            observed_at,
        ) {
            self.skipped += 1;
        }
    }

    /// Converts `figure` into the KRI's unit and keeps it as a candidate, lowering the
    /// confidence for an assumed unit or an approximation; false when the figure cannot be
    /// a value of that KRI.
    #[allow(clippy::too_many_arguments)]
    fn keep(
        &mut self,
        kri: usize,
        figure: &Figure,
        ratio_hint: bool,
        mut confidence: f64,
        mut reasons: Vec<Reason>,
        span: (usize, usize),
        observed_at: Option<String>,
    ) -> bool {
        let Some(converted) = convert(figure, self.catalog.unit(kri), ratio_hint) else {
            return false;
        };
        confidence -= converted.penalty;
        if let Some(note) = converted.note {
            reasons.push(Reason::Fixed(note));
        }
        if figure.approximate {
            confidence -= 0.15;
            reasons.push(Reason::Fixed("the figure is approximate"));
        }
        self.fold_pending();
        self.pending = Some(Candidate {
            kri,
            value: converted.value,
            confidence,
            reasons,
            span,
            observed_at,
        });
        self.kept += 1;
        true
    }

    /// Moves the candidate kept last into its KRI's fold.
    fn fold_pending(&mut self) {
        let Some(candidate) = self.pending.take() else {
            return;
        };
        if self.by_kri.len() <= candidate.kri {
            self.by_kri.resize_with(candidate.kri + 1, || None);
        }
        match &mut self.by_kri[candidate.kri] {
            Some(group) => group.add(candidate),
            slot @ None => {
                *slot = Some(KriCandidates {
                    values: vec![(candidate.span.0, candidate.value)],
                    best: candidate,
                });
            }
        }
    }

    /// The KRI whose slug `key` spells (context never changes that), remembered per label.
    fn slug_of(&mut self, key: &str) -> Option<usize> {
        // A label with more letters and digits than the longest slug spells none; checked
        // before the memo, as such labels (table rows) are mostly all different.
        if key.bytes().filter(u8::is_ascii_alphanumeric).count() > self.catalog.longest_slug() {
            return None;
        }
        if let Some(known) = self.slugs_seen.get(key) {
            return *known;
        }
        let found = {
            let (mut human, mut snaked) = std::mem::take(&mut self.buffers);
            snake_into(key, &mut human, &mut snaked);
            let found = self.catalog.by_slug(&snaked);
            self.buffers = (human, snaked);
            found
        };
        if self.slugs_seen.len() < MEMO_LIMIT {
            self.slugs_seen.insert(key.to_string(), found);
        }
        found
    }

    /// Matches a label; labels without context repeat (log keys, CSV rows, metric
    /// names), so their matches are remembered for the rest of the artifact.
    fn match_label(&mut self, key: &str, context: &[Token]) -> Option<LabelMatch> {
        // Only the catalog terms of the context affect the match, so they key the memo
        // (without any, the label alone does, and is looked up without a copy).
        let context_terms = context.iter().any(|t| t.term.is_some());
        let memo_key = if context_terms {
            let mut k = String::with_capacity(key.len() + 4 * context.len());
            k.push_str(key);
            for term in context.iter().filter_map(|t| t.term) {
                k.push('\0');
                k.push_str(&term.to_string());
            }
            Some(k)
        } else {
            None
        };
        if let Some(known) = self.labels_seen.get(memo_key.as_deref().unwrap_or(key)) {
            return known.clone();
        }
        let mut tokens = std::mem::take(&mut self.tokens);
        tokens.clear();
        let (mut human, snaked) = std::mem::take(&mut self.buffers);
        // Labels with no case changes or `_.-` read the same humanized.
        let plain = key
            .bytes()
            .all(|b| !matches!(b, b'_' | b'.' | b'-' | b'A'..=b'Z'));
        let words: &str = if plain {
            key
        } else {
            humanize_into(key, &mut human);
            &human
        };
        tokenize_cached(
            self.catalog,
            words,
            0,
            &mut tokens,
            &mut self.words.borrow_mut(),
        );
        self.buffers = (human, snaked);
        let mut shape = std::mem::take(&mut self.shape_buffer);
        shape.clear();
        for token in &tokens {
            shape.extend_from_slice(&token.term.map_or(u32::MAX, |t| t).to_le_bytes());
            shape.push(token.class as u8);
        }
        shape.push(0xff);
        for term in context.iter().filter_map(|t| t.term) {
            shape.extend_from_slice(&term.to_le_bytes());
        }
        let found = match self.shapes_seen.get(shape.as_slice()) {
            Some(known) => known.clone(),
            None => {
                let found =
                    self.catalog
                        .match_label_with(&tokens, context, &mut self.phrase_buffer);
                if self.shapes_seen.len() < MEMO_LIMIT {
                    self.shapes_seen.insert(shape.clone(), found.clone());
                }
                found
            }
        };
        self.shape_buffer = shape;
        self.tokens = tokens;
        if self.labels_seen.len() < MEMO_LIMIT {
            self.labels_seen
                .insert(memo_key.unwrap_or_else(|| key.to_string()), found.clone());
        }
        found
    }

    /// Whether a table cell names a KRI (memoized like every label).
    pub fn names_a_kri(&mut self, cell: &str) -> bool {
        self.slug_of(cell.trim()).is_some() || self.match_label(cell, &[]).is_some()
    }

    /// A candidate found in prose (observed when the document says).
    pub fn prose(
        &mut self,
        kri: usize,
        figure: &Figure,
        confidence: f64,
        reasons: Vec<Reason>,
        span: (usize, usize),
    ) -> bool {
        let observed_at = self.document_date.clone();
        self.keep(kri, figure, false, confidence, reasons, span, observed_at)
    }

    pub fn candidate_count(&self) -> usize {
        self.kept
    }

    /// Adds a reason to the candidate just kept.
    pub fn note_last(&mut self, reason: &'static str) {
        if let Some(last) = self.pending.as_mut() {
            last.reasons.push(Reason::Fixed(reason));
            last.confidence = last.confidence.min(0.92);
        }
    }

    /// Adds a reason to the candidate just kept, leaving its confidence.
    pub fn note_last_plain(&mut self, reason: &str) {
        if let Some(last) = self.pending.as_mut() {
            last.reasons.push(Reason::Text(reason.to_string()));
        }
    }

    /// Makes the candidate just kept cite from `start` (a table header above its row).
    pub fn widen_last(&mut self, start: usize) {
        if let Some(last) = self.pending.as_mut() {
            last.span.0 = last.span.0.min(start);
        }
    }

    fn finish(mut self) -> Extraction {
        self.fold_pending();
        let Self {
            text,
            by_kri,
            skipped,
            ..
        } = self;
        let document_qualifier = document_qualifier(text);
        let mut proposals = Vec::new();
        for group in by_kri.into_iter().flatten() {
            let KriCandidates {
                best: mut chosen,
                mut values,
            } = group;
            let stated = values.len();
            // The other figures in the order the artifact states them.
            values.sort_by_key(|(start, _)| *start);
            let value = chosen.value;
            let others: Vec<f64> = values
                .iter()
                .map(|(_, v)| *v)
                .filter(|v| (v - value).abs() > 1e-9 * value.abs().max(1.0))
                .collect();
            if !others.is_empty() {
                chosen.confidence -= 0.3;
                let shown: Vec<String> = others.iter().take(5).map(|v| v.to_string()).collect();
                let more = others.len().saturating_sub(shown.len());
                chosen.reasons.push(Reason::Text(format!(
                    "the artifact also gives {}{} for this KRI",
                    shown.join(", "),
                    if more > 0 {
                        format!(" and {more} more value(s)")
                    } else {
                        String::new()
                    }
                )));
            } else if stated > 1 {
                chosen.reasons.push(Reason::Text(format!(
                    "stated {stated} times with the same value"
                )));
            }
            if let Some(word) = &document_qualifier {
                chosen.confidence -= 0.2;
                chosen.reasons.push(Reason::Text(format!(
                    "the artifact describes a qualified population or draft figures (\"{word}\")"
                )));
            }
            let confidence = (chosen.confidence.clamp(0.05, 0.99) * 100.0).round() / 100.0;
            proposals.push(Proposal {
                kri: chosen.kri,
                value: chosen.value,
                observed_at: chosen.observed_at.as_deref().and_then(stated_time),
                confidence,
                reasons: chosen.reasons.iter().map(Reason::render).collect(),
                span: span_of(text, chosen.span),
            });
        }
        proposals.sort_by_key(|p| p.span.line_start);
        Extraction { proposals, skipped }
    }
}

/// Words near the top of the artifact that say its figures are not the whole population or
/// not final ("from the contractor tenant", "draft").
fn document_qualifier(text: &str) -> Option<String> {
    const WORDS: &[&str] = &[
        "contractor",
        "contractors",
        "preliminary",
        "draft",
        "unverified",
        "provisional",
        "subset",
        "pilot",
    ];
    // A report says whose figures it holds near its top: one byte pass over the first
    // 4 KiB, comparing only words of a qualifier's length and first letter.
    let head = &text.as_bytes()[..floor_boundary(text, 4096)];
    let mut start = None;
    for (i, b) in head.iter().chain(std::iter::once(&b' ')).enumerate() {
        if b.is_ascii_alphanumeric() {
            start.get_or_insert(i);
            continue;
        }
        let Some(from) = start.take() else { continue };
        let word = &head[from..i];
        if !(5..=11).contains(&word.len())
            || !matches!(
                word[0].to_ascii_lowercase(),
                b'c' | b'p' | b'd' | b'u' | b's'
            )
            || head.get(i).is_some_and(|n| *n >= 0x80)
            || (from > 0 && head[from - 1] >= 0x80)
        {
            continue;
        }
        if let Some(q) = WORDS
            .iter()
            .find(|q| q.as_bytes().eq_ignore_ascii_case(word))
        {
            return Some(q.trim_end_matches('s').to_string());
        }
    }
    None
}

fn floor_boundary(text: &str, mut at: usize) -> usize {
    if at >= text.len() {
        return text.len();
    }
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// The 1-based lines and the verbatim excerpt (at most 400 bytes) of a byte range.
fn span_of(text: &str, (start, end): (usize, usize)) -> Span {
    let start = floor_boundary(text, start);
    let end = floor_boundary(text, end.max(start));
    let raw = &text[start..end];
    let trimmed_start = start + (raw.len() - raw.trim_start().len());
    let trimmed_end = trimmed_start + raw.trim().len();
    let excerpt_end = floor_boundary(text, trimmed_end.min(trimmed_start + 400));
    let line_start = 1 + text.as_bytes()[..trimmed_start]
        .iter()
        .filter(|b| **b == b'\n')
        .count();
    let line_end = line_start
        + text.as_bytes()[trimmed_start..trimmed_end]
            .iter()
            .filter(|b| **b == b'\n')
            .count();
    Span {
        line_start: line_start as u32,
        line_end: line_end as u32,
        excerpt: text[trimmed_start..excerpt_end].to_string(),
    }
}

fn with_unit(mut figure: Figure, unit: &str) -> Figure {
    use crate::figures::FigureUnit as U;
    figure.unit = match unit.trim().to_ascii_lowercase().as_str() {
        "%" | "percent" | "pct" | "percentage" => U::Percent,
        "h" | "hr" | "hrs" | "hour" | "hours" => U::Hours,
        "d" | "day" | "days" => U::Days,
        "min" | "mins" | "minute" | "minutes" => U::Minutes,
        "s" | "sec" | "secs" | "second" | "seconds" => U::Seconds,
        "w" | "week" | "weeks" => U::Weeks,
        "usd" | "$" | "eur" | "gbp" => U::Currency,
        _ => U::None,
    };
    figure
}

/// `mfaCoveragePct` → `mfa Coverage Pct`, `edr.coverage-pct` → `edr coverage pct`.
pub(crate) fn humanize(key: &str) -> String {
    let mut out = String::with_capacity(key.len() + 4);
    humanize_into(key, &mut out);
    out
}

/// [`humanize`] into a reused buffer.
pub(crate) fn humanize_into(key: &str, out: &mut String) {
    out.clear();
    if key.is_ascii() {
        // Bytes, without Unicode tables: the common case.
        let mut prev_lower = false;
        for &b in key.as_bytes() {
            if b.is_ascii_uppercase() && prev_lower {
                out.push(' ');
            }
            prev_lower = b.is_ascii_lowercase() || b.is_ascii_digit();
            out.push(if matches!(b, b'_' | b'.' | b'-') {
                ' '
            } else {
                b as char
            });
        }
        return;
    }
    let mut prev_lower = false;
    for c in key.chars() {
        if c.is_uppercase() && prev_lower {
            out.push(' ');
        }
        prev_lower = c.is_lowercase() || c.is_ascii_digit();
        out.push(if c == '_' || c == '.' || c == '-' {
            ' '
        } else {
            c
        });
    }
}

/// `mfaCoveragePct` / `MFA Coverage Pct` → `mfa_coverage_pct`, to compare with slugs,
/// through reused buffers.
fn snake_into(key: &str, human: &mut String, out: &mut String) {
    humanize_into(key, human);
    out.clear();
    if human.is_ascii() {
        for word in human
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
        {
            if !out.is_empty() {
                out.push('_');
            }
            out.push_str(word);
        }
        out.make_ascii_lowercase();
        return;
    }
    for word in human
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push('_');
        }
        for c in word.chars() {
            out.extend(c.to_lowercase());
        }
    }
}

/// A date [`find_iso_date`] found, as a time; `None` for a day or hour that does not exist
/// ("2026-02-30").
fn stated_time(rfc3339: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(rfc3339)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// The first ISO 8601 date (with its time, when given) in `text`, as RFC 3339.
pub(crate) fn find_iso_date(text: &str) -> Option<String> {
    let b = text.as_bytes();
    let digits = |from: usize, n: usize| {
        from + n <= b.len() && b[from..from + n].iter().all(u8::is_ascii_digit)
    };
    let mut i = 0;
    while i + 10 <= b.len() {
        if digits(i, 4)
            && b[i + 4] == b'-'
            && digits(i + 5, 2)
            && b[i + 7] == b'-'
            && digits(i + 8, 2)
            && (i == 0 || !b[i - 1].is_ascii_alphanumeric())
        {
            let date = &text[i..i + 10];
            let month: u32 = date[5..7].parse().ok()?;
            let day: u32 = date[8..10].parse().ok()?;
            if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
                i += 10;
                continue;
            }
            let mut time = "00:00:00".to_string();
            let rest = &b[i + 10..];
            if rest.len() >= 6
                && (rest[0] == b'T' || rest[0] == b' ')
                && digits(i + 11, 2)
                && rest[3] == b':'
                && digits(i + 14, 2)
            {
                time = format!("{}:{}:00", &text[i + 11..i + 13], &text[i + 14..i + 16]);
                if rest.len() >= 9 && rest[6] == b':' && digits(i + 17, 2) {
                    time = text[i + 11..i + 19].to_string();
                }
            }
            return Some(format!("{date}T{time}Z"));
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_found_in_iso_form() {
        assert_eq!(
            find_iso_date("generated 2026-11-22 03:10 UTC").as_deref(),
            Some("2026-11-22T03:10:00Z")
        );
        assert_eq!(
            find_iso_date("\"generated_at\": \"2026-11-21T06:00:00Z\"").as_deref(),
            Some("2026-11-21T06:00:00Z")
        );
        assert_eq!(find_iso_date("no date 2026-13-40 here"), None);
    }

    #[test]
    fn keys_read_as_words() {
        assert_eq!(humanize("mfaCoveragePct"), "mfa Coverage Pct");
        let snake = |key: &str| {
            let mut out = String::new();
            snake_into(key, &mut String::new(), &mut out);
            out
        };
        assert_eq!(snake("mfaCoveragePct"), "mfa_coverage_pct");
        assert_eq!(snake("MFA coverage pct"), "mfa_coverage_pct");
        assert_eq!(snake("Écart MFA"), "écart_mfa");
    }
}
