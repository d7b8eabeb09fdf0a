//! KRI histories: the band each demo KRI ends in, and a noisy series drifting into it
//! from a neighbouring band.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use draxis_protocol::types::{Direction, Frequency, KriStatus};
use rand::RngExt;
use rand::rngs::ChaCha8Rng;

use super::catalog::CatalogKri;

/// 00:00 UTC on `day`.
pub(super) fn midnight(day: NaiveDate) -> DateTime<Utc> {
    Utc.from_utc_datetime(&day.and_hms_opt(0, 0, 0).unwrap_or_default())
}

/// The band a demo KRI ends in, assigned so the demo shows every colour.
pub(crate) fn target_status(index: usize) -> KriStatus {
    match index % 10 {
        2 | 6 => KriStatus::Amber,
        4 => KriStatus::Red,
        _ => KriStatus::Green,
    }
}

/// A value in the band `status` for this KRI.
fn value_in_band(rng: &mut ChaCha8Rng, kri: &CatalogKri, status: KriStatus) -> f64 {
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

/// The KRI's series ending `today` in band `status`, oldest first, one point per period.
pub(super) fn history_for(
    rng: &mut ChaCha8Rng,
    kri: &CatalogKri,
    status: KriStatus,
    today: NaiveDate,
) -> Vec<(DateTime<Utc>, f64)> {
    let (step, points) = match kri.frequency {
        Frequency::Daily => (1, 91),
        Frequency::Weekly => (7, 13),
        Frequency::Monthly => (30, 4),
        Frequency::Quarterly => (90, 2),
    };
    let end = value_in_band(rng, kri, status);
    // Where the series came from: usually a neighbouring band, so trends tell a story.
    let start_status = match status {
        KriStatus::Red => KriStatus::Amber,
        KriStatus::Amber if rng.random_bool(0.5) => KriStatus::Green,
        _ => status,
    };
    let start = value_in_band(rng, kri, start_status);
    let spread = ((kri.warn - kri.critical).abs() * 0.08).max(0.5);
    let ceiling = if kri.unit == "%" { 100.0 } else { f64::MAX };
    (0..points)
        .map(|i| {
            let days_back = (points - 1 - i) * step;
            let progress = i as f64 / (points.max(2) - 1) as f64;
            let noise = if i + 1 == points {
                0.0
            } else {
                rng.random_range(-spread..spread)
            };
            let value = round_for_unit(
                &kri.unit,
                (start + (end - start) * progress + noise).clamp(0.0, ceiling),
            );
            let value = if i + 1 == points { end } else { value };
            (midnight(today - Duration::days(days_back as i64)), value)
        })
        .collect()
}
