//! Register → KRIs: `list_kris` as a table, each KRI's colour, value with unit and when,
//! thresholds and owner; filtered by text, status and sort.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::response::Response;
use draxis_protocol::tools::ListKris;
use draxis_protocol::types::{KriSort, KriStatus, ListKrisArgs};

use super::{Arg, Cell, Filter, Listing, bad_filter, list_page, number, principal, segment};
use crate::AppState;
use crate::web::console::{SignedIn, when};

const FIELDS: [(&str, Arg); 3] = [
    ("text", Arg::Text),
    ("status", Arg::Text),
    ("sort", Arg::Text),
];

/// `GET /register/kris`.
pub(crate) async fn show(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
    signed: SignedIn,
) -> Response {
    let filters = vec![
        Filter::text(&query, "text", "Text"),
        Filter::choice(&query, "status", "Status", &statuses()),
        Filter::choice(&query, "sort", "Sort", &sorts()),
    ];
    let listing = match super::tool_args::<ListKrisArgs>(&query, &FIELDS) {
        Ok(args) => state
            .queries
            .call::<ListKris>(&principal(&signed), args)
            .await
            .map(|page| Listing {
                headers: &[
                    "KRI",
                    "Slug",
                    "Status",
                    "Value",
                    "Observed",
                    "Warn / critical",
                    "Owner",
                ],
                total: page.total,
                next_cursor: page.next_cursor,
                summary: None,
                rows: page
                    .items
                    .into_iter()
                    .map(|k| {
                        let value = k
                            .current_value
                            .map_or_else(|| "none".into(), |v| format!("{} {}", number(v), k.unit));
                        vec![
                            Cell::link(k.name, format!("/register/kris/{}", segment(&k.slug))),
                            Cell::plain(k.slug),
                            Cell::status(k.status.as_str()),
                            Cell::plain(value),
                            Cell::plain(when(k.last_observed_at.map(|t| t.timestamp_millis()))),
                            Cell::plain(format!("{} / {}", number(k.warn), number(k.critical))),
                            Cell::plain(k.owner),
                        ]
                    })
                    .collect(),
            }),
        Err(message) => Err(bad_filter(message)),
    };
    list_page(&signed, "kris", filters, listing)
}

fn statuses() -> Vec<&'static str> {
    KriStatus::ALL.iter().map(|s| s.as_str()).collect()
}

fn sorts() -> Vec<&'static str> {
    KriSort::ALL.iter().map(|s| s.as_str()).collect()
}
