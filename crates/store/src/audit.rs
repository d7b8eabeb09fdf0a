//! The audit trail as [`AuditLog`]: events appended one row each (with or without a
//! tenant), listed newest first by tenant, action, actor and time.

use async_trait::async_trait;
use draxis_auth::{AuditEvent, AuditLog, AuditQuery, AuditRecord, StorageResult, TenantId};
use sqlx::any::AnyArguments;
use sqlx::{Arguments, AssertSqlSafe, Row};

use crate::Store;
use crate::rows::{Failure, storage};

/// Most events one listing returns.
pub const MAX_AUDIT_PAGE: u32 = 1000;

/// A value bound to a listing's placeholder.
enum Bound {
    Int(i64),
    Text(String),
}

/// The `WHERE` clause of `query` with `$n` placeholders, and the values to bind.
fn conditions(query: &AuditQuery) -> (String, Vec<Bound>) {
    let mut clauses = Vec::new();
    let mut values = Vec::new();
    let mut push = |clause: &str, value: Bound| {
        values.push(value);
        clauses.push(clause.replace("$?", &format!("${}", values.len())));
    };
    if let Some(TenantId(tenant)) = query.tenant {
        push("e.tenant_id = $?", Bound::Int(tenant));
    }
    match query.action.as_deref().map(str::trim) {
        Some(family) if family.ends_with('.') => push(
            "e.action LIKE $? ESCAPE '\\'",
            Bound::Text(format!("{}%", like_escaped(family))),
        ),
        Some(action) if !action.is_empty() => {
            push("e.action = $?", Bound::Text(action.to_string()))
        }
        _ => {}
    }
    if let Some(actor) = query
        .actor
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty())
    {
        push(
            "LOWER(e.actor) LIKE $? ESCAPE '\\'",
            Bound::Text(format!("%{}%", like_escaped(&actor.to_lowercase()))),
        );
    }
    if let Some(since) = query.since {
        push("e.at >= $?", Bound::Int(since));
    }
    if let Some(until) = query.until {
        push("e.at < $?", Bound::Int(until));
    }
    if let Some(before) = query.before_id {
        push("e.id < $?", Bound::Int(before));
    }
    let clause = if clauses.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", clauses.join(" AND "))
    };
    (clause, values)
}

/// `text` with LIKE's wildcards and the escape character taken literally.
fn like_escaped(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

fn arguments(values: Vec<Bound>) -> Result<AnyArguments, Failure> {
    let mut args = AnyArguments::default();
    for value in values {
        match value {
            Bound::Int(n) => args.add(n),
            Bound::Text(text) => args.add(text),
        }?;
    }
    Ok(args)
}

impl Store {
    async fn audit_trail_rows(&self, query: &AuditQuery) -> Result<Vec<AuditRecord>, Failure> {
        let (clause, values) = conditions(query);
        let limit = query.limit.clamp(1, MAX_AUDIT_PAGE);
        let sql = format!(
            "SELECT e.id, e.at, e.tenant_id, t.slug, e.actor, e.credential, e.client_address, \
             e.action, e.subject, e.outcome, e.details \
             FROM audit_events e LEFT JOIN tenants t ON t.id = e.tenant_id{clause} \
             ORDER BY e.id DESC LIMIT {limit}"
        );
        // The text is our fixed clauses and a number; every value is bound.
        let rows = sqlx::query_with(AssertSqlSafe(sql), arguments(values)?)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|row| {
                Ok(AuditRecord {
                    id: row.try_get(0)?,
                    at: row.try_get(1)?,
                    tenant: row.try_get::<Option<i64>, _>(2)?.map(TenantId),
                    tenant_slug: row.try_get(3)?,
                    actor: row.try_get(4)?,
                    credential: row.try_get(5)?,
                    client_address: row.try_get(6)?,
                    action: row.try_get(7)?,
                    subject: row.try_get(8)?,
                    outcome: row.try_get(9)?,
                    details: row.try_get(10)?,
                })
            })
            .collect()
    }
}

/// Writes one audit event on `executor`: the pool, or a transaction whose change the
/// event records (so both commit together).
pub(crate) async fn insert_event<'e>(
    executor: impl sqlx::Executor<'e, Database = sqlx::Any>,
    event: &AuditEvent,
) -> StorageResult<()> {
    sqlx::query(
        "INSERT INTO audit_events (tenant_id, at, actor, token_id, credential, client_address, \
         action, subject, outcome, details) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(event.tenant.map(|t| t.0))
    .bind(chrono::Utc::now().timestamp_millis())
    .bind(event.actor.as_str())
    .bind(event.token_id)
    .bind(event.credential.clone())
    .bind(event.client_address.clone())
    .bind(event.action)
    .bind(event.subject.as_str())
    .bind(event.outcome.as_str())
    .bind(event.details.to_string())
    .execute(executor)
    .await
    .map_err(storage)?;
    Ok(())
}

#[async_trait]
impl AuditLog for Store {
    async fn record(&self, event: &AuditEvent) -> StorageResult<()> {
        insert_event(&self.pool, event).await
    }

    async fn audit_trail(&self, query: &AuditQuery) -> StorageResult<Vec<AuditRecord>> {
        self.audit_trail_rows(query)
            .await
            .map_err(draxis_auth::StorageError)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_number_their_placeholders_in_order() {
        let query = AuditQuery {
            tenant: Some(TenantId(3)),
            action: Some("oauth.".into()),
            actor: Some("50%_off".into()),
            since: Some(10),
            ..AuditQuery::default()
        };
        let (clause, values) = conditions(&query);
        assert_eq!(
            clause,
            " WHERE e.tenant_id = $1 AND e.action LIKE $2 ESCAPE '\\' AND LOWER(e.actor) LIKE $3 ESCAPE '\\' AND e.at >= $4"
        );
        assert!(matches!(&values[2], Bound::Text(t) if t == "%50\\%\\_off%"));
        assert_eq!(conditions(&AuditQuery::default()).0, "");
    }
}
