//! The autonomy band's policy: the confidence at which a tenant lets the extractor's
//! proposals auto-accept, and so the state a new proposal starts in.

use draxis_protocol::types::{AutonomyBand, ProposalState};

/// The confidence at or above which a proposal auto-accepts; `None` for manual.
pub fn threshold(band: AutonomyBand) -> Option<f64> {
    match band {
        AutonomyBand::Manual => None,
        AutonomyBand::Conservative => Some(0.95),
        AutonomyBand::Balanced => Some(0.85),
        AutonomyBand::Autonomous => Some(0.70),
    }
}

/// Whether a proposal with this confidence auto-accepts.
pub fn accepts(band: AutonomyBand, confidence: f64) -> bool {
    threshold(band).is_some_and(|t| confidence >= t)
}

/// The state a new proposal starts in: auto-accepted, or waiting for a human.
pub fn initial_state(band: AutonomyBand, confidence: f64) -> ProposalState {
    if accepts(band, confidence) {
        ProposalState::AutoAccepted
    } else {
        ProposalState::PendingReview
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_are_inclusive_and_manual_accepts_nothing() {
        assert!(accepts(AutonomyBand::Balanced, 0.85));
        assert!(!accepts(AutonomyBand::Balanced, 0.849));
        assert!(accepts(AutonomyBand::Autonomous, 0.70));
        assert!(!accepts(AutonomyBand::Conservative, 0.94));
        assert!(!accepts(AutonomyBand::Manual, 1.0));
        assert_eq!(threshold(AutonomyBand::Manual), None);
    }

    #[test]
    fn new_proposals_start_by_band() {
        assert_eq!(
            initial_state(AutonomyBand::Conservative, 0.97),
            ProposalState::AutoAccepted
        );
        assert_eq!(
            initial_state(AutonomyBand::Conservative, 0.9),
            ProposalState::PendingReview
        );
    }
}
