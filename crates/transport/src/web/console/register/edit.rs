//! The edit posts' shared guard, and the KRI's two posts (its settings, a manual value).
//! A post is taken only from an analyst or admin, from our own pages, with the session's
//! CSRF token; anything else is refused with 403 and recorded on the audit trail as a
//! failure naming the user, so a forged edit leaves a trace.

use axum::extract::{Path, RawForm, State};
use axum::response::Response;
use chrono::Utc;
use draxis_auth::AuditEvent;
use draxis_auth::audit::Outcome as AuditOutcome;
use draxis_domain::register_edits::{EditError, Edited, FieldProblem, Recorded, action};
use http::{HeaderMap, StatusCode};
use serde_json::json;

use super::kri::{KriForm, Outcome, kri_page};
use super::{editor, forms};
use crate::AppState;
use crate::audit::{self, ClientAddress};
use crate::web::console::{Fields, SignedIn, checked_form};
use crate::web::{error_page, forbidden_post, try_again};

/// The posted form, if this user may edit and the post is our own; else the 403 page,
/// after recording the refusal of `action` on `subject`.
pub(super) async fn edit_form(
    state: &AppState,
    signed: &SignedIn,
    headers: &HeaderMap,
    address: &ClientAddress,
    body: &[u8],
    (action, subject): (&'static str, String),
) -> Result<Fields, Response> {
    let form = checked_form(state, headers, &signed.browser, body);
    let reason = match (&form, signed.current.role.may_review()) {
        (None, _) => "missing or wrong CSRF token, or a cross-site post",
        (Some(_), false) => "viewers cannot change the register",
        (Some(_), true) => return form.ok_or_else(forbidden_post),
    };
    let event: AuditEvent = signed
        .audit_event(action, subject, address.clone())
        .with_outcome(AuditOutcome::Failure)
        .with_details(json!({ "reason": reason, "role": signed.current.role.as_str() }));
    audit::record(state, event).await;
    Err(if form.is_none() {
        forbidden_post()
    } else {
        error_page(
            StatusCode::FORBIDDEN,
            "Not allowed",
            "Viewers can read the register; an analyst or admin can change it. Nothing was changed.",
            "/register/kris",
        )
    })
}

/// Problems as sentences for the form.
pub(super) fn sentences(problems: &[FieldProblem]) -> Vec<String> {
    problems
        .iter()
        .map(|p| {
            format!(
                "{}: {}. Nothing was changed.",
                p.field.replace('_', " "),
                p.message
            )
        })
        .collect()
}

/// The sentence saying what an edit changed.
pub(super) fn changed_notice(what: &str, edited: &Edited) -> Option<String> {
    match edited {
        Edited::Changed(changes) => Some(format!(
            "Saved {what}: {}.",
            changes
                .iter()
                .map(|c| format!("{} {} → {}", c.field, c.before, c.after))
                .collect::<Vec<_>>()
                .join("; ")
        )),
        Edited::Unchanged => Some(format!(
            "{what} already had these values; nothing was changed."
        )),
        Edited::NotFound => None,
    }
}

/// `POST /register/kris/{slug}`: thresholds, owner and aliases.
pub(crate) async fn edit_kri(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    signed: SignedIn,
    address: ClientAddress,
    headers: HeaderMap,
    RawForm(body): RawForm,
) -> Response {
    let subject = (action::KRI_EDIT, format!("kri:{slug}"));
    let form = match edit_form(&state, &signed, &headers, &address, &body, subject).await {
        Ok(form) => form,
        Err(refused) => return refused,
    };
    let typed = || KriForm {
        warn: form.get("warn").to_string(),
        critical: form.get("critical").to_string(),
        owner: form.get("owner").to_string(),
        aliases: form.get("aliases").to_string(),
    };
    let invalid = |problems: &[FieldProblem]| Outcome {
        errors: sentences(problems),
        form: Some(typed()),
        ..Outcome::default()
    };
    let settings = match forms::kri_settings(&form) {
        Ok(settings) => settings,
        Err(problems) => {
            return kri_page(
                &state,
                &signed,
                &slug,
                StatusCode::BAD_REQUEST,
                invalid(&problems),
            )
            .await;
        }
    };
    let tenant = signed.current.tenant_id;
    let by = editor(&signed, &address);
    match state.register.edit_kri(tenant, &slug, &settings, &by).await {
        Ok(Edited::NotFound) => not_found(&slug),
        Ok(edited) => {
            let outcome = Outcome {
                notice: changed_notice(&slug, &edited),
                ..Outcome::default()
            };
            kri_page(&state, &signed, &slug, StatusCode::OK, outcome).await
        }
        Err(EditError::Invalid(problems)) => {
            kri_page(
                &state,
                &signed,
                &slug,
                StatusCode::BAD_REQUEST,
                invalid(&problems),
            )
            .await
        }
        Err(EditError::Storage(error)) => {
            tracing::error!(%error, "KRI edit failed");
            try_again(
                "The change could not be saved; nothing was changed.",
                "/register/kris",
            )
        }
    }
}

/// `POST /register/kris/{slug}/observations`: a value entered by hand.
pub(crate) async fn record_observation(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    signed: SignedIn,
    address: ClientAddress,
    headers: HeaderMap,
    RawForm(body): RawForm,
) -> Response {
    let subject = (action::OBSERVATION_RECORD, format!("kri:{slug}"));
    let form = match edit_form(&state, &signed, &headers, &address, &body, subject).await {
        Ok(form) => form,
        Err(refused) => return refused,
    };
    let invalid = |problems: &[FieldProblem]| Outcome {
        observation_errors: sentences(problems),
        ..Outcome::default()
    };
    let observation = match forms::observation(&form, Utc::now()) {
        Ok(observation) => observation,
        Err(problems) => {
            return kri_page(
                &state,
                &signed,
                &slug,
                StatusCode::BAD_REQUEST,
                invalid(&problems),
            )
            .await;
        }
    };
    let tenant = signed.current.tenant_id;
    let by = editor(&signed, &address);
    match state
        .register
        .record_observation(tenant, &slug, &observation, &by)
        .await
    {
        Ok(Recorded::NotFound) => not_found(&slug),
        Ok(Recorded::Stored { current }) => {
            let notice = if current {
                format!(
                    "Recorded {} as the current value of {slug}.",
                    observation.value
                )
            } else {
                format!(
                    "Recorded {} in the history of {slug}; a later value stays current.",
                    observation.value
                )
            };
            let outcome = Outcome {
                notice: Some(notice),
                ..Outcome::default()
            };
            kri_page(&state, &signed, &slug, StatusCode::OK, outcome).await
        }
        Err(EditError::Invalid(problems)) => {
            kri_page(
                &state,
                &signed,
                &slug,
                StatusCode::BAD_REQUEST,
                invalid(&problems),
            )
            .await
        }
        Err(EditError::Storage(error)) => {
            tracing::error!(%error, "manual observation failed");
            try_again(
                "The value could not be saved; nothing was changed.",
                "/register/kris",
            )
        }
    }
}

fn not_found(key: &str) -> Response {
    let message =
        format!("No “{key}” in this tenant; nothing was changed. Pick one from the list.");
    error_page(
        StatusCode::NOT_FOUND,
        "Not found",
        &message,
        "/register/kris",
    )
}
