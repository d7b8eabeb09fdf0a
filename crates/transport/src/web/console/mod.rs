//! The web console: sign in and out (`sign_in`), the tenant switch (`tenant`), API tokens
//! (`tokens`), connected OAuth apps (`apps`), the Pending Extraction Review queue
//! (`review`), the register's tabs, records and edits (`register/`), the tenant's
//! autonomy band (`band`), its audit trail (`audit`) and the
//! stylesheet and script (`assets`). This file holds what the pages share: the signed-in extractors. A page
//! handler takes [`SignedIn`] (the session and the role in the current tenant, or a
//! redirect to the sign-in page) and a form handler [`SignedInForm`] (the same, plus a
//! form whose CSRF token and origin were checked), so its body is only the page's logic.

pub(crate) mod apps;
pub(crate) mod assets;
pub(crate) mod audit;
pub(crate) mod band;
pub(crate) mod register;
pub(crate) mod review;
pub(crate) mod sign_in;
pub(crate) mod tenant;
pub(crate) mod tokens;

use std::collections::HashMap;
use std::convert::Infallible;

use axum::extract::{FromRequest, FromRequestParts, OptionalFromRequestParts, RawForm, Request};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use draxis_auth::server::{Session, csrf_matches, csrf_token, with_query};
use draxis_auth::{AuditEvent, Membership};
use draxis_dropzone::records::Actor;
use http::request::Parts;
use http::{HeaderMap, StatusCode};

use super::{
    Chrome, SESSION_COOKIE, TenantChoice, cookie, error_page, forbidden_post, same_origin,
    see_other,
};
use crate::AppState;
use crate::audit::ClientAddress;

/// A browser with a live session, whatever tenants its user belongs to. As an extractor,
/// `Option<Browser>` is `None` when the request carries no live session.
pub(crate) struct Browser {
    pub cookie: String,
    pub csrf: String,
    pub session: Session,
    pub memberships: Vec<Membership>,
}

/// The browser's session, if its session cookie names a live one.
pub(crate) async fn signed_in(state: &AppState, headers: &HeaderMap) -> Option<Browser> {
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
    Some(Browser {
        cookie: value.to_string(),
        csrf: csrf_token(value),
        session,
        memberships,
    })
}

impl OptionalFromRequestParts<AppState> for Browser {
    type Rejection = Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Option<Self>, Self::Rejection> {
        Ok(signed_in(state, &parts.headers).await)
    }
}

/// The console pages a signed-out visitor returns to after signing in: the one the
/// request's path lies under, else the first (the tenant switch returns to the tokens).
const RETURN_PAGES: [&str; 6] = [
    "/settings/tokens",
    "/settings/apps",
    "/review",
    "/settings/band",
    "/settings/audit",
    "/register",
];

fn return_page(path: &str) -> &'static str {
    RETURN_PAGES
        .into_iter()
        .find(|page| {
            path.strip_prefix(page)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        })
        .unwrap_or(RETURN_PAGES[0])
}

/// A signed-in user in the tenant the console works in. As an extractor it answers a
/// signed-out browser with a redirect to the sign-in page (returning to this page), and
/// a user of no tenant with a 403 page.
pub(crate) struct SignedIn {
    pub browser: Browser,
    /// The tenant picked, else the user's first; its role decides what the pages allow.
    pub current: Membership,
}

impl SignedIn {
    async fn resolve(state: &AppState, headers: &HeaderMap, path: &str) -> Result<Self, Response> {
        let Some(browser) = signed_in(state, headers).await else {
            return Err(see_other(&with_query(
                "/login",
                &[("next", return_page(path))],
            )));
        };
        let current = browser
            .session
            .tenant_id
            .and_then(|id| browser.memberships.iter().find(|m| m.tenant_id == id))
            .or_else(|| browser.memberships.first())
            .cloned();
        let Some(current) = current else {
            return Err(error_page(
                StatusCode::FORBIDDEN,
                "No tenant yet",
                "Your account is not a member of any tenant. Ask a Draxis admin to add you (draxis-admin member add).",
                "/login",
            ));
        };
        Ok(Self { browser, current })
    }

    /// The signed-in user's email address.
    pub fn email(&self) -> &str {
        &self.browser.session.user.email
    }

    /// The page header for this user in the current tenant.
    pub fn chrome(&self) -> Chrome {
        Chrome {
            email: self.email().to_string(),
            tenant_slug: self.current.tenant_slug.clone(),
            tenant_name: self.current.tenant_name.clone(),
            role: self.current.role.to_string(),
            is_admin: self.current.role.is_admin(),
            csrf: self.browser.csrf.clone(),
            tenants: self
                .browser
                .memberships
                .iter()
                .map(TenantChoice::from)
                .collect(),
        }
    }

    /// Who the Drop Zone records as deciding.
    pub fn actor(&self) -> Actor {
        Actor {
            label: format!("console:{}", self.email()),
            token_id: None,
        }
    }

    /// The filter for what this user may see and change in the tenant: nothing for an
    /// admin (the whole tenant), else `own` (their own tokens or apps).
    pub fn own_unless_admin<T>(&self, own: T) -> Option<T> {
        (!self.current.role.is_admin()).then_some(own)
    }

    /// `created_by` of the PATs this user makes in the console.
    pub fn pat_owner(&self) -> String {
        format!("user:{}", self.email())
    }

    /// An audit event by this user in the current tenant, their session as credential.
    pub fn audit_event(
        &self,
        action: &'static str,
        subject: impl Into<String>,
        ClientAddress(address): ClientAddress,
    ) -> AuditEvent {
        AuditEvent::new(action, self.pat_owner(), subject)
            .in_tenant(Some(self.current.tenant_id))
            .with_credential(Some(format!("session:{}", self.browser.session.id)))
            .from_address(address)
    }
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        Self::resolve(state, &parts.headers, parts.uri.path()).await
    }
}

/// The fields of a checked console form: a missing field reads as empty, values are
/// trimmed.
pub(crate) struct Fields(HashMap<String, String>);

impl Fields {
    pub fn get(&self, key: &str) -> &str {
        self.0.get(key).map_or("", |v| v.trim())
    }
}

/// The form in `body` if it comes from our own pages and carries the browser's CSRF
/// token.
pub(crate) fn checked_form(
    state: &AppState,
    headers: &HeaderMap,
    browser: &Browser,
    body: &[u8],
) -> Option<Fields> {
    if !same_origin(headers, &state.authz.config().issuer) {
        return None;
    }
    let form: HashMap<String, String> = serde_urlencoded::from_bytes(body).ok()?;
    let token = form.get("csrf")?;
    csrf_matches(&browser.cookie, token).then_some(Fields(form))
}

/// A console form post from a [`SignedIn`] user. As an extractor it reads the body
/// (refusing a non-form body), then answers as [`SignedIn`] does, then refuses a
/// cross-site post or a wrong CSRF token with 403.
pub(crate) struct SignedInForm {
    pub signed: SignedIn,
    pub form: Fields,
}

impl FromRequest<AppState> for SignedInForm {
    type Rejection = Response;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Response> {
        let headers = request.headers().clone();
        let path = request.uri().path().to_owned();
        let RawForm(body) = RawForm::from_request(request, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let signed = SignedIn::resolve(state, &headers, &path).await?;
        let form =
            checked_form(state, &headers, &signed.browser, &body).ok_or_else(forbidden_post)?;
        Ok(Self { signed, form })
    }
}

/// A time for a table cell.
fn when(ms: Option<i64>) -> String {
    ms.and_then(DateTime::<Utc>::from_timestamp_millis)
        .map_or_else(
            || "never".into(),
            |t| t.format("%Y-%m-%d %H:%M UTC").to_string(),
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signed_out_visitor_returns_to_the_page_of_the_request() {
        for (path, page) in [
            ("/settings/tokens", "/settings/tokens"),
            ("/settings/tokens/7/revoke", "/settings/tokens"),
            ("/tenant", "/settings/tokens"),
            ("/settings/apps", "/settings/apps"),
            ("/settings/apps/7/revoke", "/settings/apps"),
            ("/review", "/review"),
            ("/review/7", "/review"),
            ("/settings/band", "/settings/band"),
            ("/settings/bandwidth", "/settings/tokens"),
            ("/register/kris/patch_sla", "/register"),
        ] {
            assert_eq!(return_page(path), page, "{path}");
        }
    }
}
