//! What an operator bounds: the largest artifact accepted and how long a connector may
//! take to fetch.

use std::time::Duration;

/// How long a connector fetch may take by default.
pub const DEFAULT_FETCH_TIMEOUT: Duration = Duration::from_secs(30);

/// Operator limits.
#[derive(Debug, Clone)]
pub struct DropZoneLimits {
    /// Largest artifact accepted, in bytes (default 10 MiB).
    pub max_artifact_bytes: usize,
    /// How long a connector may take to fetch.
    pub fetch_timeout: Duration,
}

impl Default for DropZoneLimits {
    fn default() -> Self {
        Self {
            max_artifact_bytes: 10 * 1024 * 1024,
            fetch_timeout: DEFAULT_FETCH_TIMEOUT,
        }
    }
}
