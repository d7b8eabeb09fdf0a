//! The browser and OAuth edges: client registration, the authorization, token and
//! revocation endpoints and metadata with each parameter removed or hostile; sign-in and
//! the register's edit forms with hostile fields, paths and encodings.

use draxis_auth::server::csrf_token;
use serde_json::json;

use super::values::{hostile_strings, hostile_values};
use super::{Keys, Probe, h, request};

const ORIGIN: &str = "http://127.0.0.1:8080";

pub(crate) fn form(pairs: &[(String, String)]) -> String {
    serde_urlencoded::to_string(pairs).unwrap()
}

/// `base` with each field in turn removed, then replaced by each hostile string.
fn mutated_forms(base: &[(&str, String)]) -> Vec<(String, Vec<(String, String)>)> {
    let owned: Vec<(String, String)> = base
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    let mut forms = vec![("as is".to_string(), owned.clone())];
    for (i, (field, _)) in owned.iter().enumerate() {
        let mut without = owned.clone();
        without.remove(i);
        forms.push((format!("without {field}"), without));
        for (name, text) in hostile_strings() {
            let mut replaced = owned.clone();
            replaced[i].1 = text;
            forms.push((format!("{field} = {name}"), replaced));
        }
        let mut doubled = owned.clone();
        doubled.push((field.clone(), "second".into()));
        forms.push((format!("{field} twice"), doubled));
    }
    forms
}

/// Bodies that are not a well-formed form: broken escapes, raw bytes, other types.
fn raw_forms() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("empty", Vec::new()),
        ("broken escapes", b"a=%&b=%zz&c=%f".to_vec()),
        (
            "non-UTF-8 escapes",
            b"grant_type=%ff%fe&token=%c3%28".to_vec(),
        ),
        ("raw bytes", vec![0xff, 0x00, 0x80, b'=', 0xfe]),
        ("json", br#"{"grant_type":"authorization_code"}"#.to_vec()),
        ("no equals", b"justtext".to_vec()),
        ("many fields", "a=1&".repeat(20_000).into_bytes()),
        (
            "over the form limit",
            format!("token={}", "x".repeat(2 * 1024 * 1024)).into_bytes(),
        ),
    ]
}

fn oauth_post(label: String, path: &str, content_type: &str, body: impl Into<Vec<u8>>) -> Probe {
    let headers = h(&[("host", "127.0.0.1:8080"), ("content-type", content_type)]);
    Probe {
        label,
        request: request("POST", path, &headers, body.into()),
    }
}

/// A GET; a URI longer than HTTP carries (64 KiB) is cut there, as a proxy would.
fn page_get(label: String, uri: &str, cookie: Option<&str>) -> Probe {
    let uri = uri.get(..60_000).unwrap_or(uri);
    let mut headers = h(&[("host", "127.0.0.1:8080")]);
    if let Some(cookie) = cookie {
        headers.extend(h(&[("cookie", cookie)]));
    }
    Probe {
        label,
        request: request("GET", uri, &headers, ""),
    }
}

pub(crate) fn oauth_probes(keys: &Keys) -> Vec<Probe> {
    let mut probes = Vec::new();
    let registration = json!({"client_name": "corpus", "redirect_uris": ["http://localhost:1/cb"],
        "grant_types": ["authorization_code", "refresh_token"], "response_types": ["code"],
        "token_endpoint_auth_method": "none", "scope": "draxis.read"});
    for field in registration.as_object().unwrap().keys() {
        for (name, value) in hostile_values() {
            let mut body = registration.clone();
            body[field] = value;
            probes.push(oauth_post(
                format!("register: {field} = {name}"),
                "/oauth/register",
                "application/json",
                body.to_string(),
            ));
        }
    }
    for uri in [
        "javascript:alert(1)",
        "http://evil.example/cb",
        "https://a b/cb",
        "https://x\tz/cb",
        "http://[::1]/cb",
        "http://localhost:99999999999/cb",
        "https://ü.example/cb",
        "https://x.example/cb#frag",
        "",
        "http://localhost:1/cb\r\nX-Forged: 1",
        "data:text/html,x",
        "https://x.example/;frame-ancestors *",
        "https://x\\y.example/",
        "//evil.example/cb",
        "http://user:pw@localhost/cb",
        "https://%00.example/",
    ] {
        let mut body = registration.clone();
        body["redirect_uris"] = json!([uri]);
        probes.push(oauth_post(
            format!("register: redirect uri {uri:?}"),
            "/oauth/register",
            "application/json",
            body.to_string(),
        ));
    }
    for (name, body) in raw_forms() {
        probes.push(oauth_post(
            format!("register: raw {name}"),
            "/oauth/register",
            "application/json",
            body,
        ));
    }
    let authorize = [
        ("response_type", "code".to_string()),
        ("client_id", keys.client_id.clone()),
        ("redirect_uri", "http://localhost:1/cb".into()),
        (
            "code_challenge",
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM".into(),
        ),
        ("code_challenge_method", "S256".into()),
        ("state", "s".into()),
        ("scope", "draxis.read".into()),
        ("resource", "http://127.0.0.1:8080/api/mcp".into()),
    ];
    for (label, fields) in mutated_forms(&authorize) {
        let uri = format!("/oauth/authorize?{}", form(&fields));
        probes.push(page_get(format!("authorize: {label}"), &uri, None));
        probes.push(page_get(
            format!("authorize signed in: {label}"),
            &uri,
            Some(&keys.session),
        ));
    }
    for query in [
        "%ff",
        "%",
        "client_id=%00",
        "a=1&a=2&a=3",
        "=&=&",
        "response_type",
    ] {
        probes.push(page_get(
            format!("authorize: raw query {query}"),
            &format!("/oauth/authorize?{query}"),
            Some(&keys.session),
        ));
    }
    let token = [
        ("grant_type", "authorization_code".to_string()),
        ("code", "abc".into()),
        ("redirect_uri", "http://localhost:1/cb".into()),
        ("client_id", keys.client_id.clone()),
        ("code_verifier", "v".repeat(43)),
        ("refresh_token", "drx_rt_x".into()),
    ];
    for (label, fields) in mutated_forms(&token) {
        probes.push(oauth_post(
            format!("token: {label}"),
            "/oauth/token",
            "application/x-www-form-urlencoded",
            form(&fields),
        ));
    }
    for (path, field) in [("/oauth/token", "grant_type"), ("/oauth/revoke", "token")] {
        for (name, body) in raw_forms() {
            probes.push(oauth_post(
                format!("{path}: raw {name}"),
                path,
                "application/x-www-form-urlencoded",
                body,
            ));
        }
        for content_type in ["", "application/json", "text/plain", "multipart/form-data"] {
            probes.push(oauth_post(
                format!("{path}: content type {content_type:?}"),
                path,
                content_type,
                format!("{field}=x"),
            ));
        }
    }
    let revoke = [
        ("token", "drx_rt_x".to_string()),
        ("token_type_hint", "refresh_token".into()),
        ("client_id", keys.client_id.clone()),
    ];
    for (label, fields) in mutated_forms(&revoke) {
        probes.push(oauth_post(
            format!("revoke: {label}"),
            "/oauth/revoke",
            "application/x-www-form-urlencoded",
            form(&fields),
        ));
    }
    for path in [
        "/.well-known/oauth-authorization-server",
        "/.well-known/oauth-protected-resource",
        "/.well-known/oauth-protected-resource/api/mcp",
    ] {
        probes.push(page_get(
            format!("metadata {path} with a hostile query"),
            &format!("{path}?%ff=%00&x"),
            None,
        ));
        probes.push(oauth_post(
            format!("metadata {path} posted"),
            path,
            "application/json",
            "{}",
        ));
    }
    probes
}

/// A signed-in console post with a valid CSRF token.
pub(crate) fn console_post(
    keys: &Keys,
    label: String,
    path: &str,
    content_type: &str,
    body: Vec<u8>,
) -> Probe {
    let headers = h(&[
        ("host", "127.0.0.1:8080"),
        ("origin", ORIGIN),
        ("cookie", &keys.session),
        ("content-type", content_type),
    ]);
    Probe {
        label,
        request: request("POST", path, &headers, body),
    }
}

fn csrf(keys: &Keys) -> String {
    csrf_token(keys.session.split_once('=').unwrap().1)
}

pub(crate) fn console_probes(keys: &Keys) -> Vec<Probe> {
    let mut probes = Vec::new();
    let sign_in = [
        ("login_nonce", "n".to_string()),
        ("next", "/".into()),
        ("email", "admin@acme.example".into()),
        ("password", "wrong".into()),
    ];
    for (label, fields) in mutated_forms(&sign_in) {
        let headers = h(&[
            ("host", "127.0.0.1:8080"),
            ("origin", ORIGIN),
            ("cookie", "draxis_login=n"),
            ("content-type", "application/x-www-form-urlencoded"),
        ]);
        probes.push(Probe {
            label: format!("sign-in: {label}"),
            request: request("POST", "/login", &headers, form(&fields)),
        });
    }
    for (name, text) in hostile_strings().into_iter().take(11) {
        let next = form(&[("next".to_string(), text)]);
        probes.push(page_get(
            format!("sign-in page: next = {name}"),
            &format!("/login?{next}"),
            None,
        ));
    }
    let kri = format!("/register/kris/{}", keys.kri_slug);
    let edits: Vec<(String, Vec<(&str, String)>)> = vec![
        (
            kri.clone(),
            vec![
                ("warn", "10".into()),
                ("critical", "20".into()),
                ("owner", "ciso".into()),
                ("aliases", "a\nb".into()),
            ],
        ),
        (
            format!("{kri}/observations"),
            vec![
                ("value", "5".into()),
                ("observed_at", "2024-01-01T00:00".into()),
                ("note", "n".into()),
            ],
        ),
        (
            format!("/register/risks/{}", keys.risk_ref),
            vec![
                ("status", "open".into()),
                ("inherent_likelihood", "3".into()),
                ("inherent_impact", "3".into()),
                ("event_frequency", "0.5".into()),
                ("loss_low", "1".into()),
                ("loss_high", "2".into()),
            ],
        ),
        (
            format!("/register/controls/{}", keys.control_ref),
            vec![
                ("status", "planned".into()),
                ("effectiveness", "0.5".into()),
            ],
        ),
    ];
    let csrf = csrf(keys);
    for (path, fields) in edits {
        let mut base = vec![("csrf", csrf.clone())];
        base.extend(fields);
        for (label, fields) in mutated_forms(&base) {
            probes.push(console_post(
                keys,
                format!("console {path}: {label}"),
                &path,
                "application/x-www-form-urlencoded",
                form(&fields).into_bytes(),
            ));
        }
        for number in [
            "NaN", "inf", "-inf", "1e999", "-0", "0x10", "1_000", "١٢", "1,5",
        ] {
            let mut fields: Vec<(String, String)> = base
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect();
            for field in fields.iter_mut().skip(1) {
                field.1 = number.to_string();
            }
            probes.push(console_post(
                keys,
                format!("console {path}: every field {number}"),
                &path,
                "application/x-www-form-urlencoded",
                form(&fields).into_bytes(),
            ));
        }
        for (name, body) in raw_forms() {
            probes.push(console_post(
                keys,
                format!("console {path}: raw {name}"),
                &path,
                "application/x-www-form-urlencoded",
                body,
            ));
        }
    }
    for key in [
        "%00",
        "%ff",
        "..%2f..%2fetc",
        "x%0d%0aSet-Cookie:%20a=b",
        "%e2%80%ae",
    ] {
        for tab in ["kris", "risks", "controls"] {
            let path = format!("/register/{tab}/{key}");
            probes.push(page_get(
                format!("console GET {path}"),
                &path,
                Some(&keys.session),
            ));
            probes.push(console_post(
                keys,
                format!("console POST {path}"),
                &path,
                "application/x-www-form-urlencoded",
                form(&[("csrf".into(), csrf.clone())]).into_bytes(),
            ));
        }
    }
    for tab in ["kris", "risks", "controls", "outcomes", "vendors", "assets"] {
        for query in [
            "cursor=%ff%fe",
            "cursor=!!!",
            "status=%00&q=%e2%80%ae",
            "limit=-1",
            "limit=99999999999999999999",
            "page=1&page=2",
        ] {
            probes.push(page_get(
                format!("console {tab}?{query}"),
                &format!("/register/{tab}?{query}"),
                Some(&keys.session),
            ));
        }
    }
    probes.extend(super::files::upload_probes(keys, &csrf));
    probes
}
