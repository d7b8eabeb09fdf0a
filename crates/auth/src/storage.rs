//! The one storage failure of Draxis: whatever store trait failed (tokens, accounts, the
//! register, the Drop Zone), callers see this type. It is logged where it is handled and
//! never shown to a caller in detail.

/// A storage failure, wrapping what the database layer reported.
#[derive(Debug, thiserror::Error)]
#[error("storage failure: {0}")]
pub struct StorageError(#[source] pub Box<dyn std::error::Error + Send + Sync>);

/// What a storage call answers.
pub type StorageResult<T> = Result<T, StorageError>;
