//! Starting a real `draxis-server` process on a free port, and minting tokens for it.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

/// A running server, stopped (SIGTERM, then SIGKILL) when dropped.
pub struct RunningServer {
    child: Child,
    pub base_url: String,
    pub database: String,
}

impl RunningServer {
    /// Starts `draxis-server --demo` on `database` and waits until it listens.
    pub fn start(binaries: &Path, database: &str, extra: &[&str]) -> anyhow::Result<Self> {
        let mut args = vec!["--demo", "--listen", "127.0.0.1:0", "--database", database];
        args.extend_from_slice(extra);
        let mut server = Self::start_program(&binaries.join("draxis-server"), &args)?;
        server.database = database.to_string();
        Ok(server)
    }

    /// Starts a program that prints `draxis-server listening on URL` and waits for it.
    pub fn start_program(program: &Path, args: &[&str]) -> anyhow::Result<Self> {
        let mut child = Command::new(program)
            .args(args)
            .env(
                "RUST_LOG",
                std::env::var("RUST_LOG").unwrap_or_else(|_| "warn".into()),
            )
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .with_context(|| format!("cannot start {}; was it built?", program.display()))?;
        let stderr = child.stderr.take().context("no stderr")?;
        let (sender, receiver) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(rest) = line.strip_prefix("draxis-server listening on ") {
                    let url = rest
                        .split_whitespace()
                        .next()
                        .unwrap_or_default()
                        .to_string();
                    sender.send(url).ok();
                } else {
                    eprintln!("  [server] {line}");
                }
            }
        });
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(url) = receiver.recv_timeout(Duration::from_millis(100)) {
                return Ok(Self {
                    child,
                    base_url: url,
                    database: String::new(),
                });
            }
            if let Some(status) = child.try_wait()? {
                bail!("{} exited during start-up ({status})", program.display());
            }
            if Instant::now() > deadline {
                child.kill().ok();
                bail!("{} did not start listening within 60 s", program.display());
            }
        }
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn mcp_url(&self) -> String {
        format!("{}/api/mcp", self.base_url)
    }

    /// Mints a token with draxis-admin, exactly as the README tells users to.
    pub fn mint_token(&self, binaries: &Path, tenant: &str, scope: &str) -> anyhow::Result<String> {
        let output = Command::new(binaries.join("draxis-admin"))
            .args([
                "--database",
                &self.database,
                "token",
                "create",
                "--tenant",
                tenant,
                "--name",
                "e2e",
                "--scope",
                scope,
            ])
            .stderr(Stdio::inherit())
            .output()
            .context("cannot run draxis-admin")?;
        if !output.status.success() {
            bail!("draxis-admin token create failed");
        }
        let token = String::from_utf8(output.stdout)?.trim().to_string();
        if !token.starts_with("drx_pat_") || token.lines().count() != 1 {
            bail!("draxis-admin printed more than the token on stdout: {token:?}");
        }
        Ok(token)
    }
}

impl RunningServer {
    /// Kills the server with SIGKILL: no shutdown handler runs, nothing is flushed.
    pub fn kill_hard(mut self) -> anyhow::Result<()> {
        self.child.kill()?;
        self.child.wait()?;
        Ok(())
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        let pid = self.child.id().to_string();
        let graceful = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .is_ok_and(|s| s.success());
        let deadline = Instant::now() + Duration::from_secs(10);
        while graceful && Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

/// Where `cargo build` put the binaries of this profile.
pub fn binaries_dir(root: &Path, release: bool) -> PathBuf {
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    target.join(if release { "release" } else { "debug" })
}
