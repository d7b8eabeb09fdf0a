//! The Drop Zone on this engine: concurrent duplicates, exactly-once writes, review, bands, audit.

use std::sync::Arc;

use draxis_domain::RiskQueries;
use draxis_protocol::types::*;

use crate::common::{Fixture, principal};

const REPORT: &str = "| Metric | Value |\n|---|---|\n| Patch compliance | 91.3% |\n| Known-exploited vulnerabilities open | 3 |\n";
const AMBIGUOUS: &str = "Identity snapshot from the contractor tenant:\n\n- MFA coverage (contractors): 70%\n- Phishing-resistant MFA coverage: 35%\n";

async fn drop_zone_dedupes_materializes_and_records(fixture: &Fixture) {
    use draxis_dropzone::records::{Actor, Decided, Decision, DropZoneStore, ExtractionFilter};
    use draxis_dropzone::{BuiltinExtractor, DropZone, DropZoneLimits};
    let Fixture { store, acme, .. } = fixture;
    let repo = Arc::new(draxis_domain::cache::CachedRepository::new(
        Arc::new(store.clone()),
        std::time::Duration::ZERO,
    ));
    let zone = DropZone::new(
        repo.clone(),
        repo,
        Arc::new(store.clone()),
        Arc::new(BuiltinExtractor),
        Arc::new(draxis_dropzone::connectors::NoHttp),
        DropZoneLimits::default(),
    );
    let who = principal(acme);
    let submit = |integration: &str, content: &str| SubmitArtifactArgs {
        integration_id: integration.into(),
        content: content.into(),
        filename: Some("report.md".into()),
        mime_type: None,
    };

    // 64 concurrent identical submissions: one artifact, 63 duplicates.
    let tasks: Vec<_> = (0..64)
        .map(|_| {
            let (zone, who, args) = (zone.clone(), who.clone(), submit("AI Drop Zone", REPORT));
            tokio::spawn(async move { zone.submit(&who, args).await.unwrap() })
        })
        .collect();
    let mut answers = Vec::new();
    for t in tasks {
        answers.push(t.await.unwrap());
    }
    let ids: std::collections::BTreeSet<_> =
        answers.iter().map(|a| a.artifact_id.clone()).collect();
    assert_eq!(ids.len(), 1);
    assert_eq!(answers.iter().filter(|a| !a.duplicate).count(), 1);
    assert_eq!(answers[0].extraction.counts.auto_accepted, 2);
    let other = zone
        .submit(&who, submit("EDR drops", REPORT))
        .await
        .unwrap();
    assert!(!other.duplicate);
    assert_ne!(other.artifact_id, answers[0].artifact_id);

    // Concurrent runs write each accepted extraction exactly once.
    let runs: Vec<_> = (0..4)
        .map(|_| {
            let (zone, who) = (zone.clone(), who.clone());
            tokio::spawn(async move {
                zone.run_integration(
                    &who,
                    RunIntegrationArgs {
                        integration_id: "AI Drop Zone".into(),
                    },
                )
                .await
                .unwrap()
            })
        })
        .collect();
    let mut written = 0;
    for r in runs {
        written += r.await.unwrap().rows_written;
    }
    assert_eq!(written, 2);
    let queries = RiskQueries::new(Arc::new(store.clone()));
    let kri = queries
        .call::<GetKri>(
            &who,
            GetKriArgs {
                id: "patch_compliance_pct".into(),
                history_limit: Some(3),
            },
        )
        .await
        .unwrap();
    assert_eq!(kri.kri.current_value, Some(91.3));
    assert_eq!(
        kri.history[0].artifact_id.as_deref(),
        Some(answers[0].artifact_id.as_str())
    );
    assert_eq!(kri.history[0].source, "AI Drop Zone");

    // Review: what waits can be accepted with a corrected value, once.
    let pending = zone
        .submit(&who, submit("AI Drop Zone", AMBIGUOUS))
        .await
        .unwrap();
    assert_eq!(pending.extraction.counts.auto_accepted, 0);
    assert!(pending.extraction.counts.pending_review >= 1);
    let queue = store
        .extractions(
            acme.id,
            &ExtractionFilter {
                state: Some(ProposalState::PendingReview),
                integration_id: None,
                limit: 50,
            },
        )
        .await
        .unwrap();
    let target = queue
        .iter()
        .find(|e| e.kri_slug == "phishing_resistant_mfa_pct")
        .unwrap();
    let reviewer = Actor {
        label: "admin-cli:test".into(),
        token_id: None,
    };
    let decision = Decision {
        accept: true,
        value: Some(36.0),
        note: Some("checked the export".into()),
    };
    let Decided::Done(done) = store
        .decide(acme.id, target.id, &decision, &reviewer)
        .await
        .unwrap()
    else {
        panic!("pending extraction must be decidable")
    };
    assert_eq!((done.value, done.proposed_value), (36.0, Some(35.0)));
    assert!(matches!(
        store
            .decide(acme.id, target.id, &decision, &reviewer)
            .await
            .unwrap(),
        Decided::NotPending(ProposalState::Accepted)
    ));
    let run = zone
        .run_integration(
            &who,
            RunIntegrationArgs {
                integration_id: "AI Drop Zone".into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(run.rows_written, 1);
    assert_eq!(run.updates[0].value, 36.0);

    // The band decides; manual accepts nothing.
    zone.set_autonomy_band(acme.id, AutonomyBand::Manual, &reviewer)
        .await
        .unwrap();
    let manual = zone
        .submit(&who, submit("AI Drop Zone", "Patch compliance: 90.1%"))
        .await
        .unwrap();
    assert_eq!(manual.extraction.counts.auto_accepted, 0);
    assert_eq!(manual.extraction.counts.pending_review, 1);
    zone.set_autonomy_band(acme.id, AutonomyBand::Balanced, &reviewer)
        .await
        .unwrap();

    let actions: Vec<String> = store
        .audit_events(acme.id, 200)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    for action in [
        "artifact.submitted",
        "extraction.accepted",
        "integration.run",
        "tenant.autonomy_band_set",
    ] {
        assert!(
            actions.iter().any(|a| a == action),
            "{action} missing from {actions:?}"
        );
    }
    let submitted = actions
        .iter()
        .filter(|a| *a == "artifact.submitted")
        .count();
    assert_eq!(submitted, 4, "duplicates are not new artifacts");
}

scenario!(drop_zone_dedupes_materializes_and_records);
