//! The Register section, for every role: one tab per entity (`kris`, `risks`,
//! `controls`, `outcomes`, `vendors`, `assets`), each a page of the same list tool the
//! MCP clients call (so totals, filters and order agree), rendered by one template from a
//! [`Listing`]; a KRI's page with its history (`kri`); a risk's or control's page
//! (`records`); the edit posts of analysts and admins (`edit`, `forms`); the admins'
//! upload of a register file: its dry run (`upload`, `upload_page`), the bytes held for
//! the Apply (`held`) and the Apply (`apply`).
//! This file holds what the tabs share: the console user as a read-only [`Principal`],
//! the query string as a tool's arguments, and the list page.

pub(crate) mod apply;
pub(crate) mod assets;
pub(crate) mod controls;
pub(crate) mod edit;
mod forms;
pub(crate) mod held;
pub(crate) mod kri;
pub(crate) mod kris;
pub(crate) mod outcomes;
pub(crate) mod records;
pub(crate) mod risks;
pub(crate) mod upload;
mod upload_page;

pub use upload_page::UPLOAD_BODY_LIMIT;
pub(crate) mod vendors;

use std::collections::HashMap;

use askama::Template;
use axum::response::Response;
use draxis_auth::{Credential, Principal, Scopes};
use draxis_domain::ToolError;
use draxis_domain::register_edits::Editor;
use http::StatusCode;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::SignedIn;
use crate::audit::ClientAddress;
use crate::web::{Chrome, page, try_again};

/// The tabs, in order: path segment and label.
const TABS: [(&str, &str); 6] = [
    ("kris", "KRIs"),
    ("risks", "Risks"),
    ("controls", "Controls"),
    ("outcomes", "Outcomes"),
    ("vendors", "Vendors"),
    ("assets", "Assets"),
];

/// The console user reading the current tenant, as the read tools see a caller.
pub(crate) fn principal(signed: &SignedIn) -> Principal {
    Principal {
        tenant_id: signed.current.tenant_id,
        tenant_slug: signed.current.tenant_slug.clone(),
        credential: Credential::Session {
            session_id: signed.browser.session.id,
            user_id: signed.browser.session.user.id,
            user_email: signed.email().to_string(),
        },
        scopes: Scopes::READ,
    }
}

/// Who edits, for the audit trail: `user:<email>`, the session, the peer address.
pub(crate) fn editor(signed: &SignedIn, ClientAddress(address): &ClientAddress) -> Editor {
    Editor {
        actor: signed.pat_owner(),
        credential: Some(format!("session:{}", signed.browser.session.id)),
        client_address: address.map(|a| a.to_string()),
    }
}

/// How a query parameter becomes a tool argument.
#[derive(Clone, Copy)]
pub(crate) enum Arg {
    /// As written (an enum spelling or free text).
    Text,
    /// A number (`minScore`, `tier`).
    Number,
    /// `true` or `false`.
    Flag,
}

/// The list tool's arguments from the query string: only `fields` (and `cursor`) are
/// taken, empty values are left out, the tool's own types refuse bad spellings.
pub(crate) fn tool_args<A: DeserializeOwned>(
    query: &HashMap<String, String>,
    fields: &[(&str, Arg)],
) -> Result<A, String> {
    let mut args = Map::new();
    for (name, kind) in fields.iter().chain([&("cursor", Arg::Text)]) {
        let Some(text) = query.get(*name).map(|v| v.trim()).filter(|v| !v.is_empty()) else {
            continue;
        };
        let value = match kind {
            Arg::Text => Value::String(text.to_string()),
            Arg::Number => text
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite())
                .and_then(|n| {
                    if n.fract() == 0.0 && n >= 0.0 {
                        Some(Value::from(n as u64))
                    } else {
                        serde_json::Number::from_f64(n).map(Value::Number)
                    }
                })
                .ok_or_else(|| format!("{name}: “{text}” is not a number"))?,
            Arg::Flag => Value::Bool(text == "true"),
        };
        args.insert((*name).to_string(), value);
    }
    serde_json::from_value(Value::Object(args)).map_err(|error| {
        format!("These filters cannot be used: {error}. Clear them and try again.")
    })
}

/// One filter of a tab: a text box when `options` is empty, else a choice.
pub(crate) struct Filter {
    pub name: &'static str,
    pub label: &'static str,
    pub value: String,
    pub options: Vec<&'static str>,
}

impl Filter {
    pub fn text(query: &HashMap<String, String>, name: &'static str, label: &'static str) -> Self {
        Self::choice(query, name, label, &[])
    }

    pub fn choice(
        query: &HashMap<String, String>,
        name: &'static str,
        label: &'static str,
        options: &[&'static str],
    ) -> Self {
        Self {
            name,
            label,
            value: query
                .get(name)
                .map(|v| v.trim().to_string())
                .unwrap_or_default(),
            options: options.to_vec(),
        }
    }
}

/// A table cell: its text, a CSS class (`status-red`...), and a link.
pub(crate) struct Cell {
    pub text: String,
    pub class: &'static str,
    pub href: Option<String>,
}

impl Cell {
    pub fn plain(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            class: "",
            href: None,
        }
    }

    pub fn link(text: impl Into<String>, href: String) -> Self {
        Self {
            href: Some(href),
            ..Self::plain(text)
        }
    }

    pub fn status(text: &'static str) -> Self {
        Self {
            text: text.to_string(),
            class: status_class(text),
            href: None,
        }
    }
}

/// The CSS class of a colour or rating.
pub(crate) fn status_class(status: &str) -> &'static str {
    match status {
        "red" => "status status-red",
        "amber" => "status status-amber",
        "green" => "status status-green",
        _ => "status status-unknown",
    }
}

/// One tab's page of rows, as the list tool answered it.
pub(crate) struct Listing {
    pub headers: &'static [&'static str],
    pub rows: Vec<Vec<Cell>>,
    pub total: u64,
    pub next_cursor: Option<String>,
    /// A sentence above the table (the asset counts).
    pub summary: Option<String>,
}

#[derive(Template)]
#[template(path = "register_list.html")]
struct ListPage {
    chrome: Option<Chrome>,
    notice: Option<String>,
    error: Option<String>,
    tab: &'static str,
    tabs: Vec<(&'static str, &'static str)>,
    title: &'static str,
    filters: Vec<Filter>,
    listing: Option<Listing>,
    next_href: Option<String>,
    is_admin: bool,
}

/// The page of tab `tab`: the listing, or the caller's mistake with the filters kept.
pub(crate) fn list_page(
    signed: &SignedIn,
    tab: &'static str,
    filters: Vec<Filter>,
    listing: Result<Listing, ToolError>,
) -> Response {
    let title = TABS
        .iter()
        .find(|(t, _)| *t == tab)
        .map_or("Register", |(_, label)| *label);
    let (status, listing, error) = match listing {
        Ok(listing) => (StatusCode::OK, Some(listing), None),
        Err(ToolError::InvalidArgument(e) | ToolError::NotFound(e)) => {
            (StatusCode::BAD_REQUEST, None, Some(e))
        }
        Err(ToolError::Storage(error)) => {
            tracing::error!(%error, tab, "register list failed");
            return try_again("The register cannot be read right now.", "/register/kris");
        }
    };
    let next_href = listing
        .as_ref()
        .and_then(|l| l.next_cursor.as_ref())
        .map(|cursor| {
            let mut pairs: Vec<(&str, &str)> = filters
                .iter()
                .filter(|f| !f.value.is_empty())
                .map(|f| (f.name, f.value.as_str()))
                .collect();
            pairs.push(("cursor", cursor));
            format!(
                "/register/{tab}?{}",
                serde_urlencoded::to_string(pairs).unwrap_or_default()
            )
        });
    page(
        status,
        &ListPage {
            chrome: Some(signed.chrome()),
            notice: None,
            error,
            tab,
            tabs: TABS.to_vec(),
            title,
            filters,
            listing,
            next_href,
            is_admin: signed.current.role.is_admin(),
        },
    )
}

/// An invalid filter as the list answers it.
pub(crate) fn bad_filter(message: String) -> ToolError {
    ToolError::InvalidArgument(message)
}

/// A number for a cell: whole numbers without decimals, others with up to two.
pub(crate) fn number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{value:.0}")
    } else {
        format!("{value:.2}")
    }
}

/// A path segment (a slug or ref) made safe for a link.
pub(crate) fn segment(key: &str) -> String {
    serde_urlencoded::to_string([("", key)])
        .map(|s| s.trim_start_matches('=').replace('+', "%20"))
        .unwrap_or_default()
}

/// `GET /register`: the first tab.
pub(crate) async fn home(_signed: SignedIn) -> Response {
    crate::web::see_other("/register/kris")
}
