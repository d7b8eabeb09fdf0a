//! The authorization server's storage: codes redeemed once, shared parallel refreshes,
//! roles narrowing live tokens, revocation.

use std::sync::Arc;

use draxis_auth::{AuthError, Scopes, TokenVerifier};
use draxis_store::Store;

use crate::common::{Fixture, authorization_server};

/// The authorization server's storage on this engine: a code is redeemed once even by
/// concurrent requests, parallel refreshes of one token get the same pair, a lowered
/// role narrows live tokens, and revocation stops them.
async fn oauth_grants_rotate_and_revoke(fixture: &Fixture) {
    use draxis_auth::server::{AuthorizationRequest, ClientMetadata, TokenRequest};
    let Fixture { store, .. } = fixture;
    let server = authorization_server(store);
    let verifier =
        TokenVerifier::new(Arc::new(store.clone())).with_resource(server.config().resource.clone());
    let client = server
        .register_client(ClientMetadata {
            redirect_uris: vec!["http://127.0.0.1:1234/callback".into()],
            client_name: Some("storage suite".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    let code_verifier = "a".repeat(43) + "-storage-suite";
    let challenge = {
        use base64::Engine as _;
        use sha2::Digest as _;
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(sha2::Sha256::digest(code_verifier.as_bytes()))
    };
    let request = AuthorizationRequest {
        response_type: Some("code".into()),
        client_id: Some(client.client_id.clone()),
        redirect_uri: Some("http://127.0.0.1:5555/callback".into()),
        code_challenge: Some(challenge),
        code_challenge_method: Some("S256".into()),
        state: Some("s".into()),
        scope: Some("mcp:read mcp:write offline_access".into()),
        resource: Some(server.config().resource.clone()),
    };
    let valid = server.validate_authorization(&request).await.unwrap();
    let analyst = server
        .sign_in("Analyst@Acme.example", "draxis-demo-analyst", None, None)
        .await
        .unwrap();
    let memberships = store_memberships(store, analyst.id).await;
    let acme = memberships
        .iter()
        .find(|m| m.tenant_slug == "acme")
        .unwrap();
    let new_code = || async {
        let location = server.approve(&analyst, acme, &valid, true).await.unwrap();
        location
            .split(['?', '&'])
            .find_map(|p| p.strip_prefix("code="))
            .unwrap()
            .to_string()
    };
    let exchange = |code: &str, verifier: &str| TokenRequest {
        grant_type: Some("authorization_code".into()),
        code: Some(code.to_string()),
        redirect_uri: Some("http://127.0.0.1:5555/callback".into()),
        client_id: Some(client.client_id.clone()),
        code_verifier: Some(verifier.to_string()),
        ..Default::default()
    };
    let raced = new_code().await;
    let wrong = server
        .token(&exchange(&raced, &"b".repeat(43)))
        .await
        .unwrap_err();
    assert_eq!(wrong.code, "invalid_grant");
    // Two redemptions at once: one wins; the other is a replay (and may revoke it).
    let (one, two) = (
        exchange(&raced, &code_verifier),
        exchange(&raced, &code_verifier),
    );
    let (first, second) = tokio::join!(server.token(&one), server.token(&two));
    assert!(
        first.is_ok() != second.is_ok(),
        "exactly one concurrent exchange wins"
    );
    let code = new_code().await;
    let pair = server
        .token(&exchange(&code, &code_verifier))
        .await
        .unwrap();

    let principal = verifier.verify_token(&pair.access_token).await.unwrap();
    assert_eq!(principal.tenant_slug, "acme");
    assert!(principal.is_oauth());
    assert_eq!(principal.scopes, Scopes::READ_WRITE);

    let refresh = TokenRequest {
        grant_type: Some("refresh_token".into()),
        refresh_token: Some(pair.refresh_token.clone()),
        client_id: Some(client.client_id.clone()),
        ..Default::default()
    };
    let (a, b) = tokio::join!(server.token(&refresh), server.token(&refresh));
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(
        a.access_token, b.access_token,
        "parallel refreshes share a pair"
    );
    assert_eq!(a.refresh_token, b.refresh_token);
    assert_eq!(a.scope, "mcp:read mcp:write");

    // A lowered role narrows the tokens already issued.
    store
        .add_member("acme", "analyst@acme.example", draxis_auth::Role::Viewer)
        .await
        .unwrap();
    let narrowed = verifier.verify_token(&a.access_token).await.unwrap();
    assert_eq!(narrowed.scopes, Scopes::READ);
    store
        .add_member("acme", "analyst@acme.example", draxis_auth::Role::Analyst)
        .await
        .unwrap();

    server.revoke(&a.refresh_token).await.unwrap();
    assert!(matches!(
        verifier.verify_token(&a.access_token).await,
        Err(AuthError::GrantRevoked)
    ));
    assert_eq!(
        server.token(&refresh).await.unwrap_err().code,
        "invalid_grant"
    );
}

async fn store_memberships(store: &Store, user: i64) -> Vec<draxis_auth::Membership> {
    use draxis_auth::AccountStore;
    store.memberships(user).await.unwrap()
}

scenario!(oauth_grants_rotate_and_revoke);

/// Clients registered and never used expire; a client that got a code (consent was
/// given) is kept however old, and stops counting against the quota.
async fn unused_clients_expire_and_used_ones_stay(fixture: &Fixture) {
    use draxis_auth::AccountStore as _;
    use draxis_auth::server::{AuthorizationRequest, ClientMetadata, RegistrationLimits};
    let Fixture { store, .. } = fixture;
    let server = authorization_server(store).with_registration_limits(RegistrationLimits {
        max_unused_clients: 100,
        unused_client_ttl: std::time::Duration::ZERO,
    });
    let metadata = ClientMetadata {
        redirect_uris: vec!["http://127.0.0.1:1234/callback".into()],
        ..Default::default()
    };
    let used = server.register_client(metadata.clone()).await.unwrap();
    let unused = server.register_client(metadata).await.unwrap();
    assert_eq!(store.unused_clients().await.unwrap(), 2);
    let request = AuthorizationRequest {
        response_type: Some("code".into()),
        client_id: Some(used.client_id.clone()),
        redirect_uri: Some("http://127.0.0.1:1234/callback".into()),
        code_challenge: Some("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM".into()),
        code_challenge_method: Some("S256".into()),
        scope: Some("mcp:read".into()),
        resource: Some(server.config().resource.clone()),
        ..Default::default()
    };
    let valid = server.validate_authorization(&request).await.unwrap();
    let analyst = server
        .sign_in("analyst@acme.example", "draxis-demo-analyst", None, None)
        .await
        .unwrap();
    let acme = store_memberships(store, analyst.id).await.remove(0);
    server
        .approve(&analyst, &acme, &valid, false)
        .await
        .unwrap();
    assert_eq!(store.unused_clients().await.unwrap(), 1);

    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    assert_eq!(server.sweep_unused_clients().await.unwrap(), 1);
    assert!(server.client(&unused.client_id).await.unwrap().is_none());
    assert!(server.client(&used.client_id).await.unwrap().is_some());
    assert_eq!(store.unused_clients().await.unwrap(), 0);
}

scenario!(unused_clients_expire_and_used_ones_stay);
