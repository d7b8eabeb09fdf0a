//! A used authorization code replayed: by a third party (another client id, no PKCE
//! verifier) it revokes nothing; by the code's own client with its verifier it revokes
//! the grant, as OAuth 2.1 asks.

use draxis_auth::server::{AuthorizationRequest, ClientMetadata, TokenRequest};
use draxis_auth::{AccountStore, AuthError};
use draxis_transport::HttpConfig;

use crate::TestApp;

const REDIRECT: &str = "http://127.0.0.1:5555/callback";

fn challenge_of(verifier: &str) -> String {
    use base64::Engine as _;
    use sha2::Digest as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(verifier))
}

#[tokio::test]
async fn only_the_codes_own_client_with_its_verifier_can_trigger_replay_revocation() {
    let app = TestApp::new(HttpConfig::default()).await;
    let server = &app.authz;
    let register = |name: &str| ClientMetadata {
        redirect_uris: vec![REDIRECT.into()],
        client_name: Some(name.into()),
        ..Default::default()
    };
    let victim = server.register_client(register("victim")).await.unwrap();
    let attacker = server.register_client(register("attacker")).await.unwrap();
    let verifier = "v".repeat(43) + "-replay";
    let request = AuthorizationRequest {
        response_type: Some("code".into()),
        client_id: Some(victim.client_id.clone()),
        redirect_uri: Some(REDIRECT.into()),
        code_challenge: Some(challenge_of(&verifier)),
        code_challenge_method: Some("S256".into()),
        state: Some("s".into()),
        scope: Some("mcp:read offline_access".into()),
        resource: Some(server.config().resource.clone()),
    };
    let valid = server.validate_authorization(&request).await.unwrap();
    let user = server
        .sign_in("analyst@acme.example", "draxis-demo-analyst", None, None)
        .await
        .unwrap();
    let memberships = app.store.memberships(user.id).await.unwrap();
    let acme = memberships
        .iter()
        .find(|m| m.tenant_slug == "acme")
        .unwrap();
    let location = server.approve(&user, acme, &valid, false).await.unwrap();
    let code = location
        .split(['?', '&'])
        .find_map(|p| p.strip_prefix("code="))
        .unwrap()
        .to_string();
    let exchange = |client_id: &str, verifier: Option<&str>| TokenRequest {
        grant_type: Some("authorization_code".into()),
        code: Some(code.clone()),
        redirect_uri: Some(REDIRECT.into()),
        client_id: Some(client_id.to_string()),
        code_verifier: verifier.map(str::to_string),
        ..Default::default()
    };
    let pair = server
        .token(&exchange(&victim.client_id, Some(&verifier)))
        .await
        .unwrap();
    app.verifier.verify_token(&pair.access_token).await.unwrap();

    // A third party replays the used code: refused, and the victim keeps its grant.
    for replay in [
        exchange(&attacker.client_id, None),
        exchange(&attacker.client_id, Some(&verifier)),
        exchange(&victim.client_id, None),
        exchange(&victim.client_id, Some(&"w".repeat(43))),
    ] {
        assert!(server.token(&replay).await.is_err());
        assert!(
            app.verifier.verify_token(&pair.access_token).await.is_ok(),
            "a replay without the client and verifier must not revoke the grant"
        );
    }

    // The code's own client with its verifier: a real replay, the grant is revoked.
    let replayed = server
        .token(&exchange(&victim.client_id, Some(&verifier)))
        .await
        .unwrap_err();
    assert_eq!(replayed.code, "invalid_grant");
    assert!(matches!(
        app.verifier.verify_token(&pair.access_token).await,
        Err(AuthError::GrantRevoked)
    ));
}
