//! The simulation queue: runs wait as `queued`, a worker claims one atomically
//! (`queued` → `running`), and the run ends `completed` with results or `failed`. A
//! completed run becomes its risk's or outcome's latest (`latest_simulation_id` and the
//! mean annual loss beside it) in the same transaction.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use draxis_domain::StorageResult;
use draxis_domain::TenantId;
use draxis_domain::simulations::SimulationQueue;
use draxis_domain::simulations::{QueuedSimulation, Subject};
use sqlx::{AssertSqlSafe, Row};

use crate::Store;
use crate::rows::{ms, storage};

#[async_trait]
impl SimulationQueue for Store {
    async fn enqueue_simulation(
        &self,
        tenant: TenantId,
        subject: Subject,
        iterations: u64,
        seed: u64,
        parameters_json: &str,
    ) -> StorageResult<i64> {
        let (risk, outcome) = match subject {
            Subject::Risk(id) => (Some(id), None),
            Subject::Outcome(id) => (None, Some(id)),
        };
        let row = sqlx::query(
            "INSERT INTO simulations (tenant_id, risk_id, outcome_id, status, iterations, seed, parameters, created_at) \
             VALUES ($1, $2, $3, 'queued', $4, $5, $6, $7) RETURNING id",
        )
        .bind(tenant.0)
        .bind(risk)
        .bind(outcome)
        .bind(iterations as i64)
        .bind(seed as i64)
        .bind(parameters_json)
        .bind(ms(Utc::now()))
        .fetch_one(&self.pool)
        .await
        .map_err(storage)?;
        row.try_get(0).map_err(storage)
    }

    async fn claim_next_simulation(&self) -> StorageResult<Option<QueuedSimulation>> {
        // Another worker may take the same row between the two statements; the status
        // check in the UPDATE lets exactly one of them win, the other looks again.
        for _ in 0..8 {
            let Some(row) = sqlx::query(
                "SELECT id, tenant_id, risk_id, outcome_id, iterations, seed FROM simulations \
                 WHERE status = 'queued' ORDER BY id LIMIT 1",
            )
            .fetch_optional(&self.pool)
            .await
            .map_err(storage)?
            else {
                return Ok(None);
            };
            let id: i64 = row.try_get("id").map_err(storage)?;
            let tenant = TenantId(row.try_get("tenant_id").map_err(storage)?);
            if !self.mark_running(tenant, id).await? {
                continue;
            }
            let risk: Option<i64> = row.try_get("risk_id").map_err(storage)?;
            let outcome: Option<i64> = row.try_get("outcome_id").map_err(storage)?;
            let subject = match (risk, outcome) {
                (Some(id), _) => Subject::Risk(id),
                (None, Some(id)) => Subject::Outcome(id),
                (None, None) => {
                    self.finish_simulation(
                        tenant,
                        id,
                        Utc::now(),
                        Utc::now(),
                        Err("run names no risk or outcome"),
                    )
                    .await?;
                    continue;
                }
            };
            return Ok(Some(QueuedSimulation {
                id,
                tenant,
                subject,
                iterations: row.try_get::<i64, _>("iterations").map_err(storage)?.max(0) as u64,
                seed: row.try_get::<i64, _>("seed").map_err(storage)? as u64,
            }));
        }
        Ok(None)
    }

    async fn mark_running(&self, tenant: TenantId, id: i64) -> StorageResult<bool> {
        let done = sqlx::query(
            "UPDATE simulations SET status = 'running', started_at = $1 WHERE id = $2 AND tenant_id = $3 AND status = 'queued'",
        )
        .bind(ms(Utc::now()))
        .bind(id)
        .bind(tenant.0)
        .execute(&self.pool)
        .await
        .map_err(storage)?;
        Ok(done.rows_affected() == 1)
    }

    async fn finish_simulation(
        &self,
        tenant: TenantId,
        id: i64,
        started_at: DateTime<Utc>,
        finished_at: DateTime<Utc>,
        outcome: Result<&str, &str>,
    ) -> StorageResult<()> {
        let (status, results, error) = match outcome {
            Ok(results) => ("completed", Some(results), None),
            Err(error) => ("failed", None, Some(error)),
        };
        let mean = results.and_then(mean_annual_loss);
        let _turn = self.write_turn().await;
        let mut tx = self.pool.begin().await.map_err(storage)?;
        sqlx::query(
            "UPDATE simulations SET status = $1, results = $2, error = $3, started_at = $4, finished_at = $5, \
             mean_annual_loss = $6 WHERE id = $7 AND tenant_id = $8",
        )
        .bind(status)
        .bind(results)
        .bind(error)
        .bind(ms(started_at))
        .bind(ms(finished_at))
        .bind(mean)
        .bind(id)
        .bind(tenant.0)
        .execute(&mut *tx)
        .await
        .map_err(storage)?;
        if status == "completed" {
            // The subject now points at this run, unless a later run finished first.
            for (table, subject) in [("risks", "risk_id"), ("outcomes", "outcome_id")] {
                sqlx::query(AssertSqlSafe(format!(
                    "UPDATE {table} SET latest_simulation_id = $1, latest_simulated_annual_loss = $2 \
                     WHERE tenant_id = $3 AND id = (SELECT {subject} FROM simulations WHERE id = $1 AND tenant_id = $3) \
                     AND (latest_simulation_id IS NULL OR latest_simulation_id < $1)"
                )))
                .bind(id)
                .bind(mean)
                .bind(tenant.0)
                .execute(&mut *tx)
                .await
                .map_err(storage)?;
            }
        }
        tx.commit().await.map_err(storage)?;
        Ok(())
    }
}

/// The mean annual loss of a run's results JSON (the headline kept in a column).
fn mean_annual_loss(results: &str) -> Option<f64> {
    serde_json::from_str::<serde_json::Value>(results)
        .ok()?
        .get("meanAnnualLoss")?
        .as_f64()
}
