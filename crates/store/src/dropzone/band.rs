//! A tenant's autonomy band, and its change with an audit event.

use chrono::Utc;
use draxis_domain::StorageResult;
use draxis_domain::TenantId;
use draxis_dropzone::records::Actor;
use draxis_protocol::types::AutonomyBand;
use serde_json::json;

use super::audit::audit;
use crate::Store;
use crate::rows::{storage, wire};

pub(super) async fn autonomy_band(store: &Store, tenant: TenantId) -> StorageResult<AutonomyBand> {
    let band: String = sqlx::query_scalar("SELECT autonomy_band FROM tenants WHERE id = $1")
        .bind(tenant.0)
        .fetch_one(&store.pool)
        .await
        .map_err(storage)?;
    wire("tenants.autonomy_band", &band, AutonomyBand::parse)
}

/// Sets the band and records the change; returns the previous band.
pub(super) async fn set_autonomy_band(
    store: &Store,
    tenant: TenantId,
    band: AutonomyBand,
    actor: &Actor,
) -> StorageResult<AutonomyBand> {
    let _turn = store.write_turn().await;
    let mut tx = store.pool.begin().await.map_err(storage)?;
    let previous: String = sqlx::query_scalar(
        "UPDATE tenants SET autonomy_band = autonomy_band WHERE id = $1 RETURNING autonomy_band",
    )
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
