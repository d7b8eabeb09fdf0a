//! The server's log subscriber, set up in one place: human-readable lines (the default)
//! or one JSON object per line (`--log-format json`), on stderr, filtered by `RUST_LOG`.
//! Every line written while a request is served carries its `request_id` (the transport's
//! `request` span). Nothing logs secrets: tokens, cookies, `Authorization`, passwords and
//! codes are never fields, and requests are logged by path only.

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line, with the current span's fields (`request_id`).
    Json,
}

/// Installs the process's subscriber.
pub fn init(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| "info,sqlx=warn,rmcp=warn".into());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .init(),
    }
}
