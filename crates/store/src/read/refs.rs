//! Finding a risk, control, outcome or integration by id, ref or name.

use draxis_domain::StorageResult;
use draxis_domain::TenantId;
use draxis_domain::entities::Link;
use draxis_domain::ids::IdKind;
use draxis_domain::repository::RefKind;
use sqlx::AssertSqlSafe;

use super::columns::get;
use crate::Store;
use crate::rows::storage;

/// The tenant's entity of `kind` whose id (`risk_12`) or ref/name is `key`.
pub(super) async fn find_ref(
    store: &Store,
    tenant: TenantId,
    kind: RefKind,
    key: &str,
) -> StorageResult<Option<Link>> {
    let key = key.trim();
    let (table, id_kind, ref_col, label_col) = match kind {
        RefKind::Risk => ("risks", IdKind::Risk, "ref", "title"),
        RefKind::Control => ("controls", IdKind::Control, "ref", "name"),
        RefKind::Outcome => ("outcomes", IdKind::Outcome, "ref", "name"),
        RefKind::Integration => ("integrations", IdKind::Integration, "name", "name"),
    };
    let id = id_kind.parse(key).unwrap_or(-1);
    let sql = format!(
        "SELECT id, {ref_col}, {label_col} FROM {table} WHERE tenant_id = $1 AND (id = $2 OR LOWER({ref_col}) = LOWER($3))"
    );
    let row = sqlx::query(AssertSqlSafe(sql))
        .bind(tenant.0)
        .bind(id)
        .bind(key)
        .fetch_optional(&store.pool)
        .await
        .map_err(storage)?;
    row.map(|row| {
        Ok(Link {
            id: get(&row, 0)?,
            r#ref: get(&row, 1)?,
            label: get(&row, 2)?,
        })
    })
    .transpose()
}
