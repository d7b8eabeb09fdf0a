//! What can go wrong: storage failing, and why a tool could not be answered: the caller's mistake (said as what to do instead) or
//! a storage failure (logged, answered with a retry sentence).

pub use draxis_auth::{StorageError, StorageResult};

/// Why a tool call could not be answered.
#[derive(Debug, thiserror::Error)]
pub enum ToolError {
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
pub type ToolResult<T> = Result<T, ToolError>;
