//! `cargo xtask bench-sim`: the loss engine against the Python a risk analyst would use,
//! on the same scenario in one run: vectorized numpy (as Netflix's riskquant does it)
//! and pyfair. Installs numpy and pyfair into target/py-sim; our side runs the release
//! build of `crates/simulation/examples/scenario.rs` on one thread.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, bail};
use serde_json::Value;

use crate::{cargo, run_command, server::binaries_dir};

/// Ransomware-like: 0.3 events a year, losses between 0.5 M and 8 M in 90% of events.
const SCENARIO: [&str; 3] = ["0.3", "500000", "8000000"];
const YEARS: &str = "1000000";
const SEED: &str = "7";
const RUNS: &str = "11";

pub fn run(root: &Path) -> anyhow::Result<()> {
    run_command(cargo().args([
        "build",
        "--release",
        "-p",
        "draxis-simulation",
        "--example",
        "scenario",
    ]))?;
    let python = python_env(root)?;
    let ours_on = |threads: &str| {
        json_output(
            Command::new(binaries_dir(root, true).join("examples").join("scenario"))
                .args(SCENARIO)
                .args([YEARS, SEED, RUNS, threads]),
        )
    };
    let ours = ours_on("1")?;
    let ours_two = ours_on("2")?;
    let theirs = json_output(
        Command::new(&python)
            .arg(root.join("xtask/python/compare_simulation.py"))
            .args(SCENARIO)
            .args([YEARS, SEED, RUNS]),
    )?;
    let ms = |v: &Value| v["best_ms"].as_f64().unwrap_or(f64::NAN);
    let mean = |v: &Value| v["mean"].as_f64().unwrap_or(f64::NAN);
    let (numpy, pyfair) = (&theirs["numpy"], &theirs["pyfair"]);
    println!(
        "bench-sim: one risk (rate 0.3/yr, 90% of losses in 0.5M-8M), 1,000,000 years, best of {RUNS} runs"
    );
    println!("{:<34} {:>10} {:>16} {:>14}", "", "ms", "mean loss", "P99");
    for (name, v) in [
        ("draxis-simulation, 1 thread", &ours),
        ("draxis-simulation, 2 threads", &ours_two),
        ("numpy, vectorized (1 thread)", numpy),
        ("pyfair (LEF x LM, PERT)", pyfair),
    ] {
        println!(
            "{name:<34} {:>10.1} {:>16.0} {:>14.0}",
            ms(v),
            mean(v),
            v["p99"].as_f64().unwrap_or(f64::NAN)
        );
    }
    // The engine's default is one thread per core (as draxis-admin and the demo seed run
    // it); numpy and pyfair use one core whatever the machine. Both figures are printed.
    let verdict = |ok: bool| if ok { "met" } else { "MISSED" };
    let (numpy_1, numpy_2) = (ms(numpy) / ms(&ours), ms(numpy) / ms(&ours_two));
    let (pyfair_1, pyfair_2) = (ms(pyfair) / ms(&ours), ms(pyfair) / ms(&ours_two));
    println!(
        "speed-up over numpy: {numpy_2:.1}x on two threads (target >= 5x: {}), {numpy_1:.1}x on one",
        verdict(numpy_2 >= 5.0)
    );
    println!(
        "speed-up over pyfair: {pyfair_2:.1}x on two threads (target >= 20x: {}), {pyfair_1:.1}x on one",
        verdict(pyfair_2 >= 20.0)
    );
    let mean_gap = (mean(&ours) - mean(numpy)).abs() / mean(numpy);
    println!(
        "mean vs numpy: {:.2}% apart (target <= 1%: {})",
        mean_gap * 100.0,
        verdict(mean_gap <= 0.01)
    );
    println!(
        "(pyfair cannot express a compound Poisson-lognormal year; it runs its closest model, timed with the same summary)"
    );
    Ok(())
}

fn json_output(command: &mut Command) -> anyhow::Result<Value> {
    let output = command
        .output()
        .with_context(|| format!("cannot run {}", crate::display(command)))?;
    if !output.status.success() {
        bail!(
            "{} failed: {}",
            crate::display(command),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let text = String::from_utf8(output.stdout)?;
    serde_json::from_str(text.trim()).with_context(|| format!("unexpected output: {text}"))
}

fn python_env(root: &Path) -> anyhow::Result<std::path::PathBuf> {
    crate::test::venv(root, "py-sim", &root.join("xtask/python/requirements.txt"))
}
