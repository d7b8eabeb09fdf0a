//! Filling an empty database with the demo tenants, in one transaction.

use chrono::{NaiveDate, Utc};
use std::sync::Arc;

use draxis_domain::TenantId;
use draxis_domain::demo::{DemoTenant, demo_tenants};
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
        for tenant in demo_tenants(today) {
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
    t: &DemoTenant,
) -> Result<(TenantId, SeededTenant), sqlx::Error> {
    let now = ms(Utc::now());
    let tenant_id = insert_returning_id(
        tx,
        "tenants",
        &["slug", "name", "created_at"],
        vec![t.slug.as_str().into(), t.name.as_str().into(), now.into()],
    )
    .await?;

    let mut integration_ids = Vec::new();
    for i in &t.integrations {
        integration_ids.push(
            insert_returning_id(
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
            .await?,
        );
    }
    let mut outcome_ids = Vec::new();
    for o in &t.outcomes {
        outcome_ids.push(
            insert_returning_id(
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
            .await?,
        );
    }
    let mut control_ids = Vec::new();
    for c in &t.controls {
        control_ids.push(
            insert_returning_id(
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
            .await?,
        );
    }
    let mut risk_ids = Vec::new();
    let mut risk_links = (Vec::new(), Vec::new());
    for r in &t.risks {
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
                i64::from(r.inherent.0).into(),
                i64::from(r.inherent.1).into(),
                i64::from(r.current.0).into(),
                i64::from(r.current.1).into(),
                i64::from(r.residual.0).into(),
                i64::from(r.residual.1).into(),
                r.event_frequency_per_year.into(),
                r.loss_magnitude_low.into(),
                r.loss_magnitude_high.into(),
            ],
        )
        .await?;
        risk_ids.push(id);
        risk_links.0.extend(
            r.outcomes
                .iter()
                .map(|&o| vec![tenant_id.into(), id.into(), outcome_ids[o].into()]),
        );
        risk_links.1.extend(
            r.controls
                .iter()
                .map(|&c| vec![tenant_id.into(), id.into(), control_ids[c].into()]),
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
    for k in &t.kris {
        let d = &k.definition;
        let current = k.history.last();
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
                d.slug.as_str().into(),
                d.name.as_str().into(),
                d.description.as_str().into(),
                d.category.as_str().into(),
                d.unit.as_str().into(),
                d.direction.as_str().into(),
                d.warn.into(),
                d.critical.into(),
                d.frequency.as_str().into(),
                k.owner.as_str().into(),
                list_json(&d.aliases).into(),
                k.source_integration.map(|i| integration_ids[i]).into(),
                k.outcome.map(|o| outcome_ids[o]).into(),
                current.map_or(Cell::Real(f64::NAN), |c| Cell::Real(c.1)),
                current.map(|c| ms(c.0)).into(),
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
                .map(|&r| vec![tenant_id.into(), id.into(), risk_ids[r].into()]),
        );
        kri_controls.extend(
            k.controls
                .iter()
                .map(|&c| vec![tenant_id.into(), id.into(), control_ids[c].into()]),
        );
        observations.extend(k.history.iter().map(|(at, value)| {
            vec![
                tenant_id.into(),
                id.into(),
                ms(*at).into(),
                (*value).into(),
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

    let vendors = t
        .vendors
        .iter()
        .map(|v| {
            let (date, score, conclusion) = match &v.last_assessment {
                Some((d, s, c)) => (
                    Cell::Text(d.to_string()),
                    Cell::Real(*s),
                    Cell::Text(c.clone()),
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

    let assets = t
        .assets
        .iter()
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
        kris: t.kris.len(),
        observations: observation_count,
        assets: t.assets.len(),
        simulations: 0,
    };
    Ok((TenantId(tenant_id), seeded))
}
