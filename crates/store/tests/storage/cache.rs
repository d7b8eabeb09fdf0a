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
