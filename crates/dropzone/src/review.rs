//! What a human may decide: which extractions still take a decision, and what a decision
//! makes of one (its state, and a corrected value that keeps the extractor's as proposed).

use draxis_protocol::types::ProposalState;

use crate::records::{Decision, StoredExtraction};

/// Whether an extraction can still be decided: a pending one, or an auto-accepted one a
/// reviewer stops before the next run writes it. A written extraction never can.
pub fn decidable(state: ProposalState, written: bool) -> bool {
    !written
        && matches!(
            state,
            ProposalState::PendingReview | ProposalState::AutoAccepted
        )
}

/// An extraction as a decision leaves it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Verdict {
    pub state: ProposalState,
    pub value: f64,
    /// The extractor's value, kept when a reviewer corrected it.
    pub proposed_value: Option<f64>,
}

/// What `decision` makes of `extraction` (which must be [`decidable`]).
pub fn verdict(extraction: &StoredExtraction, decision: &Decision) -> Verdict {
    let state = if decision.accept {
        ProposalState::Accepted
    } else {
        ProposalState::Rejected
    };
    match decision.value {
        Some(corrected) => Verdict {
            state,
            value: corrected,
            proposed_value: Some(extraction.value),
        },
        None => Verdict {
            state,
            value: extraction.value,
            proposed_value: extraction.proposed_value,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn extraction(value: f64) -> StoredExtraction {
        StoredExtraction {
            id: 1,
            artifact_id: 1,
            integration_id: 1,
            kri_id: 1,
            kri_slug: "patch_compliance_pct".into(),
            kri_unit: "%".into(),
            value,
            proposed_value: None,
            observed_at: None,
            confidence: 0.8,
            reasons: Vec::new(),
            line_start: 1,
            line_end: 1,
            excerpt: String::new(),
            state: ProposalState::PendingReview,
            decided_by: None,
            decided_at: None,
            note: None,
            materialized_at: None,
            created_at: Utc::now(),
        }
    }

    #[test]
    fn only_unwritten_pending_or_auto_accepted_extractions_are_decidable() {
        assert!(decidable(ProposalState::PendingReview, false));
        assert!(decidable(ProposalState::AutoAccepted, false));
        assert!(!decidable(ProposalState::AutoAccepted, true));
        assert!(!decidable(ProposalState::Accepted, false));
        assert!(!decidable(ProposalState::Rejected, false));
    }

    #[test]
    fn a_correction_keeps_the_extractors_value() {
        let decision = Decision {
            accept: true,
            value: Some(92.0),
            note: None,
        };
        assert_eq!(
            verdict(&extraction(91.3), &decision),
            Verdict {
                state: ProposalState::Accepted,
                value: 92.0,
                proposed_value: Some(91.3),
            }
        );
        let rejection = Decision {
            accept: false,
            value: None,
            note: Some("stale export".into()),
        };
        assert_eq!(
            verdict(&extraction(91.3), &rejection),
            Verdict {
                state: ProposalState::Rejected,
                value: 91.3,
                proposed_value: None,
            }
        );
    }
}
