//! `draxis-admin integration`: drop zones and connectors — list, create, run.

use anyhow::Context;
use clap::Subcommand;
use draxis_app::App;
use draxis_domain::ids::IdKind;
use draxis_domain::repository::{RefKind, RiskRepository};

use draxis_auth::audit::action;
use serde_json::json;

use super::support::{admin_actor, lookup, record, when};

#[derive(Debug, Subcommand)]
pub enum IntegrationCommand {
    /// List a tenant's integrations with their pending-review counts.
    List {
        #[arg(long)]
        tenant: String,
    },
    /// Create a drop zone or a connector.
    Create {
        #[arg(long)]
        tenant: String,
        #[arg(long)]
        name: String,
        /// drop_zone, http_json (config {"url": "http://..."}) or directory
        /// (config {"path": "/folder", "extensions": [".csv"]}).
        #[arg(long, value_parser = ["drop_zone", "http_json", "directory"])]
        kind: String,
        /// Connector settings as JSON.
        #[arg(long, default_value = "{}")]
        config: String,
        /// manual, hourly or daily.
        #[arg(long, default_value = "manual", value_parser = ["manual", "hourly", "daily"])]
        schedule: String,
        /// Who created it (recorded in the audit trail).
        #[arg(long, env = "USER", default_value = "operator")]
        by: String,
    },
    /// Run an integration now, as run_integration does (a connector fetches first).
    Run {
        #[arg(long)]
        tenant: String,
        /// Integration id (int_3) or name.
        id: String,
        #[arg(long, env = "USER", default_value = "operator")]
        by: String,
    },
}

pub async fn run(app: &App, command: IntegrationCommand) -> anyhow::Result<()> {
    let store = &app.store;
    match command {
        IntegrationCommand::List { tenant } => {
            let tenant = store.require_tenant(&tenant).await?;
            println!(
                "{:<8} {:<32} {:<11} {:<8} {:>8} LAST RUN",
                "ID", "NAME", "KIND", "SCHEDULE", "PENDING"
            );
            for i in store.integrations(tenant.id).await?.iter() {
                println!(
                    "{:<8} {:<32} {:<11} {:<8} {:>8} {}",
                    IdKind::Integration.format(i.id),
                    i.name,
                    i.kind.as_str(),
                    i.schedule.as_str(),
                    i.pending_review_count,
                    i.last_run.as_ref().map_or("-".into(), |r| format!(
                        "{} {} ({} written, {} skipped)",
                        when(Some(r.started_at)),
                        r.status,
                        r.rows_written,
                        r.rows_skipped
                    ))
                );
            }
        }
        IntegrationCommand::Create {
            tenant,
            name,
            kind,
            config,
            schedule,
            by,
        } => {
            let tenant = store.require_tenant(&tenant).await?;
            serde_json::from_str::<serde_json::Value>(&config)
                .with_context(|| format!("--config is not JSON: {config}"))?;
            let id = store
                .create_integration(&tenant, &name, &kind, &schedule, &config)
                .await?;
            eprintln!(
                "created {kind} integration {} \"{}\" in tenant {}",
                IdKind::Integration.format(id),
                name.trim(),
                tenant.slug
            );
            // The config may hold credentials (a URL with a key): only its kind is recorded.
            let details = json!({"name": name.trim(), "kind": kind, "schedule": schedule});
            let subject = IdKind::Integration.format(id);
            record(
                store,
                &tenant,
                &by,
                action::INTEGRATION_CREATE,
                subject,
                details,
            )
            .await;
            println!("{}", IdKind::Integration.format(id));
        }
        IntegrationCommand::Run { tenant, id, by } => {
            let tenant = store.require_tenant(&tenant).await?;
            let key = lookup(store, &tenant, RefKind::Integration, &id).await?;
            let integration = store
                .integrations(tenant.id)
                .await?
                .iter()
                .find(|i| i.id == key)
                .cloned()
                .context("integration vanished")?;
            let result = app
                .dropzone
                .run(tenant.id, &integration, &admin_actor(&by))
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            eprintln!("{}: {}", result.run_id, result.summary);
        }
    }
    Ok(())
}
