//! What the read benchmark asks: every read tool with typical arguments (defaults,
//! filters, sorts, large limits) and deep pages reached through `nextCursor`.

use serde_json::{Value, json};

use super::client::Client;

/// One call repeated during the measurement.
pub(super) struct Case {
    pub tool: &'static str,
    pub label: String,
    pub args: Value,
}

/// The cases, with ids and cursors taken from the tenant's own answers.
pub(super) async fn resolve(client: &mut Client) -> anyhow::Result<Vec<Case>> {
    let kris = client
        .call("list_kris", &json!({"sort": "name", "limit": 5}))
        .await?;
    let slug = kris.structured["items"][0]["slug"]
        .as_str()
        .unwrap_or("edr_coverage_pct_emea")
        .to_string();
    let mut cases = vec![
        Case::new("list_kris", json!({})),
        Case::new("list_kris", json!({"status": "red"})),
        Case::new("list_kris", json!({"sort": "freshness", "limit": 100})),
        Case::new("list_kris", json!({"text": "mfa"})),
        Case::new("list_kris", json!({"risk": "R-0001"})),
        Case::new("list_kris", json!({"limit": 200})),
        Case::new("get_kri", json!({"id": slug})),
        Case::new(
            "get_kri",
            json!({"id": "edr_coverage_pct_emea", "historyLimit": 365}),
        ),
        Case::new(
            "get_kri",
            json!({"id": "mfa_coverage_pct_emea", "historyLimit": 90}),
        ),
        Case::new("list_risks", json!({})),
        Case::new("list_risks", json!({"sort": "simulatedLoss"})),
        Case::new("list_risks", json!({"outcome": "O-01", "limit": 200})),
        Case::new("list_risks", json!({"minScore": 15})),
        Case::new("list_risks", json!({"status": "open", "sort": "residual"})),
        Case::new("list_risks", json!({"limit": 200})),
        Case::new("list_controls", json!({})),
        Case::new("list_controls", json!({"sort": "coverage", "limit": 200})),
        Case::new("list_controls", json!({"status": "degraded"})),
        Case::new("list_controls", json!({"framework": "PR.AA"})),
        Case::new(
            "list_controls",
            json!({"technique": "T1078", "maxEffectiveness": 0.6}),
        ),
        Case::new("list_outcomes", json!({})),
        Case::new("list_outcomes", json!({"status": "red"})),
        Case::new("list_vendors", json!({})),
        Case::new(
            "list_vendors",
            json!({"sort": "assessmentDue", "limit": 200}),
        ),
        Case::new("list_vendors", json!({"criticality": "critical"})),
        Case::new(
            "list_vendors",
            json!({"tier": 1, "assessmentDueWithinDays": 30}),
        ),
        Case::new("list_integrations", json!({})),
        Case::new("list_integrations", json!({"isDropZone": true})),
        Case::new("list_simulations", json!({})),
        Case::new("list_simulations", json!({"risk": "R-0001"})),
        Case::new("list_simulations", json!({"outcome": "O-02"})),
        Case::new("list_simulations", json!({"status": "failed"})),
        Case::new("list_simulations", json!({"limit": 200})),
        Case::new("get_asset_inventory", json!({})),
        Case::new("get_asset_inventory", json!({"limit": 200})),
        Case::new(
            "get_asset_inventory",
            json!({"kind": "server", "missing": "edr"}),
        ),
        Case::new(
            "get_asset_inventory",
            json!({"environment": "production", "criticality": "critical"}),
        ),
        Case::new("get_asset_inventory", json!({"text": "euw1"})),
        Case::new(
            "get_asset_inventory",
            json!({"owner": "cloud", "internetFacing": true}),
        ),
    ];
    cases.push(deep(client, "list_kris", json!({"limit": 25}), 5).await?);
    cases.push(deep(client, "list_risks", json!({"limit": 50}), 5).await?);
    cases.push(
        deep(
            client,
            "list_controls",
            json!({"sort": "ref", "limit": 100}),
            10,
        )
        .await?,
    );
    cases.push(
        deep(
            client,
            "list_vendors",
            json!({"sort": "name", "limit": 100}),
            20,
        )
        .await?,
    );
    cases.push(deep(client, "list_simulations", json!({"limit": 50}), 10).await?);
    cases.push(deep(client, "get_asset_inventory", json!({"limit": 200}), 100).await?);
    cases.push(
        deep(
            client,
            "get_asset_inventory",
            json!({"kind": "endpoint", "limit": 100}),
            50,
        )
        .await?,
    );
    Ok(cases)
}

/// A case's label: the tool's arguments, shortened.
fn label(args: &Value) -> String {
    let mut text = args.to_string();
    if text.chars().count() > 60 {
        text = text.chars().take(57).collect::<String>() + "...";
    }
    text
}

impl Case {
    fn new(tool: &'static str, args: Value) -> Self {
        Self {
            tool,
            label: label(&args),
            args,
        }
    }
}

/// Follows `nextCursor` from `args` for `pages` pages; the case is the last page.
async fn deep(
    client: &mut Client,
    tool: &'static str,
    args: Value,
    pages: usize,
) -> anyhow::Result<Case> {
    let mut current = args.clone();
    for _ in 1..pages {
        let answer = client.call(tool, &current).await?;
        let Some(cursor) = answer.structured["nextCursor"].as_str() else {
            break;
        };
        current["cursor"] = Value::String(cursor.to_string());
    }
    let mut case = Case::new(tool, current);
    case.label = format!("{} page {pages}", label(&args));
    Ok(case)
}

#[cfg(test)]
mod tests {
    use super::label;

    #[test]
    fn labels_are_short_and_cut_on_characters() {
        let long = serde_json::json!({"text": "é".repeat(100)});
        assert_eq!(label(&long).chars().count(), 60);
        assert_eq!(label(&serde_json::json!({})), "{}");
    }
}
