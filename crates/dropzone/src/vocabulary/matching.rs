//! Matching against the catalog: a short label (a key, a cell, a metric name) to the KRI
//! whose phrase it covers best, and KRI phrases found in a run of prose.

use super::catalog::{KriCatalog, Phrase, PhraseKind};
use super::tokens::Token;
use super::words::WordClass;

/// How a label matched a KRI.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelMatch {
    pub kri: usize,
    pub kind: PhraseKind,
    /// One word of the phrase was missing from the label.
    pub missing_word: bool,
    /// Content words of the label the phrase does not explain.
    pub extra_words: usize,
    /// Another KRI matched just as well.
    pub ambiguous: bool,
    pub qualified: bool,
    pub reference: bool,
}

impl KriCatalog {
    /// Matches a short label ("Patch compliance", `edr_coverage_pct`, a JSON key path) to
    /// the KRI whose phrase it covers best. Every term of the phrase must appear in the
    /// label or its context; the label's other content words count as extra.
    pub fn match_label(&self, label: &[Token], context: &[Token]) -> Option<LabelMatch> {
        self.match_label_with(label, context, &mut Vec::new())
    }

    /// [`Self::match_label`] with a reused buffer for the candidate phrases.
    pub fn match_label_with(
        &self,
        label: &[Token],
        context: &[Token],
        candidates: &mut Vec<u32>,
    ) -> Option<LabelMatch> {
        candidates.clear();
        if label.iter().all(|t| t.term.is_none()) {
            return None;
        }
        for token in label {
            if let Some(term) = token.term
                && let Some(list) = self.by_term.get(&term)
            {
                candidates.extend(list);
            }
        }
        candidates.sort_unstable();
        candidates.dedup();
        let present = |term: u32| {
            label.iter().any(|t| t.term == Some(term))
                || context.iter().any(|t| t.term == Some(term))
        };
        let candidates = &candidates[..];
        // (complete, label terms matched, phrase length, -extra) ranks candidates.
        type Rank = (bool, usize, usize, i64);
        let mut best: Option<(Rank, &Phrase)> = None;
        let mut runner_up: Option<(Rank, usize)> = None;
        for &id in candidates {
            let phrase = &self.phrases[id as usize];
            let mut missing_count = 0;
            let mut first_missing = 0;
            for &t in &phrase.terms {
                if !present(t) {
                    if missing_count == 0 {
                        first_missing = t;
                    }
                    missing_count += 1;
                }
            }
            if missing_count > 1 {
                continue;
            }
            let own = &self.kri_terms[phrase.kri];
            let extra = label
                .iter()
                .filter(|t| t.class == WordClass::Content)
                .filter(|t| t.term.is_none_or(|term| own.binary_search(&term).is_err()))
                .count() as i64;
            // One missing word is forgiven in a long phrase when the label is fully
            // explained and the word does not discriminate ("Sensors not reporting >
            // 7 days" for "EDR sensors not reporting > 7 days"; never a missing "critical").
            let complete = missing_count == 0;
            let forgivable = |m: u32| {
                (phrase.terms.len() >= 4 && !self.discriminating.contains(&m))
                    || (phrase.terms.len() >= 3 && self.generic.contains(&m))
            };
            if !complete && (extra > 0 || !forgivable(first_missing)) {
                continue;
            }
            // "users without MFA" is not "users with MFA".
            let negated_label = label.iter().any(|t| {
                t.term.is_some_and(|term| {
                    self.negations.contains(&term) && !phrase.terms.contains(&term)
                })
            });
            let negated_phrase = phrase
                .terms
                .iter()
                .any(|t| self.negations.contains(t) && !present(*t));
            if negated_label || negated_phrase {
                continue;
            }
            let from_label = phrase
                .terms
                .iter()
                .filter(|t| label.iter().any(|x| x.term == Some(**t)))
                .count();
            let rank = (complete, from_label, phrase.terms.len(), -extra);
            match best {
                Some((top, p)) if rank <= top => {
                    if p.kri != phrase.kri && runner_up.is_none_or(|(r, _)| rank > r) {
                        runner_up = Some((rank, phrase.kri));
                    }
                }
                _ => {
                    if let Some((top, p)) = best
                        && p.kri != phrase.kri
                    {
                        runner_up = Some((top, p.kri));
                    }
                    best = Some((rank, phrase));
                }
            }
        }
        let (rank, phrase) = best?;
        if rank.1 == 0 {
            return None;
        }
        let ambiguous = runner_up.is_some_and(|(r, kri)| kri != phrase.kri && r == rank);
        let words: Vec<&Token> = label.iter().collect();
        Some(LabelMatch {
            kri: phrase.kri,
            kind: phrase.kind,
            extra_words: (-rank.3) as usize,
            missing_word: !rank.0,
            ambiguous,
            qualified: words
                .iter()
                .any(|t| t.class == WordClass::Qualifier && !in_phrase(phrase, t)),
            reference: words
                .iter()
                .any(|t| t.class == WordClass::Reference && !in_phrase(phrase, t)),
        })
    }

    /// Phrases whose terms appear consecutively (skipping glue words) in `tokens`,
    /// longest first and without overlaps: `(first token, last token, phrase kri, kind)`.
    pub fn find_phrases(&self, tokens: &[Token]) -> Vec<ProseMatch> {
        let content: Vec<usize> = (0..tokens.len())
            .filter(|i| !matches!(tokens[*i].class, WordClass::Stop | WordClass::Soft))
            .collect();
        let mut found: Vec<ProseMatch> = Vec::new();
        for (ci, &ti) in content.iter().enumerate() {
            let Some(term) = tokens[ti].term else {
                continue;
            };
            let Some(list) = self.by_first_term.get(&term) else {
                continue;
            };
            for id in list {
                let phrase = &self.phrases[*id as usize];
                let n = phrase.terms.len();
                if ci + n > content.len() {
                    continue;
                }
                let ok = phrase
                    .terms
                    .iter()
                    .enumerate()
                    .all(|(k, t)| tokens[content[ci + k]].term == Some(*t));
                if ok {
                    found.push(ProseMatch {
                        first: ti,
                        last: content[ci + n - 1],
                        kri: phrase.kri,
                        kind: phrase.kind,
                        terms: n,
                        contiguous: true,
                    });
                }
            }
        }
        // Scattered matches: every term of a phrase of two or more terms within a window
        // of eight content words ("incidents was high severity"). Only phrases whose terms
        // all occur in the clause are tried.
        let mut present: Vec<u32> = content.iter().filter_map(|i| tokens[*i].term).collect();
        present.sort_unstable();
        present.dedup();
        let mut candidates: Vec<u32> = present
            .iter()
            .filter_map(|t| self.by_term.get(t))
            .flatten()
            .copied()
            .collect();
        candidates.sort_unstable();
        candidates.dedup();
        for id in candidates {
            let phrase = &self.phrases[id as usize];
            let n = phrase.terms.len();
            if n < 2
                || !phrase
                    .terms
                    .iter()
                    .all(|t| present.binary_search(t).is_ok())
            {
                continue;
            }
            for start in 0..content.len() {
                if !phrase
                    .terms
                    .contains(&tokens[content[start]].term.unwrap_or(u32::MAX))
                {
                    continue;
                }
                let end = (start + 8).min(content.len());
                let window = &content[start..end];
                let mut last = None;
                let all = phrase.terms.iter().all(|t| {
                    window
                        .iter()
                        .position(|i| tokens[*i].term == Some(*t))
                        .is_some_and(|p| {
                            last = Some(last.map_or(p, |l: usize| l.max(p)));
                            true
                        })
                });
                let negated = all
                    && last.is_some_and(|l| {
                        window[..=l].iter().any(|i| {
                            tokens[*i].term.is_some_and(|t| {
                                self.negations.contains(&t) && !phrase.terms.contains(&t)
                            })
                        })
                    });
                if all
                    && !negated
                    && let Some(l) = last
                {
                    found.push(ProseMatch {
                        first: content[start],
                        last: window[l],
                        kri: phrase.kri,
                        kind: phrase.kind,
                        terms: n,
                        contiguous: false,
                    });
                    break;
                }
            }
        }
        found.sort_by(|a, b| {
            (b.contiguous, b.terms, a.first).cmp(&(a.contiguous, a.terms, b.first))
        });
        let mut chosen: Vec<ProseMatch> = Vec::new();
        for m in found {
            let overlaps = chosen
                .iter()
                .any(|c| m.first <= c.last && c.first <= m.last);
            let same_kri = chosen.iter().any(|c| c.kri == m.kri);
            if !overlaps && !same_kri {
                chosen.push(m);
            }
        }
        chosen.sort_by_key(|m| m.first);
        chosen
    }
}

fn in_phrase(phrase: &Phrase, token: &Token) -> bool {
    token.term.is_some_and(|t| phrase.terms.contains(&t))
}

/// A KRI phrase found in prose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProseMatch {
    pub first: usize,
    pub last: usize,
    pub kri: usize,
    pub kind: PhraseKind,
    pub terms: usize,
    pub contiguous: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocabulary::{CatalogEntry, tokenize};

    fn catalog() -> KriCatalog {
        KriCatalog::new(vec![
            CatalogEntry {
                slug: "mfa_coverage_pct".into(),
                name: "MFA coverage (workforce)".into(),
                unit: "%".into(),
                aliases: vec!["users with MFA".into()],
            },
            CatalogEntry {
                slug: "phishing_resistant_mfa_pct".into(),
                name: "Phishing-resistant MFA coverage".into(),
                unit: "%".into(),
                aliases: vec![],
            },
        ])
    }

    fn tokens(c: &KriCatalog, text: &str) -> Vec<Token> {
        let mut out = Vec::new();
        tokenize(c, text, 0, &mut out);
        out
    }

    #[test]
    fn longest_phrase_wins_and_qualifiers_are_seen() {
        let c = catalog();
        let label = tokens(&c, "Phishing-resistant MFA coverage");
        let m = c.match_label(&label, &[]).unwrap();
        assert_eq!(c.entry(m.kri).slug, "phishing_resistant_mfa_pct");
        let label = tokens(&c, "MFA coverage (contractors)");
        let m = c.match_label(&label, &[]).unwrap();
        assert_eq!(c.entry(m.kri).slug, "mfa_coverage_pct");
        assert!(m.qualified);
        assert!(c.match_label(&tokens(&c, "coverage"), &[]).is_none());
    }
}
