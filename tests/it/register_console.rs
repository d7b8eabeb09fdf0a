//! The console's Register section through the real HTTP app: every role reads the tabs
//! (paged and filtered by the list tools' rules), an analyst changes a KRI's thresholds
//! and its colour follows, records a value with a note, edits a risk; bad values re-render
//! the form with the reason; a viewer sees no edit forms and a viewer's post, even with a
//! valid CSRF token, is refused and recorded as a failure.

use axum::body::Body;
use draxis_auth::server::csrf_token;
use draxis_auth::{AuditLog, AuditQuery};
use draxis_domain::repository::RiskRepository;
use draxis_transport::HttpConfig;
use http::Request;

use crate::TestApp;
use crate::web::{header, send};

const ORIGIN: &str = "http://127.0.0.1:8080";

pub(crate) async fn text(response: http::Response<Body>) -> String {
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 22)
        .await
        .unwrap();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Signs in through the form; answers the session cookie.
pub(crate) async fn session(app: &TestApp, email: &str, password: &str) -> String {
    let login = send(app, crate::web::get("/login")).await;
    let (nonce_cookie, nonce) = crate::web::login_nonce(&login);
    let body = serde_urlencoded::to_string([
        ("login_nonce", nonce.as_str()),
        ("next", "/"),
        ("email", email),
        ("password", password),
    ])
    .unwrap();
    let request = Request::post("/login")
        .header("host", "127.0.0.1:8080")
        .header("origin", ORIGIN)
        .header("cookie", nonce_cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap();
    let response = send(app, request).await;
    assert_eq!(response.status(), 303, "{email} signs in");
    header(&response, "set-cookie")
        .split(';')
        .next()
        .unwrap()
        .to_string()
}

pub(crate) async fn page(app: &TestApp, cookie: &str, path: &str) -> (u16, String) {
    let request = Request::get(path)
        .header("host", "127.0.0.1:8080")
        .header("cookie", cookie)
        .body(Body::empty())
        .unwrap();
    let response = send(app, request).await;
    (response.status().as_u16(), text(response).await)
}

async fn post(app: &TestApp, cookie: &str, path: &str, fields: &[(&str, &str)]) -> (u16, String) {
    let csrf = csrf_token(cookie.split_once('=').unwrap().1);
    let mut all = vec![("csrf", csrf.as_str())];
    all.extend_from_slice(fields);
    let request = Request::post(path)
        .header("host", "127.0.0.1:8080")
        .header("origin", ORIGIN)
        .header("cookie", cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(serde_urlencoded::to_string(&all).unwrap()))
        .unwrap();
    let response = send(app, request).await;
    (response.status().as_u16(), text(response).await)
}

/// The status cell of the KRI page.
fn kri_status(html: &str) -> &str {
    let at = html.find("id=\"kri-status\">").unwrap() + "id=\"kri-status\">".len();
    let rest = &html[at..];
    &rest[..rest.find('<').unwrap()]
}

#[tokio::test]
async fn every_role_reads_the_register_and_analysts_change_it() {
    let app = TestApp::new(HttpConfig::default()).await;
    let viewer = session(&app, "viewer@acme.example", "draxis-demo-viewer").await;
    let analyst = session(&app, "analyst@acme.example", "draxis-demo-analyst").await;

    for tab in ["kris", "risks", "controls", "outcomes", "vendors", "assets"] {
        let (status, html) = page(&app, &viewer, &format!("/register/{tab}")).await;
        assert_eq!(status, 200, "{tab}");
        assert!(
            html.contains(&format!("id=\"register-{tab}\"")),
            "{tab} has rows"
        );
    }
    let (_, red) = page(&app, &viewer, "/register/kris?status=red").await;
    assert!(red.contains("status-red") && !red.contains("status-green"));
    let (_, all) = page(&app, &viewer, "/register/kris").await;
    assert!(all.contains("rel=\"next\""), "more than one page of KRIs");
    let (status, html) = page(&app, &viewer, "/register/kris?status=purple").await;
    assert_eq!(status, 400);
    assert!(html.contains("These filters cannot be used"));
    let (_, risks) = page(&app, &viewer, "/register/risks?text=ransomware").await;
    assert!(risks.to_lowercase().contains("ransomware"));

    // A KRI with a value: green, then red by its thresholds alone.
    let kri = app
        .store
        .kris(app.store.require_tenant("acme").await.unwrap().id)
        .await
        .unwrap()
        .iter()
        .find(|k| {
            k.direction == draxis_protocol::types::Direction::HigherIsWorse
                && k.status(chrono::Utc::now()) != draxis_protocol::types::KriStatus::Unknown
        })
        .unwrap()
        .clone();
    let value = kri.current_value.unwrap();
    let path = format!("/register/kris/{}", kri.slug);
    let (_, viewer_page) = page(&app, &viewer, &path).await;
    assert!(!viewer_page.contains("Save KRI") && !viewer_page.contains("Record value"));
    let (status, _) = post(&app, &viewer, &path, &[("warn", "1"), ("critical", "2")]).await;
    assert_eq!(
        status, 403,
        "a viewer's post is refused even with a valid token"
    );
    let refused = app
        .store
        .audit_trail(&AuditQuery {
            action: Some("register.kri_edit".into()),
            limit: 10,
            ..AuditQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(refused.len(), 1);
    assert_eq!(refused[0].outcome, "failure");
    assert_eq!(refused[0].actor, "user:viewer@acme.example");

    let (warn, critical) = (format!("{}", value + 1.0), format!("{}", value + 2.0));
    let (status, html) = post(
        &app,
        &analyst,
        &path,
        &[
            ("warn", &warn),
            ("critical", &critical),
            ("owner", "Ops"),
            ("aliases", "first\nsecond"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{html}");
    assert_eq!(kri_status(&html), "green");
    let (warn, critical) = (format!("{}", value - 2.0), format!("{}", value - 1.0));
    let (_, html) = post(
        &app,
        &analyst,
        &path,
        &[
            ("warn", &warn),
            ("critical", &critical),
            ("owner", "Ops"),
            ("aliases", "first\nsecond"),
        ],
    )
    .await;
    assert_eq!(kri_status(&html), "red");
    let (_, list) = page(&app, &viewer, &format!("/register/kris?text={}", kri.slug)).await;
    assert!(
        list.contains("status status-red"),
        "the list shows the new colour at once"
    );

    // Wrong order: refused with the reason, the typed values kept.
    let (status, html) = post(
        &app,
        &analyst,
        &path,
        &[
            ("warn", "50"),
            ("critical", "10"),
            ("owner", "Ops"),
            ("aliases", ""),
        ],
    )
    .await;
    assert_eq!(status, 400);
    assert!(html.contains("must be above warn"), "{html}");
    assert!(html.contains("value=\"50\""));
    let (status, html) = post(
        &app,
        &analyst,
        &path,
        &[("warn", "lots"), ("critical", "10")],
    )
    .await;
    assert_eq!(status, 400);
    assert!(html.contains("“lots” is not a number"));

    // A value by hand, with a note.
    let (status, html) = post(
        &app,
        &analyst,
        &format!("{path}/observations"),
        &[
            ("value", "12.5"),
            ("observed_at", ""),
            ("note", "from the <b>board</b> pack"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{html}");
    assert!(
        html.contains("from the &#60;b&#62;board&#60;/b&#62; pack")
            || html.contains("from the &lt;b&gt;board&lt;/b&gt; pack")
    );
    assert!(html.contains("manual"));
    let (status, _) = post(
        &app,
        &analyst,
        &format!("{path}/observations"),
        &[("value", "1"), ("observed_at", "2999-01-01T00:00")],
    )
    .await;
    assert_eq!(status, 400);

    // A risk: status and FAIR interval.
    let (_, risk_page) = page(&app, &analyst, "/register/risks/R-001").await;
    assert!(risk_page.contains("name=\"loss_high\""));
    let fields = [
        ("status", "mitigating"),
        ("inherent_likelihood", "5"),
        ("inherent_impact", "5"),
        ("current_likelihood", "2"),
        ("current_impact", "3"),
        ("residual_likelihood", "1"),
        ("residual_impact", "2"),
        ("event_frequency", "0.8"),
        ("loss_low", "20000"),
        ("loss_high", "10000"),
    ];
    let (status, html) = post(&app, &analyst, "/register/risks/R-001", &fields).await;
    assert_eq!(status, 400);
    assert!(
        html.contains("0 &lt; low &lt; high") || html.contains("0 &#60; low &#60; high"),
        "{html}"
    );
    let mut fixed = fields.to_vec();
    fixed[9] = ("loss_high", "900000");
    let (status, html) = post(&app, &analyst, "/register/risks/R-001", &fixed).await;
    assert_eq!(status, 200);
    assert!(html.contains("Saved R-001"), "{html}");
    let (_, listed) = page(&app, &viewer, "/register/risks?status=mitigating").await;
    assert!(listed.contains("R-001"));
    let edits = app
        .store
        .audit_trail(&AuditQuery {
            action: Some("register.".into()),
            actor: Some("analyst@acme.example".into()),
            limit: 10,
            ..AuditQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(edits.len(), 4, "two KRI edits, one value, one risk edit");
    assert!(edits.iter().all(|e| e.outcome == "success"));
}
