//! The read services on real rows: sorting, filters, paging the whole inventory, links.

use std::sync::Arc;

use draxis_domain::RiskQueries;
use draxis_protocol::types::*;

use crate::common::{Fixture, principal};

async fn queries_answer_on_real_rows(fixture: &Fixture) {
    let Fixture { store, acme, .. } = fixture;
    let queries = RiskQueries::new(Arc::new(store.clone()));
    let who = principal(acme);

    let top = queries
        .call::<ListRisks>(
            &who,
            ListRisksArgs {
                limit: Some(5),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(top.items.len(), 5);
    assert!(top.total >= 25);
    assert!(
        top.items
            .windows(2)
            .all(|w| w[0].current_score >= w[1].current_score)
    );
    assert!(
        top.items.iter().any(|r| !r.score_drivers.is_empty()),
        "red KRIs raise some scores"
    );

    let red = queries
        .call::<ListKris>(
            &who,
            ListKrisArgs {
                status: Some(KriStatus::Red),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(red.total > 0 && red.items.iter().all(|k| k.status == KriStatus::Red));

    // Walk the whole inventory: every asset exactly once.
    let mut seen = std::collections::HashSet::new();
    let mut cursor = None;
    let total = loop {
        let page = queries
            .call::<GetAssetInventory>(
                &who,
                AssetInventoryArgs {
                    limit: Some(200),
                    cursor,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        for a in page.items {
            assert!(seen.insert(a.id), "asset listed twice");
        }
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break page.total,
        }
    };
    assert_eq!(seen.len() as u64, total);
    assert!(total >= 2000);

    let missing_edr = queries
        .call::<GetAssetInventory>(
            &who,
            AssetInventoryArgs {
                missing: Some(Coverage::Edr),
                kind: Some(AssetKind::Endpoint),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(
        missing_edr.total > 0
            && missing_edr
                .items
                .iter()
                .all(|a| !a.edr && a.kind == AssetKind::Endpoint)
    );
    assert_eq!(missing_edr.summary.coverage.edr_pct, 0.0);

    let kri = queries
        .call::<GetKri>(
            &who,
            GetKriArgs {
                id: "patch_compliance_pct".into(),
                history_limit: Some(90),
            },
        )
        .await
        .unwrap();
    assert_eq!(kri.history.len(), 90);
    assert_eq!(kri.kri.current_value, Some(kri.history[0].value));
    assert!(
        queries
            .call::<GetKri>(
                &who,
                GetKriArgs {
                    id: "nope".into(),
                    history_limit: None
                }
            )
            .await
            .is_err()
    );

    let zones = queries
        .call::<ListIntegrations>(
            &who,
            ListIntegrationsArgs {
                is_drop_zone: Some(true),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        zones
            .items
            .iter()
            .map(|i| i.name.as_str())
            .collect::<Vec<_>>(),
        ["AI Drop Zone", "EDR drops"]
    );

    let ctl = queries
        .call::<ListControls>(
            &who,
            ListControlsArgs {
                technique: Some("T1566".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(
        ctl.total > 0
            && ctl
                .items
                .iter()
                .all(|c| c.attack_techniques.iter().any(|t| t.starts_with("T1566")))
    );
    let vendors = queries
        .call::<ListVendors>(&who, ListVendorsArgs::default())
        .await
        .unwrap();
    assert!(vendors.total >= 30);
    let outcomes = queries
        .call::<ListOutcomes>(&who, ListOutcomesArgs::default())
        .await
        .unwrap();
    assert!(outcomes.total >= 6);
    let sims = queries
        .call::<ListSimulations>(
            &who,
            ListSimulationsArgs {
                limit: Some(200),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(sims.total, 33, "a real run per demo risk and outcome");
    assert!(
        sims.items
            .iter()
            .all(|s| s.status == SimulationStatus::Completed && s.results.is_some())
    );
    let by_loss = queries
        .call::<ListRisks>(
            &who,
            ListRisksArgs {
                sort: Some(RiskSort::SimulatedLoss),
                limit: Some(200),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let losses: Vec<f64> = by_loss
        .items
        .iter()
        .map(|r| r.latest_simulated_annual_loss.unwrap())
        .collect();
    assert!(
        losses.windows(2).all(|w| w[0] >= w[1]),
        "sorted by simulated loss: {losses:?}"
    );
    let outcomes = queries
        .call::<ListOutcomes>(&who, ListOutcomesArgs::default())
        .await
        .unwrap();
    assert!(
        outcomes
            .items
            .iter()
            .all(|o| o.aggregate_annual_loss.is_some())
    );
}

scenario!(queries_answer_on_real_rows);
