//! Converting between stored columns and domain values (times, JSON lists, enums).

use chrono::{DateTime, NaiveDate, Utc};
use draxis_domain::StorageError;

/// What the database layer reports, before it is handed over as a [`StorageError`]: any
/// error converts into it with `?`.
pub(crate) type Failure = Box<dyn std::error::Error + Send + Sync>;

pub(crate) fn storage(error: impl std::error::Error + Send + Sync + 'static) -> StorageError {
    StorageError(Box::new(error))
}

/// A stored value that does not parse: the database holds something we never wrote.
#[derive(Debug, thiserror::Error)]
#[error("corrupt stored value in {column}: `{value}`")]
pub(crate) struct Corrupt {
    pub column: &'static str,
    pub value: String,
}

pub(crate) fn corrupt(column: &'static str, value: impl Into<String>) -> StorageError {
    storage(Corrupt {
        column,
        value: value.into(),
    })
}

pub(crate) fn time(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

pub(crate) fn ms(time: DateTime<Utc>) -> i64 {
    time.timestamp_millis()
}

pub(crate) fn date(column: &'static str, text: &str) -> Result<NaiveDate, StorageError> {
    text.parse().map_err(|_| corrupt(column, text))
}

pub(crate) fn list(column: &'static str, json: &str) -> Result<Vec<String>, StorageError> {
    serde_json::from_str(json).map_err(|_| corrupt(column, json))
}

pub(crate) fn list_json(items: &[String]) -> String {
    serde_json::to_string(items).unwrap_or_else(|_| "[]".into())
}

/// Parses a stored enum spelling with the contract's own parser.
pub(crate) fn wire<T>(
    column: &'static str,
    text: &str,
    parse: fn(&str) -> Option<T>,
) -> Result<T, StorageError> {
    parse(text).ok_or_else(|| corrupt(column, text))
}
