//! Every read tool's answer stays small enough for a model (Claude Code warns above about
//! 40,000 characters of `structuredContent`), at any limit, and a page cut short says so
//! and still leads to every row.

use draxis_auth::Scopes;
use draxis_transport::HttpConfig;
use serde_json::{Value, json};

use crate::{TestApp, json_body};

const MODEL_LIMIT: usize = 40_000;

async fn call(app: &TestApp, bearer: &str, name: &str, arguments: Value) -> Value {
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
        "params": {"name": name, "arguments": arguments}});
    let answer = json_body(app.post(Some(bearer), body, &[]).await).await;
    assert_eq!(answer["result"]["isError"], false, "{name}: {answer}");
    answer["result"]["structuredContent"].clone()
}

fn size(value: &Value) -> usize {
    serde_json::to_string(value).unwrap().chars().count()
}

#[tokio::test]
async fn no_answer_passes_the_model_limit_at_any_limit() {
    let app = TestApp::new(HttpConfig::default()).await;
    let (_, token) = app.token("acme", Scopes::READ).await;
    let bearer = format!("Bearer {token}");
    let largest = [
        ("list_kris", json!({"limit": 200})),
        (
            "get_kri",
            json!({"id": "patch_compliance_pct", "historyLimit": 365}),
        ),
        ("list_controls", json!({"limit": 200})),
        ("list_risks", json!({"limit": 200})),
        ("list_outcomes", json!({"limit": 200})),
        ("list_vendors", json!({"limit": 200})),
        ("get_asset_inventory", json!({"limit": 200})),
        ("list_simulations", json!({"limit": 200})),
        (
            "list_simulations",
            json!({"limit": 200, "includeCurve": true}),
        ),
        ("list_integrations", json!({"limit": 200})),
    ];
    for (name, arguments) in largest {
        let answer = call(&app, &bearer, name, arguments.clone()).await;
        eprintln!("{name} {arguments}: {} characters", size(&answer));
        assert!(
            size(&answer) < MODEL_LIMIT,
            "{name} {arguments}: {} characters",
            size(&answer)
        );
    }
    let simulations = call(&app, &bearer, "list_simulations", json!({})).await;
    eprintln!("list_simulations {{}}: {} characters", size(&simulations));
    assert!(size(&simulations) < 15_000, "{}", size(&simulations));
    assert!(simulations["items"][0]["results"]["exceedanceCurve"].is_null());
    let one = call(
        &app,
        &bearer,
        "list_simulations",
        json!({"risk": "R-001", "limit": 1, "includeCurve": true}),
    )
    .await;
    assert!(
        one["items"][0]["results"]["exceedanceCurve"]
            .as_array()
            .unwrap()
            .len()
            > 10
    );
}

#[tokio::test]
async fn a_page_cut_short_says_so_and_the_cursor_walks_every_row() {
    let app = TestApp::new(HttpConfig::default()).await;
    let (_, token) = app.token("acme", Scopes::READ).await;
    let bearer = format!("Bearer {token}");
    let first = call(&app, &bearer, "get_asset_inventory", json!({"limit": 200})).await;
    let total = first["total"].as_u64().unwrap() as usize;
    let kept = first["items"].as_array().unwrap().len();
    assert!(kept < 200 && kept > 50, "kept {kept}");
    assert!(
        first["note"].as_str().unwrap().contains("nextCursor"),
        "{}",
        first["note"]
    );
    let mut seen: Vec<String> = Vec::new();
    let mut page = first;
    loop {
        seen.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a["id"].as_str().unwrap().to_owned()),
        );
        let Some(cursor) = page["nextCursor"].as_str().map(str::to_owned) else {
            break;
        };
        page = call(
            &app,
            &bearer,
            "get_asset_inventory",
            json!({"limit": 200, "cursor": cursor}),
        )
        .await;
    }
    let count = seen.len();
    seen.sort();
    seen.dedup();
    assert_eq!((count, seen.len()), (total, total), "every asset once");

    let kri = call(
        &app,
        &bearer,
        "get_kri",
        json!({"id": "patch_compliance_pct", "historyLimit": 365}),
    )
    .await;
    let history = kri["history"].as_array().unwrap().len();
    if kri["note"].is_string() {
        assert!(history < 365);
    }
}
