//! Register → Controls: `list_controls` as a table, each control's status,
//! effectiveness, CSF subcategories and owner; filtered by text, status, CSF function
//! or id, ATT&CK technique, maximum effectiveness and sort.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::response::Response;
use draxis_protocol::tools::ListControls;
use draxis_protocol::types::{ControlSort, ControlStatus, ListControlsArgs};

use super::{Arg, Cell, Filter, Listing, bad_filter, list_page, number, principal, segment};
use crate::AppState;
use crate::web::console::SignedIn;

const FIELDS: [(&str, Arg); 6] = [
    ("text", Arg::Text),
    ("status", Arg::Text),
    ("framework", Arg::Text),
    ("technique", Arg::Text),
    ("maxEffectiveness", Arg::Number),
    ("sort", Arg::Text),
];

/// `GET /register/controls`.
pub(crate) async fn show(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
    signed: SignedIn,
) -> Response {
    let statuses: Vec<&str> = ControlStatus::ALL.iter().map(|s| s.as_str()).collect();
    let sorts: Vec<&str> = ControlSort::ALL.iter().map(|s| s.as_str()).collect();
    let filters = vec![
        Filter::text(&query, "text", "Text"),
        Filter::choice(&query, "status", "Status", &statuses),
        Filter::text(&query, "framework", "CSF (PR, PR.AA-01)"),
        Filter::text(&query, "technique", "ATT&CK (T1566)"),
        Filter::text(&query, "maxEffectiveness", "Max effectiveness"),
        Filter::choice(&query, "sort", "Sort", &sorts),
    ];
    let listing = match super::tool_args::<ListControlsArgs>(&query, &FIELDS) {
        Ok(args) => state
            .queries
            .call::<ListControls>(&principal(&signed), args)
            .await
            .map(|page| Listing {
                headers: &[
                    "Ref",
                    "Name",
                    "Status",
                    "Effectiveness",
                    "NIST CSF",
                    "Risks",
                    "Owner",
                ],
                total: page.total,
                next_cursor: page.next_cursor,
                summary: None,
                rows: page
                    .items
                    .into_iter()
                    .map(|c| {
                        let status = if c.weak {
                            format!("{} (weak)", c.status.as_str())
                        } else {
                            c.status.as_str().to_string()
                        };
                        vec![
                            Cell::link(
                                c.r#ref.clone(),
                                format!("/register/controls/{}", segment(&c.r#ref)),
                            ),
                            Cell::plain(c.name),
                            Cell::plain(status),
                            Cell::plain(number(c.effectiveness)),
                            Cell::plain(c.nist_csf.join(", ")),
                            Cell::plain(c.risk_count.to_string()),
                            Cell::plain(c.owner),
                        ]
                    })
                    .collect(),
            }),
        Err(message) => Err(bad_filter(message)),
    };
    list_page(&signed, "controls", filters, listing)
}
