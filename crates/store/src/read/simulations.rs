//! Simulation runs.

use std::sync::Arc;

use draxis_domain::StorageResult;
use draxis_domain::TenantId;
use draxis_domain::entities::{Link, Simulation};
use draxis_domain::repository::Rows;
use draxis_protocol::types::SimulationStatus;

use super::columns::get;
use crate::Store;
use crate::rows::{corrupt, storage, time, wire};

/// The tenant's simulation runs, in id order, with their subject.
pub(super) async fn simulations(
    store: &Store,
    tenant: TenantId,
) -> StorageResult<Rows<Simulation>> {
    let rows = sqlx::query(
        "SELECT s.*, r.ref AS risk_ref, r.title AS risk_title, o.ref AS outcome_ref, o.name AS outcome_name \
         FROM simulations s \
         LEFT JOIN risks r ON r.id = s.risk_id AND r.tenant_id = s.tenant_id \
         LEFT JOIN outcomes o ON o.id = s.outcome_id AND o.tenant_id = s.tenant_id \
         WHERE s.tenant_id = $1 ORDER BY s.id",
    )
    .bind(tenant.0)
    .fetch_all(&store.pool)
    .await
    .map_err(storage)?;
    rows.into_iter()
        .map(|row| {
            let link = |id: &str, r: &str, label: &str| -> StorageResult<Option<Link>> {
                let id: Option<i64> = get(&row, id)?;
                id.map(|id| {
                    Ok(Link {
                        id,
                        r#ref: get(&row, r)?,
                        label: get(&row, label)?,
                    })
                })
                .transpose()
            };
            let results: Option<String> = get(&row, "results")?;
            let iterations: i64 = get(&row, "iterations")?;
            let seed: i64 = get(&row, "seed")?;
            Ok(Simulation {
                id: get(&row, "id")?,
                risk: link("risk_id", "risk_ref", "risk_title")?,
                outcome: link("outcome_id", "outcome_ref", "outcome_name")?,
                status: wire(
                    "simulations.status",
                    &get::<String>(&row, "status")?,
                    SimulationStatus::parse,
                )?,
                iterations: iterations.max(0) as u64,
                seed: seed as u64,
                created_at: time(get(&row, "created_at")?),
                finished_at: get::<Option<i64>>(&row, "finished_at")?.map(time),
                results: results
                    .as_deref()
                    .map(|json| {
                        serde_json::from_str(json).map_err(|_| corrupt("simulations.results", json))
                    })
                    .transpose()?,
                error: get(&row, "error")?,
            })
        })
        .collect::<StorageResult<Vec<_>>>()
        .map(Arc::new)
}
