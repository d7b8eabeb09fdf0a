//! `get_kri`: one KRI by id or slug, with its links, recent history and trend.

use chrono::Utc;
use draxis_auth::Principal;
use draxis_protocol::tools::GetKri;
use draxis_protocol::types::*;

use super::list_kris::kri_summary;
use super::{Handle, RiskQueries};
use crate::entities::{Link, ObservationRecord};
use crate::error::{ToolError, ToolResult};
use crate::ids::IdKind;
use crate::rules;

impl Handle<GetKri> for RiskQueries {
    async fn handle(&self, principal: &Principal, args: GetKriArgs) -> ToolResult<KriDetail> {
        let history_limit = match args.history_limit.unwrap_or(30) {
            n @ 1..=365 => n,
            n => {
                return Err(ToolError::InvalidArgument(format!(
                    "historyLimit must be between 1 and 365; you sent {n}"
                )));
            }
        };
        let key = args.id.trim();
        let kri = self
            .repo
            .kri(principal.tenant_id, key)
            .await?
            .ok_or_else(|| {
                ToolError::NotFound(format!(
                    "no KRI `{key}` in this tenant: pass a KRI id (kri_12) or slug (mfa_coverage_pct); call list_kris to see them"
                ))
            })?;
        let history = self
            .repo
            .kri_history(principal.tenant_id, kri.id, history_limit)
            .await?;
        let now = Utc::now();
        let trend = match (history.last(), history.first()) {
            (Some(oldest), Some(newest)) if history.len() >= 2 => {
                let (direction, worsening) = rules::trend(
                    kri.direction,
                    kri.warn,
                    kri.critical,
                    oldest.value,
                    newest.value,
                );
                Trend {
                    direction,
                    worsening,
                    change: Some(newest.value - oldest.value),
                    period_days: Some(
                        (newest.observed_at - oldest.observed_at).num_minutes() as f64 / 1440.0,
                    ),
                }
            }
            _ => Trend {
                direction: TrendDirection::Insufficient,
                worsening: false,
                change: None,
                period_days: None,
            },
        };
        Ok(KriDetail {
            kri: kri_summary(&kri, kri.status(now), now),
            description: kri.description.clone(),
            aliases: kri.aliases.clone(),
            risks: kri.risks.iter().map(risk_link).collect(),
            controls: kri.controls.iter().map(control_link).collect(),
            outcome: kri.outcome.as_ref().map(|l| OutcomeLink {
                id: IdKind::Outcome.format(l.id),
                r#ref: l.r#ref.clone(),
                name: l.label.clone(),
            }),
            history: history.into_iter().map(observation).collect(),
            trend,
            note: None,
        })
    }
}

fn risk_link(link: &Link) -> RiskLink {
    RiskLink {
        id: IdKind::Risk.format(link.id),
        r#ref: link.r#ref.clone(),
        title: link.label.clone(),
    }
}

fn control_link(link: &Link) -> ControlLink {
    ControlLink {
        id: IdKind::Control.format(link.id),
        r#ref: link.r#ref.clone(),
        name: link.label.clone(),
    }
}

fn observation(record: ObservationRecord) -> Observation {
    Observation {
        value: record.value,
        observed_at: record.observed_at,
        source: record.source,
        artifact_id: record.artifact_id.map(|id| IdKind::Artifact.format(id)),
        extraction_id: record.extraction_id.map(|id| IdKind::Extraction.format(id)),
        confidence: record.confidence,
        note: record.note,
    }
}
