//! Claude Code against the real server, as the setup page tells users to connect it: with
//! a token header, and with `claude mcp login` driven by a BROWSER program.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, bail};

use crate::run_command;

/// A `claude` command with a scratch HOME and no auto-update.
fn claude_in(claude: &Path, home: &Path) -> Command {
    let mut command = Command::new(claude);
    command
        .env("HOME", home)
        .env("DISABLE_AUTOUPDATER", "1")
        .current_dir(home);
    command
}

/// `claude mcp list` shows draxis as connected. It health-checks each server with a
/// short timeout; on a loaded two-core CI machine one slow answer is not a verdict, so
/// it looks twice.
fn claude_lists_draxis_connected(claude: &Path, home: &Path) -> anyhow::Result<()> {
    let mut attempt = 0;
    let (listed, text, line) = loop {
        attempt += 1;
        let listed = claude_in(claude, home).args(["mcp", "list"]).output()?;
        let text = String::from_utf8_lossy(&listed.stdout).into_owned();
        let line = text
            .lines()
            .find(|l| l.starts_with("draxis:"))
            .unwrap_or_default()
            .to_string();
        if line.contains("Connected") || attempt == 2 {
            break (listed, text, line);
        }
        eprintln!("  claude mcp list (attempt {attempt}): {line}; trying once more");
    };
    eprintln!("  claude mcp list: {line}");
    if !line.contains("Connected") {
        bail!(
            "claude mcp list does not show draxis as connected:\n{text}{}",
            String::from_utf8_lossy(&listed.stderr)
        );
    }
    Ok(())
}

/// The setup page's promise: `claude mcp add ... --header "Authorization: Bearer $TOKEN"`,
/// then `claude mcp list` shows draxis as connected. Runs with a scratch HOME.
pub(crate) fn claude_code_connects(claude: &Path, url: &str, token: &str) -> anyhow::Result<()> {
    let home = std::env::temp_dir().join(format!("draxis-claude-home-{}", std::process::id()));
    std::fs::create_dir_all(&home)?;
    let outcome = (|| {
        let header = format!("Authorization: Bearer {token}");
        let added = claude_in(claude, &home)
            .args([
                "mcp",
                "add",
                "--transport",
                "http",
                "draxis",
                url,
                "--header",
                &header,
            ])
            .output()?;
        if !added.status.success() {
            bail!(
                "claude mcp add failed: {}",
                String::from_utf8_lossy(&added.stderr)
            );
        }
        claude_lists_draxis_connected(claude, &home)
    })();
    std::fs::remove_dir_all(&home).ok();
    outcome
}

/// The access token Claude Code stored for draxis after an OAuth login.
fn claude_access_token(home: &Path) -> anyhow::Result<String> {
    let path = home.join(".claude").join(".credentials.json");
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("Claude Code stored no credentials at {}", path.display()))?;
    let stored: serde_json::Value = serde_json::from_str(&text)?;
    stored["mcpOAuth"]
        .as_object()
        .and_then(|servers| {
            servers
                .values()
                .find(|s| s["serverName"] == "draxis")
                .and_then(|s| s["accessToken"].as_str())
        })
        .map(str::to_string)
        .context("Claude Code stored no OAuth access token for draxis")
}

/// The setup page's alternate path: `claude mcp add` with no header, then
/// `claude mcp login draxis` with a BROWSER program that signs in and approves;
/// `claude mcp list` shows connected; after the access token expires Claude Code
/// refreshes it by itself; and the token it holds works for tools.
pub(crate) fn claude_code_oauth(
    claude: &Path,
    python: &Path,
    root: &Path,
    url: &str,
    access_ttl_secs: u64,
) -> anyhow::Result<()> {
    let home = std::env::temp_dir().join(format!("draxis-claude-oauth-{}", std::process::id()));
    std::fs::create_dir_all(&home)?;
    let outcome = (|| {
        let added = claude_in(claude, &home)
            .args(["mcp", "add", "--transport", "http", "draxis", url])
            .output()?;
        if !added.status.success() {
            bail!(
                "claude mcp add failed: {}",
                String::from_utf8_lossy(&added.stderr)
            );
        }
        let browser = home.join("browser.sh");
        std::fs::write(
            &browser,
            format!(
                "#!/bin/sh\nexec '{}' '{}' \"$1\"\n",
                python.display(),
                root.join("tests/e2e/consent_browser.py").display()
            ),
        )?;
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&browser, std::fs::Permissions::from_mode(0o755))?;
        // `claude mcp login` wants a terminal: `script` gives it one.
        let login = Command::new("timeout")
            .env("HOME", &home)
            .env("DISABLE_AUTOUPDATER", "1")
            .current_dir(&home)
            .env("BROWSER", &browser)
            .env("DRAXIS_E2E_EMAIL", "analyst@acme.example")
            .env("DRAXIS_E2E_PASSWORD", "draxis-demo-analyst")
            .env("DRAXIS_E2E_TENANT", "acme")
            .args(["120", "script", "-qec"])
            .arg(format!("'{}' mcp login draxis", claude.display()))
            .arg("/dev/null")
            .output();
        let login = match login {
            Ok(output) => output,
            Err(error) => bail!("cannot run claude mcp login under timeout/script: {error}"),
        };
        let said = String::from_utf8_lossy(&login.stdout).into_owned();
        let authenticated = said
            .lines()
            .find(|l| l.contains("Authenticated"))
            .unwrap_or_default()
            .trim()
            .to_string();
        if !login.status.success() || authenticated.is_empty() {
            bail!(
                "claude mcp login draxis did not authenticate:\n{said}{}",
                String::from_utf8_lossy(&login.stderr)
            );
        }
        eprintln!("  claude mcp login draxis: {authenticated}");
        claude_lists_draxis_connected(claude, &home)?;
        let first = claude_access_token(&home)?;
        std::thread::sleep(std::time::Duration::from_secs(access_ttl_secs + 1));
        claude_lists_draxis_connected(claude, &home)?;
        let refreshed = claude_access_token(&home)?;
        if refreshed == first {
            bail!("after the access token expired, Claude Code did not refresh it");
        }
        eprintln!("  Claude Code refreshed its expired access token by itself");
        run_command(
            Command::new(python)
                .args(["tests/e2e/oauth_flow.py", "--url", url, "--token-from-env"])
                .env("DRAXIS_E2E_OAUTH_TOKEN", &refreshed),
        )
    })();
    std::fs::remove_dir_all(&home).ok();
    outcome
}
