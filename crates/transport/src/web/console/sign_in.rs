//! Signing in and out: the sign-in page and form (with its double-submit nonce against
//! login CSRF), sign-out, and `/`, which sends a browser to its tokens or to sign in.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, RawForm, State};
use axum::response::Response;
use draxis_auth::oauth::OpaqueSecret;
use draxis_auth::server::SignInError;
use http::{HeaderMap, HeaderValue, StatusCode, header};
use subtle::ConstantTimeEq;

use super::{Browser, checked_form};
use crate::AppState;
use crate::audit::{self, ClientAddress};
use crate::web::{
    Chrome, LOGIN_COOKIE, SESSION_COOKIE, cookie, forbidden_post, page, safe_next, same_origin,
    see_other, set_cookie, try_again,
};
use draxis_auth::audit::action;
use draxis_auth::people::normalize_email;
use draxis_auth::{AuditEvent, Outcome, TenantId, User};
use serde_json::json;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    chrome: Option<Chrome>,
    notice: Option<String>,
    error: Option<String>,
    email: String,
    next: String,
    login_nonce: String,
}

fn login_page(
    state: &AppState,
    status: StatusCode,
    error: Option<String>,
    email: &str,
    next: &str,
) -> Response {
    let nonce = match OpaqueSecret::mint("") {
        Ok(nonce) => nonce.plaintext,
        Err(_) => {
            return try_again("operating system randomness is unavailable", "/login");
        }
    };
    let mut response = page(
        status,
        &LoginPage {
            chrome: None,
            notice: None,
            error,
            email: email.to_string(),
            next: safe_next(next).to_string(),
            login_nonce: nonce.clone(),
        },
    );
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(LOGIN_COOKIE, &nonce, 1800, state.served_over_https()),
    );
    response
}

/// `GET /login`: the sign-in page, or straight on to `next` when already signed in.
pub(crate) async fn form(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
    browser: Option<Browser>,
) -> Response {
    let next = query.get("next").map_or("/settings/tokens", String::as_str);
    if browser.is_some() {
        return see_other(safe_next(next));
    }
    login_page(&state, StatusCode::OK, None, "", next)
}

/// `POST /login`: checks the password (and TOTP code), starts a session.
pub(crate) async fn sign_in(
    State(state): State<AppState>,
    address: ClientAddress,
    headers: HeaderMap,
    RawForm(body): RawForm,
) -> Response {
    let form: HashMap<String, String> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let field = |key: &str| form.get(key).map_or("", String::as_str);
    // Login CSRF: the nonce in the form must equal the one in this browser's cookie.
    let nonce_ok = cookie(&headers, LOGIN_COOKIE).is_some_and(|c| {
        !c.is_empty() && bool::from(c.as_bytes().ct_eq(field("login_nonce").as_bytes()))
    });
    if !same_origin(&headers, &state.authz.config().issuer) || !nonce_ok {
        return forbidden_post();
    }
    let next = safe_next(field("next")).to_string();
    let totp = Some(field("totp")).filter(|t| !t.is_empty());
    let outcome = state
        .authz
        .sign_in(field("email"), field("password"), totp, address.0)
        .await;
    record_sign_in(&state, field("email"), &outcome, address).await;
    match outcome {
        Ok(user) => match state.authz.start_session(&user).await {
            Ok(session) => {
                tracing::info!(user = %user.email, "signed in");
                let mut response = see_other(&next);
                let ttl = state.authz.config().session_ttl.as_secs() as i64;
                let headers = response.headers_mut();
                headers.append(
                    header::SET_COOKIE,
                    set_cookie(SESSION_COOKIE, &session, ttl, state.served_over_https()),
                );
                headers.append(
                    header::SET_COOKIE,
                    set_cookie(LOGIN_COOKIE, "", 0, state.served_over_https()),
                );
                response
            }
            Err(error) => try_again(&error.description, "/login"),
        },
        Err(error) => {
            tracing::info!(reason = %error, "sign-in refused");
            let status = match error {
                SignInError::TooManyAttempts(_) => {
                    state.metrics.rate_limited("sign_in");
                    StatusCode::TOO_MANY_REQUESTS
                }
                SignInError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
                _ => StatusCode::UNAUTHORIZED,
            };
            let mut response = login_page(
                &state,
                status,
                Some(error.to_string()),
                field("email"),
                &next,
            );
            if let SignInError::TooManyAttempts(secs) = error {
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(secs));
            }
            response
        }
    }
}

/// Records a sign-in in the trail of each tenant of the account it names (no tenant for
/// an unknown e-mail, so only operators see it), with its outcome and the reason.
async fn record_sign_in(
    state: &AppState,
    typed_email: &str,
    outcome: &Result<User, SignInError>,
    ClientAddress(address): ClientAddress,
) {
    let (outcome, reason) = match outcome {
        Ok(_) => (Outcome::Success, None),
        Err(SignInError::TooManyAttempts(_)) => (Outcome::Throttled, None),
        Err(SignInError::Unavailable(_)) => return,
        Err(error) => (Outcome::Failure, Some(error.to_string())),
    };
    let email = normalize_email(typed_email)
        .unwrap_or_else(|_| typed_email.trim().chars().take(254).collect());
    let tenants: Vec<Option<TenantId>> = match state.authz.store().user_by_email(&email).await {
        Ok(Some(user)) => match state.authz.store().memberships(user.id).await {
            Ok(memberships) => memberships.iter().map(|m| Some(m.tenant_id)).collect(),
            Err(_) => Vec::new(),
        },
        _ => Vec::new(),
    };
    let tenants = if tenants.is_empty() {
        vec![None]
    } else {
        tenants
    };
    let actor = format!("user:{email}");
    for tenant in tenants {
        let event = AuditEvent::new(action::SIGN_IN, actor.as_str(), actor.as_str())
            .in_tenant(tenant)
            .from_address(address)
            .with_outcome(outcome)
            .with_details(reason.as_ref().map_or(json!({}), |r| json!({"reason": r})));
        audit::record(state, event).await;
    }
}

/// `POST /logout`: ends the session, whether or not its user is in a tenant.
pub(crate) async fn sign_out(
    State(state): State<AppState>,
    browser: Option<Browser>,
    headers: HeaderMap,
    RawForm(body): RawForm,
) -> Response {
    let Some(browser) = browser else {
        return see_other("/login");
    };
    if checked_form(&state, &headers, &browser, &body).is_none() {
        return forbidden_post();
    }
    if let Err(error) = state.authz.end_session(&browser.cookie).await {
        tracing::error!(%error, "could not end session");
    }
    let mut response = see_other("/login");
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(SESSION_COOKIE, "", 0, state.served_over_https()),
    );
    response
}

/// `GET /`: the tokens page when signed in, else the sign-in page.
pub(crate) async fn home(browser: Option<Browser>) -> Response {
    match browser {
        Some(_) => see_other("/settings/tokens"),
        None => see_other("/login"),
    }
}
