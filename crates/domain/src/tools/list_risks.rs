//! `list_risks`: the register's risks, scored by the platform's rule (likelihood ×
//! impact raised by red KRIs and weak controls), filtered and sorted.

use std::collections::HashMap;

use chrono::Utc;
use draxis_auth::{Principal, TenantId};
use draxis_protocol::tools::ListRisks;
use draxis_protocol::types::*;

use super::{Handle, RiskQueries, contains, count, link_refs, needle, num, text};
use crate::entities::{LikelihoodImpact, Risk};
use crate::error::{ToolError, ToolResult};
use crate::ids::IdKind;
use crate::paging::{SortKey, paginate};
use crate::repository::{RefKind, Rows};
use crate::rules;

/// A risk's current score and what raised it.
pub(super) struct RiskScore {
    pub score: u32,
    pub drivers: Vec<String>,
}

impl RiskQueries {
    /// Every risk of the tenant, and beside it (same order) its current score.
    pub(super) async fn scored_risks(
        &self,
        tenant: TenantId,
    ) -> ToolResult<(Rows<Risk>, Vec<RiskScore>)> {
        let (risks, kris, controls) = (
            self.repo.risks(tenant).await?,
            self.repo.kris(tenant).await?,
            self.repo.controls(tenant).await?,
        );
        let now = Utc::now();
        let kri_status_by_id: HashMap<i64, KriStatus> =
            kris.iter().map(|k| (k.id, k.status(now))).collect();
        let weak_controls: HashMap<i64, bool> = controls
            .iter()
            .map(|c| (c.id, rules::control_is_weak(c.status, c.effectiveness)))
            .collect();
        let scores = risks
            .iter()
            .map(|risk| {
                let linked_kris = risk
                    .kris
                    .iter()
                    .filter_map(|l| kri_status_by_id.get(&l.id).map(|s| (l.r#ref.as_str(), *s)));
                let weak = risk
                    .controls
                    .iter()
                    .filter(|l| weak_controls.get(&l.id).copied().unwrap_or(false))
                    .map(|l| l.r#ref.as_str());
                let (score, drivers) = rules::risk_current_score(
                    risk.current.likelihood,
                    risk.current.impact,
                    linked_kris,
                    weak,
                );
                RiskScore { score, drivers }
            })
            .collect();
        Ok((risks, scores))
    }
}

impl Handle<ListRisks> for RiskQueries {
    async fn handle(&self, principal: &Principal, args: ListRisksArgs) -> ToolResult<RiskPage> {
        if let Some(min) = args.min_score
            && !(1..=25).contains(&min)
        {
            return Err(ToolError::InvalidArgument(format!(
                "minScore must be between 1 and 25; you sent {min}"
            )));
        }
        let outcome = self
            .optional_ref(principal, RefKind::Outcome, args.outcome.as_deref())
            .await?;
        let category = args.category.as_deref().map(|c| c.trim().to_lowercase());
        let owner = args.owner.as_deref().map(|o| o.trim().to_lowercase());
        let needle = needle(args.text.as_deref());
        let (risks, scores) = self.scored_risks(principal.tenant_id).await?;
        let matching: Vec<(&Risk, RiskScore)> = risks
            .iter()
            .zip(scores)
            .filter(|(r, _)| args.status.is_none_or(|s| r.status == s))
            .filter(|(r, _)| {
                category
                    .as_deref()
                    .is_none_or(|c| r.category.to_lowercase() == c)
            })
            .filter(|(r, _)| {
                owner
                    .as_deref()
                    .is_none_or(|o| r.owner.to_lowercase().contains(o))
            })
            .filter(|(r, _)| {
                outcome
                    .as_ref()
                    .is_none_or(|o| r.outcomes.iter().any(|l| l.id == o.id))
            })
            .filter(|(_, s)| args.min_score.is_none_or(|m| s.score >= m))
            .filter(|(r, _)| {
                needle.as_deref().is_none_or(|n| {
                    contains(&r.r#ref, n)
                        || contains(&r.title, n)
                        || contains(&r.description, n)
                        || contains(&r.category, n)
                })
            })
            .collect();
        let sort = args.sort.unwrap_or(RiskSort::Score);
        let page = paginate(
            matching,
            sort.as_str(),
            |(r, s)| {
                let parts = match sort {
                    RiskSort::Score => vec![num(-f64::from(s.score)), text(&r.r#ref)],
                    RiskSort::SimulatedLoss => vec![
                        num(r.latest_simulated_annual_loss.map_or(f64::MAX, |l| -l)),
                        text(&r.r#ref),
                    ],
                    RiskSort::Residual => {
                        vec![num(-f64::from(score_of(r.residual))), text(&r.r#ref)]
                    }
                };
                SortKey::new(parts, r.id)
            },
            args.cursor.as_deref(),
            args.limit,
        )?;
        Ok(page.map(|(risk, score)| risk_summary(risk, score)))
    }
}

fn score_of(rating: LikelihoodImpact) -> u32 {
    u32::from(rating.likelihood) * u32::from(rating.impact)
}

fn risk_summary(risk: &Risk, score: RiskScore) -> RiskSummary {
    let rate = |li: LikelihoodImpact| RiskRating {
        likelihood: li.likelihood,
        impact: li.impact,
        score: score_of(li),
    };
    RiskSummary {
        id: IdKind::Risk.format(risk.id),
        r#ref: risk.r#ref.clone(),
        title: risk.title.clone(),
        category: risk.category.clone(),
        owner: risk.owner.clone(),
        status: risk.status,
        inherent: rate(risk.inherent),
        current: rate(risk.current),
        residual: rate(risk.residual),
        current_score: score.score,
        rating: rules::rating(score.score),
        score_drivers: score.drivers,
        fair: FairParameters {
            event_frequency_per_year: risk.event_frequency_per_year,
            loss_magnitude_low: risk.loss_magnitude_low,
            loss_magnitude_high: risk.loss_magnitude_high,
            currency: risk.currency.clone(),
        },
        latest_simulated_annual_loss: risk.latest_simulated_annual_loss,
        outcome_refs: link_refs(&risk.outcomes),
        outcome_count: count(&risk.outcomes),
        kri_slugs: link_refs(&risk.kris),
        kri_count: count(&risk.kris),
        control_refs: link_refs(&risk.controls),
        control_count: count(&risk.controls),
    }
}
