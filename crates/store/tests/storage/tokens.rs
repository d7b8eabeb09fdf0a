//! Personal access tokens: verified, last-used coalesced, revoked (also from a cache), expired.

use std::sync::Arc;

use draxis_auth::{AuthError, Scopes, TokenVerifier};

use crate::common::Fixture;

async fn tokens_verify_revoke_and_expire(fixture: &Fixture) {
    let Fixture { store, acme, .. } = fixture;
    let verifier = TokenVerifier::new(Arc::new(store.clone()));
    let created = store
        .create_token(acme, "suite", Scopes::READ_WRITE, "test", None)
        .await
        .unwrap();
    let principal = verifier
        .verify_token(&created.minted.plaintext)
        .await
        .unwrap();
    assert_eq!(principal.tenant_slug, "acme");
    assert_eq!(principal.scopes, Scopes::READ_WRITE);

    // Last-used is coalesced in memory, then written once.
    assert!(
        store.list_tokens(acme).await.unwrap()[0]
            .last_used_at
            .is_none()
    );
    verifier
        .verify_token(&created.minted.plaintext)
        .await
        .unwrap();
    assert_eq!(verifier.flush_last_used().await.unwrap(), 1);
    assert_eq!(verifier.flush_last_used().await.unwrap(), 0);
    let listed = store.list_tokens(acme).await.unwrap();
    assert!(listed[0].last_used_at.is_some());
    assert!(
        created
            .minted
            .plaintext
            .starts_with(&listed[0].display_prefix)
    );

    // A well-formed token that was never issued, for a real and an unknown tenant.
    let forged = format!("drx_pat_acme.{}", "ab".repeat(32));
    assert!(matches!(
        verifier.verify_token(&forged).await,
        Err(AuthError::UnknownToken(_))
    ));
    let foreign = format!("drx_pat_nosuch.{}", "ab".repeat(32));
    assert!(matches!(
        verifier.verify_token(&foreign).await,
        Err(AuthError::UnknownTenant(_))
    ));
    // A real secret presented under another tenant's slug is not that tenant's token.
    let swapped = created.minted.plaintext.replacen("acme", "globex", 1);
    assert!(verifier.verify_token(&swapped).await.is_err());

    // A caching verifier trusts a token for its TTL; forget_token ends that at once.
    let caching = TokenVerifier::new(Arc::new(store.clone()))
        .with_cache_ttl(std::time::Duration::from_secs(3600));
    caching
        .verify_token(&created.minted.plaintext)
        .await
        .unwrap();
    store.revoke_token(acme, created.id).await.unwrap();
    caching
        .verify_token(&created.minted.plaintext)
        .await
        .expect("cached within the TTL");
    caching.forget_token(created.id);
    assert!(matches!(
        caching.verify_token(&created.minted.plaintext).await,
        Err(AuthError::Revoked)
    ));
    assert!(matches!(
        verifier.verify_token(&created.minted.plaintext).await,
        Err(AuthError::Revoked)
    ));
    assert!(store.revoke_token(acme, created.id).await.is_err());

    let expiring = store
        .create_token(acme, "short", Scopes::READ, "test", Some(1))
        .await
        .unwrap();
    verifier
        .verify_token(&expiring.minted.plaintext)
        .await
        .unwrap();
    assert!(
        store
            .create_token(acme, "bad", Scopes::READ, "test", Some(0))
            .await
            .is_err()
    );
}

scenario!(tokens_verify_revoke_and_expire);
