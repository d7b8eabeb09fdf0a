//! The harness: every scenario runs once per engine, each run on its own freshly made and
//! seeded database (a SQLite file in a temporary folder, or a PostgreSQL database made and
//! dropped here), so the tests share nothing and run in parallel. PostgreSQL comes from
//! `DRAXIS_TEST_POSTGRES_URL` (default postgres://postgres@127.0.0.1:5432/postgres);
//! without it a PostgreSQL test says it skipped, unless `CI` or `DRAXIS_REQUIRE_POSTGRES`
//! is set, where it fails.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use chrono::Utc;
use draxis_auth::{Principal, Scopes};
use draxis_domain::entities::Tenant;
use draxis_store::{SeedOutcome, SeededTenant, Store};
use sqlx::Connection;

/// What a scenario gets: a store on a database seeded with the demo as of today.
pub struct Fixture {
    pub store: Store,
    /// The database's URL, for scenarios that write behind the store's back.
    pub url: String,
    /// What seeding reported, per tenant.
    pub seeded: Vec<SeededTenant>,
    pub acme: Tenant,
    pub globex: Tenant,
}

/// The pair of tests of one scenario: `<scenario>::sqlite` and `<scenario>::postgres`,
/// each calling `async fn <scenario>(&Fixture)` of the invoking module.
macro_rules! scenario {
    ($name:ident) => {
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                $crate::common::on_sqlite(stringify!($name), |fixture| async move {
                    super::$name(&fixture).await
                })
                .await;
            }

            #[tokio::test]
            async fn postgres() {
                $crate::common::on_postgres(stringify!($name), |fixture| async move {
                    super::$name(&fixture).await
                })
                .await;
            }
        }
    };
}

/// Tells this process's databases apart (tests start in the same microsecond).
fn unique_suffix() -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    format!(
        "{}_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed),
        Utc::now().timestamp_micros()
    )
}

/// Seeds the demo into a fresh database and runs `scenario` on it in its own task, so a
/// failing scenario still lets the caller clean up; the panic is returned to re-raise.
async fn seed_and_run<F, Fut>(
    store: &Store,
    url: String,
    scenario: F,
) -> Result<(), tokio::task::JoinError>
where
    F: FnOnce(Fixture) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let today = Utc::now().date_naive();
    let SeedOutcome::Seeded(seeded) = store.seed_demo(today).await.unwrap() else {
        panic!("fresh database")
    };
    let fixture = Fixture {
        store: store.clone(),
        url,
        seeded,
        acme: store.require_tenant("acme").await.unwrap(),
        globex: store.require_tenant("globex").await.unwrap(),
    };
    tokio::spawn(scenario(fixture)).await
}

/// Runs `scenario` on a new SQLite file, removed afterwards.
pub async fn on_sqlite<F, Fut>(name: &str, scenario: F)
where
    F: FnOnce(Fixture) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let dir = std::env::temp_dir().join(format!("draxis-store-{name}-{}", unique_suffix()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}", dir.join("suite.db").display());
    let store = Store::open(&url).await.unwrap();
    let outcome = seed_and_run(&store, url, scenario).await;
    store.close().await;
    std::fs::remove_dir_all(&dir).ok();
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic.into_panic());
    }
}

/// At most this many PostgreSQL scenarios at once: each may hold a pool of 16
/// connections, and the server allows 100 by default.
static POSTGRES_SLOTS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(3);

/// Runs `scenario` on a new PostgreSQL database, dropped afterwards; skips (or fails,
/// where PostgreSQL is required) without a server.
pub async fn on_postgres<F, Fut>(name: &str, scenario: F)
where
    F: FnOnce(Fixture) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let admin_url = std::env::var("DRAXIS_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    sqlx::any::install_default_drivers();
    let _slot = POSTGRES_SLOTS.acquire().await.unwrap();
    let mut admin = match sqlx::AnyConnection::connect(&admin_url).await {
        Ok(conn) => conn,
        Err(error)
            if std::env::var_os("CI").is_none()
                && std::env::var_os("DRAXIS_REQUIRE_POSTGRES").is_none() =>
        {
            eprintln!(
                "SKIPPED: PostgreSQL storage scenario {name} (no server at {admin_url}: {error})"
            );
            return;
        }
        Err(error) => panic!(
            "PostgreSQL is required here (CI or DRAXIS_REQUIRE_POSTGRES) at {admin_url}: {error}"
        ),
    };
    let db = format!("draxis_test_{}", unique_suffix());
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {db}")))
        .execute(&mut admin)
        .await
        .unwrap();
    let (base, _) = admin_url.rsplit_once('/').unwrap();
    let url = format!("{base}/{db}");
    let store = Store::open(&url).await.unwrap();
    let outcome = seed_and_run(&store, url, scenario).await;
    store.close().await;
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS {db} WITH (FORCE)"
    )))
    .execute(&mut admin)
    .await
    .unwrap();
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic.into_panic());
    }
}

pub fn authorization_server(store: &Store) -> draxis_auth::AuthorizationServer {
    let mut config =
        draxis_auth::server::AuthorizationConfig::for_public_url("http://127.0.0.1:8080");
    config.refresh_grace = std::time::Duration::from_secs(30);
    draxis_auth::AuthorizationServer::new(Arc::new(store.clone()), config)
}

pub fn principal(tenant: &Tenant) -> Principal {
    Principal {
        tenant_id: tenant.id,
        tenant_slug: tenant.slug.clone(),
        credential: draxis_auth::Credential::Pat {
            token_id: 0,
            name: "test".into(),
        },
        scopes: Scopes::READ,
    }
}
