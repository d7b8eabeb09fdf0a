//! `run_integration`: fetch a connector's artifacts through the same intake as a
//! submission, then materialize every accepted extraction into its KRI and answer with
//! what was written.

use chrono::Utc;
use draxis_auth::{Principal, TenantId};
use draxis_domain::ToolError;
use draxis_domain::entities::Integration;
use draxis_domain::ids::IdKind;
use draxis_protocol::types::{
    IntegrationKind, KriStatus, KriUpdate, RunIntegrationArgs, RunIntegrationResult,
};

use super::submit::content_problem;
use super::{DropZone, actor_of, storage};
use crate::connectors::{self, Fetched};
use crate::records::{Actor, Inserted, RunCounts};

impl DropZone {
    /// `run_integration`.
    pub async fn run_integration(
        &self,
        principal: &Principal,
        args: RunIntegrationArgs,
    ) -> Result<RunIntegrationResult, ToolError> {
        let tenant = principal.tenant_id;
        let integration = self.integration(tenant, &args.integration_id).await?;
        if !integration.enabled {
            return Err(ToolError::InvalidArgument(format!(
                "{} is disabled; ask an admin to enable it before running it.",
                integration.name
            )));
        }
        self.run(tenant, &integration, &actor_of(principal)).await
    }

    /// Runs an integration on behalf of `actor` (a token, the admin CLI, a schedule).
    pub async fn run(
        &self,
        tenant: TenantId,
        integration: &Integration,
        actor: &Actor,
    ) -> Result<RunIntegrationResult, ToolError> {
        let started_at = Utc::now();
        let mut counts = RunCounts::default();
        if integration.kind != IntegrationKind::DropZone {
            let config = self.store_config(tenant, integration.id).await?;
            let fetched = match connectors::fetch(
                self.http.as_ref(),
                integration.kind,
                &config,
                &self.limits,
            )
            .await
            {
                Ok(items) => items,
                Err(error) => {
                    let run_id = self
                        .store
                        .record_failed_run(tenant, integration.id, started_at, &error, actor)
                        .await
                        .map_err(storage)?;
                    self.cache.invalidate(tenant);
                    return Err(ToolError::InvalidArgument(format!(
                        "{} failed ({}): {error}",
                        integration.name,
                        IdKind::IntegrationRun.format(run_id)
                    )));
                }
            };
            for Fetched {
                content,
                filename,
                mime_type,
                source,
            } in fetched
            {
                if let Some(problem) = content_problem(&content, self.limits.max_artifact_bytes) {
                    tracing::warn!(integration = %integration.name, %source, %problem, "connector item skipped");
                    continue;
                }
                let connector_actor = Actor {
                    label: format!("connector:{} (run by {})", integration.name, actor.label),
                    token_id: actor.token_id,
                };
                match self
                    .ingest(
                        tenant,
                        integration,
                        &content,
                        filename.as_deref(),
                        mime_type.as_deref(),
                        Some(&source),
                        &connector_actor,
                    )
                    .await?
                {
                    Inserted::New(_) => counts.artifacts_ingested += 1,
                    Inserted::Duplicate(_) => counts.artifacts_duplicate += 1,
                }
            }
        }
        let materialized = self
            .store
            .materialize(tenant, integration.id, started_at, &counts, actor)
            .await
            .map_err(storage)?;
        self.cache.invalidate(tenant);
        let pending = self
            .store
            .pending_review_count(tenant, integration.id)
            .await
            .map_err(storage)?;
        let kris = self.repo.kris(tenant).await.map_err(storage)?;
        let now = Utc::now();
        let updates: Vec<KriUpdate> = materialized
            .written
            .iter()
            .map(|w| {
                let kri = kris.iter().find(|k| k.id == w.kri_id);
                KriUpdate {
                    kri_id: IdKind::Kri.format(w.kri_id),
                    kri_slug: w.kri_slug.clone(),
                    value: w.value,
                    observed_at: w.observed_at,
                    current_value: kri.and_then(|k| k.current_value),
                    status: kri.map_or(KriStatus::Unknown, |k| k.status(now)),
                    artifact_id: IdKind::Artifact.format(w.artifact_id),
                    extraction_id: IdKind::Extraction.format(w.extraction_id),
                }
            })
            .collect();
        let written = updates.len() as u64;
        let mut summary = if written == 0 {
            "Nothing new to write: every accepted extraction of this integration is already in \
             its KRI."
                .to_string()
        } else {
            format!(
                "Wrote {written} KRI observation(s): {}.",
                updates
                    .iter()
                    .map(|u| format!("{} = {} ({})", u.kri_slug, u.value, u.status))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        if materialized.skipped > 0 {
            summary.push_str(&format!(
                " Skipped {} already-recorded observation(s).",
                materialized.skipped
            ));
        }
        if integration.kind != IntegrationKind::DropZone {
            summary.push_str(&format!(
                " Fetched {} new artifact(s), {} already stored.",
                counts.artifacts_ingested, counts.artifacts_duplicate
            ));
        }
        if pending > 0 {
            summary.push_str(&format!(
                " {pending} extraction(s) still wait for human review."
            ));
        }
        Ok(RunIntegrationResult {
            run_id: IdKind::IntegrationRun.format(materialized.run_id),
            integration_id: IdKind::Integration.format(integration.id),
            integration_name: integration.name.clone(),
            kind: integration.kind,
            status: "succeeded".into(),
            started_at,
            finished_at: materialized.finished_at,
            artifacts_ingested: counts.artifacts_ingested,
            artifacts_duplicate: counts.artifacts_duplicate,
            rows_written: written,
            rows_skipped: materialized.skipped,
            pending_review: pending,
            updates,
            error: None,
            summary,
        })
    }

    async fn store_config(
        &self,
        tenant: TenantId,
        integration_id: i64,
    ) -> Result<String, ToolError> {
        self.store
            .integration_config(tenant, integration_id)
            .await
            .map_err(storage)?
            .ok_or_else(|| ToolError::NotFound("the integration disappeared while running".into()))
    }
}
