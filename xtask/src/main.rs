//! `cargo xtask`: the project's automation. `test` runs everything CI runs, `codegen`
//! regenerates the committed tool reference, `bench-mcp` measures the MCP endpoint.

mod bench;
mod bench_dropzone;
mod bench_import;
mod bench_reads;
mod bench_sim;
mod bench_tenant;
mod claude_code;
mod codegen;
#[cfg(test)]
mod invariants;
mod reliability;
mod server;
mod structure;
mod test;

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(about = "Draxis automation")]
struct Cli {
    #[command(subcommand)]
    command: Task,
}

#[derive(Debug, Subcommand)]
enum Task {
    /// Run the whole test suite: unit and storage tests on SQLite and PostgreSQL, then the
    /// end-to-end test (the official MCP Python SDK against the real server) on both engines.
    /// PostgreSQL is taken from DRAXIS_TEST_POSTGRES_URL (default
    /// postgres://postgres@127.0.0.1:5432/postgres); without it the PostgreSQL suites are
    /// skipped and reported as skipped, unless CI is set, where they are required.
    Test,
    /// Regenerate docs/tools.md and docs/schemas/*.json from the protocol crate.
    Codegen {
        /// Only check that the committed files are current; fail if not.
        #[arg(long)]
        check: bool,
    },
    /// Time the loss engine against vectorized numpy and pyfair on the same scenario, in one
    /// run (installs numpy and pyfair into target/py-sim).
    BenchSim,
    /// Load-test /api/mcp: list_kris (limit 25) with a PAT on SQLite against a bare rmcp echo
    /// tool served the same way, in one run, with wrk.
    BenchMcp {
        /// Seconds per measurement.
        #[arg(long, default_value_t = 10)]
        seconds: u32,
        /// Concurrent connections.
        #[arg(long, default_value_t = 16)]
        connections: u32,
    },
    /// Measure the Drop Zone: extraction MB/s on large text, SHA-256 against sha256sum on
    /// the same bytes, 64 KiB artifacts per second over /api/mcp and duplicate latency.
    BenchDropzone {
        /// Seconds per HTTP measurement.
        #[arg(long, default_value_t = 8)]
        seconds: u32,
    },
    /// The release server on PostgreSQL under faults and load: a database restart under
    /// tool calls (only 503s and tool errors while it is away, full service within 5 s),
    /// a soak (RSS flat within 10%, no errors) and 1,000 idle sockets (another client's
    /// tools/call p99 under 50 ms). About a minute and a half after the build.
    Reliability {
        /// Soak 10 minutes at half the measured maximum load instead of 30 s.
        #[arg(long)]
        long: bool,
    },
    /// Time every read tool on the big tenant (loaded on first use into
    /// target/bench/*.db or a draxis_bigcorp_* PostgreSQL database) with the read cache
    /// off and on: p50/p99 and the largest structuredContent per tool, and a walk of every
    /// asset at limit 200.
    BenchReads {
        #[arg(long, default_value = "sqlite")]
        engine: String,
        #[arg(long, default_value_t = 1.0)]
        scale: f64,
        /// Measure only with this read-cache lifetime (default: 0, then 1000).
        #[arg(long)]
        cache_ms: Option<u64>,
        /// Seconds spent repeating each case.
        #[arg(long, default_value_t = 2.0)]
        seconds: f64,
    },
    /// Load a deterministic enterprise-sized tenant (102,050 assets, 4.0M KRI
    /// observations, 1,026 risks, 2,062 controls, 5,032 vendors, ~1,000 simulation runs at
    /// scale 1.0) into a database, migrating it first. The tenant must not exist yet.
    BigTenant {
        /// sqlite://PATH or postgres://USER@HOST:PORT/DB.
        #[arg(long)]
        database: String,
        #[arg(long, default_value = "bigcorp")]
        tenant: String,
        /// Multiplies every figure (0.05 gives a small tenant for CI).
        #[arg(long, default_value_t = 1.0)]
        scale: f64,
    },
    /// Import a generated assets.csv of --rows rows through `draxis-admin register import`
    /// (validate, then one streamed transaction) into a throwaway database and tenant, then
    /// import it again (all unchanged): seconds, rows/s and the CLI's peak RSS per engine.
    BenchImport {
        #[arg(long, default_value_t = 100_000)]
        rows: u64,
        /// sqlite, postgres or both.
        #[arg(long, default_value = "both")]
        engine: String,
        /// Use the debug binary (the short form `cargo xtask test` can run).
        #[arg(long)]
        debug: bool,
    },
    /// Check the code's shape: import cycles between the modules of each crate, and
    /// source files over 700 lines (also checked by `cargo test -p xtask`).
    Structure,
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let root = project_root();
    let outcome = std::env::set_current_dir(&root)
        .map_err(anyhow::Error::from)
        .and_then(|()| match cli.command {
            Task::Test => test::run(&root),
            Task::Codegen { check } => codegen::run(&root, check),
            Task::BenchMcp {
                seconds,
                connections,
            } => bench::run(&root, seconds, connections),
            Task::BenchSim => bench_sim::run(&root),
            Task::BenchDropzone { seconds } => bench_dropzone::run(&root, seconds),
            Task::Reliability { long } => reliability::run(&root, long),
            Task::BenchReads {
                engine,
                scale,
                cache_ms,
                seconds,
            } => bench_reads::run(
                &root,
                &bench_reads::Options {
                    engine,
                    scale,
                    cache_ms,
                    seconds,
                },
            ),
            Task::BigTenant {
                database,
                tenant,
                scale,
            } => bench_tenant::run(&database, &tenant, scale),
            Task::BenchImport {
                rows,
                engine,
                debug,
            } => bench_import::run(&root, rows, &engine, debug),
            Task::Structure => check_structure(&root),
        });
    match outcome {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("xtask: error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// Runs a command, echoing it, and fails if it fails.
fn run_command(command: &mut Command) -> anyhow::Result<()> {
    eprintln!("$ {}", display(command));
    let status = command
        .status()
        .with_context(|| format!("cannot start {}", display(command)))?;
    if !status.success() {
        bail!("{} failed ({status})", display(command));
    }
    Ok(())
}

fn display(command: &Command) -> String {
    std::iter::once(command.get_program().to_string_lossy().into_owned())
        .chain(command.get_args().map(|a| a.to_string_lossy().into_owned()))
        .collect::<Vec<_>>()
        .join(" ")
}

fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

/// Prints every module cycle and every long file; fails when there is any.
fn check_structure(root: &Path) -> anyhow::Result<()> {
    let mut problems = structure::long_files(root);
    for src in structure::source_dirs(root) {
        let name = src
            .parent()
            .and_then(Path::file_name)
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        problems.extend(
            structure::cycles(&src)
                .into_iter()
                .map(|cycle| format!("{name}: module cycle {cycle}")),
        );
    }
    for problem in &problems {
        println!("{problem}");
    }
    if problems.is_empty() {
        println!(
            "structure: no module cycles, no file over {} lines",
            structure::MAX_LINES
        );
        Ok(())
    } else {
        bail!("{} structure problem(s)", problems.len())
    }
}
