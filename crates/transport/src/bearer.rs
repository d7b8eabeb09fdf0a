//! Bearer authentication in front of `/api/mcp`: a verified [`Principal`] goes into the
//! request's extensions; anything else gets a 401 whose `WWW-Authenticate` says exactly
//! what is wrong and where the OAuth metadata lives (RFC 9728). An OAuth token without
//! `mcp:write` calling a write tool gets a 403 step-up challenge instead of a tool error.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use draxis_auth::{AuthError, Principal, Scope, TokenVerifier};
use draxis_protocol::ToolScope;
use http::{HeaderValue, StatusCode, header};
use http_body_util::BodyExt;

/// What the bearer check needs.
pub(crate) struct Guard {
    pub verifier: Arc<TokenVerifier>,
    /// Absolute URL of our Protected Resource Metadata.
    pub resource_metadata: String,
    pub max_body_bytes: usize,
}

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
pub(crate) fn refusal(error: &AuthError, resource_metadata: &str) -> Response {
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
        r#"Bearer realm="draxis", resource_metadata="{}", error="invalid_token", error_description="{description}""#,
        quoted_safe(resource_metadata)
    );
    let body =
        serde_json::json!({ "error": "invalid_token", "error_description": error.to_string() });
    challenged(StatusCode::UNAUTHORIZED, &challenge, body)
}

/// A JSON error answer with its `WWW-Authenticate` challenge.
fn challenged(status: StatusCode, challenge: &str, body: serde_json::Value) -> Response {
    let mut response = (status, axum::Json(body)).into_response();
    if let Ok(value) = HeaderValue::from_str(challenge) {
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, value);
    }
    response
}

/// RFC 6750 §3.1 `insufficient_scope`, naming the scopes that would do.
fn step_up(tool: &str, resource_metadata: &str) -> Response {
    let challenge = format!(
        r#"Bearer realm="draxis", error="insufficient_scope", scope="mcp:read mcp:write", resource_metadata="{}", error_description="{tool} needs mcp:write; sign in again and approve write access""#,
        quoted_safe(resource_metadata)
    );
    let body = serde_json::json!({
        "error": "insufficient_scope",
        "error_description": format!("{tool} needs the mcp:write scope; this token has only mcp:read. Authorize again and approve mcp:write (analysts and admins only)."),
    });
    challenged(StatusCode::FORBIDDEN, &challenge, body)
}

/// The write tool a JSON-RPC body calls, if any (single messages and batches).
fn write_tool_called(body: &[u8]) -> Option<&'static str> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    let messages = match &value {
        serde_json::Value::Array(items) => items.iter().collect::<Vec<_>>(),
        other => vec![other],
    };
    messages.into_iter().find_map(|message| {
        if message.get("method")?.as_str()? != "tools/call" {
            return None;
        }
        let name = message.get("params")?.get("name")?.as_str()?;
        draxis_protocol::tool(name)
            .filter(|spec| spec.scope == ToolScope::Write)
            .map(|spec| spec.name)
    })
}

pub(crate) async fn require_bearer(
    State(guard): State<Arc<Guard>>,
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
            return refusal(
                &AuthError::Format(draxis_auth::PatFormatError::NotAPat),
                &guard.resource_metadata,
            );
        }
    };
    let principal: Principal = match guard.verifier.verify_header(header).await {
        Ok(principal) => principal,
        Err(error) => {
            tracing::info!(reason = %error, "refused /api/mcp request");
            return refusal(&error, &guard.resource_metadata);
        }
    };
    tracing::debug!(tenant = %principal.tenant_slug, caller = %principal.audit_label(), "authenticated");
    if principal.is_oauth() && !principal.scopes.allows(Scope::Write) {
        // Read the (size-limited) body once to see whether it calls a write tool.
        let (parts, body) = request.into_parts();
        let limited = http_body_util::Limited::new(body, guard.max_body_bytes);
        let bytes = match limited.collect().await {
            Ok(collected) => collected.to_bytes(),
            Err(_) => {
                return (
                    StatusCode::PAYLOAD_TOO_LARGE,
                    format!("request body is larger than {} bytes", guard.max_body_bytes),
                )
                    .into_response();
            }
        };
        if let Some(tool) = write_tool_called(&bytes) {
            tracing::info!(tool, caller = %principal.audit_label(), "write tool refused: step-up needed");
            return step_up(tool, &guard.resource_metadata);
        }
        request = Request::from_parts(parts, Body::from(bytes));
    }
    request.extensions_mut().insert(principal);
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenge_text_cannot_break_the_header() {
        assert_eq!(quoted_safe(r#"bad "x" \ é"#), "bad ?x? ? ?");
    }

    #[test]
    fn write_calls_are_recognised_in_single_and_batched_messages() {
        let call = br#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"run_integration","arguments":{}}}"#;
        assert_eq!(write_tool_called(call), Some("run_integration"));
        let read =
            br#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"list_kris"}}"#;
        assert_eq!(write_tool_called(read), None);
        let batch = br#"[{"jsonrpc":"2.0","method":"ping","id":2},{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"submit_dropzone_artifact"}}]"#;
        assert_eq!(write_tool_called(batch), Some("submit_dropzone_artifact"));
        assert_eq!(write_tool_called(b"not json"), None);
    }
}
