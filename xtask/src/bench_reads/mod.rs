//! `cargo xtask bench-reads`: every read tool against the big tenant on the release
//! server, with the read cache off and on: p50/p99 per tool, the largest
//! `structuredContent` per tool in characters, and a walk of every asset at limit 200.

mod cases;
mod client;

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use sqlx::{AnyConnection, Connection};

use crate::server::RunningServer;
use client::Client;

const TENANT: &str = "bigcorp";

/// What `cargo xtask bench-reads` was asked for.
pub struct Options {
    pub engine: String,
    pub scale: f64,
    /// Only this read-cache lifetime (default: 0 then 1000).
    pub cache_ms: Option<u64>,
    /// Seconds spent on each case.
    pub seconds: f64,
}

pub fn run(root: &Path, options: &Options) -> anyhow::Result<()> {
    let binaries = crate::bench::build_binaries(root)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let database = runtime.block_on(prepare_database(root, options))?;
    let lifetimes = options.cache_ms.map_or(vec![0, 1000], |ms| vec![ms]);
    for cache_ms in lifetimes {
        let cache = cache_ms.to_string();
        let mut flags = vec!["--read-cache-ms", cache.as_str()];
        flags.extend_from_slice(crate::bench::UNLIMITED);
        let server = RunningServer::start(&binaries, &database, &flags)?;
        let token = server.mint_token(&binaries, TENANT, "read")?;
        runtime.block_on(measure(&server.mcp_url(), &token, options, cache_ms))?;
    }
    Ok(())
}

/// The database holding the big tenant at this scale, loaded on first use.
async fn prepare_database(root: &Path, options: &Options) -> anyhow::Result<String> {
    sqlx::any::install_default_drivers();
    let name = format!("draxis_bigcorp_{}", (options.scale * 1000.0).round());
    let url = match options.engine.as_str() {
        "sqlite" => {
            let dir = root.join("target").join("bench");
            std::fs::create_dir_all(&dir)?;
            format!(
                "sqlite://{}?mode=rwc",
                dir.join(format!("{name}.db")).display()
            )
        }
        "postgres" => {
            let admin = std::env::var("DRAXIS_TEST_POSTGRES_URL")
                .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
            let mut conn = AnyConnection::connect(&admin).await?;
            let exists = sqlx::query("SELECT 1 FROM pg_database WHERE datname = $1")
                .bind(&name)
                .fetch_optional(&mut conn)
                .await?;
            if exists.is_none() {
                sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                    .execute(&mut conn)
                    .await?;
            }
            let base = admin
                .rsplit_once('/')
                .map_or(admin.as_str(), |(base, _)| base);
            format!("{base}/{name}")
        }
        other => anyhow::bail!("--engine must be sqlite or postgres, not {other}"),
    };
    let store = draxis_store::Store::open(&url).await?;
    store.close().await;
    let mut conn = AnyConnection::connect(&url).await?;
    // Simulation runs are loaded last: a tenant without them is a load that was cut short.
    let runs: Option<i64> = sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM simulations s WHERE s.tenant_id = t.id) FROM tenants t WHERE t.slug = $1",
    )
    .bind(TENANT)
    .fetch_optional(&mut conn)
    .await?;
    conn.close().await?;
    if runs == Some(0) {
        anyhow::bail!("{url} holds a partly loaded `{TENANT}`: drop that database and run again");
    }
    if runs.is_some() {
        eprintln!("bench-reads: reusing the big tenant in {url}");
    } else {
        eprintln!(
            "bench-reads: loading the big tenant at scale {} into {url}",
            options.scale
        );
        crate::bench_tenant::load(&url, TENANT, options.scale).await?;
    }
    Ok(url)
}

/// Latencies and sizes of one tool over all of its cases.
#[derive(Default)]
struct ToolFigures {
    latencies: Vec<Duration>,
    largest: usize,
    largest_case: String,
}

async fn measure(url: &str, token: &str, options: &Options, cache_ms: u64) -> anyhow::Result<()> {
    let mut client = Client::connect(url, token).await?;
    let cases = cases::resolve(&mut client).await?;
    let mut figures: Vec<(&'static str, ToolFigures)> = Vec::new();
    let budget = Duration::from_secs_f64(options.seconds);
    for case in &cases {
        let position = match figures.iter().position(|(tool, _)| *tool == case.tool) {
            Some(p) => p,
            None => {
                figures.push((case.tool, ToolFigures::default()));
                figures.len() - 1
            }
        };
        let tool = &mut figures[position].1;
        let first = client.call(case.tool, &case.args).await?;
        if first.structured_chars > tool.largest {
            tool.largest = first.structured_chars;
            tool.largest_case = case.label.clone();
        }
        let started = Instant::now();
        let mut samples = 0;
        while samples < 5 || (started.elapsed() < budget && samples < 400) {
            tool.latencies
                .push(client.call(case.tool, &case.args).await?.elapsed);
            samples += 1;
        }
    }
    let limit_ms = if options.engine == "postgres" {
        50.0
    } else {
        100.0
    };
    println!(
        "\nbench-reads: {} at scale {}, read cache {cache_ms} ms, {} cases, up to {} s each (sequential calls, one connection)",
        options.engine,
        options.scale,
        cases.len(),
        options.seconds
    );
    println!(
        "{:<22} {:>7} {:>9} {:>9} {:>9} {:>10}  largest answer's case",
        "tool", "calls", "p50 ms", "p99 ms", "max ms", "chars"
    );
    let mut missed = Vec::new();
    for (name, tool) in &mut figures {
        tool.latencies.sort_unstable();
        let at = |q: f64| {
            let i = ((tool.latencies.len() as f64 * q).ceil() as usize)
                .clamp(1, tool.latencies.len())
                - 1;
            tool.latencies[i].as_secs_f64() * 1000.0
        };
        let p99 = at(0.99);
        if cache_ms == 0 && p99 > limit_ms {
            missed.push(*name);
        }
        println!(
            "{name:<22} {:>7} {:>9.2} {:>9.2} {:>9.2} {:>10}  {}",
            tool.latencies.len(),
            at(0.5),
            p99,
            at(1.0),
            tool.largest,
            tool.largest_case
        );
    }
    if cache_ms == 0 {
        println!(
            "p99 target (cache off) {limit_ms} ms: {}",
            if missed.is_empty() {
                "met by every tool".to_string()
            } else {
                format!("MISSED by {}", missed.join(", "))
            }
        );
        walk_assets(&mut client).await?;
    }
    Ok(())
}

/// Pages through every asset at limit 200 and reports how long it took.
async fn walk_assets(client: &mut Client) -> anyhow::Result<()> {
    let started = Instant::now();
    let (mut pages, mut items, mut cursor) = (0, 0, None::<String>);
    loop {
        let mut args = json!({"limit": 200});
        if let Some(c) = &cursor {
            args["cursor"] = Value::String(c.clone());
        }
        let answer = client.call("get_asset_inventory", &args).await?;
        pages += 1;
        items += answer.structured["items"].as_array().map_or(0, Vec::len);
        cursor = answer.structured["nextCursor"].as_str().map(str::to_string);
        if cursor.is_none() {
            break;
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "walking every asset at limit 200: {items} assets in {pages} pages, {seconds:.1} s (target < 30 s: {})",
        if seconds < 30.0 { "met" } else { "MISSED" }
    );
    let expected = client
        .call("get_asset_inventory", &json!({"limit": 1}))
        .await?
        .structured["total"]
        .as_u64();
    if expected != Some(items as u64) {
        anyhow::bail!("the walk saw {items} assets, the inventory says {expected:?}");
    }
    Ok(())
}
