//! Password hashing off the async workers: [`BlockingCpuPool`] runs the authorization
//! server's CPU-heavy jobs (argon2) on tokio's blocking threads, at most `permits` at
//! once, so a sign-in flood queues for its turn instead of stalling `/api/mcp`.

use std::sync::Arc;

use draxis_auth::{CpuJob, CpuPool};
use tokio::sync::Semaphore;

/// tokio's blocking pool behind a semaphore.
#[derive(Debug, Clone)]
pub struct BlockingCpuPool {
    permits: Arc<Semaphore>,
}

impl BlockingCpuPool {
    /// At most `permits` jobs run at once (at least one).
    pub fn new(permits: usize) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(permits.max(1))),
        }
    }

    /// One job at a time per core.
    pub fn per_core() -> Self {
        Self::new(std::thread::available_parallelism().map_or(2, |n| n.get()))
    }
}

#[async_trait::async_trait]
impl CpuPool for BlockingCpuPool {
    async fn run(&self, job: CpuJob) {
        let Ok(permit) = self.permits.clone().acquire_owned().await else {
            return;
        };
        // The permit travels with the job: it is released when the work ends, even if
        // the request that asked for it has gone.
        let work = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            job();
        });
        if let Err(error) = work.await {
            tracing::error!(%error, "a CPU-heavy job failed");
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::{Duration, Instant};

    use super::*;

    #[tokio::test(flavor = "current_thread")]
    async fn jobs_leave_the_async_worker_free_and_run_at_most_permits_at_once() {
        let pool = BlockingCpuPool::new(2);
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let jobs: Vec<_> = (0..6)
            .map(|_| {
                let (pool, running, most) = (pool.clone(), running.clone(), most.clone());
                tokio::spawn(async move {
                    draxis_auth::cpu::run_on(&pool, move || {
                        let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                        most.fetch_max(now, Ordering::SeqCst);
                        std::thread::sleep(Duration::from_millis(60));
                        running.fetch_sub(1, Ordering::SeqCst);
                    })
                    .await
                })
            })
            .collect();
        // The only async worker keeps answering while the jobs block their threads.
        let started = Instant::now();
        let mut ticks = 0;
        while running.load(Ordering::SeqCst) == 0 && started.elapsed() < Duration::from_secs(5) {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        let ticking = Instant::now();
        while ticking.elapsed() < Duration::from_millis(100) {
            tokio::time::sleep(Duration::from_millis(5)).await;
            ticks += 1;
        }
        for job in jobs {
            assert_eq!(job.await.ok().flatten(), Some(()));
        }
        assert!(ticks >= 5, "the async worker was blocked ({ticks} ticks)");
        assert_eq!(most.load(Ordering::SeqCst), 2);
    }
}
