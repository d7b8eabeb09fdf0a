//! One storage suite, run against SQLite and PostgreSQL: seeding, tenant isolation,
//! tokens, paging. PostgreSQL comes from `DRAXIS_TEST_POSTGRES_URL` (default
//! postgres://postgres@127.0.0.1:5432/postgres); each run makes and drops its own database.
//! Without PostgreSQL the suite says it skipped, unless `CI` is set, where it fails.

#![allow(clippy::unwrap_used)] // test helpers fail loudly by design

use std::sync::Arc;

use chrono::Utc;
use draxis_auth::{AuthError, Principal, Scopes, TokenVerifier};
use draxis_domain::RiskQueries;
use draxis_domain::repository::{RefKind, RiskRepository};
use draxis_protocol::types::*;
use draxis_store::{SeedOutcome, Store};
use sqlx::Connection;

async fn run_suite(store: Store, url: String) {
    let today = Utc::now().date_naive();
    let SeedOutcome::Seeded(summary) = store.seed_demo(today).await.unwrap() else {
        panic!("fresh database")
    };
    assert_eq!(summary[0].slug, "acme");
    assert_eq!(summary[0].kris, 40);
    assert!(summary[0].assets >= 2000);
    assert_eq!(
        summary[0].simulations,
        26 + 7,
        "one run per demo risk and outcome"
    );
    assert!(matches!(
        store.seed_demo(today).await.unwrap(),
        SeedOutcome::AlreadyHasData(_)
    ));

    let acme = store.require_tenant("acme").await.unwrap();
    let globex = store.require_tenant("globex").await.unwrap();
    tokens_verify_revoke_and_expire(&store, &acme).await;
    tenants_never_see_each_other(&store, &acme, &globex).await;
    queries_answer_on_real_rows(&store, &acme).await;
    cache_serves_within_its_ttl_and_forgets_on_invalidate(&store, &url, &acme).await;
    drop_zone_dedupes_materializes_and_records(&store, &acme).await;
    oauth_grants_rotate_and_revoke(&store).await;
    people_sign_in_with_roles_and_second_factors(&store).await;
}

fn authorization_server(store: &Store) -> draxis_auth::AuthorizationServer {
    let mut config =
        draxis_auth::server::AuthorizationConfig::for_public_url("http://127.0.0.1:8080");
    config.refresh_grace = std::time::Duration::from_secs(30);
    draxis_auth::AuthorizationServer::new(Arc::new(store.clone()), config)
}

/// The authorization server's storage on this engine: a code is redeemed once even by
/// concurrent requests, parallel refreshes of one token get the same pair, a lowered
/// role narrows live tokens, and revocation stops them.
async fn oauth_grants_rotate_and_revoke(store: &Store) {
    use draxis_auth::server::{AuthorizationRequest, ClientMetadata, TokenRequest};
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
        .sign_in("Analyst@Acme.example", "draxis-demo-analyst", None)
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

/// Users: wrong passwords, disabled accounts, TOTP second factors and sessions.
async fn people_sign_in_with_roles_and_second_factors(store: &Store) {
    use draxis_auth::server::SignInError;
    let server = authorization_server(store);
    assert!(matches!(
        server
            .sign_in("admin@acme.example", "not the password", None)
            .await,
        Err(SignInError::BadCredentials)
    ));
    assert!(matches!(
        server
            .sign_in("nobody@acme.example", "whatever at all", None)
            .await,
        Err(SignInError::BadCredentials)
    ));
    store
        .create_user("totp@acme.example", "Tia Totp", "a long enough password")
        .await
        .unwrap();
    let secret = store.enroll_totp("totp@acme.example").await.unwrap();
    assert!(matches!(
        server
            .sign_in("totp@acme.example", "a long enough password", None)
            .await,
        Err(SignInError::SecondFactorRequired)
    ));
    let code = draxis_auth::totp::code_at(&secret, std::time::SystemTime::now()).unwrap();
    let wrong = format!(
        "{:06}",
        (code.parse::<u32>().unwrap() + 500_000) % 1_000_000
    );
    assert!(matches!(
        server
            .sign_in("totp@acme.example", "a long enough password", Some(&wrong))
            .await,
        Err(SignInError::BadSecondFactor)
    ));
    let user = server
        .sign_in("totp@acme.example", "a long enough password", Some(&code))
        .await
        .unwrap();
    let cookie = server.start_session(&user).await.unwrap();
    assert_eq!(
        server.session(&cookie).await.unwrap().unwrap().user.email,
        "totp@acme.example"
    );
    store.disable_user("totp@acme.example").await.unwrap();
    assert!(server.session(&cookie).await.unwrap().is_none());
    assert!(
        server
            .sign_in("totp@acme.example", "a long enough password", Some(&code))
            .await
            .is_err()
    );
    assert!(
        store
            .create_user("short@acme.example", "", "short")
            .await
            .is_err()
    );

    // Five wrong passwords lock the account for a while, even for the right one.
    store
        .create_user("guessed@acme.example", "", "the right password")
        .await
        .unwrap();
    for _ in 0..5 {
        assert!(matches!(
            server
                .sign_in("guessed@acme.example", "a wrong guess!", None)
                .await,
            Err(SignInError::BadCredentials)
        ));
    }
    assert!(matches!(
        server
            .sign_in("guessed@acme.example", "the right password", None)
            .await,
        Err(SignInError::TooManyAttempts(15))
    ));
}

const REPORT: &str = "| Metric | Value |\n|---|---|\n| Patch compliance | 91.3% |\n| Known-exploited vulnerabilities open | 3 |\n";
const AMBIGUOUS: &str = "Identity snapshot from the contractor tenant:\n\n- MFA coverage (contractors): 70%\n- Phishing-resistant MFA coverage: 35%\n";

async fn drop_zone_dedupes_materializes_and_records(
    store: &Store,
    acme: &draxis_domain::entities::Tenant,
) {
    use draxis_dropzone::records::{Actor, Decided, Decision, DropZoneStore, ExtractionFilter};
    use draxis_dropzone::{BuiltinExtractor, DropZone, DropZoneLimits};
    let repo = Arc::new(draxis_domain::cache::CachedRepository::new(
        Arc::new(store.clone()),
        std::time::Duration::ZERO,
    ));
    let zone = DropZone::new(
        repo.clone(),
        repo,
        Arc::new(store.clone()),
        Arc::new(BuiltinExtractor),
        Arc::new(draxis_dropzone::connectors::NoHttp),
        DropZoneLimits::default(),
    );
    let who = principal(acme);
    let submit = |integration: &str, content: &str| SubmitArtifactArgs {
        integration_id: integration.into(),
        content: content.into(),
        filename: Some("report.md".into()),
        mime_type: None,
    };

    // 64 concurrent identical submissions: one artifact, 63 duplicates.
    let tasks: Vec<_> = (0..64)
        .map(|_| {
            let (zone, who, args) = (zone.clone(), who.clone(), submit("AI Drop Zone", REPORT));
            tokio::spawn(async move { zone.submit(&who, args).await.unwrap() })
        })
        .collect();
    let mut answers = Vec::new();
    for t in tasks {
        answers.push(t.await.unwrap());
    }
    let ids: std::collections::BTreeSet<_> =
        answers.iter().map(|a| a.artifact_id.clone()).collect();
    assert_eq!(ids.len(), 1);
    assert_eq!(answers.iter().filter(|a| !a.duplicate).count(), 1);
    assert_eq!(answers[0].extraction.counts.auto_accepted, 2);
    let other = zone
        .submit(&who, submit("EDR drops", REPORT))
        .await
        .unwrap();
    assert!(!other.duplicate);
    assert_ne!(other.artifact_id, answers[0].artifact_id);

    // Concurrent runs write each accepted extraction exactly once.
    let runs: Vec<_> = (0..4)
        .map(|_| {
            let (zone, who) = (zone.clone(), who.clone());
            tokio::spawn(async move {
                zone.run_integration(
                    &who,
                    RunIntegrationArgs {
                        integration_id: "AI Drop Zone".into(),
                    },
                )
                .await
                .unwrap()
            })
        })
        .collect();
    let mut written = 0;
    for r in runs {
        written += r.await.unwrap().rows_written;
    }
    assert_eq!(written, 2);
    let queries = RiskQueries::new(Arc::new(store.clone()));
    let kri = queries
        .get_kri(
            &who,
            GetKriArgs {
                id: "patch_compliance_pct".into(),
                history_limit: Some(3),
            },
        )
        .await
        .unwrap();
    assert_eq!(kri.kri.current_value, Some(91.3));
    assert_eq!(
        kri.history[0].artifact_id.as_deref(),
        Some(answers[0].artifact_id.as_str())
    );
    assert_eq!(kri.history[0].source, "AI Drop Zone");

    // Review: what waits can be accepted with a corrected value, once.
    let pending = zone
        .submit(&who, submit("AI Drop Zone", AMBIGUOUS))
        .await
        .unwrap();
    assert_eq!(pending.extraction.counts.auto_accepted, 0);
    assert!(pending.extraction.counts.pending_review >= 1);
    let queue = store
        .extractions(
            acme.id,
            &ExtractionFilter {
                state: Some(ProposalState::PendingReview),
                integration_id: None,
                limit: 50,
            },
        )
        .await
        .unwrap();
    let target = queue
        .iter()
        .find(|e| e.kri_slug == "phishing_resistant_mfa_pct")
        .unwrap();
    let reviewer = Actor {
        label: "admin-cli:test".into(),
        token_id: None,
    };
    let decision = Decision {
        accept: true,
        value: Some(36.0),
        note: Some("checked the export".into()),
    };
    let Decided::Done(done) = store
        .decide(acme.id, target.id, &decision, &reviewer)
        .await
        .unwrap()
    else {
        panic!("pending extraction must be decidable")
    };
    assert_eq!((done.value, done.proposed_value), (36.0, Some(35.0)));
    assert!(matches!(
        store
            .decide(acme.id, target.id, &decision, &reviewer)
            .await
            .unwrap(),
        Decided::NotPending(ProposalState::Accepted)
    ));
    let run = zone
        .run_integration(
            &who,
            RunIntegrationArgs {
                integration_id: "AI Drop Zone".into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(run.rows_written, 1);
    assert_eq!(run.updates[0].value, 36.0);

    // The band decides; manual accepts nothing.
    zone.set_autonomy_band(acme.id, AutonomyBand::Manual, &reviewer)
        .await
        .unwrap();
    let manual = zone
        .submit(&who, submit("AI Drop Zone", "Patch compliance: 90.1%"))
        .await
        .unwrap();
    assert_eq!(manual.extraction.counts.auto_accepted, 0);
    assert_eq!(manual.extraction.counts.pending_review, 1);
    zone.set_autonomy_band(acme.id, AutonomyBand::Balanced, &reviewer)
        .await
        .unwrap();

    let actions: Vec<String> = store
        .audit_events(acme.id, 200)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    for action in [
        "artifact.submitted",
        "extraction.accepted",
        "integration.run",
        "tenant.autonomy_band_set",
    ] {
        assert!(
            actions.iter().any(|a| a == action),
            "{action} missing from {actions:?}"
        );
    }
    let submitted = actions
        .iter()
        .filter(|a| *a == "artifact.submitted")
        .count();
    assert_eq!(submitted, 4, "duplicates are not new artifacts");
}

async fn cache_serves_within_its_ttl_and_forgets_on_invalidate(
    store: &Store,
    url: &str,
    acme: &draxis_domain::entities::Tenant,
) {
    use draxis_domain::cache::CachedRepository;
    let cached = CachedRepository::new(
        Arc::new(store.clone()),
        std::time::Duration::from_secs(3600),
    );
    let before = cached.kris(acme.id).await.unwrap();
    let renamed = format!("{} (renamed)", before[0].name);
    let pool = sqlx::AnyPool::connect(url).await.unwrap();
    sqlx::query("UPDATE kris SET name = $1 WHERE id = $2")
        .bind(&renamed)
        .bind(before[0].id)
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    assert_eq!(
        cached.kris(acme.id).await.unwrap()[0].name,
        before[0].name,
        "served from cache within the TTL"
    );
    assert_eq!(
        store.kris(acme.id).await.unwrap()[0].name,
        renamed,
        "storage has the new name"
    );
    cached.invalidate(acme.id);
    assert_eq!(
        cached.kris(acme.id).await.unwrap()[0].name,
        renamed,
        "invalidate forgets the cached list"
    );
    let uncached = CachedRepository::new(Arc::new(store.clone()), std::time::Duration::ZERO);
    assert_eq!(uncached.kris(acme.id).await.unwrap()[0].name, renamed);
}

fn principal(tenant: &draxis_domain::entities::Tenant) -> Principal {
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

async fn tokens_verify_revoke_and_expire(store: &Store, acme: &draxis_domain::entities::Tenant) {
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

async fn tenants_never_see_each_other(
    store: &Store,
    acme: &draxis_domain::entities::Tenant,
    globex: &draxis_domain::entities::Tenant,
) {
    let acme_kris = store.kris(acme.id).await.unwrap();
    let globex_kris = store.kris(globex.id).await.unwrap();
    assert_eq!(acme_kris.len(), 40);
    assert!(!globex_kris.is_empty() && globex_kris.len() < 40);
    let acme_ids: Vec<i64> = acme_kris.iter().map(|k| k.id).collect();
    assert!(globex_kris.iter().all(|k| !acme_ids.contains(&k.id)));
    // Links never cross tenants either.
    let globex_risks = store.risks(globex.id).await.unwrap();
    let acme_risk_ids: Vec<i64> = store
        .risks(acme.id)
        .await
        .unwrap()
        .iter()
        .map(|r| r.id)
        .collect();
    for k in globex_kris.iter() {
        assert!(k.risks.iter().all(|l| !acme_risk_ids.contains(&l.id)));
    }
    // Acme's ids and refs are not found from globex.
    let acme_risk = &store.risks(acme.id).await.unwrap()[20];
    assert!(
        globex_risks.iter().all(|r| r.r#ref != acme_risk.r#ref),
        "demo refs chosen to differ"
    );
    let by_id = format!("risk_{}", acme_risk.id);
    assert!(
        store
            .find_ref(globex.id, RefKind::Risk, &by_id)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .find_ref(acme.id, RefKind::Risk, &by_id)
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        store
            .kri_history(globex.id, acme_kris[0].id, 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        store
            .kri_history(acme.id, acme_kris[0].id, 10)
            .await
            .unwrap()
            .len(),
        10
    );

    // A cursor taken from acme's inventory, replayed by globex, yields only globex rows.
    let queries = RiskQueries::new(Arc::new(store.clone()));
    let acme_page = queries
        .asset_inventory(&principal(acme), AssetInventoryArgs::default())
        .await
        .unwrap();
    let globex_names: Vec<String> = queries
        .asset_inventory(
            &principal(globex),
            AssetInventoryArgs {
                cursor: acme_page.next_cursor.clone(),
                limit: Some(200),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|a| a.name)
        .collect();
    assert!(!globex_names.is_empty());
    assert!(
        globex_names
            .iter()
            .all(|n| !n.contains("ACME") && !n.contains("acme")),
        "{globex_names:?}"
    );
}

async fn queries_answer_on_real_rows(store: &Store, acme: &draxis_domain::entities::Tenant) {
    let queries = RiskQueries::new(Arc::new(store.clone()));
    let who = principal(acme);

    let top = queries
        .list_risks(
            &who,
            ListRisksArgs {
                limit: Some(5),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(top.items.len(), 5);
    assert!(top.total >= 25);
    assert!(
        top.items
            .windows(2)
            .all(|w| w[0].current_score >= w[1].current_score)
    );
    assert!(
        top.items.iter().any(|r| !r.score_drivers.is_empty()),
        "red KRIs raise some scores"
    );

    let red = queries
        .list_kris(
            &who,
            ListKrisArgs {
                status: Some(KriStatus::Red),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(red.total > 0 && red.items.iter().all(|k| k.status == KriStatus::Red));

    // Walk the whole inventory: every asset exactly once.
    let mut seen = std::collections::HashSet::new();
    let mut cursor = None;
    let total = loop {
        let page = queries
            .asset_inventory(
                &who,
                AssetInventoryArgs {
                    limit: Some(200),
                    cursor,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        for a in page.items {
            assert!(seen.insert(a.id), "asset listed twice");
        }
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break page.total,
        }
    };
    assert_eq!(seen.len() as u64, total);
    assert!(total >= 2000);

    let missing_edr = queries
        .asset_inventory(
            &who,
            AssetInventoryArgs {
                missing: Some(Coverage::Edr),
                kind: Some(AssetKind::Endpoint),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(
        missing_edr.total > 0
            && missing_edr
                .items
                .iter()
                .all(|a| !a.edr && a.kind == AssetKind::Endpoint)
    );
    assert_eq!(missing_edr.summary.coverage.edr_pct, 0.0);

    let kri = queries
        .get_kri(
            &who,
            GetKriArgs {
                id: "patch_compliance_pct".into(),
                history_limit: Some(90),
            },
        )
        .await
        .unwrap();
    assert_eq!(kri.history.len(), 90);
    assert_eq!(kri.kri.current_value, Some(kri.history[0].value));
    assert!(
        queries
            .get_kri(
                &who,
                GetKriArgs {
                    id: "nope".into(),
                    history_limit: None
                }
            )
            .await
            .is_err()
    );

    let zones = queries
        .list_integrations(
            &who,
            ListIntegrationsArgs {
                is_drop_zone: Some(true),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        zones
            .items
            .iter()
            .map(|i| i.name.as_str())
            .collect::<Vec<_>>(),
        ["AI Drop Zone", "EDR drops"]
    );

    let ctl = queries
        .list_controls(
            &who,
            ListControlsArgs {
                technique: Some("T1566".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(
        ctl.total > 0
            && ctl
                .items
                .iter()
                .all(|c| c.attack_techniques.iter().any(|t| t.starts_with("T1566")))
    );
    let vendors = queries
        .list_vendors(&who, ListVendorsArgs::default())
        .await
        .unwrap();
    assert!(vendors.total >= 30);
    let outcomes = queries
        .list_outcomes(&who, ListOutcomesArgs::default())
        .await
        .unwrap();
    assert!(outcomes.total >= 6);
    let sims = queries
        .list_simulations(
            &who,
            ListSimulationsArgs {
                limit: Some(200),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(sims.total, 33, "a real run per demo risk and outcome");
    assert!(
        sims.items
            .iter()
            .all(|s| s.status == SimulationStatus::Completed && s.results.is_some())
    );
    let by_loss = queries
        .list_risks(
            &who,
            ListRisksArgs {
                sort: Some(RiskSort::SimulatedLoss),
                limit: Some(200),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let losses: Vec<f64> = by_loss
        .items
        .iter()
        .map(|r| r.latest_simulated_annual_loss.unwrap())
        .collect();
    assert!(
        losses.windows(2).all(|w| w[0] >= w[1]),
        "sorted by simulated loss: {losses:?}"
    );
    let outcomes = queries
        .list_outcomes(&who, ListOutcomesArgs::default())
        .await
        .unwrap();
    assert!(
        outcomes
            .items
            .iter()
            .all(|o| o.aggregate_annual_loss.is_some())
    );
    queued_runs_are_claimed_once_and_recorded(store, acme).await;
}

async fn queued_runs_are_claimed_once_and_recorded(
    store: &Store,
    acme: &draxis_domain::entities::Tenant,
) {
    use draxis_domain::simulations::{SimulationService, Subject};
    let service = SimulationService::new(Arc::new(store.clone()), Arc::new(store.clone()));
    let risk = store.risks(acme.id).await.unwrap()[0].id;
    let id = service
        .enqueue(acme.id, Subject::Risk(risk), 10_000, 5)
        .await
        .unwrap();
    assert!(
        service
            .enqueue(acme.id, Subject::Risk(risk), 0, 5)
            .await
            .is_err(),
        "zero iterations refused"
    );
    let claimed = service.claim_next().await.unwrap().expect("the queued run");
    assert_eq!(
        (claimed.id, claimed.iterations, claimed.seed),
        (id, 10_000, 5)
    );
    assert!(
        service.claim_next().await.unwrap().is_none(),
        "a run is claimed once"
    );
    let started = Utc::now();
    let plan = service.prepare(claimed.clone()).await.unwrap();
    service
        .finish(&claimed, started, plan.run(2))
        .await
        .unwrap();
    let queries = RiskQueries::new(Arc::new(store.clone()));
    let runs = queries
        .list_simulations(
            &principal(acme),
            ListSimulationsArgs {
                risk: Some(format!("risk_{risk}")),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(runs.total, 2);
    assert!(
        runs.items
            .iter()
            .all(|r| r.status == SimulationStatus::Completed)
    );
}

#[tokio::test]
async fn sqlite_suite() {
    let dir = std::env::temp_dir().join(format!(
        "draxis-store-{}-{}",
        std::process::id(),
        Utc::now().timestamp_micros()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}", dir.join("suite.db").display());
    let store = Store::open(&url).await.unwrap();
    run_suite(store.clone(), url).await;
    store.close().await;
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test]
async fn postgres_suite() {
    let admin_url = std::env::var("DRAXIS_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    sqlx::any::install_default_drivers();
    let mut admin = match sqlx::AnyConnection::connect(&admin_url).await {
        Ok(conn) => conn,
        Err(error)
            if std::env::var_os("CI").is_none()
                && std::env::var_os("DRAXIS_REQUIRE_POSTGRES").is_none() =>
        {
            eprintln!("SKIPPED: PostgreSQL storage suite (no server at {admin_url}: {error})");
            return;
        }
        Err(error) => panic!(
            "PostgreSQL is required here (CI or DRAXIS_REQUIRE_POSTGRES) at {admin_url}: {error}"
        ),
    };
    let db = format!(
        "draxis_test_{}_{}",
        std::process::id(),
        Utc::now().timestamp_micros()
    );
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {db}")))
        .execute(&mut admin)
        .await
        .unwrap();
    let (base, _) = admin_url.rsplit_once('/').unwrap();
    let url = format!("{base}/{db}");
    let store = Store::open(&url).await.unwrap();
    let outcome = tokio::spawn(run_suite(store.clone(), url)).await;
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
