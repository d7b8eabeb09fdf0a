//! `submit_dropzone_artifact`: its definition in the contract, its arguments and its result.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::spec::{Hints, Tool};
use crate::wire::*;

/// `submit_dropzone_artifact`: Submit an artifact to the AI Drop Zone.
#[derive(Debug, Clone, Copy)]
pub struct SubmitDropzoneArtifact;

impl Tool for SubmitDropzoneArtifact {
    type Args = SubmitArtifactArgs;
    type Output = SubmitArtifactResult;
    const NAME: &'static str = "submit_dropzone_artifact";
    const TITLE: &'static str = "Submit an artifact to the AI Drop Zone";
    const DESCRIPTION: &'static str = "Store a piece of evidence (a report, export, table, metrics or prose \
                 you pulled from a tool) in a drop zone integration (isDropZone: true in \
                 list_integrations) and extract KRI observations from it. The artifact is \
                 stored before this answers. The same bytes sent again to the same drop zone \
                 change nothing and answer duplicate: true with the first submission. The \
                 answer lists each proposal (KRI, value, confidence, evidence excerpt) and \
                 whether it auto-accepted under the tenant's autonomy band or waits for human \
                 review. Then call run_integration to write accepted values into the KRIs.";
    const HINTS: Hints = Hints::write().idempotent();
}

/// Arguments of `submit_dropzone_artifact`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SubmitArtifactArgs {
    /// Id of a drop zone integration (an `isDropZone: true` row of list_integrations,
    /// e.g. int_1); its name works too.
    pub integration_id: String,
    /// The artifact's text: a report, an export, a table, metrics, prose. UTF-8, at most
    /// the server's size limit (10 MiB by default).
    pub content: String,
    /// Original file name, for the audit trail (e.g. `tenable-week47.md`): at most 255
    /// characters, no control characters.
    #[serde(default)]
    pub filename: Option<String>,
    /// Media type, for the audit trail and as a hint to the extractor (e.g. `text/csv`):
    /// at most 255 characters, no control characters.
    #[serde(default)]
    pub mime_type: Option<String>,
}

/// The most characters a `filename` or `mimeType` may have.
pub const MAX_LABEL_CHARS: usize = 255;

/// Why `value`, given as the argument `field` (`filename`, `mimeType`), cannot be kept
/// for the audit trail: a control character (NUL, CR, LF, ESC, ...) or more than
/// [`MAX_LABEL_CHARS`] characters. `None` when it can.
pub fn label_problem(field: &str, value: &str) -> Option<String> {
    if let Some(position) = value.chars().position(char::is_control) {
        return Some(format!(
            "{field} holds a control character (at character {}); send the name as plain \
             text without NUL, line breaks or escape codes.",
            position + 1
        ));
    }
    let chars = value.chars().count();
    if chars > MAX_LABEL_CHARS {
        return Some(format!(
            "{field} is {chars} characters long; it may have at most {MAX_LABEL_CHARS}: send \
             a shorter name."
        ));
    }
    None
}

wire_enum!(
    /// Where an extraction stands.
    ProposalState {
        /// At or above the tenant's autonomy threshold: run_integration will write it.
        AutoAccepted => "auto_accepted",
        /// Below the threshold: waits in the Pending Extraction Review queue for a human.
        PendingReview => "pending_review",
        /// Accepted by a human (possibly with a corrected value).
        Accepted => "accepted",
        /// Rejected by a human: never written.
        Rejected => "rejected",
    }
);

wire_enum!(
    /// How much the extractor may decide alone, per tenant.
    AutonomyBand {
        /// Nothing auto-accepts; every proposal waits for a human.
        Manual => "manual",
        /// Proposals at confidence ≥ 0.95 auto-accept.
        Conservative => "conservative",
        /// Proposals at confidence ≥ 0.85 auto-accept (the default).
        Balanced => "balanced",
        /// Proposals at confidence ≥ 0.70 auto-accept.
        Autonomous => "autonomous",
    }
);

/// Where in the artifact a proposal was read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Evidence {
    /// First line of the span (1-based).
    pub line_start: u32,
    /// Last line of the span.
    pub line_end: u32,
    /// The span, verbatim from the artifact.
    pub excerpt: String,
}

/// One proposed KRI observation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProposalView {
    /// Extraction id (ext_12).
    pub extraction_id: String,
    /// KRI id (kri_12).
    pub kri_id: String,
    pub kri_slug: String,
    /// The value in the KRI's unit.
    pub value: f64,
    /// The KRI's unit.
    pub unit: String,
    /// When the artifact says the value was observed; absent when it does not say.
    pub observed_at: Option<DateTime<Utc>>,
    /// The extractor's confidence in [0,1].
    pub confidence: f64,
    /// Why the extractor is as confident as it is.
    pub reasons: Vec<String>,
    pub state: ProposalState,
    pub evidence: Evidence,
}

/// How many proposals went where.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ExtractionCounts {
    pub proposals: u32,
    pub auto_accepted: u32,
    pub pending_review: u32,
    /// Figures that matched no KRI of the catalog: counted, never invented.
    pub skipped: u32,
}

/// What the extractor made of an artifact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ExtractionView {
    /// The extractor that read the artifact.
    pub extractor: String,
    /// The tenant's autonomy band when the artifact was read.
    pub autonomy_band: AutonomyBand,
    pub counts: ExtractionCounts,
    pub proposals: Vec<ProposalView>,
}

/// Result of `submit_dropzone_artifact`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SubmitArtifactResult {
    /// Artifact id (art_12).
    pub artifact_id: String,
    /// The drop zone it went to.
    pub integration_id: String,
    pub integration_name: String,
    /// True when these exact bytes had already been submitted to this drop zone: nothing
    /// changed, and this answer describes the first submission.
    pub duplicate: bool,
    /// SHA-256 of the content's UTF-8 bytes, lowercase hex.
    pub sha256: String,
    pub size_bytes: u64,
    pub filename: Option<String>,
    pub mime_type: Option<String>,
    /// When the artifact was first stored.
    pub received_at: DateTime<Utc>,
    pub extraction: ExtractionView,
    /// What to do next, in a sentence.
    pub next_step: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_with_control_characters_or_too_long_are_refused() {
        assert_eq!(label_problem("filename", "tenable-week47.md"), None);
        assert_eq!(label_problem("filename", &"é".repeat(255)), None);
        for bad in ["a\0b", "a\nb", "x\u{1b}[2J", "\r"] {
            let problem = label_problem("filename", bad).unwrap_or_default();
            assert!(problem.contains("control character"), "{bad:?}: {problem}");
        }
        let problem = label_problem("mimeType", &"é".repeat(256)).unwrap_or_default();
        assert!(problem.contains("256 characters"), "{problem}");
    }
}
