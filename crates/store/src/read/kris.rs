//! KRIs with their links, and their observation history.

use std::collections::HashMap;
use std::sync::Arc;

use draxis_domain::StorageResult;
use draxis_domain::TenantId;
use draxis_domain::entities::{Kri, Link, ObservationRecord};
use draxis_domain::ids::IdKind;
use draxis_domain::repository::Rows;
use draxis_protocol::types::{Direction, Frequency};
use sqlx::AssertSqlSafe;
use sqlx::any::AnyRow;

use super::columns::{get, links};
use crate::Store;
use crate::rows::{list, storage, time, wire};

const KRI_COLUMNS: &str = "SELECT k.id, k.slug, k.name, k.description, k.category, k.unit, k.direction, k.warn, k.critical, \
                k.frequency, k.owner, k.aliases, k.source_integration_id, i.name AS source_name, \
                k.current_value, k.current_observed_at, o.id AS outcome_id, o.ref AS outcome_ref, o.name AS outcome_name \
         FROM kris k \
         LEFT JOIN integrations i ON i.id = k.source_integration_id AND i.tenant_id = k.tenant_id \
         LEFT JOIN outcomes o ON o.id = k.outcome_id AND o.tenant_id = k.tenant_id \
         WHERE k.tenant_id = $1";
const RISK_LINKS: &str = "SELECT l.kri_id, r.id, r.ref, r.title FROM kri_risks l JOIN risks r ON r.id = l.risk_id \
         WHERE l.tenant_id = $1";
const CONTROL_LINKS: &str = "SELECT l.kri_id, c.id, c.ref, c.name FROM kri_controls l JOIN controls c ON c.id = l.control_id \
         WHERE l.tenant_id = $1";

/// The tenant's KRIs, in id order, with their source, outcome, risks and controls.
pub(super) async fn kris(store: &Store, tenant: TenantId) -> StorageResult<Rows<Kri>> {
    let rows = sqlx::query(AssertSqlSafe(format!("{KRI_COLUMNS} ORDER BY k.id")))
        .bind(tenant.0)
        .fetch_all(&store.pool)
        .await
        .map_err(storage)?;
    let risks = links(store, &format!("{RISK_LINKS} ORDER BY r.ref"), tenant, None).await?;
    let controls = links(
        store,
        &format!("{CONTROL_LINKS} ORDER BY c.ref"),
        tenant,
        None,
    )
    .await?;
    assemble(rows, risks, controls).map(Arc::new)
}

/// The KRI whose public id (`kri_12`) or slug (any case) is `key`, with its links.
pub(super) async fn kri(store: &Store, tenant: TenantId, key: &str) -> StorageResult<Option<Kri>> {
    let key = key.trim();
    let id = IdKind::Kri.parse(key).unwrap_or(-1);
    let row = sqlx::query(AssertSqlSafe(format!(
        "{KRI_COLUMNS} AND (k.id = $2 OR LOWER(k.slug) = LOWER($3)) ORDER BY k.id LIMIT 1"
    )))
    .bind(tenant.0)
    .bind(id)
    .bind(key)
    .fetch_optional(&store.pool)
    .await
    .map_err(storage)?;
    let Some(row) = row else { return Ok(None) };
    let id: i64 = get(&row, "id")?;
    let owner = Some(id);
    let risks = links(
        store,
        &format!("{RISK_LINKS} AND l.kri_id = $2 ORDER BY r.ref"),
        tenant,
        owner,
    )
    .await?;
    let controls = links(
        store,
        &format!("{CONTROL_LINKS} AND l.kri_id = $2 ORDER BY c.ref"),
        tenant,
        owner,
    )
    .await?;
    Ok(assemble(vec![row], risks, controls)?.pop())
}

/// KRI rows and their grouped links, as entities.
fn assemble(
    rows: Vec<AnyRow>,
    mut risks: HashMap<i64, Vec<Link>>,
    mut controls: HashMap<i64, Vec<Link>>,
) -> StorageResult<Vec<Kri>> {
    rows.into_iter()
        .map(|row| {
            let id: i64 = get(&row, "id")?;
            let outcome_id: Option<i64> = get(&row, "outcome_id")?;
            let outcome = match outcome_id {
                Some(id) => Some(Link {
                    id,
                    r#ref: get(&row, "outcome_ref")?,
                    label: get(&row, "outcome_name")?,
                }),
                None => None,
            };
            Ok(Kri {
                id,
                slug: get(&row, "slug")?,
                name: get(&row, "name")?,
                description: get(&row, "description")?,
                category: get(&row, "category")?,
                unit: get(&row, "unit")?,
                direction: wire(
                    "kris.direction",
                    &get::<String>(&row, "direction")?,
                    Direction::parse,
                )?,
                warn: get(&row, "warn")?,
                critical: get(&row, "critical")?,
                frequency: wire(
                    "kris.frequency",
                    &get::<String>(&row, "frequency")?,
                    Frequency::parse,
                )?,
                owner: get(&row, "owner")?,
                aliases: list("kris.aliases", &get::<String>(&row, "aliases")?)?,
                source_integration_id: get(&row, "source_integration_id")?,
                source_integration_name: get(&row, "source_name")?,
                current_value: get(&row, "current_value")?,
                current_observed_at: get::<Option<i64>>(&row, "current_observed_at")?.map(time),
                outcome,
                risks: risks.remove(&id).unwrap_or_default(),
                controls: controls.remove(&id).unwrap_or_default(),
            })
        })
        .collect()
}

/// A KRI's newest `limit` observations, newest first.
pub(super) async fn kri_history(
    store: &Store,
    tenant: TenantId,
    kri_id: i64,
    limit: u32,
) -> StorageResult<Vec<ObservationRecord>> {
    let rows = sqlx::query(
        "SELECT value, observed_at, source, artifact_id, extraction_id, confidence, note FROM kri_observations \
         WHERE tenant_id = $1 AND kri_id = $2 ORDER BY observed_at DESC, id DESC LIMIT $3",
    )
    .bind(tenant.0)
    .bind(kri_id)
    .bind(i64::from(limit))
    .fetch_all(&store.pool)
    .await
    .map_err(storage)?;
    rows.into_iter()
        .map(|row| {
            Ok(ObservationRecord {
                value: get(&row, "value")?,
                observed_at: time(get(&row, "observed_at")?),
                source: get(&row, "source")?,
                artifact_id: get(&row, "artifact_id")?,
                extraction_id: get(&row, "extraction_id")?,
                confidence: get(&row, "confidence")?,
                note: get(&row, "note")?,
            })
        })
        .collect()
}
