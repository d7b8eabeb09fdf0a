//! `draxis-admin demo`: fill an empty database with the demo tenants.

use clap::Subcommand;
use draxis_app::App;
use draxis_store::SeedOutcome;

#[derive(Debug, Subcommand)]
pub enum DemoCommand {
    /// Fill an empty database with the demo tenants `acme` and `globex`.
    Seed,
}

pub async fn run(app: &App, command: DemoCommand) -> anyhow::Result<()> {
    let store = &app.store;
    match command {
        DemoCommand::Seed => match store.seed_demo(chrono::Utc::now().date_naive()).await? {
            SeedOutcome::Seeded(tenants) => {
                for t in tenants {
                    eprintln!(
                        "seeded {}: {} KRIs, {} observations, {} assets, {} simulations",
                        t.slug, t.kris, t.observations, t.assets, t.simulations
                    );
                }
            }
            SeedOutcome::AlreadyHasData(slugs) => {
                anyhow::bail!(
                    "the database already has tenants ({}); demo seed only fills an empty database",
                    slugs.join(", ")
                )
            }
        },
    }
    Ok(())
}
