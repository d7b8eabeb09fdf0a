//! The Drop Zone's tables: artifacts deduplicated by a unique key, extractions written in
//! the same transaction, materialization into KRI observations, decisions and audit.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use draxis_domain::TenantId;
use draxis_domain::repository::StorageResult;
use draxis_dropzone::records::*;
use draxis_protocol::types::{AutonomyBand, ProposalState};
use serde_json::json;
use sqlx::any::AnyRow;
use sqlx::{Any, Transaction};

use crate::Store;
use crate::read::get;
use crate::rows::{list, list_json, ms, storage, time, wire};

const ARTIFACT_COLUMNS: &str = "id, integration_id, sha256, size_bytes, filename, mime_type, \
     source, extractor, autonomy_band, skipped, received_at, submitted_by";

const EXTRACTION_SELECT: &str = "SELECT e.id, e.artifact_id, e.integration_id, e.kri_id, \
     k.slug, k.unit, e.value, e.proposed_value, e.observed_at, e.confidence, e.reasons, \
     e.line_start, e.line_end, e.excerpt, e.state, e.decided_by, e.decided_at, e.note, \
     e.materialized_at, e.created_at \
     FROM dropzone_extractions e JOIN kris k ON k.id = e.kri_id AND k.tenant_id = e.tenant_id";

fn extraction_row(row: &AnyRow) -> StorageResult<StoredExtraction> {
    let line_start: i64 = get(row, 11)?;
    let line_end: i64 = get(row, 12)?;
    Ok(StoredExtraction {
        id: get(row, 0)?,
        artifact_id: get(row, 1)?,
        integration_id: get(row, 2)?,
        kri_id: get(row, 3)?,
        kri_slug: get(row, 4)?,
        kri_unit: get(row, 5)?,
        value: get(row, 6)?,
        proposed_value: get(row, 7)?,
        observed_at: get::<Option<i64>>(row, 8)?.map(time),
        confidence: get(row, 9)?,
        reasons: list("dropzone_extractions.reasons", &get::<String>(row, 10)?)?,
        line_start: line_start.max(0) as u32,
        line_end: line_end.max(0) as u32,
        excerpt: get(row, 13)?,
        state: wire(
            "dropzone_extractions.state",
            &get::<String>(row, 14)?,
            ProposalState::parse,
        )?,
        decided_by: get(row, 15)?,
        decided_at: get::<Option<i64>>(row, 16)?.map(time),
        note: get(row, 17)?,
        materialized_at: get::<Option<i64>>(row, 18)?.map(time),
        created_at: time(get(row, 19)?),
    })
}

fn artifact_row(row: &AnyRow, extractions: Vec<StoredExtraction>) -> StorageResult<StoredArtifact> {
    let size: i64 = get(row, 3)?;
    let skipped: i64 = get(row, 9)?;
    Ok(StoredArtifact {
        id: get(row, 0)?,
        integration_id: get(row, 1)?,
        sha256: get(row, 2)?,
        size_bytes: size.max(0) as u64,
        filename: get(row, 4)?,
        mime_type: get(row, 5)?,
        source: get(row, 6)?,
        extractor: get(row, 7)?,
        band: wire(
            "dropzone_artifacts.autonomy_band",
            &get::<String>(row, 8)?,
            AutonomyBand::parse,
        )?,
        skipped: skipped.clamp(0, i64::from(u32::MAX)) as u32,
        received_at: time(get(row, 10)?),
        submitted_by: get(row, 11)?,
        extractions,
    })
}

async fn audit(
    tx: &mut Transaction<'_, Any>,
    tenant: TenantId,
    at: DateTime<Utc>,
    actor: &Actor,
    action: &str,
    subject: String,
    details: serde_json::Value,
) -> StorageResult<()> {
    sqlx::query(
        "INSERT INTO audit_events (tenant_id, at, actor, token_id, action, subject, details) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(tenant.0)
    .bind(ms(at))
    .bind(actor.label.as_str())
    .bind(actor.token_id)
    .bind(action)
    .bind(subject)
    .bind(details.to_string())
    .execute(&mut **tx)
    .await
    .map_err(storage)?;
    Ok(())
}

impl Store {
    async fn load_artifact(
        &self,
        tenant: TenantId,
        filter: &str,
        bind: (i64, Option<&str>),
    ) -> StorageResult<Option<StoredArtifact>> {
        let sql = format!(
            "SELECT {ARTIFACT_COLUMNS} FROM dropzone_artifacts WHERE tenant_id = $1 AND {filter}"
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(tenant.0)
            .bind(bind.0);
        if let Some(text) = bind.1 {
            query = query.bind(text);
        }
        let Some(row) = query.fetch_optional(&self.pool).await.map_err(storage)? else {
            return Ok(None);
        };
        let id: i64 = get(&row, 0)?;
        let extractions = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{EXTRACTION_SELECT} WHERE e.tenant_id = $1 AND e.artifact_id = $2 ORDER BY e.line_start, e.id"
        )))
        .bind(tenant.0)
        .bind(id)
        .fetch_all(&self.pool)
        .await
        .map_err(storage)?
        .iter()
        .map(extraction_row)
        .collect::<StorageResult<Vec<_>>>()?;
        artifact_row(&row, extractions).map(Some)
    }
}

#[async_trait]
impl DropZoneStore for Store {
    async fn autonomy_band(&self, tenant: TenantId) -> StorageResult<AutonomyBand> {
        let band: String = sqlx::query_scalar("SELECT autonomy_band FROM tenants WHERE id = $1")
            .bind(tenant.0)
            .fetch_one(&self.pool)
            .await
            .map_err(storage)?;
        wire("tenants.autonomy_band", &band, AutonomyBand::parse)
    }

    async fn set_autonomy_band(
        &self,
        tenant: TenantId,
        band: AutonomyBand,
        actor: &Actor,
    ) -> StorageResult<AutonomyBand> {
        let _turn = self.write_turn().await;
        let mut tx = self.pool.begin().await.map_err(storage)?;
        let previous: String =
            sqlx::query_scalar("UPDATE tenants SET autonomy_band = autonomy_band WHERE id = $1 RETURNING autonomy_band")
                .bind(tenant.0)
                .fetch_one(&mut *tx)
                .await
                .map_err(storage)?;
        sqlx::query("UPDATE tenants SET autonomy_band = $2 WHERE id = $1")
            .bind(tenant.0)
            .bind(band.as_str())
            .execute(&mut *tx)
            .await
            .map_err(storage)?;
        audit(
            &mut tx,
            tenant,
            Utc::now(),
            actor,
            "tenant.autonomy_band_set",
            "tenant".into(),
            json!({"from": previous, "to": band.as_str()}),
        )
        .await?;
        tx.commit().await.map_err(storage)?;
        wire("tenants.autonomy_band", &previous, AutonomyBand::parse)
    }

    async fn find_artifact(
        &self,
        tenant: TenantId,
        integration_id: i64,
        sha256: &str,
    ) -> StorageResult<Option<StoredArtifact>> {
        self.load_artifact(
            tenant,
            "integration_id = $2 AND sha256 = $3",
            (integration_id, Some(sha256)),
        )
        .await
    }

    async fn artifact(&self, tenant: TenantId, id: i64) -> StorageResult<Option<StoredArtifact>> {
        self.load_artifact(tenant, "id = $2", (id, None)).await
    }

    async fn integration_config(
        &self,
        tenant: TenantId,
        integration_id: i64,
    ) -> StorageResult<Option<String>> {
        sqlx::query_scalar("SELECT config FROM integrations WHERE tenant_id = $1 AND id = $2")
            .bind(tenant.0)
            .bind(integration_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(storage)
    }

    async fn insert_artifact(
        &self,
        tenant: TenantId,
        artifact: &NewArtifact<'_>,
    ) -> StorageResult<Inserted> {
        let received = ms(artifact.received_at);
        let turn = self.write_turn().await;
        let mut tx = self.pool.begin().await.map_err(storage)?;
        // The unique key decides between concurrent submissions of the same bytes, on any
        // replica: the loser inserts nothing and answers with the winner's artifact.
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO dropzone_artifacts (tenant_id, integration_id, sha256, size_bytes, \
             filename, mime_type, source, content, extractor, autonomy_band, skipped, \
             submitted_by, token_id, received_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) \
             ON CONFLICT (tenant_id, integration_id, sha256) DO NOTHING RETURNING id",
        )
        .bind(tenant.0)
        .bind(artifact.integration_id)
        .bind(artifact.sha256)
        .bind(artifact.content.len() as i64)
        .bind(artifact.filename)
        .bind(artifact.mime_type)
        .bind(artifact.source)
        .bind(artifact.content)
        .bind(artifact.extractor)
        .bind(artifact.band.as_str())
        .bind(i64::from(artifact.skipped))
        .bind(artifact.actor.label.as_str())
        .bind(artifact.actor.token_id)
        .bind(received)
        .fetch_optional(&mut *tx)
        .await
        .map_err(storage)?;
        let Some(id) = id else {
            tx.rollback().await.map_err(storage)?;
            drop(turn);
            let first = self
                .find_artifact(tenant, artifact.integration_id, artifact.sha256)
                .await?
                .ok_or_else(|| storage(sqlx::Error::RowNotFound))?;
            return Ok(Inserted::Duplicate(first));
        };
        // All extractions in one statement: one round trip however many there are.
        let mut ids_by_kri: std::collections::HashMap<i64, i64> = std::collections::HashMap::new();
        if !artifact.extractions.is_empty() {
            const COLUMNS: usize = 13;
            let mut sql = String::from(
                "INSERT INTO dropzone_extractions (tenant_id, artifact_id, integration_id, kri_id, \
                 value, observed_at, confidence, reasons, line_start, line_end, excerpt, state, \
                 created_at) VALUES ",
            );
            for (row, _) in artifact.extractions.iter().enumerate() {
                sql.push_str(if row == 0 { "(" } else { ", (" });
                for col in 0..COLUMNS {
                    if col > 0 {
                        sql.push_str(", ");
                    }
                    sql.push_str(&format!("${}", row * COLUMNS + col + 1));
                }
                sql.push(')');
            }
            sql.push_str(" RETURNING id, kri_id");
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
            for e in &artifact.extractions {
                query = query
                    .bind(tenant.0)
                    .bind(id)
                    .bind(artifact.integration_id)
                    .bind(e.kri_id)
                    .bind(e.value)
                    .bind(e.observed_at.map(ms))
                    .bind(e.confidence)
                    .bind(list_json(&e.reasons))
                    .bind(i64::from(e.line_start))
                    .bind(i64::from(e.line_end))
                    .bind(e.excerpt.as_str())
                    .bind(e.state.as_str())
                    .bind(received);
            }
            for row in query.fetch_all(&mut *tx).await.map_err(storage)? {
                ids_by_kri.insert(get(&row, 1)?, get(&row, 0)?);
            }
        }
        let count = |s: ProposalState| artifact.extractions.iter().filter(|e| e.state == s).count();
        audit(
            &mut tx,
            tenant,
            artifact.received_at,
            artifact.actor,
            "artifact.submitted",
            format!("artifact:{id}"),
            json!({
                "integrationId": artifact.integration_id,
                "filename": artifact.filename,
                "mimeType": artifact.mime_type,
                "sizeBytes": artifact.content.len(),
                "sha256": artifact.sha256,
                "source": artifact.source,
                "extractor": artifact.extractor,
                "autonomyBand": artifact.band.as_str(),
                "proposals": artifact.extractions.len(),
                "autoAccepted": count(ProposalState::AutoAccepted),
                "pendingReview": count(ProposalState::PendingReview),
                "skipped": artifact.skipped,
            }),
        )
        .await?;
        tx.commit().await.map_err(storage)?;
        drop(turn);
        // Built from what was just written (one extraction per KRI per artifact), rather
        // than read back.
        let extractions = artifact
            .extractions
            .iter()
            .map(|e| {
                Ok(StoredExtraction {
                    id: *ids_by_kri
                        .get(&e.kri_id)
                        .ok_or_else(|| storage(sqlx::Error::RowNotFound))?,
                    artifact_id: id,
                    integration_id: artifact.integration_id,
                    kri_id: e.kri_id,
                    kri_slug: e.kri_slug.clone(),
                    kri_unit: e.kri_unit.clone(),
                    value: e.value,
                    proposed_value: None,
                    observed_at: e.observed_at,
                    confidence: e.confidence,
                    reasons: e.reasons.clone(),
                    line_start: e.line_start,
                    line_end: e.line_end,
                    excerpt: e.excerpt.clone(),
                    state: e.state,
                    decided_by: None,
                    decided_at: None,
                    note: None,
                    materialized_at: None,
                    created_at: artifact.received_at,
                })
            })
            .collect::<StorageResult<Vec<_>>>()?;
        let mut extractions = extractions;
        extractions.sort_by_key(|e| (e.line_start, e.id));
        Ok(Inserted::New(StoredArtifact {
            id,
            integration_id: artifact.integration_id,
            sha256: artifact.sha256.to_string(),
            size_bytes: artifact.content.len() as u64,
            filename: artifact.filename.map(str::to_string),
            mime_type: artifact.mime_type.map(str::to_string),
            source: artifact.source.map(str::to_string),
            extractor: artifact.extractor.to_string(),
            band: artifact.band,
            skipped: artifact.skipped,
            received_at: artifact.received_at,
            submitted_by: artifact.actor.label.clone(),
            extractions,
        }))
    }

    async fn materialize(
        &self,
        tenant: TenantId,
        integration_id: i64,
        started_at: DateTime<Utc>,
        counts: &RunCounts,
        actor: &Actor,
    ) -> StorageResult<Materialized> {
        let _turn = self.write_turn().await;
        let mut tx = self.pool.begin().await.map_err(storage)?;
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
        let ready = sqlx::query(
            "SELECT e.id, e.artifact_id, e.kri_id, k.slug, e.value, \
             COALESCE(e.observed_at, a.received_at) AS observed, e.confidence \
             FROM dropzone_extractions e \
             JOIN kris k ON k.id = e.kri_id AND k.tenant_id = e.tenant_id \
             JOIN dropzone_artifacts a ON a.id = e.artifact_id AND a.tenant_id = e.tenant_id \
             WHERE e.tenant_id = $1 AND e.integration_id = $2 \
             AND e.state IN ('auto_accepted', 'accepted') AND e.materialized_at IS NULL \
             ORDER BY observed, e.id",
        )
        .bind(tenant.0)
        .bind(integration_id)
        .fetch_all(&mut *tx)
        .await
        .map_err(storage)?;
        let now = Utc::now();
        let mut written = Vec::new();
        let mut skipped = 0u64;
        for row in &ready {
            let extraction_id: i64 = get(row, 0)?;
            let artifact_id: i64 = get(row, 1)?;
            let kri_id: i64 = get(row, 2)?;
            let value: f64 = get(row, 4)?;
            let observed: i64 = get(row, 5)?;
            let confidence: f64 = get(row, 6)?;
            // Claim the extraction; a concurrent run that claimed it first wins.
            let claimed = sqlx::query(
                "UPDATE dropzone_extractions SET materialized_at = $3 \
                 WHERE tenant_id = $1 AND id = $2 AND materialized_at IS NULL",
            )
            .bind(tenant.0)
            .bind(extraction_id)
            .bind(ms(now))
            .execute(&mut *tx)
            .await
            .map_err(storage)?;
            if claimed.rows_affected() != 1 {
                continue;
            }
            // The same evidence already written from another artifact (the same report sent
            // to two drop zones, or re-exported with other bytes) is skipped; seeded or
            // hand-entered history never blocks evidence.
            let already: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM kri_observations WHERE tenant_id = $1 AND kri_id = $2 \
                 AND observed_at = $3 AND value = $4 AND artifact_id IS NOT NULL LIMIT 1",
            )
            .bind(tenant.0)
            .bind(kri_id)
            .bind(observed)
            .bind(value)
            .fetch_optional(&mut *tx)
            .await
            .map_err(storage)?;
            if already.is_some() {
                skipped += 1;
                continue;
            }
            let observation_id: i64 = sqlx::query_scalar(
                "INSERT INTO kri_observations (tenant_id, kri_id, observed_at, value, source, \
                 artifact_id, extraction_id, confidence) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                 RETURNING id",
            )
            .bind(tenant.0)
            .bind(kri_id)
            .bind(observed)
            .bind(value)
            .bind(source.as_str())
            .bind(artifact_id)
            .bind(extraction_id)
            .bind(confidence)
            .fetch_one(&mut *tx)
            .await
            .map_err(storage)?;
            sqlx::query(
                "UPDATE dropzone_extractions SET observation_id = $3 WHERE tenant_id = $1 AND id = $2",
            )
            .bind(tenant.0)
            .bind(extraction_id)
            .bind(observation_id)
            .execute(&mut *tx)
            .await
            .map_err(storage)?;
            // Evidence becomes the current value unless a newer-dated piece of evidence
            // already is (seeded or hand-entered history never outranks an artifact).
            sqlx::query(
                "UPDATE kris SET current_value = $3, current_observed_at = $4 \
                 WHERE tenant_id = $1 AND id = $2 AND NOT EXISTS (SELECT 1 FROM kri_observations o \
                 WHERE o.tenant_id = $1 AND o.kri_id = $2 AND o.artifact_id IS NOT NULL \
                 AND o.observed_at > $4)",
            )
            .bind(tenant.0)
            .bind(kri_id)
            .bind(value)
            .bind(observed)
            .execute(&mut *tx)
            .await
            .map_err(storage)?;
            written.push(WrittenObservation {
                extraction_id,
                artifact_id,
                kri_id,
                kri_slug: get(row, 3)?,
                value,
                observed_at: time(observed),
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

    async fn record_failed_run(
        &self,
        tenant: TenantId,
        integration_id: i64,
        started_at: DateTime<Utc>,
        error: &str,
        actor: &Actor,
    ) -> StorageResult<i64> {
        let _turn = self.write_turn().await;
        let mut tx = self.pool.begin().await.map_err(storage)?;
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

    async fn pending_review_count(
        &self,
        tenant: TenantId,
        integration_id: i64,
    ) -> StorageResult<u64> {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM dropzone_extractions WHERE tenant_id = $1 AND integration_id = $2 \
             AND state = 'pending_review'",
        )
        .bind(tenant.0)
        .bind(integration_id)
        .fetch_one(&self.pool)
        .await
        .map_err(storage)?;
        Ok(n.max(0) as u64)
    }

    async fn extractions(
        &self,
        tenant: TenantId,
        filter: &ExtractionFilter,
    ) -> StorageResult<Vec<StoredExtraction>> {
        let sql = format!(
            "{EXTRACTION_SELECT} WHERE e.tenant_id = $1 AND ($2 = '' OR e.state = $2) \
             AND ($3 = 0 OR e.integration_id = $3) ORDER BY e.id LIMIT $4"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(tenant.0)
            .bind(filter.state.map_or("", |s| s.as_str()))
            .bind(filter.integration_id.unwrap_or(0))
            .bind(i64::from(filter.limit.max(1)))
            .fetch_all(&self.pool)
            .await
            .map_err(storage)?
            .iter()
            .map(extraction_row)
            .collect()
    }

    async fn extraction(
        &self,
        tenant: TenantId,
        id: i64,
    ) -> StorageResult<Option<StoredExtraction>> {
        let sql = format!("{EXTRACTION_SELECT} WHERE e.tenant_id = $1 AND e.id = $2");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(tenant.0)
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(storage)?
            .as_ref()
            .map(extraction_row)
            .transpose()
    }

    async fn decide(
        &self,
        tenant: TenantId,
        id: i64,
        decision: &Decision,
        actor: &Actor,
    ) -> StorageResult<Decided> {
        let turn = self.write_turn().await;
        let mut tx = self.pool.begin().await.map_err(storage)?;
        let now = Utc::now();
        let state = if decision.accept {
            ProposalState::Accepted
        } else {
            ProposalState::Rejected
        };
        // Only proposals not yet written can be decided: pending ones, or auto-accepted
        // ones a reviewer stops before the next run.
        let done = sqlx::query(
            "UPDATE dropzone_extractions SET state = $3, decided_by = $4, decided_at = $5, \
             note = $6, proposed_value = CASE WHEN $7 = 1 THEN value ELSE proposed_value END, \
             value = CASE WHEN $7 = 1 THEN $8 ELSE value END \
             WHERE tenant_id = $1 AND id = $2 AND materialized_at IS NULL \
             AND state IN ('pending_review', 'auto_accepted')",
        )
        .bind(tenant.0)
        .bind(id)
        .bind(state.as_str())
        .bind(actor.label.as_str())
        .bind(ms(now))
        .bind(decision.note.as_deref())
        .bind(i64::from(decision.value.is_some()))
        .bind(decision.value.unwrap_or(0.0))
        .execute(&mut *tx)
        .await
        .map_err(storage)?;
        if done.rows_affected() != 1 {
            tx.rollback().await.map_err(storage)?;
            drop(turn);
            return Ok(match self.extraction(tenant, id).await? {
                Some(e) => Decided::NotPending(e.state),
                None => Decided::NotFound,
            });
        }
        audit(
            &mut tx,
            tenant,
            now,
            actor,
            if decision.accept {
                "extraction.accepted"
            } else {
                "extraction.rejected"
            },
            format!("extraction:{id}"),
            json!({"correctedValue": decision.value, "note": decision.note}),
        )
        .await?;
        tx.commit().await.map_err(storage)?;
        drop(turn);
        let stored = self
            .extraction(tenant, id)
            .await?
            .ok_or_else(|| storage(sqlx::Error::RowNotFound))?;
        Ok(Decided::Done(Box::new(stored)))
    }

    async fn audit_events(&self, tenant: TenantId, limit: u32) -> StorageResult<Vec<AuditEvent>> {
        sqlx::query(
            "SELECT id, at, actor, token_id, action, subject, details FROM audit_events \
             WHERE tenant_id = $1 ORDER BY id DESC LIMIT $2",
        )
        .bind(tenant.0)
        .bind(i64::from(limit.max(1)))
        .fetch_all(&self.pool)
        .await
        .map_err(storage)?
        .iter()
        .map(|row| {
            Ok(AuditEvent {
                id: get(row, 0)?,
                at: time(get(row, 1)?),
                actor: get(row, 2)?,
                token_id: get(row, 3)?,
                action: get(row, 4)?,
                subject: get(row, 5)?,
                details: get(row, 6)?,
            })
        })
        .collect()
    }
}
