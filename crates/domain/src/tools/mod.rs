//! The rules behind the read tools, one module per tool: each implements [`Handle`] for
//! its [`Tool`] type on [`RiskQueries`]. They load one tenant's rows, apply the rules,
//! filter, sort and page over the rows, and build the contract's answer only for the page.

mod get_asset_inventory;
mod get_kri;
mod list_controls;
mod list_integrations;
mod list_kris;
mod list_outcomes;
mod list_risks;
mod list_simulations;
mod list_vendors;

use std::future::Future;
use std::sync::Arc;

use draxis_auth::Principal;
use draxis_protocol::Tool;

use crate::entities::Link;
use crate::error::{ToolError, ToolResult};
use crate::paging::KeyPart;
use crate::repository::{RefKind, RiskRepository};

/// Serves one tool: its arguments in, its result (or a sentence for the caller) out.
pub trait Handle<T: Tool> {
    fn handle(
        &self,
        principal: &Principal,
        args: T::Args,
    ) -> impl Future<Output = Result<T::Output, ToolError>> + Send;
}

/// The read side of the product, shared by every request.
#[derive(Clone)]
pub struct RiskQueries {
    repo: Arc<dyn RiskRepository>,
}

impl std::fmt::Debug for RiskQueries {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RiskQueries").finish_non_exhaustive()
    }
}

impl RiskQueries {
    pub fn new(repo: Arc<dyn RiskRepository>) -> Self {
        Self { repo }
    }

    /// Answers tool `T`: `queries.call::<ListRisks>(&principal, args)`.
    pub async fn call<T: Tool>(&self, principal: &Principal, args: T::Args) -> ToolResult<T::Output>
    where
        Self: Handle<T>,
    {
        self.handle(principal, args).await
    }

    /// The row a tool argument names (id or ref), or a sentence saying how to find one.
    async fn require_ref(
        &self,
        principal: &Principal,
        kind: RefKind,
        key: &str,
    ) -> ToolResult<Link> {
        if let Some(link) = self.repo.find_ref(principal.tenant_id, kind, key).await? {
            return Ok(link);
        }
        let (noun, tool, example) = match kind {
            RefKind::Risk => ("risk", "list_risks", "R-001 or risk_3"),
            RefKind::Control => ("control", "list_controls", "C-001 or ctl_3"),
            RefKind::Outcome => ("outcome", "list_outcomes", "O-01 or out_2"),
            RefKind::Integration => (
                "integration",
                "list_integrations",
                "int_1 or its exact name",
            ),
        };
        Err(ToolError::NotFound(format!(
            "no {noun} `{key}` in this tenant: call {tool} to see valid values (such as {example})"
        )))
    }

    /// [`Self::require_ref`] for an optional argument.
    async fn optional_ref(
        &self,
        principal: &Principal,
        kind: RefKind,
        key: Option<&str>,
    ) -> ToolResult<Option<Link>> {
        match key {
            Some(key) => Ok(Some(self.require_ref(principal, kind, key).await?)),
            None => Ok(None),
        }
    }
}

/// How many refs a list item carries of each kind of link; its count field says how
/// many there are, and a filtered list call names them all.
const LISTED_REFS: usize = 10;

/// The first [`LISTED_REFS`] refs of `links`.
fn link_refs(links: &[Link]) -> Vec<String> {
    first_refs(links.iter().map(|l| l.r#ref.as_str()))
}

/// The first [`LISTED_REFS`] of `refs`, owned.
fn first_refs<'a>(refs: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    refs.into_iter()
        .take(LISTED_REFS)
        .map(str::to_owned)
        .collect()
}

/// How many links there are, for a count field.
fn count(links: &[Link]) -> u32 {
    u32::try_from(links.len()).unwrap_or(u32::MAX)
}

fn num(value: f64) -> KeyPart {
    KeyPart::Num(value)
}

fn text(value: &str) -> KeyPart {
    KeyPart::Text(value.to_lowercase())
}

/// A text filter as matched: trimmed and lower-cased, `None` when empty.
fn needle(text: Option<&str>) -> Option<String> {
    text.map(|t| t.trim().to_lowercase())
        .filter(|t| !t.is_empty())
}

/// Whether `haystack` contains the lower-cased `needle`, ignoring case.
fn contains(haystack: &str, needle: &str) -> bool {
    haystack.to_lowercase().contains(needle)
}
