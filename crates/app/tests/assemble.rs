//! Assembling the application over a fresh SQLite store: the router answers, and an
//! unusable client metadata CA is refused with its reason.

#![allow(clippy::unwrap_used)]

use std::time::Duration;

use draxis_app::{App, AppConfig, AssembleError, ClientMetadataDocuments};
use draxis_store::Store;
use tower::ServiceExt;

async fn fresh_store(name: &str) -> (Store, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!(
        "draxis-app-{name}-{}-{}",
        std::process::id(),
        chrono::Utc::now().timestamp_nanos_opt().unwrap_or_default()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let store = Store::open(&format!("sqlite://{}", dir.join("app.db").display()))
        .await
        .unwrap();
    (store, dir)
}

#[tokio::test]
async fn the_assembled_router_answers_health_checks() {
    let (store, dir) = fresh_store("health").await;
    let app = App::assemble(store.clone(), &AppConfig::default()).unwrap();
    let response = app
        .router()
        .oneshot(
            http::Request::get("/healthz")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(response.status(), http::StatusCode::OK);
    store.close().await;
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test]
async fn an_unusable_client_metadata_ca_is_refused() {
    let (store, dir) = fresh_store("ca").await;
    let config = AppConfig {
        client_metadata: Some(ClientMetadataDocuments {
            extra_ca_pem: Some(b"not a certificate".to_vec()),
            allow_private_addresses: false,
            timeout: Duration::from_secs(5),
        }),
        ..AppConfig::default()
    };
    match App::assemble(store.clone(), &config) {
        Err(AssembleError::ClientMetadataCa(why)) => {
            assert!(why.contains("no PEM certificate"), "{why}")
        }
        Ok(_) => panic!("a CA file without certificates was accepted"),
    }
    store.close().await;
    std::fs::remove_dir_all(dir).ok();
}
