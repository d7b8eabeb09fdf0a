//! Register → Risks: `list_risks` as a table, each risk's status, current score and
//! rating, ratings and owner; filtered by text, status, owner, minimum score and sort.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::response::Response;
use draxis_protocol::tools::ListRisks;
use draxis_protocol::types::{ListRisksArgs, RiskSort, RiskStatus};

use super::{Arg, Cell, Filter, Listing, bad_filter, list_page, principal, segment};
use crate::AppState;
use crate::web::console::SignedIn;

const FIELDS: [(&str, Arg); 5] = [
    ("text", Arg::Text),
    ("status", Arg::Text),
    ("owner", Arg::Text),
    ("minScore", Arg::Number),
    ("sort", Arg::Text),
];

/// `GET /register/risks`.
pub(crate) async fn show(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
    signed: SignedIn,
) -> Response {
    let statuses: Vec<&str> = RiskStatus::ALL.iter().map(|s| s.as_str()).collect();
    let sorts: Vec<&str> = RiskSort::ALL.iter().map(|s| s.as_str()).collect();
    let filters = vec![
        Filter::text(&query, "text", "Text"),
        Filter::choice(&query, "status", "Status", &statuses),
        Filter::text(&query, "owner", "Owner"),
        Filter::text(&query, "minScore", "Min score"),
        Filter::choice(&query, "sort", "Sort", &sorts),
    ];
    let listing = match super::tool_args::<ListRisksArgs>(&query, &FIELDS) {
        Ok(args) => state
            .queries
            .call::<ListRisks>(&principal(&signed), args)
            .await
            .map(|page| Listing {
                headers: &[
                    "Ref",
                    "Title",
                    "Status",
                    "Score",
                    "Rating",
                    "Inherent / current / residual",
                    "Owner",
                ],
                total: page.total,
                next_cursor: page.next_cursor,
                summary: None,
                rows: page
                    .items
                    .into_iter()
                    .map(|r| {
                        let li = |x: &draxis_protocol::types::RiskRating| {
                            format!("{}×{}", x.likelihood, x.impact)
                        };
                        vec![
                            Cell::link(
                                r.r#ref.clone(),
                                format!("/register/risks/{}", segment(&r.r#ref)),
                            ),
                            Cell::plain(r.title),
                            Cell::plain(r.status.as_str()),
                            Cell::plain(r.current_score.to_string()),
                            Cell::status(r.rating.as_str()),
                            Cell::plain(format!(
                                "{} / {} / {}",
                                li(&r.inherent),
                                li(&r.current),
                                li(&r.residual)
                            )),
                            Cell::plain(r.owner),
                        ]
                    })
                    .collect(),
            }),
        Err(message) => Err(bad_filter(message)),
    };
    list_page(&signed, "risks", filters, listing)
}
