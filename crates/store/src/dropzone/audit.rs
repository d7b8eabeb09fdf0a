//! The audit trail: one event per submission, decision, run and band change, written in
//! the transaction of what it records.

use chrono::{DateTime, Utc};
use draxis_domain::StorageResult;
use draxis_domain::TenantId;
use draxis_dropzone::records::{Actor, AuditEvent};
use sqlx::{Any, Transaction};

use crate::Store;
use crate::read::get;
use crate::rows::{ms, storage, time};

/// Records an event inside `tx`.
pub(super) async fn audit(
    tx: &mut Transaction<'_, Any>,
    tenant: TenantId,
    at: DateTime<Utc>,
    actor: &Actor,
    action: &str,
    subject: String,
    details: serde_json::Value,
) -> StorageResult<()> {
    sqlx::query(
        "INSERT INTO audit_events (tenant_id, at, actor, token_id, credential, action, subject, details) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(tenant.0)
    .bind(ms(at))
    .bind(actor.label.as_str())
    .bind(actor.token_id)
    .bind(actor.token_id.map(|id| format!("pat:{id}")))
    .bind(action)
    .bind(subject)
    .bind(details.to_string())
    .execute(&mut **tx)
    .await
    .map_err(storage)?;
    Ok(())
}

/// Newest first.
pub(super) async fn audit_events(
    store: &Store,
    tenant: TenantId,
    limit: u32,
) -> StorageResult<Vec<AuditEvent>> {
    sqlx::query(
        "SELECT id, at, actor, token_id, action, subject, details FROM audit_events \
         WHERE tenant_id = $1 ORDER BY id DESC LIMIT $2",
    )
    .bind(tenant.0)
    .bind(i64::from(limit.max(1)))
    .fetch_all(&store.pool)
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
