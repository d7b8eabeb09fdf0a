//! `draxis-admin tenant`: create and list tenants, set a tenant's autonomy band.

use anyhow::Context;
use clap::Subcommand;
use draxis_app::App;
use draxis_protocol::types::AutonomyBand;

use super::support::{admin_actor, when};

#[derive(Debug, Subcommand)]
pub enum TenantCommand {
    /// Create a tenant.
    Create {
        /// Tenant slug: lowercase letters, digits and dashes (appears in tokens).
        slug: String,
        /// Display name (defaults to the slug).
        #[arg(long)]
        name: Option<String>,
    },
    /// List tenants.
    List,
    /// Set how much the Drop Zone extractor may accept without a human: manual (nothing),
    /// conservative (confidence >= 0.95), balanced (>= 0.85, the default), autonomous (>= 0.70).
    SetBand {
        #[arg(long)]
        tenant: String,
        #[arg(value_parser = ["manual", "conservative", "balanced", "autonomous"])]
        band: String,
    },
}

pub async fn run(app: &App, command: TenantCommand) -> anyhow::Result<()> {
    let store = &app.store;
    match command {
        TenantCommand::Create { slug, name } => {
            let tenant = store
                .create_tenant(&slug, name.as_deref().unwrap_or(&slug))
                .await?;
            eprintln!("created tenant {} ({})", tenant.slug, tenant.name);
        }
        TenantCommand::List => {
            let tenants = store.list_tenants().await?;
            println!("{:<20} {:<32} CREATED", "SLUG", "NAME");
            for t in tenants {
                println!("{:<20} {:<32} {}", t.slug, t.name, when(Some(t.created_at)));
            }
        }
        TenantCommand::SetBand { tenant, band } => {
            let tenant = store.require_tenant(&tenant).await?;
            let band = AutonomyBand::parse(&band).context("unknown band")?;
            let user = std::env::var("USER").unwrap_or_else(|_| "operator".into());
            let previous = app
                .dropzone
                .set_autonomy_band(tenant.id, band, &admin_actor(&user))
                .await?;
            eprintln!(
                "tenant {}: autonomy band {previous} -> {band} ({})",
                tenant.slug,
                draxis_dropzone::band::threshold(band)
                    .map_or("every proposal waits for review".into(), |t| format!(
                        "proposals at confidence >= {t} auto-accept"
                    ))
            );
        }
    }
    Ok(())
}
