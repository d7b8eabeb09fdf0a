//! The platform's rules: KRI colour, risk score and rating, outcome roll-up, KRI trend.

use chrono::{DateTime, Duration, Utc};
use draxis_protocol::types::{
    ControlStatus, Direction, Frequency, KriStatus, Rating, TrendDirection,
};

/// How long one period of a frequency lasts.
pub fn frequency_period(frequency: Frequency) -> Duration {
    match frequency {
        Frequency::Daily => Duration::days(1),
        Frequency::Weekly => Duration::days(7),
        Frequency::Monthly => Duration::days(30),
        Frequency::Quarterly => Duration::days(91),
    }
}

/// The colour a value earns against its thresholds (ignoring staleness).
pub fn threshold_status(direction: Direction, warn: f64, critical: f64, value: f64) -> KriStatus {
    match direction {
        Direction::HigherIsWorse if value >= critical => KriStatus::Red,
        Direction::HigherIsWorse if value >= warn => KriStatus::Amber,
        Direction::LowerIsWorse if value <= critical => KriStatus::Red,
        Direction::LowerIsWorse if value <= warn => KriStatus::Amber,
        _ => KriStatus::Green,
    }
}

/// A KRI's definition as far as its status is concerned.
#[derive(Debug, Clone, Copy)]
pub struct Thresholds {
    pub direction: Direction,
    pub warn: f64,
    pub critical: f64,
    pub frequency: Frequency,
}

/// KRI status and a sentence saying why: unknown with no value, or when the last value is
/// older than twice the KRI's frequency; otherwise the threshold colour.
pub fn kri_status(
    thresholds: Thresholds,
    current: Option<(f64, DateTime<Utc>)>,
    now: DateTime<Utc>,
) -> (KriStatus, String) {
    (
        kri_colour(thresholds, current, now),
        explain_kri_status(thresholds, current, now),
    )
}

/// The colour alone, without the sentence (no allocation): for filters, sorts and scores.
pub fn kri_colour(
    thresholds: Thresholds,
    current: Option<(f64, DateTime<Utc>)>,
    now: DateTime<Utc>,
) -> KriStatus {
    match current {
        None => KriStatus::Unknown,
        Some((_, observed_at))
            if now - observed_at > frequency_period(thresholds.frequency) * 2 =>
        {
            KriStatus::Unknown
        }
        Some((value, _)) => threshold_status(
            thresholds.direction,
            thresholds.warn,
            thresholds.critical,
            value,
        ),
    }
}

/// The sentence saying why a KRI has its colour.
pub fn explain_kri_status(
    thresholds: Thresholds,
    current: Option<(f64, DateTime<Utc>)>,
    now: DateTime<Utc>,
) -> String {
    let Some((value, observed_at)) = current else {
        return "no value has been observed yet".into();
    };
    let max_age = frequency_period(thresholds.frequency) * 2;
    if now - observed_at > max_age {
        let days = (now - observed_at).num_days();
        return format!(
            "stale: last value is {days} days old, more than twice its {} frequency",
            thresholds.frequency
        );
    }
    let status = threshold_status(
        thresholds.direction,
        thresholds.warn,
        thresholds.critical,
        value,
    );
    let (cmp_bad, cmp_good) = match thresholds.direction {
        Direction::HigherIsWorse => (">=", "<"),
        Direction::LowerIsWorse => ("<=", ">"),
    };
    match status {
        KriStatus::Red => format!(
            "{value} is {cmp_bad} the critical threshold {}",
            thresholds.critical
        ),
        KriStatus::Amber => format!(
            "{value} is {cmp_bad} the warn threshold {}",
            thresholds.warn
        ),
        _ => format!(
            "{value} is {cmp_good} the warn threshold {}",
            thresholds.warn
        ),
    }
}

/// Sorting rank of a KRI status: red first, then amber, unknown, green.
pub fn kri_severity_rank(status: KriStatus) -> u8 {
    match status {
        KriStatus::Red => 0,
        KriStatus::Amber => 1,
        KriStatus::Unknown => 2,
        KriStatus::Green => 3,
    }
}

/// Score added per linked red KRI.
pub const RED_KRI_UPLIFT: u32 = 3;
/// Score added per linked amber KRI.
pub const AMBER_KRI_UPLIFT: u32 = 1;
/// Score added per linked weak control.
pub const WEAK_CONTROL_UPLIFT: u32 = 2;
/// Highest possible score (5 x 5).
pub const MAX_SCORE: u32 = 25;

/// A control is weak when degraded, or implemented with effectiveness below 0.5.
/// Planned and retired controls protect nothing and are not counted either way.
pub fn control_is_weak(status: ControlStatus, effectiveness: f64) -> bool {
    match status {
        ControlStatus::Degraded => true,
        ControlStatus::Implemented => effectiveness < 0.5,
        ControlStatus::Planned | ControlStatus::Retired => false,
    }
}

/// A risk's current score: likelihood x impact, plus the uplifts of its red and amber
/// KRIs and weak controls, capped at 25; with a sentence per uplift.
pub fn risk_current_score<'a>(
    likelihood: u8,
    impact: u8,
    linked_kris: impl IntoIterator<Item = (&'a str, KriStatus)>,
    linked_weak_controls: impl IntoIterator<Item = &'a str>,
) -> (u32, Vec<String>) {
    let mut score = u32::from(likelihood) * u32::from(impact);
    let mut drivers = Vec::new();
    for (slug, status) in linked_kris {
        let uplift = match status {
            KriStatus::Red => RED_KRI_UPLIFT,
            KriStatus::Amber => AMBER_KRI_UPLIFT,
            _ => continue,
        };
        score += uplift;
        drivers.push(format!("KRI {slug} is {status} (+{uplift})"));
    }
    for control_ref in linked_weak_controls {
        score += WEAK_CONTROL_UPLIFT;
        drivers.push(format!(
            "control {control_ref} is weak (+{WEAK_CONTROL_UPLIFT})"
        ));
    }
    (score.min(MAX_SCORE), drivers)
}

/// Rating band of a 1-25 score.
pub fn rating(score: u32) -> Rating {
    match score {
        15.. => Rating::Red,
        8.. => Rating::Amber,
        _ => Rating::Green,
    }
}

fn rating_rank(rating: Rating) -> u8 {
    match rating {
        Rating::Green => 0,
        Rating::Amber => 1,
        Rating::Red => 2,
    }
}

/// An outcome's status: the worst rating among its risks, green when it has none.
pub fn outcome_status(risk_ratings: impl IntoIterator<Item = Rating>) -> Rating {
    risk_ratings
        .into_iter()
        .max_by_key(|r| rating_rank(*r))
        .unwrap_or(Rating::Green)
}

/// Which way values moved from `oldest` to `newest`, and whether that is towards red.
/// Moves smaller than 5% of the warn-to-critical gap count as flat.
pub fn trend(
    direction: Direction,
    warn: f64,
    critical: f64,
    oldest: f64,
    newest: f64,
) -> (TrendDirection, bool) {
    let change = newest - oldest;
    let noise = ((warn - critical).abs() * 0.05).max(f64::EPSILON);
    if change.abs() < noise {
        return (TrendDirection::Flat, false);
    }
    let rising = change > 0.0;
    let worsening = rising == (direction == Direction::HigherIsWorse);
    (
        if rising {
            TrendDirection::Rising
        } else {
            TrendDirection::Falling
        },
        worsening,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, day, 0, 0, 0).unwrap()
    }

    const CVES: Thresholds = Thresholds {
        direction: Direction::HigherIsWorse,
        warn: 5.0,
        critical: 20.0,
        frequency: Frequency::Daily,
    };
    const PATCH: Thresholds = Thresholds {
        direction: Direction::LowerIsWorse,
        warn: 95.0,
        critical: 85.0,
        frequency: Frequency::Daily,
    };

    #[test]
    fn thresholds_follow_the_catalog_semantics() {
        let cases = [
            (CVES, 4.9, KriStatus::Green),
            (CVES, 5.0, KriStatus::Amber),
            (CVES, 19.9, KriStatus::Amber),
            (CVES, 20.0, KriStatus::Red),
            (PATCH, 95.1, KriStatus::Green),
            (PATCH, 95.0, KriStatus::Amber),
            (PATCH, 85.1, KriStatus::Amber),
            (PATCH, 85.0, KriStatus::Red),
        ];
        for (thresholds, value, expected) in cases {
            let (status, _) = kri_status(thresholds, Some((value, at(20))), at(20));
            assert_eq!(status, expected, "{value} against {thresholds:?}");
        }
    }

    #[test]
    fn no_value_or_stale_value_is_unknown() {
        assert_eq!(kri_status(CVES, None, at(20)).0, KriStatus::Unknown);
        // Daily: two days old is still fresh, just over two days is stale.
        assert_eq!(
            kri_status(CVES, Some((30.0, at(18))), at(20)).0,
            KriStatus::Red
        );
        let (status, reason) = kri_status(CVES, Some((30.0, at(17))), at(20));
        assert_eq!(status, KriStatus::Unknown);
        assert!(reason.contains("stale"), "{reason}");
    }

    #[test]
    fn red_kris_and_weak_controls_raise_the_score_up_to_25() {
        let (score, drivers) = risk_current_score(
            3,
            3,
            [("a", KriStatus::Red), ("b", KriStatus::Green)],
            ["C-001"],
        );
        assert_eq!(score, 9 + RED_KRI_UPLIFT + WEAK_CONTROL_UPLIFT);
        assert_eq!(drivers.len(), 2);
        let (score, _) = risk_current_score(5, 5, [("a", KriStatus::Red)], []);
        assert_eq!(score, 25);
        assert_eq!(rating(15), Rating::Red);
        assert_eq!(rating(14), Rating::Amber);
        assert_eq!(rating(7), Rating::Green);
    }

    #[test]
    fn outcome_takes_the_worst_risk() {
        assert_eq!(
            outcome_status([Rating::Green, Rating::Red, Rating::Amber]),
            Rating::Red
        );
        assert_eq!(outcome_status([]), Rating::Green);
    }

    #[test]
    fn trend_knows_which_way_is_worse() {
        assert_eq!(
            trend(Direction::HigherIsWorse, 5.0, 20.0, 3.0, 10.0),
            (TrendDirection::Rising, true)
        );
        assert_eq!(
            trend(Direction::LowerIsWorse, 95.0, 85.0, 97.0, 90.0),
            (TrendDirection::Falling, true)
        );
        assert_eq!(
            trend(Direction::LowerIsWorse, 95.0, 85.0, 97.0, 97.2),
            (TrendDirection::Flat, false)
        );
        assert!(control_is_weak(ControlStatus::Degraded, 0.9));
        assert!(!control_is_weak(ControlStatus::Planned, 0.1));
    }
}
