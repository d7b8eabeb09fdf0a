//! The tenant's KRI catalog as the extractor sees it: every KRI's slug, name and aliases
//! reduced to phrases of normalized terms, indexed by term, with each word's class.

use std::collections::HashMap;

use super::words::{
    DISCRIMINATING, GENERIC, NEGATIONS, QUALIFIER, REFERENCE, SOFT, STOP, WordClass, normalize_word,
};

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

/// How a phrase names its KRI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhraseKind {
    Slug,
    Name,
    Alias,
}

#[derive(Debug, Clone)]
pub(super) struct Phrase {
    pub(super) kri: usize,
    pub(super) kind: PhraseKind,
    pub(super) terms: Vec<u32>,
}

/// The tenant's KRIs, indexed for matching.
#[derive(Debug, Clone)]
pub struct KriCatalog {
    pub(super) entries: Vec<CatalogEntry>,
    pub(super) units: Vec<KriUnit>,
    pub(super) terms: HashMap<String, u32>,
    pub(super) classes: HashMap<String, WordClass>,
    /// Every word the catalog knows, with its term and class: one lookup per token.
    pub(super) words: HashMap<String, (Option<u32>, WordClass), foldhash::fast::RandomState>,
    pub(super) phrases: Vec<Phrase>,
    pub(super) by_term: HashMap<u32, Vec<u32>, foldhash::fast::RandomState>,
    pub(super) by_first_term: HashMap<u32, Vec<u32>, foldhash::fast::RandomState>,
    pub(super) slugs: HashMap<String, usize, foldhash::fast::RandomState>,
    /// Terms a label may never leave out (severities, privilege, exposure).
    pub(super) discriminating: Vec<u32>,
    /// Negation terms: label and phrase must agree on them.
    pub(super) negations: Vec<u32>,
    /// Every term of each KRI's slug, name and aliases (sorted): words of the same KRI
    /// are never extra in a label.
    pub(super) kri_terms: Vec<Vec<u32>>,
    /// Generic nouns a short label may leave out.
    pub(super) generic: Vec<u32>,
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
            // A word in two lists keeps the first class ("from" and "was" are glue in
            // a label; before a figure they make it a reference).
            for word in list {
                normalize_word(word, &mut buf);
                catalog.classes.entry(buf.clone()).or_insert(class);
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

    /// The longest slug, in bytes: a longer label cannot spell one.
    pub fn longest_slug(&self) -> usize {
        self.entries.iter().map(|e| e.slug.len()).max().unwrap_or(0)
    }

    /// The KRI whose slug is exactly `key` (case-insensitive).
    pub fn by_slug(&self, key: &str) -> Option<usize> {
        if let Some(k) = self.slugs.get(key) {
            return Some(*k);
        }
        self.slugs.get(&key.to_ascii_lowercase()).copied()
    }

    pub(super) fn classify(&self, normalized: &str) -> (Option<u32>, WordClass) {
        self.words
            .get(normalized)
            .copied()
            .unwrap_or((None, WordClass::Content))
    }
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
