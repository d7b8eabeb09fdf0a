//! [`RegisterStore`]: a validated register written in one transaction — upserts by
//! natural key that leave unchanged rows untouched, links set by key, `--prune`, streamed
//! assets and observations — and the tenant's register read back for export. A dry run
//! runs the very same statements and rolls back, so its report is exactly what an import
//! would do. Every import, dry runs and refusals included, is one audit event.

mod assets;
mod export;
mod import;
mod keys;
mod links;
mod observations;
mod prune;
mod small;
mod sql;
mod tables;
mod tally;

use std::collections::BTreeSet;

use async_trait::async_trait;
use draxis_auth::audit::{Outcome, action};
use draxis_auth::{AuditEvent, AuditLog};
use draxis_domain::register::{ImportError, Importer, RegisterStore};
use draxis_domain::{StorageResult, TenantId};
use draxis_register::{
    ExistingKeys, ImportOptions, ImportReport, Problem, Problems, Register, Validated,
};
use serde_json::json;
use sqlx::AnyConnection;

use crate::Store;
use crate::rows::storage;
use tally::Tally;

/// Why writing stopped: the files (a row that no longer reads, a key named nowhere) or
/// the database.
#[derive(Debug)]
enum Halt {
    Invalid(Vec<Problem>),
    Sql(sqlx::Error),
}

impl From<sqlx::Error> for Halt {
    fn from(error: sqlx::Error) -> Self {
        Halt::Sql(error)
    }
}

/// Writes everything `register` holds; `tally` says what was done.
async fn write(
    conn: &mut AnyConnection,
    tenant: TenantId,
    register: &Validated,
    options: ImportOptions,
    tally: &mut Tally,
) -> Result<(), Halt> {
    let file = register.files.first().map_or("register", |(name, _)| name);
    let mut at = import::Writing {
        tenant,
        file,
        problems: Vec::new(),
    };
    import::small_entities(conn, &mut at, &register.register, tally).await?;
    if let Some(rows) = &register.assets {
        assets::import(conn, tenant, rows, options.prune, tally).await?;
    }
    let mut touched = BTreeSet::new();
    if let Some(rows) = &register.observations {
        observations::import(conn, tenant, file, rows, options.prune, tally, &mut touched).await?;
    }
    if options.prune {
        prune::small_entities(conn, tenant, &register.register, tally).await?;
    }
    observations::refresh_current(conn, tenant, &touched).await?;
    Ok(())
}

/// The audit event's facts: files, options, counts per entity.
fn details(
    files: &[(String, String)],
    options: ImportOptions,
    report: Option<&ImportReport>,
    problems: Option<&[Problem]>,
) -> serde_json::Value {
    let files: Vec<_> = files
        .iter()
        .map(|(name, sha256)| json!({ "name": name, "sha256": sha256 }))
        .collect();
    let mut details = json!({
        "files": files,
        "dry_run": options.dry_run,
        "prune": options.prune,
    });
    if let Some(report) = report {
        let counts: serde_json::Map<String, serde_json::Value> = report
            .counts
            .iter()
            .map(|(entity, c)| {
                (
                    entity.plural().to_string(),
                    json!({ "created": c.created, "updated": c.updated,
                            "unchanged": c.unchanged, "deleted": c.deleted }),
                )
            })
            .collect();
        details["counts"] = counts.into();
    }
    if let Some(problems) = problems {
        details["problems"] = problems.len().into();
        let first: Vec<String> = problems.iter().take(10).map(|p| p.to_string()).collect();
        details["first_problems"] = first.into();
    }
    details
}

impl Store {
    async fn record_import(
        &self,
        tenant: TenantId,
        by: &Importer,
        outcome: Outcome,
        details: serde_json::Value,
    ) {
        let slug: Option<String> = sqlx::query_scalar("SELECT slug FROM tenants WHERE id = $1")
            .bind(tenant.0)
            .fetch_optional(&self.pool)
            .await
            .ok()
            .flatten();
        let subject = format!("tenant:{}", slug.unwrap_or_else(|| tenant.0.to_string()));
        let mut event = AuditEvent::new(action::REGISTER_IMPORT, by.actor.clone(), subject)
            .in_tenant(Some(tenant))
            .with_outcome(outcome)
            .with_details(details);
        event.client_address = by.client_address.clone();
        // Recording never fails the import it records.
        if let Err(error) = self.record(&event).await {
            tracing::warn!(%error, "could not record the register import in the audit trail");
        }
    }

    async fn run_import(
        &self,
        tenant: TenantId,
        register: &Validated,
        options: ImportOptions,
    ) -> Result<ImportReport, Halt> {
        let _turn = self.write_turn().await;
        let mut tx = self.pool.begin().await?;
        if self.engine == crate::Engine::Postgres {
            // The batch lookups repeat one statement while the import grows the table: a
            // plan cached while it was small (a sequential scan) would be kept for every
            // later batch, so each batch is planned for the table as it is.
            sqlx::query("SET LOCAL plan_cache_mode = force_custom_plan")
                .execute(&mut *tx)
                .await?;
        }
        let mut tally = Tally::default();
        write(&mut tx, tenant, register, options, &mut tally).await?;
        if options.dry_run {
            tx.rollback().await?;
        } else {
            tx.commit().await?;
        }
        Ok(tally.report(options.dry_run, register.files.clone()))
    }
}

#[async_trait]
impl RegisterStore for Store {
    async fn existing_keys(&self, tenant: TenantId) -> StorageResult<ExistingKeys> {
        self.tenant_keys(tenant).await.map_err(storage)
    }

    async fn import_register(
        &self,
        tenant: TenantId,
        register: Validated,
        options: ImportOptions,
        by: &Importer,
    ) -> Result<ImportReport, ImportError> {
        // A failed transaction is dropped, which rolls it back.
        match self.run_import(tenant, &register, options).await {
            Ok(report) => {
                let facts = details(&register.files, options, Some(&report), None);
                self.record_import(tenant, by, Outcome::Success, facts)
                    .await;
                Ok(report)
            }
            Err(Halt::Invalid(problems)) => {
                let facts = details(&register.files, options, None, Some(&problems));
                self.record_import(tenant, by, Outcome::Failure, facts)
                    .await;
                Err(ImportError::Invalid(Problems(problems)))
            }
            Err(Halt::Sql(error)) => Err(ImportError::Storage(storage(error))),
        }
    }

    async fn record_refused_import(
        &self,
        tenant: TenantId,
        files: &[(String, String)],
        options: ImportOptions,
        problems: &Problems,
        by: &Importer,
    ) -> StorageResult<()> {
        let facts = details(files, options, None, Some(&problems.0));
        self.record_import(tenant, by, Outcome::Failure, facts)
            .await;
        Ok(())
    }

    async fn export_register(&self, tenant: TenantId) -> StorageResult<Register> {
        self.register_of(tenant).await
    }
}
