//! `submit_dropzone_artifact`: validate the content, hash and deduplicate it, extract,
//! give each proposal its state by the tenant's autonomy band, store, and answer.

use chrono::Utc;
use draxis_auth::{Principal, TenantId};
use draxis_domain::entities::Integration;
use draxis_domain::ids::IdKind;
use draxis_domain::{StorageError, ToolError};
use draxis_protocol::types::{
    Evidence, ExtractionCounts, ExtractionView, IntegrationKind, ProposalState, ProposalView,
    SubmitArtifactArgs, SubmitArtifactResult, label_problem,
};
use sha2::{Digest, Sha256};

use super::{DropZone, actor_of, storage};
use crate::band;
use crate::extract::Artifact;
use crate::records::{Actor, Inserted, NewArtifact, NewExtraction, StoredArtifact};

/// Artifacts above this size are extracted on the blocking pool.
const INLINE_EXTRACTION_BYTES: usize = 256 * 1024;

/// SHA-256 of `bytes`, lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Why content cannot be an artifact; `None` when it can.
pub(super) fn content_problem(content: &str, limit: usize) -> Option<String> {
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

impl DropZone {
    /// `submit_dropzone_artifact`.
    pub async fn submit(
        &self,
        principal: &Principal,
        args: SubmitArtifactArgs,
    ) -> Result<SubmitArtifactResult, ToolError> {
        let tenant = principal.tenant_id;
        let integration = self.integration(tenant, &args.integration_id).await?;
        if integration.kind != IntegrationKind::DropZone {
            let all = self.repo.integrations(tenant).await.map_err(storage)?;
            return Err(ToolError::InvalidArgument(format!(
                "{} ({}) is a {} connector, not a drop zone: it fetches its own data (call \
                 run_integration on it to do that). Submit artifacts to a drop zone: {}.",
                integration.name,
                IdKind::Integration.format(integration.id),
                integration.kind,
                Self::drop_zone_names(&all)
            )));
        }
        if !integration.enabled {
            return Err(ToolError::InvalidArgument(format!(
                "{} is disabled and accepts no artifacts; ask an admin to enable it.",
                integration.name
            )));
        }
        if let Some(problem) = content_problem(&args.content, self.limits.max_artifact_bytes) {
            return Err(ToolError::InvalidArgument(problem));
        }
        let labels = [("filename", &args.filename), ("mimeType", &args.mime_type)];
        if let Some(problem) = labels.iter().find_map(|(field, value)| {
            value
                .as_deref()
                .and_then(|value| label_problem(field, value))
        }) {
            return Err(ToolError::InvalidArgument(problem));
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
    pub(super) async fn ingest(
        &self,
        tenant: TenantId,
        integration: &Integration,
        content: &str,
        filename: Option<&str>,
        mime_type: Option<&str>,
        source: Option<&str>,
        actor: &Actor,
    ) -> Result<Inserted, ToolError> {
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
            .map_err(|e| ToolError::Storage(StorageError(Box::new(e))))?
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
                    state: band::initial_state(band, p.confidence),
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
                self.cache
                    .add_pending_reviews(tenant, integration.id, pending);
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
