//! Hand edits of the register through `RegisterEditor`: a change reaches the cached lists
//! at once, names its fields before → after on the audit trail, an unchanged form writes
//! nothing, bad values and another tenant's rows are refused, and a manual observation
//! keeps its note and becomes current unless a later value already is.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use draxis_auth::{AuditLog, AuditQuery};
use draxis_domain::cache::CachedRepository;
use draxis_domain::entities::LikelihoodImpact;
use draxis_domain::register_edits::{
    ControlSettings, EditError, Edited, Editor, KriSettings, ManualObservation, Recorded,
    RegisterEditor, RiskSettings,
};
use draxis_domain::repository::RiskRepository;
use draxis_protocol::types::{ControlStatus, Direction, RiskStatus};

use crate::common::Fixture;

fn editor() -> Editor {
    Editor {
        actor: "user:analyst@acme.example".into(),
        credential: Some("session:1".into()),
        client_address: Some("192.0.2.7".into()),
    }
}

async fn hand_edits_are_checked_written_audited_and_seen_at_once(fixture: &Fixture) {
    let Fixture {
        store,
        acme,
        globex,
        ..
    } = fixture;
    let cached = Arc::new(CachedRepository::new(
        Arc::new(store.clone()),
        Duration::from_secs(3600),
    ));
    let edits = RegisterEditor::new(cached.clone(), Arc::new(store.clone()), cached.clone());
    let kris = cached.kris(acme.id).await.unwrap();
    let kri = kris
        .iter()
        .find(|k| k.direction == Direction::HigherIsWorse)
        .unwrap()
        .clone();

    // Wrong order for the direction: refused, nothing written.
    let wrong = KriSettings {
        warn: kri.critical + 10.0,
        ..KriSettings::from(&kri)
    };
    match edits.edit_kri(acme.id, &kri.slug, &wrong, &editor()).await {
        Err(EditError::Invalid(problems)) => assert_eq!(problems[0].field, "critical"),
        other => panic!("accepted {other:?}"),
    }
    let settings = KriSettings {
        warn: kri.warn + 1.0,
        critical: kri.critical + 2.0,
        owner: "Deputy CISO".into(),
        aliases: vec!["hand-edited alias".into()],
    };
    let Edited::Changed(changes) = edits
        .edit_kri(acme.id, &kri.slug, &settings, &editor())
        .await
        .unwrap()
    else {
        panic!("not changed");
    };
    assert_eq!(changes.len(), 4);
    let seen = cached.kri(acme.id, &kri.slug).await.unwrap().unwrap();
    assert_eq!(
        (seen.warn, seen.critical),
        (settings.warn, settings.critical)
    );
    let listed = cached.kris(acme.id).await.unwrap();
    let listed = listed.iter().find(|k| k.id == kri.id).unwrap();
    assert_eq!(
        listed.owner, "Deputy CISO",
        "the cached list was invalidated"
    );
    assert_eq!(listed.aliases, ["hand-edited alias"]);
    assert_eq!(
        edits
            .edit_kri(acme.id, &seen.slug, &settings, &editor())
            .await
            .unwrap(),
        Edited::Unchanged
    );

    let trail = store
        .audit_trail(&AuditQuery {
            tenant: Some(acme.id),
            action: Some("register.kri_edit".into()),
            limit: 10,
            ..AuditQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(
        trail.len(),
        1,
        "one event for one change, none for no change"
    );
    let event = &trail[0];
    assert_eq!(event.actor, "user:analyst@acme.example");
    assert_eq!(event.subject, format!("kri:{}", kri.slug));
    assert_eq!(event.client_address.as_deref(), Some("192.0.2.7"));
    let details: serde_json::Value = serde_json::from_str(&event.details).unwrap();
    assert_eq!(details["changes"]["warn"]["from"], kri.warn);
    assert_eq!(details["changes"]["warn"]["to"], settings.warn);
    assert_eq!(details["changes"]["owner"]["to"], "Deputy CISO");

    // Another tenant's row is not found by its public id.
    let foreign = store.kris(globex.id).await.unwrap()[0].clone();
    let unchanged_foreign = KriSettings::from(&foreign);
    let moved = KriSettings {
        owner: "intruder".into(),
        ..unchanged_foreign
    };
    assert_eq!(
        edits
            .edit_kri(acme.id, &format!("kri_{}", foreign.id), &moved, &editor())
            .await
            .unwrap(),
        Edited::NotFound
    );
    assert_eq!(store.kris(globex.id).await.unwrap()[0].owner, foreign.owner);

    // Risks: ratings and the FAIR interval, checked.
    let risk = cached.risks(acme.id).await.unwrap()[0].clone();
    let mut risk_settings = RiskSettings::from(&risk);
    risk_settings.status = RiskStatus::Accepted;
    risk_settings.current = LikelihoodImpact {
        likelihood: 1,
        impact: 1,
    };
    risk_settings.loss_magnitude_high = risk_settings.loss_magnitude_low * 3.0;
    assert!(matches!(
        edits
            .edit_risk(acme.id, &risk.r#ref, &risk_settings, &editor())
            .await
            .unwrap(),
        Edited::Changed(_)
    ));
    let after = cached.risks(acme.id).await.unwrap();
    let after = after.iter().find(|r| r.id == risk.id).unwrap();
    assert_eq!(after.status, RiskStatus::Accepted);
    assert_eq!(after.current.likelihood, 1);
    let inverted = RiskSettings {
        loss_magnitude_low: 10.0,
        loss_magnitude_high: 5.0,
        ..risk_settings.clone()
    };
    assert!(matches!(
        edits
            .edit_risk(acme.id, &risk.r#ref, &inverted, &editor())
            .await,
        Err(EditError::Invalid(_))
    ));

    // Controls: status and effectiveness.
    let control = cached.controls(acme.id).await.unwrap()[0].clone();
    let control_settings = ControlSettings {
        status: ControlStatus::Degraded,
        effectiveness: 0.25,
    };
    assert!(matches!(
        edits
            .edit_control(acme.id, &control.r#ref, &control_settings, &editor())
            .await
            .unwrap(),
        Edited::Changed(_)
    ));
    let after = cached.controls(acme.id).await.unwrap();
    let after = after.iter().find(|c| c.id == control.id).unwrap();
    assert_eq!(
        (after.status, after.effectiveness),
        (ControlStatus::Degraded, 0.25)
    );
    let too_strong = ControlSettings {
        effectiveness: 1.5,
        ..control_settings
    };
    assert!(
        edits
            .edit_control(acme.id, &control.r#ref, &too_strong, &editor())
            .await
            .is_err()
    );
}

scenario!(hand_edits_are_checked_written_audited_and_seen_at_once);

async fn manual_observations_keep_their_note_and_follow_the_newest(fixture: &Fixture) {
    let Fixture { store, acme, .. } = fixture;
    let cached = Arc::new(CachedRepository::new(
        Arc::new(store.clone()),
        Duration::from_secs(3600),
    ));
    let edits = RegisterEditor::new(cached.clone(), Arc::new(store.clone()), cached.clone());
    let kri = cached.kris(acme.id).await.unwrap()[0].clone();
    let now = Utc::now();
    let recorded = edits
        .record_observation(
            acme.id,
            &kri.slug,
            &ManualObservation {
                value: 42.5,
                observed_at: now,
                note: Some("counted by hand — Q3 audit".into()),
            },
            &editor(),
        )
        .await
        .unwrap();
    assert_eq!(recorded, Recorded::Stored { current: true });
    let seen = cached.kri(acme.id, &kri.slug).await.unwrap().unwrap();
    assert_eq!(seen.current_value, Some(42.5));
    let listed = cached.kris(acme.id).await.unwrap();
    assert_eq!(
        listed
            .iter()
            .find(|k| k.id == kri.id)
            .unwrap()
            .current_value,
        Some(42.5),
        "the cached list shows the new value"
    );
    let history = store.kri_history(acme.id, kri.id, 1).await.unwrap();
    assert_eq!(history[0].source, "manual");
    assert_eq!(
        history[0].note.as_deref(),
        Some("counted by hand — Q3 audit")
    );

    // An older value joins the history without becoming current.
    let older = edits
        .record_observation(
            acme.id,
            &kri.slug,
            &ManualObservation {
                value: 7.0,
                observed_at: now - chrono::Duration::days(400),
                note: None,
            },
            &editor(),
        )
        .await
        .unwrap();
    assert_eq!(older, Recorded::Stored { current: false });
    let seen = store.kri(acme.id, &kri.slug).await.unwrap().unwrap();
    assert_eq!(seen.current_value, Some(42.5));

    // The future and non-numbers are refused.
    let future = ManualObservation {
        value: 1.0,
        observed_at: now + chrono::Duration::days(2),
        note: None,
    };
    assert!(
        edits
            .record_observation(acme.id, &kri.slug, &future, &editor())
            .await
            .is_err()
    );
    assert_eq!(
        edits
            .record_observation(
                acme.id,
                "no_such_kri",
                &ManualObservation {
                    observed_at: now,
                    ..future
                },
                &editor()
            )
            .await
            .unwrap(),
        Recorded::NotFound
    );
    let trail = store
        .audit_trail(&AuditQuery {
            tenant: Some(acme.id),
            action: Some("register.observation_record".into()),
            limit: 10,
            ..AuditQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(trail.len(), 2);
}

scenario!(manual_observations_keep_their_note_and_follow_the_newest);
