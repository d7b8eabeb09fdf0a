//! Settings → Audit trail (admins only): the current tenant's events, newest first,
//! filtered by action and paged by id, rendered on the server.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use draxis_auth::AuditQuery;
use draxis_auth::server::with_query;
use http::StatusCode;

use super::{SignedIn, when};
use crate::AppState;
use crate::web::{Chrome, error_page, page, try_again};

/// Events per page.
const PAGE_SIZE: u32 = 50;

struct EventRow {
    at: String,
    actor: String,
    credential: String,
    action: String,
    outcome: String,
    subject: String,
    address: String,
    details: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    chrome: Option<Chrome>,
    notice: Option<String>,
    action: String,
    events: Vec<EventRow>,
    /// The link to the next (older) page, when there may be one.
    older: Option<String>,
}

/// `GET /settings/audit?action=…&before=…`.
pub(crate) async fn show(
    State(state): State<AppState>,
    Query(params): Query<HashMap<String, String>>,
    signed: SignedIn,
) -> Response {
    if !signed.current.role.is_admin() {
        return error_page(
            StatusCode::FORBIDDEN,
            "Admins only",
            "Only an admin of this tenant can see its audit trail.",
            "/settings/tokens",
        );
    }
    let action: String = params
        .get("action")
        .map(|a| a.trim().chars().take(64).collect())
        .unwrap_or_default();
    let before_id = params.get("before").and_then(|b| b.parse::<i64>().ok());
    let query = AuditQuery {
        tenant: Some(signed.current.tenant_id),
        action: Some(action.clone()).filter(|a| !a.is_empty()),
        before_id,
        limit: PAGE_SIZE,
        ..AuditQuery::default()
    };
    let events = match state.audit.audit_trail(&query).await {
        Ok(events) => events,
        Err(error) => {
            tracing::error!(%error, "listing the audit trail failed");
            return try_again(
                "The audit trail cannot be read right now.",
                "/settings/audit",
            );
        }
    };
    let older = (events.len() == PAGE_SIZE as usize)
        .then(|| events.last().map(|e| e.id))
        .flatten()
        .map(|last| {
            let before = last.to_string();
            let mut params = vec![("before", before.as_str())];
            if !action.is_empty() {
                params.push(("action", action.as_str()));
            }
            with_query("/settings/audit", &params)
        });
    let rows = events
        .into_iter()
        .map(|e| EventRow {
            at: when(Some(e.at)),
            actor: e.actor,
            credential: e.credential.unwrap_or_default(),
            action: e.action,
            outcome: e.outcome,
            subject: e.subject,
            address: e.client_address.unwrap_or_else(|| "-".into()),
            details: if e.details == "null" || e.details == "{}" {
                String::new()
            } else {
                e.details
            },
        })
        .collect();
    page(
        StatusCode::OK,
        &AuditPage {
            chrome: Some(signed.chrome()),
            notice: None,
            action,
            events: rows,
            older,
        },
    )
}
