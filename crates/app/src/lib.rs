//! The composition root: the one place that turns a [`Store`] and an [`AppConfig`] into
//! the running application — the read cache, the domain services, the Drop Zone with
//! its outbound connector client, the token verifier and authorization server, and the
//! HTTP router. `draxis-server`, `draxis-admin` and the in-process tests all assemble
//! through [`App::assemble`]; no library crate depends on this one.

mod hosts;
mod serve;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use draxis_auth::server::{AuthorizationConfig, RegistrationLimits};
use draxis_auth::{AuthorizationServer, TokenVerifier};
use draxis_domain::RiskQueries;
use draxis_domain::cache::CachedRepository;
use draxis_domain::register::RegisterService;
use draxis_domain::simulations::SimulationService;
use draxis_dropzone::{BuiltinExtractor, DropZone, DropZoneLimits};
use draxis_outbound::{AddressPolicy, HttpsClientMetadata, PlainHttp};
use draxis_store::Store;
use draxis_transport::{AppState, HttpConfig, Metrics, Sampler, Samples};

pub use hosts::allowed_hosts;
pub use serve::{ConnectionLimits, serve};

/// Where the server answers when no public URL is configured: its default listen address.
pub const DEFAULT_PUBLIC_URL: &str = "http://127.0.0.1:8080";

/// Accepting OAuth Client ID Metadata Documents: how to fetch them.
#[derive(Debug, Clone)]
pub struct ClientMetadataDocuments {
    /// Extra CA certificates (PEM) trusted besides the Web PKI.
    pub extra_ca_pem: Option<Vec<u8>>,
    /// Whether a metadata URL may resolve to a private, loopback or link-local address.
    pub allow_private_addresses: bool,
    /// How long one fetch may take.
    pub timeout: Duration,
}

/// Everything the application is assembled from, besides the store.
#[derive(Debug, Clone)]
pub struct AppConfig {
    /// OAuth issuer, resource and lifetimes; the issuer is the server's public URL.
    pub oauth: AuthorizationConfig,
    /// How long each tenant's lists are served from memory (zero: always read storage).
    pub read_cache_ttl: Duration,
    /// How long a verified token is trusted before it is looked up again.
    pub token_cache_ttl: Duration,
    /// Bounds on OAuth clients registered and never used.
    pub registration: RegistrationLimits,
    /// Drop Zone artifact size and connector timeout.
    pub limits: DropZoneLimits,
    /// Whether `http_json` connectors may reach private, loopback and other non-public
    /// addresses (an operator's opt-in for scanners on an internal network).
    pub connector_allow_private: bool,
    /// `Some` to accept Client ID Metadata Documents, fetched over https.
    pub client_metadata: Option<ClientMetadataDocuments>,
    /// Allowed hosts and origins, body limit, shutdown signal of the HTTP router.
    pub http: HttpConfig,
}

impl Default for AppConfig {
    /// What the admin CLI and the in-process tests use: public URL
    /// [`DEFAULT_PUBLIC_URL`], no read or token caching, default limits, connectors to
    /// public addresses only, no client metadata documents, default HTTP settings.
    fn default() -> Self {
        Self {
            oauth: AuthorizationConfig::for_public_url(DEFAULT_PUBLIC_URL),
            read_cache_ttl: Duration::ZERO,
            token_cache_ttl: Duration::ZERO,
            registration: RegistrationLimits::default(),
            limits: DropZoneLimits::default(),
            connector_allow_private: false,
            client_metadata: None,
            http: HttpConfig::default(),
        }
    }
}

/// Why the application could not be assembled.
#[derive(Debug, thiserror::Error)]
pub enum AssembleError {
    /// The client metadata CA certificates are unusable; the text says why.
    #[error("{0}")]
    ClientMetadataCa(String),
}

/// The assembled application: its services, shared by every request and command.
#[derive(Clone)]
pub struct App {
    pub store: Store,
    /// The read cache in front of the store; writers tell it what changed.
    pub cache: Arc<CachedRepository>,
    pub queries: RiskQueries,
    pub dropzone: DropZone,
    pub simulations: SimulationService,
    /// Register import and export; a committed import drops the tenant's cached lists.
    pub register: RegisterService,
    pub verifier: Arc<TokenVerifier>,
    pub authz: AuthorizationServer,
    /// The process's counters; `/metrics` reads the store's pool and queue when scraped.
    pub metrics: Metrics,
    http: HttpConfig,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("store", &self.store)
            .field("dropzone", &self.dropzone)
            .field("http", &self.http)
            .finish_non_exhaustive()
    }
}

impl App {
    /// Builds every service over `store` as `config` says.
    pub fn assemble(store: Store, config: &AppConfig) -> Result<Self, AssembleError> {
        let verifier = Arc::new(
            TokenVerifier::new(Arc::new(store.clone()))
                .with_cache_ttl(config.token_cache_ttl)
                .with_resource(config.oauth.resource.clone()),
        );
        let mut authz = AuthorizationServer::new(Arc::new(store.clone()), config.oauth.clone())
            .with_registration_limits(config.registration);
        if let Some(documents) = &config.client_metadata {
            let fetcher = HttpsClientMetadata::new(
                documents.extra_ca_pem.as_deref(),
                documents.allow_private_addresses,
                documents.timeout,
            )
            .map_err(AssembleError::ClientMetadataCa)?;
            authz = authz.with_client_metadata_documents(Arc::new(fetcher));
        }
        let cache = Arc::new(CachedRepository::new(
            Arc::new(store.clone()),
            config.read_cache_ttl,
        ));
        let dropzone = DropZone::new(
            cache.clone(),
            cache.clone(),
            Arc::new(store.clone()),
            Arc::new(BuiltinExtractor),
            Arc::new(PlainHttp::new(if config.connector_allow_private {
                AddressPolicy::AllowPrivate
            } else {
                AddressPolicy::PublicOnly
            })),
            config.limits.clone(),
        );
        Ok(Self {
            metrics: Metrics::new(Some(store_sampler(store.clone()))),
            queries: RiskQueries::new(cache.clone()),
            simulations: SimulationService::new(cache.clone(), Arc::new(store.clone())),
            register: RegisterService::new(Arc::new(store.clone()), cache.clone()),
            dropzone,
            verifier,
            authz,
            cache,
            store,
            http: config.http.clone(),
        })
    }

    /// The whole HTTP application: `/api/mcp`, OAuth, the console, `/healthz`.
    pub fn router(&self) -> Router {
        let state = AppState {
            queries: self.queries.clone(),
            dropzone: self.dropzone.clone(),
            verifier: self.verifier.clone(),
            authz: self.authz.clone(),
            audit: Arc::new(self.store.clone()),
            metrics: self.metrics.clone(),
        };
        draxis_transport::router(state, &self.http)
    }

    /// `/metrics` alone, for its own listener.
    pub fn metrics_router(&self) -> Router {
        draxis_transport::metrics_router(self.metrics.clone())
    }
}

/// Reads the database pool and the simulation queue when `/metrics` is scraped.
fn store_sampler(store: Store) -> Sampler {
    Arc::new(move || {
        let store = store.clone();
        Box::pin(async move {
            let (pool_size, pool_idle) = store.pool_usage();
            Samples {
                pool_size,
                pool_idle,
                simulations_queued: store.queued_simulations().await.ok(),
            }
        })
    })
}
