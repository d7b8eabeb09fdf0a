//! Business outcomes, with their risks and latest simulated loss.

use std::sync::Arc;

use draxis_domain::StorageResult;
use draxis_domain::TenantId;
use draxis_domain::entities::Outcome;
use draxis_domain::repository::Rows;

use super::columns::{get, links};
use crate::Store;
use crate::rows::storage;

/// The tenant's outcomes, in id order.
pub(super) async fn outcomes(store: &Store, tenant: TenantId) -> StorageResult<Rows<Outcome>> {
    let rows = sqlx::query("SELECT * FROM outcomes WHERE tenant_id = $1 ORDER BY id")
        .bind(tenant.0)
        .fetch_all(&store.pool)
        .await
        .map_err(storage)?;
    let mut risks = links(
        store,
        "SELECT l.outcome_id, r.id, r.ref, r.title FROM risk_outcomes l JOIN risks r ON r.id = l.risk_id \
         WHERE l.tenant_id = $1 ORDER BY r.ref",
        tenant, None
    )
    .await?;
    rows.into_iter()
        .map(|row| {
            let id: i64 = get(&row, "id")?;
            Ok(Outcome {
                id,
                r#ref: get(&row, "ref")?,
                name: get(&row, "name")?,
                description: get(&row, "description")?,
                owner: get(&row, "owner")?,
                loss_tolerance: get(&row, "loss_tolerance")?,
                currency: get(&row, "currency")?,
                latest_simulated_annual_loss: get(&row, "latest_simulated_annual_loss")?,
                risks: risks.remove(&id).unwrap_or_default(),
            })
        })
        .collect::<StorageResult<Vec<_>>>()
        .map(Arc::new)
}
