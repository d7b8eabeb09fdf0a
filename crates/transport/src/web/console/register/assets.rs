//! Register → Assets: `get_asset_inventory` as a table (paged in SQL, so it scales to a
//! big inventory), with its counts above; filtered by text, kind, environment,
//! criticality, exposure, missing coverage and owner.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::response::Response;
use draxis_protocol::tools::GetAssetInventory;
use draxis_protocol::types::{AssetInventoryArgs, AssetKind, Coverage, Criticality};

use super::{Arg, Cell, Filter, Listing, bad_filter, list_page, principal};
use crate::AppState;
use crate::web::console::{SignedIn, when};

const FIELDS: [(&str, Arg); 7] = [
    ("text", Arg::Text),
    ("kind", Arg::Text),
    ("environment", Arg::Text),
    ("criticality", Arg::Text),
    ("internetFacing", Arg::Flag),
    ("missing", Arg::Text),
    ("owner", Arg::Text),
];

fn yes(flag: bool) -> &'static str {
    if flag { "yes" } else { "no" }
}

/// `GET /register/assets`.
pub(crate) async fn show(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
    signed: SignedIn,
) -> Response {
    let kinds: Vec<&str> = AssetKind::ALL.iter().map(|s| s.as_str()).collect();
    let levels: Vec<&str> = Criticality::ALL.iter().map(|s| s.as_str()).collect();
    let coverage: Vec<&str> = Coverage::ALL.iter().map(|s| s.as_str()).collect();
    let filters = vec![
        Filter::text(&query, "text", "Name"),
        Filter::choice(&query, "kind", "Kind", &kinds),
        Filter::text(&query, "environment", "Environment"),
        Filter::choice(&query, "criticality", "Criticality", &levels),
        Filter::choice(
            &query,
            "internetFacing",
            "Internet-facing",
            &["true", "false"],
        ),
        Filter::choice(&query, "missing", "Missing", &coverage),
        Filter::text(&query, "owner", "Owner"),
    ];
    let listing = match super::tool_args::<AssetInventoryArgs>(&query, &FIELDS) {
        Ok(args) => state
            .queries
            .call::<GetAssetInventory>(&principal(&signed), args)
            .await
            .map(|inventory| Listing {
                headers: &[
                    "Name",
                    "Kind",
                    "Environment",
                    "Criticality",
                    "Internet-facing",
                    "EDR / MFA / backup / patched",
                    "Owner",
                    "Last seen",
                ],
                total: inventory.total,
                next_cursor: inventory.next_cursor,
                summary: Some(format!(
                    "{} assets match, {} internet-facing.",
                    inventory.summary.total, inventory.summary.internet_facing
                )),
                rows: inventory
                    .items
                    .into_iter()
                    .map(|a| {
                        vec![
                            Cell::plain(a.name),
                            Cell::plain(a.kind.as_str()),
                            Cell::plain(a.environment),
                            Cell::plain(a.criticality.as_str()),
                            Cell::plain(yes(a.internet_facing)),
                            Cell::plain(format!(
                                "{} / {} / {} / {}",
                                yes(a.edr),
                                yes(a.mfa),
                                yes(a.backup),
                                yes(a.patched)
                            )),
                            Cell::plain(a.owner),
                            Cell::plain(when(Some(a.last_seen.timestamp_millis()))),
                        ]
                    })
                    .collect(),
            }),
        Err(message) => Err(bad_filter(message)),
    };
    list_page(&signed, "assets", filters, listing)
}
