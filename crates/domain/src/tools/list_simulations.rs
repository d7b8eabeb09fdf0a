//! `list_simulations`: Monte Carlo loss runs of risks and outcomes, newest first.

use draxis_auth::Principal;
use draxis_protocol::tools::ListSimulations;
use draxis_protocol::types::*;

use super::{Handle, RiskQueries, num};
use crate::entities::Simulation;
use crate::error::ToolResult;
use crate::ids::IdKind;
use crate::paging::{SortKey, paginate};
use crate::repository::RefKind;

impl Handle<ListSimulations> for RiskQueries {
    async fn handle(
        &self,
        principal: &Principal,
        args: ListSimulationsArgs,
    ) -> ToolResult<SimulationPage> {
        let risk = self
            .optional_ref(principal, RefKind::Risk, args.risk.as_deref())
            .await?;
        let outcome = self
            .optional_ref(principal, RefKind::Outcome, args.outcome.as_deref())
            .await?;
        let sims = self.repo.simulations(principal.tenant_id).await?;
        let matching: Vec<&Simulation> = sims
            .iter()
            .filter(|s| {
                risk.as_ref()
                    .is_none_or(|r| s.risk.as_ref().is_some_and(|l| l.id == r.id))
            })
            .filter(|s| {
                outcome
                    .as_ref()
                    .is_none_or(|o| s.outcome.as_ref().is_some_and(|l| l.id == o.id))
            })
            .filter(|s| args.status.is_none_or(|st| s.status == st))
            .collect();
        let page = paginate(
            matching,
            "newest",
            |s| {
                SortKey::new(
                    vec![
                        num(-(s.created_at.timestamp_millis() as f64)),
                        num(-(s.id as f64)),
                    ],
                    s.id,
                )
            },
            args.cursor.as_deref(),
            args.limit,
        )?;
        let curve = args.include_curve.unwrap_or(false);
        Ok(page.map(|s| simulation_summary(s, curve)))
    }
}

/// A run as listed; its exceedance curve only when asked for.
fn simulation_summary(s: &Simulation, with_curve: bool) -> SimulationSummary {
    SimulationSummary {
        id: IdKind::Simulation.format(s.id),
        risk_ref: s.risk.as_ref().map(|l| l.r#ref.clone()),
        outcome_ref: s.outcome.as_ref().map(|l| l.r#ref.clone()),
        status: s.status,
        iterations: s.iterations,
        seed: s.seed,
        created_at: s.created_at,
        finished_at: s.finished_at,
        results: s.results.as_ref().map(|r| {
            if with_curve {
                r.clone()
            } else {
                SimulationResults {
                    exceedance_curve: Vec::new(),
                    ..r.clone()
                }
            }
        }),
        error: s.error.clone(),
    }
}
