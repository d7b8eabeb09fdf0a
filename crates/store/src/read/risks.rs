//! The risk register, with each risk's outcomes, KRIs, controls and latest simulated loss.

use std::sync::Arc;

use draxis_domain::StorageResult;
use draxis_domain::TenantId;
use draxis_domain::entities::{LikelihoodImpact, Risk};
use draxis_domain::repository::Rows;
use draxis_protocol::types::RiskStatus;

use super::columns::{get, links, small};
use crate::Store;
use crate::rows::{storage, wire};

/// The tenant's risks, in id order.
pub(super) async fn risks(store: &Store, tenant: TenantId) -> StorageResult<Rows<Risk>> {
    let rows = sqlx::query("SELECT * FROM risks WHERE tenant_id = $1 ORDER BY id")
        .bind(tenant.0)
        .fetch_all(&store.pool)
        .await
        .map_err(storage)?;
    let mut outcomes = links(
        store,
        "SELECT l.risk_id, o.id, o.ref, o.name FROM risk_outcomes l JOIN outcomes o ON o.id = l.outcome_id \
         WHERE l.tenant_id = $1 ORDER BY o.ref",
        tenant, None
    )
    .await?;
    let mut kris = links(
        store,
        "SELECT l.risk_id, k.id, k.slug, k.name FROM kri_risks l JOIN kris k ON k.id = l.kri_id \
         WHERE l.tenant_id = $1 ORDER BY k.slug",
        tenant,
        None,
    )
    .await?;
    let mut controls = links(
        store,
        "SELECT l.risk_id, c.id, c.ref, c.name FROM risk_controls l JOIN controls c ON c.id = l.control_id \
         WHERE l.tenant_id = $1 ORDER BY c.ref",
        tenant, None
    )
    .await?;
    rows.into_iter()
        .map(|row| {
            let id: i64 = get(&row, "id")?;
            let pair = |l: &str, i: &str| -> StorageResult<LikelihoodImpact> {
                Ok(LikelihoodImpact {
                    likelihood: small(&row, l)?,
                    impact: small(&row, i)?,
                })
            };
            Ok(Risk {
                id,
                r#ref: get(&row, "ref")?,
                title: get(&row, "title")?,
                description: get(&row, "description")?,
                category: get(&row, "category")?,
                owner: get(&row, "owner")?,
                status: wire(
                    "risks.status",
                    &get::<String>(&row, "status")?,
                    RiskStatus::parse,
                )?,
                inherent: pair("inherent_likelihood", "inherent_impact")?,
                current: pair("current_likelihood", "current_impact")?,
                residual: pair("residual_likelihood", "residual_impact")?,
                event_frequency_per_year: get(&row, "event_frequency")?,
                loss_magnitude_low: get(&row, "loss_low")?,
                loss_magnitude_high: get(&row, "loss_high")?,
                currency: get(&row, "currency")?,
                latest_simulated_annual_loss: get(&row, "latest_simulated_annual_loss")?,
                outcomes: outcomes.remove(&id).unwrap_or_default(),
                kris: kris.remove(&id).unwrap_or_default(),
                controls: controls.remove(&id).unwrap_or_default(),
            })
        })
        .collect::<StorageResult<Vec<_>>>()
        .map(Arc::new)
}
