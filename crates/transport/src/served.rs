//! Which service serves each tool of the contract, and how its result is rendered. The
//! dispatch table is generated from the list below; a test checks it against the catalog.

use draxis_auth::Principal;
use draxis_domain::{Handle, RiskQueries, ToolError};
use draxis_dropzone::DropZone;
use draxis_protocol::Tool;
use draxis_protocol::tools::*;
use draxis_protocol::types::{
    AssetInventory, KriDetail, RunIntegrationResult, SubmitArtifactResult,
};
use serde_json::Value;

use crate::render::{ListItem, ListMemos, Rendered};

/// The services a tool call may reach.
#[derive(Clone)]
pub(crate) struct Services {
    pub queries: RiskQueries,
    pub dropzone: DropZone,
}

/// A tool result that knows how to render itself (list pages through their memo).
pub(crate) trait Answer: Sized {
    fn render(self, memos: &ListMemos) -> serde_json::Result<Rendered>;
}

impl<T: ListItem> Answer for draxis_protocol::types::Page<T> {
    fn render(self, memos: &ListMemos) -> serde_json::Result<Rendered> {
        T::memo(memos).render_page(self)
    }
}

macro_rules! plain_answers {
    ($($result:ty),+ $(,)?) => {
        $(impl Answer for $result {
            fn render(self, _: &ListMemos) -> serde_json::Result<Rendered> {
                Rendered::of(&self)
            }
        })+
    };
}

plain_answers!(
    KriDetail,
    AssetInventory,
    SubmitArtifactResult,
    RunIntegrationResult
);

/// The outcome of one tool call, before it becomes an MCP result.
pub(crate) enum Served {
    Answered(Rendered),
    /// The arguments did not parse; the sentence says what to fix.
    Refused(String),
    Failed(ToolError),
    /// The result could not be encoded (a bug).
    Unencodable(serde_json::Error),
}

async fn serve<T, H>(
    handler: &H,
    principal: &Principal,
    arguments: Option<serde_json::Map<String, Value>>,
    memos: &ListMemos,
) -> Served
where
    T: Tool,
    T::Output: Answer,
    H: Handle<T>,
{
    let args = match serde_json::from_value(Value::Object(arguments.unwrap_or_default())) {
        Ok(args) => args,
        Err(error) => {
            return Served::Refused(format!(
                "Invalid arguments for {}: {error}. Check the tool's inputSchema and call again.",
                T::NAME
            ));
        }
    };
    match handler.handle(principal, args).await {
        Ok(result) => match result.render(memos) {
            Ok(rendered) => Served::Answered(rendered),
            Err(error) => Served::Unencodable(error),
        },
        Err(error) => Served::Failed(error),
    }
}

/// `served_tools! { service => Tool, ...; ... }` writes [`Services::serve`] and
/// [`SERVED`] from one list.
macro_rules! served_tools {
    ($($service:ident => $($tool:ident),+);+ $(;)?) => {
        /// The name of every tool the dispatch table serves.
        #[cfg(test)]
        pub(crate) const SERVED: &[&str] = &[$($(<$tool as Tool>::NAME),+),+];

        impl Services {
            /// Serves the tool called `name`; `None` when no service serves it.
            pub(crate) async fn serve(
                &self,
                name: &str,
                principal: &Principal,
                arguments: Option<serde_json::Map<String, Value>>,
                memos: &ListMemos,
            ) -> Option<Served> {
                $($(
                    if name == <$tool as Tool>::NAME {
                        return Some(serve::<$tool, _>(&self.$service, principal, arguments, memos).await);
                    }
                )+)+
                None
            }
        }
    };
}

served_tools! {
    queries => ListKris, GetKri, ListControls, ListRisks, ListOutcomes, ListVendors,
        GetAssetInventory, ListSimulations, ListIntegrations;
    dropzone => SubmitDropzoneArtifact, RunIntegration;
}

#[cfg(test)]
mod tests {
    use super::SERVED;

    #[test]
    fn every_catalogued_tool_is_served_and_nothing_else() {
        let catalogued: Vec<&str> = draxis_protocol::tools().iter().map(|t| t.name).collect();
        for name in &catalogued {
            assert!(
                SERVED.contains(name),
                "tool {name} is in the catalog but no service serves it: add it to served_tools!"
            );
        }
        for name in SERVED {
            assert!(
                catalogued.contains(name),
                "{name} is served but not in the catalog"
            );
        }
        assert_eq!(SERVED.len(), catalogued.len(), "a tool is served twice");
    }
}
