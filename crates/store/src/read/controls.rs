//! Controls, with the risks and KRIs each one covers.

use std::sync::Arc;

use draxis_domain::StorageResult;
use draxis_domain::TenantId;
use draxis_domain::entities::Control;
use draxis_domain::repository::Rows;
use draxis_protocol::types::ControlStatus;

use super::columns::{get, links};
use crate::Store;
use crate::rows::{list, storage, wire};

/// The tenant's controls, in id order.
pub(super) async fn controls(store: &Store, tenant: TenantId) -> StorageResult<Rows<Control>> {
    let rows = sqlx::query("SELECT * FROM controls WHERE tenant_id = $1 ORDER BY id")
        .bind(tenant.0)
        .fetch_all(&store.pool)
        .await
        .map_err(storage)?;
    let mut risks = links(
        store,
        "SELECT l.control_id, r.id, r.ref, r.title FROM risk_controls l JOIN risks r ON r.id = l.risk_id \
         WHERE l.tenant_id = $1 ORDER BY r.ref",
        tenant, None
    )
    .await?;
    let mut kris = links(
        store,
        "SELECT l.control_id, k.id, k.slug, k.name FROM kri_controls l JOIN kris k ON k.id = l.kri_id \
         WHERE l.tenant_id = $1 ORDER BY k.slug",
        tenant, None
    )
    .await?;
    rows.into_iter()
        .map(|row| {
            let id: i64 = get(&row, "id")?;
            Ok(Control {
                id,
                r#ref: get(&row, "ref")?,
                name: get(&row, "name")?,
                category: get(&row, "category")?,
                status: wire(
                    "controls.status",
                    &get::<String>(&row, "status")?,
                    ControlStatus::parse,
                )?,
                effectiveness: get(&row, "effectiveness")?,
                nist_csf: list("controls.nist_csf", &get::<String>(&row, "nist_csf")?)?,
                attack_techniques: list(
                    "controls.attack_techniques",
                    &get::<String>(&row, "attack_techniques")?,
                )?,
                owner: get(&row, "owner")?,
                risks: risks.remove(&id).unwrap_or_default(),
                kris: kris.remove(&id).unwrap_or_default(),
            })
        })
        .collect::<StorageResult<Vec<_>>>()
        .map(Arc::new)
}
