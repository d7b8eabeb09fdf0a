//! One risk, 1,000,000 simulated years with percentiles and exceedance curve, on one
//! thread; and an outcome of five risks. `cargo bench -p draxis-simulation`.

use criterion::{Criterion, criterion_group, criterion_main};
use draxis_simulation::*;

fn risk(rate: f64, low: f64, high: f64) -> RiskModel {
    RiskModel {
        frequency: Frequency::Rate(rate),
        magnitude: Magnitude::LogNormal90 { low, high },
        secondary: None,
        controls: vec![Control {
            effectiveness: 0.3,
            target: ControlTarget::Frequency,
            planned: false,
        }],
    }
}

fn bench(c: &mut Criterion) {
    let ransomware = risk(0.3, 500_000.0, 8_000_000.0);
    let mut group = c.benchmark_group("simulate");
    group.sample_size(20);
    group.bench_function("one risk, 1M years, 1 thread", |b| {
        b.iter(|| simulate_risk(&ransomware, Stage::Current, 1_000_000, 7, 1))
    });
    let outcome: Vec<RiskModel> = [
        (0.3, 5e5, 8e6),
        (2.0, 2e4, 9e5),
        (0.8, 1e5, 3e6),
        (1.5, 2.5e4, 7.5e5),
        (6.0, 1e3, 8e4),
    ]
    .into_iter()
    .map(|(r, l, h)| risk(r, l, h))
    .collect();
    group.bench_function("outcome of 5 risks, 100k years, 1 thread", |b| {
        b.iter(|| simulate_outcome(&outcome, Stage::Current, 100_000, 7, 1))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
