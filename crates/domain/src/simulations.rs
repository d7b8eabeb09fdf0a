//! Loss simulations of the risk register: turning a risk (or an outcome's risks) and its
//! controls into a loss model, queueing runs, running them, and recording results.
//!
//! How controls act: a control whose NIST CSF function is Govern, Identify or Protect
//! lowers event frequency; Detect, Respond or Recover lowers loss magnitude. When several
//! controls act on the same factor each is taken to cover an equal share of it, so
//! `n` controls of effectiveness `e` keep `(1 − e/n)^n` of it, never all of it.
//! Implemented and degraded controls count today (current stage); planned ones also in
//! the residual stage; retired ones never.

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use draxis_auth::TenantId;
use draxis_protocol::types::{ControlStatus, ExceedancePoint, SimulationResults};
use draxis_simulation::{
    Control as ControlEffect, ControlTarget, Frequency, LossSummary, MAX_ITERATIONS, Magnitude,
    RiskModel, SimError, Stage, simulate_outcome, simulate_risk,
};

use crate::entities::{Control, Risk};
use crate::error::{StorageError, StorageResult};
use crate::repository::RiskRepository;

/// What a run simulates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    Risk(i64),
    Outcome(i64),
}

/// A run waiting to be computed (claimed by a worker or run at once).
#[derive(Debug, Clone)]
pub struct QueuedSimulation {
    pub id: i64,
    pub tenant: TenantId,
    pub subject: Subject,
    pub iterations: u64,
    pub seed: u64,
}

/// Everything a run needs, loaded; computing it does no IO.
#[derive(Debug, Clone)]
pub struct SimulationPlan {
    pub queued: QueuedSimulation,
    models: Vec<RiskModel>,
}

/// Iterations used when none are asked for.
pub const DEFAULT_ITERATIONS: u64 = 100_000;

fn csf_target(control: &Control) -> ControlTarget {
    let function = control
        .nist_csf
        .first()
        .map(|id| id.split('.').next().unwrap_or_default().to_uppercase());
    match function.as_deref() {
        Some("DE" | "RS" | "RC") => ControlTarget::Magnitude,
        _ => ControlTarget::Frequency,
    }
}

/// The loss model of `risk` with its linked `controls`.
pub fn risk_model(risk: &Risk, controls: &[Control]) -> RiskModel {
    let linked: Vec<&Control> = controls
        .iter()
        .filter(|c| {
            risk.controls.iter().any(|l| l.id == c.id) && c.status != ControlStatus::Retired
        })
        .collect();
    let share = |target: ControlTarget| {
        linked
            .iter()
            .filter(|c| csf_target(c) == target)
            .count()
            .max(1) as f64
    };
    let (frequency_share, magnitude_share) = (
        share(ControlTarget::Frequency),
        share(ControlTarget::Magnitude),
    );
    RiskModel {
        frequency: Frequency::Rate(risk.event_frequency_per_year),
        magnitude: Magnitude::LogNormal90 {
            low: risk.loss_magnitude_low,
            high: risk.loss_magnitude_high,
        },
        secondary: None,
        controls: linked
            .iter()
            .map(|c| {
                let target = csf_target(c);
                let share = if target == ControlTarget::Frequency {
                    frequency_share
                } else {
                    magnitude_share
                };
                ControlEffect {
                    effectiveness: (c.effectiveness / share).clamp(0.0, 1.0),
                    target,
                    planned: c.status == ControlStatus::Planned,
                }
            })
            .collect(),
    }
}

/// The contract's view of a loss summary.
pub fn results_of(summary: &LossSummary) -> SimulationResults {
    SimulationResults {
        mean_annual_loss: summary.mean,
        p50: summary.p50,
        p90: summary.p90,
        p95: summary.p95,
        p99: summary.p99,
        var95: summary.var95,
        var99: summary.var99,
        expected_shortfall99: summary.expected_shortfall99,
        probability_of_zero_loss: summary.probability_of_zero_loss,
        min: summary.min,
        max: summary.max,
        exceedance_curve: summary
            .exceedance_curve
            .iter()
            .map(|p| ExceedancePoint {
                loss: p.loss,
                probability: p.probability,
            })
            .collect(),
    }
}

impl SimulationPlan {
    /// Computes the run (CPU only; call from a blocking context in servers).
    pub fn run(&self, threads: usize) -> Result<SimulationResults, SimulationError> {
        let q = &self.queued;
        let summary = match q.subject {
            Subject::Risk(_) => simulate_risk(
                &self.models[0],
                Stage::Current,
                q.iterations,
                q.seed,
                threads,
            ),
            Subject::Outcome(_) => {
                simulate_outcome(&self.models, Stage::Current, q.iterations, q.seed, threads)
            }
        };
        Ok(results_of(&summary?))
    }
}

/// Why a simulation could not be queued, run or recorded.
#[derive(Debug, thiserror::Error)]
pub enum SimulationError {
    #[error("iterations must be between 1 and {MAX_ITERATIONS}; got {0}")]
    Iterations(u64),
    #[error("the risk no longer exists")]
    RiskGone,
    #[error("the outcome has no risks to simulate")]
    NoRisks,
    #[error("run {0} was taken by a server worker")]
    Taken(i64),
    /// The register's figures do not make a valid model (a bad interval, say).
    #[error(transparent)]
    Model(#[from] SimError),
    /// The computation itself did not finish (its task panicked or was cancelled).
    #[error("the simulation task failed: {0}")]
    Interrupted(String),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// Queues, prepares and records simulation runs.
#[derive(Clone)]
pub struct SimulationService {
    repo: Arc<dyn RiskRepository>,
    queue: Arc<dyn SimulationQueue>,
}

impl std::fmt::Debug for SimulationService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimulationService").finish_non_exhaustive()
    }
}

impl SimulationService {
    pub fn new(repo: Arc<dyn RiskRepository>, queue: Arc<dyn SimulationQueue>) -> Self {
        Self { repo, queue }
    }

    /// Queues a run; the server's worker (or [`Self::run_now`]) computes it.
    pub async fn enqueue(
        &self,
        tenant: TenantId,
        subject: Subject,
        iterations: u64,
        seed: u64,
    ) -> Result<i64, SimulationError> {
        if iterations == 0 || iterations > MAX_ITERATIONS {
            return Err(SimulationError::Iterations(iterations));
        }
        let parameters =
            serde_json::json!({ "stage": "current", "iterations": iterations, "seed": seed });
        Ok(self
            .queue
            .enqueue_simulation(tenant, subject, iterations, seed, &parameters.to_string())
            .await?)
    }

    /// Loads what the run needs; a subject that no longer exists becomes an error.
    pub async fn prepare(
        &self,
        queued: QueuedSimulation,
    ) -> Result<SimulationPlan, SimulationError> {
        let risks = self.repo.risks(queued.tenant).await?;
        let controls = self.repo.controls(queued.tenant).await?;
        let chosen: Vec<&Risk> = match queued.subject {
            Subject::Risk(id) => risks.iter().filter(|r| r.id == id).collect(),
            Subject::Outcome(id) => risks
                .iter()
                .filter(|r| r.outcomes.iter().any(|o| o.id == id))
                .collect(),
        };
        if chosen.is_empty() {
            return Err(match queued.subject {
                Subject::Risk(_) => SimulationError::RiskGone,
                Subject::Outcome(_) => SimulationError::NoRisks,
            });
        }
        let models = chosen
            .into_iter()
            .map(|r| risk_model(r, &controls))
            .collect();
        Ok(SimulationPlan { queued, models })
    }

    /// Records a finished run.
    pub async fn finish(
        &self,
        queued: &QueuedSimulation,
        started_at: DateTime<Utc>,
        outcome: Result<&SimulationResults, &SimulationError>,
    ) -> StorageResult<()> {
        let finished_at = Utc::now();
        match outcome {
            Ok(results) => {
                let json = serde_json::to_string(&results).unwrap_or_default();
                self.queue
                    .finish_simulation(queued.tenant, queued.id, started_at, finished_at, Ok(&json))
                    .await
            }
            Err(error) => {
                self.queue
                    .finish_simulation(
                        queued.tenant,
                        queued.id,
                        started_at,
                        finished_at,
                        Err(&error.to_string()),
                    )
                    .await
            }
        }
    }

    /// Queues a run and computes it here and now; returns its id and results.
    pub async fn run_now(
        &self,
        tenant: TenantId,
        subject: Subject,
        iterations: u64,
        seed: u64,
        threads: usize,
    ) -> Result<(i64, SimulationResults), SimulationError> {
        let id = self.enqueue(tenant, subject, iterations, seed).await?;
        let queued = QueuedSimulation {
            id,
            tenant,
            subject,
            iterations,
            seed,
        };
        if !self.queue.mark_running(tenant, id).await? {
            return Err(SimulationError::Taken(id));
        }
        let started_at = Utc::now();
        let outcome = match self.prepare(queued.clone()).await {
            Ok(plan) => plan.run(threads),
            Err(error) => Err(error),
        };
        self.finish(&queued, started_at, outcome.as_ref()).await?;
        outcome.map(|results| (id, results))
    }

    /// Runs every risk and every outcome of `tenant` now; returns how many completed.
    /// Seeds are `seed` plus the subject's position, so a rerun reproduces each run.
    pub async fn run_all(
        &self,
        tenant: TenantId,
        iterations: u64,
        seed: u64,
        threads: usize,
    ) -> Result<usize, SimulationError> {
        let risks = self.repo.risks(tenant).await?;
        let outcomes = self.repo.outcomes(tenant).await?;
        let subjects = risks.iter().map(|r| Subject::Risk(r.id)).chain(
            outcomes
                .iter()
                .filter(|o| !o.risks.is_empty())
                .map(|o| Subject::Outcome(o.id)),
        );
        let mut completed = 0;
        for (i, subject) in subjects.enumerate() {
            self.run_now(
                tenant,
                subject,
                iterations,
                seed.wrapping_add(i as u64),
                threads,
            )
            .await?;
            completed += 1;
        }
        Ok(completed)
    }

    /// The next queued run of any tenant, now marked running (for the server's worker).
    pub async fn claim_next(&self) -> StorageResult<Option<QueuedSimulation>> {
        self.queue.claim_next_simulation().await
    }
}

/// Where simulation runs wait and end. Claiming is the one operation that looks across
/// tenants: the server's worker takes the oldest queued run and computes it within that
/// run's own tenant.
#[async_trait]
pub trait SimulationQueue: Send + Sync {
    async fn enqueue_simulation(
        &self,
        tenant: TenantId,
        subject: Subject,
        iterations: u64,
        seed: u64,
        parameters_json: &str,
    ) -> StorageResult<i64>;
    /// Marks the oldest queued run running and returns it; `None` when none waits.
    async fn claim_next_simulation(&self) -> StorageResult<Option<QueuedSimulation>>;
    /// Marks a queued run running; false if it was not queued any more.
    async fn mark_running(&self, tenant: TenantId, id: i64) -> StorageResult<bool>;
    /// Records the end of a run: results JSON, or the error.
    async fn finish_simulation(
        &self,
        tenant: TenantId,
        id: i64,
        started_at: DateTime<Utc>,
        finished_at: DateTime<Utc>,
        outcome: Result<&str, &str>,
    ) -> StorageResult<()>;
}
