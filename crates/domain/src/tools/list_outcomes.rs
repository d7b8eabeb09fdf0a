//! `list_outcomes`: business outcomes with the worst rating of their risks rolled up.

use std::collections::HashMap;

use draxis_auth::Principal;
use draxis_protocol::tools::ListOutcomes;
use draxis_protocol::types::*;

use super::{Handle, RiskQueries, contains, link_refs, needle, text};
use crate::entities::Outcome;
use crate::error::ToolResult;
use crate::ids::IdKind;
use crate::paging::{SortKey, paginate};
use crate::rules;

/// What an outcome needs of one of its risks.
struct RiskStanding<'a> {
    r#ref: &'a str,
    score: u32,
    rating: Rating,
}

impl Handle<ListOutcomes> for RiskQueries {
    async fn handle(
        &self,
        principal: &Principal,
        args: ListOutcomesArgs,
    ) -> ToolResult<OutcomePage> {
        let needle = needle(args.text.as_deref());
        let outcomes = self.repo.outcomes(principal.tenant_id).await?;
        let (risks, scores) = self.scored_risks(principal.tenant_id).await?;
        let standing: HashMap<i64, RiskStanding<'_>> = risks
            .iter()
            .zip(&scores)
            .map(|(risk, score)| {
                let standing = RiskStanding {
                    r#ref: &risk.r#ref,
                    score: score.score,
                    rating: rules::rating(score.score),
                };
                (risk.id, standing)
            })
            .collect();
        let matching: Vec<(&Outcome, Vec<&RiskStanding<'_>>)> = outcomes
            .iter()
            .map(|o| {
                let own: Vec<&RiskStanding<'_>> =
                    o.risks.iter().filter_map(|l| standing.get(&l.id)).collect();
                (o, own)
            })
            .filter(|(_, own)| {
                args.status
                    .is_none_or(|s| rules::outcome_status(own.iter().map(|r| r.rating)) == s)
            })
            .filter(|(o, _)| {
                needle.as_deref().is_none_or(|n| {
                    contains(&o.r#ref, n)
                        || contains(&o.name, n)
                        || contains(&o.description, n)
                        || contains(&o.owner, n)
                })
            })
            .collect();
        let page = paginate(
            matching,
            "ref",
            |(o, _)| SortKey::new(vec![text(&o.r#ref)], o.id),
            args.cursor.as_deref(),
            args.limit,
        )?;
        Ok(page.map(|(o, own)| outcome_summary(o, &own)))
    }
}

fn outcome_summary(outcome: &Outcome, own: &[&RiskStanding<'_>]) -> OutcomeSummary {
    let worst = own
        .iter()
        .max_by_key(|r| (r.score, std::cmp::Reverse(r.r#ref)));
    OutcomeSummary {
        id: IdKind::Outcome.format(outcome.id),
        r#ref: outcome.r#ref.clone(),
        name: outcome.name.clone(),
        description: outcome.description.clone(),
        owner: outcome.owner.clone(),
        loss_tolerance: outcome.loss_tolerance,
        currency: outcome.currency.clone(),
        status: rules::outcome_status(own.iter().map(|r| r.rating)),
        risk_count: own.len() as u32,
        worst_risk_ref: worst.map(|r| r.r#ref.to_owned()),
        aggregate_annual_loss: outcome.latest_simulated_annual_loss,
        risk_refs: link_refs(&outcome.risks),
    }
}
