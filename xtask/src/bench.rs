//! `cargo xtask bench-mcp`: requests/s and latency of `list_kris` (limit 25, PAT, SQLite)
//! against a bare rmcp echo tool served the same way, measured in one run with wrk.
//! Runs alternate (echo, replay, list_kris, ...) so machine noise hits all alike.
//!
//! `replay` is the ceiling for this answer: the same rmcp server as echo returning a copy
//! of the very `list_kris` result draxis-server gave (recorded at the start of the run), so
//! it pays only for carrying those bytes through rmcp, serde_json and HTTP.

use std::path::Path;
use std::process::{Command, Stdio};

use anyhow::{Context, bail};

use crate::server::{RunningServer, binaries_dir};
use crate::{cargo, run_command};

/// The figures wrk reports for one run.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Measurement {
    pub requests_per_sec: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    /// Answers the script counted as `isError` results (scripts that count them).
    pub tool_errors: u64,
}

const ECHO_CALL: &str =
    r#"{"name":"echo","arguments":{"message":"hello from the load generator"}}"#;
const REPLAY_CALL: &str = r#"{"name":"replay","arguments":{}}"#;
const TARGET_RATIO: f64 = 0.60;
const TARGET_P99_MS: f64 = 2.0;
/// `list_kris` against the replay of its own answer (issue 15: at least 0.85).
const TARGET_OF_CEILING: f64 = 0.85;

/// Server flags for load tests: one token sends thousands of requests a second, which the
/// default per-credential and per-tenant rate limits would refuse.
pub(crate) const UNLIMITED: &[&str] = &[
    "--rate-limit-per-credential",
    "0",
    "--rate-limit-per-tenant",
    "0",
];

pub fn run(root: &Path, seconds: u32, connections: u32) -> anyhow::Result<()> {
    ensure_wrk()?;
    let binaries = build_release(root, "draxis-transport", "bench_echo")?;
    let scratch = root.join("target").join("bench");
    std::fs::create_dir_all(&scratch)?;
    let db = scratch.join(format!("bench-{}.db", std::process::id()));
    let database = format!("sqlite://{}", db.display());

    let draxis = RunningServer::start(&binaries, &database, UNLIMITED)?;
    let token = draxis.mint_token(&binaries, "acme", "read")?;
    let kris_call = r#"{"name":"list_kris","arguments":{"limit":25}}"#;
    let recorded = record_result(&draxis.mcp_url(), Some(&token), kris_call)?;
    let recording = scratch.join("list_kris_result.json");
    std::fs::write(&recording, &recorded.result)?;
    let echo = RunningServer::start_program(
        &binaries.join("examples").join("bench_echo"),
        &["127.0.0.1:0", &recording.display().to_string()],
    )?;
    let replayed = record_result(&echo.mcp_url(), None, REPLAY_CALL)?;
    if replayed.body_bytes != recorded.body_bytes {
        bail!(
            "the replayed answer has {} bytes, list_kris {}: the ceiling would not be comparable",
            replayed.body_bytes,
            recorded.body_bytes
        );
    }

    let echo_script = scratch.join("echo.lua");
    std::fs::write(&echo_script, lua(None, ECHO_CALL))?;
    let small_script = scratch.join("list_kris_1.lua");
    std::fs::write(
        &small_script,
        lua(
            Some(&token),
            r#"{"name":"list_kris","arguments":{"limit":1}}"#,
        ),
    )?;
    let kris_script = scratch.join("list_kris.lua");
    std::fs::write(&kris_script, lua(Some(&token), kris_call))?;
    let replay_script = scratch.join("replay.lua");
    std::fs::write(&replay_script, lua(None, REPLAY_CALL))?;

    // Warm-up, then alternating measured rounds.
    wrk(&echo.mcp_url(), &echo_script, 2, connections)?;
    wrk(&draxis.mcp_url(), &kris_script, 2, connections)?;
    let mut echo_runs = Vec::new();
    let mut replay_runs = Vec::new();
    let mut kris_runs = Vec::new();
    let mut small_runs = Vec::new();
    for round in 1..=2 {
        eprintln!(
            "round {round}: echo, replay, list_kris limit 25, list_kris limit 1 ({seconds} s each, {connections} connections)"
        );
        echo_runs.push(wrk(&echo.mcp_url(), &echo_script, seconds, connections)?);
        replay_runs.push(wrk(&echo.mcp_url(), &replay_script, seconds, connections)?);
        kris_runs.push(wrk(&draxis.mcp_url(), &kris_script, seconds, connections)?);
        small_runs.push(wrk(&draxis.mcp_url(), &small_script, seconds, connections)?);
    }
    let echo_bytes = record_result(&echo.mcp_url(), None, ECHO_CALL)?.body_bytes;
    drop(echo);
    drop(draxis);
    for suffix in ["", "-wal", "-shm"] {
        std::fs::remove_file(format!("{}{suffix}", db.display())).ok();
    }

    let best = |runs: &[Measurement]| {
        runs.iter().copied().fold(runs[0], |a, b| {
            if b.requests_per_sec > a.requests_per_sec {
                b
            } else {
                a
            }
        })
    };
    let (echo_best, replay_best, kris_best, small_best) = (
        best(&echo_runs),
        best(&replay_runs),
        best(&kris_runs),
        best(&small_runs),
    );
    println!(
        "bench-mcp: {connections} connections, {seconds} s per run, 2 alternating rounds, best round shown"
    );
    println!(
        "list_kris limit 25 answers {} bytes (echo {} bytes)",
        recorded.body_bytes, echo_bytes
    );
    println!(
        "{:<28} {:>12} {:>10} {:>10}",
        "", "requests/s", "p50 ms", "p99 ms"
    );
    for (name, m) in [
        ("rmcp echo (baseline)", echo_best),
        ("replay of list_kris answer", replay_best),
        ("list_kris limit 25, PAT", kris_best),
        ("list_kris limit 1, PAT", small_best),
    ] {
        println!(
            "{name:<28} {:>12.0} {:>10.3} {:>10.3}",
            m.requests_per_sec, m.p50_ms, m.p99_ms
        );
    }
    for (i, ((e, r), k)) in echo_runs
        .iter()
        .zip(&replay_runs)
        .zip(&kris_runs)
        .enumerate()
    {
        println!(
            "round {}: echo {:.0}/s, replay {:.0}/s (ratio {:.2}), list_kris {:.0}/s (ratio {:.2})",
            i + 1,
            e.requests_per_sec,
            r.requests_per_sec,
            r.requests_per_sec / e.requests_per_sec,
            k.requests_per_sec,
            k.requests_per_sec / e.requests_per_sec
        );
    }
    let verdict = |ok: bool| if ok { "met" } else { "MISSED" };
    println!(
        "ceiling: replaying list_kris's own answer reaches {:.2} of echo; list_kris reaches {:.2} of that ceiling",
        replay_best.requests_per_sec / echo_best.requests_per_sec,
        kris_best.requests_per_sec / replay_best.requests_per_sec
    );
    let of_ceiling = kris_best.requests_per_sec / replay_best.requests_per_sec;
    println!(
        "list_kris limit 25 (one run): {:.0}/s = {of_ceiling:.2} of the replay ceiling ({:.0}/s; target >= {TARGET_OF_CEILING:.2}: {}) and {:.2} of echo ({:.0}/s)",
        kris_best.requests_per_sec,
        replay_best.requests_per_sec,
        verdict(of_ceiling >= TARGET_OF_CEILING),
        kris_best.requests_per_sec / echo_best.requests_per_sec,
        echo_best.requests_per_sec
    );
    println!(
        "ratio list_kris limit 1 / echo: {:.2} (same auth, cache and rules, one-item page)",
        small_best.requests_per_sec / echo_best.requests_per_sec
    );
    let ratio = kris_best.requests_per_sec / echo_best.requests_per_sec;
    println!(
        "ratio list_kris / echo: {ratio:.2} (target >= {TARGET_RATIO:.2}: {})",
        verdict(ratio >= TARGET_RATIO)
    );
    println!(
        "list_kris p99: {:.3} ms (target <= {TARGET_P99_MS} ms: {})",
        kris_best.p99_ms,
        verdict(kris_best.p99_ms <= TARGET_P99_MS)
    );
    Ok(())
}

/// Builds both binaries and one example in release mode; returns where they are.
pub(crate) fn build_release(
    root: &Path,
    package: &str,
    example: &str,
) -> anyhow::Result<std::path::PathBuf> {
    let binaries = build_binaries(root)?;
    run_command(cargo().args(["build", "--release", "-p", package, "--example", example]))?;
    Ok(binaries)
}

/// Builds draxis-server and draxis-admin in release mode; returns where they are.
pub(crate) fn build_binaries(root: &Path) -> anyhow::Result<std::path::PathBuf> {
    run_command(cargo().args([
        "build",
        "--release",
        "--bin",
        "draxis-server",
        "--bin",
        "draxis-admin",
    ]))?;
    Ok(binaries_dir(root, true))
}

/// One `tools/call` answer, fetched once outside the load test.
struct Recorded {
    /// The JSON-RPC `result` (a `CallToolResult`), as JSON text.
    result: String,
    /// Size of the whole HTTP response body.
    body_bytes: usize,
}

/// Calls one tool with a plain HTTP/1.1 request (the bench needs no HTTP client crate for
/// this) and checks that the answer is a successful tool result.
fn record_result(url: &str, token: Option<&str>, params: &str) -> anyhow::Result<Recorded> {
    use std::io::{Read, Write};
    let address = url
        .strip_prefix("http://")
        .and_then(|rest| rest.split('/').next())
        .with_context(|| format!("not an http:// URL: {url}"))?;
    let path = &url["http://".len() + address.len()..];
    let body = format!(r#"{{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{params}}}"#);
    let authorization = token
        .map(|token| format!("Authorization: Bearer {token}\r\n"))
        .unwrap_or_default();
    let mut stream = std::net::TcpStream::connect(address)
        .with_context(|| format!("cannot connect to {address}"))?;
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\n\
         Accept: application/json, text/event-stream\r\nMCP-Protocol-Version: 2025-11-25\r\n\
         {authorization}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response)?;
    let response = String::from_utf8(response).context("the answer is not UTF-8")?;
    let (head, payload) = response
        .split_once("\r\n\r\n")
        .context("the answer has no HTTP body")?;
    if !head.starts_with("HTTP/1.1 200") {
        bail!("{url} answered {params} with {head}");
    }
    let message: serde_json::Value =
        serde_json::from_str(payload).context("the answer is not one JSON-RPC message")?;
    let result = message
        .get("result")
        .filter(|r| r.get("isError") != Some(&serde_json::Value::Bool(true)))
        .with_context(|| {
            format!("{url} answered {params} without a successful result: {payload}")
        })?;
    Ok(Recorded {
        result: result.to_string(),
        body_bytes: payload.len(),
    })
}

fn lua(token: Option<&str>, params: &str) -> String {
    let mut script = String::from(
        "wrk.method = \"POST\"\n\
         wrk.headers[\"Content-Type\"] = \"application/json\"\n\
         wrk.headers[\"Accept\"] = \"application/json, text/event-stream\"\n\
         wrk.headers[\"MCP-Protocol-Version\"] = \"2025-11-25\"\n",
    );
    if let Some(token) = token {
        script.push_str(&format!(
            "wrk.headers[\"Authorization\"] = \"Bearer {token}\"\n"
        ));
    }
    script.push_str(&format!("wrk.body = '{{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{params}}}'\n"));
    script
}

pub(crate) fn ensure_wrk() -> anyhow::Result<()> {
    if Command::new("wrk")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
    {
        return Ok(());
    }
    eprintln!("wrk is missing; installing it with apt-get");
    run_command(Command::new("apt-get").args(["install", "-y", "wrk"]))
        .context("install wrk (Debian package `wrk`) and run again")
}

fn wrk(url: &str, script: &Path, seconds: u32, connections: u32) -> anyhow::Result<Measurement> {
    wrk_with(url, script, seconds, connections, 2)
}

/// One wrk run with `threads` threads.
pub(crate) fn wrk_with(
    url: &str,
    script: &Path,
    seconds: u32,
    connections: u32,
    threads: u32,
) -> anyhow::Result<Measurement> {
    let output = Command::new("wrk")
        .args([
            "-t",
            &threads.to_string(),
            "-c",
            &connections.to_string(),
            "-d",
            &format!("{seconds}s"),
            "--latency",
            "-s",
        ])
        .arg(script)
        .arg(url)
        .output()
        .context("cannot run wrk")?;
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    if !output.status.success() {
        bail!(
            "wrk failed: {text}{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    if text.contains("Non-2xx or 3xx responses") {
        bail!("the server answered errors under load:\n{text}");
    }
    let requests_per_sec = text
        .lines()
        .find_map(|l| l.strip_prefix("Requests/sec:"))
        .and_then(|v| v.trim().parse().ok())
        .with_context(|| format!("no Requests/sec in wrk output:\n{text}"))?;
    let percentile = |p: &str| -> anyhow::Result<f64> {
        let line = text
            .lines()
            .find(|l| l.trim_start().starts_with(p))
            .with_context(|| format!("no {p} latency in wrk output:\n{text}"))?;
        parse_duration_ms(line.split_whitespace().nth(1).unwrap_or_default())
    };
    let tool_errors = text
        .lines()
        .find_map(|l| l.strip_prefix("tool errors:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    Ok(Measurement {
        requests_per_sec,
        p50_ms: percentile("50%")?,
        p99_ms: percentile("99%")?,
        tool_errors,
    })
}

/// wrk prints `812.00us`, `1.23ms`, `2.00s`.
fn parse_duration_ms(text: &str) -> anyhow::Result<f64> {
    let (number, factor) = if let Some(n) = text.strip_suffix("us") {
        (n, 0.001)
    } else if let Some(n) = text.strip_suffix("ms") {
        (n, 1.0)
    } else if let Some(n) = text.strip_suffix('s') {
        (n, 1000.0)
    } else {
        bail!("unexpected wrk duration `{text}`")
    };
    Ok(number.parse::<f64>()? * factor)
}

#[cfg(test)]
mod tests {
    use super::parse_duration_ms;

    #[test]
    fn wrk_durations_parse_to_milliseconds() {
        assert_eq!(parse_duration_ms("812.00us").unwrap(), 0.812);
        assert_eq!(parse_duration_ms("1.50ms").unwrap(), 1.5);
        assert_eq!(parse_duration_ms("2.00s").unwrap(), 2000.0);
        assert!(parse_duration_ms("12").is_err());
    }
}
