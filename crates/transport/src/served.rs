//! Which service serves each tool of the contract, and how its result is rendered. The
//! dispatch table is generated from the list below; a test checks it against the catalog.

use draxis_auth::Principal;
use draxis_domain::{Handle, RiskQueries, ToolError};
use draxis_dropzone::DropZone;
use draxis_protocol::Tool;
use draxis_protocol::tools::*;
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

/// The largest `structuredContent` handed to a model, in bytes of compact JSON (never fewer
/// than its characters). Claude Code warns above about 40,000 characters and replaces an
/// answer over 50,000 by a file path; the rest of the 40,000 is room for the note.
pub(crate) const ANSWER_BUDGET: usize = 39_000;

/// Arguments that can ask for fewer rows of their answer's one long list.
pub(crate) trait Rows {
    /// The answer's field holding the rows, and the note that says they were cut short
    /// (`{n}` is the number kept); `None` when the answer has no such list.
    const ROWS: Option<(&'static str, &'static str)> = None;
    /// Asks for at most `rows` rows.
    fn ask_for(&mut self, _rows: u32) {}
}

const PAGE_NOTE: &str = "This page ends after {n} items to keep the answer under 40,000 \
    characters; pass nextCursor as cursor for the next ones.";

macro_rules! rows {
    ($($args:ty => $field:ident in $json:literal, $note:expr;)+) => {
        $(impl Rows for $args {
            const ROWS: Option<(&'static str, &'static str)> = Some(($json, $note));
            fn ask_for(&mut self, rows: u32) {
                self.$field = Some(rows);
            }
        })+
    };
}

rows! {
    ListKrisArgs => limit in "items", PAGE_NOTE;
    ListControlsArgs => limit in "items", PAGE_NOTE;
    ListRisksArgs => limit in "items", PAGE_NOTE;
    ListOutcomesArgs => limit in "items", PAGE_NOTE;
    ListVendorsArgs => limit in "items", PAGE_NOTE;
    AssetInventoryArgs => limit in "items", PAGE_NOTE;
    ListSimulationsArgs => limit in "items", PAGE_NOTE;
    ListIntegrationsArgs => limit in "items", PAGE_NOTE;
    GetKriArgs => history_limit in "history", "history holds the newest {n} observations to \
        keep the answer under 40,000 characters; ask for a smaller historyLimit for a shorter window.";
}

impl Rows for SubmitArtifactArgs {}
impl Rows for RunIntegrationArgs {}

/// How many of the rows in `field` fit in the budget with everything else the answer
/// holds; `None` when they all do or there is no such list.
fn rows_that_fit(value: &Value, field: &str, answer_bytes: usize) -> Option<u32> {
    const NOTE_ROOM: usize = 300;
    let rows = value.get(field)?.as_array()?;
    let sizes: Vec<usize> = rows
        .iter()
        .map(|row| serde_json::to_string(row).map_or(0, |text| text.len()) + 1)
        .collect();
    let others = answer_bytes.saturating_sub(sizes.iter().sum());
    let room = ANSWER_BUDGET.saturating_sub(others + NOTE_ROOM);
    let mut used = 0;
    let fit = sizes
        .iter()
        .take_while(|size| {
            used += **size;
            used <= room
        })
        .count();
    (fit < rows.len()).then(|| u32::try_from(fit.max(1)).unwrap_or(u32::MAX))
}

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
    T::Args: Rows + Clone,
    T::Output: Answer,
    H: Handle<T>,
{
    let args: T::Args = match serde_json::from_value(Value::Object(arguments.unwrap_or_default())) {
        Ok(args) => args,
        Err(error) => {
            return Served::Refused(format!(
                "Invalid arguments for {}: {error}. Check the tool's inputSchema and call again.",
                T::NAME
            ));
        }
    };
    let rendered = match answer(handler, principal, args.clone(), memos).await {
        Ok(rendered) => rendered,
        Err(served) => return served,
    };
    if rendered.text.len() <= ANSWER_BUDGET {
        return Served::Answered(rendered);
    }
    // Too long for a model: ask again for as many rows as fit, and say so.
    let fit = <T::Args as Rows>::ROWS.and_then(|(field, note)| {
        rows_that_fit(&rendered.value, field, rendered.text.len()).map(|fit| (fit, note))
    });
    let Some((fit, note)) = fit else {
        tracing::warn!(
            tool = T::NAME,
            bytes = rendered.text.len(),
            "an answer is over the budget"
        );
        return Served::Answered(rendered);
    };
    let mut fewer = args;
    fewer.ask_for(fit);
    let mut rendered = match answer(handler, principal, fewer, memos).await {
        Ok(rendered) => rendered,
        Err(served) => return served,
    };
    if let Value::Object(fields) = &mut rendered.value {
        fields.insert(
            "note".into(),
            Value::String(note.replace("{n}", &fit.to_string())),
        );
    }
    match serde_json::to_string(&rendered.value) {
        Ok(text) => {
            rendered.text = text;
            Served::Answered(rendered)
        }
        Err(error) => Served::Unencodable(error),
    }
}

/// Calls the handler and renders its result.
async fn answer<T, H>(
    handler: &H,
    principal: &Principal,
    args: T::Args,
    memos: &ListMemos,
) -> Result<Rendered, Served>
where
    T: Tool,
    T::Output: Answer,
    H: Handle<T>,
{
    match handler.handle(principal, args).await {
        Ok(result) => result.render(memos).map_err(Served::Unencodable),
        Err(error) => Err(Served::Failed(error)),
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
