//! Register → Outcomes: `list_outcomes` as a table, each outcome's rolled-up status,
//! loss tolerance, risks and owner; filtered by text and status.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::response::Response;
use draxis_protocol::tools::ListOutcomes;
use draxis_protocol::types::{ListOutcomesArgs, Rating};

use super::{Arg, Cell, Filter, Listing, bad_filter, list_page, number, principal};
use crate::AppState;
use crate::web::console::SignedIn;

const FIELDS: [(&str, Arg); 2] = [("text", Arg::Text), ("status", Arg::Text)];

/// `GET /register/outcomes`.
pub(crate) async fn show(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
    signed: SignedIn,
) -> Response {
    let ratings: Vec<&str> = Rating::ALL.iter().map(|s| s.as_str()).collect();
    let filters = vec![
        Filter::text(&query, "text", "Text"),
        Filter::choice(&query, "status", "Status", &ratings),
    ];
    let listing = match super::tool_args::<ListOutcomesArgs>(&query, &FIELDS) {
        Ok(args) => state
            .queries
            .call::<ListOutcomes>(&principal(&signed), args)
            .await
            .map(|page| Listing {
                headers: &[
                    "Ref",
                    "Name",
                    "Status",
                    "Loss tolerance",
                    "Risks",
                    "Worst risk",
                    "Owner",
                ],
                total: page.total,
                next_cursor: page.next_cursor,
                summary: None,
                rows: page
                    .items
                    .into_iter()
                    .map(|o| {
                        vec![
                            Cell::plain(o.r#ref),
                            Cell::plain(o.name),
                            Cell::status(o.status.as_str()),
                            Cell::plain(format!("{} {}", number(o.loss_tolerance), o.currency)),
                            Cell::plain(o.risk_count.to_string()),
                            Cell::plain(o.worst_risk_ref.unwrap_or_default()),
                            Cell::plain(o.owner),
                        ]
                    })
                    .collect(),
            }),
        Err(message) => Err(bad_filter(message)),
    };
    list_page(&signed, "outcomes", filters, listing)
}
