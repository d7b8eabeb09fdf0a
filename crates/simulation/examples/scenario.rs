//! Times one risk scenario for `cargo xtask bench-sim`: prints the best wall time of
//! several runs and the results, as one JSON line.
//!
//! Usage: scenario RATE LOW HIGH ITERATIONS SEED RUNS THREADS

use std::time::Instant;

use draxis_simulation::{Frequency, Magnitude, RiskModel, Stage, simulate_risk};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() != 7 {
        return Err("usage: scenario RATE LOW HIGH ITERATIONS SEED RUNS THREADS".into());
    }
    let number = |i: usize| args[i].parse::<f64>();
    let model = RiskModel {
        frequency: Frequency::Rate(number(0)?),
        magnitude: Magnitude::LogNormal90 {
            low: number(1)?,
            high: number(2)?,
        },
        secondary: None,
        controls: vec![],
    };
    let (iterations, seed, runs): (u64, u64, u32) =
        (args[3].parse()?, args[4].parse()?, args[5].parse()?);
    let threads: usize = args[6].parse()?;
    let mut best = f64::INFINITY;
    let mut summary = None;
    for run in 0..runs.max(1) {
        let started = Instant::now();
        let result = simulate_risk(
            &model,
            Stage::Inherent,
            iterations,
            seed + u64::from(run),
            threads,
        )?;
        best = best.min(started.elapsed().as_secs_f64() * 1000.0);
        summary = Some(result);
    }
    let s = summary.ok_or("no run")?;
    println!(
        "{{\"best_ms\": {best:.3}, \"mean\": {}, \"p50\": {}, \"p90\": {}, \"p99\": {}, \"es99\": {}, \"zero\": {}, \"curve_points\": {}}}",
        s.mean,
        s.p50,
        s.p90,
        s.p99,
        s.expected_shortfall99,
        s.probability_of_zero_loss,
        s.exceedance_curve.len()
    );
    Ok(())
}
