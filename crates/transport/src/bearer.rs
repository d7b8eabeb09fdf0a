//! Bearer authentication in front of `/api/mcp`: a verified [`Principal`] goes into the
//! request's extensions; anything else gets a 401 whose `WWW-Authenticate` says exactly
//! what is wrong with the credential.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use draxis_auth::{AuthError, TokenVerifier};
use http::{HeaderValue, StatusCode, header};

/// Makes `text` safe inside an RFC 7230 quoted-string: visible ASCII only, no `"` or `\`.
fn quoted_safe(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '?'
            }
        })
        .collect()
}

/// The 401 (or 503) for a refused credential.
pub(crate) fn refusal(error: &AuthError) -> Response {
    let description = quoted_safe(&error.to_string());
    if !error.is_caller_error() {
        tracing::error!(error = ?error, "token verification failed");
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::RETRY_AFTER, "5")],
            description,
        )
            .into_response();
    }
    let challenge = format!(
        r#"Bearer realm="draxis", error="invalid_token", error_description="{description}""#
    );
    let body =
        serde_json::json!({ "error": "invalid_token", "error_description": error.to_string() });
    let mut response = (StatusCode::UNAUTHORIZED, axum::Json(body)).into_response();
    if let Ok(value) = HeaderValue::from_str(&challenge) {
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, value);
    }
    response
}

pub(crate) async fn require_bearer(
    State(verifier): State<Arc<TokenVerifier>>,
    mut request: Request,
    next: Next,
) -> Response {
    let header = match request
        .headers()
        .get(header::AUTHORIZATION)
        .map(|v| v.to_str())
    {
        None => None,
        Some(Ok(value)) => Some(value),
        Some(Err(_)) => {
            return refusal(&AuthError::Format(draxis_auth::PatFormatError::NotAPat));
        }
    };
    match verifier.verify_header(header).await {
        Ok(principal) => {
            tracing::debug!(tenant = %principal.tenant_slug, token_id = principal.token_id, "authenticated");
            request.extensions_mut().insert(principal);
            next.run(request).await
        }
        Err(error) => {
            tracing::info!(reason = %error, "refused /api/mcp request");
            refusal(&error)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::quoted_safe;

    #[test]
    fn challenge_text_cannot_break_the_header() {
        assert_eq!(quoted_safe(r#"bad "x" \ é"#), "bad ?x? ? ?");
    }
}
