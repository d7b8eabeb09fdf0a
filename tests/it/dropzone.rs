//! The AI Drop Zone through the real HTTP application: submit, deduplicate, the error
//! sentences, scopes, run_integration moving KRIs, and concurrent identical submissions.

use draxis_auth::Scopes;
use serde_json::{Value, json};

use crate::{TestApp, json_body};
use draxis_transport::HttpConfig;

const WEEKLY: &str = "# Weekly vulnerability posture\n\n| Metric | Value |\n|---|---|\n| Critical CVEs unpatched > 30 days | 12 |\n| Known-exploited vulnerabilities open | 3 |\n| Patch compliance | 91.3% |\n";

pub(crate) async fn call(app: &TestApp, bearer: &str, name: &str, arguments: Value) -> Value {
    let body = json!({"jsonrpc": "2.0", "id": 7, "method": "tools/call", "params": {"name": name, "arguments": arguments}});
    let response = app.post(Some(bearer), body, &[]).await;
    assert!(
        response.status().is_success(),
        "{name}: HTTP {}",
        response.status()
    );
    json_body(response).await["result"].clone()
}

pub(crate) async fn drop_zone_id(app: &TestApp, bearer: &str, name: &str) -> String {
    let page = call(app, bearer, "list_integrations", json!({})).await;
    page["structuredContent"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name"] == name)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string()
}

pub(crate) fn text(result: &Value) -> String {
    result["content"][0]["text"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[tokio::test]
async fn submit_then_run_moves_kris_and_repeats_change_nothing() {
    let app = TestApp::new(HttpConfig::default()).await;
    let (_, token) = app.token("acme", Scopes::READ_WRITE).await;
    let bearer = format!("Bearer {token}");
    let zone = drop_zone_id(&app, &bearer, "AI Drop Zone").await;

    let first = call(&app, &bearer, "submit_dropzone_artifact", json!({"integrationId": zone, "content": WEEKLY, "filename": "week47.md", "mimeType": "text/markdown"})).await;
    assert_eq!(first["isError"], false, "{}", text(&first));
    let s = &first["structuredContent"];
    assert_eq!(s["duplicate"], false);
    assert_eq!(s["sizeBytes"], WEEKLY.len());
    assert_eq!(s["extraction"]["counts"]["proposals"], 3);
    assert_eq!(s["extraction"]["counts"]["autoAccepted"], 3);
    for p in s["extraction"]["proposals"].as_array().unwrap() {
        assert!(WEEKLY.contains(p["evidence"]["excerpt"].as_str().unwrap()));
        assert_eq!(p["state"], "auto_accepted");
    }

    let run = call(
        &app,
        &bearer,
        "run_integration",
        json!({"integrationId": zone}),
    )
    .await;
    assert_eq!(run["isError"], false, "{}", text(&run));
    assert_eq!(run["structuredContent"]["rowsWritten"], 3);
    let kri = call(
        &app,
        &bearer,
        "get_kri",
        json!({"id": "patch_compliance_pct"}),
    )
    .await;
    let k = &kri["structuredContent"];
    assert_eq!(k["currentValue"], 91.3, "{k}");
    let latest = &k["history"][0];
    assert_eq!(latest["value"], 91.3);
    assert_eq!(latest["source"], "AI Drop Zone");
    assert_eq!(latest["artifactId"], s["artifactId"]);

    // The same session again: a duplicate, and a run that writes nothing.
    let again = call(
        &app,
        &bearer,
        "submit_dropzone_artifact",
        json!({"integrationId": zone, "content": WEEKLY}),
    )
    .await;
    assert_eq!(again["structuredContent"]["duplicate"], true);
    assert_eq!(again["structuredContent"]["artifactId"], s["artifactId"]);
    let rerun = call(
        &app,
        &bearer,
        "run_integration",
        json!({"integrationId": zone}),
    )
    .await;
    assert_eq!(rerun["structuredContent"]["rowsWritten"], 0);

    // Same bytes, another drop zone: a new artifact.
    let edr = drop_zone_id(&app, &bearer, "EDR drops").await;
    let other = call(
        &app,
        &bearer,
        "submit_dropzone_artifact",
        json!({"integrationId": edr, "content": WEEKLY}),
    )
    .await;
    assert_eq!(other["structuredContent"]["duplicate"], false);
    assert_ne!(other["structuredContent"]["artifactId"], s["artifactId"]);
}

#[tokio::test]
async fn bad_submissions_get_sentences_and_change_nothing() {
    let app = TestApp::new(HttpConfig::default()).await;
    let (_, token) = app.token("acme", Scopes::READ_WRITE).await;
    let bearer = format!("Bearer {token}");
    let zone = drop_zone_id(&app, &bearer, "AI Drop Zone").await;
    let connector = drop_zone_id(&app, &bearer, "Vulnerability scanner API").await;
    let cases = [
        (
            json!({"integrationId": "int_999", "content": WEEKLY}),
            "list_integrations",
        ),
        (
            json!({"integrationId": connector, "content": WEEKLY}),
            "not a drop zone",
        ),
        (json!({"integrationId": zone, "content": "  \n"}), "empty"),
        (
            json!({"integrationId": zone, "content": "PK\u{3}\u{4}\u{0}\u{0}\u{1}\u{2}"}),
            "not text",
        ),
        (
            json!({"integrationId": zone, "content": "x".repeat(10 * 1024 * 1024 + 1)}),
            "limit",
        ),
        (json!({"integrationId": zone}), "content"),
    ];
    for (args, needle) in cases {
        let result = call(&app, &bearer, "submit_dropzone_artifact", args).await;
        assert_eq!(result["isError"], true);
        assert!(
            text(&result).contains(needle),
            "{needle}: {}",
            text(&result)
        );
    }

    // A read-only token is told which scope it needs, and nothing is stored.
    let (_, read_only) = app.token("acme", Scopes::READ).await;
    let ro = format!("Bearer {read_only}");
    let refused = call(
        &app,
        &ro,
        "submit_dropzone_artifact",
        json!({"integrationId": zone, "content": WEEKLY}),
    )
    .await;
    assert_eq!(refused["isError"], true);
    assert!(text(&refused).contains("write scope"), "{}", text(&refused));
    let refused = call(&app, &ro, "run_integration", json!({"integrationId": zone})).await;
    assert_eq!(refused["isError"], true);
    let fresh = call(
        &app,
        &bearer,
        "submit_dropzone_artifact",
        json!({"integrationId": zone, "content": WEEKLY}),
    )
    .await;
    assert_eq!(
        fresh["structuredContent"]["duplicate"], false,
        "the refused call must not have stored anything"
    );
}

#[tokio::test]
async fn concurrent_identical_submissions_store_one_artifact() {
    let app = TestApp::new(HttpConfig::default()).await;
    let (_, token) = app.token("acme", Scopes::READ_WRITE).await;
    let bearer = format!("Bearer {token}");
    let zone = drop_zone_id(&app, &bearer, "AI Drop Zone").await;
    let content = format!("{WEEKLY}\nrun {}", std::process::id());
    let calls = (0..64).map(|_| {
        let (app, bearer, zone, content) = (&app, &bearer, &zone, &content);
        async move {
            call(
                app,
                bearer,
                "submit_dropzone_artifact",
                json!({"integrationId": zone, "content": content}),
            )
            .await
        }
    });
    let results = futures_join_all(calls).await;
    let ids: std::collections::BTreeSet<String> = results
        .iter()
        .map(|r| {
            r["structuredContent"]["artifactId"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(ids.len(), 1, "{ids:?}");
    let fresh = results
        .iter()
        .filter(|r| r["structuredContent"]["duplicate"] == false)
        .count();
    assert_eq!(fresh, 1);
}

/// Runs futures concurrently on the test's runtime.
async fn futures_join_all<F: Future<Output = Value>>(
    futures: impl Iterator<Item = F>,
) -> Vec<Value> {
    let mut set = Vec::new();
    for f in futures {
        set.push(f);
    }
    let mut pinned: Vec<std::pin::Pin<Box<F>>> = set.into_iter().map(Box::pin).collect();
    let mut out: Vec<Option<Value>> = vec![None; pinned.len()];
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (i, f) in pinned.iter_mut().enumerate() {
            if out[i].is_none() {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => out[i] = Some(v),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    out.into_iter().map(Option::unwrap).collect()
}
