//! Intake: an artifact, its extractions and its audit event written in one transaction,
//! deduplicated by the `(tenant_id, integration_id, sha256)` key; and a connector's
//! configuration.

use std::collections::HashMap;

use draxis_domain::StorageResult;
use draxis_domain::TenantId;
use draxis_dropzone::records::{Inserted, NewArtifact, StoredArtifact, StoredExtraction};
use draxis_protocol::types::ProposalState;
use serde_json::json;

use super::audit::audit;
use super::rows::find_artifact;
use crate::Store;
use crate::read::get;
use crate::rows::{list_json, ms, storage};

/// A connector's configuration JSON.
pub(super) async fn integration_config(
    store: &Store,
    tenant: TenantId,
    integration_id: i64,
) -> StorageResult<Option<String>> {
    sqlx::query_scalar("SELECT config FROM integrations WHERE tenant_id = $1 AND id = $2")
        .bind(tenant.0)
        .bind(integration_id)
        .fetch_optional(&store.pool)
        .await
        .map_err(storage)
}

/// Stores the artifact, its extractions and its audit event in one transaction; a
/// concurrent or earlier insert of the same bytes wins and is returned instead.
pub(super) async fn insert_artifact(
    store: &Store,
    tenant: TenantId,
    artifact: &NewArtifact<'_>,
) -> StorageResult<Inserted> {
    let received = ms(artifact.received_at);
    let turn = store.write_turn().await;
    let mut tx = store.pool.begin().await.map_err(storage)?;
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
        let first = find_artifact(store, tenant, artifact.integration_id, artifact.sha256)
            .await?
            .ok_or_else(|| storage(sqlx::Error::RowNotFound))?;
        return Ok(Inserted::Duplicate(first));
    };
    // All extractions in one statement: one round trip however many there are.
    let mut ids_by_kri: HashMap<i64, i64> = HashMap::new();
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
