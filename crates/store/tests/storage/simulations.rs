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

async fn a_finished_run_becomes_its_subjects_latest_unless_a_later_one_finished(fixture: &Fixture) {
    use draxis_domain::simulations::{SimulationQueue, Subject};
    let Fixture { store, acme, .. } = fixture;
    let risk = store.risks(acme.id).await.unwrap()[1].id;
    let results = |mean: f64| {
        format!(
            r#"{{"meanAnnualLoss":{mean},"p50":0,"p90":0,"p95":0,"p99":0,"var95":0,"var99":0,"expectedShortfall99":0,"probabilityOfZeroLoss":0,"min":0,"max":0,"exceedanceCurve":[]}}"#
        )
    };
    let older = store
        .enqueue_simulation(acme.id, Subject::Risk(risk), 10, 1, "{}")
        .await
        .unwrap();
    let newer = store
        .enqueue_simulation(acme.id, Subject::Risk(risk), 10, 2, "{}")
        .await
        .unwrap();
    let now = Utc::now();
    store
        .finish_simulation(acme.id, newer, now, now, Ok(&results(2000.0)))
        .await
        .unwrap();
    store
        .finish_simulation(acme.id, older, now, now, Ok(&results(1000.0)))
        .await
        .unwrap();
    let latest = |risks: &[draxis_domain::entities::Risk]| {
        risks
            .iter()
            .find(|r| r.id == risk)
            .and_then(|r| r.latest_simulated_annual_loss)
    };
    assert_eq!(
        latest(&store.risks(acme.id).await.unwrap()),
        Some(2000.0),
        "the later run stays the latest"
    );
    let newest = store
        .enqueue_simulation(acme.id, Subject::Risk(risk), 10, 3, "{}")
        .await
        .unwrap();
    store
        .finish_simulation(acme.id, newest, now, now, Err("boom"))
        .await
        .unwrap();
    assert_eq!(
        latest(&store.risks(acme.id).await.unwrap()),
        Some(2000.0),
        "a failed run changes nothing"
    );
    let last = store
        .enqueue_simulation(acme.id, Subject::Risk(risk), 10, 4, "{}")
        .await
        .unwrap();
    store
        .finish_simulation(acme.id, last, now, now, Ok(&results(3000.0)))
        .await
        .unwrap();
    assert_eq!(latest(&store.risks(acme.id).await.unwrap()), Some(3000.0));
}

scenario!(a_finished_run_becomes_its_subjects_latest_unless_a_later_one_finished);
