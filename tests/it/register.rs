//! The extractor follows the catalog: a KRI and alias imported through the app's
//! `RegisterService` are matched by the Drop Zone of the same process at once, even with
//! the read cache holding the tenant's old KRI list for an hour.

use std::time::Duration;

use draxis_app::AppConfig;
use draxis_auth::Scopes;
use draxis_domain::register::Importer;
use draxis_protocol::types::{Direction, Frequency};
use draxis_register::{ImportOptions, Kri, Register, Validated};
use serde_json::json;

use crate::TestApp;
use crate::dropzone::{call, drop_zone_id, text};

fn quantum_kri() -> Kri {
    Kri {
        slug: "quantum_key_exposure_pct".into(),
        name: "Quantum-vulnerable key exposure".into(),
        description: "Share of TLS keys still on RSA-2048 or weaker.".into(),
        category: "cryptography".into(),
        unit: "%".into(),
        direction: Direction::HigherIsWorse,
        warn: 20.0,
        critical: 40.0,
        frequency: Frequency::Monthly,
        owner: "crypto-office".into(),
        aliases: vec!["QKE ratio".into()],
        outcome: None,
        risks: vec![],
        controls: vec![],
        source_integration: None,
    }
}

#[tokio::test]
async fn an_imported_alias_is_matched_at_once() {
    let app = TestApp::with_config(AppConfig {
        read_cache_ttl: Duration::from_secs(3600),
        ..AppConfig::default()
    })
    .await;
    let (_, token) = app.token("acme", Scopes::READ_WRITE).await;
    let bearer = format!("Bearer {token}");
    let zone = drop_zone_id(&app, &bearer, "AI Drop Zone").await;
    let artifact =
        "# Crypto inventory, March\n\n| Metric | Value |\n|---|---|\n| QKE ratio | 37% |\n";

    // Before the import the alias means nothing; the tenant's KRI list is now cached.
    let before = call(
        &app,
        &bearer,
        "submit_dropzone_artifact",
        json!({"integrationId": zone, "content": artifact}),
    )
    .await;
    assert_eq!(before["isError"], false, "{}", text(&before));
    assert_eq!(
        before["structuredContent"]["extraction"]["counts"]["proposals"],
        0
    );

    let acme = app.store.require_tenant("acme").await.unwrap();
    let register = Register {
        kris: Some(vec![quantum_kri()]),
        ..Register::default()
    };
    let importer = Importer {
        actor: "admin-cli:it".into(),
        client_address: None,
    };
    let report = app
        .register
        .import(
            acme.id,
            Validated::from_register(register, vec![("kris.yaml".into(), "00".repeat(32))]),
            ImportOptions::default(),
            &importer,
        )
        .await
        .unwrap();
    assert_eq!(report.counts_of(draxis_register::Entity::Kri).created, 1);

    let after = call(&app, &bearer, "submit_dropzone_artifact", json!({"integrationId": zone, "content": format!("{artifact}\nReported by the crypto office.\n")})).await;
    assert_eq!(after["isError"], false, "{}", text(&after));
    let proposals = after["structuredContent"]["extraction"]["proposals"]
        .as_array()
        .unwrap();
    assert_eq!(proposals.len(), 1, "{after}");
    assert_eq!(proposals[0]["kriSlug"], "quantum_key_exposure_pct");
    assert_eq!(proposals[0]["value"], 37.0);
}
