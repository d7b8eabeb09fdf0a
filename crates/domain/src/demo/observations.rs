//! The demo KRIs' history: for each KRI, a noisy series ending today in the band the demo
//! story gives it (red, amber or green), drifting there from a neighbouring band, one
//! point per period over the last 90 days. Deterministic: the same seed, KRI and day
//! always give the same series.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use draxis_protocol::types::{Direction, Frequency, KriStatus};
use draxis_register::{Kri, Observation};
use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};

/// 00:00 UTC on `day`.
pub(super) fn midnight(day: NaiveDate) -> DateTime<Utc> {
    Utc.from_utc_datetime(&day.and_time(chrono::NaiveTime::MIN))
}

/// FNV-1a of `text`: mixes a KRI's slug into the tenant's seed, so each KRI draws from
/// its own stream and editing one KRI leaves the others' histories alone.
fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// A value in the band `status` for this KRI.
fn value_in_band(rng: &mut ChaCha8Rng, kri: &Kri, status: KriStatus) -> f64 {
    let (warn, critical) = (kri.warn, kri.critical);
    let ceiling = if kri.unit == "%" { 100.0 } else { f64::MAX };
    let value = match (kri.direction, status) {
        (Direction::HigherIsWorse, KriStatus::Red) => {
            rng.random_range(critical..critical * 1.6 + 1.0)
        }
        (Direction::HigherIsWorse, KriStatus::Amber) => rng.random_range(warn..critical),
        (Direction::HigherIsWorse, _) => rng.random_range(0.0..warn),
        (Direction::LowerIsWorse, KriStatus::Red) => rng.random_range(critical * 0.8..critical),
        (Direction::LowerIsWorse, KriStatus::Amber) => {
            rng.random_range(critical..warn).max(critical + 0.1)
        }
        (Direction::LowerIsWorse, _) => {
            rng.random_range(warn + 0.1..(warn + (warn - critical)).min(ceiling).max(warn + 0.2))
        }
    };
    round_for_unit(&kri.unit, value.min(ceiling))
}

/// Counts are whole; everything else keeps one decimal.
fn round_for_unit(unit: &str, value: f64) -> f64 {
    match unit {
        "count" => value.floor().max(0.0),
        _ => (value * 10.0).round() / 10.0,
    }
}

/// The KRI's series ending at 00:00 UTC `today` in band `status`, oldest first, one point
/// per period (91 daily, 13 weekly, 4 monthly or 2 quarterly points).
pub(super) fn history(
    kri: &Kri,
    status: KriStatus,
    seed: u64,
    today: NaiveDate,
) -> Vec<Observation> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ fnv1a(&kri.slug));
    let (step, points) = match kri.frequency {
        Frequency::Daily => (1, 91),
        Frequency::Weekly => (7, 13),
        Frequency::Monthly => (30, 4),
        Frequency::Quarterly => (90, 2),
    };
    let end = value_in_band(&mut rng, kri, status);
    // Where the series came from: usually a neighbouring band, so trends tell a story.
    let start_status = match status {
        KriStatus::Red => KriStatus::Amber,
        KriStatus::Amber if rng.random_bool(0.5) => KriStatus::Green,
        _ => status,
    };
    let start = value_in_band(&mut rng, kri, start_status);
    let spread = ((kri.warn - kri.critical).abs() * 0.08).max(0.5);
    let ceiling = if kri.unit == "%" { 100.0 } else { f64::MAX };
    (0..points)
        .map(|i| {
            let days_back = (points - 1 - i) * step;
            let value = if i + 1 == points {
                end
            } else {
                let progress = f64::from(i) / f64::from(points - 1);
                let noise = rng.random_range(-spread..spread);
                round_for_unit(
                    &kri.unit,
                    (start + (end - start) * progress + noise).clamp(0.0, ceiling),
                )
            };
            Observation {
                kri: kri.slug.clone(),
                observed_at: midnight(today - Duration::days(i64::from(days_back))),
                value,
            }
        })
        .collect()
}
