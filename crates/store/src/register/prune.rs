//! `--prune` for the small entities: the rows of each list the files hold that the list no
//! longer names are deleted, with what the foreign keys make go with them — a KRI's
//! observations (listed) and Drop Zone proposals, a risk's or outcome's simulation runs,
//! links from rows the files did not hold (counted).

use std::collections::HashSet;

use chrono::SecondsFormat;
use draxis_domain::TenantId;
use draxis_register::{Entity, Register};
use sqlx::{AnyConnection, AssertSqlSafe, Row};

use super::import::named;
use super::links::{KRI_CONTROLS, KRI_RISKS, RISK_CONTROLS, RISK_OUTCOMES, drop_all};
use super::small::not_named;
use super::tables::{CONTROLS, KRIS, OUTCOMES, RISKS, Table, VENDORS};
use super::tally::Tally;
use crate::rows::time;

/// An observation's natural key as reports print it: `slug@2025-01-31T00:00:00Z`.
pub(super) fn observation_key(slug: &str, observed_at: i64) -> String {
    format!(
        "{slug}@{}",
        time(observed_at).to_rfc3339_opts(SecondsFormat::AutoSi, true)
    )
}

async fn execute(
    conn: &mut AnyConnection,
    sql: &str,
    tenant: TenantId,
    id: i64,
) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query(AssertSqlSafe(sql.to_string()))
        .bind(tenant.0)
        .bind(id)
        .execute(&mut *conn)
        .await?
        .rows_affected())
}

async fn delete_row(
    conn: &mut AnyConnection,
    tenant: TenantId,
    table: &Table,
    id: i64,
) -> Result<(), sqlx::Error> {
    let sql = format!(
        "DELETE FROM {} WHERE tenant_id = $1 AND id = $2",
        table.name
    );
    execute(conn, &sql, tenant, id).await.map(|_| ())
}

/// Deletes a KRI's observations, listing each by key.
pub(super) async fn kri_observations(
    conn: &mut AnyConnection,
    tenant: TenantId,
    kri: i64,
    slug: &str,
    tally: &mut Tally,
) -> Result<(), sqlx::Error> {
    let times = sqlx::query(
        "SELECT observed_at FROM kri_observations WHERE tenant_id = $1 AND kri_id = $2 ORDER BY observed_at, id",
    )
    .bind(tenant.0)
    .bind(kri)
    .fetch_all(&mut *conn)
    .await?;
    for row in times {
        tally.deleted(Entity::Observation, observation_key(slug, row.try_get(0)?));
    }
    execute(
        conn,
        "DELETE FROM kri_observations WHERE tenant_id = $1 AND kri_id = $2",
        tenant,
        kri,
    )
    .await?;
    Ok(())
}

/// Deletes the rows of every list `register` holds that the list no longer names.
pub(super) async fn small_entities(
    conn: &mut AnyConnection,
    tenant: TenantId,
    register: &Register,
    tally: &mut Tally,
) -> Result<(), sqlx::Error> {
    if let Some(kris) = &register.kris {
        let keep = named(kris, |k| &k.slug);
        for (id, slug) in not_named(conn, tenant, &KRIS, &keep).await? {
            kri_observations(conn, tenant, id, &slug, tally).await?;
            let proposals = execute(
                conn,
                "DELETE FROM dropzone_extractions WHERE tenant_id = $1 AND kri_id = $2",
                tenant,
                id,
            )
            .await?;
            tally.also_deleted("Drop Zone proposals of pruned KRIs", proposals);
            drop_all(conn, tenant, &KRI_RISKS, "kri_id", id).await?;
            drop_all(conn, tenant, &KRI_CONTROLS, "kri_id", id).await?;
            delete_row(conn, tenant, &KRIS, id).await?;
            tally.deleted(Entity::Kri, slug);
        }
    }
    if let Some(vendors) = &register.vendors {
        let keep = named(vendors, |v| &v.name);
        for (id, name) in not_named(conn, tenant, &VENDORS, &keep).await? {
            delete_row(conn, tenant, &VENDORS, id).await?;
            tally.deleted(Entity::Vendor, name);
        }
    }
    if let Some(risks) = &register.risks {
        let keep = named(risks, |r| &r.r#ref);
        for (id, key) in not_named(conn, tenant, &RISKS, &keep).await? {
            drop_all(conn, tenant, &RISK_OUTCOMES, "risk_id", id).await?;
            drop_all(conn, tenant, &RISK_CONTROLS, "risk_id", id).await?;
            let kri_links = drop_all(conn, tenant, &KRI_RISKS, "risk_id", id).await?;
            tally.also_deleted("KRI links to pruned risks", kri_links);
            let runs = execute(
                conn,
                "DELETE FROM simulations WHERE tenant_id = $1 AND risk_id = $2",
                tenant,
                id,
            )
            .await?;
            tally.also_deleted("simulation runs of pruned risks", runs);
            delete_row(conn, tenant, &RISKS, id).await?;
            tally.deleted(Entity::Risk, key);
        }
    }
    if let Some(controls) = &register.controls {
        let keep = named(controls, |c| &c.r#ref);
        for (id, key) in not_named(conn, tenant, &CONTROLS, &keep).await? {
            let risk_links = drop_all(conn, tenant, &RISK_CONTROLS, "control_id", id).await?;
            tally.also_deleted("risk links to pruned controls", risk_links);
            let kri_links = drop_all(conn, tenant, &KRI_CONTROLS, "control_id", id).await?;
            tally.also_deleted("KRI links to pruned controls", kri_links);
            delete_row(conn, tenant, &CONTROLS, id).await?;
            tally.deleted(Entity::Control, key);
        }
    }
    if let Some(outcomes) = &register.outcomes {
        let keep: HashSet<&str> = named(outcomes, |o| &o.r#ref);
        for (id, key) in not_named(conn, tenant, &OUTCOMES, &keep).await? {
            let risk_links = drop_all(conn, tenant, &RISK_OUTCOMES, "outcome_id", id).await?;
            tally.also_deleted("risk links to pruned outcomes", risk_links);
            let kri_links = execute(
                conn,
                "UPDATE kris SET outcome_id = NULL WHERE tenant_id = $1 AND outcome_id = $2",
                tenant,
                id,
            )
            .await?;
            tally.also_deleted("KRI links to pruned outcomes", kri_links);
            let runs = execute(
                conn,
                "DELETE FROM simulations WHERE tenant_id = $1 AND outcome_id = $2",
                tenant,
                id,
            )
            .await?;
            tally.also_deleted("simulation runs of pruned outcomes", runs);
            delete_row(conn, tenant, &OUTCOMES, id).await?;
            tally.deleted(Entity::Outcome, key);
        }
    }
    Ok(())
}
