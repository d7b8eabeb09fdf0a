//! The collector: every reader hands it labelled figures (or prose candidates); it
//! matches labels to KRIs, converts figures into the KRI's unit, scores them and folds
//! them per KRI.

use super::Extraction;
use super::candidates::{Candidate, KriCandidates, Reason, settle};
use super::labels::Labels;
use super::text::{find_iso_date, floor_boundary};
use crate::figures::{Figure, convert};
use crate::vocabulary::{KriCatalog, PhraseKind, Token, WordClass};

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
    /// Label matches remembered for this artifact, and its word cache.
    labels: Labels<'a>,
}

impl<'a> Collector<'a> {
    pub fn new(catalog: &'a KriCatalog, text: &'a str) -> Self {
        Self {
            catalog,
            text,
            pending: None,
            by_kri: Vec::new(),
            kept: 0,
            skipped: 0,
            document_date: find_iso_date(&text[..floor_boundary(text, 2048)]),
            labels: Labels::new(catalog),
        }
    }

    pub fn tokenize(&self, text: &str, base: usize) -> Vec<Token> {
        let mut out = Vec::with_capacity(text.len() / 5 + 1);
        self.tokenize_into(text, base, &mut out);
        out
    }

    /// [`Self::tokenize`] into a reused vector.
    pub fn tokenize_into(&self, text: &str, base: usize, out: &mut Vec<Token>) {
        self.labels.tokenize_into(text, base, out);
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
        } else if let Some(kri) = self.labels.slug_of(key) {
            reasons.push(Reason::SlugKey(item.structure));
            (kri, 0.99)
        } else {
            let Some(m) = self.labels.match_label(key, item.context) else {
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
            slot @ None => *slot = Some(KriCandidates::new(candidate)),
        }
    }

    /// Whether a table cell names a KRI (memoized like every label).
    pub fn names_a_kri(&mut self, cell: &str) -> bool {
        self.labels.slug_of(cell.trim()).is_some() || self.labels.match_label(cell, &[]).is_some()
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

    /// Settles every candidate into proposals.
    pub fn finish(mut self) -> Extraction {
        self.fold_pending();
        settle(self.by_kri, self.text, self.skipped)
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
