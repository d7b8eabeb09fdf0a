//! Reading columns: typed access with storage errors, flags, small integers, link lists.

use std::collections::HashMap;

use draxis_domain::StorageResult;
use draxis_domain::TenantId;
use draxis_domain::entities::Link;
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};

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

/// The tenant's link rows selected by `sql` (`$1` is the tenant, `$2` the one owner
/// when `owner` names it), grouped by owner.
pub(super) async fn links(
    store: &Store,
    sql: &str,
    tenant: TenantId,
    owner: Option<i64>,
) -> StorageResult<HashMap<i64, Vec<Link>>> {
    let mut query = sqlx::query(AssertSqlSafe(sql.to_string())).bind(tenant.0);
    if let Some(id) = owner {
        query = query.bind(id);
    }
    let rows = query.fetch_all(&store.pool).await.map_err(storage)?;
    group_links(rows)
}
