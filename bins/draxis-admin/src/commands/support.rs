//! What the command groups share: finding a tenant's record by ref, the audit actor of
//! the CLI and its events, and how times are printed.

use draxis_auth::{AuditEvent, AuditLog};
use draxis_domain::entities::Tenant;
use draxis_domain::repository::{RefKind, RiskRepository};
use draxis_dropzone::records::Actor;
use draxis_store::Store;

/// The id of a tenant's record of `kind` named by `key` (a ref, an id or a name).
pub async fn lookup(
    store: &Store,
    tenant: &Tenant,
    kind: RefKind,
    key: &str,
) -> anyhow::Result<i64> {
    match store.find_ref(tenant.id, kind, key).await? {
        Some(link) => Ok(link.id),
        None => anyhow::bail!("no {kind:?} `{key}` in tenant {}", tenant.slug),
    }
}

/// The audit actor of a command run by `by`.
pub fn admin_actor(by: &str) -> Actor {
    Actor {
        label: format!("admin-cli:{}", by.trim()),
        token_id: None,
    }
}

/// Records what a command did in `tenant`; the command's effect stands even when the
/// trail cannot be written, so a failure is reported, not raised.
pub async fn record(
    store: &Store,
    tenant: &Tenant,
    by: &str,
    action: &'static str,
    subject: String,
    details: serde_json::Value,
) {
    let event = AuditEvent::new(action, admin_actor(by).label, subject)
        .in_tenant(Some(tenant.id))
        .with_details(details);
    if let Err(error) = store.record(&event).await {
        eprintln!("warning: could not write the audit event {action}: {error}");
    }
}

/// A time as `YYYY-MM-DD HH:MM`, or `-`.
pub fn when(time: Option<chrono::DateTime<chrono::Utc>>) -> String {
    time.map_or_else(|| "-".into(), |t| t.format("%Y-%m-%d %H:%M").to_string())
}
