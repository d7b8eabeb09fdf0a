//! Third parties and their assessments.

use std::sync::Arc;

use draxis_domain::StorageResult;
use draxis_domain::TenantId;
use draxis_domain::entities::Vendor;
use draxis_domain::repository::Rows;
use draxis_protocol::types::Criticality;

use super::columns::{get, small};
use crate::Store;
use crate::rows::{corrupt, date, list, storage, wire};

/// The tenant's vendors, in id order.
pub(super) async fn vendors(store: &Store, tenant: TenantId) -> StorageResult<Rows<Vendor>> {
    let rows = sqlx::query("SELECT * FROM vendors WHERE tenant_id = $1 ORDER BY id")
        .bind(tenant.0)
        .fetch_all(&store.pool)
        .await
        .map_err(storage)?;
    rows.into_iter()
        .map(|row| {
            let last_date: Option<String> = get(&row, "last_assessment_date")?;
            let findings: i64 = get(&row, "open_findings")?;
            Ok(Vendor {
                id: get(&row, "id")?,
                name: get(&row, "name")?,
                category: get(&row, "category")?,
                criticality: wire(
                    "vendors.criticality",
                    &get::<String>(&row, "criticality")?,
                    Criticality::parse,
                )?,
                tier: small(&row, "tier")?,
                data_elements: list(
                    "vendors.data_elements",
                    &get::<String>(&row, "data_elements")?,
                )?,
                last_assessment_date: last_date
                    .as_deref()
                    .map(|d| date("vendors.last_assessment_date", d))
                    .transpose()?,
                last_assessment_score: get(&row, "last_assessment_score")?,
                last_assessment_conclusion: get(&row, "last_assessment_conclusion")?,
                open_findings: u32::try_from(findings)
                    .map_err(|_| corrupt("vendors.open_findings", findings.to_string()))?,
                next_assessment_due: date(
                    "vendors.next_assessment_due",
                    &get::<String>(&row, "next_assessment_due")?,
                )?,
            })
        })
        .collect::<StorageResult<Vec<_>>>()
        .map(Arc::new)
}
