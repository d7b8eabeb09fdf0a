//! `draxis-admin`: the operator's CLI for tenants, tokens, users and memberships,
//! migrations, demo data, the review queue, integrations and simulations.
//!
//! Results meant for scripts (a new token) go to stdout alone; everything else goes to
//! stderr, so `TOKEN=$(draxis-admin token create ...)` captures just the token.

mod commands;

use anyhow::Context;
use clap::{Parser, Subcommand};
use draxis_app::{App, AppConfig};
use draxis_store::{Store, redact_url};

use commands::audit::AuditCommand;
use commands::demo::DemoCommand;
use commands::integration::IntegrationCommand;
use commands::member::MemberCommand;
use commands::register::RegisterCommand;
use commands::review::ReviewCommand;
use commands::simulate::SimulateArgs;
use commands::tenant::TenantCommand;
use commands::token::TokenCommand;
use commands::user::UserCommand;

/// Operate a Draxis installation: tenants, API tokens, migrations, demo data.
///
/// Uses the same database as draxis-server (default ./draxis.db; set --database or
/// DRAXIS_DATABASE_URL for PostgreSQL). Safe to run while the server is up.
#[derive(Debug, Parser)]
#[command(version, about, long_about)]
struct Cli {
    /// Database: sqlite://PATH or postgres://USER@HOST:PORT/DB.
    #[arg(long, global = true, env = "DRAXIS_DATABASE_URL", hide_env_values = true, default_value = draxis_store::DEFAULT_DATABASE_URL)]
    database: String,

    /// Let `integration run` reach http_json connectors on private, loopback and other
    /// non-public addresses, as draxis-server --connector-allow-private does.
    #[arg(long, global = true, env = "DRAXIS_CONNECTOR_ALLOW_PRIVATE")]
    connector_allow_private: bool,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create and list tenants.
    #[command(subcommand)]
    Tenant(TenantCommand),
    /// Mint, list and revoke personal access tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Apply pending database migrations (the server also does this on start).
    Migrate,
    /// Demo data.
    #[command(subcommand)]
    Demo(DemoCommand),
    /// The Pending Extraction Review queue: list, inspect, accept (optionally with a
    /// corrected value) or reject what the Drop Zone extractor proposed.
    #[command(subcommand)]
    Review(ReviewCommand),
    /// Drop zones and connectors: list, create, run.
    #[command(subcommand)]
    Integration(IntegrationCommand),
    /// The audit trail: sign-ins, tokens, OAuth consent and grants, client registrations,
    /// tenant switches, integrations, artifacts, decisions, runs and band changes.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Console users: create, list, disable, enrol a second factor.
    #[command(subcommand)]
    User(UserCommand),
    /// Tenant memberships: who may sign in to which tenant, as viewer, analyst or admin.
    #[command(subcommand)]
    Member(MemberCommand),
    /// A tenant's register as files: import (validated first, one transaction, --dry-run,
    /// --prune) and export (yaml, json, csv).
    #[command(subcommand)]
    Register(RegisterCommand),
    /// Run Monte Carlo loss simulations (FAIR) for a risk, an outcome, or all of them.
    Simulate(SimulateArgs),
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    match open_and_run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            // One readable line (with its causes), never a backtrace.
            eprintln!("error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn open_and_run(cli: Cli) -> anyhow::Result<()> {
    let store = Store::connect(&cli.database)
        .await
        .with_context(|| format!("opening {}", redact_url(&cli.database)))?;
    store.migrate().await.context("migrating the database")?;
    let config = AppConfig {
        connector_allow_private: cli.connector_allow_private,
        ..AppConfig::default()
    };
    let result = run(&store, &config, cli.command).await;
    store.close().await;
    result
}

async fn run(store: &Store, config: &AppConfig, command: Command) -> anyhow::Result<()> {
    let app = App::assemble(store.clone(), config)?;
    match command {
        Command::Migrate => commands::migrate::run(),
        Command::Demo(command) => commands::demo::run(&app, command).await?,
        Command::Simulate(args) => commands::simulate::run(&app, args).await?,
        Command::Tenant(command) => commands::tenant::run(&app, command).await?,
        Command::Token(command) => commands::token::run(&app, command).await?,
        Command::Review(command) => commands::review::run(&app, command).await?,
        Command::User(command) => commands::user::run(&app, command).await?,
        Command::Member(command) => commands::member::run(&app, command).await?,
        Command::Integration(command) => commands::integration::run(&app, command).await?,
        Command::Audit(command) => commands::audit::run(&app, command).await?,
        Command::Register(command) => commands::register::run(&app, command).await?,
    }
    Ok(())
}
