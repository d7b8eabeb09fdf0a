//! `draxis-server`: serves the MCP endpoint over HTTP on SQLite or PostgreSQL.

mod limits;
mod logging;
mod worker;

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context;
use clap::Parser;
use draxis_app::{App, AppConfig, AssembleError, ClientMetadataDocuments, allowed_hosts};
use draxis_auth::server::{AuthorizationConfig, RegistrationLimits};
use draxis_dropzone::DropZoneLimits;
use draxis_store::{SeedOutcome, Store, redact_url};
use draxis_transport::{HttpConfig, Rate, RateLimits, flush_token_use_periodically};
use tokio_util::sync::CancellationToken;

/// mimalloc: serving JSON is allocation-heavy and glibc's allocator showed up as a
/// quarter of the CPU profile under load.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The Draxis server: answers MCP clients at /api/mcp.
///
/// With no options it opens (or creates) ./draxis.db and listens on 127.0.0.1:8080.
/// Mint a token with `draxis-admin token create`, then point your MCP client at
/// http://127.0.0.1:8080/api/mcp with `Authorization: Bearer <token>`.
#[derive(Debug, Parser)]
#[command(version, about, long_about)]
struct Args {
    /// Database: sqlite://PATH (created if missing) or postgres://USER@HOST:PORT/DB.
    #[arg(long, env = "DRAXIS_DATABASE_URL", hide_env_values = true, default_value = draxis_store::DEFAULT_DATABASE_URL)]
    database: String,

    /// Address to listen on.
    #[arg(long, env = "DRAXIS_LISTEN", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,

    /// Fill an empty database with the demo tenants (acme, globex) before serving.
    #[arg(long)]
    demo: bool,

    /// Host names clients may use to reach /api/mcp, the console and the OAuth endpoints
    /// (DNS-rebinding protection), comma separated. localhost, 127.0.0.1, ::1 and the
    /// public URL's host are always allowed. Use `*` to allow any.
    #[arg(
        long = "allowed-host",
        env = "DRAXIS_ALLOWED_HOSTS",
        value_delimiter = ','
    )]
    allowed_hosts: Vec<String>,

    /// Browser origins allowed to call /api/mcp besides the public URL's (such as
    /// https://app.example.com:443), comma separated; any other Origin gets 403.
    /// Requests without an Origin header are always allowed.
    #[arg(
        long = "allowed-origin",
        env = "DRAXIS_ALLOWED_ORIGINS",
        value_delimiter = ','
    )]
    allowed_origins: Vec<String>,

    /// How long each tenant's KRI, risk, control, outcome, vendor, integration and
    /// simulation lists are served from memory before being read again, in milliseconds.
    /// Changes made by another process become visible within this time. 0 disables.
    #[arg(long, env = "DRAXIS_READ_CACHE_MS", default_value_t = 1000)]
    read_cache_ms: u64,

    /// How long a verified token is trusted before it is looked up again, in
    /// milliseconds: a revocation made with draxis-admin takes effect within this time.
    /// 0 looks every request up.
    #[arg(long, env = "DRAXIS_TOKEN_CACHE_MS", default_value_t = 1000)]
    token_cache_ms: u64,

    /// How often token last-used times are written, in seconds.
    #[arg(long, env = "DRAXIS_TOKEN_USE_FLUSH_SECS", default_value_t = 15)]
    token_use_flush_secs: u64,

    /// Largest Drop Zone artifact accepted, in bytes (default 10 MiB). Larger content
    /// gets an error telling the caller to split it.
    #[arg(long, env = "DRAXIS_MAX_ARTIFACT_BYTES", default_value_t = 10 * 1024 * 1024)]
    max_artifact_bytes: usize,

    /// The URL users and MCP clients reach this server at, such as
    /// https://draxis.example.com. OAuth metadata, token audiences and console links are
    /// built from it, so it must be exactly what clients use (a client that adds
    /// http://localhost:8080/api/mcp needs --public-url http://localhost:8080).
    /// Defaults to http://<listen address>.
    #[arg(long, env = "DRAXIS_PUBLIC_URL")]
    public_url: Option<String>,

    /// Lifetime of OAuth access tokens, in seconds (clients refresh them when they expire).
    #[arg(long, env = "DRAXIS_ACCESS_TOKEN_TTL_SECS", default_value_t = 3600, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    access_token_ttl_secs: u64,

    /// How long a just-rotated OAuth refresh token, presented again, still returns the
    /// same new token pair (parallel sessions of one client), in seconds. Presented
    /// later, it revokes the whole grant as a replayed token.
    #[arg(long, env = "DRAXIS_REFRESH_REUSE_GRACE_SECS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(0..=300))]
    refresh_reuse_grace_secs: u64,

    /// Accept Client ID Metadata Documents: an MCP client whose client_id is an https
    /// URL is described by the JSON document at that URL (fetched with a 5 s timeout,
    /// 16 KiB cap, cached up to its max-age). Needs outbound https to the clients' hosts;
    /// without it, clients register dynamically instead.
    #[arg(long, env = "DRAXIS_CLIENT_METADATA_DOCUMENTS")]
    client_metadata_documents: bool,

    /// Extra CA certificates (PEM) trusted when fetching client metadata documents.
    #[arg(
        long,
        env = "DRAXIS_CLIENT_METADATA_CA",
        requires = "client_metadata_documents"
    )]
    client_metadata_ca: Option<std::path::PathBuf>,

    /// Let client metadata URLs resolve to private, loopback or link-local addresses
    /// (refused by default so a client_id cannot probe the server's network).
    #[arg(long, requires = "client_metadata_documents")]
    client_metadata_allow_private_addresses: bool,

    /// How long a connector (http_json) may take to fetch, in seconds.
    #[arg(long, env = "DRAXIS_CONNECTOR_TIMEOUT_SECS", default_value_t = 30)]
    connector_timeout_secs: u64,

    /// Log lines as human-readable text or as JSON objects (one per line, each carrying
    /// the request id of the request it was written for).
    #[arg(long, env = "DRAXIS_LOG_FORMAT", value_enum, default_value_t = logging::LogFormat::Text)]
    log_format: logging::LogFormat,

    /// Serve Prometheus metrics at http://<this address>/metrics (requests and latency
    /// per route and tool, refusals, rate limits, database pool, Drop Zone intake,
    /// simulation queue). Off when omitted. The endpoint has no authentication: keep the
    /// address on loopback or a private network (such as 127.0.0.1:9464).
    #[arg(long, env = "DRAXIS_METRICS_LISTEN")]
    metrics_listen: Option<SocketAddr>,

    /// How long a client may take to send a request's headers, in seconds, counted from
    /// the connection opening or the end of the previous response: silent, half-sent
    /// and idle keep-alive connections are closed after this.
    #[arg(long, env = "DRAXIS_HEADER_READ_TIMEOUT_SECS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=3600))]
    header_read_timeout_secs: u64,

    /// A connection on which no byte moves either way for this long, in seconds, is
    /// closed (a request body that stops arriving mid-way). Raised to the connector
    /// timeout plus 30 s if lower, so a slow fetch is not cut off.
    #[arg(long, env = "DRAXIS_IDLE_TIMEOUT_SECS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    idle_timeout_secs: u64,

    /// Most client connections open at once; a connection over the cap gets a 503 and is
    /// closed while the open ones keep being served. Lowered to fit the process's
    /// open-file limit if needed.
    #[arg(long, env = "DRAXIS_MAX_CONNECTIONS", default_value_t = 4096, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    max_connections: u64,

    /// MCP requests a minute per credential (personal access token or OAuth grant),
    /// with bursts of a quarter of it; 0 switches the limit off. Over it, a tool call
    /// gets a tool error saying when to retry, other requests a 429 with Retry-After.
    #[arg(
        long,
        env = "DRAXIS_RATE_LIMIT_PER_CREDENTIAL",
        default_value_t = 3_000
    )]
    rate_limit_per_credential: u32,

    /// MCP requests a minute per tenant, all its credentials together; 0 = no limit.
    #[arg(long, env = "DRAXIS_RATE_LIMIT_PER_TENANT", default_value_t = 10_000)]
    rate_limit_per_tenant: u32,

    /// Console sign-in attempts (POST /login) a minute per client address; 0 = no limit.
    #[arg(long, env = "DRAXIS_RATE_LIMIT_SIGN_IN", default_value_t = 60)]
    rate_limit_sign_in: u32,

    /// OAuth client registrations (POST /oauth/register) a minute per client address;
    /// 0 = no limit.
    #[arg(long, env = "DRAXIS_RATE_LIMIT_REGISTRATION", default_value_t = 30)]
    rate_limit_registration: u32,

    /// Most OAuth clients kept that registered but were never used (no consent given);
    /// past it, registration answers 503 "try again later" until old ones expire.
    #[arg(long, env = "DRAXIS_MAX_UNUSED_CLIENTS", default_value_t = 10_000)]
    max_unused_clients: u64,

    /// Hours after which a registered OAuth client never used is deleted.
    #[arg(long, env = "DRAXIS_UNUSED_CLIENT_TTL_HOURS", default_value_t = 24, value_parser = clap::value_parser!(u64).range(1..=8760))]
    unused_client_ttl_hours: u64,

    /// Let http_json connectors reach private, loopback, link-local and other non-public
    /// addresses (refused by default so an integration cannot probe the server's
    /// network); for services such as scanners on an internal network.
    #[arg(long, env = "DRAXIS_CONNECTOR_ALLOW_PRIVATE")]
    connector_allow_private: bool,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    logging::init(args.log_format);

    let store = Store::open(&args.database)
        .await
        .with_context(|| format!("opening {}", redact_url(&args.database)))?;
    if args.demo {
        match store
            .seed_demo(chrono::Utc::now().date_naive())
            .await
            .context("seeding demo data")?
        {
            SeedOutcome::Seeded(tenants) => {
                for t in tenants {
                    tracing::info!(
                        tenant = %t.slug,
                        kris = t.kris,
                        observations = t.observations,
                        assets = t.assets,
                        simulations = t.simulations,
                        "seeded demo tenant"
                    );
                }
            }
            SeedOutcome::AlreadyHasData(slugs) => {
                tracing::info!(tenants = %slugs.join(", "), "database already has tenants; demo seed skipped");
            }
        }
    }

    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| {
            format!(
                "cannot listen on {}: is another server running there?",
                args.listen
            )
        })?;
    let local = listener.local_addr()?;
    // With --listen on port 0 the public URL needs the port actually bound.
    let public_url = public_url(args.public_url.as_deref(), local)?;
    let shutdown = CancellationToken::new();
    let config = app_config(&args, &public_url, &shutdown)?;
    let app = App::assemble(store.clone(), &config).map_err(|error| match error {
        AssembleError::ClientMetadataCa(why) => anyhow::anyhow!("--client-metadata-ca: {why}"),
    })?;
    let router = app.router();

    let simulation_worker = tokio::spawn(worker::run_simulations(
        app.simulations.clone(),
        app.cache.clone(),
        Duration::from_secs(2),
        shutdown.clone(),
    ));
    let flusher = tokio::spawn(flush_token_use_periodically(
        app.verifier.clone(),
        Duration::from_secs(args.token_use_flush_secs.max(1)),
        shutdown.clone(),
    ));
    let client_sweeper = tokio::spawn(limits::sweep_unused_clients(
        app.authz.clone(),
        shutdown.clone(),
    ));
    eprintln!(
        "draxis-server listening on http://{local} (MCP endpoint {public_url}/api/mcp, console {public_url}/login)"
    );
    eprintln!("database: {}", redact_url(&args.database));
    let metrics_server = match args.metrics_listen {
        Some(address) => {
            Some(serve_metrics(address, app.metrics_router(), shutdown.clone()).await?)
        }
        None => None,
    };

    let stop = shutdown.clone();
    // draxis_app::serve hands every request its peer address (sign-in throttling and
    // the audit trail use it).
    draxis_app::serve(
        listener,
        router,
        limits::connection_limits(&args),
        async move {
            wait_for_signal().await;
            tracing::info!("shutting down");
            stop.cancel();
        },
    )
    .await;
    shutdown.cancel();
    flusher.await.ok();
    client_sweeper.await.ok();
    simulation_worker.await.ok();
    if let Some(metrics_server) = metrics_server {
        metrics_server.await.ok();
    }
    store.close().await;
    Ok(())
}

/// Serves `/metrics` on a listener of its own until `shutdown`.
async fn serve_metrics(
    address: SocketAddr,
    router: axum::Router,
    shutdown: CancellationToken,
) -> anyhow::Result<tokio::task::JoinHandle<()>> {
    let listener = tokio::net::TcpListener::bind(address)
        .await
        .with_context(|| format!("cannot listen on --metrics-listen {address}"))?;
    eprintln!("metrics at http://{}/metrics", listener.local_addr()?);
    Ok(tokio::spawn(async move {
        let served = axum::serve(listener, router)
            .with_graceful_shutdown(async move { shutdown.cancelled().await })
            .await;
        if let Err(error) = served {
            tracing::error!(%error, "the metrics listener failed");
        }
    }))
}

/// The application's configuration from the command line, for `public_url`.
fn app_config(
    args: &Args,
    public_url: &str,
    shutdown: &CancellationToken,
) -> anyhow::Result<AppConfig> {
    let mut oauth = AuthorizationConfig::for_public_url(public_url);
    oauth.access_token_ttl = Duration::from_secs(args.access_token_ttl_secs);
    oauth.refresh_grace = Duration::from_secs(args.refresh_reuse_grace_secs);
    let client_metadata = if args.client_metadata_documents {
        let extra_ca_pem = match &args.client_metadata_ca {
            Some(path) => Some(
                std::fs::read(path)
                    .with_context(|| format!("reading --client-metadata-ca {}", path.display()))?,
            ),
            None => None,
        };
        Some(ClientMetadataDocuments {
            extra_ca_pem,
            allow_private_addresses: args.client_metadata_allow_private_addresses,
            timeout: Duration::from_secs(5),
        })
    } else {
        None
    };
    Ok(AppConfig {
        oauth,
        registration: RegistrationLimits {
            max_unused_clients: args.max_unused_clients,
            unused_client_ttl: Duration::from_secs(args.unused_client_ttl_hours * 3600),
        },
        read_cache_ttl: Duration::from_millis(args.read_cache_ms),
        token_cache_ttl: Duration::from_millis(args.token_cache_ms),
        limits: DropZoneLimits {
            max_artifact_bytes: args.max_artifact_bytes,
            fetch_timeout: Duration::from_secs(args.connector_timeout_secs.max(1)),
        },
        connector_allow_private: args.connector_allow_private,
        client_metadata,
        http: HttpConfig {
            allowed_hosts: allowed_hosts(&args.allowed_hosts, public_url),
            allowed_origins: args.allowed_origins.clone(),
            shutdown: shutdown.clone(),
            rate_limits: RateLimits {
                per_credential: Rate::per_minute(args.rate_limit_per_credential),
                per_tenant: Rate::per_minute(args.rate_limit_per_tenant),
                sign_in_per_address: Rate::per_minute(args.rate_limit_sign_in),
                registration_per_address: Rate::per_minute(args.rate_limit_registration),
            },
            // Room for the largest artifact after JSON escaping, so an oversized one still
            // gets the tool's own error sentence rather than a bare 413.
            max_body_bytes: args
                .max_artifact_bytes
                .saturating_mul(2)
                .saturating_add(1024 * 1024),
        },
    })
}

/// The public URL: as configured (validated), or `http://<listen address>`.
fn public_url(configured: Option<&str>, listen: SocketAddr) -> anyhow::Result<String> {
    let url = match configured {
        Some(url) => url.trim().trim_end_matches('/').to_string(),
        None if listen.ip().is_unspecified() => format!("http://localhost:{}", listen.port()),
        None => format!("http://{listen}"),
    };
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .with_context(|| format!("--public-url `{url}` must start with https:// or http://"))?;
    if rest.is_empty() || rest.contains(['/', '?', '#']) {
        anyhow::bail!(
            "--public-url `{url}` must be scheme and host only, such as https://draxis.example.com"
        );
    }
    Ok(url)
}

async fn wait_for_signal() {
    let ctrl_c = async {
        tokio::signal::ctrl_c().await.ok();
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = terminate => {}
    }
}
