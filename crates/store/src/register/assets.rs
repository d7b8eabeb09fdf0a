//! The asset inventory, streamed: rows are read in batches, each batch's keys are looked up
//! in one query per key kind, new rows go in multi-row inserts and only changed rows are
//! updated. Memory holds one batch; for `--prune` the rows seen are marked in a temporary
//! table, so nothing grows with the file.

use std::collections::HashMap;

use draxis_domain::TenantId;
use draxis_register::{Asset, Entity, Problem, Rows};
use sqlx::any::AnyArguments;
use sqlx::{AnyConnection, Arguments, AssertSqlSafe, Row};

use super::Halt;
use super::sql::{Value, differences, insert_rows, names, placeholders, read_columns, update_row};
use super::tables::{ASSET_COLUMNS, asset_values};
use super::tally::Tally;

/// Rows written per batch.
pub(super) const BATCH: usize = 1000;

/// An asset's natural key: its inventory id when it has one, else its name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    External(String),
    Name(String),
}

impl Key {
    fn of(asset: &Asset) -> Self {
        match &asset.external_id {
            Some(id) => Key::External(id.clone()),
            None => Key::Name(asset.name.clone()),
        }
    }

    fn text(&self) -> &str {
        match self {
            Key::External(id) | Key::Name(id) => id,
        }
    }
}

/// A temporary table of the row ids an import met, for pruning the rest.
pub(super) struct Seen {
    table: &'static str,
}

impl Seen {
    pub async fn create(
        conn: &mut AnyConnection,
        table: &'static str,
    ) -> Result<Self, sqlx::Error> {
        let sql = format!("CREATE TEMPORARY TABLE {table} (id BIGINT PRIMARY KEY)");
        sqlx::query(AssertSqlSafe(sql)).execute(&mut *conn).await?;
        Ok(Self { table })
    }

    pub async fn mark(&self, conn: &mut AnyConnection, ids: &[i64]) -> Result<(), sqlx::Error> {
        let rows: Vec<Vec<Value>> = ids.iter().map(|id| vec![Value::Int(*id)]).collect();
        insert_rows(conn, self.table, &["id"], &rows).await
    }

    /// `WHERE` text selecting rows of `alias` not seen that existed before the import.
    pub fn unseen(&self, alias: &str) -> String {
        format!(
            "{alias}.id <= $2 AND NOT EXISTS (SELECT 1 FROM {} s WHERE s.id = {alias}.id)",
            self.table
        )
    }

    pub async fn remove(self, conn: &mut AnyConnection) -> Result<(), sqlx::Error> {
        let sql = format!("DROP TABLE {}", self.table);
        sqlx::query(AssertSqlSafe(sql)).execute(&mut *conn).await?;
        Ok(())
    }
}

/// The largest row id of `table` (new rows get larger ones).
pub(super) async fn max_id(conn: &mut AnyConnection, table: &str) -> Result<i64, sqlx::Error> {
    let sql = format!("SELECT COALESCE(MAX(id), 0) FROM {table}");
    sqlx::query_scalar(AssertSqlSafe(sql))
        .fetch_one(&mut *conn)
        .await
}

/// A row that could not be read again: the import stops.
pub(super) fn unreadable(problem: Problem) -> Halt {
    Halt::Invalid(vec![problem])
}

/// Imports every asset row; with `prune`, deletes the tenant's assets the rows no longer name.
pub(super) async fn import(
    conn: &mut AnyConnection,
    tenant: TenantId,
    rows: &Rows<Asset>,
    prune: bool,
    tally: &mut Tally,
) -> Result<(), Halt> {
    let before = max_id(conn, "assets").await?;
    let seen = match prune {
        true => Some(Seen::create(conn, "register_seen_assets").await?),
        false => None,
    };
    let mut batch = Vec::with_capacity(BATCH);
    for row in rows.read().map_err(unreadable)? {
        batch.push(row.map_err(unreadable)?);
        if batch.len() == BATCH {
            write_batch(conn, tenant, &batch, seen.as_ref(), tally).await?;
            batch.clear();
        }
    }
    write_batch(conn, tenant, &batch, seen.as_ref(), tally).await?;
    if let Some(seen) = seen {
        let sql = format!(
            "SELECT a.id, COALESCE(a.external_id, a.name) FROM assets a WHERE a.tenant_id = $1 AND {}",
            seen.unseen("a")
        );
        let mut gone: Vec<(i64, String)> = sqlx::query(AssertSqlSafe(sql))
            .bind(tenant.0)
            .bind(before)
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
            .collect::<Result<_, sqlx::Error>>()?;
        gone.sort_by(|a, b| a.1.cmp(&b.1));
        let sql = format!(
            "DELETE FROM assets WHERE tenant_id = $1 AND {}",
            seen.unseen("assets")
        );
        sqlx::query(AssertSqlSafe(sql))
            .bind(tenant.0)
            .bind(before)
            .execute(&mut *conn)
            .await?;
        for (_, key) in gone {
            tally.deleted(Entity::Asset, key);
        }
        seen.remove(conn).await?;
    }
    Ok(())
}

/// The stored rows matching `keys` of one kind: key → (id, values). With several stored
/// rows of one name, the oldest is the one the name means.
async fn lookup(
    conn: &mut AnyConnection,
    tenant: TenantId,
    keys: &[&str],
    by_external_id: bool,
    found: &mut HashMap<Key, (i64, Vec<Value>)>,
) -> Result<(), sqlx::Error> {
    if keys.is_empty() {
        return Ok(());
    }
    let condition = match by_external_id {
        true => "external_id IN",
        false => "external_id IS NULL AND name IN",
    };
    let sql = format!(
        "SELECT id, {} FROM assets WHERE tenant_id = $1 AND {condition} ({}) ORDER BY id",
        names(ASSET_COLUMNS),
        placeholders(2, keys.len())
    );
    let mut args = AnyArguments::default();
    args.add(tenant.0).map_err(sqlx::Error::Encode)?;
    for key in keys {
        args.add(key.to_string()).map_err(sqlx::Error::Encode)?;
    }
    for row in sqlx::query_with(AssertSqlSafe(sql), args)
        .fetch_all(&mut *conn)
        .await?
    {
        let values = read_columns(&row, 1, ASSET_COLUMNS)?;
        let key = match (&values[0], &values[1]) {
            (Value::Text(id), _) if by_external_id => Key::External(id.clone()),
            (_, Value::Text(name)) => Key::Name(name.clone()),
            _ => continue,
        };
        found.entry(key).or_insert((row.try_get(0)?, values));
    }
    Ok(())
}

async fn write_batch(
    conn: &mut AnyConnection,
    tenant: TenantId,
    batch: &[Asset],
    seen: Option<&Seen>,
    tally: &mut Tally,
) -> Result<(), Halt> {
    if batch.is_empty() {
        return Ok(());
    }
    let keys: Vec<Key> = batch.iter().map(Key::of).collect();
    let external: Vec<&str> = keys
        .iter()
        .filter(|k| matches!(k, Key::External(_)))
        .map(Key::text)
        .collect();
    let by_name: Vec<&str> = keys
        .iter()
        .filter(|k| matches!(k, Key::Name(_)))
        .map(Key::text)
        .collect();
    let mut stored = HashMap::with_capacity(batch.len());
    lookup(conn, tenant, &external, true, &mut stored).await?;
    lookup(conn, tenant, &by_name, false, &mut stored).await?;
    let mut inserts = Vec::new();
    let mut met = Vec::with_capacity(batch.len());
    for (asset, key) in batch.iter().zip(&keys) {
        let values = asset_values(asset);
        match stored.get(key) {
            Some((id, old)) => {
                met.push(*id);
                let (fields, sets) = differences(ASSET_COLUMNS, old, &values);
                if sets.is_empty() {
                    tally.unchanged(Entity::Asset);
                } else {
                    update_row(conn, "assets", *id, &sets).await?;
                    tally.updated(Entity::Asset, key.text(), fields);
                }
            }
            None => {
                tally.created(Entity::Asset, key.text());
                let mut row = Vec::with_capacity(values.len() + 1);
                row.push(Value::Int(tenant.0));
                row.extend(values);
                inserts.push(row);
            }
        }
    }
    let mut columns = vec!["tenant_id"];
    columns.extend(ASSET_COLUMNS.iter().map(|c| c.name));
    insert_rows(conn, "assets", &columns, &inserts).await?;
    if let Some(seen) = seen {
        seen.mark(conn, &met).await?;
    }
    Ok(())
}
