//! Where CPU-heavy credential work runs (an argon2 password check is tens of
//! milliseconds and about 19 MiB): behind [`CpuPool`], which the async edge implements
//! with its runtime's blocking threads and a bound on how many run at once, so hashing
//! never stalls the workers that answer other requests. This crate stays runtime-free:
//! [`Inline`] (the default) runs work on the caller's thread, as the CLI wants.

use std::sync::{Arc, Mutex};

/// A unit of CPU-heavy work.
pub type CpuJob = Box<dyn FnOnce() + Send + 'static>;

/// Runs CPU-heavy jobs somewhere that does not block async workers.
#[async_trait::async_trait]
pub trait CpuPool: Send + Sync {
    /// Runs `job` to completion (or drops it unrun if the pool is shutting down).
    async fn run(&self, job: CpuJob);
}

/// Runs each job on the caller's thread: for command-line tools and tests.
#[derive(Debug, Clone, Copy, Default)]
pub struct Inline;

#[async_trait::async_trait]
impl CpuPool for Inline {
    async fn run(&self, job: CpuJob) {
        job();
    }
}

/// Runs `work` on `pool` and returns its result; `None` when the pool dropped it unrun
/// (shutdown) or it panicked.
pub async fn run_on<T: Send + 'static>(
    pool: &dyn CpuPool,
    work: impl FnOnce() -> T + Send + 'static,
) -> Option<T> {
    let slot = Arc::new(Mutex::new(None));
    let filled = slot.clone();
    pool.run(Box::new(move || {
        let result = work();
        *filled.lock().unwrap_or_else(|e| e.into_inner()) = Some(result);
    }))
    .await;
    slot.lock().unwrap_or_else(|e| e.into_inner()).take()
}
