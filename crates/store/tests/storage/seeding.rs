//! Seeding: a fresh database gets both demo tenants, once.

use chrono::Utc;
use draxis_store::SeedOutcome;

use crate::common::Fixture;

/// The fixture seeded the demo; the summary says what, and a second seed refuses.
async fn seeding_fills_a_fresh_database_once(fixture: &Fixture) {
    let Fixture { store, seeded, .. } = fixture;
    assert_eq!(seeded[0].slug, "acme");
    assert_eq!(seeded[0].kris, 40);
    assert!(seeded[0].assets >= 2000);
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
