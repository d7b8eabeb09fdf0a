//! Upserting a small entity (outcomes, risks, controls, KRIs, vendors) by natural key: the
//! tenant's rows are read once, each record is compared with its row, only changed
//! columns are updated and new rows are inserted together.

use std::collections::{HashMap, HashSet};

use draxis_domain::TenantId;
use sqlx::{AnyConnection, AssertSqlSafe, Row};

use super::sql::{Value, differences, insert_rows, names, read_columns, update_row};
use super::tables::Table;

/// A record to write: its natural key and its column values.
#[derive(Debug)]
pub(super) struct Planned {
    pub key: String,
    pub values: Vec<Value>,
}

/// What happened to one record: its row id, whether it was created, and the fields that
/// changed (links add theirs later).
#[derive(Debug)]
pub(super) struct Applied {
    pub key: String,
    pub id: i64,
    pub created: bool,
    pub fields: Vec<String>,
}

/// The tenant's rows of `table`: key → (id, values).
async fn stored(
    conn: &mut AnyConnection,
    tenant: TenantId,
    table: &Table,
) -> Result<HashMap<String, (i64, Vec<Value>)>, sqlx::Error> {
    let sql = format!(
        "SELECT id, {}, {} FROM {} WHERE tenant_id = $1",
        table.key,
        names(table.columns),
        table.name
    );
    let rows = sqlx::query(AssertSqlSafe(sql))
        .bind(tenant.0)
        .fetch_all(&mut *conn)
        .await?;
    let mut stored = HashMap::with_capacity(rows.len());
    for row in rows {
        let id: i64 = row.try_get(0)?;
        let key: String = row.try_get(1)?;
        stored.insert(key, (id, read_columns(&row, 2, table.columns)?));
    }
    Ok(stored)
}

/// The tenant's `table` ids by natural key.
pub(super) async fn ids(
    conn: &mut AnyConnection,
    tenant: TenantId,
    table: &str,
    key: &str,
) -> Result<HashMap<String, i64>, sqlx::Error> {
    let sql = format!("SELECT {key}, id FROM {table} WHERE tenant_id = $1");
    let rows = sqlx::query(AssertSqlSafe(sql))
        .bind(tenant.0)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter()
        .map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
        .collect()
}

/// Writes `records` into `table`: updates changed rows, inserts new ones; answers in the
/// records' order.
pub(super) async fn upsert(
    conn: &mut AnyConnection,
    tenant: TenantId,
    table: &Table,
    records: Vec<Planned>,
) -> Result<Vec<Applied>, sqlx::Error> {
    let stored = stored(conn, tenant, table).await?;
    let mut applied = Vec::with_capacity(records.len());
    let mut inserts = Vec::new();
    for record in records {
        match stored.get(&record.key) {
            Some((id, old)) => {
                let (fields, sets) = differences(table.columns, old, &record.values);
                if !sets.is_empty() {
                    update_row(conn, table.name, *id, &sets).await?;
                }
                applied.push(Applied {
                    key: record.key,
                    id: *id,
                    created: false,
                    fields,
                });
            }
            None => {
                let mut row = Vec::with_capacity(record.values.len() + 2);
                row.push(Value::Int(tenant.0));
                row.push(Value::Text(record.key.clone()));
                row.extend(record.values);
                inserts.push(row);
                applied.push(Applied {
                    key: record.key,
                    id: 0,
                    created: true,
                    fields: Vec::new(),
                });
            }
        }
    }
    if !inserts.is_empty() {
        let mut columns = vec!["tenant_id", table.key];
        columns.extend(table.columns.iter().map(|c| c.name));
        insert_rows(conn, table.name, &columns, &inserts).await?;
        let ids = ids(conn, tenant, table.name, table.key).await?;
        for record in applied.iter_mut().filter(|a| a.created) {
            record.id = ids.get(&record.key).copied().unwrap_or_default();
        }
    }
    Ok(applied)
}

/// The tenant's rows of `table` whose key is not in `keep`, as (id, key) sorted by key.
pub(super) async fn not_named(
    conn: &mut AnyConnection,
    tenant: TenantId,
    table: &Table,
    keep: &HashSet<&str>,
) -> Result<Vec<(i64, String)>, sqlx::Error> {
    let mut gone: Vec<(i64, String)> = ids(conn, tenant, table.name, table.key)
        .await?
        .into_iter()
        .filter(|(key, _)| !keep.contains(key.as_str()))
        .map(|(key, id)| (id, key))
        .collect();
    gone.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(gone)
}
