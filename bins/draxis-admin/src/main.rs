//! `draxis-admin`: the operator's CLI for tenants, tokens, migrations and demo data.
//!
//! Results meant for scripts (a new token) go to stdout alone; everything else goes to
//! stderr, so `TOKEN=$(draxis-admin token create ...)` captures just the token.

use anyhow::Context;
use clap::{Parser, Subcommand};
use draxis_auth::Scopes;
use std::sync::Arc;

use draxis_domain::entities::Tenant;
use draxis_domain::repository::{RefKind, RiskRepository};
use draxis_domain::simulations::{SimulationService, Subject};
use draxis_store::{SeedOutcome, Store, redact_url};

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
    /// Run Monte Carlo loss simulations (FAIR) for a risk, an outcome, or all of them.
    Simulate {
        #[arg(long)]
        tenant: String,
        /// A risk, by ref or id (risk_3).
        #[arg(long, group = "subject")]
        risk: Option<String>,
        /// An outcome, by ref (O-01) or id (out_2): its risks' losses summed per year.
        #[arg(long, group = "subject")]
        outcome: Option<String>,
        /// Every risk and every outcome of the tenant.
        #[arg(long, group = "subject")]
        all: bool,
        /// Simulated years (1-10,000,000).
        #[arg(long, default_value_t = draxis_domain::simulations::DEFAULT_ITERATIONS)]
        iterations: u64,
        /// Random seed: the same seed and register give the same results.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Only queue the runs; a running draxis-server computes them in the background.
        #[arg(long)]
        queue: bool,
    },
}

#[derive(Debug, Subcommand)]
enum TenantCommand {
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
}

#[derive(Debug, Subcommand)]
enum TokenCommand {
    /// Mint a token and print it (plaintext, shown once) on stdout.
    Create {
        /// Tenant slug the token belongs to.
        #[arg(long)]
        tenant: String,
        /// What the token is for, such as "Claude Code".
        #[arg(long)]
        name: String,
        /// `read` for queries only, `read,write` to also submit evidence and run integrations.
        #[arg(long, default_value = "read")]
        scope: String,
        /// Days until the token stops working (1-3650); no expiry when omitted.
        #[arg(long)]
        expires_in: Option<u32>,
        /// Who asked for the token (recorded with it).
        #[arg(long, env = "USER", default_value = "operator")]
        created_by: String,
    },
    /// List a tenant's tokens (never their secrets).
    List {
        #[arg(long)]
        tenant: String,
    },
    /// Revoke a token: the next request presenting it is refused.
    Revoke {
        #[arg(long)]
        tenant: String,
        /// Token id, as shown by `token list`.
        id: i64,
    },
}

#[derive(Debug, Subcommand)]
enum DemoCommand {
    /// Fill an empty database with the demo tenants `acme` and `globex`.
    Seed,
}

fn simulations(store: &Store) -> SimulationService {
    SimulationService::new(Arc::new(store.clone()), Arc::new(store.clone()))
}

fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

async fn lookup(store: &Store, tenant: &Tenant, kind: RefKind, key: &str) -> anyhow::Result<i64> {
    match store.find_ref(tenant.id, kind, key).await? {
        Some(link) => Ok(link.id),
        None => anyhow::bail!("no {kind:?} `{key}` in tenant {}", tenant.slug),
    }
}

fn when(time: Option<chrono::DateTime<chrono::Utc>>) -> String {
    time.map_or_else(|| "-".into(), |t| t.format("%Y-%m-%d %H:%M").to_string())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let store = Store::connect(&cli.database)
        .await
        .with_context(|| format!("opening {}", redact_url(&cli.database)))?;
    store.migrate().await.context("migrating the database")?;
    let result = run(&store, cli.command).await;
    store.close().await;
    result
}

async fn run(store: &Store, command: Command) -> anyhow::Result<()> {
    match command {
        Command::Migrate => eprintln!("database is up to date"),
        Command::Demo(DemoCommand::Seed) => {
            match store.seed_demo(chrono::Utc::now().date_naive()).await? {
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
            }
        }
        Command::Simulate {
            tenant,
            risk,
            outcome,
            all,
            iterations,
            seed,
            queue,
        } => {
            let tenant = store.require_tenant(&tenant).await?;
            let service = simulations(store);
            let subject = match (risk, outcome, all) {
                (Some(key), _, _) => Some(Subject::Risk(
                    lookup(store, &tenant, RefKind::Risk, &key).await?,
                )),
                (_, Some(key), _) => Some(Subject::Outcome(
                    lookup(store, &tenant, RefKind::Outcome, &key).await?,
                )),
                (_, _, true) => None,
                _ => anyhow::bail!("say what to simulate: --risk REF, --outcome REF or --all"),
            };
            match (subject, queue) {
                (Some(subject), true) => {
                    let id = service
                        .enqueue(tenant.id, subject, iterations, seed)
                        .await
                        .map_err(anyhow::Error::msg)?;
                    eprintln!(
                        "queued simulation sim_{id}; a running draxis-server will compute it"
                    );
                }
                (Some(subject), false) => {
                    let started = std::time::Instant::now();
                    let (id, results) = service
                        .run_now(tenant.id, subject, iterations, seed, threads())
                        .await
                        .map_err(anyhow::Error::msg)?;
                    eprintln!(
                        "sim_{id}: {iterations} years in {:.0} ms; mean annual loss {:.0}, P90 {:.0}, P99 {:.0}, expected shortfall 99% {:.0}, no-loss years {:.1}%",
                        started.elapsed().as_secs_f64() * 1000.0,
                        results.mean_annual_loss,
                        results.p90,
                        results.p99,
                        results.expected_shortfall99,
                        results.probability_of_zero_loss * 100.0
                    );
                }
                (None, true) => anyhow::bail!("--queue takes one --risk or --outcome"),
                (None, false) => {
                    let started = std::time::Instant::now();
                    let runs = service
                        .run_all(tenant.id, iterations, seed, threads())
                        .await
                        .map_err(anyhow::Error::msg)?;
                    eprintln!(
                        "{runs} simulations of {iterations} years in {:.0} ms",
                        started.elapsed().as_secs_f64() * 1000.0
                    );
                }
            }
        }
        Command::Tenant(TenantCommand::Create { slug, name }) => {
            let tenant = store
                .create_tenant(&slug, name.as_deref().unwrap_or(&slug))
                .await?;
            eprintln!("created tenant {} ({})", tenant.slug, tenant.name);
        }
        Command::Tenant(TenantCommand::List) => {
            let tenants = store.list_tenants().await?;
            println!("{:<20} {:<32} CREATED", "SLUG", "NAME");
            for t in tenants {
                println!("{:<20} {:<32} {}", t.slug, t.name, when(Some(t.created_at)));
            }
        }
        Command::Token(TokenCommand::Create {
            tenant,
            name,
            scope,
            expires_in,
            created_by,
        }) => {
            let scopes = Scopes::parse(&scope).map_err(anyhow::Error::msg)?;
            let tenant = store.require_tenant(&tenant).await?;
            let created = store
                .create_token(&tenant, &name, scopes, &created_by, expires_in)
                .await?;
            eprintln!(
                "created token {} \"{}\" for tenant {} with scope `{}`{}; it is shown only now:",
                created.id,
                name.trim(),
                tenant.slug,
                scopes,
                created
                    .expires_at
                    .map(|t| format!(", expires {}", when(Some(t))))
                    .unwrap_or_default()
            );
            println!("{}", created.minted.plaintext);
        }
        Command::Token(TokenCommand::List { tenant }) => {
            let tenant = store.require_tenant(&tenant).await?;
            println!(
                "{:<6} {:<24} {:<24} {:<11} {:<17} {:<17} {:<17} STATE",
                "ID", "NAME", "PREFIX", "SCOPE", "CREATED", "LAST USED", "EXPIRES"
            );
            let now = chrono::Utc::now();
            for t in store.list_tokens(&tenant).await? {
                let state = if t.revoked_at.is_some() {
                    "revoked"
                } else if t.expires_at.is_some_and(|e| e <= now) {
                    "expired"
                } else {
                    "active"
                };
                println!(
                    "{:<6} {:<24} {:<24} {:<11} {:<17} {:<17} {:<17} {state}",
                    t.id,
                    t.name,
                    format!("{}…", t.display_prefix),
                    t.scopes.as_str(),
                    when(Some(t.created_at)),
                    when(t.last_used_at),
                    when(t.expires_at)
                );
            }
        }
        Command::Token(TokenCommand::Revoke { tenant, id }) => {
            let tenant = store.require_tenant(&tenant).await?;
            store.revoke_token(&tenant, id).await?;
            eprintln!("revoked token {id} of tenant {}", tenant.slug);
        }
    }
    Ok(())
}
