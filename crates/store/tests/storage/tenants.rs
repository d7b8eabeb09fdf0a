//! Tenant isolation: rows, links, refs, histories and cursors never cross tenants.

use std::sync::Arc;

use draxis_domain::RiskQueries;
use draxis_domain::repository::{RefKind, RiskRepository};
use draxis_protocol::types::{AssetInventoryArgs, GetAssetInventory};

use crate::common::{Fixture, principal};

async fn tenants_never_see_each_other(fixture: &Fixture) {
    let Fixture {
        store,
        acme,
        globex,
        ..
    } = fixture;
    let acme_kris = store.kris(acme.id).await.unwrap();
    let globex_kris = store.kris(globex.id).await.unwrap();
    assert_eq!(acme_kris.len(), 40);
    assert!(!globex_kris.is_empty() && globex_kris.len() < 40);
    let acme_ids: Vec<i64> = acme_kris.iter().map(|k| k.id).collect();
    assert!(globex_kris.iter().all(|k| !acme_ids.contains(&k.id)));
    // Links never cross tenants either.
    let globex_risks = store.risks(globex.id).await.unwrap();
    let acme_risk_ids: Vec<i64> = store
        .risks(acme.id)
        .await
        .unwrap()
        .iter()
        .map(|r| r.id)
        .collect();
    for k in globex_kris.iter() {
        assert!(k.risks.iter().all(|l| !acme_risk_ids.contains(&l.id)));
    }
    // Acme's ids and refs are not found from globex.
    let acme_risk = &store.risks(acme.id).await.unwrap()[20];
    assert!(
        globex_risks.iter().all(|r| r.r#ref != acme_risk.r#ref),
        "demo refs chosen to differ"
    );
    let by_id = format!("risk_{}", acme_risk.id);
    assert!(
        store
            .find_ref(globex.id, RefKind::Risk, &by_id)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .find_ref(acme.id, RefKind::Risk, &by_id)
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        store
            .kri_history(globex.id, acme_kris[0].id, 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        store
            .kri_history(acme.id, acme_kris[0].id, 10)
            .await
            .unwrap()
            .len(),
        10
    );

    // A cursor taken from acme's inventory, replayed by globex, yields only globex rows.
    let queries = RiskQueries::new(Arc::new(store.clone()));
    let acme_page = queries
        .call::<GetAssetInventory>(&principal(acme), AssetInventoryArgs::default())
        .await
        .unwrap();
    let globex_names: Vec<String> = queries
        .call::<GetAssetInventory>(
            &principal(globex),
            AssetInventoryArgs {
                cursor: acme_page.next_cursor.clone(),
                limit: Some(200),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|a| a.name)
        .collect();
    assert!(!globex_names.is_empty());
    assert!(
        globex_names
            .iter()
            .all(|n| !n.contains("ACME") && !n.contains("acme")),
        "{globex_names:?}"
    );
}

scenario!(tenants_never_see_each_other);
