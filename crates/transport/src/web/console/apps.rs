//! Settings → Connected Apps: the OAuth grants in the tenant (an admin sees all, others
//! their own), disconnected here.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use chrono::Utc;
use draxis_auth::oauth::oauth_scope_string;
use http::StatusCode;

use super::{SignedIn, SignedInForm, when};
use crate::AppState;
use crate::audit::{self, ClientAddress};
use crate::web::{Chrome, error_page, page, try_again};
use draxis_auth::audit::action;

struct GrantRow {
    id: i64,
    client_name: String,
    user_email: String,
    scopes: &'static str,
    created: String,
    last_used: String,
    tool_calls: i64,
}

#[derive(Template)]
#[template(path = "apps.html")]
struct AppsPage {
    chrome: Option<Chrome>,
    chrome_csrf: String,
    notice: Option<String>,
    grants: Vec<GrantRow>,
}

async fn apps_page(state: &AppState, signed: &SignedIn, notice: Option<String>) -> Response {
    let current = &signed.current;
    let user = signed.own_unless_admin(signed.browser.session.user.id);
    let grants = match state.authz.store().grants(current.tenant_id, user).await {
        Ok(grants) => grants,
        Err(error) => {
            tracing::error!(%error, "listing grants failed");
            return try_again(
                "Connected apps cannot be listed right now.",
                "/settings/apps",
            );
        }
    };
    page(
        StatusCode::OK,
        &AppsPage {
            chrome: Some(signed.chrome()),
            chrome_csrf: signed.browser.csrf.clone(),
            notice,
            grants: grants
                .into_iter()
                .map(|g| GrantRow {
                    id: g.id,
                    client_name: g.client_name,
                    user_email: g.user_email,
                    scopes: oauth_scope_string(g.scopes),
                    created: when(Some(g.created_at)),
                    last_used: when(g.last_used_at),
                    tool_calls: g.tool_calls,
                })
                .collect(),
        },
    )
}

/// `GET /settings/apps`.
pub(crate) async fn show(State(state): State<AppState>, signed: SignedIn) -> Response {
    apps_page(&state, &signed, None).await
}

/// `POST /settings/apps/{id}/revoke`: disconnects an app; its tokens stop working.
pub(crate) async fn revoke(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    address: ClientAddress,
    SignedInForm { signed, .. }: SignedInForm,
) -> Response {
    let current = &signed.current;
    let user = signed.own_unless_admin(signed.browser.session.user.id);
    let now = Utc::now().timestamp_millis();
    match state
        .authz
        .store()
        .revoke_grant_in_tenant(current.tenant_id, id, user, now)
        .await
    {
        Ok(true) => {
            let event = signed.audit_event(action::GRANT_REVOKE, format!("grant:{id}"), address);
            audit::record(&state, event).await;
            let notice = "App disconnected: its tokens no longer work.";
            apps_page(&state, &signed, Some(notice.into())).await
        }
        Ok(false) => error_page(
            StatusCode::NOT_FOUND,
            "Not found",
            "No such connected app of yours in this tenant; nothing was changed.",
            "/settings/apps",
        ),
        Err(error) => {
            tracing::error!(%error, "revoking grant failed");
            try_again(
                "The app could not be disconnected right now.",
                "/settings/apps",
            )
        }
    }
}
