//! What can go wrong: storage failing, and why a tool could not be answered: the caller's mistake (said as what to do instead) or
//! a storage failure (logged, answered with a retry sentence).

/// A storage failure: logged at the edge, never shown to callers in detail.
#[derive(Debug, thiserror::Error)]
#[error("storage failure: {0}")]
pub struct StorageError(#[source] pub Box<dyn std::error::Error + Send + Sync>);

/// What a storage call answers.
pub type StorageResult<T> = Result<T, StorageError>;

/// Why a tool call could not be answered.
#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    /// The caller sent something we cannot use; the message says what to do instead.
    #[error("{0}")]
    InvalidArgument(String),
    /// The caller named something this tenant does not have.
    #[error("{0}")]
    NotFound(String),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// What a tool's rule answers.
pub type QueryResult<T> = Result<T, QueryError>;
