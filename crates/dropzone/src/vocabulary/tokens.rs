//! Words of a text as the catalog sees them: tokens with their term and class, and the
//! per-artifact cache of words already classified.

use std::collections::HashMap;

use super::catalog::KriCatalog;
use super::words::{WordClass, normalize_word};

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
