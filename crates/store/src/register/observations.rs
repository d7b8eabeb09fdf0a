//! KRI history, streamed like assets: each batch's (KRI, observed-at) keys are looked up in
//! one query, new values inserted together, changed values updated. Afterwards every KRI
//! whose history moved gets its current value from its latest observation.

use std::collections::{BTreeSet, HashMap};

use draxis_domain::TenantId;
use draxis_register::{Entity, Location, Observation, Problem, Rows};
use sqlx::any::AnyArguments;
use sqlx::{AnyConnection, Arguments, AssertSqlSafe, Row};

use super::Halt;
use super::assets::{BATCH, Seen, max_id, unreadable};
use super::prune::observation_key;
use super::sql::{Value, insert_rows};
use super::tally::Tally;
use crate::rows::ms;

/// What an imported observation's `source` says.
pub(super) const SOURCE: &str = "register import";

/// Imports every observation row (a KRI named nowhere stops the import); with `prune`,
/// deletes the tenant's observations the rows no longer name. Adds the KRIs whose history
/// changed to `touched`.
#[allow(clippy::too_many_arguments)]
pub(super) async fn import(
    conn: &mut AnyConnection,
    tenant: TenantId,
    file: &str,
    rows: &Rows<Observation>,
    prune: bool,
    tally: &mut Tally,
    touched: &mut BTreeSet<i64>,
) -> Result<(), Halt> {
    let kris = super::small::ids(conn, tenant, "kris", "slug").await?;
    let before = max_id(conn, "kri_observations").await?;
    let seen = match prune {
        true => Some(Seen::create(conn, "register_seen_observations").await?),
        false => None,
    };
    let mut batch = Vec::with_capacity(BATCH);
    for (index, row) in rows.read().map_err(unreadable)?.enumerate() {
        let observation = row.map_err(unreadable)?;
        let Some(kri) = kris.get(&observation.kri).copied() else {
            return Err(Halt::Invalid(vec![Problem {
                at: Location {
                    file: file.to_string(),
                    field: Some(format!("observations[{index}].kri")),
                    ..Location::default()
                },
                message: format!(
                    "names KRI `{}`, which neither the files nor the tenant hold; add it or fix the slug",
                    observation.kri
                ),
            }]));
        };
        batch.push((kri, observation));
        if batch.len() == BATCH {
            write_batch(conn, tenant, &batch, seen.as_ref(), tally, touched).await?;
            batch.clear();
        }
    }
    write_batch(conn, tenant, &batch, seen.as_ref(), tally, touched).await?;
    if let Some(seen) = seen {
        let sql = format!(
            "SELECT o.id, o.kri_id, k.slug, o.observed_at FROM kri_observations o \
             JOIN kris k ON k.id = o.kri_id WHERE o.tenant_id = $1 AND {}",
            seen.unseen("o")
        );
        let mut gone: Vec<(String, i64, i64)> = Vec::new();
        for row in sqlx::query(AssertSqlSafe(sql))
            .bind(tenant.0)
            .bind(before)
            .fetch_all(&mut *conn)
            .await?
        {
            touched.insert(row.try_get(1)?);
            gone.push((row.try_get(2)?, row.try_get(3)?, row.try_get(0)?));
        }
        gone.sort();
        let sql = format!(
            "DELETE FROM kri_observations WHERE tenant_id = $1 AND {}",
            seen.unseen("kri_observations")
        );
        sqlx::query(AssertSqlSafe(sql))
            .bind(tenant.0)
            .bind(before)
            .execute(&mut *conn)
            .await?;
        for (slug, at, _) in gone {
            tally.deleted(Entity::Observation, observation_key(&slug, at));
        }
        seen.remove(conn).await?;
    }
    Ok(())
}

async fn write_batch(
    conn: &mut AnyConnection,
    tenant: TenantId,
    batch: &[(i64, Observation)],
    seen: Option<&Seen>,
    tally: &mut Tally,
    touched: &mut BTreeSet<i64>,
) -> Result<(), Halt> {
    if batch.is_empty() {
        return Ok(());
    }
    // The stored rows of the batch's keys; with several at one key, the newest row.
    let mut sql = String::from(
        "SELECT o.id, o.kri_id, o.observed_at, o.value FROM kri_observations o \
         WHERE o.tenant_id = $1 AND (o.kri_id, o.observed_at) IN (VALUES ",
    );
    let mut args = AnyArguments::default();
    args.add(tenant.0).map_err(sqlx::Error::Encode)?;
    for (i, (kri, observation)) in batch.iter().enumerate() {
        args.add(*kri).map_err(sqlx::Error::Encode)?;
        args.add(ms(observation.observed_at))
            .map_err(sqlx::Error::Encode)?;
        if i > 0 {
            sql.push_str(", ");
        }
        sql.push_str(&format!("(${}, ${})", args.len() - 1, args.len()));
    }
    sql.push_str(") ORDER BY o.id");
    let mut stored: HashMap<(i64, i64), (i64, f64)> = HashMap::with_capacity(batch.len());
    for row in sqlx::query_with(AssertSqlSafe(sql), args)
        .fetch_all(&mut *conn)
        .await?
    {
        let key = (row.try_get(1)?, row.try_get(2)?);
        stored.insert(key, (row.try_get(0)?, row.try_get(3)?));
    }
    let mut inserts = Vec::new();
    let mut met = Vec::new();
    for (kri, observation) in batch {
        let at = ms(observation.observed_at);
        let key = || observation_key(&observation.kri, at);
        match stored.get(&(*kri, at)) {
            Some((id, value)) => {
                met.push(*id);
                if Value::Real(*value) == Value::Real(observation.value) {
                    tally.unchanged(Entity::Observation);
                } else {
                    sqlx::query("UPDATE kri_observations SET value = $1 WHERE id = $2")
                        .bind(observation.value)
                        .bind(*id)
                        .execute(&mut *conn)
                        .await?;
                    touched.insert(*kri);
                    tally.updated(Entity::Observation, &key(), vec!["value".into()]);
                }
            }
            None => {
                touched.insert(*kri);
                tally.created(Entity::Observation, &key());
                inserts.push(vec![
                    Value::Int(tenant.0),
                    Value::Int(*kri),
                    Value::Int(at),
                    Value::Real(observation.value),
                    Value::Text(SOURCE.into()),
                ]);
            }
        }
    }
    insert_rows(
        conn,
        "kri_observations",
        &["tenant_id", "kri_id", "observed_at", "value", "source"],
        &inserts,
    )
    .await?;
    if let Some(seen) = seen {
        seen.mark(conn, &met).await?;
    }
    Ok(())
}

/// Sets each of `kris`' current value and time to its latest observation (none: empty).
pub(super) async fn refresh_current(
    conn: &mut AnyConnection,
    tenant: TenantId,
    kris: &BTreeSet<i64>,
) -> Result<(), sqlx::Error> {
    for kri in kris {
        sqlx::query(
            "UPDATE kris SET \
             current_value = (SELECT o.value FROM kri_observations o WHERE o.tenant_id = $1 AND o.kri_id = $2 \
                              ORDER BY o.observed_at DESC, o.id DESC LIMIT 1), \
             current_observed_at = (SELECT MAX(o.observed_at) FROM kri_observations o \
                                    WHERE o.tenant_id = $1 AND o.kri_id = $2) \
             WHERE tenant_id = $1 AND id = $2",
        )
        .bind(tenant.0)
        .bind(*kri)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}
