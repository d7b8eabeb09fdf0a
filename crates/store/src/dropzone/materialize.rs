//! Materialization: a run claims each accepted extraction (`materialized_at IS NULL`) in
//! the transaction that writes its KRI observation, so concurrent runs never write one
//! twice. What is written, and what becomes current, is `draxis_dropzone::evidence`'s call.

use chrono::{DateTime, Utc};
use draxis_domain::StorageResult;
use draxis_domain::TenantId;
use draxis_dropzone::evidence::{self, Origin, Recorded};
use draxis_dropzone::records::{Actor, Materialized, RunCounts, WrittenObservation};
use serde_json::json;
use sqlx::{Any, Transaction};

use super::audit::audit;
use crate::Store;
use crate::read::get;
use crate::rows::{ms, storage, time};

/// An accepted extraction not yet written.
struct Ready {
    extraction_id: i64,
    artifact_id: i64,
    kri_id: i64,
    kri_slug: String,
    value: f64,
    observed_at: DateTime<Utc>,
    confidence: f64,
    /// The state it was read in: the claim holds only if it still is.
    state: String,
}

/// The integration's extractions in a written state and not yet written, oldest
/// observation first.
async fn ready(
    tx: &mut Transaction<'_, Any>,
    tenant: TenantId,
    integration_id: i64,
) -> StorageResult<Vec<Ready>> {
    let states: Vec<String> = (0..evidence::WRITTEN_STATES.len())
        .map(|i| format!("${}", i + 3))
        .collect();
    let sql = format!(
        "SELECT e.id, e.artifact_id, e.kri_id, k.slug, e.value, e.observed_at, a.received_at, \
         e.confidence, e.state \
         FROM dropzone_extractions e \
         JOIN kris k ON k.id = e.kri_id AND k.tenant_id = e.tenant_id \
         JOIN dropzone_artifacts a ON a.id = e.artifact_id AND a.tenant_id = e.tenant_id \
         WHERE e.tenant_id = $1 AND e.integration_id = $2 AND e.materialized_at IS NULL \
         AND e.state IN ({})",
        states.join(", ")
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(tenant.0)
        .bind(integration_id);
    for written in evidence::WRITTEN_STATES {
        query = query.bind(written.as_str());
    }
    let mut ready = query
        .fetch_all(&mut **tx)
        .await
        .map_err(storage)?
        .iter()
        .map(|row| {
            let stated: Option<i64> = get(row, 5)?;
            let received: i64 = get(row, 6)?;
            Ok(Ready {
                extraction_id: get(row, 0)?,
                artifact_id: get(row, 1)?,
                kri_id: get(row, 2)?,
                kri_slug: get(row, 3)?,
                value: get(row, 4)?,
                observed_at: evidence::observation_time(stated.map(time), time(received)),
                confidence: get(row, 7)?,
                state: get(row, 8)?,
            })
        })
        .collect::<StorageResult<Vec<_>>>()?;
    ready.sort_by_key(|r| (r.observed_at, r.extraction_id));
    Ok(ready)
}

/// The KRI's observations dated at or after `from`.
async fn recorded_since(
    tx: &mut Transaction<'_, Any>,
    tenant: TenantId,
    kri_id: i64,
    from: DateTime<Utc>,
) -> StorageResult<Vec<Recorded>> {
    sqlx::query(
        "SELECT artifact_id, observed_at, value FROM kri_observations \
         WHERE tenant_id = $1 AND kri_id = $2 AND observed_at >= $3",
    )
    .bind(tenant.0)
    .bind(kri_id)
    .bind(ms(from))
    .fetch_all(&mut **tx)
    .await
    .map_err(storage)?
    .iter()
    .map(|row| {
        let artifact: Option<i64> = get(row, 0)?;
        Ok(Recorded {
            origin: if artifact.is_some() {
                Origin::Evidence
            } else {
                Origin::History
            },
            observed_at: time(get(row, 1)?),
            value: get(row, 2)?,
        })
    })
    .collect()
}

/// Writes every accepted, not yet written extraction of the integration into KRI
/// observations, updates current values, and records the run: one transaction.
pub(super) async fn materialize(
    store: &Store,
    tenant: TenantId,
    integration_id: i64,
    started_at: DateTime<Utc>,
    counts: &RunCounts,
    actor: &Actor,
) -> StorageResult<Materialized> {
    let _turn = store.write_turn().await;
    let mut tx = store.pool.begin().await.map_err(storage)?;
    // Writing first takes SQLite's write lock at once (no upgrade deadlocks).
    let run_id: i64 = sqlx::query_scalar(
        "INSERT INTO integration_runs (tenant_id, integration_id, started_at, status, \
         rows_written, rows_skipped) VALUES ($1, $2, $3, 'running', 0, 0) RETURNING id",
    )
    .bind(tenant.0)
    .bind(integration_id)
    .bind(ms(started_at))
    .fetch_one(&mut *tx)
    .await
    .map_err(storage)?;
    let source: String =
        sqlx::query_scalar("SELECT name FROM integrations WHERE tenant_id = $1 AND id = $2")
            .bind(tenant.0)
            .bind(integration_id)
            .fetch_one(&mut *tx)
            .await
            .map_err(storage)?;
    let now = Utc::now();
    let mut written = Vec::new();
    let mut skipped = 0u64;
    for r in ready(&mut tx, tenant, integration_id).await? {
        // Claim the extraction; a concurrent run that claimed it first, or a reviewer who
        // decided it since it was read, wins.
        let claimed = sqlx::query(
            "UPDATE dropzone_extractions SET materialized_at = $3 \
             WHERE tenant_id = $1 AND id = $2 AND materialized_at IS NULL AND state = $4",
        )
        .bind(tenant.0)
        .bind(r.extraction_id)
        .bind(ms(now))
        .bind(r.state.as_str())
        .execute(&mut *tx)
        .await
        .map_err(storage)?;
        if claimed.rows_affected() != 1 {
            continue;
        }
        let recorded = recorded_since(&mut tx, tenant, r.kri_id, r.observed_at).await?;
        if evidence::already_written(&recorded, r.observed_at, r.value) {
            skipped += 1;
            continue;
        }
        let observation_id: i64 = sqlx::query_scalar(
            "INSERT INTO kri_observations (tenant_id, kri_id, observed_at, value, source, \
             artifact_id, extraction_id, confidence) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             RETURNING id",
        )
        .bind(tenant.0)
        .bind(r.kri_id)
        .bind(ms(r.observed_at))
        .bind(r.value)
        .bind(source.as_str())
        .bind(r.artifact_id)
        .bind(r.extraction_id)
        .bind(r.confidence)
        .fetch_one(&mut *tx)
        .await
        .map_err(storage)?;
        sqlx::query(
            "UPDATE dropzone_extractions SET observation_id = $3 WHERE tenant_id = $1 AND id = $2",
        )
        .bind(tenant.0)
        .bind(r.extraction_id)
        .bind(observation_id)
        .execute(&mut *tx)
        .await
        .map_err(storage)?;
        if evidence::becomes_current(&recorded, r.observed_at) {
            sqlx::query(
                "UPDATE kris SET current_value = $3, current_observed_at = $4 \
                 WHERE tenant_id = $1 AND id = $2",
            )
            .bind(tenant.0)
            .bind(r.kri_id)
            .bind(r.value)
            .bind(ms(r.observed_at))
            .execute(&mut *tx)
            .await
            .map_err(storage)?;
        }
        written.push(WrittenObservation {
            extraction_id: r.extraction_id,
            artifact_id: r.artifact_id,
            kri_id: r.kri_id,
            kri_slug: r.kri_slug,
            value: r.value,
            observed_at: r.observed_at,
        });
    }
    let finished_at = Utc::now();
    let details = json!({
        "artifactsIngested": counts.artifacts_ingested,
        "artifactsDuplicate": counts.artifacts_duplicate,
    });
    sqlx::query(
        "UPDATE integration_runs SET status = 'succeeded', finished_at = $3, rows_written = $4, \
         rows_skipped = $5, details = $6 WHERE tenant_id = $1 AND id = $2",
    )
    .bind(tenant.0)
    .bind(run_id)
    .bind(ms(finished_at))
    .bind(written.len() as i64)
    .bind(skipped as i64)
    .bind(details.to_string())
    .execute(&mut *tx)
    .await
    .map_err(storage)?;
    audit(
        &mut tx,
        tenant,
        finished_at,
        actor,
        "integration.run",
        format!("integration:{integration_id}"),
        json!({
            "runId": run_id,
            "status": "succeeded",
            "rowsWritten": written.len(),
            "rowsSkipped": skipped,
            "artifactsIngested": counts.artifacts_ingested,
            "artifactsDuplicate": counts.artifacts_duplicate,
            "extractions": written.iter().map(|w| w.extraction_id).collect::<Vec<_>>(),
        }),
    )
    .await?;
    tx.commit().await.map_err(storage)?;
    Ok(Materialized {
        run_id,
        written,
        skipped,
        finished_at,
    })
}

/// Records a run that failed before it could write anything.
pub(super) async fn record_failed_run(
    store: &Store,
    tenant: TenantId,
    integration_id: i64,
    started_at: DateTime<Utc>,
    error: &str,
    actor: &Actor,
) -> StorageResult<i64> {
    let _turn = store.write_turn().await;
    let mut tx = store.pool.begin().await.map_err(storage)?;
    let finished = Utc::now();
    let run_id: i64 = sqlx::query_scalar(
        "INSERT INTO integration_runs (tenant_id, integration_id, started_at, finished_at, \
         status, rows_written, rows_skipped, error) VALUES ($1, $2, $3, $4, 'failed', 0, 0, $5) \
         RETURNING id",
    )
    .bind(tenant.0)
    .bind(integration_id)
    .bind(ms(started_at))
    .bind(ms(finished))
    .bind(error)
    .fetch_one(&mut *tx)
    .await
    .map_err(storage)?;
    audit(
        &mut tx,
        tenant,
        finished,
        actor,
        "integration.run",
        format!("integration:{integration_id}"),
        json!({"runId": run_id, "status": "failed", "error": error}),
    )
    .await?;
    tx.commit().await.map_err(storage)?;
    Ok(run_id)
}
