//! `list_integrations`: drop zones and connectors with their last run and review backlog.

use draxis_auth::Principal;
use draxis_protocol::tools::ListIntegrations;
use draxis_protocol::types::*;

use super::{Handle, RiskQueries, first_refs, text};
use crate::entities::Integration;
use crate::error::ToolResult;
use crate::ids::IdKind;
use crate::paging::{SortKey, paginate};

impl Handle<ListIntegrations> for RiskQueries {
    async fn handle(
        &self,
        principal: &Principal,
        args: ListIntegrationsArgs,
    ) -> ToolResult<IntegrationPage> {
        let integrations = self.repo.integrations(principal.tenant_id).await?;
        let matching: Vec<&Integration> = integrations
            .iter()
            .filter(|i| {
                args.is_drop_zone
                    .is_none_or(|d| (i.kind == IntegrationKind::DropZone) == d)
            })
            .collect();
        let page = paginate(
            matching,
            "name",
            |i| SortKey::new(vec![text(&i.name)], i.id),
            args.cursor.as_deref(),
            args.limit,
        )?;
        Ok(page.map(integration_summary))
    }
}

fn integration_summary(i: &Integration) -> IntegrationSummary {
    IntegrationSummary {
        id: IdKind::Integration.format(i.id),
        is_drop_zone: i.kind == IntegrationKind::DropZone,
        name: i.name.clone(),
        kind: i.kind,
        schedule: i.schedule,
        enabled: i.enabled,
        last_run: i.last_run.as_ref().map(|r| IntegrationRun {
            id: IdKind::IntegrationRun.format(r.id),
            started_at: r.started_at,
            finished_at: r.finished_at,
            status: r.status.clone(),
            rows_written: r.rows_written,
            rows_skipped: r.rows_skipped,
        }),
        pending_review_count: i.pending_review_count,
        kri_slugs: first_refs(i.kri_slugs.iter().map(String::as_str)),
        kri_count: u32::try_from(i.kri_slugs.len()).unwrap_or(u32::MAX),
    }
}
