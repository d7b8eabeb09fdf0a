//! `get_asset_inventory`: coverage figures over the matching assets, and one page of
//! them; storage filters and pages, since the inventory is the one large set.

use draxis_auth::Principal;
use draxis_protocol::tools::GetAssetInventory;
use draxis_protocol::types::*;

use super::{Handle, RiskQueries};
use crate::entities;
use crate::error::ToolResult;
use crate::ids::IdKind;
use crate::paging::{KeyKind, KeyPart, SortKey, decode_cursor, encode_cursor, page_limit};

impl Handle<GetAssetInventory> for RiskQueries {
    async fn handle(
        &self,
        principal: &Principal,
        args: AssetInventoryArgs,
    ) -> ToolResult<AssetInventory> {
        const SORT: &str = "name";
        let limit = page_limit(args.limit)?;
        let after = args
            .cursor
            .as_deref()
            .map(|c| decode_cursor(SORT, &[KeyKind::Text], c))
            .transpose()?;
        let filter = entities::AssetFilter {
            kind: args.kind,
            environment: args.environment.map(|e| e.trim().to_lowercase()),
            criticality: args.criticality,
            internet_facing: args.internet_facing,
            missing: args.missing,
            owner: args.owner.map(|o| o.trim().to_lowercase()),
            text: args.text.map(|t| t.trim().to_lowercase()),
        };
        let tenant = principal.tenant_id;
        let counts = self.repo.asset_counts(tenant, &filter).await?;
        let mut assets = self
            .repo
            .assets_page(tenant, &filter, after.as_ref(), limit as u32 + 1)
            .await?;
        let next_cursor = if assets.len() > limit {
            assets.truncate(limit);
            assets.last().map(|a| {
                encode_cursor(
                    SORT,
                    &SortKey::new(vec![KeyPart::Text(a.name.clone())], a.id),
                )
            })
        } else {
            None
        };
        let pct = |n: u64| {
            if counts.total == 0 {
                0.0
            } else {
                (n as f64 * 1000.0 / counts.total as f64).round() / 10.0
            }
        };
        let to_counts = |pairs: &[(String, u64)]| {
            pairs
                .iter()
                .map(|(value, count)| Count {
                    value: value.clone(),
                    count: *count,
                })
                .collect()
        };
        Ok(AssetInventory {
            summary: AssetSummaryCounts {
                total: counts.total,
                by_kind: to_counts(&counts.by_kind),
                by_criticality: to_counts(&counts.by_criticality),
                internet_facing: counts.internet_facing,
                coverage: CoveragePercentages {
                    edr_pct: pct(counts.with_edr),
                    mfa_pct: pct(counts.with_mfa),
                    backup_pct: pct(counts.with_backup),
                    patched_pct: pct(counts.patched),
                },
            },
            items: assets
                .into_iter()
                .map(|a| AssetSummary {
                    id: IdKind::Asset.format(a.id),
                    name: a.name,
                    kind: a.kind,
                    environment: a.environment,
                    owner: a.owner,
                    criticality: a.criticality,
                    internet_facing: a.internet_facing,
                    data_classification: a.data_classification,
                    last_seen: a.last_seen,
                    edr: a.edr,
                    mfa: a.mfa,
                    backup: a.backup,
                    patched: a.patched,
                })
                .collect(),
            next_cursor,
            total: counts.total,
            note: None,
        })
    }
}
