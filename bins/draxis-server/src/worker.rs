//! The background simulation worker: claims queued runs one at a time, computes each on
//! the blocking pool so requests are never held up, records the result, and drops the
//! run's tenant from the read cache so the new figures show at once.

use std::sync::Arc;
use std::time::Duration;

use draxis_domain::cache::CacheInvalidation;
use draxis_domain::simulations::{SimulationError, SimulationService};
use tokio_util::sync::CancellationToken;

/// Runs until `shutdown`, looking for queued runs every `every`.
pub async fn run_simulations(
    service: SimulationService,
    cache: Arc<dyn CacheInvalidation>,
    every: Duration,
    shutdown: CancellationToken,
) {
    loop {
        loop {
            let queued = match service.claim_next().await {
                Ok(Some(queued)) => queued,
                Ok(None) => break,
                Err(error) => {
                    tracing::warn!(%error, "could not claim a queued simulation");
                    break;
                }
            };
            let started_at = chrono::Utc::now();
            let outcome = match service.prepare(queued.clone()).await {
                // One thread per run: the worker must leave the other core to requests.
                Ok(plan) => tokio::task::spawn_blocking(move || plan.run(1))
                    .await
                    .unwrap_or_else(|error| Err(SimulationError::Interrupted(error.to_string()))),
                Err(error) => Err(error),
            };
            match &outcome {
                Ok(results) => tracing::info!(
                    id = queued.id,
                    iterations = queued.iterations,
                    mean_annual_loss = results.mean_annual_loss,
                    "simulation completed"
                ),
                Err(error) => tracing::warn!(id = queued.id, %error, "simulation failed"),
            }
            if let Err(error) = service.finish(&queued, started_at, outcome.as_ref()).await {
                tracing::warn!(id = queued.id, %error, "could not record a simulation result");
            }
            cache.invalidate(queued.tenant);
        }
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = shutdown.cancelled() => return,
        }
    }
}
