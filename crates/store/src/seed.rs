//! Filling an empty database with the demo tenants: tenants and integrations, the users,
//! then each tenant's register imported through the same path as a customer's
//! ([`RegisterStore::import_register`], actor `demo-seed`), then a simulation run per
//! risk and outcome.

use chrono::{NaiveDate, Utc};
use sha2::{Digest, Sha256};
use std::sync::Arc;

use draxis_domain::TenantId;
use draxis_domain::demo::{DemoDataError, DemoTenantRegister, demo_registers};
use draxis_domain::register::{ImportError, Importer, RegisterStore};
use draxis_domain::simulations::SimulationService;
use draxis_register::{Counts, Entity, ImportOptions, ImportReport, Validated};
use sqlx::{Any, Row, Transaction};

use crate::Store;
use crate::rows::ms;

/// What `seed_demo` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SeedOutcome {
    /// The demo tenants were created.
    Seeded(Vec<SeededTenant>),
    /// The database already had tenants; nothing was written.
    AlreadyHasData(Vec<String>),
}

/// One demo tenant as seeded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeededTenant {
    pub slug: String,
    pub kris: usize,
    pub observations: usize,
    pub assets: usize,
    /// Completed simulation runs: one per risk and per outcome.
    pub simulations: usize,
}

/// Why seeding failed.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error(transparent)]
    Sql(#[from] sqlx::Error),
    #[error("demo simulations failed: {0}")]
    Simulation(#[from] draxis_domain::simulations::SimulationError),
    #[error("demo users: {0}")]
    Users(#[from] crate::AdminError),
    #[error(transparent)]
    Data(#[from] DemoDataError),
    #[error("importing the demo register: {0}")]
    Import(#[from] ImportError),
}

/// Simulated years per demo run, and the seed they start from.
const DEMO_ITERATIONS: u64 = draxis_domain::simulations::DEFAULT_ITERATIONS;
const DEMO_SEED: u64 = 20_261_124;

/// Who the audit trail says imported the demo registers.
pub const DEMO_IMPORTER: &str = "demo-seed";

impl Store {
    /// Seeds the demo tenants as of `today` into an empty database: tenants, integrations
    /// and users, then each tenant's register through the importer, then a real
    /// simulation run for every demo risk and outcome (nothing is invented).
    pub async fn seed_demo(&self, today: NaiveDate) -> Result<SeedOutcome, SeedError> {
        let existing: Vec<String> = sqlx::query("SELECT slug FROM tenants ORDER BY slug")
            .fetch_all(&self.pool)
            .await?
            .into_iter()
            .map(|row| row.try_get(0))
            .collect::<Result<_, _>>()?;
        if !existing.is_empty() {
            return Ok(SeedOutcome::AlreadyHasData(existing));
        }
        // Everything is read (and the files parsed) before anything is written.
        let demos = demo_registers(today)?;
        let mut tx = self.pool.begin().await?;
        let mut tenants = Vec::new();
        for demo in &demos {
            tenants.push(create_tenant(&mut tx, demo).await?);
        }
        tx.commit().await?;
        for user in draxis_domain::demo::DEMO_USERS {
            self.create_user(user.email, user.name, user.password)
                .await?;
            for (slug, role) in user.memberships {
                self.add_member(slug, user.email, *role).await?;
            }
        }
        let importer = Importer {
            actor: DEMO_IMPORTER.into(),
            client_address: None,
        };
        let mut seeded = Vec::new();
        for (tenant, demo) in tenants.into_iter().zip(demos) {
            let slug = demo.slug.clone();
            let report = self
                .import_register(tenant, validated(demo), ImportOptions::default(), &importer)
                .await?;
            let created = |entity| count(&report, entity).created as usize;
            seeded.push((
                tenant,
                SeededTenant {
                    slug,
                    kris: created(Entity::Kri),
                    observations: created(Entity::Observation),
                    assets: created(Entity::Asset),
                    simulations: 0,
                },
            ));
        }
        let simulations = SimulationService::new(Arc::new(self.clone()), Arc::new(self.clone()));
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        for (tenant, seeded) in seeded.iter_mut() {
            seeded.simulations = simulations
                .run_all(*tenant, DEMO_ITERATIONS, DEMO_SEED, threads)
                .await?;
        }
        Ok(SeedOutcome::Seeded(
            seeded.into_iter().map(|(_, s)| s).collect(),
        ))
    }
}

/// The demo tenant's register with its history, as an import takes it; the audit record
/// names the shipped files and their SHA-256.
fn validated(demo: DemoTenantRegister) -> Validated {
    let mut register = demo.register;
    register.observations = Some(demo.observations);
    let files = demo
        .files
        .iter()
        .map(|file| {
            let digest = Sha256::digest(file.text.as_bytes());
            (file.name.to_string(), format!("{digest:x}"))
        })
        .collect();
    // The files passed the importer's validation in a test (demo::tests); the dates moved
    // and the generated history change no rule's outcome.
    Validated::from_register(register, files)
}

fn count(report: &ImportReport, entity: Entity) -> Counts {
    report
        .counts
        .iter()
        .find(|(e, _)| *e == entity)
        .map_or_else(Counts::default, |(_, c)| *c)
}

/// Creates the tenant and its integrations (a register names integrations, never holds
/// them).
async fn create_tenant(
    tx: &mut Transaction<'_, Any>,
    demo: &DemoTenantRegister,
) -> Result<TenantId, sqlx::Error> {
    let now = ms(Utc::now());
    let tenant: i64 = sqlx::query(
        "INSERT INTO tenants (slug, name, created_at) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(&demo.slug)
    .bind(&demo.name)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?
    .try_get(0)?;
    for integration in &demo.integrations {
        sqlx::query(
            "INSERT INTO integrations (tenant_id, name, kind, schedule, config, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(tenant)
        .bind(&integration.name)
        .bind(integration.kind.as_str())
        .bind(integration.schedule.as_str())
        .bind(integration.config.to_string())
        .bind(now)
        .execute(&mut **tx)
        .await?;
    }
    Ok(TenantId(tenant))
}
