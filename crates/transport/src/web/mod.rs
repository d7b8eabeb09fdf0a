//! The browser-facing half of the HTTP edge: the OAuth 2.1 endpoints and metadata
//! (`oauth.rs`) and the server-rendered console (`console/`, one file per page). Pages come from askama
//! templates that escape HTML by default, work without JavaScript, and carry strict
//! security headers; every state-changing form checks a CSRF token bound to the session
//! and refuses cross-site posts.

pub(crate) mod console;
pub(crate) mod oauth;

use askama::Template;
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use draxis_auth::Membership;
use http::{HeaderMap, HeaderValue, StatusCode, header};

use crate::reach::Origin;

/// Name of the console session cookie.
pub(crate) const SESSION_COOKIE: &str = "drx_session";
/// Name of the sign-in form's double-submit cookie.
pub(crate) const LOGIN_COOKIE: &str = "drx_login";

/// The Content-Security-Policy of every page: our own stylesheet and script, forms that
/// post only back to us, no framing.
pub(crate) const PAGE_CSP: &str = "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; \
     form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

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

/// A cookie's value from the request's `Cookie` headers.
pub(crate) fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.trim_matches('"'))
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax, Secure when served over https.
pub(crate) fn set_cookie(name: &str, value: &str, max_age_secs: i64, secure: bool) -> HeaderValue {
    let text = format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{}",
        if secure { "; Secure" } else { "" }
    );
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static("invalid=1"))
}

/// Whether a form post comes from one of our own pages: refuses what the browser marks
/// as cross-site, and any `Origin` other than the public URL's (never compared with
/// `Host`, which a DNS-rebinding page chooses).
pub(crate) fn same_origin(headers: &HeaderMap, public_url: &str) -> bool {
    if headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|site| site == "cross-site" || site == "same-site")
    {
        return false;
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true;
    };
    let public = Origin::parse(public_url);
    public.is_some() && origin.to_str().ok().and_then(Origin::parse) == public
}

/// Renders a template as an HTML response.
pub(crate) fn page(status: StatusCode, template: &impl Template) -> Response {
    match template.render() {
        Ok(body) => (
            status,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            body,
        )
            .into_response(),
        Err(error) => {
            tracing::error!(%error, "page template failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "this page could not be rendered; please report it",
            )
                .into_response()
        }
    }
}

/// A plain error page.
#[derive(Template)]
#[template(path = "error.html")]
pub(crate) struct ErrorPage<'a> {
    pub chrome: Option<Chrome>,
    pub notice: Option<String>,
    pub heading: &'a str,
    pub message: &'a str,
    pub back: &'a str,
}

pub(crate) fn error_page(status: StatusCode, heading: &str, message: &str, back: &str) -> Response {
    page(
        status,
        &ErrorPage {
            chrome: None,
            notice: None,
            heading,
            message,
            back,
        },
    )
}

/// The page of a failure that may pass: the store or the OS could not answer.
pub(crate) fn try_again(message: &str, back: &str) -> Response {
    error_page(StatusCode::SERVICE_UNAVAILABLE, "Try again", message, back)
}

/// The refusal of a cross-site or token-less form post.
pub(crate) fn forbidden_post() -> Response {
    error_page(
        StatusCode::FORBIDDEN,
        "Request refused",
        "This form was not submitted from a Draxis page (missing or wrong CSRF token, a cross-site post, or a page opened at an address other than the server's public URL). Nothing was changed. Open the console at its public URL, reload the page and try again.",
        "/",
    )
}

/// 303 to a path on this server.
pub(crate) fn see_other(path: &str) -> Response {
    Redirect::to(path).into_response()
}

/// Where a browser goes after sign-in: `next` only when it is a clean path on this
/// server (a path-only relative reference: `/`, then visible ASCII without `\\`, never
/// `//` at its start, which browsers read as another host), else `/`. Anything it
/// returns is a valid `Location` header value.
pub(crate) fn safe_next(next: &str) -> &str {
    let clean = next.len() <= 2048
        && next.starts_with('/')
        && !next.starts_with("//")
        && next.bytes().all(|b| b.is_ascii_graphic() && b != b'\\')
        && next.parse::<http::uri::PathAndQuery>().is_ok();
    if clean { next } else { "/" }
}

/// Adds the security headers every browser-facing response carries, unless the
/// handler set its own (the consent page widens `form-action` to its redirect). Served
/// over https (`https_only`), browsers are also told to keep to https (HSTS).
pub(crate) async fn security_headers(
    axum::extract::State(https_only): axum::extract::State<bool>,
    request: Request,
    next: Next,
) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let defaults = [
        (header::CONTENT_SECURITY_POLICY, PAGE_CSP),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        // `no-referrer` would make browsers send `Origin: null` on our own form posts.
        (header::REFERRER_POLICY, "same-origin"),
        (header::CACHE_CONTROL, "no-store"),
    ];
    for (name, value) in defaults {
        if !headers.contains_key(&name) {
            headers.insert(name, HeaderValue::from_static(value));
        }
    }
    headers.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    if https_only {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    response
}

/// Any path the server does not serve: a sentence, not an empty 404.
pub(crate) async fn no_such_path(uri: http::Uri) -> Response {
    let path: String = uri.path().chars().take(200).collect();
    (
        StatusCode::NOT_FOUND,
        format!(
            "There is nothing at {path:?}: MCP clients use /api/mcp, people the console at /.\n"
        ),
    )
        .into_response()
}

/// A served path asked with a method it does not take: a sentence, not an empty 405.
pub(crate) async fn method_not_allowed(method: http::Method, uri: http::Uri) -> Response {
    let path: String = uri.path().chars().take(200).collect();
    (
        StatusCode::METHOD_NOT_ALLOWED,
        format!("{path:?} does not take {method} requests: see the server's documentation for the methods it accepts.\n"),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(safe_next("/oauth/authorize?x=1"), "/oauth/authorize?x=1");
        assert_eq!(safe_next("/review?x=%2F%2Fa#top"), "/review?x=%2F%2Fa#top");
        for hostile in [
            "https://evil.example/",
            "//evil.example/",
            "/\\evil.example/",
            "/\t/evil.example",
            "/\u{b}/x",
            "/ /evil.example",
            "/\r\nSet-Cookie: a=b",
            "/caf\u{e9}",
            "evil.example",
            "",
        ] {
            assert_eq!(safe_next(hostile), "/", "{hostile:?}");
            assert!(HeaderValue::from_str(safe_next(hostile)).is_ok());
        }
    }

    #[test]
    fn cross_site_posts_are_refused() {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, HeaderValue::from_static("127.0.0.1:8080"));
        assert!(same_origin(&headers, "http://127.0.0.1:8080"));
        headers.insert(
            header::ORIGIN,
            HeaderValue::from_static("http://127.0.0.1:8080"),
        );
        assert!(same_origin(&headers, "http://127.0.0.1:8080"));
        // The Host is the attacker's choice under DNS rebinding: only the public URL counts.
        assert!(!same_origin(&headers, "http://localhost:8080"));
        headers.insert(header::HOST, HeaderValue::from_static("evil.example:8080"));
        headers.insert(
            header::ORIGIN,
            HeaderValue::from_static("http://evil.example:8080"),
        );
        assert!(!same_origin(&headers, "http://127.0.0.1:8080"));
        headers.insert(
            header::ORIGIN,
            HeaderValue::from_static("https://evil.example"),
        );
        assert!(!same_origin(&headers, "http://127.0.0.1:8080"));
        headers.remove(header::ORIGIN);
        headers.insert("sec-fetch-site", HeaderValue::from_static("cross-site"));
        assert!(!same_origin(&headers, "http://127.0.0.1:8080"));
    }

    #[test]
    fn cookies_are_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; drx_session=xyz; b=2"),
        );
        assert_eq!(cookie(&headers, "drx_session"), Some("xyz"));
        assert_eq!(cookie(&headers, "c"), None);
    }
}
