//! Prose: "patch compliance stands at 91.3%", "3 critical vendors without a current
//! assessment". Each clause pairs KRI phrases with the nearest figures; figures
//! introduced as previous values or targets ("down from 12", "goal of 95%") never pair.

use super::candidates::Reason;
use super::collector::Collector;
use crate::figures::{Figure, convert, figures};
use crate::vocabulary::{PhraseKind, Token, WordClass, introduces_reference};

/// Words after a figure that make it a past value ("12 previously").
const PAST_AFTER: &[&str] = &["previously", "earlier", "before"];

pub(crate) fn scan(c: &mut Collector<'_>, text: &str, base: usize) {
    let all = figures(text, base, true);
    if all.is_empty() {
        return;
    }
    // Figures and clauses are both in text order: walk them together, so a paragraph of
    // any length costs linear time.
    let mut next = 0;
    let mut in_clause: Vec<Figure> = Vec::new();
    let mut tokens = Vec::new();
    for (a, b) in clauses(text) {
        let clause = &text[a..b];
        let clause_at = base + a;
        while next < all.len() && all[next].start < clause_at {
            next += 1;
        }
        in_clause.clear();
        while next < all.len() && all[next].start < base + b {
            let f = all[next];
            next += 1;
            if f.end <= base + b && !f.year_like && is_observation(text, base, &f) {
                in_clause.push(f);
            }
        }
        if in_clause.is_empty() {
            continue;
        }
        c.tokenize_into(clause, clause_at, &mut tokens);
        if tokens.iter().all(|t| t.term.is_none()) {
            // No word of any KRI: every figure here is skipped.
            c.skipped += in_clause.iter().filter(|f| !f.spelled).count() as u32;
            continue;
        }
        let phrases = c.catalog.find_phrases(&tokens);
        pair(c, &tokens, &phrases, &in_clause);
    }
}

/// Clause ranges: sentences, split further at `;`, `, `, parentheses and dashes.
fn clauses(text: &str) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < b.len() {
        let cut = match b[i] {
            b'.' | b'!' | b'?' => {
                b.get(i + 1).is_none_or(|n| n.is_ascii_whitespace())
                    && !(i > 0
                        && b[i - 1].is_ascii_digit()
                        && b.get(i + 1).is_some_and(u8::is_ascii_digit))
            }
            b';' | b'(' | b')' | b'[' | b']' => true,
            b',' => b.get(i + 1).is_none_or(|n| *n == b' ' || *n == b'\n'),
            b'\n' => b
                .get(i + 1)
                .is_some_and(|n| matches!(n, b'-' | b'*' | b'+')),
            b' ' => {
                b.get(i + 1) == Some(&0xE2)
                    && (text[i..].starts_with(" — ") || text[i..].starts_with(" – "))
            }
            _ => false,
        };
        if cut {
            if i > start {
                out.push((start, i));
            }
            start = i + 1;
        }
        i += 1;
    }
    if start < b.len() {
        out.push((start, b.len()));
    }
    out
}

/// False for figures introduced as something other than the current observation.
fn is_observation(text: &str, base: usize, f: &Figure) -> bool {
    let local = f.start - base;
    let local_end = f.end - base;
    let from = local.saturating_sub(40);
    let from = (from..=local)
        .find(|i| text.is_char_boundary(*i))
        .unwrap_or(local);
    if introduces_reference(&text[from..local]) {
        return false;
    }
    let mut after = text[local_end..]
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(3);
    let first = after.next();
    let second = after.next();
    let third = after.next();
    let past = [first, second, third]
        .into_iter()
        .flatten()
        .any(|w| PAST_AFTER.iter().any(|p| p.eq_ignore_ascii_case(w)));
    // "12 last quarter": a figure followed by "last <period>" is the previous value.
    let last_period = first.is_some_and(|w| w.eq_ignore_ascii_case("last")) && second.is_some();
    !past && !last_period
}

fn token_index(tokens: &[Token], at: usize) -> usize {
    tokens.iter().take_while(|t| t.end <= at).count()
}

fn pair(
    c: &mut Collector<'_>,
    tokens: &[Token],
    phrases: &[crate::vocabulary::ProseMatch],
    figures: &[Figure],
) {
    // Candidate pairs with their distance in content words.
    let mut options: Vec<(usize, usize, usize)> = Vec::new();
    for (pi, p) in phrases.iter().enumerate() {
        let (p_start, p_end) = (tokens[p.first].start, tokens[p.last].end);
        for (fi, f) in figures.iter().enumerate() {
            if f.start < p_end && p_start < f.end {
                continue;
            }
            // Figures inside the phrase's own words ("> 30 days") are part of the name.
            if f.start >= p_start && f.end <= p_end {
                continue;
            }
            if convert(f, c.catalog.unit(p.kri), false).is_none() {
                continue;
            }
            let fi_tok = token_index(tokens, f.start);
            let (between, after) = if f.start >= p_end {
                (&tokens[p.last + 1..fi_tok.max(p.last + 1)], true)
            } else {
                (&tokens[fi_tok.min(p.first)..p.first], false)
            };
            let content = between
                .iter()
                .filter(|t| {
                    let glue = matches!(t.class, WordClass::Stop | WordClass::Soft);
                    let inside_figure = t.start >= f.start && t.end <= f.end;
                    !glue && !inside_figure
                })
                .count();
            // "target for patch compliance is 95%": a reference word just before the
            // phrase makes the whole statement a reference.
            let lead_in = &tokens[p.first.saturating_sub(3)..p.first];
            if between.iter().any(|t| t.class == WordClass::Reference)
                || lead_in.iter().any(|t| t.class == WordClass::Reference)
            {
                continue;
            }
            // Another phrase sits between them: the figure is that phrase's.
            if phrases.iter().any(|o| {
                let (o_start, o_end) = (tokens[o.first].start, tokens[o.last].end);
                if after {
                    o_start >= p_end && o_end <= f.start
                } else {
                    o_start >= f.end && o_end <= p_start
                }
            }) {
                continue;
            }
            let distance = if after { content } else { content + 1 };
            let limit = if after { 8 } else { 4 };
            if distance <= limit {
                options.push((distance, pi, fi));
            }
        }
    }
    options.sort_unstable();
    let mut used_phrase = vec![false; phrases.len()];
    let mut used_figure = vec![false; figures.len()];
    for (distance, pi, fi) in options {
        if used_phrase[pi] || used_figure[fi] {
            continue;
        }
        let p = &phrases[pi];
        let f = &figures[fi];
        let (p_start, p_end) = (tokens[p.first].start, tokens[p.last].end);
        let mut reasons = Vec::new();
        let how = match p.kind {
            PhraseKind::Slug => "slug",
            PhraseKind::Name => "name",
            PhraseKind::Alias => "alias",
        };
        let mut confidence = if p.contiguous {
            reasons.push(Reason::ProseNear(how));
            0.93
        } else {
            reasons.push(Reason::ProseScattered(how));
            0.78
        };
        if distance > 3 {
            confidence -= 0.02 * (distance - 3) as f64;
            reasons.push(Reason::Distance(distance));
        }
        let clause_qualified = tokens
            .iter()
            .any(|t| t.class == WordClass::Qualifier && !(t.start >= p_start && t.end <= p_end));
        if clause_qualified {
            confidence -= 0.3;
            reasons.push(Reason::Fixed(
                "the sentence qualifies the figure (a subset, estimate or draft)",
            ));
        }
        if f.spelled {
            confidence -= 0.03;
        }
        let span = (p_start.min(f.start), p_end.max(f.end));
        if c.prose(p.kri, f, confidence, reasons, span) {
            used_phrase[pi] = true;
            used_figure[fi] = true;
        }
    }
    c.skipped += used_figure
        .iter()
        .zip(figures)
        .filter(|(used, f)| !**used && !f.spelled)
        .count() as u32;
}
