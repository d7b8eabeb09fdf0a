//! Hand edits of the register ([`RegisterEdits`]): one KRI's thresholds, owner and
//! aliases, one risk's status, ratings and FAIR parameters, one control's status and
//! effectiveness, a manual KRI observation. Each runs in one transaction that first
//! claims the row (an `UPDATE` that changes nothing, so concurrent edits queue on both
//! engines), compares, writes only what differs, and appends its audit event.

use async_trait::async_trait;
use draxis_auth::audit::AuditEvent;
use draxis_domain::entities::LikelihoodImpact;
use draxis_domain::register_edits::{
    ControlSettings, Edited, Editor, KriSettings, ManualObservation, Recorded, RegisterEdits,
    RiskSettings, action, change_details,
};
use draxis_domain::{StorageResult, TenantId};
use draxis_protocol::types::{ControlStatus, RiskStatus};
use serde_json::{Value, json};
use sqlx::any::AnyRow;
use sqlx::{Any, Transaction};

use crate::Store;
use crate::read::get;
use crate::rows::{corrupt, list, list_json, ms, storage, wire};

/// Appends an audit event (outcome `success`) inside `tx`.
async fn audit(
    tx: &mut Transaction<'_, Any>,
    tenant: TenantId,
    by: &Editor,
    action: &'static str,
    subject: String,
    details: Value,
) -> StorageResult<()> {
    let mut event = AuditEvent::new(action, by.actor.as_str(), subject)
        .in_tenant(Some(tenant))
        .with_credential(by.credential.clone())
        .with_details(details);
    event.client_address = by.client_address.clone();
    crate::audit::insert_event(&mut **tx, &event).await
}

/// A 1-5 column.
fn small(row: &AnyRow, column: &str) -> StorageResult<u8> {
    let value: i64 = get(row, column)?;
    u8::try_from(value).map_err(|_| corrupt("small integer", value.to_string()))
}

fn pair(row: &AnyRow, likelihood: &str, impact: &str) -> StorageResult<LikelihoodImpact> {
    Ok(LikelihoodImpact {
        likelihood: small(row, likelihood)?,
        impact: small(row, impact)?,
    })
}

/// Claims row `id` with `sql` (an `UPDATE … RETURNING` that changes nothing) and reads it.
async fn claim(
    tx: &mut Transaction<'_, Any>,
    sql: &'static str,
    tenant: TenantId,
    id: i64,
) -> StorageResult<Option<AnyRow>> {
    sqlx::query(sql)
        .bind(tenant.0)
        .bind(id)
        .fetch_optional(&mut **tx)
        .await
        .map_err(storage)
}

#[async_trait]
impl RegisterEdits for Store {
    async fn edit_kri(
        &self,
        tenant: TenantId,
        kri_id: i64,
        settings: &KriSettings,
        by: &Editor,
    ) -> StorageResult<Edited> {
        let _turn = self.write_turn().await;
        let mut tx = self.pool.begin().await.map_err(storage)?;
        let Some(row) = claim(
            &mut tx,
            "UPDATE kris SET warn = warn WHERE tenant_id = $1 AND id = $2 \
             RETURNING slug, warn, critical, owner, aliases",
            tenant,
            kri_id,
        )
        .await?
        else {
            return Ok(Edited::NotFound);
        };
        let slug: String = get(&row, "slug")?;
        let before = KriSettings {
            warn: get(&row, "warn")?,
            critical: get(&row, "critical")?,
            owner: get(&row, "owner")?,
            aliases: list("kris.aliases", &get::<String>(&row, "aliases")?)?,
        };
        let changes = before.changes_to(settings);
        if changes.is_empty() {
            return Ok(Edited::Unchanged);
        }
        sqlx::query(
            "UPDATE kris SET warn = $3, critical = $4, owner = $5, aliases = $6 \
             WHERE tenant_id = $1 AND id = $2",
        )
        .bind(tenant.0)
        .bind(kri_id)
        .bind(settings.warn)
        .bind(settings.critical)
        .bind(settings.owner.as_str())
        .bind(list_json(&settings.aliases))
        .execute(&mut *tx)
        .await
        .map_err(storage)?;
        let details = change_details(&changes);
        audit(
            &mut tx,
            tenant,
            by,
            action::KRI_EDIT,
            format!("kri:{slug}"),
            details,
        )
        .await?;
        tx.commit().await.map_err(storage)?;
        Ok(Edited::Changed(changes))
    }

    async fn edit_risk(
        &self,
        tenant: TenantId,
        risk_id: i64,
        settings: &RiskSettings,
        by: &Editor,
    ) -> StorageResult<Edited> {
        let _turn = self.write_turn().await;
        let mut tx = self.pool.begin().await.map_err(storage)?;
        let Some(row) = claim(
            &mut tx,
            "UPDATE risks SET status = status WHERE tenant_id = $1 AND id = $2 \
             RETURNING ref, status, inherent_likelihood, inherent_impact, current_likelihood, \
             current_impact, residual_likelihood, residual_impact, event_frequency, loss_low, loss_high",
            tenant,
            risk_id,
        )
        .await?
        else {
            return Ok(Edited::NotFound);
        };
        let r#ref: String = get(&row, "ref")?;
        let before = RiskSettings {
            status: wire(
                "risks.status",
                &get::<String>(&row, "status")?,
                RiskStatus::parse,
            )?,
            inherent: pair(&row, "inherent_likelihood", "inherent_impact")?,
            current: pair(&row, "current_likelihood", "current_impact")?,
            residual: pair(&row, "residual_likelihood", "residual_impact")?,
            event_frequency_per_year: get(&row, "event_frequency")?,
            loss_magnitude_low: get(&row, "loss_low")?,
            loss_magnitude_high: get(&row, "loss_high")?,
        };
        let changes = before.changes_to(settings);
        if changes.is_empty() {
            return Ok(Edited::Unchanged);
        }
        sqlx::query(
            "UPDATE risks SET status = $3, inherent_likelihood = $4, inherent_impact = $5, \
             current_likelihood = $6, current_impact = $7, residual_likelihood = $8, \
             residual_impact = $9, event_frequency = $10, loss_low = $11, loss_high = $12 \
             WHERE tenant_id = $1 AND id = $2",
        )
        .bind(tenant.0)
        .bind(risk_id)
        .bind(settings.status.as_str())
        .bind(i64::from(settings.inherent.likelihood))
        .bind(i64::from(settings.inherent.impact))
        .bind(i64::from(settings.current.likelihood))
        .bind(i64::from(settings.current.impact))
        .bind(i64::from(settings.residual.likelihood))
        .bind(i64::from(settings.residual.impact))
        .bind(settings.event_frequency_per_year)
        .bind(settings.loss_magnitude_low)
        .bind(settings.loss_magnitude_high)
        .execute(&mut *tx)
        .await
        .map_err(storage)?;
        let details = change_details(&changes);
        audit(
            &mut tx,
            tenant,
            by,
            action::RISK_EDIT,
            format!("risk:{ref}"),
            details,
        )
        .await?;
        tx.commit().await.map_err(storage)?;
        Ok(Edited::Changed(changes))
    }

    async fn edit_control(
        &self,
        tenant: TenantId,
        control_id: i64,
        settings: &ControlSettings,
        by: &Editor,
    ) -> StorageResult<Edited> {
        let _turn = self.write_turn().await;
        let mut tx = self.pool.begin().await.map_err(storage)?;
        let Some(row) = claim(
            &mut tx,
            "UPDATE controls SET status = status WHERE tenant_id = $1 AND id = $2 \
             RETURNING ref, status, effectiveness",
            tenant,
            control_id,
        )
        .await?
        else {
            return Ok(Edited::NotFound);
        };
        let r#ref: String = get(&row, "ref")?;
        let before = ControlSettings {
            status: wire(
                "controls.status",
                &get::<String>(&row, "status")?,
                ControlStatus::parse,
            )?,
            effectiveness: get(&row, "effectiveness")?,
        };
        let changes = before.changes_to(settings);
        if changes.is_empty() {
            return Ok(Edited::Unchanged);
        }
        sqlx::query(
            "UPDATE controls SET status = $3, effectiveness = $4 WHERE tenant_id = $1 AND id = $2",
        )
        .bind(tenant.0)
        .bind(control_id)
        .bind(settings.status.as_str())
        .bind(settings.effectiveness)
        .execute(&mut *tx)
        .await
        .map_err(storage)?;
        let details = change_details(&changes);
        let subject = format!("control:{ref}");
        audit(&mut tx, tenant, by, action::CONTROL_EDIT, subject, details).await?;
        tx.commit().await.map_err(storage)?;
        Ok(Edited::Changed(changes))
    }

    async fn record_observation(
        &self,
        tenant: TenantId,
        kri_id: i64,
        observation: &ManualObservation,
        by: &Editor,
    ) -> StorageResult<Recorded> {
        let _turn = self.write_turn().await;
        let mut tx = self.pool.begin().await.map_err(storage)?;
        let Some(row) = claim(
            &mut tx,
            "UPDATE kris SET current_observed_at = current_observed_at \
             WHERE tenant_id = $1 AND id = $2 RETURNING slug, current_value, current_observed_at",
            tenant,
            kri_id,
        )
        .await?
        else {
            return Ok(Recorded::NotFound);
        };
        let slug: String = get(&row, "slug")?;
        let previous_value: Option<f64> = get(&row, "current_value")?;
        let previous_at: Option<i64> = get(&row, "current_observed_at")?;
        let at = ms(observation.observed_at);
        sqlx::query(
            "INSERT INTO kri_observations (tenant_id, kri_id, observed_at, value, source, note) \
             VALUES ($1, $2, $3, $4, 'manual', $5)",
        )
        .bind(tenant.0)
        .bind(kri_id)
        .bind(at)
        .bind(observation.value)
        .bind(observation.note.clone())
        .execute(&mut *tx)
        .await
        .map_err(storage)?;
        // A later-dated current value stays current; this one joins the history.
        let current = previous_at.is_none_or(|previous| at >= previous);
        if current {
            sqlx::query(
                "UPDATE kris SET current_value = $3, current_observed_at = $4 \
                 WHERE tenant_id = $1 AND id = $2",
            )
            .bind(tenant.0)
            .bind(kri_id)
            .bind(observation.value)
            .bind(at)
            .execute(&mut *tx)
            .await
            .map_err(storage)?;
        }
        let details = json!({
            "value": observation.value,
            "observed_at": observation.observed_at.to_rfc3339(),
            "note": observation.note,
            "became_current": current,
            "changes": if current {
                json!({"current_value": {"from": previous_value, "to": observation.value}})
            } else {
                json!({})
            },
        });
        let subject = format!("kri:{slug}");
        audit(
            &mut tx,
            tenant,
            by,
            action::OBSERVATION_RECORD,
            subject,
            details,
        )
        .await?;
        tx.commit().await.map_err(storage)?;
        Ok(Recorded::Stored { current })
    }
}
