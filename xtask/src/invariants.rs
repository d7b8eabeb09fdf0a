//! The layering rules of docs/architecture.md, checked against `cargo metadata`: what
//! each of our crates may never depend on, directly or through another crate.

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
        "draxis-dropzone",
        &["sqlx", "draxis-store", "rmcp", "axum", "draxis-transport"],
        "the Drop Zone reaches storage only through its trait, and knows no MCP",
    ),
    // Store implements the Drop Zone's storage contract (`draxis_dropzone::records`), so
    // it depends on draxis-dropzone. It still reaches no HTTP: that holds once the
    // connectors' HTTP client has left draxis-dropzone (for the outbound crate); until
    // then "draxis-store depends on hyper" is reported through draxis-dropzone.
    (
        "draxis-store",
        &["rmcp", "axum", "hyper", "draxis-transport"],
        "storage knows nothing of HTTP or MCP",
    ),
];

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
    for node in metadata["resolve"]["nodes"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let id = node["id"].as_str().unwrap_or_default().to_string();
        let deps = node["deps"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|d| {
                d["dep_kinds"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|k| k["kind"].is_null())
            })
            .filter_map(|d| d["pkg"].as_str().map(str::to_string))
            .collect();
        resolve.insert(id, deps);
    }
    let mut problems = Vec::new();
    for (krate, forbidden, why) in FORBIDDEN {
        let id = names
            .iter()
            .find(|(_, n)| n == krate)
            .map(|(id, _)| id.clone())
            .context("crate missing")?;
        let reachable = closure(&resolve, &names, &id);
        for bad in *forbidden {
            if reachable.contains(*bad) {
                problems.push(format!("{krate} depends on {bad}, but {why}"));
            }
        }
    }
    Ok(problems)
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
