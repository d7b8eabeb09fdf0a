//! Reading the Drop Zone's rows: artifacts with their extractions, one extraction, the
//! review queue and the pending count.

use draxis_domain::StorageResult;
use draxis_domain::TenantId;
use draxis_dropzone::records::{ExtractionFilter, StoredArtifact, StoredExtraction};
use draxis_protocol::types::{AutonomyBand, ProposalState};
use sqlx::any::AnyRow;

use crate::Store;
use crate::read::get;
use crate::rows::{list, storage, time, wire};

const ARTIFACT_COLUMNS: &str = "id, integration_id, sha256, size_bytes, filename, mime_type, \
     source, extractor, autonomy_band, skipped, received_at, submitted_by";

const EXTRACTION_SELECT: &str = "SELECT e.id, e.artifact_id, e.integration_id, e.kri_id, \
     k.slug, k.unit, e.value, e.proposed_value, e.observed_at, e.confidence, e.reasons, \
     e.line_start, e.line_end, e.excerpt, e.state, e.decided_by, e.decided_at, e.note, \
     e.materialized_at, e.created_at \
     FROM dropzone_extractions e JOIN kris k ON k.id = e.kri_id AND k.tenant_id = e.tenant_id";

fn extraction_row(row: &AnyRow) -> StorageResult<StoredExtraction> {
    let line_start: i64 = get(row, 11)?;
    let line_end: i64 = get(row, 12)?;
    Ok(StoredExtraction {
        id: get(row, 0)?,
        artifact_id: get(row, 1)?,
        integration_id: get(row, 2)?,
        kri_id: get(row, 3)?,
        kri_slug: get(row, 4)?,
        kri_unit: get(row, 5)?,
        value: get(row, 6)?,
        proposed_value: get(row, 7)?,
        observed_at: get::<Option<i64>>(row, 8)?.map(time),
        confidence: get(row, 9)?,
        reasons: list("dropzone_extractions.reasons", &get::<String>(row, 10)?)?,
        line_start: line_start.max(0) as u32,
        line_end: line_end.max(0) as u32,
        excerpt: get(row, 13)?,
        state: wire(
            "dropzone_extractions.state",
            &get::<String>(row, 14)?,
            ProposalState::parse,
        )?,
        decided_by: get(row, 15)?,
        decided_at: get::<Option<i64>>(row, 16)?.map(time),
        note: get(row, 17)?,
        materialized_at: get::<Option<i64>>(row, 18)?.map(time),
        created_at: time(get(row, 19)?),
    })
}

fn artifact_row(row: &AnyRow, extractions: Vec<StoredExtraction>) -> StorageResult<StoredArtifact> {
    let size: i64 = get(row, 3)?;
    let skipped: i64 = get(row, 9)?;
    Ok(StoredArtifact {
        id: get(row, 0)?,
        integration_id: get(row, 1)?,
        sha256: get(row, 2)?,
        size_bytes: size.max(0) as u64,
        filename: get(row, 4)?,
        mime_type: get(row, 5)?,
        source: get(row, 6)?,
        extractor: get(row, 7)?,
        band: wire(
            "dropzone_artifacts.autonomy_band",
            &get::<String>(row, 8)?,
            AutonomyBand::parse,
        )?,
        skipped: skipped.clamp(0, i64::from(u32::MAX)) as u32,
        received_at: time(get(row, 10)?),
        submitted_by: get(row, 11)?,
        extractions,
    })
}

/// The artifact `filter` (on `$2`, and `$3` when given) selects, with its extractions.
async fn load_artifact(
    store: &Store,
    tenant: TenantId,
    filter: &str,
    bind: (i64, Option<&str>),
) -> StorageResult<Option<StoredArtifact>> {
    let sql = format!(
        "SELECT {ARTIFACT_COLUMNS} FROM dropzone_artifacts WHERE tenant_id = $1 AND {filter}"
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(tenant.0)
        .bind(bind.0);
    if let Some(text) = bind.1 {
        query = query.bind(text);
    }
    let Some(row) = query.fetch_optional(&store.pool).await.map_err(storage)? else {
        return Ok(None);
    };
    let id: i64 = get(&row, 0)?;
    let extractions = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{EXTRACTION_SELECT} WHERE e.tenant_id = $1 AND e.artifact_id = $2 ORDER BY e.line_start, e.id"
    )))
    .bind(tenant.0)
    .bind(id)
    .fetch_all(&store.pool)
    .await
    .map_err(storage)?
    .iter()
    .map(extraction_row)
    .collect::<StorageResult<Vec<_>>>()?;
    artifact_row(&row, extractions).map(Some)
}

pub(super) async fn find_artifact(
    store: &Store,
    tenant: TenantId,
    integration_id: i64,
    sha256: &str,
) -> StorageResult<Option<StoredArtifact>> {
    load_artifact(
        store,
        tenant,
        "integration_id = $2 AND sha256 = $3",
        (integration_id, Some(sha256)),
    )
    .await
}

pub(super) async fn artifact(
    store: &Store,
    tenant: TenantId,
    id: i64,
) -> StorageResult<Option<StoredArtifact>> {
    load_artifact(store, tenant, "id = $2", (id, None)).await
}

pub(super) async fn pending_review_count(
    store: &Store,
    tenant: TenantId,
    integration_id: i64,
) -> StorageResult<u64> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM dropzone_extractions WHERE tenant_id = $1 AND integration_id = $2 \
         AND state = 'pending_review'",
    )
    .bind(tenant.0)
    .bind(integration_id)
    .fetch_one(&store.pool)
    .await
    .map_err(storage)?;
    Ok(n.max(0) as u64)
}

pub(super) async fn extractions(
    store: &Store,
    tenant: TenantId,
    filter: &ExtractionFilter,
) -> StorageResult<Vec<StoredExtraction>> {
    let sql = format!(
        "{EXTRACTION_SELECT} WHERE e.tenant_id = $1 AND ($2 = '' OR e.state = $2) \
         AND ($3 = 0 OR e.integration_id = $3) ORDER BY e.id LIMIT $4"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(tenant.0)
        .bind(filter.state.map_or("", |s| s.as_str()))
        .bind(filter.integration_id.unwrap_or(0))
        .bind(i64::from(filter.limit.max(1)))
        .fetch_all(&store.pool)
        .await
        .map_err(storage)?
        .iter()
        .map(extraction_row)
        .collect()
}

pub(super) async fn extraction(
    store: &Store,
    tenant: TenantId,
    id: i64,
) -> StorageResult<Option<StoredExtraction>> {
    let sql = format!("{EXTRACTION_SELECT} WHERE e.tenant_id = $1 AND e.id = $2");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(tenant.0)
        .bind(id)
        .fetch_optional(&store.pool)
        .await
        .map_err(storage)?
        .as_ref()
        .map(extraction_row)
        .transpose()
}
