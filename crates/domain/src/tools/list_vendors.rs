//! `list_vendors`: third parties with criticality, tier and assessment schedule.

use chrono::{NaiveDate, Utc};
use draxis_auth::Principal;
use draxis_protocol::tools::ListVendors;
use draxis_protocol::types::*;

use super::{Handle, RiskQueries, contains, needle, num, text};
use crate::entities::Vendor;
use crate::error::{ToolError, ToolResult};
use crate::ids::IdKind;
use crate::paging::{SortKey, paginate};

impl Handle<ListVendors> for RiskQueries {
    async fn handle(&self, principal: &Principal, args: ListVendorsArgs) -> ToolResult<VendorPage> {
        if let Some(tier) = args.tier
            && !(1..=3).contains(&tier)
        {
            return Err(ToolError::InvalidArgument(format!(
                "tier must be 1, 2 or 3; you sent {tier}"
            )));
        }
        let today = Utc::now().date_naive();
        let needle = needle(args.text.as_deref());
        let vendors = self.repo.vendors(principal.tenant_id).await?;
        let matching: Vec<&Vendor> = vendors
            .iter()
            .filter(|v| args.criticality.is_none_or(|c| v.criticality == c))
            .filter(|v| args.tier.is_none_or(|t| v.tier == t))
            .filter(|v| {
                args.assessment_due_within_days.is_none_or(|days| {
                    (v.next_assessment_due - today).num_days() <= i64::from(days)
                })
            })
            .filter(|v| {
                needle
                    .as_deref()
                    .is_none_or(|n| contains(&v.name, n) || contains(&v.category, n))
            })
            .collect();
        let sort = args.sort.unwrap_or(VendorSort::Criticality);
        let page = paginate(
            matching,
            sort.as_str(),
            |v| {
                let parts = match sort {
                    VendorSort::Criticality => vec![
                        num(-f64::from(criticality_rank(v.criticality))),
                        text(&v.name),
                    ],
                    VendorSort::Name => vec![text(&v.name)],
                    VendorSort::AssessmentDue => {
                        vec![text(&v.next_assessment_due.to_string()), text(&v.name)]
                    }
                };
                SortKey::new(parts, v.id)
            },
            args.cursor.as_deref(),
            args.limit,
        )?;
        Ok(page.map(|v| vendor_summary(v, today)))
    }
}

fn vendor_summary(v: &Vendor, today: NaiveDate) -> VendorSummary {
    VendorSummary {
        id: IdKind::Vendor.format(v.id),
        assessment_overdue: v.next_assessment_due < today,
        last_assessment: match (
            v.last_assessment_date,
            v.last_assessment_score,
            v.last_assessment_conclusion.clone(),
        ) {
            (Some(date), Some(score), Some(conclusion)) => Some(VendorAssessment {
                date,
                score,
                conclusion,
            }),
            _ => None,
        },
        name: v.name.clone(),
        category: v.category.clone(),
        criticality: v.criticality,
        tier: v.tier,
        data_elements: v.data_elements.clone(),
        open_findings: v.open_findings,
        next_assessment_due: v.next_assessment_due,
    }
}

fn criticality_rank(c: Criticality) -> u8 {
    match c {
        Criticality::Low => 0,
        Criticality::Medium => 1,
        Criticality::High => 2,
        Criticality::Critical => 3,
    }
}
