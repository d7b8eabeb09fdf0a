//! Label matching for one artifact: a label's slug spelling or its words against the
//! catalog, remembered by the label's text and by its shape (each word's catalog term and
//! class), with the artifact's word cache.

use std::collections::HashMap;

use super::text::{humanize_into, snake_into};
use crate::vocabulary::{KriCatalog, LabelMatch, Token, WordCache, tokenize_cached};

/// Labels remembered per artifact: enough for every repeating key, bounded for tables
/// whose every row label is different.
const MEMO_LIMIT: usize = 4096;

/// One artifact's label matcher.
pub(crate) struct Labels<'a> {
    catalog: &'a KriCatalog,
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

impl<'a> Labels<'a> {
    pub fn new(catalog: &'a KriCatalog) -> Self {
        Self {
            catalog,
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

    /// Tokenizes `text` into `out` (cleared first) through the artifact's word cache.
    pub fn tokenize_into(&self, text: &str, base: usize, out: &mut Vec<Token>) {
        out.clear();
        tokenize_cached(self.catalog, text, base, out, &mut self.words.borrow_mut());
    }

    /// The KRI whose slug `key` spells (context never changes that), remembered per label.
    pub fn slug_of(&mut self, key: &str) -> Option<usize> {
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
    pub fn match_label(&mut self, key: &str, context: &[Token]) -> Option<LabelMatch> {
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
}
