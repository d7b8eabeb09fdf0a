//! The console's register upload through the real HTTP app: viewers and analysts are
//! refused (and recorded); an admin's dry run shows counts and rows and writes nothing;
//! Apply writes exactly the previewed files and the MCP tools see them at once; a bad file
//! shows every problem located and writes nothing; another session's upload id, an id
//! applied already, a forged post and an oversized body are all refused.

use std::time::Duration;

use axum::body::Body;
use draxis_app::AppConfig;
use draxis_auth::server::csrf_token;
use draxis_auth::{AuditLog, AuditQuery, Scopes};
use draxis_domain::repository::RiskRepository;
use draxis_transport::{HttpConfig, UPLOAD_BODY_LIMIT};
use http::Request;
use serde_json::json;

use crate::TestApp;
use crate::dropzone::call;
use crate::register_console::{page, session, text};
use crate::web::send;

const ORIGIN: &str = "http://127.0.0.1:8080";
const BOUNDARY: &str = "draxis-it-boundary-7MA4YWxkTrZu0gW";

/// A multipart body as a browser sends the upload form.
fn multipart(csrf: Option<&str>, prune: bool, files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut body = Vec::new();
    let mut part = |disposition: String, content: &[u8]| {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n{disposition}\r\n\r\n").as_bytes());
        body.extend_from_slice(content);
        body.extend_from_slice(b"\r\n");
    };
    if let Some(csrf) = csrf {
        part(
            "Content-Disposition: form-data; name=\"csrf\"".into(),
            csrf.as_bytes(),
        );
    }
    for (name, content) in files {
        part(
            format!(
                "Content-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream"
            ),
            content,
        );
    }
    if prune {
        part(
            "Content-Disposition: form-data; name=\"prune\"".into(),
            b"on",
        );
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

fn csrf_of(cookie: &str) -> String {
    csrf_token(cookie.split_once('=').unwrap().1)
}

async fn upload(app: &TestApp, cookie: &str, body: Vec<u8>) -> (u16, String) {
    let request = Request::post("/register/upload")
        .header("host", "127.0.0.1:8080")
        .header("origin", ORIGIN)
        .header("cookie", cookie)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .header("content-length", body.len())
        .body(Body::from(body))
        .unwrap();
    let response = send(app, request).await;
    (response.status().as_u16(), text(response).await)
}

async fn apply(app: &TestApp, cookie: &str, id: &str) -> (u16, String) {
    let form = [("csrf", csrf_of(cookie)), ("upload", id.to_string())];
    let request = Request::post("/register/upload/apply")
        .header("host", "127.0.0.1:8080")
        .header("origin", ORIGIN)
        .header("cookie", cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(serde_urlencoded::to_string(form).unwrap()))
        .unwrap();
    let response = send(app, request).await;
    (response.status().as_u16(), text(response).await)
}

/// The held upload's id in the Apply form.
fn apply_id(html: &str) -> String {
    let at = html
        .find("name=\"upload\" value=\"")
        .expect("an Apply form")
        + 21;
    html[at..at + 32].to_string()
}

fn register_yaml(slug: &str) -> String {
    format!(
        "kris:\n  - slug: {slug}\n    name: Uploaded KRI {slug}\n    category: identity\n    unit: '%'\n    \
direction: lower_is_worse\n    warn: 90\n    critical: 80\n    frequency: weekly\n    owner: IT\n    \
aliases: [uploaded alias {slug}]\n"
    )
}

const ASSETS_CSV: &str = "external_id,name,kind,environment,owner,criticality,internet_facing,data_classification,last_seen,edr,mfa,backup,patched\n\
UP-1,upload-host-1,server,production,CIO,high,false,internal,2025-04-01T06:00:00Z,true,true,true,true\n";

async fn kri_slugs(app: &TestApp) -> Vec<String> {
    let acme = app.store.require_tenant("acme").await.unwrap();
    let kris = app.store.kris(acme.id).await.unwrap();
    kris.iter().map(|k| k.slug.clone()).collect()
}

async fn imports_by(app: &TestApp, who: &str) -> Vec<draxis_auth::AuditRecord> {
    app.store
        .audit_trail(&AuditQuery {
            action: Some("register.import".into()),
            actor: Some(who.into()),
            limit: 20,
            ..AuditQuery::default()
        })
        .await
        .unwrap()
}

#[tokio::test]
async fn only_admins_upload_and_refusals_are_recorded() {
    let app = TestApp::new(HttpConfig::default()).await;
    let viewer = session(&app, "viewer@acme.example", "draxis-demo-viewer").await;
    let analyst = session(&app, "analyst@acme.example", "draxis-demo-analyst").await;
    let admin = session(&app, "admin@acme.example", "draxis-demo-admin").await;

    let (_, tabs) = page(&app, &analyst, "/register/kris").await;
    assert!(
        !tabs.contains("/register/upload"),
        "no Upload tab for analysts"
    );
    let (_, tabs) = page(&app, &admin, "/register/kris").await;
    assert!(tabs.contains("href=\"/register/upload\""));
    for who in [&viewer, &analyst] {
        let (status, html) = page(&app, who, "/register/upload").await;
        assert_eq!(status, 403);
        assert!(
            html.contains("Only an admin of this tenant can import"),
            "{html}"
        );
    }
    let yaml = register_yaml("refused_upload");
    let files: [(&str, &[u8]); 1] = [("register.yaml", yaml.as_bytes())];
    let (status, html) = upload(
        &app,
        &analyst,
        multipart(Some(&csrf_of(&analyst)), false, &files),
    )
    .await;
    assert_eq!(status, 403, "an analyst's upload with a valid token");
    assert!(html.contains("Only an admin"));
    let (status, _) = upload(&app, &admin, multipart(None, false, &files)).await;
    assert_eq!(status, 403, "an admin's post without the CSRF token");
    let (status, _) = upload(
        &app,
        &admin,
        multipart(Some(&csrf_of(&viewer)), false, &files),
    )
    .await;
    assert_eq!(status, 403, "an admin's post with another session's token");
    let (status, _) = apply(&app, &viewer, &"0".repeat(32)).await;
    assert_eq!(status, 403, "a viewer's apply");
    assert!(
        !kri_slugs(&app)
            .await
            .contains(&"refused_upload".to_string())
    );

    let analyst_refusals = imports_by(&app, "user:analyst@acme.example").await;
    assert_eq!(analyst_refusals.len(), 1);
    assert_eq!(analyst_refusals[0].outcome, "failure");
    assert!(analyst_refusals[0].details.contains("only admins"));
    let admin_refusals = imports_by(&app, "user:admin@acme.example").await;
    assert_eq!(admin_refusals.len(), 2);
    assert!(admin_refusals.iter().all(|e| e.outcome == "failure"));
    assert_eq!(imports_by(&app, "user:viewer@acme.example").await.len(), 1);

    // Larger than the cap: 413 and the sentence, before anything is read.
    let big = vec![b'a'; UPLOAD_BODY_LIMIT + 1];
    let files: [(&str, &[u8]); 1] = [("assets.csv", &big)];
    let (status, html) = upload(
        &app,
        &admin,
        multipart(Some(&csrf_of(&admin)), false, &files),
    )
    .await;
    assert_eq!(status, 413);
    assert!(html.contains("larger than 16 MiB"), "{html}");
}

#[tokio::test]
async fn a_dry_run_writes_nothing_and_apply_writes_what_it_showed() {
    let app = TestApp::with_config(AppConfig {
        read_cache_ttl: Duration::from_secs(3600),
        ..AppConfig::default()
    })
    .await;
    let admin = session(&app, "admin@acme.example", "draxis-demo-admin").await;
    let (_, token) = app.token("acme", Scopes::READ).await;
    let bearer = format!("Bearer {token}");
    let slug = "uploaded_mfa_pct";
    let listed = |result: &serde_json::Value| {
        result["structuredContent"]["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|k| k["slug"] == slug)
    };
    // The tools' answer is now cached for an hour.
    let before = call(&app, &bearer, "list_kris", json!({"text": slug})).await;
    assert!(!listed(&before));

    let yaml = register_yaml(slug);
    let files: [(&str, &[u8]); 2] = [
        ("register.yaml", yaml.as_bytes()),
        ("assets.csv", ASSETS_CSV.as_bytes()),
    ];
    let (status, html) = upload(
        &app,
        &admin,
        multipart(Some(&csrf_of(&admin)), false, &files),
    )
    .await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("Dry run: nothing was written yet"));
    assert!(
        html.contains(slug) && html.contains("<td>UP-1</td>"),
        "{html}"
    );
    assert!(
        html.contains("<td>kris</td><td>1</td>"),
        "counts per entity: {html}"
    );
    assert!(html.contains("<td>assets</td><td>1</td>"));
    assert!(html.contains("class=\"change-create\""));
    assert!(
        !kri_slugs(&app).await.contains(&slug.to_string()),
        "the dry run wrote nothing"
    );
    let id = apply_id(&html);

    let (status, html) = apply(&app, &admin, &id).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("Applied"));
    assert!(kri_slugs(&app).await.contains(&slug.to_string()));
    let after = call(&app, &bearer, "list_kris", json!({"text": slug})).await;
    assert!(listed(&after), "the tools see the import at once");
    let (_, listed_page) = page(&app, &admin, &format!("/register/kris?text={slug}")).await;
    assert!(listed_page.contains(&format!("href=\"/register/kris/{slug}\"")));

    let (status, html) = apply(&app, &admin, &id).await;
    assert_eq!(status, 410, "an upload is applied once");
    assert!(html.contains("no longer held"));

    let imports = imports_by(&app, "user:admin@acme.example").await;
    let outcomes: Vec<(&str, bool)> = imports
        .iter()
        .map(|e| (e.outcome.as_str(), e.details.contains("\"dry_run\":true")))
        .collect();
    // Newest first: the refused second apply, the import, the dry run.
    assert_eq!(
        outcomes,
        [("failure", false), ("success", false), ("success", true)]
    );
    let sha = hex_sha256(yaml.as_bytes());
    assert!(
        imports[1].details.contains(&sha),
        "the audit names the file's SHA-256"
    );
}

fn hex_sha256(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    format!("{:x}", Sha256::digest(bytes))
}

#[tokio::test]
async fn a_bad_file_shows_located_problems_and_writes_nothing() {
    let app = TestApp::new(HttpConfig::default()).await;
    let admin = session(&app, "admin@acme.example", "draxis-demo-admin").await;
    let acme = app.store.require_tenant("acme").await.unwrap();
    let before = app.register.export(acme.id).await.unwrap();
    let bad = "kris:\n  - slug: bad_order_pct\n    name: Bad order\n    category: identity\n    unit: '%'\n    \
direction: higher_is_worse\n    warn: 50\n    critical: 10\n    frequency: weekly\n    owner: IT\n    \
risks: [R-NOWHERE]\n";
    let files: [(&str, &[u8]); 1] = [("bad.yaml", bad.as_bytes())];
    let (status, html) = upload(
        &app,
        &admin,
        multipart(Some(&csrf_of(&admin)), true, &files),
    )
    .await;
    assert_eq!(status, 400, "{html}");
    assert!(
        html.contains("problems in the files; nothing was written"),
        "{html}"
    );
    assert!(html.contains("<code>bad.yaml:"), "located by file: {html}");
    assert!(html.contains("R-NOWHERE"), "the unknown link is named");
    assert!(!html.contains("id=\"apply\""), "nothing to apply");
    let after = app.register.export(acme.id).await.unwrap();
    assert_eq!(
        serde_json::to_string(&before).unwrap(),
        serde_json::to_string(&after).unwrap(),
        "the register is exactly as it was"
    );
    let refused = imports_by(&app, "user:admin@acme.example").await;
    assert_eq!(refused.len(), 1);
    assert_eq!(refused[0].outcome, "failure");

    let (status, html) = upload(&app, &admin, multipart(Some(&csrf_of(&admin)), false, &[])).await;
    assert_eq!(status, 400);
    assert!(html.contains("Choose at least one file"));
}

#[tokio::test]
async fn another_sessions_upload_cannot_be_applied() {
    let app = TestApp::new(HttpConfig::default()).await;
    let first = session(&app, "admin@acme.example", "draxis-demo-admin").await;
    let second = session(&app, "admin@acme.example", "draxis-demo-admin").await;
    let slug = "held_for_first_session";
    let yaml = register_yaml(slug);
    let files: [(&str, &[u8]); 1] = [("register.yaml", yaml.as_bytes())];
    let (status, html) = upload(
        &app,
        &first,
        multipart(Some(&csrf_of(&first)), false, &files),
    )
    .await;
    assert_eq!(status, 200, "{html}");
    let id = apply_id(&html);

    let (status, html) = apply(&app, &second, &id).await;
    assert_eq!(status, 410, "the same admin, another session");
    assert!(html.contains("no longer held for you"));
    let (status, _) = apply(&app, &second, "not-an-id").await;
    assert_eq!(status, 410);
    assert!(!kri_slugs(&app).await.contains(&slug.to_string()));
    let refused = imports_by(&app, "user:admin@acme.example").await;
    assert_eq!(refused.iter().filter(|e| e.outcome == "failure").count(), 2);

    let (status, _) = apply(&app, &first, &id).await;
    assert_eq!(status, 200, "the upload stayed held for its own session");
    assert!(kri_slugs(&app).await.contains(&slug.to_string()));
}
