//! The many-to-many links a register sets (`risk_outcomes`, `risk_controls`, `kri_risks`,
//! `kri_controls`): for each owner the files hold, its link set is replaced only when it
//! differs from what is stored.

use std::collections::{BTreeSet, HashMap, HashSet};

use draxis_domain::TenantId;
use sqlx::{AnyConnection, AssertSqlSafe, Row};

use super::sql::{Value, insert_rows};

/// A link table: owner and target columns, and the owner's field in the register.
#[derive(Debug)]
pub(super) struct LinkTable {
    pub table: &'static str,
    pub owner: &'static str,
    pub target: &'static str,
    pub field: &'static str,
}

pub(super) const RISK_OUTCOMES: LinkTable = LinkTable {
    table: "risk_outcomes",
    owner: "risk_id",
    target: "outcome_id",
    field: "outcomes",
};
pub(super) const RISK_CONTROLS: LinkTable = LinkTable {
    table: "risk_controls",
    owner: "risk_id",
    target: "control_id",
    field: "controls",
};
pub(super) const KRI_RISKS: LinkTable = LinkTable {
    table: "kri_risks",
    owner: "kri_id",
    target: "risk_id",
    field: "risks",
};
pub(super) const KRI_CONTROLS: LinkTable = LinkTable {
    table: "kri_controls",
    owner: "kri_id",
    target: "control_id",
    field: "controls",
};

/// The tenant's links in `links`: owner id → target ids.
pub(super) async fn stored(
    conn: &mut AnyConnection,
    tenant: TenantId,
    links: &LinkTable,
) -> Result<HashMap<i64, BTreeSet<i64>>, sqlx::Error> {
    let sql = format!(
        "SELECT {}, {} FROM {} WHERE tenant_id = $1",
        links.owner, links.target, links.table
    );
    let rows = sqlx::query(AssertSqlSafe(sql))
        .bind(tenant.0)
        .fetch_all(&mut *conn)
        .await?;
    let mut stored: HashMap<i64, BTreeSet<i64>> = HashMap::new();
    for row in rows {
        stored
            .entry(row.try_get(0)?)
            .or_default()
            .insert(row.try_get(1)?);
    }
    Ok(stored)
}

/// Gives each owner in `wanted` exactly its target set; answers the owners whose links
/// changed.
pub(super) async fn set(
    conn: &mut AnyConnection,
    tenant: TenantId,
    links: &LinkTable,
    wanted: &[(i64, BTreeSet<i64>)],
) -> Result<HashSet<i64>, sqlx::Error> {
    let stored = stored(conn, tenant, links).await?;
    let empty = BTreeSet::new();
    let mut changed = HashSet::new();
    let mut inserts = Vec::new();
    for (owner, targets) in wanted {
        if stored.get(owner).unwrap_or(&empty) == targets {
            continue;
        }
        changed.insert(*owner);
        let sql = format!(
            "DELETE FROM {} WHERE tenant_id = $1 AND {} = $2",
            links.table, links.owner
        );
        sqlx::query(AssertSqlSafe(sql))
            .bind(tenant.0)
            .bind(*owner)
            .execute(&mut *conn)
            .await?;
        inserts.extend(
            targets
                .iter()
                .map(|t| vec![Value::Int(tenant.0), Value::Int(*owner), Value::Int(*t)]),
        );
    }
    insert_rows(
        conn,
        links.table,
        &["tenant_id", links.owner, links.target],
        &inserts,
    )
    .await?;
    Ok(changed)
}

/// Deletes every link of `links` whose `column` is `id`; answers how many went.
pub(super) async fn drop_all(
    conn: &mut AnyConnection,
    tenant: TenantId,
    links: &LinkTable,
    column: &str,
    id: i64,
) -> Result<u64, sqlx::Error> {
    let sql = format!(
        "DELETE FROM {} WHERE tenant_id = $1 AND {column} = $2",
        links.table
    );
    Ok(sqlx::query(AssertSqlSafe(sql))
        .bind(tenant.0)
        .bind(id)
        .execute(&mut *conn)
        .await?
        .rows_affected())
}
