//! The repository cache: serves within its TTL, forgets on invalidate.

use std::sync::Arc;

use draxis_domain::repository::RiskRepository;

use crate::common::Fixture;

async fn cache_serves_within_its_ttl_and_forgets_on_invalidate(fixture: &Fixture) {
    use draxis_domain::cache::CachedRepository;
    let Fixture {
        store, url, acme, ..
    } = fixture;
    let cached = CachedRepository::new(
        Arc::new(store.clone()),
        std::time::Duration::from_secs(3600),
    );
    let before = cached.kris(acme.id).await.unwrap();
    let renamed = format!("{} (renamed)", before[0].name);
    let pool = sqlx::AnyPool::connect(url).await.unwrap();
    sqlx::query("UPDATE kris SET name = $1 WHERE id = $2")
        .bind(&renamed)
        .bind(before[0].id)
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    assert_eq!(
        cached.kris(acme.id).await.unwrap()[0].name,
        before[0].name,
        "served from cache within the TTL"
    );
    assert_eq!(
        store.kris(acme.id).await.unwrap()[0].name,
        renamed,
        "storage has the new name"
    );
    cached.invalidate(acme.id);
    assert_eq!(
        cached.kris(acme.id).await.unwrap()[0].name,
        renamed,
        "invalidate forgets the cached list"
    );
    let uncached = CachedRepository::new(Arc::new(store.clone()), std::time::Duration::ZERO);
    assert_eq!(uncached.kris(acme.id).await.unwrap()[0].name, renamed);
}

scenario!(cache_serves_within_its_ttl_and_forgets_on_invalidate);

async fn the_tenant_map_keeps_only_the_most_recently_used(fixture: &Fixture) {
    use draxis_domain::cache::CachedRepository;
    let Fixture {
        store,
        acme,
        globex,
        ..
    } = fixture;
    let cached = CachedRepository::with_capacity(
        Arc::new(store.clone()),
        std::time::Duration::from_secs(3600),
        1,
    );
    cached.kris(acme.id).await.unwrap();
    assert_eq!(cached.cached_tenants(), 1);
    cached.kris(globex.id).await.unwrap();
    assert_eq!(cached.cached_tenants(), 1, "globex took acme's place");
    let acme_kris = cached.kris(acme.id).await.unwrap();
    assert_eq!(cached.cached_tenants(), 1);
    assert!(
        !acme_kris.is_empty(),
        "an evicted tenant is read again from storage"
    );
}

scenario!(the_tenant_map_keeps_only_the_most_recently_used);

async fn one_kri_is_found_by_id_or_slug_with_its_links(fixture: &Fixture) {
    let Fixture {
        store,
        acme,
        globex,
        ..
    } = fixture;
    let listed = store.kris(acme.id).await.unwrap();
    let linked = listed
        .iter()
        .find(|k| !k.risks.is_empty())
        .expect("a linked KRI");
    for key in [format!("kri_{}", linked.id), linked.slug.to_uppercase()] {
        let found = store.kri(acme.id, &key).await.unwrap().expect("found");
        assert_eq!(
            (found.id, &found.risks, &found.controls),
            (linked.id, &linked.risks, &linked.controls)
        );
        assert_eq!(found.outcome, linked.outcome);
    }
    assert!(store.kri(acme.id, "no_such_kri").await.unwrap().is_none());
    assert!(
        store
            .kri(globex.id, &format!("kri_{}", linked.id))
            .await
            .unwrap()
            .is_none(),
        "another tenant's KRI is not found"
    );
}

scenario!(one_kri_is_found_by_id_or_slug_with_its_links);
