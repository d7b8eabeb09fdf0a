//! Seeding: a fresh database gets both demo tenants, once, their registers imported
//! through the customer's path (an audit event by `demo-seed`; importing the demo again
//! changes nothing; exporting gives back what the files hold).

use chrono::Utc;
use draxis_auth::audit::action;
use draxis_auth::{AuditLog, AuditQuery};
use draxis_domain::demo::demo_registers;
use draxis_domain::register::{Importer, RegisterStore};
use draxis_register::{Entity, ImportOptions, Validated};
use draxis_store::SeedOutcome;

use crate::common::Fixture;

/// The fixture seeded the demo; the summary says what, and a second seed refuses.
async fn seeding_fills_a_fresh_database_once(fixture: &Fixture) {
    let Fixture { store, seeded, .. } = fixture;
    assert_eq!(seeded[0].slug, "acme");
    assert_eq!(seeded[0].kris, 40);
    assert_eq!(seeded[0].assets, 2050);
    assert_eq!(seeded[0].observations, 1701);
    assert_eq!((seeded[1].kris, seeded[1].assets), (12, 152));
    assert_eq!(
        seeded[0].simulations,
        26 + 7,
        "one run per demo risk and outcome"
    );
    assert!(matches!(
        store.seed_demo(Utc::now().date_naive()).await.unwrap(),
        SeedOutcome::AlreadyHasData(_)
    ));
}

scenario!(seeding_fills_a_fresh_database_once);

/// Each demo register went through `import_register`: one audit event per tenant by
/// `demo-seed` naming the shipped files; the same register imported again is all
/// unchanged; the export holds the files' records.
async fn the_demo_is_imported_like_a_customers_register(fixture: &Fixture) {
    let Fixture { store, acme, .. } = fixture;
    let events = store
        .audit_trail(&AuditQuery {
            tenant: Some(acme.id),
            action: Some(action::REGISTER_IMPORT.into()),
            limit: 10,
            ..AuditQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].actor, "demo-seed");
    assert!(events[0].details.contains("acme/register.yaml"));
    assert!(events[0].details.contains("acme/assets.csv"));

    let demo = demo_registers(Utc::now().date_naive())
        .unwrap()
        .into_iter()
        .find(|d| d.slug == "acme")
        .unwrap();
    let mut register = demo.register.clone();
    register.observations = Some(demo.observations.clone());
    let report = store
        .import_register(
            acme.id,
            Validated::from_register(register, Vec::new()),
            ImportOptions {
                dry_run: true,
                prune: true,
            },
            &Importer {
                actor: "test".into(),
                client_address: None,
            },
        )
        .await
        .unwrap();
    for (entity, counts) in &report.counts {
        assert_eq!(
            (counts.created, counts.updated, counts.deleted),
            (0, 0, 0),
            "{entity}: the seeded demo is exactly its register"
        );
    }
    let unchanged = |entity: Entity| {
        report
            .counts
            .iter()
            .find(|(e, _)| *e == entity)
            .map(|(_, c)| c.unchanged)
    };
    assert_eq!(unchanged(Entity::Asset), Some(2050));
    assert_eq!(unchanged(Entity::Kri), Some(40));

    let exported = store.export_register(acme.id).await.unwrap();
    let refs = |risks: &Option<Vec<draxis_register::Risk>>| {
        let mut refs: Vec<String> = risks.iter().flatten().map(|r| r.r#ref.clone()).collect();
        refs.sort();
        refs
    };
    assert_eq!(refs(&exported.risks), refs(&demo.register.risks));
    assert_eq!(exported.controls.map(|c| c.len()), Some(62));
}

scenario!(the_demo_is_imported_like_a_customers_register);
