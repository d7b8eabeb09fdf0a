//! The port a tenant's register is imported and exported through: the console's upload
//! page and `draxis-admin register` call it; `draxis-store` implements it in one
//! transaction per import.

use async_trait::async_trait;
use draxis_auth::storage::StorageResult;
use draxis_register::{ExistingKeys, ImportOptions, ImportReport, Problems, Register, Validated};

use crate::TenantId;

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

    /// Everything the tenant holds, every list present (empty lists included), in natural
    /// key order, so export → import → export is byte-identical.
    async fn export_register(&self, tenant: TenantId) -> StorageResult<Register>;
}
