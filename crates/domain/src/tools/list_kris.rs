//! `list_kris`: the tenant's KRIs with their colour, filtered by links, source and text.

use chrono::{DateTime, Utc};
use draxis_auth::Principal;
use draxis_protocol::tools::ListKris;
use draxis_protocol::types::*;

use super::{Handle, RiskQueries, count, link_refs, num, text};
use crate::entities::Kri;
use crate::error::ToolResult;
use crate::ids::IdKind;
use crate::paging::{SortKey, paginate};
use crate::repository::RefKind;
use crate::rules;

impl Handle<ListKris> for RiskQueries {
    async fn handle(&self, principal: &Principal, args: ListKrisArgs) -> ToolResult<KriPage> {
        let risk = self
            .optional_ref(principal, RefKind::Risk, args.risk.as_deref())
            .await?;
        let control = self
            .optional_ref(principal, RefKind::Control, args.control.as_deref())
            .await?;
        let outcome = self
            .optional_ref(principal, RefKind::Outcome, args.outcome.as_deref())
            .await?;
        let source = self
            .optional_ref(principal, RefKind::Integration, args.source.as_deref())
            .await?;
        let needle = args.text.as_deref().map(str::to_lowercase);
        let now = Utc::now();
        let kris = self.repo.kris(principal.tenant_id).await?;
        let matching: Vec<(&Kri, KriStatus)> = kris
            .iter()
            .filter(|k| {
                risk.as_ref()
                    .is_none_or(|r| k.risks.iter().any(|l| l.id == r.id))
            })
            .filter(|k| {
                control
                    .as_ref()
                    .is_none_or(|c| k.controls.iter().any(|l| l.id == c.id))
            })
            .filter(|k| {
                outcome
                    .as_ref()
                    .is_none_or(|o| k.outcome.as_ref().is_some_and(|l| l.id == o.id))
            })
            .filter(|k| {
                source
                    .as_ref()
                    .is_none_or(|s| k.source_integration_id == Some(s.id))
            })
            .filter(|k| {
                needle.as_deref().is_none_or(|n| {
                    k.slug.contains(n)
                        || k.name.to_lowercase().contains(n)
                        || k.description.to_lowercase().contains(n)
                        || k.aliases.iter().any(|a| a.to_lowercase().contains(n))
                })
            })
            .map(|k| (k, k.status(now)))
            .filter(|(_, status)| args.status.is_none_or(|wanted| *status == wanted))
            .collect();
        let sort = args.sort.unwrap_or(KriSort::Severity);
        let page = paginate(
            matching,
            sort.as_str(),
            |(k, status)| {
                let parts = match sort {
                    KriSort::Severity => vec![
                        num(f64::from(rules::kri_severity_rank(*status))),
                        text(&k.name),
                    ],
                    KriSort::Name => vec![text(&k.name)],
                    KriSort::Freshness => {
                        vec![num(k
                            .current_observed_at
                            .map_or(f64::MIN, |t| t.timestamp_millis() as f64))]
                    }
                };
                SortKey::new(parts, k.id)
            },
            args.cursor.as_deref(),
            args.limit,
        )?;
        Ok(page.map(|(k, status)| kri_summary(k, status, now)))
    }
}

/// A KRI as listed, with the colour already worked out for `now`.
pub(super) fn kri_summary(kri: &Kri, status: KriStatus, now: DateTime<Utc>) -> KriSummary {
    KriSummary {
        id: IdKind::Kri.format(kri.id),
        slug: kri.slug.clone(),
        name: kri.name.clone(),
        category: kri.category.clone(),
        unit: kri.unit.clone(),
        direction: kri.direction,
        warn: kri.warn,
        critical: kri.critical,
        current_value: kri.current_value,
        last_observed_at: kri.current_observed_at,
        status,
        status_reason: kri.status_reason(now),
        frequency: kri.frequency,
        owner: kri.owner.clone(),
        source_integration_id: kri
            .source_integration_id
            .map(|id| IdKind::Integration.format(id)),
        source_integration_name: kri.source_integration_name.clone(),
        risk_refs: link_refs(&kri.risks),
        risk_count: count(&kri.risks),
        control_refs: link_refs(&kri.controls),
        control_count: count(&kri.controls),
        outcome_ref: kri.outcome.as_ref().map(|o| o.r#ref.clone()),
    }
}
