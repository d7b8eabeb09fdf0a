//! A read-through cache in front of a [`RiskRepository`]: each tenant's small, hot lists
//! (KRIs, risks, controls, outcomes, vendors, integrations, simulations) are loaded once
//! and shared for a short time-to-live. Writes made through this process call
//! [`CachedRepository::invalidate`]; writes made elsewhere (another replica, the admin
//! CLI) become visible within the TTL. History, assets and lookups always go to storage.
//!
//! The tenant map is bounded: past [`DEFAULT_TENANT_CAPACITY`] tenants (or the capacity
//! given), the least recently used tenant's lists are dropped.
//!
//! Services that write depend on [`CacheInvalidation`], not on the decorator itself.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use draxis_auth::TenantId;

use crate::entities::*;
use crate::error::StorageResult;
use crate::paging::SortKey;
use crate::repository::{RefKind, RiskRepository, Rows};

/// What a service that writes tells the read cache, so that reads made through this
/// process see the write at once.
pub trait CacheInvalidation: Send + Sync {
    /// Forgets everything cached for `tenant`: the next read goes to storage.
    fn invalidate(&self, tenant: TenantId);

    /// Adds `count` to one cached integration's pending-review count (a submission just
    /// queued proposals), so its list need not be reloaded; does nothing when the list is
    /// not cached.
    fn add_pending_reviews(&self, tenant: TenantId, integration_id: i64, count: u64);
}

/// One cached list: when it was loaded, the rows, and whether a reload is under way.
struct Cached<T> {
    loaded_at: Instant,
    rows: Rows<T>,
    refreshing: bool,
}

type Slot<T> = Option<Cached<T>>;

#[derive(Default)]
struct TenantLists {
    /// When the tenant was last read through the cache (a tick of the cache's clock).
    last_used: u64,
    kris: Slot<Kri>,
    risks: Slot<Risk>,
    controls: Slot<Control>,
    outcomes: Slot<Outcome>,
    vendors: Slot<Vendor>,
    integrations: Slot<Integration>,
    simulations: Slot<Simulation>,
}

/// How many tenants' lists a cache keeps unless told otherwise.
pub const DEFAULT_TENANT_CAPACITY: usize = 256;

/// The caching decorator.
pub struct CachedRepository {
    inner: Arc<dyn RiskRepository>,
    ttl: Duration,
    capacity: usize,
    tenants: Mutex<Tenants>,
}

/// The cached tenants and the clock that orders their use.
#[derive(Default)]
struct Tenants {
    lists: HashMap<TenantId, TenantLists>,
    clock: u64,
}

impl Tenants {
    /// The lists of `tenant`, marked as just used; makes room by dropping the least
    /// recently used tenant when a new one would pass `capacity`.
    fn touch(&mut self, tenant: TenantId, capacity: usize) -> &mut TenantLists {
        self.clock += 1;
        if !self.lists.contains_key(&tenant) && self.lists.len() >= capacity.max(1) {
            let oldest = self
                .lists
                .iter()
                .min_by_key(|(_, lists)| lists.last_used)
                .map(|(id, _)| *id);
            if let Some(oldest) = oldest {
                self.lists.remove(&oldest);
            }
        }
        let lists = self.lists.entry(tenant).or_default();
        lists.last_used = self.clock;
        lists
    }
}

impl std::fmt::Debug for CachedRepository {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CachedRepository")
            .field("ttl", &self.ttl)
            .finish_non_exhaustive()
    }
}

impl CachedRepository {
    /// Caches `inner`'s tenant lists for `ttl` (zero disables caching), for up to
    /// [`DEFAULT_TENANT_CAPACITY`] tenants.
    pub fn new(inner: Arc<dyn RiskRepository>, ttl: Duration) -> Self {
        Self::with_capacity(inner, ttl, DEFAULT_TENANT_CAPACITY)
    }

    /// Like [`Self::new`], keeping at most `capacity` tenants' lists.
    pub fn with_capacity(inner: Arc<dyn RiskRepository>, ttl: Duration, capacity: usize) -> Self {
        Self {
            inner,
            ttl,
            capacity,
            tenants: Mutex::new(Tenants::default()),
        }
    }

    /// How many tenants have lists cached.
    pub fn cached_tenants(&self) -> usize {
        self.lock().lists.len()
    }

    /// Forgets everything cached for `tenant`: the next read goes to storage.
    pub fn invalidate(&self, tenant: TenantId) {
        self.lock().lists.remove(&tenant);
    }

    /// Changes one cached integration in place (a count that a write just moved), so the
    /// list need not be reloaded; does nothing when the list is not cached.
    pub fn update_integration(
        &self,
        tenant: TenantId,
        id: i64,
        change: impl FnOnce(&mut Integration),
    ) {
        if let Some(lists) = self.lock().lists.get_mut(&tenant)
            && let Some(cached) = lists.integrations.as_mut()
            && let Some(position) = cached.rows.iter().position(|i| i.id == id)
        {
            let mut rows = (*cached.rows).clone();
            change(&mut rows[position]);
            cached.rows = Arc::new(rows);
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Tenants> {
        self.tenants
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    async fn cached<T, F>(
        &self,
        tenant: TenantId,
        slot: fn(&mut TenantLists) -> &mut Slot<T>,
        load: impl FnOnce() -> F,
    ) -> StorageResult<Rows<T>>
    where
        F: Future<Output = StorageResult<Rows<T>>>,
    {
        if self.ttl.is_zero() {
            return load().await;
        }
        {
            let mut tenants = self.lock();
            if let Some(cached) = slot(tenants.touch(tenant, self.capacity)) {
                if cached.loaded_at.elapsed() < self.ttl {
                    return Ok(cached.rows.clone());
                }
                // Stale: one request reloads while the others keep the previous copy, so
                // expiry never stalls a burst of requests behind the same reload.
                if cached.refreshing {
                    return Ok(cached.rows.clone());
                }
                cached.refreshing = true;
            }
        }
        let started = Instant::now();
        let loaded = load().await;
        let mut tenants = self.lock();
        let current = slot(tenants.touch(tenant, self.capacity));
        let rows = match loaded {
            Ok(rows) => rows,
            Err(error) => {
                if let Some(cached) = current {
                    cached.refreshing = false;
                }
                return Err(error);
            }
        };
        // Keep whichever load started last, so a slow old read never replaces a newer one.
        if current
            .as_ref()
            .is_none_or(|cached| cached.loaded_at <= started)
        {
            *current = Some(Cached {
                loaded_at: started,
                rows: rows.clone(),
                refreshing: false,
            });
        }
        Ok(rows)
    }
}

impl CacheInvalidation for CachedRepository {
    fn invalidate(&self, tenant: TenantId) {
        CachedRepository::invalidate(self, tenant);
    }

    fn add_pending_reviews(&self, tenant: TenantId, integration_id: i64, count: u64) {
        self.update_integration(tenant, integration_id, |i| {
            i.pending_review_count += count;
        });
    }
}

#[async_trait]
impl RiskRepository for CachedRepository {
    async fn find_ref(
        &self,
        tenant: TenantId,
        kind: RefKind,
        key: &str,
    ) -> StorageResult<Option<Link>> {
        self.inner.find_ref(tenant, kind, key).await
    }
    async fn kris(&self, tenant: TenantId) -> StorageResult<Rows<Kri>> {
        self.cached(tenant, |t| &mut t.kris, || self.inner.kris(tenant))
            .await
    }
    async fn kri(&self, tenant: TenantId, key: &str) -> StorageResult<Option<Kri>> {
        if self.ttl.is_zero() {
            return self.inner.kri(tenant, key).await;
        }
        // Within the lifetime the cached list answers, like every other list read.
        let key = key.trim();
        let id = crate::ids::IdKind::Kri.parse(key);
        Ok(self
            .kris(tenant)
            .await?
            .iter()
            .find(|k| id == Some(k.id) || k.slug.eq_ignore_ascii_case(key))
            .cloned())
    }
    async fn kri_history(
        &self,
        tenant: TenantId,
        kri_id: i64,
        limit: u32,
    ) -> StorageResult<Vec<ObservationRecord>> {
        self.inner.kri_history(tenant, kri_id, limit).await
    }
    async fn risks(&self, tenant: TenantId) -> StorageResult<Rows<Risk>> {
        self.cached(tenant, |t| &mut t.risks, || self.inner.risks(tenant))
            .await
    }
    async fn controls(&self, tenant: TenantId) -> StorageResult<Rows<Control>> {
        self.cached(tenant, |t| &mut t.controls, || self.inner.controls(tenant))
            .await
    }
    async fn outcomes(&self, tenant: TenantId) -> StorageResult<Rows<Outcome>> {
        self.cached(tenant, |t| &mut t.outcomes, || self.inner.outcomes(tenant))
            .await
    }
    async fn vendors(&self, tenant: TenantId) -> StorageResult<Rows<Vendor>> {
        self.cached(tenant, |t| &mut t.vendors, || self.inner.vendors(tenant))
            .await
    }
    async fn integrations(&self, tenant: TenantId) -> StorageResult<Rows<Integration>> {
        self.cached(
            tenant,
            |t| &mut t.integrations,
            || self.inner.integrations(tenant),
        )
        .await
    }
    async fn simulations(&self, tenant: TenantId) -> StorageResult<Rows<Simulation>> {
        self.cached(
            tenant,
            |t| &mut t.simulations,
            || self.inner.simulations(tenant),
        )
        .await
    }
    async fn assets_page(
        &self,
        tenant: TenantId,
        filter: &AssetFilter,
        after: Option<&SortKey>,
        limit: u32,
    ) -> StorageResult<Vec<Asset>> {
        self.inner.assets_page(tenant, filter, after, limit).await
    }
    async fn asset_counts(
        &self,
        tenant: TenantId,
        filter: &AssetFilter,
    ) -> StorageResult<AssetCounts> {
        self.inner.asset_counts(tenant, filter).await
    }
}
