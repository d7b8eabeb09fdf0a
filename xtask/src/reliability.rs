//! `cargo xtask reliability`: the release server on PostgreSQL under faults and load.
//! A PostgreSQL restart under a loop of tool calls must give only 503s and tool errors
//! while the database is away and full service within 5 s of its return; a soak must
//! keep the resident memory flat (within 10%) with no errors; 1,000 idle sockets must
//! not push another client's `tools/call` p99 over 50 ms. `--long` soaks for 10 minutes
//! at half the measured maximum load instead of 30 s at full speed.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

use crate::server::{RunningServer, binaries_dir};
use crate::{cargo, run_command};

const POSTGRES_ADMIN: &str = "postgres://postgres@127.0.0.1:5432/postgres";
const CALL: &str = r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"list_kris","arguments":{"limit":5}}}"#;

pub fn run(root: &std::path::Path, long: bool) -> anyhow::Result<()> {
    let started = Instant::now();
    run_command(cargo().args([
        "build",
        "--release",
        "--bin",
        "draxis-server",
        "--bin",
        "draxis-admin",
    ]))?;
    let binaries = binaries_dir(root, true);
    let db = format!("draxis_reliability_{}", std::process::id());
    psql(&format!("CREATE DATABASE {db}"))?;
    let url = format!(
        "{}/{db}",
        POSTGRES_ADMIN.rsplit_once('/').map_or("", |(b, _)| b)
    );
    let outcome = (|| {
        // Every call reaches the database (no read or token cache), without rate limits.
        let every_call_to_storage = [
            "--rate-limit-per-credential",
            "0",
            "--rate-limit-per-tenant",
            "0",
            "--read-cache-ms",
            "0",
            "--token-cache-ms",
            "0",
        ];
        let server = RunningServer::start(&binaries, &url, &every_call_to_storage)?;
        let token = server.mint_token(&binaries, "acme", "read")?;
        let address = server.base_url.trim_start_matches("http://").to_string();
        database_restart(&address, &token)?;
        soak(&address, &token, server.pid(), long)?;
        idle_sockets(&address, &token)
    })();
    psql(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)")).ok();
    outcome?;
    eprintln!(
        "reliability: passed in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn psql(sql: &str) -> anyhow::Result<()> {
    run_command(Command::new("psql").args([POSTGRES_ADMIN, "-q", "-c", sql]))
}

/// What one tool call got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Answer {
    Served,
    ToolError,
    Unavailable,
    Other(u16),
}

/// A keep-alive HTTP/1.1 connection posting tool calls.
struct Caller {
    address: String,
    authorization: String,
    stream: Option<BufReader<TcpStream>>,
}

impl Caller {
    fn new(address: &str, token: &str) -> Self {
        Self {
            address: address.to_string(),
            authorization: format!("Bearer {token}"),
            stream: None,
        }
    }

    /// One `tools/call`; a broken connection is reopened once.
    fn call(&mut self) -> Answer {
        for _ in 0..2 {
            match self.try_call() {
                Ok(answer) => return answer,
                Err(_) => self.stream = None,
            }
        }
        Answer::Other(0)
    }

    fn try_call(&mut self) -> std::io::Result<Answer> {
        if self.stream.is_none() {
            let tcp = TcpStream::connect(&self.address)?;
            tcp.set_nodelay(true)?;
            tcp.set_read_timeout(Some(Duration::from_secs(15)))?;
            self.stream = Some(BufReader::new(tcp));
        }
        let Some(stream) = self.stream.as_mut() else {
            return Err(std::io::ErrorKind::NotConnected.into());
        };
        let request = format!(
            "POST /api/mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: {}\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nMCP-Protocol-Version: 2025-11-25\r\nContent-Length: {}\r\n\r\n{CALL}",
            self.authorization,
            CALL.len()
        );
        stream.get_mut().write_all(request.as_bytes())?;
        let mut status_line = String::new();
        stream.read_line(&mut status_line)?;
        let status: u16 = status_line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or(std::io::ErrorKind::InvalidData)?;
        let mut length = 0usize;
        loop {
            let mut line = String::new();
            stream.read_line(&mut line)?;
            if line.trim().is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().unwrap_or(0);
            }
        }
        let mut body = vec![0; length];
        stream.read_exact(&mut body)?;
        let body = String::from_utf8_lossy(&body);
        Ok(match status {
            200 if body.contains(r#""isError":false"#) => Answer::Served,
            200 if body.contains(r#""isError":true"#) => Answer::ToolError,
            503 => Answer::Unavailable,
            other => Answer::Other(other),
        })
    }
}

/// Calls in a loop on another thread until told to stop; each answer with its time.
fn call_in_background(
    address: &str,
    token: &str,
    stop: Arc<AtomicBool>,
) -> std::thread::JoinHandle<Vec<(Instant, Answer)>> {
    let mut caller = Caller::new(address, token);
    std::thread::spawn(move || {
        let mut answers = Vec::new();
        while !stop.load(Ordering::Relaxed) {
            answers.push((Instant::now(), caller.call()));
        }
        answers
    })
}

fn database_restart(address: &str, token: &str) -> anyhow::Result<()> {
    eprintln!("reliability: restarting PostgreSQL under a loop of tool calls");
    let stop = Arc::new(AtomicBool::new(false));
    let callers: Vec<_> = (0..2)
        .map(|_| call_in_background(address, token, stop.clone()))
        .collect();
    std::thread::sleep(Duration::from_secs(2));
    let version = std::fs::read_dir("/etc/postgresql")
        .context("no /etc/postgresql: is the PostgreSQL cluster installed here?")?
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .next()
        .context("no PostgreSQL cluster in /etc/postgresql")?;
    // Stopped for 3 s, then started: a restart with a real outage in it.
    let cluster = |action: &str| {
        run_command(Command::new("pg_ctlcluster").args([
            "--skip-systemctl-redirect",
            &version,
            "main",
            action,
        ]))
    };
    cluster("stop")?;
    std::thread::sleep(Duration::from_secs(3));
    cluster("start")?;
    let back = Instant::now();
    std::thread::sleep(Duration::from_secs(7));
    stop.store(true, Ordering::Relaxed);
    let mut answers = Vec::new();
    for caller in callers {
        answers.extend(
            caller
                .join()
                .map_err(|_| anyhow::anyhow!("a caller panicked"))?,
        );
    }
    let count = |wanted: Answer| answers.iter().filter(|(_, a)| *a == wanted).count();
    eprintln!(
        "  {} calls: {} served, {} tool errors, {} 503s",
        answers.len(),
        count(Answer::Served),
        count(Answer::ToolError),
        count(Answer::Unavailable)
    );
    if count(Answer::ToolError) + count(Answer::Unavailable) == 0 {
        bail!("no call noticed the outage: the check did not exercise it");
    }
    if let Some((_, other)) = answers.iter().find(|(_, a)| matches!(a, Answer::Other(_))) {
        bail!("during the restart a call got {other:?}: only 503s and tool errors are allowed");
    }
    let settled = back + Duration::from_secs(5);
    let late: Vec<_> = answers
        .iter()
        .filter(|(at, answer)| *at > settled && *answer != Answer::Served)
        .collect();
    if !late.is_empty() || !answers.iter().any(|(at, _)| *at > settled) {
        bail!(
            "{} calls failed more than 5 s after PostgreSQL returned: no full recovery",
            late.len()
        );
    }
    Ok(())
}

/// Resident memory of `pid` in KiB.
fn rss_kib(pid: u32) -> anyhow::Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .context("no VmRSS")
}

/// Runs `threads` callers, each pausing `pause` between calls, for `length`, sampling RSS.
fn load(
    address: &str,
    token: &str,
    pid: u32,
    threads: usize,
    pause: Duration,
    length: Duration,
) -> anyhow::Result<(usize, Vec<u64>)> {
    let stop = Arc::new(AtomicBool::new(false));
    let workers: Vec<_> = (0..threads)
        .map(|_| {
            let mut caller = Caller::new(address, token);
            let stop = stop.clone();
            std::thread::spawn(move || {
                let mut failures = 0usize;
                let mut calls = 0usize;
                while !stop.load(Ordering::Relaxed) {
                    calls += 1;
                    failures += usize::from(caller.call() != Answer::Served);
                    std::thread::sleep(pause);
                }
                (calls, failures)
            })
        })
        .collect();
    let mut samples = Vec::new();
    let until = Instant::now() + length;
    while Instant::now() < until {
        std::thread::sleep(Duration::from_secs(1));
        samples.push(rss_kib(pid)?);
    }
    stop.store(true, Ordering::Relaxed);
    let (mut calls, mut failures) = (0, 0);
    for worker in workers {
        let (c, f) = worker
            .join()
            .map_err(|_| anyhow::anyhow!("a caller panicked"))?;
        calls += c;
        failures += f;
    }
    if failures > 0 {
        bail!("{failures} of {calls} calls failed under load");
    }
    Ok((calls, samples))
}

fn soak(address: &str, token: &str, pid: u32, long: bool) -> anyhow::Result<()> {
    let (threads, pause, length) = if long {
        let (calls, _) = load(
            address,
            token,
            pid,
            4,
            Duration::ZERO,
            Duration::from_secs(10),
        )?;
        let per_thread_rate = calls as f64 / 10.0 / 2.0 / 4.0;
        let pause = Duration::from_secs_f64(1.0 / per_thread_rate.max(1.0));
        eprintln!(
            "reliability: max {:.0} calls/s; soaking 10 min at half",
            calls as f64 / 10.0
        );
        (4, pause, Duration::from_secs(600))
    } else {
        eprintln!("reliability: soaking 30 s at full speed (2 callers)");
        (2, Duration::ZERO, Duration::from_secs(30))
    };
    let (calls, samples) = load(address, token, pid, threads, pause, length)?;
    // The first fifth warms caches and the allocator; after it memory must stay flat.
    let settled = &samples[samples.len() / 5..];
    let low = settled.iter().copied().min().unwrap_or(0);
    let high = settled.iter().copied().max().unwrap_or(0);
    eprintln!("  {calls} calls, RSS {low}..{high} KiB after warm-up");
    if low == 0 || high as f64 > low as f64 * 1.10 {
        bail!("RSS grew from {low} KiB to {high} KiB (more than 10%) during the soak");
    }
    Ok(())
}

fn idle_sockets(address: &str, token: &str) -> anyhow::Result<()> {
    eprintln!("reliability: 1,000 idle sockets while another client calls tools");
    let idle: Vec<TcpStream> = (0..1000)
        .map(|_| TcpStream::connect(address))
        .collect::<Result<_, _>>()
        .context("opening 1,000 sockets")?;
    let mut caller = Caller::new(address, token);
    let mut took = Vec::new();
    for _ in 0..500 {
        let start = Instant::now();
        let answer = caller.call();
        took.push(start.elapsed());
        if answer != Answer::Served {
            bail!("with 1,000 idle sockets open a call got {answer:?}");
        }
    }
    drop(idle);
    took.sort();
    let p99 = took[took.len() * 99 / 100];
    eprintln!("  p99 {:.1} ms", p99.as_secs_f64() * 1000.0);
    if p99 > Duration::from_millis(50) {
        bail!("tools/call p99 {p99:?} with 1,000 idle sockets open (want < 50 ms)");
    }
    Ok(())
}
