//! Reading columns: typed access with storage errors, flags, small integers, link lists.

use std::collections::HashMap;

use draxis_domain::StorageResult;
use draxis_domain::TenantId;
use draxis_domain::entities::Link;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::Store;
use crate::rows::{corrupt, storage};

/// Link rows `(owner id, linked id, linked ref, linked label)` grouped by owner.
fn group_links(rows: Vec<AnyRow>) -> StorageResult<HashMap<i64, Vec<Link>>> {
    let mut links: HashMap<i64, Vec<Link>> = HashMap::new();
    for row in rows {
        let owner: i64 = get(&row, 0)?;
        links.entry(owner).or_default().push(Link {
            id: get(&row, 1)?,
            r#ref: get(&row, 2)?,
            label: get(&row, 3)?,
        });
    }
    Ok(links)
}

/// A column of `row`, or a storage error saying which and why.
pub(crate) fn get<'r, T>(
    row: &'r AnyRow,
    column: impl sqlx::ColumnIndex<AnyRow>,
) -> StorageResult<T>
where
    T: sqlx::Decode<'r, sqlx::Any> + sqlx::Type<sqlx::Any>,
{
    row.try_get(column).map_err(storage)
}

/// A 0/1 column as a bool.
pub(super) fn flag(row: &AnyRow, column: &str) -> StorageResult<bool> {
    Ok(get::<i64>(row, column)? != 0)
}

/// A 1-5 style column (likelihood, impact, tier) as a `u8`.
pub(super) fn small(row: &AnyRow, column: &str) -> StorageResult<u8> {
    let value: i64 = get(row, column)?;
    u8::try_from(value).map_err(|_| corrupt("small integer", value.to_string()))
}

/// The tenant's link rows selected by `sql` (`$1` is the tenant), grouped by owner.
pub(super) async fn links(
    store: &Store,
    sql: &'static str,
    tenant: TenantId,
) -> StorageResult<HashMap<i64, Vec<Link>>> {
    let rows = sqlx::query(sql)
        .bind(tenant.0)
        .fetch_all(&store.pool)
        .await
        .map_err(storage)?;
    group_links(rows)
}
