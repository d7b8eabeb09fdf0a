//! The tenant's KRI catalog as the extractor sees it: every KRI's slug, name and aliases
//! reduced to phrases of normalized terms (`catalog`), the words matching knows and their
//! normalization (`words`), texts as classified tokens (`tokens`), and the matching of a
//! metric label (or a run of prose) against those phrases (`matching`).

mod catalog;
mod matching;
mod tokens;
mod words;

pub use catalog::{CatalogEntry, KriCatalog, KriUnit, PhraseKind};
pub use matching::{LabelMatch, ProseMatch};
pub use tokens::{Token, WordCache, tokenize, tokenize_cached};
pub use words::{REFERENCE, WordClass, introduces_reference, last_words_include, normalize_word};
