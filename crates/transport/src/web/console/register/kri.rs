//! Register → one KRI: its definition, colour and why, links, recent observations (with
//! the notes of manual ones), and for analysts and admins the forms that change its
//! thresholds, owner and aliases and record a value by hand.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use draxis_domain::ToolError;
use draxis_protocol::tools::GetKri;
use draxis_protocol::types::{GetKriArgs, KriDetail};
use http::StatusCode;

use super::{number, principal, status_class};
use crate::AppState;
use crate::web::console::{SignedIn, when};
use crate::web::{Chrome, error_page, page, try_again};

/// How many observations the page shows.
const HISTORY: u32 = 20;

/// The KRI form's fields as text (as stored, or as the person typed them).
pub(super) struct KriForm {
    pub warn: String,
    pub critical: String,
    pub owner: String,
    pub aliases: String,
}

impl KriForm {
    fn of(kri: &KriDetail) -> Self {
        Self {
            warn: number(kri.kri.warn),
            critical: number(kri.kri.critical),
            owner: kri.kri.owner.clone(),
            aliases: kri.aliases.join("\n"),
        }
    }
}

/// What the page says after a post: a notice, or the problems and the typed values.
#[derive(Default)]
pub(super) struct Outcome {
    pub notice: Option<String>,
    pub errors: Vec<String>,
    pub form: Option<KriForm>,
    pub observation_errors: Vec<String>,
}

struct HistoryRow {
    when: String,
    value: String,
    source: String,
    note: String,
}

#[derive(Template)]
#[template(path = "register_kri.html")]
struct KriPage {
    chrome: Option<Chrome>,
    chrome_csrf: String,
    notice: Option<String>,
    errors: Vec<String>,
    observation_errors: Vec<String>,
    kri: KriDetail,
    slug_path: String,
    status: &'static str,
    status_class: &'static str,
    value: String,
    /// The current value as a plain number (empty when none), for scripts and tests.
    raw_value: String,
    observed: String,
    links: Vec<String>,
    history: Vec<HistoryRow>,
    may_edit: bool,
    form: KriForm,
}

/// `GET /register/kris/{slug}`.
pub(crate) async fn show(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    signed: SignedIn,
) -> Response {
    kri_page(&state, &signed, &slug, StatusCode::OK, Outcome::default()).await
}

/// The KRI's page, answered with `status` and what a post did.
pub(super) async fn kri_page(
    state: &AppState,
    signed: &SignedIn,
    slug: &str,
    status: StatusCode,
    outcome: Outcome,
) -> Response {
    let args = GetKriArgs {
        id: slug.to_string(),
        history_limit: Some(HISTORY),
    };
    let kri = match state.queries.call::<GetKri>(&principal(signed), args).await {
        Ok(kri) => kri,
        Err(ToolError::NotFound(_) | ToolError::InvalidArgument(_)) => {
            let message = format!("No KRI “{slug}” in this tenant. Pick one from the list.");
            return error_page(
                StatusCode::NOT_FOUND,
                "No such KRI",
                &message,
                "/register/kris",
            );
        }
        Err(ToolError::Storage(error)) => {
            tracing::error!(%error, "KRI page failed");
            return try_again("The KRI cannot be read right now.", "/register/kris");
        }
    };
    let summary = &kri.kri;
    let links = kri
        .risks
        .iter()
        .map(|r| format!("risk {} {}", r.r#ref, r.title))
        .chain(
            kri.controls
                .iter()
                .map(|c| format!("control {} {}", c.r#ref, c.name)),
        )
        .chain(
            kri.outcome
                .iter()
                .map(|o| format!("outcome {} {}", o.r#ref, o.name)),
        )
        .collect();
    let history = kri
        .history
        .iter()
        .map(|o| HistoryRow {
            when: when(Some(o.observed_at.timestamp_millis())),
            value: format!("{} {}", number(o.value), summary.unit),
            source: o.source.clone(),
            note: o.note.clone().unwrap_or_default(),
        })
        .collect();
    let form = outcome.form.unwrap_or_else(|| KriForm::of(&kri));
    page(
        status,
        &KriPage {
            chrome: Some(signed.chrome()),
            chrome_csrf: signed.browser.csrf.clone(),
            notice: outcome.notice,
            errors: outcome.errors,
            observation_errors: outcome.observation_errors,
            slug_path: super::segment(&summary.slug),
            status: summary.status.as_str(),
            status_class: status_class(summary.status.as_str()),
            value: summary.current_value.map_or_else(
                || "no value yet".into(),
                |v| format!("{} {}", number(v), summary.unit),
            ),
            raw_value: summary
                .current_value
                .map(|v| v.to_string())
                .unwrap_or_default(),
            observed: when(summary.last_observed_at.map(|t| t.timestamp_millis())),
            links,
            history,
            may_edit: signed.current.role.may_review(),
            form,
            kri,
        },
    )
}
