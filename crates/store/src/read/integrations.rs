//! Integrations, with their last run, the KRIs they feed and their review queue.

use std::collections::HashMap;
use std::sync::Arc;

use draxis_domain::StorageResult;
use draxis_domain::TenantId;
use draxis_domain::entities::{Integration, IntegrationRunRecord};
use draxis_domain::repository::Rows;
use draxis_protocol::types::{IntegrationKind, Schedule};

use super::columns::{flag, get};
use crate::Store;
use crate::rows::{storage, time, wire};

/// The tenant's integrations, in id order.
pub(super) async fn integrations(
    store: &Store,
    tenant: TenantId,
) -> StorageResult<Rows<Integration>> {
    let rows = sqlx::query("SELECT * FROM integrations WHERE tenant_id = $1 ORDER BY id")
        .bind(tenant.0)
        .fetch_all(&store.pool)
        .await
        .map_err(storage)?;
    let runs = sqlx::query(
        "SELECT r.* FROM integration_runs r WHERE r.tenant_id = $1 AND r.id = \
         (SELECT MAX(id) FROM integration_runs x WHERE x.tenant_id = r.tenant_id AND x.integration_id = r.integration_id)",
    )
    .bind(tenant.0)
    .fetch_all(&store.pool)
    .await
    .map_err(storage)?;
    let mut last_runs: HashMap<i64, IntegrationRunRecord> = HashMap::new();
    for row in runs {
        let written: i64 = get(&row, "rows_written")?;
        let skipped: i64 = get(&row, "rows_skipped")?;
        last_runs.insert(
            get(&row, "integration_id")?,
            IntegrationRunRecord {
                id: get(&row, "id")?,
                started_at: time(get(&row, "started_at")?),
                finished_at: get::<Option<i64>>(&row, "finished_at")?.map(time),
                status: get(&row, "status")?,
                rows_written: written.max(0) as u64,
                rows_skipped: skipped.max(0) as u64,
            },
        );
    }
    let mut kri_slugs: HashMap<i64, Vec<String>> = HashMap::new();
    let fed = sqlx::query(
        "SELECT source_integration_id, slug FROM kris WHERE tenant_id = $1 AND source_integration_id IS NOT NULL ORDER BY slug",
    )
    .bind(tenant.0)
    .fetch_all(&store.pool)
    .await
    .map_err(storage)?;
    for row in fed {
        kri_slugs
            .entry(get(&row, 0)?)
            .or_default()
            .push(get(&row, 1)?);
    }
    let mut pending: HashMap<i64, u64> = HashMap::new();
    let queue = sqlx::query(
        "SELECT integration_id, COUNT(*) FROM dropzone_extractions \
         WHERE tenant_id = $1 AND state = 'pending_review' GROUP BY integration_id",
    )
    .bind(tenant.0)
    .fetch_all(&store.pool)
    .await
    .map_err(storage)?;
    for row in queue {
        let n: i64 = get(&row, 1)?;
        pending.insert(get(&row, 0)?, n.max(0) as u64);
    }
    rows.into_iter()
        .map(|row| {
            let id: i64 = get(&row, "id")?;
            Ok(Integration {
                id,
                name: get(&row, "name")?,
                kind: wire(
                    "integrations.kind",
                    &get::<String>(&row, "kind")?,
                    IntegrationKind::parse,
                )?,
                schedule: wire(
                    "integrations.schedule",
                    &get::<String>(&row, "schedule")?,
                    Schedule::parse,
                )?,
                enabled: flag(&row, "enabled")?,
                last_run: last_runs.remove(&id),
                pending_review_count: pending.remove(&id).unwrap_or(0),
                kri_slugs: kri_slugs.remove(&id).unwrap_or_default(),
            })
        })
        .collect::<StorageResult<Vec<_>>>()
        .map(Arc::new)
}
