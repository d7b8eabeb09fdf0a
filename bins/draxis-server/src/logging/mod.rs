//! The server's log subscriber, set up in one place: human-readable lines (the default)
//! or one JSON object per line (`--log-format json`), on stderr, filtered by `RUST_LOG`.
//! Every line written while a request is served carries its `request_id` (the transport's
//! `request` span). Nothing logs secrets: tokens, cookies, `Authorization`, passwords and
//! codes are never fields, and requests are logged by path only.

mod escape;

pub(crate) use escape::EscapeControl;

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line, with the current span's fields (`request_id`).
    Json,
}

/// Installs the process's subscriber, on stderr with control characters escaped.
pub fn init(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| "info,sqlx=warn,rmcp=warn".into());
    let builder = builder(EscapeControl::new(std::io::stderr)).with_env_filter(filter);
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

/// The log subscriber writing to `writer`, whose control characters are escaped; no
/// terminal colours, since an escape in a line is never the formatter's.
pub(crate) fn builder<W>(
    writer: EscapeControl<W>,
) -> tracing_subscriber::fmt::SubscriberBuilder<
    tracing_subscriber::fmt::format::DefaultFields,
    tracing_subscriber::fmt::format::Format,
    tracing_subscriber::filter::LevelFilter,
    EscapeControl<W>,
>
where
    W: for<'a> tracing_subscriber::fmt::MakeWriter<'a> + Send + Sync + 'static,
{
    tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
}
