//! The browser-facing edge in-process: OAuth metadata and challenges, the sign-in
//! redirect of the authorization endpoint, and the console's refusals (no session,
//! cross-site posts, forged CSRF tokens), without a browser.

use axum::body::Body;
use draxis_transport::HttpConfig;
use http::Request;
use serde_json::json;
use tower::ServiceExt;

use crate::{TestApp, json_body};

pub(crate) async fn send(app: &TestApp, request: Request<Body>) -> http::Response<Body> {
    app.app.clone().oneshot(request).await.unwrap()
}

pub(crate) fn get(path: &str) -> Request<Body> {
    Request::get(path)
        .header("host", "127.0.0.1:8080")
        .body(Body::empty())
        .unwrap()
}

pub(crate) fn header(response: &http::Response<Body>, name: &str) -> String {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

/// The sign-in page's nonce: its cookie (`name=value`) and value.
pub(crate) fn login_nonce(login_page: &http::Response<Body>) -> (String, String) {
    let cookie = header(login_page, "set-cookie")
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let value = cookie.split_once('=').unwrap().1.to_string();
    (cookie, value)
}

#[tokio::test]
async fn the_challenge_points_at_metadata_that_describes_the_server() {
    let app = TestApp::new(HttpConfig::default()).await;
    let refused = app.post(None, json!({}), &[]).await;
    assert_eq!(refused.status(), 401);
    assert!(
        header(&refused, "www-authenticate").contains(
            r#"resource_metadata="http://127.0.0.1:8080/.well-known/oauth-protected-resource/api/mcp""#
        ),
        "{}",
        header(&refused, "www-authenticate")
    );
    for path in [
        "/.well-known/oauth-protected-resource/api/mcp",
        "/.well-known/oauth-protected-resource",
    ] {
        let prm = json_body(send(&app, get(path)).await).await;
        assert_eq!(prm["resource"], "http://127.0.0.1:8080/api/mcp");
        assert_eq!(prm["authorization_servers"][0], "http://127.0.0.1:8080");
    }
    let asm = json_body(send(&app, get("/.well-known/oauth-authorization-server")).await).await;
    assert_eq!(asm["issuer"], "http://127.0.0.1:8080");
    assert_eq!(asm["code_challenge_methods_supported"], json!(["S256"]));
    assert_eq!(asm["authorization_response_iss_parameter_supported"], true);
    assert!(
        asm["scopes_supported"]
            .as_array()
            .unwrap()
            .contains(&json!("offline_access"))
    );
    // A PAT still gets 401s without guessing at OAuth: unknown drx_at_ tokens say so.
    let unknown = app
        .post(
            Some(&format!("Bearer drx_at_{}", "0".repeat(64))),
            json!({}),
            &[],
        )
        .await;
    assert_eq!(unknown.status(), 401);
    assert!(header(&unknown, "www-authenticate").contains("unknown OAuth access token"));
}

#[tokio::test]
async fn authorization_needs_a_registered_client_and_a_signed_in_person() {
    let app = TestApp::new(HttpConfig::default()).await;
    let registered = send(
        &app,
        Request::post("/oauth/register")
            .header("content-type", "application/json")
            .body(Body::from(
                json!({"client_name": "it", "redirect_uris": ["http://localhost:1/callback"]})
                    .to_string(),
            ))
            .unwrap(),
    )
    .await;
    assert_eq!(registered.status(), 201);
    let client_id = json_body(registered).await["client_id"]
        .as_str()
        .unwrap()
        .to_string();
    let bad = send(
        &app,
        Request::post("/oauth/register")
            .header("content-type", "application/json")
            .body(Body::from(
                json!({"redirect_uris": ["http://example.com/cb"]}).to_string(),
            ))
            .unwrap(),
    )
    .await;
    assert_eq!(bad.status(), 400);
    assert_eq!(json_body(bad).await["error"], "invalid_redirect_uri");

    let query = format!(
        "/oauth/authorize?response_type=code&client_id={client_id}&redirect_uri=http%3A%2F%2Flocalhost%3A4242%2Fcallback\
         &code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256&state=x\
         &resource=http%3A%2F%2F127.0.0.1%3A8080%2Fapi%2Fmcp"
    );
    let to_login = send(&app, get(&query)).await;
    assert_eq!(to_login.status(), 303);
    assert!(header(&to_login, "location").starts_with("/login?next=%2Foauth%2Fauthorize"));

    let plain = query.replace("S256", "plain");
    let refused = send(&app, get(&plain)).await;
    assert_eq!(refused.status(), 303);
    assert!(header(&refused, "location").contains("error=invalid_request"));

    let unknown = send(&app, get(&query.replace(&client_id, "drx_client_nope"))).await;
    assert_eq!(unknown.status(), 400);
    assert!(header(&unknown, "location").is_empty());
}

#[tokio::test]
async fn console_pages_and_forms_refuse_strangers() {
    let app = TestApp::new(HttpConfig::default()).await;
    let page = send(&app, get("/settings/tokens")).await;
    assert_eq!(page.status(), 303);
    assert_eq!(
        header(&page, "location"),
        "/login?next=%2Fsettings%2Ftokens"
    );

    let login = send(&app, get("/login")).await;
    assert_eq!(login.status(), 200);
    assert!(header(&login, "content-security-policy").contains("frame-ancestors 'none'"));
    let (nonce, value) = login_nonce(&login);
    let form = format!(
        "login_nonce={value}&next=%2F&email=admin%40acme.example&password=draxis-demo-admin"
    );
    let post = |origin: &'static str, cookie: String, body: String| {
        Request::post("/login")
            .header("host", "127.0.0.1:8080")
            .header("origin", origin)
            .header("cookie", cookie)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap()
    };
    let cross_site = send(
        &app,
        post("https://evil.example", nonce.clone(), form.clone()),
    )
    .await;
    assert_eq!(cross_site.status(), 403);
    let no_cookie = send(
        &app,
        post("http://127.0.0.1:8080", String::new(), form.clone()),
    )
    .await;
    assert_eq!(no_cookie.status(), 403);
    let signed_in = send(&app, post("http://127.0.0.1:8080", nonce, form)).await;
    assert_eq!(signed_in.status(), 303);
    let session = header(&signed_in, "set-cookie");
    assert!(
        session.starts_with("drx_session=drx_session_") && session.contains("HttpOnly"),
        "{session}"
    );
    let cookie = session.split(';').next().unwrap().to_string();
    let forged = send(
        &app,
        Request::post("/settings/band")
            .header("host", "127.0.0.1:8080")
            .header("cookie", cookie.clone())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(format!(
                "band=autonomous&csrf={}",
                "0".repeat(64)
            )))
            .unwrap(),
    )
    .await;
    assert_eq!(forged.status(), 403);
    let band = send(
        &app,
        Request::get("/settings/band")
            .header("host", "127.0.0.1:8080")
            .header("cookie", cookie)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(band.status(), 200);
    let html = String::from_utf8(
        axum::body::to_bytes(band.into_body(), 1 << 20)
            .await
            .unwrap()
            .to_vec(),
    )
    .unwrap();
    assert!(
        html.contains(r#"value="balanced" checked"#),
        "band unchanged"
    );
}
