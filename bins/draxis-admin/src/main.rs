//! `draxis-admin`: the operator's CLI for tenants, tokens, users and memberships,
//! migrations, demo data, the review queue, integrations and simulations.
//!
//! Results meant for scripts (a new token) go to stdout alone; everything else goes to
//! stderr, so `TOKEN=$(draxis-admin token create ...)` captures just the token.

use anyhow::Context;
use clap::{Parser, Subcommand};
use draxis_auth::Scopes;
use std::sync::Arc;

use draxis_domain::entities::Tenant;
use draxis_domain::ids::IdKind;
use draxis_domain::repository::{RefKind, RiskRepository};
use draxis_domain::simulations::{SimulationService, Subject};
use draxis_dropzone::DropZone;
use draxis_dropzone::records::{Actor, Decided, Decision, DropZoneStore, ExtractionFilter};
use draxis_protocol::types::{AutonomyBand, ProposalState};
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
    /// The Pending Extraction Review queue: list, inspect, accept (optionally with a
    /// corrected value) or reject what the Drop Zone extractor proposed.
    #[command(subcommand)]
    Review(ReviewCommand),
    /// Drop zones and connectors: list, create, run.
    #[command(subcommand)]
    Integration(IntegrationCommand),
    /// The audit trail: artifacts, decisions, runs and band changes.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Console users: create, list, disable, enrol a second factor.
    #[command(subcommand)]
    User(UserCommand),
    /// Tenant memberships: who may sign in to which tenant, as viewer, analyst or admin.
    #[command(subcommand)]
    Member(MemberCommand),
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
enum UserCommand {
    /// Create a console user (then add them to a tenant with `member add`). The password
    /// (12 characters or more) is read from stdin with --password-stdin, or from the
    /// DRAXIS_USER_PASSWORD environment variable; never from the command line.
    Create {
        #[arg(long)]
        email: String,
        /// Display name (defaults to the email).
        #[arg(long)]
        name: Option<String>,
        /// Read the password from the first line of stdin.
        #[arg(long)]
        password_stdin: bool,
    },
    /// List users with their tenants and roles.
    List,
    /// Disable a user: sign-in, console sessions and their OAuth tokens stop at once.
    Disable {
        #[arg(long)]
        email: String,
    },
    /// Enrol (or replace) a TOTP second factor; prints the otpauth:// URI for an
    /// authenticator app. Sign-in then asks for the 6-digit code.
    EnrollTotp {
        #[arg(long)]
        email: String,
    },
}

#[derive(Debug, Subcommand)]
enum MemberCommand {
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
    /// Set how much the Drop Zone extractor may accept without a human: manual (nothing),
    /// conservative (confidence >= 0.95), balanced (>= 0.85, the default), autonomous (>= 0.70).
    SetBand {
        #[arg(long)]
        tenant: String,
        #[arg(value_parser = ["manual", "conservative", "balanced", "autonomous"])]
        band: String,
    },
}

#[derive(Debug, Subcommand)]
enum ReviewCommand {
    /// List extractions, pending review by default.
    List {
        #[arg(long)]
        tenant: String,
        /// Only this integration (id such as int_1, or name).
        #[arg(long)]
        integration: Option<String>,
        /// pending_review (default), auto_accepted, accepted, rejected or all.
        #[arg(long, default_value = "pending_review")]
        state: String,
        #[arg(long, default_value_t = 100)]
        limit: u32,
    },
    /// Show one extraction: KRI, value, confidence and reasons, evidence span, artifact.
    Show {
        #[arg(long)]
        tenant: String,
        /// Extraction id (ext_12 or 12).
        id: String,
    },
    /// Accept an extraction; the next run of its integration writes it into the KRI.
    Accept {
        #[arg(long)]
        tenant: String,
        /// Extraction id (ext_12 or 12).
        id: String,
        /// Write this value instead of the proposed one (in the KRI's unit).
        #[arg(long)]
        value: Option<f64>,
        /// Why, for the audit trail.
        #[arg(long)]
        note: Option<String>,
        /// Who decides (recorded).
        #[arg(long, env = "USER", default_value = "operator")]
        by: String,
    },
    /// Reject an extraction: it is never written.
    Reject {
        #[arg(long)]
        tenant: String,
        /// Extraction id (ext_12 or 12).
        id: String,
        #[arg(long)]
        note: Option<String>,
        #[arg(long, env = "USER", default_value = "operator")]
        by: String,
    },
}

#[derive(Debug, Subcommand)]
enum IntegrationCommand {
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

#[derive(Debug, Subcommand)]
enum AuditCommand {
    /// The newest audit events of a tenant.
    List {
        #[arg(long)]
        tenant: String,
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
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

fn admin_actor(by: &str) -> Actor {
    Actor {
        label: format!("admin-cli:{}", by.trim()),
        token_id: None,
    }
}

fn extraction_id(text: &str) -> anyhow::Result<i64> {
    IdKind::Extraction
        .parse(text)
        .or_else(|| text.trim().parse().ok())
        .with_context(|| {
            format!("`{text}` is not an extraction id; use ext_12 or 12 (see `review list`)")
        })
}

fn drop_zone(store: &Store) -> DropZone {
    draxis_app::App::assemble(store.clone(), &draxis_app::AppConfig::default())
        .unwrap_or_else(|_| unreachable!())
        .dropzone
}

fn when(time: Option<chrono::DateTime<chrono::Utc>>) -> String {
    time.map_or_else(|| "-".into(), |t| t.format("%Y-%m-%d %H:%M").to_string())
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
        Command::Tenant(TenantCommand::SetBand { tenant, band }) => {
            let tenant = store.require_tenant(&tenant).await?;
            let band = AutonomyBand::parse(&band).context("unknown band")?;
            let user = std::env::var("USER").unwrap_or_else(|_| "operator".into());
            let previous = store
                .set_autonomy_band(tenant.id, band, &admin_actor(&user))
                .await?;
            eprintln!(
                "tenant {}: autonomy band {previous} -> {band} ({})",
                tenant.slug,
                band.threshold()
                    .map_or("every proposal waits for review".into(), |t| format!(
                        "proposals at confidence >= {t} auto-accept"
                    ))
            );
        }
        Command::Review(command) => review(store, command).await?,
        Command::User(command) => user(store, command).await?,
        Command::Member(command) => member(store, command).await?,
        Command::Integration(command) => integration(store, command).await?,
        Command::Audit(AuditCommand::List { tenant, limit }) => {
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
        Command::Token(TokenCommand::Revoke { tenant, id }) => {
            let tenant = store.require_tenant(&tenant).await?;
            store.revoke_token(&tenant, id).await?;
            eprintln!("revoked token {id} of tenant {}", tenant.slug);
        }
    }
    Ok(())
}

async fn review(store: &Store, command: ReviewCommand) -> anyhow::Result<()> {
    match command {
        ReviewCommand::List {
            tenant,
            integration,
            state,
            limit,
        } => {
            let tenant = store.require_tenant(&tenant).await?;
            let state = match state.as_str() {
                "all" => None,
                s => Some(ProposalState::parse(s).with_context(|| {
                    format!("unknown state `{s}`; use pending_review, auto_accepted, accepted, rejected or all")
                })?),
            };
            let integration_id = match integration {
                Some(key) => Some(lookup(store, &tenant, RefKind::Integration, &key).await?),
                None => None,
            };
            let rows = store
                .extractions(
                    tenant.id,
                    &ExtractionFilter {
                        state,
                        integration_id,
                        limit,
                    },
                )
                .await?;
            println!(
                "{:<8} {:<16} {:<38} {:>12} {:>6} {:<16} EVIDENCE",
                "ID", "STATE", "KRI", "VALUE", "CONF", "ARTIFACT"
            );
            for e in &rows {
                let excerpt: String = e.excerpt.replace('\n', " ").chars().take(60).collect();
                println!(
                    "{:<8} {:<16} {:<38} {:>12} {:>6.2} {:<16} {excerpt}",
                    IdKind::Extraction.format(e.id),
                    e.state.as_str(),
                    e.kri_slug,
                    format!("{} {}", e.value, e.kri_unit),
                    e.confidence,
                    IdKind::Artifact.format(e.artifact_id),
                );
            }
            eprintln!("{} extraction(s)", rows.len());
        }
        ReviewCommand::Show { tenant, id } => {
            let tenant = store.require_tenant(&tenant).await?;
            let id = extraction_id(&id)?;
            let e = store
                .extraction(tenant.id, id)
                .await?
                .with_context(|| format!("no extraction ext_{id} in tenant {}", tenant.slug))?;
            let artifact = store.artifact(tenant.id, e.artifact_id).await?;
            println!("extraction   {}", IdKind::Extraction.format(e.id));
            println!("state        {}", e.state);
            println!(
                "kri          {} ({})",
                e.kri_slug,
                IdKind::Kri.format(e.kri_id)
            );
            println!("value        {} {}", e.value, e.kri_unit);
            if let Some(v) = e.proposed_value {
                println!(
                    "proposed     {v} {} (corrected by the reviewer)",
                    e.kri_unit
                );
            }
            println!("observed at  {}", when(e.observed_at));
            println!("confidence   {:.2}", e.confidence);
            for r in &e.reasons {
                println!("  because    {r}");
            }
            println!("evidence     lines {}-{}:", e.line_start, e.line_end);
            for line in e.excerpt.lines() {
                println!("  | {line}");
            }
            if let Some(a) = artifact {
                println!(
                    "artifact     {} {} ({} bytes, {}, sha256 {}) received {} from {}",
                    IdKind::Artifact.format(a.id),
                    a.filename.as_deref().unwrap_or("(no filename)"),
                    a.size_bytes,
                    a.mime_type.as_deref().unwrap_or("no type"),
                    a.sha256,
                    when(Some(a.received_at)),
                    a.submitted_by
                );
            }
            if let Some(by) = &e.decided_by {
                println!("decided      by {by} at {}", when(e.decided_at));
            }
            if let Some(note) = &e.note {
                println!("note         {note}");
            }
            if e.materialized_at.is_some() {
                println!("written      {}", when(e.materialized_at));
            }
        }
        ReviewCommand::Accept {
            tenant,
            id,
            value,
            note,
            by,
        } => decide(store, &tenant, &id, true, value, note, &by).await?,
        ReviewCommand::Reject {
            tenant,
            id,
            note,
            by,
        } => decide(store, &tenant, &id, false, None, note, &by).await?,
    }
    Ok(())
}

async fn user(store: &Store, command: UserCommand) -> anyhow::Result<()> {
    match command {
        UserCommand::Create {
            email,
            name,
            password_stdin,
        } => {
            let password = if password_stdin {
                let mut line = String::new();
                std::io::stdin()
                    .read_line(&mut line)
                    .context("reading the password from stdin")?;
                line.trim_end_matches(['\r', '\n']).to_string()
            } else {
                std::env::var("DRAXIS_USER_PASSWORD").ok().context(
                    "no password given: pipe it with --password-stdin, or set DRAXIS_USER_PASSWORD",
                )?
            };
            let user = store
                .create_user(&email, name.as_deref().unwrap_or(""), &password)
                .await?;
            eprintln!(
                "created user {} (id {}); add them to a tenant with `draxis-admin member add --tenant SLUG --email {} --role viewer|analyst|admin`",
                user.email, user.id, user.email
            );
        }
        UserCommand::List => {
            println!(
                "{:<6} {:<32} {:<24} {:<9} TENANTS",
                "ID", "EMAIL", "NAME", "STATUS"
            );
            for listing in store.list_users().await? {
                let u = &listing.user;
                let tenants: Vec<String> = listing
                    .memberships
                    .iter()
                    .map(|m| format!("{}:{}", m.tenant_slug, m.role))
                    .collect();
                let status = match (u.disabled, u.totp_secret.is_some()) {
                    (true, _) => "disabled",
                    (false, true) => "active+2fa",
                    (false, false) => "active",
                };
                println!(
                    "{:<6} {:<32} {:<24} {:<9} {}",
                    u.id,
                    u.email,
                    u.display_name,
                    status,
                    if tenants.is_empty() {
                        "-".into()
                    } else {
                        tenants.join(", ")
                    }
                );
            }
        }
        UserCommand::Disable { email } => {
            store.disable_user(&email).await?;
            eprintln!("disabled {email}: their sessions and OAuth tokens no longer work");
        }
        UserCommand::EnrollTotp { email } => {
            let secret = store.enroll_totp(&email).await?;
            println!("{}", draxis_auth::totp::provisioning_uri(&secret, &email));
            eprintln!(
                "add this URI to an authenticator app; sign-in now asks {email} for its 6-digit code"
            );
        }
    }
    Ok(())
}

async fn member(store: &Store, command: MemberCommand) -> anyhow::Result<()> {
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

async fn decide(
    store: &Store,
    tenant: &str,
    id: &str,
    accept: bool,
    value: Option<f64>,
    note: Option<String>,
    by: &str,
) -> anyhow::Result<()> {
    let tenant = store.require_tenant(tenant).await?;
    let id = extraction_id(id)?;
    if let Some(v) = value
        && !v.is_finite()
    {
        anyhow::bail!("--value must be a finite number");
    }
    let decision = Decision {
        accept,
        value,
        note,
    };
    match store
        .decide(tenant.id, id, &decision, &admin_actor(by))
        .await?
    {
        Decided::Done(e) => eprintln!(
            "{} ext_{id}: {} = {} {}; {}",
            if accept { "accepted" } else { "rejected" },
            e.kri_slug,
            e.value,
            e.kri_unit,
            if accept {
                format!(
                    "the next run of its integration (int_{}) writes it into the KRI",
                    e.integration_id
                )
            } else {
                "it will never be written".into()
            }
        ),
        Decided::NotPending(state) => anyhow::bail!(
            "ext_{id} is {state}, not waiting for a decision; only pending_review (or auto_accepted, not yet written) extractions can be decided"
        ),
        Decided::NotFound => anyhow::bail!("no extraction ext_{id} in tenant {}", tenant.slug),
    }
    Ok(())
}

async fn integration(store: &Store, command: IntegrationCommand) -> anyhow::Result<()> {
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
            let result = drop_zone(store)
                .run(tenant.id, &integration, &admin_actor(&by))
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            eprintln!("{}: {}", result.run_id, result.summary);
        }
    }
    Ok(())
}
