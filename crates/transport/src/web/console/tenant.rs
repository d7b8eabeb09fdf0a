//! The tenant switch in the page header: the console then works in the tenant picked.

use axum::extract::State;
use axum::response::Response;
use http::StatusCode;

use super::SignedInForm;
use crate::AppState;
use crate::audit::{self, ClientAddress};
use crate::web::{error_page, see_other};
use draxis_auth::audit::action;
use serde_json::json;

/// `POST /tenant`: makes one of the user's tenants the current one.
pub(crate) async fn switch(
    State(state): State<AppState>,
    address: ClientAddress,
    SignedInForm { signed, form }: SignedInForm,
) -> Response {
    let Some(target) = signed
        .browser
        .memberships
        .iter()
        .find(|m| m.tenant_slug == form.get("tenant"))
    else {
        return error_page(
            StatusCode::FORBIDDEN,
            "Not a member",
            "You are not a member of that tenant.",
            "/settings/tokens",
        );
    };
    if let Err(error) = state
        .authz
        .store()
        .set_session_tenant(signed.browser.session.id, target.tenant_id)
        .await
    {
        tracing::error!(%error, "could not switch tenant");
        return see_other("/settings/tokens");
    }
    let event = signed
        .audit_event(
            action::TENANT_SWITCH,
            format!("tenant:{}", target.tenant_slug),
            address,
        )
        .in_tenant(Some(target.tenant_id))
        .with_details(json!({"from": signed.current.tenant_slug}));
    audit::record(&state, event).await;
    see_other("/settings/tokens")
}
