//! The engine against analytic results and invariants: means match λ·e^(μ+σ²/2), curves
//! are monotone, controls never add loss, seeds reproduce on any thread count, and bad
//! parameters are errors rather than panics.

use draxis_simulation::*;
use proptest::prelude::*;

fn lognormal_risk(rate: f64, low: f64, high: f64) -> RiskModel {
    RiskModel {
        frequency: Frequency::Rate(rate),
        magnitude: Magnitude::LogNormal90 { low, high },
        secondary: None,
        controls: vec![],
    }
}

fn analytic_mean(rate: f64, low: f64, high: f64) -> f64 {
    let mu = (low.ln() + high.ln()) / 2.0;
    let sigma = (high.ln() - low.ln()) / (2.0 * 1.644_853_6);
    rate * (mu + sigma * sigma / 2.0).exp()
}

#[test]
fn sample_mean_matches_the_analytic_mean() {
    for (rate, low, high) in [
        (0.3, 500_000.0, 8_000_000.0),
        (2.0, 20_000.0, 900_000.0),
        (6.0, 1_000.0, 80_000.0),
    ] {
        let s = simulate_risk(
            &lognormal_risk(rate, low, high),
            Stage::Inherent,
            2_000_000,
            11,
            2,
        )
        .unwrap();
        let expected = analytic_mean(rate, low, high);
        let error = (s.mean - expected).abs() / expected;
        assert!(
            error < 0.02,
            "rate {rate}: mean {} vs analytic {expected} ({error:.4})",
            s.mean
        );
        let zero = (-rate).exp();
        assert!(
            (s.probability_of_zero_loss - zero).abs() < 0.002,
            "P(0) {} vs {zero}",
            s.probability_of_zero_loss
        );
    }
}

#[test]
fn same_seed_same_results_on_one_and_two_threads() {
    let model = RiskModel {
        frequency: Frequency::Pert {
            min: 0.1,
            most_likely: 0.5,
            max: 3.0,
        },
        magnitude: Magnitude::LogNormal90 {
            low: 10_000.0,
            high: 1_000_000.0,
        },
        secondary: Some(Secondary {
            probability: 0.3,
            magnitude: Magnitude::Pert {
                min: 5_000.0,
                most_likely: 50_000.0,
                max: 400_000.0,
            },
        }),
        controls: vec![Control {
            effectiveness: 0.4,
            target: ControlTarget::Both,
            planned: false,
        }],
    };
    let one = simulate_risk(&model, Stage::Current, 300_000, 42, 1).unwrap();
    let two = simulate_risk(&model, Stage::Current, 300_000, 42, 2).unwrap();
    let four = simulate_risk(&model, Stage::Current, 300_000, 42, 4).unwrap();
    assert_eq!(one, two);
    assert_eq!(one, four);
    assert_ne!(
        one,
        simulate_risk(&model, Stage::Current, 300_000, 43, 2).unwrap()
    );
}

#[test]
fn a_risk_alone_and_an_outcome_of_that_risk_agree_exactly() {
    let model = lognormal_risk(0.4, 10_000.0, 900_000.0);
    let alone = simulate_risk(&model, Stage::Inherent, 200_000, 3, 2).unwrap();
    let outcome =
        simulate_outcome(std::slice::from_ref(&model), Stage::Inherent, 200_000, 3, 1).unwrap();
    assert_eq!(alone.p99, outcome.p99);
    assert_eq!(alone.exceedance_curve, outcome.exceedance_curve);
    assert!(
        (alone.mean - outcome.mean).abs() <= alone.mean * 1e-12,
        "summation order only"
    );
}

#[test]
fn an_outcome_is_the_sum_of_its_risks() {
    let a = lognormal_risk(0.5, 10_000.0, 500_000.0);
    let b = lognormal_risk(1.5, 1_000.0, 40_000.0);
    let outcome =
        simulate_outcome(&[a.clone(), b.clone()], Stage::Inherent, 1_000_000, 5, 2).unwrap();
    let expected = analytic_mean(0.5, 10_000.0, 500_000.0) + analytic_mean(1.5, 1_000.0, 40_000.0);
    assert!(
        (outcome.mean - expected).abs() / expected < 0.03,
        "{} vs {expected}",
        outcome.mean
    );
    assert!(
        outcome.probability_of_zero_loss
            < simulate_risk(&a, Stage::Inherent, 1_000_000, 5, 2)
                .unwrap()
                .probability_of_zero_loss
    );
}

#[test]
fn bad_parameters_are_errors() {
    let good = lognormal_risk(1.0, 1.0, 2.0);
    let cases: Vec<RiskModel> = vec![
        lognormal_risk(1.0, 5.0, 5.0),
        lognormal_risk(1.0, 5.0, 1.0),
        lognormal_risk(1.0, 0.0, 1.0),
        lognormal_risk(-1.0, 1.0, 2.0),
        lognormal_risk(f64::NAN, 1.0, 2.0),
        lognormal_risk(1.0, f64::INFINITY, 2.0),
        RiskModel {
            frequency: Frequency::Pert {
                min: 3.0,
                most_likely: 1.0,
                max: 2.0,
            },
            ..good.clone()
        },
        RiskModel {
            magnitude: Magnitude::Pert {
                min: 1.0,
                most_likely: 1.0,
                max: 1.0,
            },
            ..good.clone()
        },
        RiskModel {
            secondary: Some(Secondary {
                probability: 1.5,
                magnitude: Magnitude::LogNormal90 {
                    low: 1.0,
                    high: 2.0,
                },
            }),
            ..good.clone()
        },
        RiskModel {
            controls: vec![Control {
                effectiveness: -0.1,
                target: ControlTarget::Frequency,
                planned: false,
            }],
            ..good.clone()
        },
    ];
    for model in cases {
        let error = simulate_risk(&model, Stage::Current, 1_000, 1, 1).unwrap_err();
        assert!(!error.to_string().is_empty());
    }
    assert_eq!(
        simulate_risk(&good, Stage::Current, 0, 1, 1).unwrap_err(),
        SimError::Iterations(0)
    );
    assert_eq!(
        simulate_risk(&good, Stage::Current, MAX_ITERATIONS + 1, 1, 1).unwrap_err(),
        SimError::Iterations(MAX_ITERATIONS + 1)
    );
    assert_eq!(
        simulate_outcome(&[], Stage::Current, 10, 1, 1).unwrap_err(),
        SimError::NoRisks
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn curves_are_monotone_and_percentiles_ordered(
        rate in 0.0f64..8.0,
        low in 1.0f64..1e6,
        spread in 1.01f64..200.0,
        seed in any::<u64>(),
    ) {
        let s = simulate_risk(&lognormal_risk(rate, low, low * spread), Stage::Inherent, 20_000, seed, 2).unwrap();
        prop_assert!(s.p50 <= s.p90 && s.p90 <= s.p95 && s.p95 <= s.p99 && s.p99 <= s.max);
        prop_assert!(s.expected_shortfall99 >= s.p99);
        prop_assert!(s.min <= s.mean && s.mean <= s.max);
        prop_assert!((0.0..=1.0).contains(&s.probability_of_zero_loss));
        prop_assert!(s.exceedance_curve.len() <= 100);
        for pair in s.exceedance_curve.windows(2) {
            prop_assert!(pair[0].loss <= pair[1].loss && pair[0].probability >= pair[1].probability);
        }
    }

    #[test]
    fn order_statistics_equal_a_full_sort(
        losses in proptest::collection::vec(prop_oneof![Just(0.0f64), 1e-3f64..1e9], 1..3000),
    ) {
        let s = LossSummary::from_losses(losses.clone());
        let mut sorted = losses.clone();
        sorted.sort_by(f64::total_cmp);
        let n = sorted.len();
        let at = |q: f64| sorted[((q * n as f64).ceil() as usize).clamp(1, n) - 1];
        prop_assert_eq!(s.p50, at(0.50));
        prop_assert_eq!(s.p90, at(0.90));
        prop_assert_eq!(s.p95, at(0.95));
        prop_assert_eq!(s.p99, at(0.99));
        let tail = (n as f64 * 0.01).ceil() as usize;
        let es: f64 = sorted[n - tail..].iter().sum::<f64>() / tail as f64;
        prop_assert!((s.expected_shortfall99 - es).abs() <= es.abs() * 1e-9, "{} vs {}", s.expected_shortfall99, es);
        prop_assert_eq!(s.max, sorted[n - 1]);
    }

    #[test]
    fn controls_never_increase_loss(
        rate in 0.1f64..5.0,
        effectiveness in 0.0f64..1.0,
        planned_effectiveness in 0.0f64..1.0,
        target in prop_oneof![Just(ControlTarget::Frequency), Just(ControlTarget::Magnitude), Just(ControlTarget::Both)],
        seed in any::<u64>(),
    ) {
        let mut model = lognormal_risk(rate, 1_000.0, 100_000.0);
        model.controls = vec![
            Control { effectiveness, target, planned: false },
            Control { effectiveness: planned_effectiveness, target, planned: true },
        ];
        let inherent = simulate_risk(&model, Stage::Inherent, 50_000, seed, 1).unwrap();
        let current = simulate_risk(&model, Stage::Current, 50_000, seed, 1).unwrap();
        let residual = simulate_risk(&model, Stage::Residual, 50_000, seed, 1).unwrap();
        // Same seed: magnitude-only controls scale every year down; frequency controls
        // thin events, and at 50k years the mean moves with them beyond sampling noise.
        let noise = inherent.mean * 0.05;
        prop_assert!(current.mean <= inherent.mean + noise, "{} > {}", current.mean, inherent.mean);
        prop_assert!(residual.mean <= current.mean + noise, "{} > {}", residual.mean, current.mean);
    }
}
