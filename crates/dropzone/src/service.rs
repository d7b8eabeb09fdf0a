//! The Drop Zone's write side behind the two tools: `submit_dropzone_artifact` (validate,
//! hash, deduplicate, extract, decide by autonomy band, store) and `run_integration`
//! (run a connector if it is one, then materialize accepted extractions into KRIs).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::Utc;
use draxis_auth::{Principal, TenantId};
use draxis_domain::cache::CachedRepository;
use draxis_domain::entities::{Integration, Kri};
use draxis_domain::ids::IdKind;
use draxis_domain::repository::{RiskRepository, Rows};
use draxis_domain::rules::{Thresholds, kri_colour};
use draxis_domain::{QueryError, StorageError};
use draxis_protocol::types::{
    AutonomyBand, Evidence, ExtractionCounts, ExtractionView, IntegrationKind, KriUpdate,
    ProposalState, ProposalView, RunIntegrationArgs, RunIntegrationResult, SubmitArtifactArgs,
    SubmitArtifactResult,
};
use sha2::{Digest, Sha256};

use crate::connectors::{self, Fetched};
use crate::extract::{Artifact, Extractor};
use crate::records::{
    Actor, Decided, Decision, DropZoneStore, ExtractionFilter, Inserted, NewArtifact,
    NewExtraction, RunCounts, StoredArtifact, StoredExtraction,
};
use crate::vocabulary::{CatalogEntry, KriCatalog};

/// Operator limits.
#[derive(Debug, Clone)]
pub struct DropZoneLimits {
    /// Largest artifact accepted, in bytes (default 10 MiB).
    pub max_artifact_bytes: usize,
    /// How long a connector may take to fetch.
    pub fetch_timeout: std::time::Duration,
}

impl Default for DropZoneLimits {
    fn default() -> Self {
        Self {
            max_artifact_bytes: 10 * 1024 * 1024,
            fetch_timeout: connectors::DEFAULT_FETCH_TIMEOUT,
        }
    }
}

/// A tenant's matching catalog and the KRI list it was built from.
type CatalogFor = (Rows<Kri>, Arc<KriCatalog>);

/// Artifacts above this size are extracted on the blocking pool.
const INLINE_EXTRACTION_BYTES: usize = 256 * 1024;

/// The Drop Zone, shared by every request.
#[derive(Clone)]
pub struct DropZone {
    repo: Arc<CachedRepository>,
    store: Arc<dyn DropZoneStore>,
    extractor: Arc<dyn Extractor>,
    limits: DropZoneLimits,
    catalogs: Arc<Mutex<HashMap<TenantId, CatalogFor>>>,
    bands: Arc<Mutex<HashMap<TenantId, (std::time::Instant, AutonomyBand)>>>,
}

/// How long a tenant's autonomy band is trusted before it is read again: a band set
/// with draxis-admin applies to submissions within this time.
const BAND_TTL: std::time::Duration = std::time::Duration::from_secs(1);

impl std::fmt::Debug for DropZone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DropZone")
            .field("extractor", &self.extractor.name())
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

/// SHA-256 of `bytes`, lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Why content cannot be an artifact; `None` when it can.
fn content_problem(content: &str, limit: usize) -> Option<String> {
    if content.trim().is_empty() {
        return Some(
            "content is empty: pass the artifact's text (the report, export or metrics you \
             pulled) in content."
                .into(),
        );
    }
    if content.len() > limit {
        return Some(format!(
            "content is {} bytes, over this server's limit of {} bytes ({:.1} MiB): split the \
             artifact into smaller parts and submit each.",
            content.len(),
            limit,
            limit as f64 / (1024.0 * 1024.0)
        ));
    }
    let control = content
        .bytes()
        .filter(|b| *b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c))
        .count();
    if content.as_bytes().contains(&0) || control * 100 > content.len() {
        return Some(
            "content is not text (it holds NUL or control bytes, as binary files do): convert \
             the artifact to text first (CSV, JSON, Markdown or plain text) and submit that."
                .into(),
        );
    }
    None
}

fn actor_of(principal: &Principal) -> Actor {
    Actor {
        label: principal.audit_label(),
        token_id: principal.pat_id(),
    }
}

fn storage(error: StorageError) -> QueryError {
    QueryError::Storage(error)
}

impl DropZone {
    pub fn new(
        repo: Arc<CachedRepository>,
        store: Arc<dyn DropZoneStore>,
        extractor: Arc<dyn Extractor>,
        limits: DropZoneLimits,
    ) -> Self {
        Self {
            repo,
            store,
            extractor,
            limits,
            catalogs: Arc::new(Mutex::new(HashMap::new())),
            bands: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    /// Sets a tenant's autonomy band; this process applies it at once, other processes
    /// within a second.
    pub async fn set_autonomy_band(
        &self,
        tenant: TenantId,
        band: AutonomyBand,
        actor: &Actor,
    ) -> Result<AutonomyBand, QueryError> {
        let previous = self
            .store
            .set_autonomy_band(tenant, band, actor)
            .await
            .map_err(storage)?;
        self.bands
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(tenant, (std::time::Instant::now(), band));
        Ok(previous)
    }

    /// The tenant's current autonomy band.
    pub async fn autonomy_band(&self, tenant: TenantId) -> Result<AutonomyBand, QueryError> {
        self.band(tenant).await
    }

    /// The Pending Extraction Review queue, oldest first.
    pub async fn review_queue(
        &self,
        tenant: TenantId,
        limit: u32,
    ) -> Result<Vec<StoredExtraction>, QueryError> {
        let filter = ExtractionFilter {
            state: Some(ProposalState::PendingReview),
            integration_id: None,
            limit,
        };
        self.store
            .extractions(tenant, &filter)
            .await
            .map_err(storage)
    }

    /// A human's decision on a proposal (never a tool's): recorded in the audit trail;
    /// the drop zone's pending-review count changes at once.
    pub async fn decide(
        &self,
        tenant: TenantId,
        extraction_id: i64,
        decision: &Decision,
        actor: &Actor,
    ) -> Result<Decided, QueryError> {
        let decided = self
            .store
            .decide(tenant, extraction_id, decision, actor)
            .await
            .map_err(storage)?;
        self.repo.invalidate(tenant);
        Ok(decided)
    }

    async fn band(&self, tenant: TenantId) -> Result<AutonomyBand, QueryError> {
        let cached = self
            .bands
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&tenant)
            .filter(|(at, _)| at.elapsed() < BAND_TTL)
            .map(|(_, band)| *band);
        if let Some(band) = cached {
            return Ok(band);
        }
        let band = self.store.autonomy_band(tenant).await.map_err(storage)?;
        self.bands
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(tenant, (std::time::Instant::now(), band));
        Ok(band)
    }

    pub fn limits(&self) -> &DropZoneLimits {
        &self.limits
    }

    /// The tenant's KRI catalog, rebuilt only when its KRI list changed.
    async fn catalog(&self, tenant: TenantId) -> Result<(Rows<Kri>, Arc<KriCatalog>), QueryError> {
        let kris = self.repo.kris(tenant).await.map_err(storage)?;
        let mut cache = self.catalogs.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((rows, catalog)) = cache.get(&tenant)
            && (Arc::ptr_eq(rows, &kris) || same_definitions(rows, &kris))
        {
            return Ok((kris, catalog.clone()));
        }
        let catalog = Arc::new(KriCatalog::new(
            kris.iter().map(CatalogEntry::from).collect(),
        ));
        cache.insert(tenant, (kris.clone(), catalog.clone()));
        Ok((kris, catalog))
    }

    async fn integration(&self, tenant: TenantId, key: &str) -> Result<Integration, QueryError> {
        let key = key.trim();
        // Resolved from the cached list: by id (int_1), or by name.
        let integrations = self.repo.integrations(tenant).await.map_err(storage)?;
        let by_id = IdKind::Integration.parse(key);
        integrations
            .iter()
            .find(|i| Some(i.id) == by_id)
            .or_else(|| integrations.iter().find(|i| i.name == key))
            .or_else(|| {
                integrations
                    .iter()
                    .find(|i| i.name.eq_ignore_ascii_case(key))
            })
            .cloned()
            .ok_or_else(|| {
                QueryError::NotFound(format!(
                    "No integration `{key}` in this tenant. Call list_integrations and pass the \
                     id (such as int_1) of a row with isDropZone: true."
                ))
            })
    }

    fn drop_zone_names(integrations: &[Integration]) -> String {
        let names: Vec<String> = integrations
            .iter()
            .filter(|i| i.kind == IntegrationKind::DropZone && i.enabled)
            .map(|i| format!("{} ({})", i.name, IdKind::Integration.format(i.id)))
            .collect();
        if names.is_empty() {
            "this tenant has none; ask an admin to create one".into()
        } else {
            names.join(", ")
        }
    }

    /// `submit_dropzone_artifact`.
    pub async fn submit(
        &self,
        principal: &Principal,
        args: SubmitArtifactArgs,
    ) -> Result<SubmitArtifactResult, QueryError> {
        let tenant = principal.tenant_id;
        let integration = self.integration(tenant, &args.integration_id).await?;
        if integration.kind != IntegrationKind::DropZone {
            let all = self.repo.integrations(tenant).await.map_err(storage)?;
            return Err(QueryError::InvalidArgument(format!(
                "{} ({}) is a {} connector, not a drop zone: it fetches its own data (call \
                 run_integration on it to do that). Submit artifacts to a drop zone: {}.",
                integration.name,
                IdKind::Integration.format(integration.id),
                integration.kind,
                Self::drop_zone_names(&all)
            )));
        }
        if !integration.enabled {
            return Err(QueryError::InvalidArgument(format!(
                "{} is disabled and accepts no artifacts; ask an admin to enable it.",
                integration.name
            )));
        }
        if let Some(problem) = content_problem(&args.content, self.limits.max_artifact_bytes) {
            return Err(QueryError::InvalidArgument(problem));
        }
        let actor = actor_of(principal);
        let stored = self
            .ingest(
                tenant,
                &integration,
                &args.content,
                args.filename.as_deref(),
                args.mime_type.as_deref(),
                None,
                &actor,
            )
            .await?;
        Ok(self.answer(&integration, stored))
    }

    /// Hash, deduplicate, extract and store one artifact.
    #[allow(clippy::too_many_arguments)]
    async fn ingest(
        &self,
        tenant: TenantId,
        integration: &Integration,
        content: &str,
        filename: Option<&str>,
        mime_type: Option<&str>,
        source: Option<&str>,
        actor: &Actor,
    ) -> Result<Inserted, QueryError> {
        let sha256 = sha256_hex(content.as_bytes());
        if let Some(first) = self
            .store
            .find_artifact(tenant, integration.id, &sha256)
            .await
            .map_err(storage)?
        {
            return Ok(Inserted::Duplicate(first));
        }
        let (kris, catalog) = self.catalog(tenant).await?;
        let extractor = self.extractor.clone();
        let extraction = if content.len() > INLINE_EXTRACTION_BYTES {
            let owned = content.to_string();
            let (filename, mime) = (filename.map(str::to_string), mime_type.map(str::to_string));
            let catalog = catalog.clone();
            tokio::task::spawn_blocking(move || {
                extractor.extract(
                    &Artifact {
                        content: &owned,
                        filename: filename.as_deref(),
                        mime_type: mime.as_deref(),
                    },
                    &catalog,
                )
            })
            .await
            .map_err(|e| QueryError::Storage(StorageError(Box::new(e))))?
        } else {
            extractor.extract(
                &Artifact {
                    content,
                    filename,
                    mime_type,
                },
                &catalog,
            )
        };
        let band = self.band(tenant).await?;
        // A stated time more than a day ahead is a typo or a clock error, not a date.
        let latest_plausible = Utc::now() + chrono::Duration::days(1);
        let extractions = extraction
            .proposals
            .into_iter()
            .filter_map(|p| {
                // The catalog was built from this list, in its order.
                let kri = kris.get(p.kri)?;
                Some(NewExtraction {
                    kri_id: kri.id,
                    kri_slug: kri.slug.clone(),
                    kri_unit: kri.unit.clone(),
                    value: p.value,
                    observed_at: p.observed_at.filter(|t| *t <= latest_plausible),
                    state: crate::band::initial_state(band, p.confidence),
                    confidence: p.confidence,
                    reasons: p.reasons,
                    line_start: p.span.line_start,
                    line_end: p.span.line_end,
                    excerpt: p.span.excerpt,
                })
            })
            .collect();
        let inserted = self
            .store
            .insert_artifact(
                tenant,
                &NewArtifact {
                    integration_id: integration.id,
                    sha256: &sha256,
                    content,
                    filename,
                    mime_type,
                    source,
                    extractor: self.extractor.name(),
                    band,
                    skipped: extraction.skipped,
                    extractions,
                    received_at: Utc::now(),
                    actor,
                },
            )
            .await
            .map_err(storage)?;
        if let Inserted::New(artifact) = &inserted {
            // Only the drop zone's pending-review count changed.
            let pending = artifact
                .extractions
                .iter()
                .filter(|e| e.state == ProposalState::PendingReview)
                .count() as u64;
            if pending > 0 {
                self.repo.update_integration(tenant, integration.id, |i| {
                    i.pending_review_count += pending;
                });
            }
        }
        Ok(inserted)
    }

    fn answer(&self, integration: &Integration, inserted: Inserted) -> SubmitArtifactResult {
        let (duplicate, artifact) = match inserted {
            Inserted::New(a) => (false, a),
            Inserted::Duplicate(a) => (true, a),
        };
        let view = extraction_view(&artifact);
        let zone = IdKind::Integration.format(integration.id);
        let next_step = if duplicate {
            format!(
                "Nothing changed: these exact bytes were already submitted to {} on {} as {}. \
                 Call run_integration with integrationId {zone} if its accepted values are not \
                 written yet.",
                integration.name,
                artifact.received_at.format("%Y-%m-%d %H:%M UTC"),
                IdKind::Artifact.format(artifact.id)
            )
        } else {
            let c = &view.counts;
            let mut s = match (c.auto_accepted, c.pending_review) {
                (0, 0) => format!(
                    "No KRI values found ({} figure(s) matched no KRI of the catalog); nothing to \
                     write.",
                    c.skipped
                ),
                (0, p) => format!(
                    "{p} proposal(s) wait for human review (autonomy band {}); nothing was \
                     auto-accepted.",
                    view.autonomy_band
                ),
                (a, p) => format!(
                    "Call run_integration with integrationId {zone} to write the {a} \
                     auto-accepted value(s) into their KRIs{}.",
                    if p > 0 {
                        format!("; {p} more wait for human review")
                    } else {
                        String::new()
                    }
                ),
            };
            if c.pending_review > 0 {
                s.push_str(" Reviewers accept or reject pending proposals in the web console or with `draxis-admin review`.");
            }
            s
        };
        SubmitArtifactResult {
            artifact_id: IdKind::Artifact.format(artifact.id),
            integration_id: zone,
            integration_name: integration.name.clone(),
            duplicate,
            sha256: artifact.sha256,
            size_bytes: artifact.size_bytes,
            filename: artifact.filename,
            mime_type: artifact.mime_type,
            received_at: artifact.received_at,
            extraction: view,
            next_step,
        }
    }

    /// `run_integration`.
    pub async fn run_integration(
        &self,
        principal: &Principal,
        args: RunIntegrationArgs,
    ) -> Result<RunIntegrationResult, QueryError> {
        let tenant = principal.tenant_id;
        let integration = self.integration(tenant, &args.integration_id).await?;
        if !integration.enabled {
            return Err(QueryError::InvalidArgument(format!(
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
    ) -> Result<RunIntegrationResult, QueryError> {
        let started_at = Utc::now();
        let mut counts = RunCounts::default();
        if integration.kind != IntegrationKind::DropZone {
            let config = self.store_config(tenant, integration.id).await?;
            let fetched = match connectors::fetch(integration.kind, &config, &self.limits).await {
                Ok(items) => items,
                Err(error) => {
                    let run_id = self
                        .store
                        .record_failed_run(tenant, integration.id, started_at, &error, actor)
                        .await
                        .map_err(storage)?;
                    self.repo.invalidate(tenant);
                    return Err(QueryError::InvalidArgument(format!(
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
        self.repo.invalidate(tenant);
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
                    status: kri.map_or(draxis_protocol::types::KriStatus::Unknown, |k| {
                        kri_colour(
                            Thresholds {
                                direction: k.direction,
                                warn: k.warn,
                                critical: k.critical,
                                frequency: k.frequency,
                            },
                            k.current_value.zip(k.current_observed_at),
                            now,
                        )
                    }),
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
    ) -> Result<String, QueryError> {
        self.store
            .integration_config(tenant, integration_id)
            .await
            .map_err(storage)?
            .ok_or_else(|| QueryError::NotFound("the integration disappeared while running".into()))
    }
}

/// The wire view of an artifact's extraction.
pub fn extraction_view(artifact: &StoredArtifact) -> ExtractionView {
    let proposals: Vec<ProposalView> = artifact
        .extractions
        .iter()
        .map(|e| ProposalView {
            extraction_id: IdKind::Extraction.format(e.id),
            kri_id: IdKind::Kri.format(e.kri_id),
            kri_slug: e.kri_slug.clone(),
            value: e.value,
            unit: e.kri_unit.clone(),
            observed_at: e.observed_at,
            confidence: e.confidence,
            reasons: e.reasons.clone(),
            state: e.state,
            evidence: Evidence {
                line_start: e.line_start,
                line_end: e.line_end,
                excerpt: e.excerpt.clone(),
            },
        })
        .collect();
    let count = |s: ProposalState| proposals.iter().filter(|p| p.state == s).count() as u32;
    ExtractionView {
        extractor: artifact.extractor.clone(),
        autonomy_band: artifact.band,
        counts: ExtractionCounts {
            proposals: proposals.len() as u32,
            auto_accepted: count(ProposalState::AutoAccepted),
            pending_review: count(ProposalState::PendingReview),
            skipped: artifact.skipped,
        },
        proposals,
    }
}

fn same_definitions(a: &[Kri], b: &[Kri]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| {
            x.id == y.id
                && x.slug == y.slug
                && x.name == y.name
                && x.unit == y.unit
                && x.aliases == y.aliases
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_checks_say_what_to_do() {
        assert!(content_problem("  \n", 100).unwrap().contains("empty"));
        assert!(
            content_problem(&"x".repeat(101), 100)
                .unwrap()
                .contains("limit")
        );
        assert!(
            content_problem("PK\u{3}\u{4}\0\0binary", 100)
                .unwrap()
                .contains("not text")
        );
        assert!(content_problem("Patch compliance: 91%", 100).is_none());
    }

    #[test]
    fn hashes_are_lowercase_hex_sha256() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
