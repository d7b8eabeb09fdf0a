//! The audit trail's vocabulary: what an event says (actor, tenant, credential, client
//! address, action, outcome), the action names, and the [`AuditLog`] trait that stores and
//! lists events. Recorded by the console, the OAuth endpoints, the admin CLI and the Drop
//! Zone; `draxis-store` implements it.

use crate::storage::StorageResult;
use crate::verify::{Credential, Principal, TenantId};

/// The action names of the trail (the Drop Zone adds its own: `artifact.submitted`,
/// `integration.run`, `extraction.accepted`, `extraction.rejected`,
/// `tenant.autonomy_band_set`).
pub mod action {
    /// A console sign-in; outcome `success`, `failure` or `throttled`.
    pub const SIGN_IN: &str = "sign_in";
    /// A personal access token minted (console or CLI).
    pub const TOKEN_CREATE: &str = "token.create";
    /// A personal access token revoked (console or CLI).
    pub const TOKEN_REVOKE: &str = "token.revoke";
    /// The OAuth consent screen answered: outcome `success` (approved) or `denied`.
    pub const OAUTH_CONSENT: &str = "oauth.consent";
    /// An OAuth grant revoked (Connected apps, or a client at the revocation endpoint).
    pub const GRANT_REVOKE: &str = "oauth.grant_revoke";
    /// A client registered dynamically (no tenant).
    pub const CLIENT_REGISTER: &str = "oauth.client_register";
    /// A console user switched to another tenant.
    pub const TENANT_SWITCH: &str = "tenant.switch";
    /// An integration created, changed or deleted.
    pub const INTEGRATION_CREATE: &str = "integration.create";
    pub const INTEGRATION_UPDATE: &str = "integration.update";
    pub const INTEGRATION_DELETE: &str = "integration.delete";
    /// A register imported (CLI or console), dry runs included; outcome `failure` when the
    /// files were refused.
    pub const REGISTER_IMPORT: &str = "register.import";
}

/// How an audited action ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    /// Refused for a reason the actor controls (wrong password, unknown client).
    Failure,
    /// A person said no (consent denied).
    Denied,
    /// Refused by a rate limit or lock.
    Throttled,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::Failure => "failure",
            Outcome::Denied => "denied",
            Outcome::Throttled => "throttled",
        }
    }
}

/// An event to record. Build it with [`AuditEvent::new`] and the `with_` methods.
#[derive(Debug, Clone)]
pub struct AuditEvent {
    /// `None` for events outside any tenant (client registration, an unknown e-mail).
    pub tenant: Option<TenantId>,
    /// Who acted: `user:alice@example.com`, `token:12 (cron)`, `admin-cli:bob`, `anonymous`.
    pub actor: String,
    /// The credential used: `pat:12`, `grant:3`, `session:7`; none for anonymous acts.
    pub credential: Option<String>,
    /// The PAT's id when a PAT acted (kept in its own column for joins).
    pub token_id: Option<i64>,
    /// The peer address of the HTTP request, when there was one.
    pub client_address: Option<String>,
    pub action: &'static str,
    /// What was acted on: `token:12`, `grant:3`, `client:<id>`, `tenant:acme`.
    pub subject: String,
    pub outcome: Outcome,
    /// Extra facts as JSON; never secrets.
    pub details: serde_json::Value,
}

impl AuditEvent {
    /// A successful `action` by `actor` on `subject`, with no tenant, credential or address.
    pub fn new(action: &'static str, actor: impl Into<String>, subject: impl Into<String>) -> Self {
        Self {
            tenant: None,
            actor: actor.into(),
            credential: None,
            token_id: None,
            client_address: None,
            action,
            subject: subject.into(),
            outcome: Outcome::Success,
            details: serde_json::Value::Null,
        }
    }

    /// The same event done by an authenticated API caller (its tenant and credential).
    pub fn by_principal(action: &'static str, principal: &Principal, subject: &str) -> Self {
        let mut event = Self::new(action, principal.audit_label(), subject)
            .in_tenant(Some(principal.tenant_id));
        event.credential = Some(credential_id(&principal.credential));
        event.token_id = principal.pat_id();
        event
    }

    pub fn in_tenant(mut self, tenant: Option<TenantId>) -> Self {
        self.tenant = tenant;
        self
    }

    pub fn with_credential(mut self, credential: Option<String>) -> Self {
        self.credential = credential;
        self
    }

    pub fn from_address(mut self, address: Option<std::net::IpAddr>) -> Self {
        self.client_address = address.map(|a| a.to_string());
        self
    }

    pub fn with_outcome(mut self, outcome: Outcome) -> Self {
        self.outcome = outcome;
        self
    }

    pub fn with_details(mut self, details: serde_json::Value) -> Self {
        self.details = details;
        self
    }
}

/// `pat:12` or `grant:3`: how the trail names a credential.
pub fn credential_id(credential: &Credential) -> String {
    match credential {
        Credential::Pat { token_id, .. } => format!("pat:{token_id}"),
        Credential::OAuth { grant_id, .. } => format!("grant:{grant_id}"),
    }
}

/// One stored event, as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    pub id: i64,
    /// Unix milliseconds.
    pub at: i64,
    pub tenant: Option<TenantId>,
    pub tenant_slug: Option<String>,
    pub actor: String,
    pub credential: Option<String>,
    pub client_address: Option<String>,
    pub action: String,
    pub subject: String,
    pub outcome: String,
    /// JSON text.
    pub details: String,
}

/// Which events to list, newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditQuery {
    /// `Some`: that tenant only. `None`: every event, with or without a tenant (operators).
    pub tenant: Option<TenantId>,
    /// Exact action name, or a family ending in `.` (`oauth.`).
    pub action: Option<String>,
    /// Part of the actor text, case-insensitive.
    pub actor: Option<String>,
    /// Unix milliseconds, inclusive.
    pub since: Option<i64>,
    /// Unix milliseconds, exclusive.
    pub until: Option<i64>,
    /// Only events with a smaller id (the next page).
    pub before_id: Option<i64>,
    pub limit: u32,
}

/// Where the trail is kept.
#[async_trait::async_trait]
pub trait AuditLog: Send + Sync {
    /// Appends an event, stamped with the current time.
    async fn record(&self, event: &AuditEvent) -> StorageResult<()>;
    /// The events matching `query`, newest first, at most `query.limit` (1-1000).
    async fn audit_trail(&self, query: &AuditQuery) -> StorageResult<Vec<AuditRecord>>;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scope::Scopes;

    #[test]
    fn a_principal_gives_its_tenant_and_credential() {
        let principal = Principal {
            tenant_id: TenantId(4),
            tenant_slug: "acme".into(),
            credential: Credential::OAuth {
                grant_id: 9,
                user_id: 2,
                user_email: "a@b.c".into(),
                client_name: "Claude".into(),
            },
            scopes: Scopes::READ,
        };
        let event = AuditEvent::by_principal(action::TOKEN_CREATE, &principal, "token:1");
        assert_eq!(event.tenant, Some(TenantId(4)));
        assert_eq!(event.credential.as_deref(), Some("grant:9"));
        assert_eq!(event.token_id, None);
        assert_eq!(event.outcome.as_str(), "success");
    }
}
