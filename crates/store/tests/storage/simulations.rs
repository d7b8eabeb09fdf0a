//! The simulation queue: a queued run is claimed once, run, and recorded.

use std::sync::Arc;

use chrono::Utc;
use draxis_domain::RiskQueries;
use draxis_domain::repository::RiskRepository;
use draxis_protocol::types::{ListSimulations, ListSimulationsArgs, SimulationStatus};

use crate::common::{Fixture, principal};

async fn queued_runs_are_claimed_once_and_recorded(fixture: &Fixture) {
    use draxis_domain::simulations::{SimulationService, Subject};
    let Fixture { store, acme, .. } = fixture;
    let service = SimulationService::new(Arc::new(store.clone()), Arc::new(store.clone()));
    let risk = store.risks(acme.id).await.unwrap()[0].id;
    let id = service
        .enqueue(acme.id, Subject::Risk(risk), 10_000, 5)
        .await
        .unwrap();
    assert!(
        service
            .enqueue(acme.id, Subject::Risk(risk), 0, 5)
            .await
            .is_err(),
        "zero iterations refused"
    );
    let claimed = service.claim_next().await.unwrap().expect("the queued run");
    assert_eq!(
        (claimed.id, claimed.iterations, claimed.seed),
        (id, 10_000, 5)
    );
    assert!(
        service.claim_next().await.unwrap().is_none(),
        "a run is claimed once"
    );
    let started = Utc::now();
    let plan = service.prepare(claimed.clone()).await.unwrap();
    service
        .finish(&claimed, started, plan.run(2).as_ref())
        .await
        .unwrap();
    let queries = RiskQueries::new(Arc::new(store.clone()));
    let runs = queries
        .call::<ListSimulations>(
            &principal(acme),
            ListSimulationsArgs {
                risk: Some(format!("risk_{risk}")),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(runs.total, 2);
    assert!(
        runs.items
            .iter()
            .all(|r| r.status == SimulationStatus::Completed)
    );
}

scenario!(queued_runs_are_claimed_once_and_recorded);
