//! The asset inventory: filtered, keyset-paged listing and coverage counts.

use std::collections::BTreeMap;

use draxis_domain::StorageResult;
use draxis_domain::TenantId;
use draxis_domain::entities::{Asset, AssetCounts, AssetFilter};
use draxis_domain::paging::{KeyPart, SortKey};
use draxis_protocol::types::{AssetKind, Coverage, Criticality};
use sqlx::{Arguments, AssertSqlSafe};

use super::columns::{flag, get};
use crate::Store;
use crate::rows::{corrupt, storage, time, wire};

/// `WHERE` clause and arguments selecting a tenant's assets that match `filter`.
fn asset_where(
    tenant: TenantId,
    filter: &AssetFilter,
) -> StorageResult<(String, sqlx::any::AnyArguments)> {
    let mut args = sqlx::any::AnyArguments::default();
    let mut sql = String::from(" WHERE tenant_id = $1");
    args.add(tenant.0).map_err(encode_error)?;
    let mut bind = |sql: &mut String, clause: &str, value: String| -> StorageResult<()> {
        args.add(value).map_err(encode_error)?;
        sql.push_str(&clause.replace('?', &format!("${}", args.len())));
        Ok(())
    };
    if let Some(kind) = filter.kind {
        bind(&mut sql, " AND kind = ?", kind.as_str().into())?;
    }
    if let Some(env) = &filter.environment {
        bind(&mut sql, " AND LOWER(environment) = ?", env.clone())?;
    }
    if let Some(c) = filter.criticality {
        bind(&mut sql, " AND criticality = ?", c.as_str().into())?;
    }
    if let Some(owner) = &filter.owner {
        bind(
            &mut sql,
            " AND LOWER(owner) LIKE ? ESCAPE '\\'",
            format!("%{}%", escape_like(owner)),
        )?;
    }
    if let Some(text) = &filter.text {
        bind(
            &mut sql,
            " AND LOWER(name) LIKE ? ESCAPE '\\'",
            format!("%{}%", escape_like(text)),
        )?;
    }
    if let Some(facing) = filter.internet_facing {
        sql.push_str(if facing {
            " AND internet_facing = 1"
        } else {
            " AND internet_facing = 0"
        });
    }
    if let Some(missing) = filter.missing {
        sql.push_str(match missing {
            Coverage::Edr => " AND edr = 0",
            Coverage::Mfa => " AND mfa = 0",
            Coverage::Backup => " AND backup = 0",
            Coverage::Patch => " AND patched = 0",
        });
    }
    Ok((sql, args))
}

/// A bind argument that could not be encoded.
fn encode_error(error: Box<dyn std::error::Error + Send + Sync>) -> draxis_domain::StorageError {
    draxis_domain::StorageError(error)
}

/// `text` matched literally by `LIKE … ESCAPE '\\'`.
fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// One page of the tenant's assets matching `filter`, by name then id, after `after`.
pub(super) async fn assets_page(
    store: &Store,
    tenant: TenantId,
    filter: &AssetFilter,
    after: Option<&SortKey>,
    limit: u32,
) -> StorageResult<Vec<Asset>> {
    let (where_sql, mut args) = asset_where(tenant, filter)?;
    let mut sql = format!("SELECT * FROM assets{where_sql}");
    if let Some(after) = after {
        let name = match after.parts.as_slice() {
            [KeyPart::Text(name)] => name.clone(),
            _ => return Err(corrupt("asset cursor", format!("{after:?}"))),
        };
        args.add(name).map_err(encode_error)?;
        let n = args.len();
        args.add(after.id).map_err(encode_error)?;
        // `name >= …` first: one range of `assets_by_name` on both engines (an OR of
        // the two cases alone makes PostgreSQL read and sort every later asset).
        sql.push_str(&format!(
            " AND name >= ${n} AND (name > ${n} OR id > ${})",
            n + 1
        ));
    }
    args.add(i64::from(limit)).map_err(encode_error)?;
    sql.push_str(&format!(" ORDER BY name, id LIMIT ${}", args.len()));
    let rows = sqlx::query_with(AssertSqlSafe(sql), args)
        .fetch_all(&store.pool)
        .await
        .map_err(storage)?;
    rows.into_iter()
        .map(|row| {
            Ok(Asset {
                id: get(&row, "id")?,
                name: get(&row, "name")?,
                kind: wire(
                    "assets.kind",
                    &get::<String>(&row, "kind")?,
                    AssetKind::parse,
                )?,
                environment: get(&row, "environment")?,
                owner: get(&row, "owner")?,
                criticality: wire(
                    "assets.criticality",
                    &get::<String>(&row, "criticality")?,
                    Criticality::parse,
                )?,
                internet_facing: flag(&row, "internet_facing")?,
                data_classification: get(&row, "data_classification")?,
                last_seen: time(get(&row, "last_seen")?),
                edr: flag(&row, "edr")?,
                mfa: flag(&row, "mfa")?,
                backup: flag(&row, "backup")?,
                patched: flag(&row, "patched")?,
            })
        })
        .collect()
}

/// How many of the tenant's assets match `filter`, with their coverage and breakdowns:
/// one pass, grouped by kind and criticality (the covering index `assets_coverage`
/// answers it without reading the rows when the filter is on those columns).
pub(super) async fn asset_counts(
    store: &Store,
    tenant: TenantId,
    filter: &AssetFilter,
) -> StorageResult<AssetCounts> {
    let (where_sql, args) = asset_where(tenant, filter)?;
    let rows = sqlx::query_with(
        AssertSqlSafe(format!(
            "SELECT kind, criticality, COUNT(*) AS total, \
                    COUNT(*) FILTER (WHERE internet_facing = 1) AS facing, \
                    COUNT(*) FILTER (WHERE edr = 1) AS edr, COUNT(*) FILTER (WHERE mfa = 1) AS mfa, \
                    COUNT(*) FILTER (WHERE backup = 1) AS backup, COUNT(*) FILTER (WHERE patched = 1) AS patched \
             FROM assets{where_sql} GROUP BY kind, criticality"
        )),
        args,
    )
    .fetch_all(&store.pool)
    .await
    .map_err(storage)?;
    let mut counts = AssetCounts::default();
    let mut by_kind: BTreeMap<String, u64> = BTreeMap::new();
    let mut by_criticality: BTreeMap<String, u64> = BTreeMap::new();
    for row in rows {
        let count =
            |column: &str| -> StorageResult<u64> { Ok(get::<i64>(&row, column)?.max(0) as u64) };
        let total = count("total")?;
        counts.total += total;
        counts.internet_facing += count("facing")?;
        counts.with_edr += count("edr")?;
        counts.with_mfa += count("mfa")?;
        counts.with_backup += count("backup")?;
        counts.patched += count("patched")?;
        *by_kind.entry(get(&row, "kind")?).or_default() += total;
        *by_criticality.entry(get(&row, "criticality")?).or_default() += total;
    }
    counts.by_kind = by_kind.into_iter().collect();
    counts.by_criticality = by_criticality.into_iter().collect();
    Ok(counts)
}
