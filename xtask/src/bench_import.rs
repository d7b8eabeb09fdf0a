//! `cargo xtask bench-import`: the register import on a large `assets.csv`, through the
//! real path (`draxis-admin register import`: validate, then one streamed transaction),
//! into a throwaway database and tenant per engine. Prints rows/s, seconds and the
//! admin process's peak RSS (VmHWM, sampled from /proc while it runs) for a first import
//! (all rows created) and a second one of the same file (all unchanged).

use std::io::{BufWriter, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use sqlx::Connection;

use crate::bench::build_binaries;
use crate::server::binaries_dir;
use crate::{cargo, run_command};

const POSTGRES_ADMIN: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// The target the issue sets for 100,000 rows, per engine.
const TARGET_SECONDS_100K: f64 = 10.0;

pub fn run(root: &Path, rows: u64, engine: &str, debug: bool) -> anyhow::Result<()> {
    let engines: &[&str] = match engine {
        "sqlite" => &["sqlite"],
        "postgres" => &["postgres"],
        "both" => &["sqlite", "postgres"],
        other => bail!("unknown engine `{other}`: use sqlite, postgres or both"),
    };
    if rows == 0 {
        bail!("--rows must be at least 1");
    }
    let binaries = if debug {
        run_command(cargo().args(["build", "--bin", "draxis-admin"]))?;
        binaries_dir(root, false)
    } else {
        build_binaries(root)?
    };
    let admin = binaries.join("draxis-admin");
    let dir = root
        .join("target/bench-import")
        .join(format!("run-{}", std::process::id()));
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let csv = dir.join("assets.csv");
    write_assets(&csv, rows)?;
    let size = std::fs::metadata(&csv)?.len();
    println!(
        "bench-import: {rows} asset rows, {:.1} MB ({}), {} binaries",
        size as f64 / 1e6,
        csv.display(),
        if debug { "debug" } else { "release" }
    );
    let mut failed = Vec::new();
    for engine in engines {
        if let Err(error) = bench_engine(&admin, engine, &dir, &csv, rows, debug) {
            eprintln!("bench-import on {engine}: {error:#}");
            failed.push(*engine);
        }
    }
    std::fs::remove_dir_all(&dir).ok();
    if !failed.is_empty() {
        bail!("bench-import failed on {}", failed.join(", "));
    }
    Ok(())
}

/// An assets.csv of `rows` distinct assets (every kind, criticality and flag).
fn write_assets(path: &Path, rows: u64) -> anyhow::Result<()> {
    let kinds = [
        "server",
        "endpoint",
        "cloud_resource",
        "saas_app",
        "dataset",
        "network_device",
    ];
    let criticality = ["low", "medium", "high", "critical"];
    let file =
        std::fs::File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    let mut out = BufWriter::new(file);
    writeln!(
        out,
        "external_id,name,kind,environment,owner,criticality,internet_facing,data_classification,last_seen,edr,mfa,backup,patched"
    )?;
    let flag = |n: u64, bit: u64| if (n >> bit) & 1 == 1 { "true" } else { "false" };
    for i in 0..rows {
        writeln!(
            out,
            "INV-{i:08},host-{i:08}.corp.example,{},{},team-{},{},{},{},2025-04-{:02}T06:00:00Z,{},{},{},{}",
            kinds[(i % 6) as usize],
            if i % 3 == 0 { "production" } else { "staging" },
            i % 97,
            criticality[(i % 4) as usize],
            flag(i, 0),
            if i % 5 == 0 {
                "confidential"
            } else {
                "internal"
            },
            1 + i % 28,
            flag(i, 1),
            flag(i, 2),
            flag(i, 3),
            flag(i, 4),
        )?;
    }
    out.flush()?;
    Ok(())
}

/// One measured run of the admin CLI: wall time, peak RSS and its output.
struct Measured {
    seconds: f64,
    peak_rss_kb: u64,
    stdout: String,
}

/// VmHWM of a running process, in kB.
fn high_water_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
}

fn measure(admin: &Path, url: &str, args: &[&str]) -> anyhow::Result<Measured> {
    let started = Instant::now();
    let mut child = Command::new(admin)
        .args(args)
        .env("DRAXIS_DATABASE_URL", url)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot run {}", admin.display()))?;
    let pid = child.id();
    let mut peak = 0;
    let deadline = started + Duration::from_secs(600);
    loop {
        if let Some(kb) = high_water_kb(pid) {
            peak = peak.max(kb);
        }
        if child.try_wait()?.is_some() {
            break;
        }
        if Instant::now() > deadline {
            child.kill().ok();
            bail!("the import ran for more than 10 minutes");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let output = child.wait_with_output()?;
    let seconds = started.elapsed().as_secs_f64();
    if !output.status.success() {
        bail!(
            "draxis-admin {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(Measured {
        seconds,
        peak_rss_kb: peak,
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
    })
}

/// The (created, updated, unchanged, deleted) counts of the `assets` row of a report.
fn asset_counts(report: &str) -> Option<[u64; 4]> {
    let line = report.lines().find(|l| l.starts_with("assets "))?;
    let cells: Vec<u64> = line
        .split_whitespace()
        .skip(1)
        .filter_map(|c| c.parse().ok())
        .collect();
    cells.try_into().ok()
}

fn bench_engine(
    admin: &Path,
    engine: &str,
    dir: &Path,
    csv: &Path,
    rows: u64,
    debug: bool,
) -> anyhow::Result<()> {
    let (url, database) = match engine {
        "sqlite" => {
            let file = dir.join("bench.db");
            std::fs::remove_file(&file).ok();
            (format!("sqlite://{}", file.display()), None)
        }
        _ => {
            let name = format!("draxis_bench_import_{}", std::process::id());
            postgres(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))?;
            postgres(&format!("CREATE DATABASE {name}"))?;
            let (base, _) = POSTGRES_ADMIN.rsplit_once('/').context("admin URL")?;
            (format!("{base}/{name}"), Some(name))
        }
    };
    let outcome = (|| -> anyhow::Result<()> {
        measure(
            admin,
            &url,
            &["tenant", "create", "bench", "--name", "Import bench"],
        )?;
        let csv = csv.display().to_string();
        let args = ["register", "import", "--tenant", "bench", csv.as_str()];
        let first = measure(admin, &url, &args)?;
        let second = measure(admin, &url, &args)?;
        let expect = |m: &Measured, wanted: [u64; 4], what: &str| -> anyhow::Result<()> {
            match asset_counts(&m.stdout) {
                Some(counts) if counts == wanted => Ok(()),
                other => bail!(
                    "{what} import reported {other:?} for assets, expected {wanted:?}:\n{}",
                    m.stdout
                ),
            }
        };
        expect(&first, [rows, 0, 0, 0], "the first")?;
        expect(&second, [0, 0, rows, 0], "the second")?;
        for (label, m) in [
            ("first (all created)", &first),
            ("again (all unchanged)", &second),
        ] {
            println!(
                "{engine:<8} {label:<22} {:>8.2} s {:>10.0} rows/s  peak RSS {:>6.1} MB",
                m.seconds,
                rows as f64 / m.seconds,
                m.peak_rss_kb as f64 / 1024.0
            );
        }
        if !debug && rows == 100_000 && first.seconds > TARGET_SECONDS_100K {
            println!("{engine:<8} over the {TARGET_SECONDS_100K} s target for 100,000 rows");
        }
        Ok(())
    })();
    if let Some(name) = database {
        postgres(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).ok();
    }
    outcome
}

/// Runs one statement on the PostgreSQL server (not inside any database of ours).
fn postgres(statement: &str) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        sqlx::any::install_default_drivers();
        let mut conn = sqlx::AnyConnection::connect(POSTGRES_ADMIN)
            .await
            .with_context(|| format!("no PostgreSQL at {POSTGRES_ADMIN}"))?;
        sqlx::raw_sql(sqlx::AssertSqlSafe(statement.to_string()))
            .execute(&mut conn)
            .await?;
        Ok::<_, anyhow::Error>(())
    })
}
