//! `draxis-admin member`: who may sign in to which tenant, and as what.

use clap::Subcommand;
use draxis_app::App;

#[derive(Debug, Subcommand)]
pub enum MemberCommand {
    /// Add a user to a tenant, or change their role there.
    Add {
        #[arg(long)]
        tenant: String,
        #[arg(long)]
        email: String,
        /// viewer (read only), analyst (also write tools and review), admin (also the
        /// band and everyone's tokens and apps).
        #[arg(long, value_parser = ["viewer", "analyst", "admin"])]
        role: String,
    },
    /// Remove a user from a tenant; their OAuth tokens there stop working at once.
    Remove {
        #[arg(long)]
        tenant: String,
        #[arg(long)]
        email: String,
    },
}

pub async fn run(app: &App, command: MemberCommand) -> anyhow::Result<()> {
    let store = &app.store;
    match command {
        MemberCommand::Add {
            tenant,
            email,
            role,
        } => {
            let role = draxis_auth::Role::parse(&role).map_err(anyhow::Error::msg)?;
            store.add_member(&tenant, &email, role).await?;
            eprintln!("{email} is now {role} in {tenant}");
        }
        MemberCommand::Remove { tenant, email } => {
            store.remove_member(&tenant, &email).await?;
            eprintln!("removed {email} from {tenant}; their OAuth tokens there no longer work");
        }
    }
    Ok(())
}
