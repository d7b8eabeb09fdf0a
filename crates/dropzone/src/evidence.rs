//! How accepted extractions become KRI observations: which are written, at what time,
//! when the same evidence is already there, and which observation a KRI's current value
//! follows (the newest evidence; seeded or hand-entered history never outranks it).

use chrono::{DateTime, Utc};
use draxis_protocol::types::ProposalState;

/// The states whose extractions a run writes into their KRIs.
pub const WRITTEN_STATES: [ProposalState; 2] =
    [ProposalState::AutoAccepted, ProposalState::Accepted];

/// When an extraction was observed: the time its artifact states, else the artifact's
/// receipt.
pub fn observation_time(
    stated: Option<DateTime<Utc>>,
    received_at: DateTime<Utc>,
) -> DateTime<Utc> {
    stated.unwrap_or(received_at)
}

/// Where a recorded KRI observation came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// An artifact's extraction.
    Evidence,
    /// Seeded or hand-entered history.
    History,
}

/// A KRI observation already recorded.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Recorded {
    pub origin: Origin,
    pub observed_at: DateTime<Utc>,
    pub value: f64,
}

/// Whether this evidence is already written from another artifact (the same report sent
/// to two drop zones, or re-exported with other bytes): the same value at the same time
/// from an artifact. History never blocks evidence.
pub fn already_written(recorded: &[Recorded], observed_at: DateTime<Utc>, value: f64) -> bool {
    recorded
        .iter()
        .any(|r| r.origin == Origin::Evidence && r.observed_at == observed_at && r.value == value)
}

/// Whether evidence observed at `observed_at` becomes its KRI's current value: unless a
/// later-dated piece of evidence is recorded. History never outranks evidence.
pub fn becomes_current(recorded: &[Recorded], observed_at: DateTime<Utc>) -> bool {
    !recorded
        .iter()
        .any(|r| r.origin == Origin::Evidence && r.observed_at > observed_at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn day(d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, d, 0, 0, 0).unwrap()
    }

    fn recorded(origin: Origin, d: u32, value: f64) -> Recorded {
        Recorded {
            origin,
            observed_at: day(d),
            value,
        }
    }

    #[test]
    fn accepted_extractions_are_written_and_undated_ones_at_receipt() {
        assert!(WRITTEN_STATES.contains(&ProposalState::AutoAccepted));
        assert!(WRITTEN_STATES.contains(&ProposalState::Accepted));
        assert!(!WRITTEN_STATES.contains(&ProposalState::PendingReview));
        assert!(!WRITTEN_STATES.contains(&ProposalState::Rejected));
        assert_eq!(observation_time(Some(day(2)), day(5)), day(2));
        assert_eq!(observation_time(None, day(5)), day(5));
    }

    #[test]
    fn newest_evidence_wins_and_history_never_outranks_it() {
        assert!(becomes_current(&[], day(10)));
        assert!(becomes_current(
            &[recorded(Origin::Evidence, 10, 1.0)],
            day(10)
        ));
        assert!(!becomes_current(
            &[recorded(Origin::Evidence, 11, 1.0)],
            day(10)
        ));
        assert!(becomes_current(
            &[recorded(Origin::History, 20, 1.0)],
            day(10)
        ));
    }

    #[test]
    fn the_same_evidence_is_written_once_and_history_never_blocks_it() {
        let evidence = [recorded(Origin::Evidence, 10, 91.3)];
        assert!(already_written(&evidence, day(10), 91.3));
        assert!(!already_written(&evidence, day(10), 91.4));
        assert!(!already_written(&evidence, day(11), 91.3));
        let history = [recorded(Origin::History, 10, 91.3)];
        assert!(!already_written(&history, day(10), 91.3));
    }
}
