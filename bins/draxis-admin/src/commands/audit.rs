//! `draxis-admin audit`: the newest audit events of a tenant.

use clap::Subcommand;
use draxis_app::App;
use draxis_dropzone::records::DropZoneStore;

use super::support::when;

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// The newest audit events of a tenant.
    List {
        #[arg(long)]
        tenant: String,
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
}

pub async fn run(app: &App, command: AuditCommand) -> anyhow::Result<()> {
    let store = &app.store;
    match command {
        AuditCommand::List { tenant, limit } => {
            let tenant = store.require_tenant(&tenant).await?;
            println!(
                "{:<7} {:<17} {:<40} {:<26} {:<16} DETAILS",
                "ID", "AT", "ACTOR", "ACTION", "SUBJECT"
            );
            for e in store.audit_events(tenant.id, limit).await? {
                println!(
                    "{:<7} {:<17} {:<40} {:<26} {:<16} {}",
                    e.id,
                    when(Some(e.at)),
                    e.actor,
                    e.action,
                    e.subject,
                    e.details
                );
            }
        }
    }
    Ok(())
}
