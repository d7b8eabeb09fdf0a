//! Sign-in throttling over HTTP: wrong passwords slow down the address they come from
//! (429 with `Retry-After` and a page saying when), never the owner elsewhere; and the
//! password check runs on the authorization server's CPU pool.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::body::Body;
use draxis_auth::{CpuJob, CpuPool};
use draxis_transport::HttpConfig;

use crate::TestApp;
use crate::hostile_web::sign_in_post;
use crate::web::header;

async fn sign_in_from(
    app: &TestApp,
    peer: [u8; 4],
    email: &str,
    password: &str,
) -> http::Response<Body> {
    sign_in_post(app, email, password, "/", Some(peer)).await
}

#[tokio::test]
async fn an_attacker_slows_only_their_own_address_and_the_owner_signs_in() {
    let app = TestApp::new(HttpConfig::default()).await;
    let attacker = [203, 0, 113, 7];
    for email in [
        "admin@acme.example",
        "ADMIN@acme.example ",
        "Admin@Acme.example",
    ] {
        for _ in 0..2 {
            let wrong = sign_in_from(&app, attacker, email, "not the password").await;
            if wrong.status() == 429 {
                break;
            }
            assert_eq!(wrong.status(), 401);
        }
    }
    let throttled = sign_in_from(&app, attacker, "admin@acme.example", "draxis-demo-admin").await;
    assert_eq!(throttled.status(), 429);
    let retry_after: u64 = header(&throttled, "retry-after").parse().unwrap();
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    let page = axum::body::to_bytes(throttled.into_body(), 1 << 20)
        .await
        .unwrap();
    let page = String::from_utf8_lossy(&page);
    assert!(page.contains("try again in"), "{page}");

    let owner = sign_in_from(
        &app,
        [198, 51, 100, 20],
        "admin@acme.example",
        "draxis-demo-admin",
    )
    .await;
    assert_eq!(owner.status(), 303, "the owner elsewhere is not locked out");
}

/// Counts the jobs it runs (on the caller's thread).
#[derive(Default)]
struct CountingPool(AtomicUsize);

#[async_trait::async_trait]
impl CpuPool for CountingPool {
    async fn run(&self, job: CpuJob) {
        self.0.fetch_add(1, Ordering::SeqCst);
        job();
    }
}

#[tokio::test]
async fn password_checks_run_on_the_cpu_pool() {
    let app = TestApp::new(HttpConfig::default()).await;
    let pool = Arc::new(CountingPool::default());
    let server = app.authz.clone().with_cpu_pool(pool.clone());
    server
        .sign_in("admin@acme.example", "draxis-demo-admin", None, None)
        .await
        .unwrap();
    assert!(
        server
            .sign_in("nobody@acme.example", "draxis-demo-admin", None, None)
            .await
            .is_err()
    );
    assert_eq!(
        pool.0.load(Ordering::SeqCst),
        2,
        "both checks ran on the pool"
    );
}
