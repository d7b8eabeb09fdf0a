//! The server's own upkeep of limits: connection limits fitted to the open-file limit,
//! and the periodic sweep of OAuth clients registered and never used.

use std::time::Duration;

use draxis_app::ConnectionLimits;
use draxis_auth::AuthorizationServer;
use tokio_util::sync::CancellationToken;

use crate::Args;

/// The connection limits from the command line, the cap fitted to the open-file limit.
pub(crate) fn connection_limits(args: &Args) -> ConnectionLimits {
    let mut max_connections = usize::try_from(args.max_connections).unwrap_or(usize::MAX);
    // Room for the database pool, artifacts being read and the listener itself.
    const RESERVED_FILES: usize = 64;
    if let Some(files) = open_file_limit() {
        let fits = files.saturating_sub(RESERVED_FILES).max(1);
        if fits < max_connections {
            tracing::warn!(
                files,
                requested = max_connections,
                allowed = fits,
                "the open-file limit (ulimit -n) is too low for --max-connections; lowering the cap"
            );
            max_connections = fits;
        }
    }
    ConnectionLimits {
        header_read_timeout: Duration::from_secs(args.header_read_timeout_secs),
        idle_timeout: Duration::from_secs(
            args.idle_timeout_secs
                .max(args.connector_timeout_secs.saturating_add(30)),
        ),
        max_connections,
        ..ConnectionLimits::default()
    }
}

/// The soft limit on open files of this process, where the OS tells it (Linux).
fn open_file_limit() -> Option<usize> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    line["Max open files".len()..]
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// Deletes never-used OAuth clients past their time to live, every ten minutes.
pub(crate) async fn sweep_unused_clients(authz: AuthorizationServer, shutdown: CancellationToken) {
    let mut ticker = tokio::time::interval(Duration::from_secs(600));
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = ticker.tick() => {}
            () = shutdown.cancelled() => return,
        }
        if let Err(error) = authz.sweep_unused_clients().await {
            tracing::warn!(%error, "could not delete unused OAuth clients; will retry");
        }
    }
}
