//! The audit trail on this engine: events with and without a tenant, filtered by tenant,
//! action (exact or family), actor and time, paged by id; tool calls counted per token.

use std::sync::Arc;

use draxis_auth::audit::action;
use draxis_auth::{AuditEvent, AuditLog, AuditQuery, Outcome, Scopes, TokenVerifier};

use crate::common::Fixture;

/// The events `query` lists: at most its limit, or 50 when it sets none.
async fn trail(store: &draxis_store::Store, query: AuditQuery) -> Vec<draxis_auth::AuditRecord> {
    let limit = if query.limit == 0 { 50 } else { query.limit };
    store
        .audit_trail(&AuditQuery { limit, ..query })
        .await
        .unwrap()
}

async fn audit_trail_records_and_filters(fixture: &Fixture) {
    let Fixture {
        store,
        acme,
        globex,
        ..
    } = fixture;
    let before = chrono::Utc::now().timestamp_millis() - 1;
    let events = [
        AuditEvent::new(
            action::SIGN_IN,
            "user:nobody@example.com",
            "user:nobody@example.com",
        )
        .with_outcome(Outcome::Failure)
        .from_address("192.0.2.7".parse().ok()),
        AuditEvent::new(action::TOKEN_CREATE, "user:Alice@acme.test", "token:1")
            .in_tenant(Some(acme.id))
            .with_credential(Some("session:4".into())),
        AuditEvent::new(action::OAUTH_CONSENT, "user:alice@acme.test", "client:c1")
            .in_tenant(Some(acme.id))
            .with_outcome(Outcome::Denied),
        AuditEvent::new(action::CLIENT_REGISTER, "anonymous", "client:c2"),
        AuditEvent::new(
            action::TENANT_SWITCH,
            "user:bob@globex.test",
            "tenant:globex",
        )
        .in_tenant(Some(globex.id)),
    ];
    for event in &events {
        store.record(event).await.unwrap();
    }
    let all = trail(
        store,
        AuditQuery {
            since: Some(before),
            ..AuditQuery::default()
        },
    )
    .await;
    assert_eq!(
        all.len(),
        5,
        "operators see every event, with or without a tenant"
    );
    assert_eq!(all[0].action, action::TENANT_SWITCH, "newest first");
    let failed = all.iter().find(|e| e.action == action::SIGN_IN).unwrap();
    assert_eq!(failed.tenant, None);
    assert_eq!(failed.outcome, "failure");
    assert_eq!(failed.client_address.as_deref(), Some("192.0.2.7"));

    let acme_only = trail(
        store,
        AuditQuery {
            tenant: Some(acme.id),
            since: Some(before),
            ..AuditQuery::default()
        },
    )
    .await;
    assert_eq!(acme_only.len(), 2);
    assert!(
        acme_only
            .iter()
            .all(|e| e.tenant_slug.as_deref() == Some("acme"))
    );
    assert_eq!(acme_only[1].credential.as_deref(), Some("session:4"));

    let oauth = trail(
        store,
        AuditQuery {
            action: Some("oauth.".into()),
            since: Some(before),
            ..AuditQuery::default()
        },
    )
    .await;
    assert_eq!(
        oauth.len(),
        2,
        "a family ending in a dot matches its actions"
    );
    let by_alice = trail(
        store,
        AuditQuery {
            actor: Some("ALICE@".into()),
            since: Some(before),
            ..AuditQuery::default()
        },
    )
    .await;
    assert_eq!(by_alice.len(), 2, "actor matches case-insensitively");
    let page = trail(
        store,
        AuditQuery {
            since: Some(before),
            before_id: Some(all[1].id),
            limit: 2,
            ..AuditQuery::default()
        },
    )
    .await;
    assert_eq!(
        page.iter().map(|e| e.id).collect::<Vec<_>>(),
        vec![all[2].id, all[3].id]
    );
    let future = trail(
        store,
        AuditQuery {
            until: Some(before),
            action: Some(action::TENANT_SWITCH.into()),
            ..AuditQuery::default()
        },
    )
    .await;
    assert!(future.is_empty(), "until excludes later events");
}
scenario!(audit_trail_records_and_filters);

async fn tool_calls_are_counted_per_token(fixture: &Fixture) {
    let Fixture { store, acme, .. } = fixture;
    let verifier = TokenVerifier::new(Arc::new(store.clone()));
    let created = store
        .create_token(acme, "counted", Scopes::READ, "test", None)
        .await
        .unwrap();
    let principal = verifier
        .verify_token(&created.minted.plaintext)
        .await
        .unwrap();
    for _ in 0..3 {
        verifier.note_tool_call(&principal);
    }
    verifier.flush_last_used().await.unwrap();
    verifier.note_tool_call(&principal);
    verifier.flush_last_used().await.unwrap();
    verifier.flush_last_used().await.unwrap();
    let listed = store.list_tokens(acme).await.unwrap();
    let token = listed.iter().find(|t| t.id == created.id).unwrap();
    assert_eq!(token.tool_calls, 4);
    assert!(token.last_used_at.is_some());
}
scenario!(tool_calls_are_counted_per_token);
