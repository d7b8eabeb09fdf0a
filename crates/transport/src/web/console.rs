//! The web console: sign in and out, API tokens (created once, shown once), connected
//! OAuth apps, the Pending Extraction Review queue and the tenant's autonomy band.
//! Every page checks the session and the role in the current tenant; every form checks
//! the session's CSRF token and refuses cross-site posts.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, RawForm, State};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use draxis_auth::oauth::{OpaqueSecret, oauth_scope_string};
use draxis_auth::server::{Session, SignInError, csrf_matches, csrf_token, mint_pat_for};
use draxis_auth::{Membership, Scopes};
use draxis_dropzone::records::{Actor, Decided, Decision};
use draxis_protocol::types::AutonomyBand;
use http::{HeaderMap, StatusCode, header};
use subtle::ConstantTimeEq;

use super::{
    LOGIN_COOKIE, SESSION_COOKIE, cookie, error_page, forbidden_post, page, safe_next, same_origin,
    see_other, set_cookie,
};
use crate::AppState;

/// What the page header shows: who is signed in, in which tenant, with which role.
pub(crate) struct Chrome {
    pub email: String,
    pub tenant_slug: String,
    pub tenant_name: String,
    pub role: String,
    pub is_admin: bool,
    pub csrf: String,
    pub tenants: Vec<TenantChoice>,
}

/// A tenant in a picker.
pub(crate) struct TenantChoice {
    pub slug: String,
    pub name: String,
    pub role: String,
}

impl From<&Membership> for TenantChoice {
    fn from(m: &Membership) -> Self {
        Self {
            slug: m.tenant_slug.clone(),
            name: m.tenant_name.clone(),
            role: m.role.to_string(),
        }
    }
}

/// A signed-in browser.
pub(crate) struct SignedIn {
    pub cookie: String,
    pub csrf: String,
    pub session: Session,
    pub memberships: Vec<Membership>,
}

impl SignedIn {
    /// The tenant the console works in: the one picked, else the first.
    fn current(&self) -> Option<&Membership> {
        self.session
            .tenant_id
            .and_then(|id| self.memberships.iter().find(|m| m.tenant_id == id))
            .or_else(|| self.memberships.first())
    }

    fn chrome(&self, current: &Membership) -> Chrome {
        Chrome {
            email: self.session.user.email.clone(),
            tenant_slug: current.tenant_slug.clone(),
            tenant_name: current.tenant_name.clone(),
            role: current.role.to_string(),
            is_admin: current.role.is_admin(),
            csrf: self.csrf.clone(),
            tenants: self.memberships.iter().map(TenantChoice::from).collect(),
        }
    }

    fn actor(&self) -> Actor {
        Actor {
            label: format!("console:{}", self.session.user.email),
            token_id: None,
        }
    }

    /// `created_by` of the PATs this user makes in the console.
    fn pat_owner(&self) -> String {
        format!("user:{}", self.session.user.email)
    }
}

pub(crate) async fn signed_in(state: &AppState, headers: &HeaderMap) -> Option<SignedIn> {
    let value = cookie(headers, SESSION_COOKIE)?;
    let session = match state.authz.session(value).await {
        Ok(session) => session?,
        Err(error) => {
            tracing::error!(%error, "session lookup failed");
            return None;
        }
    };
    let memberships = state
        .authz
        .store()
        .memberships(session.user.id)
        .await
        .inspect_err(|error| tracing::error!(%error, "membership lookup failed"))
        .ok()?;
    Some(SignedIn {
        cookie: value.to_string(),
        csrf: csrf_token(value),
        session,
        memberships,
    })
}

/// A parsed console form whose CSRF token and origin were checked.
struct CheckedForm(HashMap<String, String>);

impl CheckedForm {
    fn get(&self, key: &str) -> &str {
        self.0.get(key).map_or("", |v| v.trim())
    }
}

fn checked_form(
    state: &AppState,
    headers: &HeaderMap,
    signed: &SignedIn,
    body: &[u8],
) -> Option<CheckedForm> {
    if !same_origin(headers, &state.authz.config().issuer) {
        return None;
    }
    let form: HashMap<String, String> = serde_urlencoded::from_bytes(body).ok()?;
    let token = form.get("csrf")?;
    csrf_matches(&signed.cookie, token).then_some(CheckedForm(form))
}

/// The signed-in user in their current tenant, or the response to send instead.
async fn console(
    state: &AppState,
    headers: &HeaderMap,
    here: &str,
) -> Result<(SignedIn, Membership), Response> {
    let Some(signed) = signed_in(state, headers).await else {
        return Err(see_other(&draxis_auth::server::with_query(
            "/login",
            &[("next", here)],
        )));
    };
    let Some(current) = signed.current().cloned() else {
        return Err(error_page(
            StatusCode::FORBIDDEN,
            "No tenant yet",
            "Your account is not a member of any tenant. Ask a Draxis admin to add you (draxis-admin member add).",
            "/login",
        ));
    };
    Ok((signed, current))
}

fn when(ms: Option<i64>) -> String {
    ms.and_then(DateTime::<Utc>::from_timestamp_millis)
        .map_or_else(
            || "never".into(),
            |t| t.format("%Y-%m-%d %H:%M UTC").to_string(),
        )
}

// ---- sign in / out ----

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
            return error_page(
                StatusCode::SERVICE_UNAVAILABLE,
                "Try again",
                "operating system randomness is unavailable",
                "/login",
            );
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

pub(crate) async fn login_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let next = query.get("next").map_or("/settings/tokens", String::as_str);
    if signed_in(&state, &headers).await.is_some() {
        return see_other(safe_next(next));
    }
    login_page(&state, StatusCode::OK, None, "", next)
}

pub(crate) async fn login(
    State(state): State<AppState>,
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
    match state
        .authz
        .sign_in(field("email"), field("password"), totp)
        .await
    {
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
            Err(error) => error_page(
                StatusCode::SERVICE_UNAVAILABLE,
                "Try again",
                &error.description,
                "/login",
            ),
        },
        Err(error) => {
            tracing::info!(reason = %error, "sign-in refused");
            let status = match error {
                SignInError::TooManyAttempts(_) => StatusCode::TOO_MANY_REQUESTS,
                SignInError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
                _ => StatusCode::UNAUTHORIZED,
            };
            login_page(
                &state,
                status,
                Some(error.to_string()),
                field("email"),
                &next,
            )
        }
    }
}

pub(crate) async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawForm(body): RawForm,
) -> Response {
    let Some(signed) = signed_in(&state, &headers).await else {
        return see_other("/login");
    };
    if checked_form(&state, &headers, &signed, &body).is_none() {
        return forbidden_post();
    }
    if let Err(error) = state.authz.end_session(&signed.cookie).await {
        tracing::error!(%error, "could not end session");
    }
    let mut response = see_other("/login");
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(SESSION_COOKIE, "", 0, state.served_over_https()),
    );
    response
}

pub(crate) async fn home(State(state): State<AppState>, headers: HeaderMap) -> Response {
    match signed_in(&state, &headers).await {
        Some(_) => see_other("/settings/tokens"),
        None => see_other("/login"),
    }
}

pub(crate) async fn switch_tenant(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawForm(body): RawForm,
) -> Response {
    let (signed, _) = match console(&state, &headers, "/settings/tokens").await {
        Ok(ok) => ok,
        Err(response) => return response,
    };
    let Some(form) = checked_form(&state, &headers, &signed, &body) else {
        return forbidden_post();
    };
    let Some(target) = signed
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
        .set_session_tenant(signed.session.id, target.tenant_id)
        .await
    {
        tracing::error!(%error, "could not switch tenant");
    }
    see_other("/settings/tokens")
}

// ---- API tokens ----

struct TokenRow {
    id: i64,
    name: String,
    prefix: String,
    scope: &'static str,
    created: String,
    created_by: String,
    last_used: String,
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

async fn tokens_page(
    state: &AppState,
    signed: &SignedIn,
    current: &Membership,
    status: StatusCode,
    created: Option<CreatedToken>,
    notice: Option<String>,
    error: Option<String>,
) -> Response {
    let owner = signed.pat_owner();
    let filter = (!current.role.is_admin()).then_some(owner.as_str());
    let now = Utc::now().timestamp_millis();
    let tokens = match state.authz.store().pats(current.tenant_id, filter).await {
        Ok(tokens) => tokens,
        Err(error) => {
            tracing::error!(%error, "listing tokens failed");
            return error_page(
                StatusCode::SERVICE_UNAVAILABLE,
                "Try again",
                "Tokens cannot be listed right now.",
                "/settings/tokens",
            );
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
                status,
                live,
            }
        })
        .collect();
    page(
        status,
        &TokensPage {
            chrome: Some(signed.chrome(current)),
            chrome_csrf: signed.csrf.clone(),
            notice,
            error,
            created,
            mcp_url: state.authz.config().resource.clone(),
            may_write: current.role.max_scopes() == Scopes::READ_WRITE,
            is_admin: current.role.is_admin(),
            tokens: rows,
        },
    )
}

pub(crate) async fn tokens(State(state): State<AppState>, headers: HeaderMap) -> Response {
    match console(&state, &headers, "/settings/tokens").await {
        Ok((signed, current)) => {
            tokens_page(&state, &signed, &current, StatusCode::OK, None, None, None).await
        }
        Err(response) => response,
    }
}

pub(crate) async fn create_token(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawForm(body): RawForm,
) -> Response {
    let (signed, current) = match console(&state, &headers, "/settings/tokens").await {
        Ok(ok) => ok,
        Err(response) => return response,
    };
    let Some(form) = checked_form(&state, &headers, &signed, &body) else {
        return forbidden_post();
    };
    let name = form.get("name");
    let refuse = |error: String| {
        tokens_page(
            &state,
            &signed,
            &current,
            StatusCode::BAD_REQUEST,
            None,
            None,
            Some(error),
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
    let minted = match mint_pat_for(&current, scopes) {
        Ok(minted) => minted,
        Err(error) => {
            return tokens_page(
                &state,
                &signed,
                &current,
                StatusCode::FORBIDDEN,
                None,
                None,
                Some(format!("{}. No token was created.", error.description)),
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
            tracing::info!(tenant = %current.tenant_slug, token_id = id, scopes = %scopes, user = %signed.session.user.email, "token created in console");
            let created = CreatedToken {
                name: name.to_string(),
                plaintext: minted.plaintext.clone(),
            };
            tokens_page(
                &state,
                &signed,
                &current,
                StatusCode::CREATED,
                Some(created),
                None,
                None,
            )
            .await
        }
        Err(error) => {
            tracing::error!(%error, "creating token failed");
            refuse("The token could not be saved; nothing was created. Try again.".into()).await
        }
    }
}

pub(crate) async fn revoke_token(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    RawForm(body): RawForm,
) -> Response {
    let (signed, current) = match console(&state, &headers, "/settings/tokens").await {
        Ok(ok) => ok,
        Err(response) => return response,
    };
    if checked_form(&state, &headers, &signed, &body).is_none() {
        return forbidden_post();
    }
    let owner = signed.pat_owner();
    let filter = (!current.role.is_admin()).then_some(owner.as_str());
    let now = Utc::now().timestamp_millis();
    match state
        .authz
        .store()
        .revoke_pat(current.tenant_id, id, filter, now)
        .await
    {
        Ok(true) => {
            state.verifier.forget_token(id);
            tracing::info!(tenant = %current.tenant_slug, token_id = id, user = %signed.session.user.email, "token revoked in console");
            tokens_page(
                &state,
                &signed,
                &current,
                StatusCode::OK,
                None,
                Some("Token revoked: the next request with it is refused.".into()),
                None,
            )
            .await
        }
        Ok(false) => {
            tokens_page(
                &state,
                &signed,
                &current,
                StatusCode::NOT_FOUND,
                None,
                None,
                Some("No such live token of yours in this tenant; nothing was changed.".into()),
            )
            .await
        }
        Err(error) => {
            tracing::error!(%error, "revoking token failed");
            error_page(
                StatusCode::SERVICE_UNAVAILABLE,
                "Try again",
                "The token could not be revoked right now.",
                "/settings/tokens",
            )
        }
    }
}

// ---- connected apps ----

struct GrantRow {
    id: i64,
    client_name: String,
    user_email: String,
    scopes: &'static str,
    created: String,
    last_used: String,
}

#[derive(Template)]
#[template(path = "apps.html")]
struct AppsPage {
    chrome: Option<Chrome>,
    chrome_csrf: String,
    notice: Option<String>,
    grants: Vec<GrantRow>,
}

async fn apps_page(
    state: &AppState,
    signed: &SignedIn,
    current: &Membership,
    notice: Option<String>,
) -> Response {
    let user = (!current.role.is_admin()).then_some(signed.session.user.id);
    let grants = match state.authz.store().grants(current.tenant_id, user).await {
        Ok(grants) => grants,
        Err(error) => {
            tracing::error!(%error, "listing grants failed");
            return error_page(
                StatusCode::SERVICE_UNAVAILABLE,
                "Try again",
                "Connected apps cannot be listed right now.",
                "/settings/apps",
            );
        }
    };
    page(
        StatusCode::OK,
        &AppsPage {
            chrome: Some(signed.chrome(current)),
            chrome_csrf: signed.csrf.clone(),
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
                })
                .collect(),
        },
    )
}

pub(crate) async fn apps(State(state): State<AppState>, headers: HeaderMap) -> Response {
    match console(&state, &headers, "/settings/apps").await {
        Ok((signed, current)) => apps_page(&state, &signed, &current, None).await,
        Err(response) => response,
    }
}

pub(crate) async fn revoke_app(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    RawForm(body): RawForm,
) -> Response {
    let (signed, current) = match console(&state, &headers, "/settings/apps").await {
        Ok(ok) => ok,
        Err(response) => return response,
    };
    if checked_form(&state, &headers, &signed, &body).is_none() {
        return forbidden_post();
    }
    let user = (!current.role.is_admin()).then_some(signed.session.user.id);
    let now = Utc::now().timestamp_millis();
    match state
        .authz
        .store()
        .revoke_grant_in_tenant(current.tenant_id, id, user, now)
        .await
    {
        Ok(true) => {
            apps_page(
                &state,
                &signed,
                &current,
                Some("App disconnected: its tokens no longer work.".into()),
            )
            .await
        }
        Ok(false) => error_page(
            StatusCode::NOT_FOUND,
            "Not found",
            "No such connected app of yours in this tenant; nothing was changed.",
            "/settings/apps",
        ),
        Err(error) => {
            tracing::error!(%error, "revoking grant failed");
            error_page(
                StatusCode::SERVICE_UNAVAILABLE,
                "Try again",
                "The app could not be disconnected right now.",
                "/settings/apps",
            )
        }
    }
}

// ---- review queue ----

struct ProposalRow {
    id: i64,
    kri_slug: String,
    value: String,
    unit: String,
    confidence: String,
    reasons: String,
    observed: String,
    artifact: String,
    lines: String,
    excerpt: String,
}

#[derive(Template)]
#[template(path = "review.html")]
struct ReviewPage {
    chrome: Option<Chrome>,
    chrome_csrf: String,
    notice: Option<String>,
    error: Option<String>,
    band: String,
    may_review: bool,
    items: Vec<ProposalRow>,
}

async fn review_page(
    state: &AppState,
    signed: &SignedIn,
    current: &Membership,
    status: StatusCode,
    notice: Option<String>,
    error: Option<String>,
) -> Response {
    let tenant = current.tenant_id;
    let (queue, band) = match (
        state.dropzone.review_queue(tenant, 200).await,
        state.dropzone.autonomy_band(tenant).await,
    ) {
        (Ok(queue), Ok(band)) => (queue, band),
        _ => {
            return error_page(
                StatusCode::SERVICE_UNAVAILABLE,
                "Try again",
                "The review queue cannot be read right now.",
                "/review",
            );
        }
    };
    let items = queue
        .into_iter()
        .map(|e| ProposalRow {
            id: e.id,
            kri_slug: e.kri_slug,
            value: format!("{}", e.value),
            unit: e.kri_unit,
            confidence: format!("{:.2}", e.confidence),
            reasons: e.reasons.join("; "),
            observed: e.observed_at.map_or_else(
                || "when received".into(),
                |t| t.format("%Y-%m-%d").to_string(),
            ),
            artifact: format!("art_{}", e.artifact_id),
            lines: if e.line_start == e.line_end {
                e.line_start.to_string()
            } else {
                format!("{}-{}", e.line_start, e.line_end)
            },
            excerpt: e.excerpt,
        })
        .collect();
    page(
        status,
        &ReviewPage {
            chrome: Some(signed.chrome(current)),
            chrome_csrf: signed.csrf.clone(),
            notice,
            error,
            band: band.as_str().to_string(),
            may_review: current.role.may_review(),
            items,
        },
    )
}

pub(crate) async fn review(State(state): State<AppState>, headers: HeaderMap) -> Response {
    match console(&state, &headers, "/review").await {
        Ok((signed, current)) => {
            review_page(&state, &signed, &current, StatusCode::OK, None, None).await
        }
        Err(response) => response,
    }
}

pub(crate) async fn decide(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    RawForm(body): RawForm,
) -> Response {
    let (signed, current) = match console(&state, &headers, "/review").await {
        Ok(ok) => ok,
        Err(response) => return response,
    };
    let Some(form) = checked_form(&state, &headers, &signed, &body) else {
        return forbidden_post();
    };
    if !current.role.may_review() {
        return error_page(
            StatusCode::FORBIDDEN,
            "Not allowed",
            "Viewers cannot decide proposals; an analyst or admin can. Nothing was changed.",
            "/review",
        );
    }
    let accept = match form.get("decision") {
        "accept" => true,
        "reject" => false,
        _ => {
            return review_page(
                &state,
                &signed,
                &current,
                StatusCode::BAD_REQUEST,
                None,
                Some("Choose Accept or Reject.".into()),
            )
            .await;
        }
    };
    let value = match form.get("value") {
        "" => None,
        text => match text.replace(',', "").parse::<f64>() {
            Ok(v) if v.is_finite() && accept => Some(v),
            Ok(_) if !accept => None,
            _ => {
                return review_page(
                    &state,
                    &signed,
                    &current,
                    StatusCode::BAD_REQUEST,
                    None,
                    Some(format!("“{text}” is not a number; nothing was changed.")),
                )
                .await;
            }
        },
    };
    let note =
        Some(form.get("note").chars().take(500).collect::<String>()).filter(|n| !n.is_empty());
    let decision = Decision {
        accept,
        value,
        note,
    };
    match state
        .dropzone
        .decide(current.tenant_id, id, &decision, &signed.actor())
        .await
    {
        Ok(Decided::Done(e)) => {
            let notice = if accept {
                format!(
                    "Accepted {} = {} {}; the next run of its integration writes it into the KRI.",
                    e.kri_slug, e.value, e.kri_unit
                )
            } else {
                format!(
                    "Rejected the {} proposal; it will never be written.",
                    e.kri_slug
                )
            };
            review_page(
                &state,
                &signed,
                &current,
                StatusCode::OK,
                Some(notice),
                None,
            )
            .await
        }
        Ok(Decided::NotPending(state_now)) => {
            review_page(
                &state,
                &signed,
                &current,
                StatusCode::CONFLICT,
                None,
                Some(format!(
                    "ext_{id} is already {state_now}; nothing was changed."
                )),
            )
            .await
        }
        Ok(Decided::NotFound) => {
            review_page(
                &state,
                &signed,
                &current,
                StatusCode::NOT_FOUND,
                None,
                Some(format!("No proposal ext_{id} in this tenant.")),
            )
            .await
        }
        Err(_) => error_page(
            StatusCode::SERVICE_UNAVAILABLE,
            "Try again",
            "The decision could not be saved; nothing was changed.",
            "/review",
        ),
    }
}

// ---- autonomy band ----

#[derive(Template)]
#[template(path = "band.html")]
struct BandPage {
    chrome: Option<Chrome>,
    chrome_csrf: String,
    notice: Option<String>,
    band: String,
    choices: Vec<(&'static str, &'static str, bool)>,
}

const BAND_CHOICES: [(&str, &str); 4] = [
    ("manual", "manual: every proposal waits for review"),
    (
        "conservative",
        "conservative: auto-accept at confidence ≥ 0.95",
    ),
    (
        "balanced",
        "balanced: auto-accept at confidence ≥ 0.85 (default)",
    ),
    ("autonomous", "autonomous: auto-accept at confidence ≥ 0.70"),
];

async fn band_page(
    state: &AppState,
    signed: &SignedIn,
    current: &Membership,
    notice: Option<String>,
) -> Response {
    if !current.role.is_admin() {
        return error_page(
            StatusCode::FORBIDDEN,
            "Admins only",
            "Only an admin of this tenant can see or change the autonomy band.",
            "/settings/tokens",
        );
    }
    let Ok(band) = state.dropzone.autonomy_band(current.tenant_id).await else {
        return error_page(
            StatusCode::SERVICE_UNAVAILABLE,
            "Try again",
            "The band cannot be read right now.",
            "/settings/band",
        );
    };
    page(
        StatusCode::OK,
        &BandPage {
            chrome: Some(signed.chrome(current)),
            chrome_csrf: signed.csrf.clone(),
            notice,
            band: band.as_str().to_string(),
            choices: BAND_CHOICES
                .iter()
                .map(|(value, label)| (*value, *label, *value == band.as_str()))
                .collect(),
        },
    )
}

pub(crate) async fn band(State(state): State<AppState>, headers: HeaderMap) -> Response {
    match console(&state, &headers, "/settings/band").await {
        Ok((signed, current)) => band_page(&state, &signed, &current, None).await,
        Err(response) => response,
    }
}

pub(crate) async fn set_band(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawForm(body): RawForm,
) -> Response {
    let (signed, current) = match console(&state, &headers, "/settings/band").await {
        Ok(ok) => ok,
        Err(response) => return response,
    };
    let Some(form) = checked_form(&state, &headers, &signed, &body) else {
        return forbidden_post();
    };
    if !current.role.is_admin() {
        return error_page(
            StatusCode::FORBIDDEN,
            "Admins only",
            "Only an admin of this tenant can change the autonomy band. Nothing was changed.",
            "/settings/tokens",
        );
    }
    let Some(band) = AutonomyBand::parse(form.get("band")) else {
        return error_page(
            StatusCode::BAD_REQUEST,
            "Unknown band",
            "Pick manual, conservative, balanced or autonomous.",
            "/settings/band",
        );
    };
    match state
        .dropzone
        .set_autonomy_band(current.tenant_id, band, &signed.actor())
        .await
    {
        Ok(previous) => {
            band_page(
                &state,
                &signed,
                &current,
                Some(format!(
                    "Autonomy band changed from {} to {}.",
                    previous.as_str(),
                    band.as_str()
                )),
            )
            .await
        }
        Err(_) => error_page(
            StatusCode::SERVICE_UNAVAILABLE,
            "Try again",
            "The band could not be saved; nothing was changed.",
            "/settings/band",
        ),
    }
}

pub(crate) async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/console.css"),
    )
        .into_response()
}

pub(crate) async fn script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/console.js"),
    )
        .into_response()
}
