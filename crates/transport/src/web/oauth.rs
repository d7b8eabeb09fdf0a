//! OAuth 2.1 over HTTP: Protected Resource Metadata (RFC 9728), Authorization Server
//! Metadata (RFC 8414), Dynamic Client Registration (RFC 7591), the authorization
//! endpoint with its sign-in and consent pages, the token endpoint (code + PKCE,
//! rotating refresh tokens) and revocation (RFC 7009). The rules live in
//! `draxis_auth::server`; this module only speaks HTTP.

use std::collections::HashMap;

use askama::Template;
use axum::Json;
use axum::extract::{Query, RawForm, State};
use axum::response::{IntoResponse, Redirect, Response};
use draxis_auth::Membership;
use draxis_auth::oauth::{SCOPES_SUPPORTED, redirect_origin};
use draxis_auth::server::{
    AuthorizationFailure, AuthorizationRequest, ClientMetadata, OAuthError, TokenRequest,
    ValidAuthorization, csrf_matches, error_redirect,
};
use http::{HeaderMap, HeaderValue, StatusCode, header};
use serde::Deserialize;
use serde_json::json;

use super::console::signed_in;
use super::{
    Chrome, PAGE_CSP, TenantChoice, error_page, forbidden_post, page, same_origin, see_other,
    try_again,
};
use crate::AppState;
use crate::audit::{self, ClientAddress};
use draxis_auth::audit::action;
use draxis_auth::{AuditEvent, Outcome};

/// Path of the Protected Resource Metadata for `/api/mcp`.
pub(crate) const RESOURCE_METADATA_PATH: &str = "/.well-known/oauth-protected-resource/api/mcp";

/// Token-endpoint headers: never cached; readable by browser-based clients (no cookies
/// are involved, so any origin may call).
fn no_store(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    response
}

/// Metadata is public and read by browser-based clients too.
fn public_json(body: serde_json::Value) -> Response {
    let mut response = Json(body).into_response();
    response.headers_mut().insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    response
}

pub(crate) async fn protected_resource_metadata(State(state): State<AppState>) -> Response {
    let config = state.authz.config();
    public_json(json!({
        "resource": config.resource,
        "authorization_servers": [config.issuer],
        "scopes_supported": ["mcp:read", "mcp:write"],
        "bearer_methods_supported": ["header"],
        "resource_name": "Draxis MCP",
        "resource_documentation": format!("{}/settings/tokens", config.issuer),
    }))
}

pub(crate) async fn authorization_server_metadata(State(state): State<AppState>) -> Response {
    let issuer = &state.authz.config().issuer;
    public_json(json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{issuer}/oauth/authorize"),
        "token_endpoint": format!("{issuer}/oauth/token"),
        "registration_endpoint": format!("{issuer}/oauth/register"),
        "revocation_endpoint": format!("{issuer}/oauth/revoke"),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": ["none"],
        "revocation_endpoint_auth_methods_supported": ["none"],
        "scopes_supported": SCOPES_SUPPORTED,
        // On with --client-metadata-documents (the server must reach the clients' hosts).
        "client_id_metadata_document_supported": state.authz.supports_client_metadata_documents(),
        "authorization_response_iss_parameter_supported": true,
        "service_documentation": format!("{issuer}/settings/tokens"),
    }))
}

fn oauth_error(status: StatusCode, error: &OAuthError) -> Response {
    let status = match error.code {
        "temporarily_unavailable" => StatusCode::SERVICE_UNAVAILABLE,
        "server_error" => StatusCode::INTERNAL_SERVER_ERROR,
        "invalid_client" => StatusCode::UNAUTHORIZED,
        _ => status,
    };
    no_store(
        (
            status,
            Json(json!({ "error": error.code, "error_description": error.description })),
        )
            .into_response(),
    )
}

#[derive(Debug, Deserialize)]
pub(crate) struct RegistrationBody {
    #[serde(default)]
    redirect_uris: Vec<String>,
    client_name: Option<String>,
    #[serde(default)]
    grant_types: Vec<String>,
    #[serde(default)]
    response_types: Vec<String>,
}

pub(crate) async fn register(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    body: axum::body::Bytes,
) -> Response {
    let parsed: RegistrationBody = match serde_json::from_slice(&body) {
        Ok(parsed) => parsed,
        Err(error) => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                &OAuthError::new(
                    "invalid_client_metadata",
                    format!("the body must be a JSON client metadata object: {error}"),
                ),
            );
        }
    };
    let metadata = ClientMetadata {
        redirect_uris: parsed.redirect_uris,
        client_name: parsed.client_name,
        grant_types: parsed.grant_types,
        response_types: parsed.response_types,
    };
    match state.authz.register_client(metadata).await {
        Ok(client) => {
            tracing::info!(client_id = %client.client_id, name = %client.client_name, "registered OAuth client");
            let event = AuditEvent::new(
                action::CLIENT_REGISTER,
                "anonymous",
                format!("client:{}", client.client_id),
            )
            .from_address(address)
            .with_details(json!({
                "client_name": client.client_name,
                "redirect_uris": client.redirect_uris,
            }));
            audit::record(&state, event).await;
            let response = (
                StatusCode::CREATED,
                Json(json!({
                    "client_id": client.client_id,
                    "client_id_issued_at": chrono::Utc::now().timestamp(),
                    "client_name": client.client_name,
                    "redirect_uris": client.redirect_uris,
                    "grant_types": ["authorization_code", "refresh_token"],
                    "response_types": ["code"],
                    "token_endpoint_auth_method": "none",
                    "scope": "mcp:read mcp:write offline_access",
                })),
            )
                .into_response();
            no_store(response)
        }
        Err(error) => oauth_error(StatusCode::BAD_REQUEST, &error),
    }
}

fn authorization_request(params: &HashMap<String, String>) -> AuthorizationRequest {
    let get = |key: &str| params.get(key).cloned();
    AuthorizationRequest {
        response_type: get("response_type"),
        client_id: get("client_id"),
        redirect_uri: get("redirect_uri"),
        code_challenge: get("code_challenge"),
        code_challenge_method: get("code_challenge_method"),
        state: get("state"),
        scope: get("scope"),
        resource: get("resource"),
    }
}

/// The request parameters carried through the consent form.
const REQUEST_FIELDS: [&str; 8] = [
    "response_type",
    "client_id",
    "redirect_uri",
    "code_challenge",
    "code_challenge_method",
    "state",
    "scope",
    "resource",
];

#[derive(Template)]
#[template(path = "consent.html")]
struct ConsentPage {
    chrome: Option<Chrome>,
    notice: Option<String>,
    csrf: String,
    email: String,
    client_name: String,
    redirect_host: String,
    /// The metadata document URL of a client identified by one.
    published_at: Option<String>,
    tenants: Vec<TenantChoice>,
    wants_write: bool,
    write_possible: bool,
    request_fields: Vec<(String, String)>,
}

async fn validated(
    state: &AppState,
    params: &HashMap<String, String>,
) -> Result<ValidAuthorization, Response> {
    match state
        .authz
        .validate_authorization(&authorization_request(params))
        .await
    {
        Ok(valid) => Ok(valid),
        Err(AuthorizationFailure::Page(message)) => Err(error_page(
            StatusCode::BAD_REQUEST,
            "This sign-in request cannot be completed",
            &message,
            "/",
        )),
        Err(AuthorizationFailure::Redirect {
            redirect_uri,
            state: client_state,
            error,
        }) => Err(Redirect::to(&error_redirect(
            &redirect_uri,
            client_state.as_deref(),
            &state.authz.config().issuer,
            &error,
        ))
        .into_response()),
    }
}

pub(crate) async fn authorize_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(params): Query<HashMap<String, String>>,
    uri: http::Uri,
) -> Response {
    let valid = match validated(&state, &params).await {
        Ok(valid) => valid,
        Err(response) => return response,
    };
    let Some(signed) = signed_in(&state, &headers).await else {
        let here = uri
            .path_and_query()
            .map_or("/oauth/authorize", |p| p.as_str());
        let next = draxis_auth::server::with_query("/login", &[("next", here)]);
        return see_other(&next);
    };
    let tenants: Vec<TenantChoice> = signed.memberships.iter().map(TenantChoice::from).collect();
    let write_possible = signed
        .memberships
        .iter()
        .any(|m| m.role.max_scopes().allows(draxis_auth::Scope::Write));
    let request_fields = REQUEST_FIELDS
        .iter()
        .filter_map(|key| params.get(*key).map(|v| (key.to_string(), v.clone())))
        .collect();
    let consent = ConsentPage {
        chrome: None,
        notice: None,
        csrf: signed.csrf.clone(),
        email: signed.session.user.email.clone(),
        client_name: valid.client.client_name.clone(),
        redirect_host: redirect_origin(&valid.redirect_uri).unwrap_or_default(),
        published_at: valid
            .client
            .client_id
            .starts_with("https://")
            .then(|| valid.client.client_id.clone()),
        tenants,
        wants_write: valid.requested.wants_write,
        write_possible,
        request_fields,
    };
    let mut response = page(StatusCode::OK, &consent);
    // The approval redirects the form post to the client: allow exactly that origin.
    // `redirect_origin` is `Some` only for a valid URI, so it is never CSP syntax.
    let csp = redirect_origin(&valid.redirect_uri).map(|origin| {
        PAGE_CSP.replace(
            "form-action 'self'",
            &format!("form-action 'self' {origin}"),
        )
    });
    if let Some(Ok(value)) = csp.map(|csp| HeaderValue::from_str(&csp)) {
        response
            .headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, value);
    }
    response
}

pub(crate) async fn authorize_decision(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    RawForm(body): RawForm,
) -> Response {
    let form: HashMap<String, String> = match serde_urlencoded::from_bytes(&body) {
        Ok(form) => form,
        Err(_) => return forbidden_post(),
    };
    if !same_origin(&headers, &state.authz.config().issuer) {
        return forbidden_post();
    }
    let Some(signed) = signed_in(&state, &headers).await else {
        return error_page(
            StatusCode::UNAUTHORIZED,
            "Signed out",
            "Your session ended before you approved. Start the sign-in again from your MCP client.",
            "/login",
        );
    };
    if !form
        .get("csrf")
        .is_some_and(|token| csrf_matches(&signed.cookie, token))
    {
        return forbidden_post();
    }
    let valid = match validated(&state, &form).await {
        Ok(valid) => valid,
        Err(response) => return response,
    };
    // Only an explicit Deny denies: pressing Enter submits the first button (Approve),
    // and a scripted browser may post the fields without the button.
    // Without a choice, the tenant the page selects first.
    let membership: Option<&Membership> = match form.get("tenant") {
        Some(chosen) => signed.memberships.iter().find(|m| &m.tenant_slug == chosen),
        None => signed.memberships.first(),
    };
    let consent = |outcome: Outcome| {
        AuditEvent::new(
            action::OAUTH_CONSENT,
            format!("user:{}", signed.session.user.email),
            format!("client:{}", valid.client.client_id),
        )
        .in_tenant(membership.map(|m| m.tenant_id))
        .with_credential(Some(format!("session:{}", signed.session.id)))
        .from_address(address)
        .with_outcome(outcome)
    };
    if form.get("decision").map(String::as_str) == Some("deny") {
        let event =
            consent(Outcome::Denied).with_details(json!({"client_name": valid.client.client_name}));
        audit::record(&state, event).await;
        return Redirect::to(&state.authz.deny(&valid)).into_response();
    }
    let Some(membership) = membership else {
        return error_page(
            StatusCode::FORBIDDEN,
            "Not a member",
            "You are not a member of that tenant. Nothing was granted; pick one of your tenants.",
            "/",
        );
    };
    // `access=write` (or `grant_write=1`) asks for mcp:write and is refused beyond the
    // role; `access=read` declines it; without either, what the page preselects: write
    // when the client asked for it and the role allows it.
    let grant_write = match form.get("access").map(String::as_str) {
        Some("read") => false,
        Some(_) => true,
        None if form.get("grant_write").is_some_and(|v| v == "1") => true,
        None => {
            valid.requested.wants_write
                && membership
                    .role
                    .max_scopes()
                    .allows(draxis_auth::Scope::Write)
        }
    };
    match state
        .authz
        .approve(&signed.session.user, membership, &valid, grant_write)
        .await
    {
        Ok(location) => {
            tracing::info!(
                user = %signed.session.user.email,
                tenant = %membership.tenant_slug,
                client = %valid.client.client_name,
                write = grant_write,
                "OAuth consent approved"
            );
            let event = consent(Outcome::Success).with_details(json!({
                "client_name": valid.client.client_name,
                "write": grant_write,
            }));
            audit::record(&state, event).await;
            Redirect::to(&location).into_response()
        }
        Err(error) if error.code == "access_denied" || error.code == "invalid_scope" => error_page(
            StatusCode::FORBIDDEN,
            "Permission not granted",
            &format!("{}. Nothing was granted.", error.description),
            "/",
        ),
        Err(error) => try_again(&error.description, "/"),
    }
}

fn token_request(form: &HashMap<String, String>) -> TokenRequest {
    let get = |key: &str| form.get(key).cloned();
    TokenRequest {
        grant_type: get("grant_type"),
        code: get("code"),
        redirect_uri: get("redirect_uri"),
        client_id: get("client_id"),
        code_verifier: get("code_verifier"),
        refresh_token: get("refresh_token"),
        scope: get("scope"),
        resource: get("resource"),
    }
}

fn form_body(headers: &HeaderMap, body: &[u8]) -> Result<HashMap<String, String>, OAuthError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !content_type.starts_with("application/x-www-form-urlencoded") {
        return Err(OAuthError::new(
            "invalid_request",
            "send the parameters as application/x-www-form-urlencoded",
        ));
    }
    serde_urlencoded::from_bytes(body)
        .map_err(|e| OAuthError::new("invalid_request", format!("malformed form body: {e}")))
}

pub(crate) async fn token(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let form = match form_body(&headers, &body) {
        Ok(form) => form,
        Err(error) => return oauth_error(StatusCode::BAD_REQUEST, &error),
    };
    match state.authz.token(&token_request(&form)).await {
        Ok(issued) => no_store(
            Json(json!({
                "access_token": issued.access_token,
                "token_type": "Bearer",
                "expires_in": issued.expires_in,
                "refresh_token": issued.refresh_token,
                "scope": issued.scope,
            }))
            .into_response(),
        ),
        Err(error) => {
            tracing::info!(error = error.code, reason = %error.description, "token request refused");
            oauth_error(StatusCode::BAD_REQUEST, &error)
        }
    }
}

pub(crate) async fn revoke(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let form = match form_body(&headers, &body) {
        Ok(form) => form,
        Err(error) => return oauth_error(StatusCode::BAD_REQUEST, &error),
    };
    let Some(token) = form.get("token") else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            &OAuthError::new("invalid_request", "token is required"),
        );
    };
    match state.authz.revoke(token).await {
        Ok(grant) => {
            if let Some(grant_id) = grant {
                let event = AuditEvent::new(
                    action::GRANT_REVOKE,
                    format!(
                        "client:{}",
                        form.get("client_id").map_or("", String::as_str)
                    ),
                    format!("grant:{grant_id}"),
                )
                .with_credential(Some(format!("grant:{grant_id}")))
                .from_address(address);
                audit::record(&state, event).await;
            }
            no_store(StatusCode::OK.into_response())
        }
        Err(error) => oauth_error(StatusCode::SERVICE_UNAVAILABLE, &error),
    }
}

/// Preflight for browser-based clients calling the token and registration endpoints.
pub(crate) async fn preflight() -> Response {
    (
        StatusCode::NO_CONTENT,
        [
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
            (header::ACCESS_CONTROL_ALLOW_METHODS, "GET, POST, OPTIONS"),
            (
                header::ACCESS_CONTROL_ALLOW_HEADERS,
                "content-type, authorization, mcp-protocol-version",
            ),
            (header::ACCESS_CONTROL_MAX_AGE, "600"),
        ],
    )
        .into_response()
}
