//! Register → Vendors: `list_vendors` as a table, each vendor's criticality, tier,
//! findings and next assessment; filtered by text, criticality, tier, assessments due
//! and sort.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::response::Response;
use draxis_protocol::tools::ListVendors;
use draxis_protocol::types::{Criticality, ListVendorsArgs, VendorSort};

use super::{Arg, Cell, Filter, Listing, bad_filter, list_page, principal};
use crate::AppState;
use crate::web::console::SignedIn;

const FIELDS: [(&str, Arg); 5] = [
    ("text", Arg::Text),
    ("criticality", Arg::Text),
    ("tier", Arg::Number),
    ("assessmentDueWithinDays", Arg::Number),
    ("sort", Arg::Text),
];

/// `GET /register/vendors`.
pub(crate) async fn show(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
    signed: SignedIn,
) -> Response {
    let levels: Vec<&str> = Criticality::ALL.iter().map(|s| s.as_str()).collect();
    let sorts: Vec<&str> = VendorSort::ALL.iter().map(|s| s.as_str()).collect();
    let filters = vec![
        Filter::text(&query, "text", "Text"),
        Filter::choice(&query, "criticality", "Criticality", &levels),
        Filter::choice(&query, "tier", "Tier", &["1", "2", "3"]),
        Filter::text(&query, "assessmentDueWithinDays", "Due within days"),
        Filter::choice(&query, "sort", "Sort", &sorts),
    ];
    let listing = match super::tool_args::<ListVendorsArgs>(&query, &FIELDS) {
        Ok(args) => state
            .queries
            .call::<ListVendors>(&principal(&signed), args)
            .await
            .map(|page| Listing {
                headers: &[
                    "Name",
                    "Category",
                    "Criticality",
                    "Tier",
                    "Open findings",
                    "Next assessment",
                ],
                total: page.total,
                next_cursor: page.next_cursor,
                summary: None,
                rows: page
                    .items
                    .into_iter()
                    .map(|v| {
                        let due = if v.assessment_overdue {
                            format!("{} (overdue)", v.next_assessment_due)
                        } else {
                            v.next_assessment_due.to_string()
                        };
                        vec![
                            Cell::plain(v.name),
                            Cell::plain(v.category),
                            Cell::plain(v.criticality.as_str()),
                            Cell::plain(v.tier.to_string()),
                            Cell::plain(v.open_findings.to_string()),
                            Cell::plain(due),
                        ]
                    })
                    .collect(),
            }),
        Err(message) => Err(bad_filter(message)),
    };
    list_page(&signed, "vendors", filters, listing)
}
