//! Candidates and how they settle: each candidate's reasons, the fold per KRI (the best
//! candidate and every value seen), and the proposals they become (conflicting figures
//! and a qualified document lower confidence; the span is cited verbatim).

use super::text::{floor_boundary, stated_time};
use super::{Extraction, Proposal, Span};

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

pub(crate) struct Candidate {
    pub kri: usize,
    pub value: f64,
    pub confidence: f64,
    pub reasons: Vec<Reason>,
    /// Byte range of the evidence in the artifact.
    pub span: (usize, usize),
    /// RFC 3339, as the artifact states it.
    pub observed_at: Option<String>,
}

/// What the candidates for one KRI add up to, folded as they arrive: the best so far,
/// and every candidate's value with where it starts (to report conflicting figures).
/// A long table repeats a KRI in thousands of rows; keeping only this per KRI keeps
/// extraction's memory flat.
pub(crate) struct KriCandidates {
    best: Candidate,
    values: Vec<(usize, f64)>,
}

impl KriCandidates {
    pub fn new(candidate: Candidate) -> Self {
        Self {
            values: vec![(candidate.span.0, candidate.value)],
            best: candidate,
        }
    }

    pub fn add(&mut self, candidate: Candidate) {
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

/// The proposals the folded candidates become, in the order the artifact states them.
pub(crate) fn settle(by_kri: Vec<Option<KriCandidates>>, text: &str, skipped: u32) -> Extraction {
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
