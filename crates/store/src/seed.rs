//! Filling an empty database with the demo tenants, in one transaction.

use chrono::{NaiveDate, Utc};
use std::sync::Arc;

use draxis_domain::TenantId;
use std::collections::HashMap;

use draxis_domain::demo::{DemoDataError, DemoTenantRegister, demo_registers};
use draxis_domain::simulations::SimulationService;
use sqlx::any::AnyArguments;
use sqlx::{Any, Arguments, AssertSqlSafe, Row, Transaction};

use crate::Store;
use crate::rows::{list_json, ms};

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
}

/// Simulated years per demo run, and the seed they start from.
const DEMO_ITERATIONS: u64 = draxis_domain::simulations::DEFAULT_ITERATIONS;
const DEMO_SEED: u64 = 20_261_124;

/// A value bound into a bulk insert.
enum Cell {
    Int(i64),
    Real(f64),
    Text(String),
    NullInt,
}

impl From<i64> for Cell {
    fn from(v: i64) -> Self {
        Cell::Int(v)
    }
}
impl From<f64> for Cell {
    fn from(v: f64) -> Self {
        Cell::Real(v)
    }
}
impl From<String> for Cell {
    fn from(v: String) -> Self {
        Cell::Text(v)
    }
}
impl From<&str> for Cell {
    fn from(v: &str) -> Self {
        Cell::Text(v.to_string())
    }
}
impl From<bool> for Cell {
    fn from(v: bool) -> Self {
        Cell::Int(i64::from(v))
    }
}
impl From<Option<i64>> for Cell {
    fn from(v: Option<i64>) -> Self {
        v.map_or(Cell::NullInt, Cell::Int)
    }
}

/// Inserts `rows` into `table` in multi-row statements (at most 400 rows each).
async fn insert_rows(
    tx: &mut Transaction<'_, Any>,
    table: &str,
    columns: &[&str],
    rows: Vec<Vec<Cell>>,
) -> Result<(), sqlx::Error> {
    for chunk in rows.chunks(400) {
        let mut args = AnyArguments::default();
        let mut sql = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
        for (r, row) in chunk.iter().enumerate() {
            sql.push_str(if r == 0 { "(" } else { ", (" });
            for (c, cell) in row.iter().enumerate() {
                let added = match cell {
                    Cell::Int(v) => args.add(*v),
                    Cell::Real(v) => args.add(*v),
                    Cell::Text(v) => args.add(v.clone()),
                    Cell::NullInt => args.add(None::<i64>),
                };
                added.map_err(sqlx::Error::Encode)?;
                if c > 0 {
                    sql.push_str(", ");
                }
                sql.push_str(&format!("${}", args.len()));
            }
            sql.push(')');
        }
        sqlx::query_with(AssertSqlSafe(sql), args)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

async fn insert_returning_id(
    tx: &mut Transaction<'_, Any>,
    table: &str,
    columns: &[&str],
    row: Vec<Cell>,
) -> Result<i64, sqlx::Error> {
    let mut args = AnyArguments::default();
    for cell in row {
        match cell {
            Cell::Int(v) => args.add(v),
            Cell::Real(v) => args.add(v),
            Cell::Text(v) => args.add(v),
            Cell::NullInt => args.add(None::<i64>),
        }
        .map_err(sqlx::Error::Encode)?;
    }
    let placeholders: Vec<String> = (1..=columns.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "INSERT INTO {table} ({}) VALUES ({}) RETURNING id",
        columns.join(", "),
        placeholders.join(", ")
    );
    sqlx::query_with(AssertSqlSafe(sql), args)
        .fetch_one(&mut **tx)
        .await?
        .try_get(0)
}

impl Store {
    /// Seeds the demo tenants as of `today` into an empty database, then computes a real
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
        let mut tx = self.pool.begin().await?;
        let mut seeded = Vec::new();
        for tenant in demo_registers(today)? {
            seeded.push(seed_tenant(&mut tx, &tenant).await?);
        }
        tx.commit().await?;
        for user in draxis_domain::demo::DEMO_USERS {
            self.create_user(user.email, user.name, user.password)
                .await?;
            for (slug, role) in user.memberships {
                self.add_member(slug, user.email, *role).await?;
            }
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

async fn seed_tenant(
    tx: &mut Transaction<'_, Any>,
    t: &DemoTenantRegister,
) -> Result<(TenantId, SeededTenant), sqlx::Error> {
    let now = ms(Utc::now());
    let tenant_id = insert_returning_id(
        tx,
        "tenants",
        &["slug", "name", "created_at"],
        vec![t.slug.as_str().into(), t.name.as_str().into(), now.into()],
    )
    .await?;

    let mut integration_ids = HashMap::new();
    for i in &t.integrations {
        let id = insert_returning_id(
            tx,
            "integrations",
            &[
                "tenant_id",
                "name",
                "kind",
                "schedule",
                "config",
                "created_at",
            ],
            vec![
                tenant_id.into(),
                i.name.as_str().into(),
                i.kind.as_str().into(),
                i.schedule.as_str().into(),
                i.config.to_string().into(),
                now.into(),
            ],
        )
        .await?;
        integration_ids.insert(i.name.as_str(), id);
    }
    let register = &t.register;
    let mut outcome_ids = HashMap::new();
    for o in register.outcomes.iter().flatten() {
        let id = insert_returning_id(
            tx,
            "outcomes",
            &[
                "tenant_id",
                "ref",
                "name",
                "description",
                "owner",
                "loss_tolerance",
            ],
            vec![
                tenant_id.into(),
                o.r#ref.as_str().into(),
                o.name.as_str().into(),
                o.description.as_str().into(),
                o.owner.as_str().into(),
                o.loss_tolerance.into(),
            ],
        )
        .await?;
        outcome_ids.insert(o.r#ref.as_str(), id);
    }
    let mut control_ids = HashMap::new();
    for c in register.controls.iter().flatten() {
        let id = insert_returning_id(
            tx,
            "controls",
            &[
                "tenant_id",
                "ref",
                "name",
                "category",
                "status",
                "effectiveness",
                "nist_csf",
                "attack_techniques",
                "owner",
            ],
            vec![
                tenant_id.into(),
                c.r#ref.as_str().into(),
                c.name.as_str().into(),
                c.category.as_str().into(),
                c.status.as_str().into(),
                c.effectiveness.into(),
                list_json(&c.nist_csf).into(),
                list_json(&c.attack_techniques).into(),
                c.owner.as_str().into(),
            ],
        )
        .await?;
        control_ids.insert(c.r#ref.as_str(), id);
    }
    let mut risk_ids = HashMap::new();
    let mut risk_links = (Vec::new(), Vec::new());
    for r in register.risks.iter().flatten() {
        let id = insert_returning_id(
            tx,
            "risks",
            &[
                "tenant_id",
                "ref",
                "title",
                "description",
                "category",
                "owner",
                "status",
                "inherent_likelihood",
                "inherent_impact",
                "current_likelihood",
                "current_impact",
                "residual_likelihood",
                "residual_impact",
                "event_frequency",
                "loss_low",
                "loss_high",
            ],
            vec![
                tenant_id.into(),
                r.r#ref.as_str().into(),
                r.title.as_str().into(),
                r.description.as_str().into(),
                r.category.as_str().into(),
                r.owner.as_str().into(),
                r.status.as_str().into(),
                i64::from(r.inherent.likelihood).into(),
                i64::from(r.inherent.impact).into(),
                i64::from(r.current.likelihood).into(),
                i64::from(r.current.impact).into(),
                i64::from(r.residual.likelihood).into(),
                i64::from(r.residual.impact).into(),
                r.fair.event_frequency.into(),
                r.fair.loss_magnitude.low.into(),
                r.fair.loss_magnitude.high.into(),
            ],
        )
        .await?;
        risk_ids.insert(r.r#ref.as_str(), id);
        risk_links.0.extend(
            r.outcomes
                .iter()
                .filter_map(|o| outcome_ids.get(o.as_str()))
                .map(|&o| vec![tenant_id.into(), id.into(), o.into()]),
        );
        risk_links.1.extend(
            r.controls
                .iter()
                .filter_map(|c| control_ids.get(c.as_str()))
                .map(|&c| vec![tenant_id.into(), id.into(), c.into()]),
        );
    }
    insert_rows(
        tx,
        "risk_outcomes",
        &["tenant_id", "risk_id", "outcome_id"],
        risk_links.0,
    )
    .await?;
    insert_rows(
        tx,
        "risk_controls",
        &["tenant_id", "risk_id", "control_id"],
        risk_links.1,
    )
    .await?;

    let (mut kri_risks, mut kri_controls, mut observations) = (Vec::new(), Vec::new(), Vec::new());
    let kris = register.kris.as_deref().unwrap_or_default();
    for k in kris {
        let history: Vec<_> = t.observations.iter().filter(|o| o.kri == k.slug).collect();
        let current = history.last();
        let id = insert_returning_id(
            tx,
            "kris",
            &[
                "tenant_id",
                "slug",
                "name",
                "description",
                "category",
                "unit",
                "direction",
                "warn",
                "critical",
                "frequency",
                "owner",
                "aliases",
                "source_integration_id",
                "outcome_id",
                "current_value",
                "current_observed_at",
            ],
            vec![
                tenant_id.into(),
                k.slug.as_str().into(),
                k.name.as_str().into(),
                k.description.as_str().into(),
                k.category.as_str().into(),
                k.unit.as_str().into(),
                k.direction.as_str().into(),
                k.warn.into(),
                k.critical.into(),
                k.frequency.as_str().into(),
                k.owner.as_str().into(),
                list_json(&k.aliases).into(),
                k.source_integration
                    .as_deref()
                    .and_then(|name| integration_ids.get(name).copied())
                    .into(),
                k.outcome
                    .as_deref()
                    .and_then(|o| outcome_ids.get(o).copied())
                    .into(),
                current.map_or(Cell::Real(f64::NAN), |c| Cell::Real(c.value)),
                current.map(|c| ms(c.observed_at)).into(),
            ],
        )
        .await?;
        if current.is_none() {
            sqlx::query("UPDATE kris SET current_value = NULL WHERE id = $1")
                .bind(id)
                .execute(&mut **tx)
                .await?;
        }
        kri_risks.extend(
            k.risks
                .iter()
                .filter_map(|r| risk_ids.get(r.as_str()))
                .map(|&r| vec![tenant_id.into(), id.into(), r.into()]),
        );
        kri_controls.extend(
            k.controls
                .iter()
                .filter_map(|c| control_ids.get(c.as_str()))
                .map(|&c| vec![tenant_id.into(), id.into(), c.into()]),
        );
        observations.extend(history.iter().map(|o| {
            vec![
                tenant_id.into(),
                id.into(),
                ms(o.observed_at).into(),
                o.value.into(),
                "demo seed".into(),
            ]
        }));
    }
    let observation_count = observations.len();
    insert_rows(
        tx,
        "kri_risks",
        &["tenant_id", "kri_id", "risk_id"],
        kri_risks,
    )
    .await?;
    insert_rows(
        tx,
        "kri_controls",
        &["tenant_id", "kri_id", "control_id"],
        kri_controls,
    )
    .await?;
    insert_rows(
        tx,
        "kri_observations",
        &["tenant_id", "kri_id", "observed_at", "value", "source"],
        observations,
    )
    .await?;

    let vendors = register
        .vendors
        .iter()
        .flatten()
        .map(|v| {
            let (date, score, conclusion) = match &v.last_assessment {
                Some(a) => (
                    Cell::Text(a.date.to_string()),
                    Cell::Real(a.score),
                    Cell::Text(a.conclusion.clone()),
                ),
                None => (
                    Cell::Text(String::new()),
                    Cell::Real(0.0),
                    Cell::Text(String::new()),
                ),
            };
            vec![
                tenant_id.into(),
                v.name.as_str().into(),
                v.category.as_str().into(),
                v.criticality.as_str().into(),
                i64::from(v.tier).into(),
                list_json(&v.data_elements).into(),
                date,
                score,
                conclusion,
                i64::from(v.open_findings).into(),
                v.next_assessment_due.to_string().into(),
            ]
        })
        .collect();
    insert_rows(
        tx,
        "vendors",
        &[
            "tenant_id",
            "name",
            "category",
            "criticality",
            "tier",
            "data_elements",
            "last_assessment_date",
            "last_assessment_score",
            "last_assessment_conclusion",
            "open_findings",
            "next_assessment_due",
        ],
        vendors,
    )
    .await?;
    // Vendors never assessed keep NULL assessment columns.
    sqlx::query(
        "UPDATE vendors SET last_assessment_date = NULL, last_assessment_score = NULL, last_assessment_conclusion = NULL \
         WHERE tenant_id = $1 AND last_assessment_date = ''",
    )
    .bind(tenant_id)
    .execute(&mut **tx)
    .await?;

    let assets = register
        .assets
        .iter()
        .flatten()
        .map(|a| {
            vec![
                tenant_id.into(),
                a.name.as_str().into(),
                a.kind.as_str().into(),
                a.environment.as_str().into(),
                a.owner.as_str().into(),
                a.criticality.as_str().into(),
                a.internet_facing.into(),
                a.data_classification.as_str().into(),
                ms(a.last_seen).into(),
                a.edr.into(),
                a.mfa.into(),
                a.backup.into(),
                a.patched.into(),
            ]
        })
        .collect();
    insert_rows(
        tx,
        "assets",
        &[
            "tenant_id",
            "name",
            "kind",
            "environment",
            "owner",
            "criticality",
            "internet_facing",
            "data_classification",
            "last_seen",
            "edr",
            "mfa",
            "backup",
            "patched",
        ],
        assets,
    )
    .await?;
    let seeded = SeededTenant {
        slug: t.slug.clone(),
        kris: kris.len(),
        observations: observation_count,
        assets: register.assets.as_ref().map_or(0, Vec::len),
        simulations: 0,
    };
    Ok((TenantId(tenant_id), seeded))
}
