//! The Drop Zone's write side behind the two tools: `submit_dropzone_artifact` (`submit`:
//! validate, hash, deduplicate, extract, decide by autonomy band, store) and
//! `run_integration` (`run`: run a connector if it is one, then materialize accepted
//! extractions into KRIs). This module holds the service itself, its per-tenant caches
//! (autonomy band, matching catalog), the review calls and integration lookup.

mod run;
mod submit;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use draxis_auth::{Principal, TenantId};
use draxis_domain::cache::CacheInvalidation;
use draxis_domain::entities::{Integration, Kri};
use draxis_domain::ids::IdKind;
use draxis_domain::repository::{RiskRepository, Rows};
use draxis_domain::{StorageError, ToolError};
use draxis_protocol::types::{AutonomyBand, IntegrationKind, ProposalState};

use crate::connectors::HttpFetch;
use crate::extract::Extractor;
use crate::limits::DropZoneLimits;
use crate::records::{Actor, Decided, Decision, DropZoneStore, ExtractionFilter, StoredExtraction};
use crate::vocabulary::{CatalogEntry, KriCatalog};

pub use submit::{extraction_view, sha256_hex};

/// A tenant's matching catalog and the KRI list it was built from.
type CatalogFor = (Rows<Kri>, Arc<KriCatalog>);

/// The Drop Zone, shared by every request.
#[derive(Clone)]
pub struct DropZone {
    repo: Arc<dyn RiskRepository>,
    cache: Arc<dyn CacheInvalidation>,
    http: Arc<dyn HttpFetch>,
    store: Arc<dyn DropZoneStore>,
    extractor: Arc<dyn Extractor>,
    limits: DropZoneLimits,
    catalogs: Arc<Mutex<HashMap<TenantId, CatalogFor>>>,
    bands: Arc<Mutex<HashMap<TenantId, (std::time::Instant, AutonomyBand)>>>,
}

/// How long a tenant's autonomy band is trusted before it is read again: a band set
/// with draxis-admin applies to submissions within this time.
const BAND_TTL: std::time::Duration = std::time::Duration::from_secs(1);

impl std::fmt::Debug for DropZone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DropZone")
            .field("extractor", &self.extractor.name())
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

fn actor_of(principal: &Principal) -> Actor {
    Actor {
        label: principal.audit_label(),
        token_id: principal.pat_id(),
    }
}

fn storage(error: StorageError) -> ToolError {
    ToolError::Storage(error)
}

impl DropZone {
    /// Reads through `repo`, tells `cache` what it wrote, and fetches `http_json`
    /// connectors through `http`.
    pub fn new(
        repo: Arc<dyn RiskRepository>,
        cache: Arc<dyn CacheInvalidation>,
        store: Arc<dyn DropZoneStore>,
        extractor: Arc<dyn Extractor>,
        http: Arc<dyn HttpFetch>,
        limits: DropZoneLimits,
    ) -> Self {
        Self {
            repo,
            cache,
            http,
            store,
            extractor,
            limits,
            catalogs: Arc::new(Mutex::new(HashMap::new())),
            bands: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    /// Sets a tenant's autonomy band; this process applies it at once, other processes
    /// within a second.
    pub async fn set_autonomy_band(
        &self,
        tenant: TenantId,
        band: AutonomyBand,
        actor: &Actor,
    ) -> Result<AutonomyBand, ToolError> {
        let previous = self
            .store
            .set_autonomy_band(tenant, band, actor)
            .await
            .map_err(storage)?;
        self.bands
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(tenant, (std::time::Instant::now(), band));
        Ok(previous)
    }

    /// The tenant's current autonomy band.
    pub async fn autonomy_band(&self, tenant: TenantId) -> Result<AutonomyBand, ToolError> {
        self.band(tenant).await
    }

    /// The Pending Extraction Review queue, oldest first.
    pub async fn review_queue(
        &self,
        tenant: TenantId,
        limit: u32,
    ) -> Result<Vec<StoredExtraction>, ToolError> {
        let filter = ExtractionFilter {
            state: Some(ProposalState::PendingReview),
            integration_id: None,
            limit,
        };
        self.store
            .extractions(tenant, &filter)
            .await
            .map_err(storage)
    }

    /// A human's decision on a proposal (never a tool's): recorded in the audit trail;
    /// the drop zone's pending-review count changes at once.
    pub async fn decide(
        &self,
        tenant: TenantId,
        extraction_id: i64,
        decision: &Decision,
        actor: &Actor,
    ) -> Result<Decided, ToolError> {
        let decided = self
            .store
            .decide(tenant, extraction_id, decision, actor)
            .await
            .map_err(storage)?;
        self.cache.invalidate(tenant);
        Ok(decided)
    }

    async fn band(&self, tenant: TenantId) -> Result<AutonomyBand, ToolError> {
        let cached = self
            .bands
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&tenant)
            .filter(|(at, _)| at.elapsed() < BAND_TTL)
            .map(|(_, band)| *band);
        if let Some(band) = cached {
            return Ok(band);
        }
        let band = self.store.autonomy_band(tenant).await.map_err(storage)?;
        self.bands
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(tenant, (std::time::Instant::now(), band));
        Ok(band)
    }

    pub fn limits(&self) -> &DropZoneLimits {
        &self.limits
    }

    /// The tenant's KRI catalog, rebuilt only when its KRI list changed.
    async fn catalog(&self, tenant: TenantId) -> Result<(Rows<Kri>, Arc<KriCatalog>), ToolError> {
        let kris = self.repo.kris(tenant).await.map_err(storage)?;
        let mut cache = self.catalogs.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((rows, catalog)) = cache.get(&tenant)
            && (Arc::ptr_eq(rows, &kris) || same_definitions(rows, &kris))
        {
            return Ok((kris, catalog.clone()));
        }
        let catalog = Arc::new(KriCatalog::new(
            kris.iter().map(CatalogEntry::from).collect(),
        ));
        cache.insert(tenant, (kris.clone(), catalog.clone()));
        Ok((kris, catalog))
    }

    async fn integration(&self, tenant: TenantId, key: &str) -> Result<Integration, ToolError> {
        let key = key.trim();
        // Resolved from the cached list: by id (int_1), or by name.
        let integrations = self.repo.integrations(tenant).await.map_err(storage)?;
        let by_id = IdKind::Integration.parse(key);
        integrations
            .iter()
            .find(|i| Some(i.id) == by_id)
            .or_else(|| integrations.iter().find(|i| i.name == key))
            .or_else(|| {
                integrations
                    .iter()
                    .find(|i| i.name.eq_ignore_ascii_case(key))
            })
            .cloned()
            .ok_or_else(|| {
                ToolError::NotFound(format!(
                    "No integration `{key}` in this tenant. Call list_integrations and pass the \
                     id (such as int_1) of a row with isDropZone: true."
                ))
            })
    }

    fn drop_zone_names(integrations: &[Integration]) -> String {
        let names: Vec<String> = integrations
            .iter()
            .filter(|i| i.kind == IntegrationKind::DropZone && i.enabled)
            .map(|i| format!("{} ({})", i.name, IdKind::Integration.format(i.id)))
            .collect();
        if names.is_empty() {
            "this tenant has none; ask an admin to create one".into()
        } else {
            names.join(", ")
        }
    }
}

fn same_definitions(a: &[Kri], b: &[Kri]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| {
            x.id == y.id
                && x.slug == y.slug
                && x.name == y.name
                && x.unit == y.unit
                && x.aliases == y.aliases
        })
}
