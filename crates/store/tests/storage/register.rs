//! Importing and exporting a register (issue 12) on both engines: round trips, idempotence
//! checked against a write counter, a definition change that keeps history, `--prune`
//! exactly as its dry run listed, a failure midway that leaves the database as it was, and
//! the audit trail.

use draxis_auth::{AuditLog, AuditQuery};
use draxis_domain::RiskRepository;
use draxis_domain::register::{ImportError, RegisterStore};
use draxis_register::{ChangeKind, Entity, Observation, Register};

use crate::common::Fixture;
use crate::register_sample::*;

async fn round_trip(fixture: &Fixture) {
    let store = &fixture.store;
    let tenant = new_tenant(fixture, "initech").await;
    let report = import(store, tenant.id, sample(), false, false)
        .await
        .unwrap();
    assert!(!report.dry_run);
    assert_eq!(counts(&report, Entity::Outcome), (2, 0, 0, 0));
    assert_eq!(counts(&report, Entity::Risk), (3, 0, 0, 0));
    assert_eq!(counts(&report, Entity::Control), (3, 0, 0, 0));
    assert_eq!(counts(&report, Entity::Kri), (3, 0, 0, 0));
    assert_eq!(counts(&report, Entity::Vendor), (2, 0, 0, 0));
    assert_eq!(counts(&report, Entity::Asset), (4, 0, 0, 0));
    assert_eq!(counts(&report, Entity::Observation), (5, 0, 0, 0));
    assert_eq!(store.export_register(tenant.id).await.unwrap(), sample());

    // The read side sees the links and the latest observation as current.
    let kris = store.kris(tenant.id).await.unwrap();
    let patch = kris.iter().find(|k| k.slug == "patch_compliance").unwrap();
    assert_eq!(patch.current_value, Some(88.0));
    assert_eq!(patch.current_observed_at, Some(at(15, 0)));
    assert_eq!(patch.risks.len(), 2);
    assert_eq!(
        store.existing_keys(tenant.id).await.unwrap().risks,
        ["R-1", "R-2", "R-3"].map(String::from).into()
    );

    // The demo tenant, exported and imported into an empty tenant, exports the same.
    let acme = store.export_register(fixture.acme.id).await.unwrap();
    assert_eq!(acme.kris.as_ref().unwrap().len(), 40);
    let copy = new_tenant(fixture, "acme-copy").await;
    let mut demo = acme.clone();
    // The demo's integrations are not part of a register: the copy has none.
    for k in demo.kris.iter_mut().flatten() {
        k.source_integration = None;
    }
    import(store, copy.id, demo.clone(), false, false)
        .await
        .unwrap();
    assert_eq!(store.export_register(copy.id).await.unwrap(), demo);
}
scenario!(round_trip);

async fn importing_twice_changes_nothing(fixture: &Fixture) {
    let store = &fixture.store;
    let tenant = new_tenant(fixture, "initech").await;
    import(store, tenant.id, sample(), false, false)
        .await
        .unwrap();
    let writes = WriteCounter::install(fixture).await;
    let again = import(store, tenant.id, sample(), false, true)
        .await
        .unwrap();
    for (entity, c) in &again.counts {
        assert_eq!((c.created, c.updated, c.deleted), (0, 0, 0), "{entity}");
    }
    assert_eq!(again.counts_of(Entity::Asset).unchanged, 4);
    assert_eq!(again.counts_of(Entity::Observation).unchanged, 5);
    assert!(again.changes.is_empty() && again.also_deleted.is_empty());
    assert_eq!(writes.writes().await, 0, "an unchanged import wrote rows");
}
scenario!(importing_twice_changes_nothing);

async fn a_changed_threshold_keeps_the_history(fixture: &Fixture) {
    let store = &fixture.store;
    let tenant = new_tenant(fixture, "initech").await;
    import(store, tenant.id, sample(), false, false)
        .await
        .unwrap();
    let before = store.kris(tenant.id).await.unwrap();
    let patch = before
        .iter()
        .find(|k| k.slug == "patch_compliance")
        .unwrap();
    let mut changed = sample();
    changed.kris.as_mut().unwrap()[1].warn = 92.0;
    changed.kris.as_mut().unwrap()[1].risks = vec!["R-1".into()];
    changed.assets.as_mut().unwrap()[2].patched = true;
    changed.observations.as_mut().unwrap()[4].value = 89.5;
    let writes = WriteCounter::install(fixture).await;
    let report = import(store, tenant.id, changed.clone(), false, false)
        .await
        .unwrap();
    assert_eq!(counts(&report, Entity::Kri), (0, 1, 2, 0));
    assert_eq!(counts(&report, Entity::Asset), (0, 1, 3, 0));
    assert_eq!(counts(&report, Entity::Observation), (0, 1, 4, 0));
    assert!(report.changes.contains(&draxis_register::Change {
        entity: Entity::Kri,
        key: "patch_compliance".into(),
        kind: ChangeKind::Updated(vec!["warn".into(), "risks".into()]),
    }));
    // One KRI row, its link rows (one deleted), one asset, one observation and the KRI's
    // current value: nothing else was written.
    let written = writes.writes().await;
    assert!((5..=7).contains(&written), "{written} rows written");
    let after = store.kris(tenant.id).await.unwrap();
    let patched = after.iter().find(|k| k.slug == "patch_compliance").unwrap();
    assert_eq!(patched.id, patch.id, "the KRI keeps its id");
    assert_eq!(patched.warn, 92.0);
    assert_eq!(patched.current_value, Some(89.5));
    assert_eq!(
        store
            .kri_history(tenant.id, patch.id, 10)
            .await
            .unwrap()
            .len(),
        3
    );
    assert_eq!(store.export_register(tenant.id).await.unwrap(), changed);
}
scenario!(a_changed_threshold_keeps_the_history);

async fn prune_deletes_what_the_dry_run_listed(fixture: &Fixture) {
    let store = &fixture.store;
    let tenant = new_tenant(fixture, "initech").await;
    import(store, tenant.id, sample(), false, false)
        .await
        .unwrap();
    let mut smaller = sample();
    smaller.kris.as_mut().unwrap().remove(0); // mfa_coverage, with 2 observations
    smaller.risks.as_mut().unwrap().remove(1); // R-2 (mfa_coverage linked it)
    smaller.vendors.as_mut().unwrap().remove(1);
    smaller.assets.as_mut().unwrap().remove(3);
    smaller.observations = Some(
        smaller
            .observations
            .take()
            .unwrap()
            .into_iter()
            .filter(|o: &Observation| o.kri != "mfa_coverage" && o.observed_at != at(15, 0))
            .collect(),
    );
    let untouched = store.export_register(tenant.id).await.unwrap();
    let writes = WriteCounter::install(fixture).await;
    let dry = import(store, tenant.id, smaller.clone(), true, true)
        .await
        .unwrap();
    assert!(dry.dry_run);
    assert_eq!(writes.writes().await, 0, "a dry run wrote rows");
    assert_eq!(store.export_register(tenant.id).await.unwrap(), untouched);
    let deleted: Vec<(Entity, &str)> = dry
        .changes
        .iter()
        .filter(|c| c.kind == ChangeKind::Deleted)
        .map(|c| (c.entity, c.key.as_str()))
        .collect();
    assert_eq!(
        deleted,
        [
            (Entity::Asset, "laptop-bob"),
            (Entity::Observation, "mfa_coverage@2025-03-01T00:00:00Z"),
            (Entity::Observation, "mfa_coverage@2025-03-08T00:00:00Z"),
            (Entity::Observation, "patch_compliance@2025-03-15T00:00:00Z"),
            (Entity::Kri, "mfa_coverage"),
            (Entity::Vendor, "Zeta Cloud"),
            (Entity::Risk, "R-2"),
        ]
    );
    assert_eq!(counts(&dry, Entity::Observation), (0, 0, 2, 3));

    let real = import(store, tenant.id, smaller.clone(), false, true)
        .await
        .unwrap();
    assert_eq!(real.changes, dry.changes);
    assert_eq!(real.counts, dry.counts);
    assert_eq!(real.also_deleted, dry.also_deleted);
    assert_eq!(store.export_register(tenant.id).await.unwrap(), smaller);
    let patch = store
        .kris(tenant.id)
        .await
        .unwrap()
        .iter()
        .find(|k| k.slug == "patch_compliance")
        .map(|k| k.current_value);
    assert_eq!(patch, Some(Some(79.0)), "current follows the latest left");

    // On the demo tenant a pruned risk takes its simulation runs along, counted.
    let mut acme = store.export_register(fixture.acme.id).await.unwrap();
    let gone = acme.risks.as_mut().unwrap().remove(0).r#ref;
    for k in acme.kris.iter_mut().flatten() {
        k.risks.retain(|r| *r != gone);
    }
    let only_risks = Register {
        risks: acme.risks.clone(),
        ..Register::default()
    };
    let report = import(store, fixture.acme.id, only_risks, true, true)
        .await
        .unwrap();
    assert_eq!(counts(&report, Entity::Risk).3, 1);
    assert!(
        report
            .also_deleted
            .iter()
            .any(|a| a.what == "simulation runs of pruned risks" && a.count >= 1),
        "{:?}",
        report.also_deleted
    );
}
scenario!(prune_deletes_what_the_dry_run_listed);

async fn a_failure_midway_leaves_everything_as_it_was(fixture: &Fixture) {
    let store = &fixture.store;
    let tenant = new_tenant(fixture, "initech").await;
    import(store, tenant.id, sample(), false, false)
        .await
        .unwrap();
    let before = store.export_register(tenant.id).await.unwrap();
    let mut broken = sample();
    broken.kris.as_mut().unwrap()[0].warn = 95.0;
    // Thousands of asset rows are written, then an observation names no KRI.
    let mut assets: Vec<_> = (0..2500)
        .map(|i| asset(Some(&format!("NEW-{i:05}")), &format!("host-{i}")))
        .collect();
    assets.extend(broken.assets.take().unwrap());
    broken.assets = Some(assets);
    broken.observations.as_mut().unwrap().push(Observation {
        kri: "no_such_kri".into(),
        observed_at: at(20, 0),
        value: 1.0,
    });
    let writes = WriteCounter::install(fixture).await;
    let Err(ImportError::Invalid(problems)) = import(store, tenant.id, broken, false, true).await
    else {
        panic!("an observation of an unknown KRI must stop the import")
    };
    assert!(
        problems.0[0].to_string().contains("no_such_kri"),
        "{problems}"
    );
    assert_eq!(writes.writes().await, 0);
    assert_eq!(store.export_register(tenant.id).await.unwrap(), before);
}
scenario!(a_failure_midway_leaves_everything_as_it_was);

async fn every_import_is_on_the_record(fixture: &Fixture) {
    let store = &fixture.store;
    let tenant = new_tenant(fixture, "initech").await;
    import(store, tenant.id, sample(), true, false)
        .await
        .unwrap();
    import(store, tenant.id, sample(), false, false)
        .await
        .unwrap();
    let mut bad = sample();
    bad.kris.as_mut().unwrap()[0].risks = vec!["R-404".into()];
    assert!(import(store, tenant.id, bad, false, false).await.is_err());
    let trail = store
        .audit_trail(&AuditQuery {
            tenant: Some(tenant.id),
            action: Some("register.import".into()),
            limit: 10,
            ..AuditQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(trail.len(), 3);
    let (failed, applied, dry) = (&trail[0], &trail[1], &trail[2]);
    assert_eq!(failed.outcome, "failure");
    assert!(failed.details.contains("R-404"), "{}", failed.details);
    for event in [applied, dry] {
        assert_eq!(event.outcome, "success");
        assert_eq!(event.actor, "admin-cli:tester");
        assert_eq!(event.subject, "tenant:initech");
        let details: serde_json::Value = serde_json::from_str(&event.details).unwrap();
        assert_eq!(details["files"][0]["sha256"], "ab".repeat(32));
        assert_eq!(details["counts"]["kris"]["created"], 3);
    }
    assert!(dry.details.contains("\"dry_run\":true"));
}
scenario!(every_import_is_on_the_record);
