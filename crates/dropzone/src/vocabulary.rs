//! The tenant's KRI catalog as the extractor sees it: every KRI's slug, name and aliases
//! reduced to phrases of normalized terms, and the matching of a metric label (or a run of
//! prose) against those phrases.

use std::collections::HashMap;

/// A KRI as the extractor needs it.
#[derive(Debug, Clone)]
pub struct CatalogEntry {
    pub slug: String,
    pub name: String,
    /// `%`, `count`, `days`, `hours`, `USD` (anything else is taken as a plain number).
    pub unit: String,
    pub aliases: Vec<String>,
}

impl From<&draxis_domain::entities::Kri> for CatalogEntry {
    fn from(kri: &draxis_domain::entities::Kri) -> Self {
        Self {
            slug: kri.slug.clone(),
            name: kri.name.clone(),
            unit: kri.unit.clone(),
            aliases: kri.aliases.clone(),
        }
    }
}

impl From<&draxis_domain::demo::CatalogKri> for CatalogEntry {
    fn from(kri: &draxis_domain::demo::CatalogKri) -> Self {
        Self {
            slug: kri.slug.clone(),
            name: kri.name.clone(),
            unit: kri.unit.clone(),
            aliases: kri.aliases.clone(),
        }
    }
}

/// The unit a KRI's values are kept in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KriUnit {
    Percent,
    Count,
    Days,
    Hours,
    Currency,
    Other,
}

impl KriUnit {
    pub fn parse(unit: &str) -> Self {
        match unit.trim().to_ascii_lowercase().as_str() {
            "%" | "pct" | "percent" => Self::Percent,
            "count" | "#" => Self::Count,
            "days" | "day" => Self::Days,
            "hours" | "hour" | "h" => Self::Hours,
            "usd" | "$" | "eur" | "gbp" => Self::Currency,
            _ => Self::Other,
        }
    }
}

/// What a word does for matching.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WordClass {
    /// Carries meaning and must match.
    Content,
    /// Glue ("the", "of"): ignored everywhere.
    Stop,
    /// Says little ("total", "pct"): never required, never counted as extra.
    Soft,
    /// Names a reference figure, not an observation ("target", "previous").
    Reference,
    /// Narrows or weakens the figure ("contractors", "estimated").
    Qualifier,
}

const STOP: &[&str] = &[
    "a", "an", "the", "of", "to", "at", "in", "for", "on", "with", "by", "and", "or", "is", "are",
    "was", "were", "be", "been", "being", "has", "have", "had", "this", "that", "these", "those",
    "our", "we", "its", "it", "as", "from", "than", "per", "into", "over", "under", "via", "vs",
    "gt", "lt", "ge", "le", "s",
];
const SOFT: &[&str] = &[
    "pct",
    "count",
    "number",
    "num",
    "total",
    "overall",
    "current",
    "currently",
    "value",
    "metric",
    "metrics",
    "stat",
    "stats",
    "kpi",
    "kri",
    "nb",
    "qty",
];
const REFERENCE: &[&str] = &[
    "target",
    "goal",
    "objective",
    "threshold",
    "budget",
    "baseline",
    "previous",
    "prior",
    "forecast",
    "projected",
    "projection",
    "planned",
    "expected",
    "limit",
    "benchmark",
    "change",
    "delta",
    "diff",
    "difference",
    "trend",
    "yoy",
    "mom",
    "wow",
    "industry",
    // Modal verbs introduce what should be, not what is.
    "should",
    "will",
    "must",
    "would",
    "could",
    "aim",
    "aims",
];
const QUALIFIER: &[&str] = &[
    "contractor",
    "contractors",
    "partial",
    "subset",
    "sample",
    "sampled",
    "pilot",
    "excluding",
    "except",
    "only",
    "estimate",
    "estimated",
    "approximate",
    "approx",
    "preliminary",
    "draft",
    "unverified",
    "provisional",
    "guest",
    "guests",
    "intern",
    "interns",
    "test",
    "staging",
    "sandbox",
];

/// Words that turn a metric into its opposite ("users with MFA" / "users without MFA"):
/// a label and a phrase must agree on them.
const NEGATIONS: &[&str] = &[
    "without",
    "no",
    "not",
    "missing",
    "lacking",
    "non",
    "unprotected",
];

/// Nouns a label may leave out when its other words pin the KRI down ("KEV open" for
/// "KEV vulns open").
const GENERIC: &[&str] = &[
    "vulnerabilities",
    "findings",
    "issues",
    "items",
    "alerts",
    "accounts",
    "assets",
];

const DISCRIMINATING: &[&str] = &[
    "critical",
    "high",
    "medium",
    "low",
    "privileged",
    "admin",
    "public",
    "expired",
    "sensitive",
    "unencrypted",
    "overdue",
    "failed",
    "without",
    "not",
    "open",
    "unresolved",
    "resistant",
    "phishing",
    "click",
    "report",
    "detect",
    "respond",
    "remediate",
];

/// Lower-cases, maps common synonyms and strips English suffixes so that "Vulnerabilities",
/// "vulns" and "vulnerability" meet, as do "remediate" and "remediation".
pub fn normalize_word(word: &str, out: &mut String) {
    out.clear();
    if word.is_ascii() {
        out.push_str(word);
        out.make_ascii_lowercase();
    } else {
        for c in word.chars() {
            out.extend(c.to_lowercase());
        }
    }
    let synonym = match out.as_str() {
        "vuln" | "vulns" | "vulnerabilities" | "vulnerability" => Some("vulnerab"),
        "cves" | "cve" => Some("cve"),
        "avg" | "average" | "mean" => Some("mean"),
        "2fa" | "mfa" | "multifactor" => Some("mfa"),
        "percent" | "percentage" | "pct" | "perc" => Some("pct"),
        "accts" | "acct" | "accounts" | "account" => Some("account"),
        "admins" | "admin" | "administrators" | "administrator" => Some("admin"),
        "hrs" | "hr" | "hours" | "hour" => Some("hour"),
        "d" | "days" | "day" => Some("day"),
        "mins" | "min" | "minutes" | "minute" => Some("minute"),
        "sev" | "severity" => Some("severity"),
        "configs" | "config" | "configuration" | "configurations" => Some("config"),
        "misconfigs" | "misconfig" | "misconfiguration" | "misconfigurations" => Some("misconfig"),
        "certs" | "cert" | "certificates" | "certificate" => Some("cert"),
        "s3" => Some("s3"),
        // "internet-facing" hosts are internet-exposed ones.
        "facing" | "exposed" | "exposure" | "exposes" => Some("expos"),
        _ => None,
    };
    if let Some(s) = synonym {
        out.clear();
        out.push_str(s);
        return;
    }
    if !out.is_ascii() || out.len() <= 3 || out.bytes().any(|b| b.is_ascii_digit()) {
        return;
    }
    if out.ends_with("ies") && out.len() > 4 {
        out.truncate(out.len() - 3);
        out.push('y');
    } else if out.ends_with("sses") {
        out.truncate(out.len() - 2);
    } else if out.ends_with('s')
        && !out.ends_with("ss")
        && !out.ends_with("us")
        && !out.ends_with("is")
    {
        out.truncate(out.len() - 1);
    }
    for suffix in ["ment", "ing", "ion", "ed"] {
        if out.ends_with(suffix) && out.len() > suffix.len() + 3 {
            out.truncate(out.len() - suffix.len());
            break;
        }
    }
    if out.ends_with('e') && out.len() > 4 {
        out.truncate(out.len() - 1);
    }
}

/// One word of a text: where it is and what it means to the catalog.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Token {
    pub start: usize,
    pub end: usize,
    /// The catalog term, when the word is one.
    pub term: Option<u32>,
    pub class: WordClass,
}

/// Words already classified within one artifact: prose and logs repeat their words, so
/// each distinct word is normalized and looked up once.
#[derive(Debug, Default)]
pub struct WordCache {
    words: HashMap<Box<str>, (Option<u32>, WordClass), foldhash::fast::RandomState>,
}

/// Distinct words remembered per artifact at most.
const WORD_CACHE_LIMIT: usize = 16_384;

/// Splits `text` into word tokens (runs of letters and digits), each classified.
pub fn tokenize(vocabulary: &KriCatalog, text: &str, base: usize, out: &mut Vec<Token>) {
    tokenize_cached(vocabulary, text, base, out, &mut WordCache::default());
}

/// [`tokenize`], remembering each distinct word's class in `cache`.
pub fn tokenize_cached(
    vocabulary: &KriCatalog,
    text: &str,
    base: usize,
    out: &mut Vec<Token>,
    cache: &mut WordCache,
) {
    let mut buf = String::new();
    let mut push = |from: usize, to: usize, out: &mut Vec<Token>| {
        let word = &text[from..to];
        let (term, class) = match cache.words.get(word) {
            Some(known) => *known,
            None => {
                normalize_word(word, &mut buf);
                let found = vocabulary.classify(&buf);
                if cache.words.len() < WORD_CACHE_LIMIT {
                    cache.words.insert(word.into(), found);
                }
                found
            }
        };
        out.push(Token {
            start: base + from,
            end: base + to,
            term,
            class,
        });
    };
    let mut start = None;
    for (i, c) in text.char_indices() {
        if c.is_alphanumeric() {
            if start.is_none() {
                start = Some(i);
            }
        } else if let Some(from) = start.take() {
            push(from, i, out);
        }
    }
    if let Some(from) = start {
        push(from, text.len(), out);
    }
}

/// How a phrase names its KRI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhraseKind {
    Slug,
    Name,
    Alias,
}

#[derive(Debug, Clone)]
struct Phrase {
    kri: usize,
    kind: PhraseKind,
    terms: Vec<u32>,
}

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

/// The tenant's KRIs, indexed for matching.
#[derive(Debug, Clone)]
pub struct KriCatalog {
    entries: Vec<CatalogEntry>,
    units: Vec<KriUnit>,
    terms: HashMap<String, u32>,
    classes: HashMap<String, WordClass>,
    /// Every word the catalog knows, with its term and class: one lookup per token.
    words: HashMap<String, (Option<u32>, WordClass), foldhash::fast::RandomState>,
    phrases: Vec<Phrase>,
    by_term: HashMap<u32, Vec<u32>, foldhash::fast::RandomState>,
    by_first_term: HashMap<u32, Vec<u32>, foldhash::fast::RandomState>,
    slugs: HashMap<String, usize, foldhash::fast::RandomState>,
    /// Terms a label may never leave out (severities, privilege, exposure).
    discriminating: Vec<u32>,
    /// Negation terms: label and phrase must agree on them.
    negations: Vec<u32>,
    /// Every term of each KRI's slug, name and aliases (sorted): words of the same KRI
    /// are never extra in a label.
    kri_terms: Vec<Vec<u32>>,
    /// Generic nouns a short label may leave out.
    generic: Vec<u32>,
}

impl KriCatalog {
    pub fn new(entries: Vec<CatalogEntry>) -> Self {
        let mut catalog = Self {
            units: entries.iter().map(|e| KriUnit::parse(&e.unit)).collect(),
            entries: Vec::new(),
            terms: HashMap::new(),
            classes: HashMap::new(),
            words: HashMap::default(),
            phrases: Vec::new(),
            by_term: HashMap::default(),
            by_first_term: HashMap::default(),
            slugs: HashMap::default(),
            discriminating: Vec::new(),
            negations: Vec::new(),
            generic: Vec::new(),
            kri_terms: Vec::new(),
        };
        let mut buf = String::new();
        for (list, class) in [
            (STOP, WordClass::Stop),
            (SOFT, WordClass::Soft),
            (REFERENCE, WordClass::Reference),
            (QUALIFIER, WordClass::Qualifier),
        ] {
            for word in list {
                normalize_word(word, &mut buf);
                catalog.classes.insert(buf.clone(), class);
            }
        }
        for (kri, entry) in entries.iter().enumerate() {
            catalog.slugs.insert(entry.slug.to_ascii_lowercase(), kri);
            let slug_words = slug_phrase(&entry.slug);
            catalog.add_phrase(kri, PhraseKind::Slug, &slug_words);
            catalog.add_phrase(kri, PhraseKind::Name, &entry.name);
            for alias in &entry.aliases {
                catalog.add_phrase(kri, PhraseKind::Alias, alias);
            }
        }
        catalog.kri_terms = vec![Vec::new(); entries.len()];
        for phrase in &catalog.phrases {
            catalog.kri_terms[phrase.kri].extend(&phrase.terms);
        }
        for terms in &mut catalog.kri_terms {
            terms.sort_unstable();
            terms.dedup();
        }
        for (list, target) in [
            (DISCRIMINATING, &mut catalog.discriminating),
            (NEGATIONS, &mut catalog.negations),
            (GENERIC, &mut catalog.generic),
        ] {
            for word in list {
                normalize_word(word, &mut buf);
                if let Some(t) = catalog.terms.get(buf.as_str()) {
                    target.push(*t);
                }
            }
        }
        let mut words: HashMap<String, (Option<u32>, WordClass), _> = HashMap::default();
        for (word, class) in &catalog.classes {
            words.insert(word.clone(), (None, *class));
        }
        for (word, term) in &catalog.terms {
            words
                .entry(word.clone())
                .or_insert((None, WordClass::Content))
                .0 = Some(*term);
        }
        catalog.words = words;
        catalog.entries = entries;
        catalog
    }

    fn add_phrase(&mut self, kri: usize, kind: PhraseKind, text: &str) {
        let mut buf = String::new();
        let mut terms = Vec::new();
        for word in text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
        {
            normalize_word(word, &mut buf);
            match self.classes.get(buf.as_str()) {
                Some(WordClass::Stop) | Some(WordClass::Soft) => continue,
                _ => {}
            }
            let next = self.terms.len() as u32;
            let id = *self.terms.entry(buf.clone()).or_insert(next);
            if !terms.contains(&id) {
                terms.push(id);
            }
        }
        if terms.is_empty() {
            return;
        }
        if self
            .phrases
            .iter()
            .any(|p| p.kri == kri && p.terms == terms)
        {
            return;
        }
        let id = self.phrases.len() as u32;
        for term in &terms {
            self.by_term.entry(*term).or_default().push(id);
        }
        self.by_first_term.entry(terms[0]).or_default().push(id);
        self.phrases.push(Phrase { kri, kind, terms });
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn entry(&self, kri: usize) -> &CatalogEntry {
        &self.entries[kri]
    }

    pub fn unit(&self, kri: usize) -> KriUnit {
        self.units[kri]
    }

    /// The KRI whose slug is exactly `key` (case-insensitive).
    /// The longest slug, in bytes: a longer label cannot spell one.
    pub fn longest_slug(&self) -> usize {
        self.entries.iter().map(|e| e.slug.len()).max().unwrap_or(0)
    }

    pub fn by_slug(&self, key: &str) -> Option<usize> {
        if let Some(k) = self.slugs.get(key) {
            return Some(*k);
        }
        self.slugs.get(&key.to_ascii_lowercase()).copied()
    }

    fn classify(&self, normalized: &str) -> (Option<u32>, WordClass) {
        self.words
            .get(normalized)
            .copied()
            .unwrap_or((None, WordClass::Content))
    }

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

/// `mean_time_to_detect_hours` → "mean time to detect": the unit suffix names no metric.
fn slug_phrase(slug: &str) -> String {
    let mut words: Vec<&str> = slug.split('_').collect();
    while words.len() > 1
        && matches!(
            *words.last().unwrap_or(&""),
            "pct" | "count" | "days" | "hours" | "usd" | "rate" | "ratio"
        )
    {
        words.pop();
    }
    words.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn normalizes_inflections_and_synonyms() {
        let mut s = String::new();
        for (a, b) in [
            ("Vulnerabilities", "vulnerab"),
            ("remediation", "remediat"),
            ("remediate", "remediat"),
            ("incidents", "incident"),
            ("Detection", "detect"),
            ("status", "status"),
        ] {
            normalize_word(a, &mut s);
            assert_eq!(s, b, "{a}");
        }
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
