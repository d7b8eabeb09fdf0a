//! Decisions: a human accepts or rejects an extraction `draxis_dropzone::review` says is
//! decidable; the write holds only if nothing changed it since it was read (a concurrent
//! decision, or a run that wrote it).

use chrono::Utc;
use draxis_domain::StorageResult;
use draxis_domain::TenantId;
use draxis_dropzone::records::{Actor, Decided, Decision};
use draxis_dropzone::review;
use serde_json::json;

use super::audit::audit;
use super::rows::extraction;
use crate::Store;
use crate::rows::{ms, storage};

/// Accepts or rejects a pending extraction and records the decision.
pub(super) async fn decide(
    store: &Store,
    tenant: TenantId,
    id: i64,
    decision: &Decision,
    actor: &Actor,
) -> StorageResult<Decided> {
    let Some(current) = extraction(store, tenant, id).await? else {
        return Ok(Decided::NotFound);
    };
    if !review::decidable(current.state, current.materialized_at.is_some()) {
        return Ok(Decided::NotPending(current.state));
    }
    let verdict = review::verdict(&current, decision);
    let turn = store.write_turn().await;
    let mut tx = store.pool.begin().await.map_err(storage)?;
    let now = Utc::now();
    let done = sqlx::query(
        "UPDATE dropzone_extractions SET state = $3, decided_by = $4, decided_at = $5, \
         note = $6, proposed_value = $7, value = $8 \
         WHERE tenant_id = $1 AND id = $2 AND materialized_at IS NULL AND state = $9",
    )
    .bind(tenant.0)
    .bind(id)
    .bind(verdict.state.as_str())
    .bind(actor.label.as_str())
    .bind(ms(now))
    .bind(decision.note.as_deref())
    .bind(verdict.proposed_value)
    .bind(verdict.value)
    .bind(current.state.as_str())
    .execute(&mut *tx)
    .await
    .map_err(storage)?;
    if done.rows_affected() != 1 {
        // Decided or written since it was read.
        tx.rollback().await.map_err(storage)?;
        drop(turn);
        return Ok(match extraction(store, tenant, id).await? {
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
    let stored = extraction(store, tenant, id)
        .await?
        .ok_or_else(|| storage(sqlx::Error::RowNotFound))?;
    Ok(Decided::Done(Box::new(stored)))
}
