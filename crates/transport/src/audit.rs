//! Recording audit events from HTTP handlers: the caller's address (the TCP peer, never a
//! forwarded header anyone can forge) and a write that never fails the action it records
//! (a failed write is logged as an error instead).

use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use draxis_auth::AuditEvent;
use http::request::Parts;

use crate::AppState;

/// The peer address of the request, when the server was started with connection info.
#[derive(Debug, Clone)]
pub(crate) struct ClientAddress(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Infallible> {
        Ok(Self(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|info| info.0.ip()),
        ))
    }
}

/// Appends `event` to the audit trail; a storage failure is logged, not returned.
pub(crate) async fn record(state: &AppState, event: AuditEvent) {
    if let Err(error) = state.audit.record(&event).await {
        tracing::error!(%error, action = event.action, "could not write an audit event");
    }
}
