//! The baseline of `cargo xtask bench-mcp`: a bare rmcp echo tool, served exactly the way
//! draxis-server serves /api/mcp (stateless Streamable HTTP, JSON responses, axum on
//! hyper, TCP_NODELAY) but with no authentication, no database and no domain work.
//!
//! Usage: `bench_echo [ADDR] [RESULT.json]`. With a recorded `CallToolResult` (the
//! `result` of a real `tools/call` answer), the `replay` tool returns a copy of it: the
//! cost of carrying exactly that answer through rmcp and HTTP, with no work to produce it.

use std::sync::Arc;

use axum::serve::ListenerExt;
use rmcp::handler::server::wrapper::{Json, Parameters};
use rmcp::model::{CallToolResult, ServerCapabilities, ServerConfig};
use rmcp::transport::streamable_http_server::session::never::NeverSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use rmcp::{ServerHandler, tool, tool_handler, tool_router};

/// The same allocator as draxis-server, so the comparison measures the work, not malloc.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Debug, serde::Deserialize, serde::Serialize, schemars::JsonSchema)]
struct EchoMessage {
    /// Text to send back.
    message: String,
}

#[derive(Debug, Clone)]
struct Echo {
    /// What `replay` answers (an empty success without a recording).
    replay: Arc<CallToolResult>,
}

#[tool_router]
impl Echo {
    #[tool(description = "Returns its input", annotations(read_only_hint = true))]
    fn echo(&self, Parameters(input): Parameters<EchoMessage>) -> Json<EchoMessage> {
        Json(input)
    }

    #[tool(
        description = "Returns a copy of the recorded result",
        annotations(read_only_hint = true)
    )]
    fn replay(&self) -> CallToolResult {
        (*self.replay).clone()
    }
}

#[tool_handler]
impl ServerHandler for Echo {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
    }
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let listen = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:0".into());
    let replay: CallToolResult = match std::env::args().nth(2) {
        Some(path) => serde_json::from_slice(&std::fs::read(&path)?).map_err(|error| {
            std::io::Error::other(format!("{path} is not a CallToolResult: {error}"))
        })?,
        None => CallToolResult::success(vec![]),
    };
    let replay = Arc::new(replay);
    let config = StreamableHttpServerConfig::default()
        .with_legacy_session_mode(false)
        .with_json_response(true)
        .with_sse_keep_alive(None);
    let service: StreamableHttpService<Echo, NeverSessionManager> = StreamableHttpService::new(
        move || {
            Ok(Echo {
                replay: replay.clone(),
            })
        },
        Arc::new(NeverSessionManager::default()),
        config,
    );
    let app = axum::Router::new().nest_service("/api/mcp", service);
    let listener = tokio::net::TcpListener::bind(listen).await?;
    let local = listener.local_addr()?;
    eprintln!("draxis-server listening on http://{local} (echo baseline)");
    let listener = listener.tap_io(|tcp| {
        tcp.set_nodelay(true).ok();
    });
    axum::serve(listener, app).await
}
