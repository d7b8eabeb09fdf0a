//! The port a tenant's register is imported and exported through: the console's upload
//! page and `draxis-admin register` call it; `draxis-store` implements it in one
//! transaction per import.

use std::sync::Arc;

use async_trait::async_trait;
use draxis_auth::storage::StorageResult;
use draxis_register::{ExistingKeys, ImportOptions, ImportReport, Problems, Register, Validated};

use crate::TenantId;
use crate::cache::CacheInvalidation;

/// Why an import wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The files are not a valid register (or changed while being imported).
    #[error(transparent)]
    Invalid(#[from] Problems),
    #[error(transparent)]
    Storage(#[from] draxis_auth::StorageError),
}

/// Who imported, for the audit trail: `user:alice@example.com`, `admin-cli:bob`.
#[derive(Debug, Clone)]
pub struct Importer {
    pub actor: String,
    /// The HTTP peer, when the import came through the console.
    pub client_address: Option<String>,
}

/// Imports and exports a tenant's register.
#[async_trait]
pub trait RegisterStore: Send + Sync {
    /// The natural keys the tenant holds, for validating links.
    async fn existing_keys(&self, tenant: TenantId) -> StorageResult<ExistingKeys>;

    /// Applies `register` in one transaction (nothing on a dry run) and records an audit
    /// event naming `by`, the files' SHA-256 and the counts.
    async fn import_register(
        &self,
        tenant: TenantId,
        register: Validated,
        options: ImportOptions,
        by: &Importer,
    ) -> Result<ImportReport, ImportError>;

    /// Records an import refused before it reached storage (the files did not validate):
    /// an audit event with outcome `failure`, naming `by`, the files and the problem count.
    async fn record_refused_import(
        &self,
        tenant: TenantId,
        files: &[(String, String)],
        options: ImportOptions,
        problems: &Problems,
        by: &Importer,
    ) -> StorageResult<()>;

    /// Everything the tenant holds, every list present (empty lists included), in natural
    /// key order, so export → import → export is byte-identical.
    async fn export_register(&self, tenant: TenantId) -> StorageResult<Register>;
}

/// Imports and exports through a [`RegisterStore`] and tells the read cache when an
/// import committed, so this process (the console, the Drop Zone's catalog) sees the new
/// register at once; other processes see it within their cache's bound.
#[derive(Clone)]
pub struct RegisterService {
    store: Arc<dyn RegisterStore>,
    cache: Arc<dyn CacheInvalidation>,
}

impl std::fmt::Debug for RegisterService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegisterService").finish_non_exhaustive()
    }
}

impl RegisterService {
    pub fn new(store: Arc<dyn RegisterStore>, cache: Arc<dyn CacheInvalidation>) -> Self {
        Self { store, cache }
    }

    /// The natural keys the tenant holds, for validating a register's links.
    pub async fn existing_keys(&self, tenant: TenantId) -> StorageResult<ExistingKeys> {
        self.store.existing_keys(tenant).await
    }

    /// Imports a validated register (see [`RegisterStore::import_register`]); after a
    /// committed import the tenant's cached lists are dropped.
    pub async fn import(
        &self,
        tenant: TenantId,
        register: Validated,
        options: ImportOptions,
        by: &Importer,
    ) -> Result<ImportReport, ImportError> {
        let report = self
            .store
            .import_register(tenant, register, options, by)
            .await?;
        if !options.dry_run {
            self.cache.invalidate(tenant);
        }
        Ok(report)
    }

    /// Records files that did not validate, as a failed import.
    pub async fn refuse(
        &self,
        tenant: TenantId,
        files: &[(String, String)],
        options: ImportOptions,
        problems: &Problems,
        by: &Importer,
    ) -> StorageResult<()> {
        self.store
            .record_refused_import(tenant, files, options, problems, by)
            .await
    }

    /// The tenant's whole register, in natural key order.
    pub async fn export(&self, tenant: TenantId) -> StorageResult<Register> {
        self.store.export_register(tenant).await
    }
}
