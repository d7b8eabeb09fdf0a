//! The MCP server: tool definitions from the `protocol` contract, and dispatch of tool
//! calls to the domain services with the caller's principal.

use std::sync::{Arc, OnceLock};

use draxis_auth::{Principal, Scope, TokenVerifier};
use draxis_domain::ToolError;
use draxis_protocol::{ToolScope, ToolSpec, tools};
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, Implementation,
    ListToolsResult, PaginatedRequestParams, ServerCapabilities, ServerConfig, Tool,
    ToolAnnotations,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler};

use crate::metrics::Metrics;
use crate::render::{ListMemos, Rendered};
use crate::request_id::{RequestId, request_span};
use crate::served::{Served, Services};
use serde_json::Value;
use tracing::Instrument;

const INSTRUCTIONS: &str = "Draxis is the organisation's cyber-risk register. Use list_risks for the top \
risks (sorted by current score), list_kris for key risk indicators (filter status=red for what is \
breaching), get_kri for one KRI's history and links, list_controls, list_outcomes, list_vendors, \
get_asset_inventory, list_simulations and list_integrations for the rest. Lists are paged: pass \
nextCursor back as cursor. Answers stay under 40,000 characters: a page that would pass that ends \
early with a note (pass nextCursor for more), and list items carry the first 10 refs of each link \
with a count (filter another list by the item to see them all). With a write-scoped token, evidence goes into the AI Drop Zone: find a \
drop zone with list_integrations (isDropZone: true), call submit_dropzone_artifact with the text, \
then run_integration on the same id to write accepted values into the KRIs. Errors you can fix \
come back as tool results with isError: true.";

/// Where tool calls are counted: per credential (written with last-used) and in the
/// process's metrics.
#[derive(Clone)]
pub(crate) struct Usage {
    pub verifier: Arc<TokenVerifier>,
    pub metrics: Metrics,
}

/// One MCP server instance; cheap to create per request (stateless HTTP).
#[derive(Clone)]
pub struct DraxisMcp {
    services: Services,
    /// Shared by all instances of the process.
    memos: Arc<ListMemos>,
    usage: Usage,
}

impl std::fmt::Debug for DraxisMcp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DraxisMcp").finish_non_exhaustive()
    }
}

fn object(schema: schemars::Schema) -> Arc<serde_json::Map<String, Value>> {
    match schema.to_value() {
        Value::Object(map) => Arc::new(map),
        _ => Arc::new(serde_json::Map::new()),
    }
}

/// The MCP definition of a contract tool.
pub fn mcp_tool(spec: &ToolSpec) -> Tool {
    let mut annotations = ToolAnnotations::with_title(spec.title)
        .read_only(spec.read_only)
        .open_world(spec.open_world);
    if !spec.read_only {
        annotations = annotations
            .destructive(spec.destructive)
            .idempotent(spec.idempotent);
    } else {
        annotations = annotations.idempotent(spec.idempotent);
    }
    Tool::new_with_raw(
        spec.name,
        Some(spec.description.into()),
        object((spec.input_schema)()),
    )
    .with_title(spec.title)
    .with_raw_output_schema(object((spec.output_schema)()))
    .with_annotations(annotations)
}

fn tool_list() -> &'static [Tool] {
    static TOOLS: OnceLock<Vec<Tool>> = OnceLock::new();
    TOOLS.get_or_init(|| tools().iter().map(mcp_tool).collect())
}

/// A tool result the calling model can act on.
fn tool_error(message: impl Into<String>) -> CallToolResult {
    CallToolResult::error(vec![ContentBlock::text(message.into())])
}

impl DraxisMcp {
    /// A server for one request; `memos` should be shared by all of them.
    pub(crate) fn new(services: Services, memos: Arc<ListMemos>, usage: Usage) -> Self {
        Self {
            services,
            memos,
            usage,
        }
    }

    /// Answers a tool call: the result as JSON text (clients that read only `content` get
    /// the data too) and as `structuredContent`, or a sentence saying what to do.
    async fn dispatch(
        &self,
        principal: &Principal,
        tool: &str,
        arguments: Option<serde_json::Map<String, Value>>,
    ) -> CallToolResult {
        let Some(served) = self
            .services
            .serve(tool, principal, arguments, &self.memos)
            .await
        else {
            return tool_error(format!(
                "tool {tool} is declared but not served; please report it"
            ));
        };
        match served {
            Served::Answered(Rendered { text, value }) => {
                let mut answer = CallToolResult::success(vec![ContentBlock::text(text)]);
                answer.structured_content = Some(value);
                answer
            }
            Served::Refused(message) => tool_error(message),
            Served::Failed(ToolError::InvalidArgument(message) | ToolError::NotFound(message)) => {
                tool_error(message)
            }
            Served::Failed(ToolError::Storage(error)) => {
                tracing::error!(tool, error = ?error, "storage failure during tool call");
                tool_error(
                    "Draxis could not read its database just now; try the same call again in a moment.",
                )
            }
            Served::Unencodable(error) => {
                tracing::error!(tool, %error, "could not serialize a tool result");
                tool_error("Draxis could not encode this result; please report it.")
            }
        }
    }
}

impl ServerHandler for DraxisMcp {
    fn get_info(&self) -> ServerConfig {
        let mut implementation = Implementation::new("draxis", env!("CARGO_PKG_VERSION"));
        implementation.title = Some("Draxis cyber-risk platform".into());
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(implementation)
            .with_instructions(INSTRUCTIONS)
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        Ok(ListToolsResult::with_all_items(tool_list().to_vec()))
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        tool_list().iter().find(|t| t.name == name).cloned()
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let parts = context.extensions.get::<http::request::Parts>();
        // rmcp serves the call on a task of its own: enter the request's span again.
        let span = parts
            .and_then(|parts| parts.extensions.get::<RequestId>())
            .map_or_else(tracing::Span::none, |id| request_span(&id.0));
        let principal = parts
            .and_then(|parts| parts.extensions.get::<Principal>())
            .cloned()
            .ok_or_else(|| {
                ErrorData::internal_error("request reached the MCP handler unauthenticated", None)
            })?;
        let Some(spec) = draxis_protocol::tool(&request.name) else {
            let known: Vec<&str> = tools().iter().map(|t| t.name).collect();
            return Err(ErrorData::invalid_params(
                format!(
                    "unknown tool `{}`; the tools are: {}",
                    request.name,
                    known.join(", ")
                ),
                None,
            ));
        };
        if spec.scope == ToolScope::Write && !principal.scopes.allows(Scope::Write) {
            return Ok(tool_error(format!(
                "{} needs the write scope; this token has only `{}`. Use a token created with --scope read,write.",
                spec.name, principal.scopes
            ))
            .into());
        }
        let started = std::time::Instant::now();
        // On a task of its own, so that a panic in a tool's code becomes an error answer
        // instead of a request that never gets one (rmcp does not catch it).
        let handler = self.clone();
        let caller = principal.clone();
        let name = spec.name;
        let arguments = request.arguments;
        let call = async move { handler.dispatch(&caller, name, arguments).await };
        let result = match tokio::spawn(call.instrument(span.clone())).await {
            Ok(result) => result,
            Err(failure) => {
                let _entered = span.enter();
                tracing::error!(tool = name, %failure, "a tool call failed unexpectedly");
                tool_error(format!(
                    "{name} failed unexpectedly on the server (the error is logged); try again, \
                     and report it if it happens again"
                ))
            }
        };
        let is_error = result.is_error.unwrap_or(false);
        self.usage.verifier.note_tool_call(&principal);
        self.usage
            .metrics
            .tool_call(spec.name, is_error, started.elapsed());
        if spec.name == "submit_dropzone_artifact" && !is_error {
            self.usage.metrics.artifact_received(started.elapsed());
        }
        let _entered = span.enter();
        tracing::debug!(
            tool = spec.name,
            tenant = %principal.tenant_slug,
            is_error = result.is_error.unwrap_or(false),
            micros = started.elapsed().as_micros() as u64,
            "tool call"
        );
        Ok(result.into())
    }
}
