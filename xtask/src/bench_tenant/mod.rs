//! `cargo xtask big-tenant`: loads a deterministic enterprise-sized tenant (102,050 assets,
//! 4.0M KRI observations, 1,026 risks, 2,062 controls, 5,032 vendors, ~1,000 simulation
//! runs at scale 1.0) into SQLite or PostgreSQL, after migrating the database through
//! draxis-store. Rows go in as multi-row prepared inserts inside transactions.

mod estate;
mod kris;
mod register;
mod series;
mod words;

use std::time::Instant;

use anyhow::{Context, bail};
use sqlx::{AnyConnection, AssertSqlSafe, Connection, Executor, Row};

/// The full-scale tenant's figures; `--scale` multiplies each.
pub(crate) struct Sizes {
    pub assets: usize,
    pub observations: usize,
    pub risks: usize,
    pub controls: usize,
    pub vendors: usize,
    pub kris: usize,
    pub simulations: usize,
}

impl Sizes {
    pub(crate) fn at(scale: f64) -> Self {
        let n = |full: f64, least: usize| ((full * scale).round() as usize).max(least);
        Self {
            assets: n(102_050.0, 10),
            observations: n(4_000_000.0, 100),
            risks: n(1_026.0, 8),
            controls: n(2_062.0, 8),
            vendors: n(5_032.0, 5),
            kris: n(500.0, 10),
            simulations: n(1_000.0, 8),
        }
    }
}

/// `cargo xtask big-tenant --database URL --tenant SLUG --scale S`.
pub fn run(database: &str, tenant: &str, scale: f64) -> anyhow::Result<()> {
    if !(scale > 0.0 && scale <= 4.0) {
        bail!("--scale must be above 0 and at most 4; you gave {scale}");
    }
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(load(database, tenant, scale))
}

/// Migrates `database`, then loads the tenant `slug` at `scale` into it.
pub(crate) async fn load(database: &str, slug: &str, scale: f64) -> anyhow::Result<()> {
    let started = Instant::now();
    let store = draxis_store::Store::open(database)
        .await
        .with_context(|| format!("cannot open and migrate {database}"))?;
    store.close().await;
    sqlx::any::install_default_drivers();
    let mut conn = AnyConnection::connect(database).await?;
    if draxis_store::engine_of(database)? == draxis_store::Engine::Sqlite {
        conn.execute(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF; PRAGMA foreign_keys = ON;",
        )
        .await?;
    }
    let taken = sqlx::query("SELECT id FROM tenants WHERE slug = $1")
        .bind(slug)
        .fetch_optional(&mut conn)
        .await?;
    if taken.is_some() {
        bail!("tenant `{slug}` already exists in {database}: load into a fresh database");
    }
    let sizes = Sizes::at(scale);
    let anchor = series::anchor();
    let tenant: i64 = sqlx::query(
        "INSERT INTO tenants (slug, name, created_at) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(slug)
    .bind("BigCorp Holdings")
    .bind(anchor)
    .fetch_one(&mut conn)
    .await?
    .try_get(0)?;
    let step = |what: &str| eprintln!("  {what} ({:.1} s)", started.elapsed().as_secs_f64());
    let register = register::load(&mut conn, tenant, &sizes, anchor).await?;
    let kris = kris::kris(&mut conn, tenant, &sizes, &register).await?;
    step("register: integrations, outcomes, risks, controls, KRIs and links");
    series::observations(&mut conn, tenant, &kris, sizes.observations, anchor).await?;
    step("KRI observations");
    estate::assets(&mut conn, tenant, sizes.assets, anchor).await?;
    estate::vendors(&mut conn, tenant, sizes.vendors, anchor).await?;
    step("assets and vendors");
    series::simulations(&mut conn, tenant, &register, sizes.simulations, anchor).await?;
    step("simulation runs");
    // Leave the planner statistics (and PostgreSQL's visibility map) of a settled database.
    match draxis_store::engine_of(database)? {
        draxis_store::Engine::Postgres => conn.execute("VACUUM ANALYZE").await?,
        draxis_store::Engine::Sqlite => conn.execute("ANALYZE").await?,
    };
    step("statistics");
    conn.close().await?;
    println!(
        "big-tenant: `{slug}` loaded in {:.1} s: {} assets, {} KRI observations, {} risks, {} controls, {} vendors, {} KRIs, {} simulation runs",
        started.elapsed().as_secs_f64(),
        sizes.assets,
        sizes.observations,
        sizes.risks,
        sizes.controls,
        sizes.vendors,
        sizes.kris,
        sizes.simulations
    );
    Ok(())
}

/// One value of a generated row.
#[derive(Debug, Clone)]
pub(super) enum Value {
    Int(i64),
    Real(f64),
    Text(String),
    NoInt,
    NoReal,
    NoText,
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(v)
    }
}
impl From<f64> for Value {
    fn from(v: f64) -> Self {
        Value::Real(v)
    }
}
impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Int(i64::from(v))
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(v.to_string())
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(v)
    }
}
impl From<Option<i64>> for Value {
    fn from(v: Option<i64>) -> Self {
        v.map_or(Value::NoInt, Value::Int)
    }
}

/// Writes `rows` into `table` in one transaction, as multi-row `INSERT`s of 1,000 rows
/// whose values are SQL literals: generated numbers and quoted text parse faster than
/// the driver binds a million parameters.
pub(super) async fn insert(
    conn: &mut AnyConnection,
    table: &str,
    columns: &[&str],
    rows: &[Vec<Value>],
) -> anyhow::Result<()> {
    use std::fmt::Write;
    let mut tx = conn.begin().await?;
    for chunk in rows.chunks(1_000) {
        let mut sql = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
        for (r, row) in chunk.iter().enumerate() {
            if row.len() != columns.len() {
                bail!(
                    "{table}: a row has {} values for {} columns",
                    row.len(),
                    columns.len()
                );
            }
            sql.push_str(if r == 0 { "(" } else { ",(" });
            for (c, value) in row.iter().enumerate() {
                if c > 0 {
                    sql.push(',');
                }
                match value {
                    Value::Int(v) => write!(sql, "{v}")?,
                    Value::Real(v) if v.is_finite() => write!(sql, "{v:?}")?,
                    Value::Text(v) => write!(sql, "'{}'", v.replace('\'', "''"))?,
                    Value::Real(_) | Value::NoInt | Value::NoReal | Value::NoText => {
                        sql.push_str("NULL")
                    }
                }
            }
            sql.push(')');
        }
        sqlx::raw_sql(AssertSqlSafe(sql))
            .execute(&mut *tx)
            .await
            .with_context(|| format!("cannot insert into {table}"))?;
    }
    tx.commit().await?;
    Ok(())
}

/// The tenant's `(key, id)` pairs of `table`, keyed by `column` (a ref, slug or name).
pub(super) async fn ids_by(
    conn: &mut AnyConnection,
    tenant: i64,
    table: &str,
    column: &str,
) -> anyhow::Result<std::collections::HashMap<String, i64>> {
    let rows = sqlx::query(AssertSqlSafe(format!(
        "SELECT {column}, id FROM {table} WHERE tenant_id = $1"
    )))
    .bind(tenant)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
        .collect()
}
