//! `cargo xtask test`: everything, on both engines, with real clients.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};
use sqlx::{AssertSqlSafe, Connection};

use crate::claude_code::{claude_code_connects, claude_code_oauth};
use crate::server::{RunningServer, binaries_dir};
use crate::{cargo, run_command};

const DEFAULT_POSTGRES: &str = "postgres://postgres@127.0.0.1:5432/postgres";

pub fn run(root: &Path) -> anyhow::Result<()> {
    let in_ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false");
    let postgres_admin =
        std::env::var("DRAXIS_TEST_POSTGRES_URL").unwrap_or_else(|_| DEFAULT_POSTGRES.into());
    let postgres = match postgres_reachable(&postgres_admin) {
        Ok(()) => true,
        Err(error) if in_ci => bail!("CI requires PostgreSQL at {postgres_admin}: {error:#}"),
        Err(error) => {
            eprintln!(
                "PostgreSQL is not reachable at {postgres_admin} ({error:#}): its suites will be skipped"
            );
            false
        }
    };

    crate::codegen::run(root, true)?;

    let mut unit = cargo();
    unit.args(["test", "--workspace", "--all-targets"])
        .env("DRAXIS_TEST_POSTGRES_URL", &postgres_admin);
    if postgres {
        unit.env("DRAXIS_REQUIRE_POSTGRES", "1");
    }
    run_command(&mut unit)?;

    run_command(cargo().args(["build", "--bin", "draxis-server", "--bin", "draxis-admin"]))?;
    let clients = Clients {
        python: python_env(root)?,
        node: node_tools(root, in_ci)?,
        chromium: chromium(in_ci)?,
        script: util_linux_script(in_ci)?,
    };
    let binaries = binaries_dir(root, false);

    let scratch = root.join("target").join("e2e");
    std::fs::create_dir_all(&scratch)?;
    let sqlite_db = scratch.join(format!("e2e-{}.db", std::process::id()));
    let sqlite_url = format!("sqlite://{}", sqlite_db.display());
    let outcome = end_to_end(root, &clients, &binaries, &sqlite_url, "SQLite");
    for suffix in ["", "-wal", "-shm"] {
        std::fs::remove_file(format!("{}{suffix}", sqlite_db.display())).ok();
    }
    outcome?;

    // Client ID Metadata Documents need a server started with them on (and an https
    // document server it trusts); the script runs both.
    let cimd_db = scratch.join(format!("cimd-{}.db", std::process::id()));
    let outcome = run_command(
        Command::new(&clients.python)
            .arg("tests/e2e/client_metadata.py")
            .arg("--server")
            .arg(binaries.join("draxis-server"))
            .arg("--database")
            .arg(format!("sqlite://{}", cimd_db.display())),
    );
    for suffix in ["", "-wal", "-shm"] {
        std::fs::remove_file(format!("{}{suffix}", cimd_db.display())).ok();
    }
    outcome.context("Client ID Metadata Documents end-to-end")?;

    if postgres {
        let db = format!("draxis_e2e_{}", std::process::id());
        admin_sql(&postgres_admin, &format!("CREATE DATABASE {db}"))?;
        let (base, _) = postgres_admin
            .rsplit_once('/')
            .context("PostgreSQL URL has no database")?;
        let outcome = end_to_end(
            root,
            &clients,
            &binaries,
            &format!("{base}/{db}"),
            "PostgreSQL",
        );
        admin_sql(
            &postgres_admin,
            &format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"),
        )?;
        outcome?;

        let db = format!("draxis_replicas_{}", std::process::id());
        admin_sql(&postgres_admin, &format!("CREATE DATABASE {db}"))?;
        let outcome = replicas(&clients.python, &binaries, &format!("{base}/{db}"));
        admin_sql(
            &postgres_admin,
            &format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"),
        )?;
        outcome.context("three replicas on one PostgreSQL database")?;
    }

    // The import benchmark's short form; `cargo xtask bench-import` is the 100,000-row run.
    crate::bench_import::run(root, 5_000, if postgres { "both" } else { "sqlite" }, true)
        .context("register import benchmark (5,000 assets)")?;

    eprintln!();
    eprintln!("test summary:");
    eprintln!("  unit, domain and SQLite storage suites: passed");
    eprintln!("  end-to-end (MCP Python SDK, 2025-11-25 and 2026-07-28) on SQLite: passed");
    eprintln!(
        "  a customer's register (import, every read tool, alias proposal, simulate --all): passed"
    );
    eprintln!("  register import benchmark, short form (5,000 assets): passed");
    eprintln!(
        "  Drop Zone end-to-end (scheduled pull, 64 concurrent, connectors, SIGKILL) on SQLite: passed"
    );
    eprintln!(
        "  OAuth 2.1 end-to-end (Python SDK OAuthClientProvider, hostile cases, step-up): passed"
    );
    eprintln!("  Client ID Metadata Documents over https (Python SDK): passed");
    match &clients.node {
        Some(_) => {
            eprintln!("  Claude Code `claude mcp list` shows draxis connected (PAT): passed");
            if clients.script {
                eprintln!(
                    "  Claude Code `claude mcp login` with a BROWSER program, refresh after expiry: passed"
                );
            } else {
                eprintln!(
                    "  SKIPPED: Claude Code `claude mcp login` (needs util-linux `script` for a terminal)"
                );
            }
        }
        None => eprintln!("  SKIPPED: Claude Code checks (npm is missing)"),
    }
    match (&clients.node, &clients.chromium) {
        (Some(_), Some(_)) => eprintln!("  web console in headless Chromium: passed"),
        _ => eprintln!("  SKIPPED: web console in Chromium (needs npm and /usr/bin/chromium)"),
    }
    if postgres {
        eprintln!("  PostgreSQL storage suite: passed");
        eprintln!("  end-to-end and Drop Zone end-to-end on PostgreSQL: passed");
        eprintln!("  three replicas on one PostgreSQL database, round-robin: passed");
    } else {
        eprintln!(
            "  SKIPPED: PostgreSQL storage suite and end-to-end on PostgreSQL (no server at {postgres_admin})"
        );
    }
    Ok(())
}

/// Three servers on one PostgreSQL database: the first seeds the demo, the others join;
/// `tests/e2e/replicas.py` drives them round-robin.
fn replicas(python: &Path, binaries: &Path, database: &str) -> anyhow::Result<()> {
    const READ_CACHE_MS: &str = "1000";
    let start = || RunningServer::start(binaries, database, &["--read-cache-ms", READ_CACHE_MS]);
    let first = start()?;
    let others = [start()?, start()?];
    let reader = first.mint_token(binaries, "acme", "read")?;
    let writer = first.mint_token(binaries, "acme", "read,write")?;
    let mut command = Command::new(python);
    command.arg("tests/e2e/replicas.py");
    for server in std::iter::once(&first).chain(&others) {
        command.arg("--url").arg(server.mcp_url());
    }
    command.args([
        "--token",
        &reader,
        "--writer",
        &writer,
        "--staleness-ms",
        READ_CACHE_MS,
    ]);
    run_command(&mut command)
}

/// OAuth lifetimes short enough to watch expiry and reuse within a test run.
const E2E_ACCESS_TTL_SECS: u64 = 4;
const E2E_REFRESH_GRACE_SECS: u64 = 2;

/// The real clients the end-to-end suite drives, where available.
struct Clients {
    python: PathBuf,
    node: Option<NodeTools>,
    chromium: Option<PathBuf>,
    /// util-linux `script`, which gives `claude mcp login` the terminal it wants.
    script: bool,
}

fn end_to_end(
    root: &Path,
    clients: &Clients,
    binaries: &Path,
    database: &str,
    engine: &str,
) -> anyhow::Result<()> {
    eprintln!("== end-to-end on {engine}");
    let python = clients.python.as_path();
    let claude = clients.node.as_ref().map(|n| n.claude.as_path());
    let ttl = E2E_ACCESS_TTL_SECS.to_string();
    let grace = E2E_REFRESH_GRACE_SECS.to_string();
    let server = RunningServer::start(
        binaries,
        database,
        &[
            "--access-token-ttl-secs",
            &ttl,
            "--refresh-reuse-grace-secs",
            &grace,
            // The Drop Zone session's http_json connector fetches from a local server.
            "--connector-allow-private",
        ],
    )?;
    let acme = server.mint_token(binaries, "acme", "read")?;
    let globex = server.mint_token(binaries, "globex", "read")?;
    // Leave one run for the server's background worker; the e2e script waits for it.
    run_command(Command::new(binaries.join("draxis-admin")).args([
        "--database",
        database,
        "simulate",
        "--tenant",
        "acme",
        "--risk",
        "R-001",
        "--iterations",
        "50000",
        "--seed",
        "99",
        "--queue",
    ]))?;
    // Tokens travel in the environment so they never appear in the echoed command line.
    run_command(
        Command::new(python)
            .args(["tests/e2e/mcp_read_tools.py", "--url", &server.mcp_url()])
            .env("DRAXIS_E2E_ACME_TOKEN", &acme)
            .env("DRAXIS_E2E_GLOBEX_TOKEN", &globex),
    )
    .with_context(|| format!("end-to-end on {engine}"))?;
    // The OAuth and console tests submit evidence into a drop zone of their own.
    run_command(Command::new(binaries.join("draxis-admin")).args([
        "--database",
        database,
        "integration",
        "create",
        "--tenant",
        "acme",
        "--name",
        "Client tests",
        "--kind",
        "drop_zone",
    ]))?;
    run_command(Command::new(python).args([
        "tests/e2e/oauth_flow.py",
        "--url",
        &server.mcp_url(),
        "--access-ttl",
        &ttl,
        "--grace",
        &grace,
    ]))
    .with_context(|| format!("OAuth end-to-end on {engine}"))?;
    if let (Some(node), Some(chromium)) = (&clients.node, &clients.chromium) {
        run_command(
            Command::new("node")
                .args(["tests/e2e/console_browser.cjs", "--url", &server.base_url])
                .env("NODE_PATH", &node.modules)
                .env("CHROMIUM", chromium),
        )
        .with_context(|| format!("web console in Chromium on {engine}"))?;
        run_command(
            Command::new("node")
                .args(["tests/e2e/console_register.cjs", "--url", &server.base_url])
                .env("NODE_PATH", &node.modules)
                .env("CHROMIUM", chromium),
        )
        .with_context(|| format!("register console in Chromium on {engine}"))?;
    }
    if let Some(claude) = claude {
        claude_code_connects(claude, &server.mcp_url(), &acme)
            .with_context(|| format!("Claude Code on {engine}"))?;
        if clients.script {
            claude_code_oauth(claude, python, root, &server.mcp_url(), E2E_ACCESS_TTL_SECS)
                .with_context(|| format!("Claude Code OAuth login on {engine}"))?;
        }
    }
    customer_register(python, binaries, &server, database)
        .with_context(|| format!("a customer's own register on {engine}"))?;
    drop_zone(python, binaries, server, database, engine, &acme)
        .with_context(|| format!("Drop Zone end-to-end on {engine}"))
}

/// The register example from docs/ imported into a new tenant as a customer would, then
/// read with the Python SDK, fed evidence naming an alias, and simulated with `--all`.
fn customer_register(
    python: &Path,
    binaries: &Path,
    server: &RunningServer,
    database: &str,
) -> anyhow::Result<()> {
    const REGISTER: &str = "docs/examples/initech.register.yaml";
    let admin = |args: &[&str]| -> anyhow::Result<()> {
        run_command(
            Command::new(binaries.join("draxis-admin"))
                .args(["--database", database])
                .args(args),
        )
    };
    admin(&["tenant", "create", "initech", "--name", "Initech"])?;
    admin(&["register", "import", "--tenant", "initech", REGISTER])?;
    admin(&[
        "integration",
        "create",
        "--tenant",
        "initech",
        "--name",
        "Evidence inbox",
        "--kind",
        "drop_zone",
    ])?;
    let token = server.mint_token(binaries, "initech", "read,write")?;
    let script = |simulated: bool| -> anyhow::Result<()> {
        let mut command = Command::new(python);
        command
            .args(["tests/e2e/register_tenant.py", "--url", &server.mcp_url()])
            .args(["--register", REGISTER])
            .env("DRAXIS_E2E_REGISTER_TOKEN", &token);
        if simulated {
            command.arg("--simulated");
        }
        run_command(&mut command)
    };
    script(false)?;
    admin(&[
        "simulate",
        "--tenant",
        "initech",
        "--all",
        "--iterations",
        "20000",
    ])?;
    script(true)
}

/// The Drop Zone with the Python SDK: the scheduled-pull session, connectors, and a
/// SIGKILL in the middle of a stream of submissions.
fn drop_zone(
    python: &Path,
    binaries: &Path,
    server: RunningServer,
    database: &str,
    engine: &str,
    read_token: &str,
) -> anyhow::Result<()> {
    let writer = server.mint_token(binaries, "acme", "read,write")?;
    let scratch = std::env::temp_dir().join(format!(
        "draxis-e2e-{}-{}",
        engine.to_lowercase(),
        std::process::id()
    ));
    let folder = scratch.join("reports");
    std::fs::create_dir_all(&folder)?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let admin = |args: &[&str]| -> anyhow::Result<()> {
        run_command(
            Command::new(binaries.join("draxis-admin"))
                .args(["--database", database])
                .args(args),
        )
    };
    let folder_config = serde_json::json!({ "path": folder }).to_string();
    let endpoint_config =
        serde_json::json!({ "url": format!("http://127.0.0.1:{port}/identity.json") }).to_string();
    admin(&[
        "integration",
        "create",
        "--tenant",
        "acme",
        "--name",
        "Reports folder",
        "--kind",
        "directory",
        "--config",
        &folder_config,
    ])?;
    admin(&[
        "integration",
        "create",
        "--tenant",
        "acme",
        "--name",
        "Metrics endpoint",
        "--kind",
        "http_json",
        "--config",
        &endpoint_config,
    ])?;
    let script = "tests/e2e/dropzone_session.py";
    let port_text = port.to_string();
    run_command(
        Command::new(python)
            .args([
                script,
                "session",
                "--url",
                &server.mcp_url(),
                "--metrics-port",
                &port_text,
            ])
            .arg("--folder")
            .arg(&folder)
            .env("DRAXIS_E2E_WRITE_TOKEN", &writer)
            .env("DRAXIS_E2E_ACME_TOKEN", read_token),
    )?;

    // SIGKILL while a client streams submissions; every acknowledged artifact survives.
    let acks = scratch.join("acks.jsonl");
    let mut streamer = Command::new(python)
        .args([script, "stream", "--url", &server.mcp_url()])
        .arg("--acks")
        .arg(&acks)
        .env("DRAXIS_E2E_WRITE_TOKEN", &writer)
        .spawn()?;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while std::fs::read_to_string(&acks).map_or(0, |s| s.lines().count()) < 25 {
        if std::time::Instant::now() > deadline || streamer.try_wait()?.is_some() {
            bail!("the submission stream did not get going");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    server.kill_hard()?;
    let status = streamer.wait()?;
    if !status.success() {
        bail!("the submission stream failed ({status})");
    }
    let restarted = RunningServer::start(binaries, database, &["--connector-allow-private"])?;
    run_command(
        Command::new(python)
            .args([script, "verify", "--url", &restarted.mcp_url()])
            .arg("--acks")
            .arg(&acks)
            .env("DRAXIS_E2E_WRITE_TOKEN", &writer),
    )?;
    drop(restarted);
    std::fs::remove_dir_all(&scratch).ok();
    Ok(())
}

/// Node packages the suite drives: Claude Code and playwright-core.
struct NodeTools {
    claude: PathBuf,
    /// `node_modules` for `NODE_PATH`.
    modules: PathBuf,
}

/// Claude Code and playwright-core from the npm registry, installed under target/npm.
fn node_tools(root: &Path, in_ci: bool) -> anyhow::Result<Option<NodeTools>> {
    let prefix = root.join("target").join("npm");
    let modules = prefix.join("node_modules");
    let claude = modules.join(".bin").join("claude");
    let stamp = prefix.join("installed.txt");
    let wanted = NODE_PACKAGES.join(" ");
    if claude.exists() && std::fs::read_to_string(&stamp).is_ok_and(|s| s == wanted) {
        return Ok(Some(NodeTools { claude, modules }));
    }
    if Command::new("npm").arg("--version").output().is_err() {
        if in_ci {
            bail!("CI needs npm to install Claude Code and playwright-core");
        }
        eprintln!("npm is missing: the Claude Code and browser checks will be skipped");
        return Ok(None);
    }
    std::fs::create_dir_all(&prefix)?;
    run_command(
        Command::new("npm")
            .args(["install", "--silent", "--no-fund", "--no-audit", "--prefix"])
            .arg(&prefix)
            .args(NODE_PACKAGES),
    )?;
    std::fs::write(&stamp, wanted)?;
    Ok(Some(NodeTools { claude, modules }))
}

/// The Claude Code release the connection checks run, and the browser driver.
const NODE_PACKAGES: [&str; 2] = [
    "@anthropic-ai/claude-code@2.1.197",
    "playwright-core@1.64.1",
];

/// Whether util-linux `script` is here (BSD `script` takes other flags).
fn util_linux_script(in_ci: bool) -> anyhow::Result<bool> {
    let found = Command::new("script")
        .arg("--version")
        .output()
        .is_ok_and(|o| {
            o.status.success() && String::from_utf8_lossy(&o.stdout).contains("util-linux")
        });
    if !found {
        if in_ci {
            bail!("CI needs util-linux `script` (apt-get install bsdutils) for `claude mcp login`");
        }
        eprintln!("util-linux `script` is missing: the `claude mcp login` check will be skipped");
    }
    Ok(found)
}

/// Debian's Chromium for the console test; CI installs it with apt.
fn chromium(in_ci: bool) -> anyhow::Result<Option<PathBuf>> {
    let path = PathBuf::from("/usr/bin/chromium");
    if path.exists() {
        return Ok(Some(path));
    }
    if !in_ci {
        eprintln!(
            "Chromium is missing (apt-get install chromium): the web console browser test will be skipped"
        );
        return Ok(None);
    }
    let root_user = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0"));
    let apt_get = |args: &[&str]| {
        let mut command = if root_user {
            Command::new("apt-get")
        } else {
            let mut sudo = Command::new("sudo");
            sudo.arg("apt-get");
            sudo
        };
        command.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        run_command(&mut command)
    };
    let install = ["install", "-y", "-q", "--no-install-recommends", "chromium"];
    apt_get(&install)
        // A fresh machine may have no package lists yet.
        .or_else(|_| apt_get(&["update", "-q"]).and_then(|()| apt_get(&install)))
        .context("CI needs Chromium for the web console test")?;
    Ok(Some(path))
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?)
}

fn postgres_reachable(url: &str) -> anyhow::Result<()> {
    sqlx::any::install_default_drivers();
    runtime()?.block_on(async {
        let connect = sqlx::AnyConnection::connect(url);
        let conn = tokio::time::timeout(std::time::Duration::from_secs(5), connect)
            .await
            .context("timed out")??;
        conn.close().await?;
        Ok(())
    })
}

fn admin_sql(url: &str, sql: &str) -> anyhow::Result<()> {
    sqlx::any::install_default_drivers();
    let sql = sql.to_string();
    runtime()?.block_on(async move {
        let mut conn = sqlx::AnyConnection::connect(url).await?;
        sqlx::raw_sql(AssertSqlSafe(sql)).execute(&mut conn).await?;
        conn.close().await?;
        Ok(())
    })
}

/// The virtualenv under target/ with the e2e requirements, installed when they change.
pub fn python_env(root: &Path) -> anyhow::Result<PathBuf> {
    venv(root, "py", &root.join("tests/e2e/requirements.txt"))
}

/// A virtualenv at target/NAME with `requirements` installed, reinstalled when they change.
pub fn venv(root: &Path, name: &str, requirements: &Path) -> anyhow::Result<PathBuf> {
    let venv = root.join("target").join(name);
    let python = venv.join("bin").join("python");
    let wanted = std::fs::read_to_string(requirements)?;
    let stamp = venv.join("requirements.installed");
    if python.exists() && std::fs::read_to_string(&stamp).is_ok_and(|s| s == wanted) {
        return Ok(python);
    }
    let system_python = ["python3", "python"]
        .into_iter()
        .find(|p| {
            Command::new(p)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
        .context("Python 3 is needed: install python3")?;
    run_command(Command::new(system_python).args(["-m", "venv"]).arg(&venv))?;
    run_command(
        Command::new(&python)
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "-r",
            ])
            .arg(requirements),
    )?;
    std::fs::write(stamp, wanted)?;
    Ok(python)
}
