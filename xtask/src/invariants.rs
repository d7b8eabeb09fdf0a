//! The layering rules of docs/architecture.md, checked against `cargo metadata`: what
//! each of our crates may never depend on, directly or through another crate; which of
//! our crates the outbound crate may name; and who may depend on the composition root.

use std::collections::{BTreeSet, HashMap};
use std::process::Command;

use anyhow::Context;
use serde_json::Value;

/// (our crate, crates that must not appear in its dependency closure, why)
const FORBIDDEN: &[(&str, &[&str], &str)] = &[
    (
        "draxis-protocol",
        &[
            "tokio",
            "sqlx",
            "rmcp",
            "axum",
            "hyper",
            "draxis-domain",
            "draxis-auth",
        ],
        "the contract is pure data",
    ),
    (
        "draxis-register",
        &[
            "tokio",
            "sqlx",
            "rmcp",
            "axum",
            "hyper",
            "draxis-auth",
            "draxis-domain",
            "draxis-simulation",
            "draxis-dropzone",
            "draxis-store",
            "draxis-transport",
            "draxis-outbound",
            "draxis-app",
        ],
        "a register file is data: its formats and rules know no storage, HTTP or MCP (of ours it uses only protocol)",
    ),
    (
        "draxis-auth",
        &["tokio", "sqlx", "rmcp", "axum", "hyper"],
        "auth logic does no IO of its own",
    ),
    (
        "draxis-domain",
        &[
            "tokio",
            "sqlx",
            "rmcp",
            "axum",
            "hyper",
            "draxis-store",
            "draxis-transport",
        ],
        "the domain does no IO",
    ),
    (
        "draxis-transport",
        &["sqlx", "draxis-store"],
        "the HTTP edge never names the database",
    ),
    (
        "draxis-transport",
        &["rustls", "tokio-rustls", "webpki-roots"],
        "outbound requests (client metadata documents) are draxis-outbound's",
    ),
    (
        "draxis-dropzone",
        &["sqlx", "draxis-store", "rmcp", "axum", "draxis-transport"],
        "the Drop Zone reaches storage only through its trait, and knows no MCP",
    ),
    (
        "draxis-dropzone",
        &[
            "hyper",
            "hyper-util",
            "rustls",
            "tokio-rustls",
            "webpki-roots",
        ],
        "connectors reach the network only through HttpFetch, implemented in draxis-outbound",
    ),
    // Store implements the Drop Zone's storage contract (`draxis_dropzone::records`), so
    // it depends on draxis-dropzone, which carries no HTTP client.
    (
        "draxis-store",
        &["rmcp", "axum", "hyper", "draxis-transport"],
        "storage knows nothing of HTTP or MCP",
    ),
    (
        "draxis-simulation",
        &[
            "tokio",
            "sqlx",
            "rmcp",
            "axum",
            "hyper",
            "draxis-protocol",
            "draxis-auth",
            "draxis-domain",
            "draxis-store",
        ],
        "the loss engine is pure compute and depends on nothing of ours",
    ),
];

/// (our crate, crates it must not list as dependencies of any kind, why): for crates
/// whose closure holds these anyway (axum serves with hyper and hyper-util), so only the
/// crate's own manifest can say that its code never names them.
const FORBIDDEN_DIRECT: &[(&str, &[&str], &str)] = &[(
    "draxis-transport",
    &[
        "hyper",
        "hyper-util",
        "rustls",
        "tokio-rustls",
        "webpki-roots",
    ],
    "the HTTP edge serves; hyper's client is draxis-outbound's",
)];

/// The only crates of ours that draxis-outbound may depend on: those whose traits it
/// implements.
const OUTBOUND_MAY_NAME: &[&str] = &["draxis-auth", "draxis-dropzone"];

/// Names of every package reachable from `root` through normal (non-dev) dependencies.
fn closure(
    resolve: &HashMap<String, Vec<String>>,
    names: &HashMap<String, String>,
    root: &str,
) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut stack = vec![root.to_string()];
    let mut visited = BTreeSet::new();
    while let Some(id) = stack.pop() {
        if !visited.insert(id.clone()) {
            continue;
        }
        if let Some(name) = names.get(&id) {
            seen.insert(name.clone());
        }
        stack.extend(resolve.get(&id).cloned().unwrap_or_default());
    }
    seen
}

pub fn violations() -> anyhow::Result<Vec<String>> {
    let metadata = |offline: bool| {
        let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
        command.args(["metadata", "--format-version", "1"]);
        if offline {
            command.arg("--offline");
        }
        command.output().context("cannot run cargo metadata")
    };
    // Offline is quick; it fails when some platform's crates were never downloaded.
    let mut output = metadata(true)?;
    if !output.status.success() {
        output = metadata(false)?;
    }
    if !output.status.success() {
        anyhow::bail!(
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let metadata: Value =
        serde_json::from_slice(&output.stdout).context("cargo metadata output")?;
    let names: HashMap<String, String> = metadata["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| {
            Some((
                p["id"].as_str()?.to_string(),
                p["name"].as_str()?.to_string(),
            ))
        })
        .collect();
    let mut resolve: HashMap<String, Vec<String>> = HashMap::new();
    let mut direct: HashMap<String, Vec<String>> = HashMap::new();
    for node in metadata["resolve"]["nodes"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let id = node["id"].as_str().unwrap_or_default().to_string();
        let deps: Vec<&Value> = node["deps"].as_array().into_iter().flatten().collect();
        let normal = deps
            .iter()
            .filter(|d| {
                d["dep_kinds"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|k| k["kind"].is_null())
            })
            .filter_map(|d| d["pkg"].as_str().map(str::to_string))
            .collect();
        let any_kind = deps
            .iter()
            .filter_map(|d| names.get(d["pkg"].as_str()?).cloned())
            .collect();
        resolve.insert(id.clone(), normal);
        direct.insert(id, any_kind);
    }
    let id_of = |krate: &str| {
        names
            .iter()
            .find(|(_, n)| *n == krate)
            .map(|(id, _)| id.clone())
            .with_context(|| format!("crate {krate} missing"))
    };
    let mut problems = Vec::new();
    for (krate, forbidden, why) in FORBIDDEN {
        let reachable = closure(&resolve, &names, &id_of(krate)?);
        for bad in *forbidden {
            if reachable.contains(*bad) {
                problems.push(format!("{krate} depends on {bad}, but {why}"));
            }
        }
    }
    for (krate, forbidden, why) in FORBIDDEN_DIRECT {
        let listed = direct.get(&id_of(krate)?).cloned().unwrap_or_default();
        for bad in *forbidden {
            if listed.iter().any(|name| name == bad) {
                problems.push(format!("{krate} lists {bad}, but {why}"));
            }
        }
    }
    let outbound = direct
        .get(&id_of("draxis-outbound")?)
        .cloned()
        .unwrap_or_default();
    for ours in outbound.iter().filter(|n| n.starts_with("draxis-")) {
        if !OUTBOUND_MAY_NAME.contains(&ours.as_str()) {
            problems.push(format!(
                "draxis-outbound depends on {ours}, but it implements only the traits of {}",
                OUTBOUND_MAY_NAME.join(" and ")
            ));
        }
    }
    problems.extend(app_dependents(&metadata, &direct));
    Ok(problems)
}

/// Members outside bins/ and tests/ that depend on draxis-app: only the binaries and the
/// cross-crate tests may assemble the application.
fn app_dependents(metadata: &Value, direct: &HashMap<String, Vec<String>>) -> Vec<String> {
    let members: BTreeSet<&str> = metadata["workspace_members"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let root = metadata["workspace_root"].as_str().unwrap_or_default();
    let allowed = [format!("{root}/bins/"), format!("{root}/tests/")];
    metadata["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| p["id"].as_str().is_some_and(|id| members.contains(id)))
        .filter(|p| {
            let manifest = p["manifest_path"].as_str().unwrap_or_default();
            !allowed.iter().any(|dir| manifest.starts_with(dir.as_str()))
        })
        .filter(|p| {
            p["id"]
                .as_str()
                .and_then(|id| direct.get(id))
                .is_some_and(|deps| deps.iter().any(|d| d == "draxis-app"))
        })
        .map(|p| {
            format!(
                "{} depends on draxis-app, but only bins and tests may assemble the application",
                p["name"].as_str().unwrap_or("?")
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn layers_never_depend_on_what_they_must_not() {
        let problems = super::violations().unwrap();
        assert!(
            problems.is_empty(),
            "layering broken:\n{}",
            problems.join("\n")
        );
    }
}
