//! `draxis-admin audit`: the audit trail, newest first, filtered by tenant (all tenants and
//! events of none when omitted), action, actor and time, as a table or JSON.

use anyhow::Context;
use chrono::{DateTime, Duration, Utc};
use clap::Subcommand;
use draxis_app::App;
use draxis_auth::{AuditLog, AuditQuery, AuditRecord};
use draxis_store::MAX_AUDIT_PAGE;

use super::support::when;

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// The newest audit events: sign-ins, tokens, consent, grants, client registrations,
    /// tenant switches, integrations, artifacts, decisions, runs and band changes.
    List {
        /// Only this tenant's events; without it, every tenant's and those of none
        /// (client registrations, sign-ins for unknown e-mails).
        #[arg(long)]
        tenant: Option<String>,
        /// An action (`sign_in`, `token.create`) or a family ending in a dot (`oauth.`).
        #[arg(long)]
        action: Option<String>,
        /// Part of the actor, case-insensitive (`alice@`, `token:12`, `admin-cli:`).
        #[arg(long)]
        actor: Option<String>,
        /// From this time on: RFC 3339 (2026-05-01T00:00:00Z) or an age such as 24h, 7d, 30m.
        #[arg(long)]
        since: Option<String>,
        /// Before this time: RFC 3339 or an age.
        #[arg(long)]
        until: Option<String>,
        #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_AUDIT_PAGE)))]
        limit: u32,
        /// One JSON array on stdout instead of a table.
        #[arg(long)]
        json: bool,
    },
}

/// A time given as RFC 3339 or as an age before `now` (`90s`, `30m`, `24h`, `7d`, `2w`).
fn parse_time(text: &str, now: DateTime<Utc>) -> anyhow::Result<DateTime<Utc>> {
    let text = text.trim();
    if let Ok(time) = DateTime::parse_from_rfc3339(text) {
        return Ok(time.with_timezone(&Utc));
    }
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (count, unit) = text.split_at(split);
    let count: i64 = count
        .parse()
        .ok()
        .filter(|n| *n <= 100_000)
        .with_context(|| {
            format!("`{text}` is neither an RFC 3339 time nor an age such as 24h or 7d")
        })?;
    let age = match unit {
        "s" => Duration::seconds(count),
        "m" => Duration::minutes(count),
        "h" => Duration::hours(count),
        "d" => Duration::days(count),
        "w" => Duration::weeks(count),
        _ => anyhow::bail!("`{text}`: the unit of an age is s, m, h, d or w (such as 24h)"),
    };
    Ok(now - age)
}

fn as_json(e: &AuditRecord) -> serde_json::Value {
    serde_json::json!({
        "id": e.id,
        "at": DateTime::from_timestamp_millis(e.at).map(|t| t.to_rfc3339()),
        "tenant": e.tenant_slug,
        "actor": e.actor,
        "credential": e.credential,
        "clientAddress": e.client_address,
        "action": e.action,
        "subject": e.subject,
        "outcome": e.outcome,
        "details": serde_json::from_str::<serde_json::Value>(&e.details)
            .unwrap_or_else(|_| serde_json::Value::String(e.details.clone())),
    })
}

fn print_table(events: &[AuditRecord]) {
    println!(
        "{:<7} {:<16} {:<10} {:<32} {:<12} {:<24} {:<9} {:<16} {:<15} DETAILS",
        "ID", "AT", "TENANT", "ACTOR", "CREDENTIAL", "ACTION", "OUTCOME", "SUBJECT", "ADDRESS"
    );
    for e in events {
        println!(
            "{:<7} {:<16} {:<10} {:<32} {:<12} {:<24} {:<9} {:<16} {:<15} {}",
            e.id,
            when(DateTime::from_timestamp_millis(e.at)),
            e.tenant_slug.as_deref().unwrap_or("-"),
            e.actor.escape_debug().to_string(),
            e.credential.as_deref().unwrap_or("-"),
            e.action,
            e.outcome,
            e.subject.escape_debug().to_string(),
            e.client_address.as_deref().unwrap_or("-"),
            e.details.escape_debug()
        );
    }
}

pub async fn run(app: &App, command: AuditCommand) -> anyhow::Result<()> {
    let store = &app.store;
    match command {
        AuditCommand::List {
            tenant,
            action,
            actor,
            since,
            until,
            limit,
            json,
        } => {
            let now = Utc::now();
            let tenant = match tenant {
                Some(slug) => Some(store.require_tenant(&slug).await?.id),
                None => None,
            };
            let time = |text: Option<String>, flag: &str| -> anyhow::Result<Option<i64>> {
                text.map(|t| {
                    parse_time(&t, now)
                        .map(|t| t.timestamp_millis())
                        .with_context(|| format!("--{flag}"))
                })
                .transpose()
            };
            let query = AuditQuery {
                tenant,
                action,
                actor,
                since: time(since, "since")?,
                until: time(until, "until")?,
                before_id: None,
                limit,
            };
            let events = store.audit_trail(&query).await?;
            if json {
                let list: Vec<_> = events.iter().map(as_json).collect();
                println!("{}", serde_json::Value::Array(list));
            } else {
                print_table(&events);
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_rfc_3339_or_ages() {
        let now = DateTime::parse_from_rfc3339("2026-05-10T12:00:00Z")
            .unwrap_or_default()
            .with_timezone(&Utc);
        let at = |text: &str| parse_time(text, now).map(|t| t.to_rfc3339()).ok();
        assert_eq!(at("24h").as_deref(), Some("2026-05-09T12:00:00+00:00"));
        assert_eq!(at("7d").as_deref(), Some("2026-05-03T12:00:00+00:00"));
        assert_eq!(at("30m").as_deref(), Some("2026-05-10T11:30:00+00:00"));
        assert_eq!(
            at("2026-05-01T00:00:00+02:00").as_deref(),
            Some("2026-04-30T22:00:00+00:00")
        );
        for bad in ["", "h", "24", "24y", "-3h", "99999999999d", "yesterday"] {
            assert!(at(bad).is_none(), "{bad}");
        }
    }
}
