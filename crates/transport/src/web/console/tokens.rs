//! Settings → API Tokens: the tenant's personal access tokens (an admin sees all, others
//! their own), created once and shown once, and revoked here.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use chrono::Utc;
use draxis_auth::Scopes;
use draxis_auth::server::mint_pat_for;
use http::StatusCode;

use super::{SignedIn, SignedInForm, when};
use crate::AppState;
use crate::audit::{self, ClientAddress};
use crate::web::{Chrome, page, try_again};
use draxis_auth::audit::action;
use serde_json::json;

struct TokenRow {
    id: i64,
    name: String,
    prefix: String,
    scope: &'static str,
    created: String,
    created_by: String,
    last_used: String,
    tool_calls: i64,
    status: &'static str,
    live: bool,
}

struct CreatedToken {
    name: String,
    plaintext: String,
}

#[derive(Template)]
#[template(path = "tokens.html")]
struct TokensPage {
    chrome: Option<Chrome>,
    chrome_csrf: String,
    notice: Option<String>,
    error: Option<String>,
    created: Option<CreatedToken>,
    mcp_url: String,
    may_write: bool,
    is_admin: bool,
    tokens: Vec<TokenRow>,
}

/// What the page says above the list.
#[derive(Default)]
struct Outcome {
    created: Option<CreatedToken>,
    notice: Option<String>,
    error: Option<String>,
}

impl Outcome {
    fn error(error: String) -> Self {
        Self {
            error: Some(error),
            ..Self::default()
        }
    }
}

async fn tokens_page(
    state: &AppState,
    signed: &SignedIn,
    status: StatusCode,
    outcome: Outcome,
) -> Response {
    let current = &signed.current;
    let owner = signed.pat_owner();
    let filter = signed.own_unless_admin(owner.as_str());
    let now = Utc::now().timestamp_millis();
    let tokens = match state.authz.store().pats(current.tenant_id, filter).await {
        Ok(tokens) => tokens,
        Err(error) => {
            tracing::error!(%error, "listing tokens failed");
            return try_again("Tokens cannot be listed right now.", "/settings/tokens");
        }
    };
    let rows = tokens
        .into_iter()
        .map(|t| {
            let (status, live) = if t.revoked_at.is_some() {
                ("revoked", false)
            } else if t.expires_at.is_some_and(|at| at <= now) {
                ("expired", false)
            } else {
                ("active", true)
            };
            TokenRow {
                id: t.id,
                name: t.name,
                prefix: t.display_prefix,
                scope: t.scopes.as_str(),
                created: when(Some(t.created_at)),
                created_by: t.created_by,
                last_used: when(t.last_used_at),
                tool_calls: t.tool_calls,
                status,
                live,
            }
        })
        .collect();
    page(
        status,
        &TokensPage {
            chrome: Some(signed.chrome()),
            chrome_csrf: signed.browser.csrf.clone(),
            notice: outcome.notice,
            error: outcome.error,
            created: outcome.created,
            mcp_url: state.authz.config().resource.clone(),
            may_write: current.role.max_scopes() == Scopes::READ_WRITE,
            is_admin: current.role.is_admin(),
            tokens: rows,
        },
    )
}

/// `GET /settings/tokens`.
pub(crate) async fn show(State(state): State<AppState>, signed: SignedIn) -> Response {
    tokens_page(&state, &signed, StatusCode::OK, Outcome::default()).await
}

/// `POST /settings/tokens`: mints a token within the user's role and shows it once.
pub(crate) async fn create(
    State(state): State<AppState>,
    address: ClientAddress,
    SignedInForm { signed, form }: SignedInForm,
) -> Response {
    let current = &signed.current;
    let name = form.get("name");
    let refuse = |error: String| {
        tokens_page(
            &state,
            &signed,
            StatusCode::BAD_REQUEST,
            Outcome::error(error),
        )
    };
    if name.is_empty() || name.chars().count() > 100 {
        return refuse(
            "Give the token a name of 1 to 100 characters, such as “Claude Code”.".into(),
        )
        .await;
    }
    let scopes = match Scopes::parse(form.get("scope")) {
        Ok(scopes) => scopes,
        Err(error) => return refuse(error).await,
    };
    let minted = match mint_pat_for(current, scopes) {
        Ok(minted) => minted,
        Err(error) => {
            let error = format!("{}. No token was created.", error.description);
            return tokens_page(
                &state,
                &signed,
                StatusCode::FORBIDDEN,
                Outcome::error(error),
            )
            .await;
        }
    };
    let now = Utc::now().timestamp_millis();
    match state
        .authz
        .store()
        .insert_pat(
            current.tenant_id,
            name,
            &minted,
            scopes,
            &signed.pat_owner(),
            now,
        )
        .await
    {
        Ok(id) => {
            tracing::info!(tenant = %current.tenant_slug, token_id = id, scopes = %scopes, user = %signed.email(), "token created in console");
            let event = signed
                .audit_event(action::TOKEN_CREATE, format!("token:{id}"), address)
                .with_details(json!({"name": name, "scopes": scopes.as_str()}));
            audit::record(&state, event).await;
            let created = CreatedToken {
                name: name.to_string(),
                plaintext: minted.plaintext.clone(),
            };
            let outcome = Outcome {
                created: Some(created),
                ..Outcome::default()
            };
            tokens_page(&state, &signed, StatusCode::CREATED, outcome).await
        }
        Err(error) => {
            tracing::error!(%error, "creating token failed");
            refuse("The token could not be saved; nothing was created. Try again.".into()).await
        }
    }
}

/// `POST /settings/tokens/{id}/revoke`: an admin revokes any token of the tenant,
/// others only their own.
pub(crate) async fn revoke(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    address: ClientAddress,
    SignedInForm { signed, .. }: SignedInForm,
) -> Response {
    let current = &signed.current;
    let owner = signed.pat_owner();
    let filter = signed.own_unless_admin(owner.as_str());
    let now = Utc::now().timestamp_millis();
    match state
        .authz
        .store()
        .revoke_pat(current.tenant_id, id, filter, now)
        .await
    {
        Ok(true) => {
            state.verifier.forget_token(id);
            tracing::info!(tenant = %current.tenant_slug, token_id = id, user = %signed.email(), "token revoked in console");
            let event = signed.audit_event(action::TOKEN_REVOKE, format!("token:{id}"), address);
            audit::record(&state, event).await;
            let outcome = Outcome {
                notice: Some("Token revoked: the next request with it is refused.".into()),
                ..Outcome::default()
            };
            tokens_page(&state, &signed, StatusCode::OK, outcome).await
        }
        Ok(false) => {
            let error = "No such live token of yours in this tenant; nothing was changed.";
            tokens_page(
                &state,
                &signed,
                StatusCode::NOT_FOUND,
                Outcome::error(error.into()),
            )
            .await
        }
        Err(error) => {
            tracing::error!(%error, "revoking token failed");
            try_again(
                "The token could not be revoked right now.",
                "/settings/tokens",
            )
        }
    }
}
