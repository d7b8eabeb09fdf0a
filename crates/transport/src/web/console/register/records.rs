//! Register → one risk or one control: what it is, and for analysts and admins the form
//! that changes a risk's status, ratings and FAIR parameters or a control's status and
//! effectiveness. A bad value re-renders the form with what was typed and why.

use askama::Template;
use axum::extract::{Path, RawForm, State};
use axum::response::Response;
use draxis_domain::register_edits::{EditError, Edited, FieldProblem, action};
use draxis_protocol::types::{ControlStatus, RiskStatus};
use http::{HeaderMap, StatusCode};

use super::edit::{changed_notice, edit_form, sentences};
use super::{editor, forms, number};
use crate::AppState;
use crate::audit::ClientAddress;
use crate::web::console::{Fields, SignedIn};
use crate::web::{Chrome, error_page, page, try_again};

/// Which record a page edits.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Risk,
    Control,
}

impl Kind {
    fn tab(self) -> &'static str {
        match self {
            Kind::Risk => "risks",
            Kind::Control => "controls",
        }
    }

    /// The form's fields in order: name, label, and for a choice its options.
    fn fields(self) -> Vec<(&'static str, &'static str, Vec<&'static str>)> {
        let statuses = match self {
            Kind::Risk => RiskStatus::ALL.iter().map(|s| s.as_str()).collect(),
            Kind::Control => ControlStatus::ALL.iter().map(|s| s.as_str()).collect(),
        };
        let mut fields = vec![("status", "Status", statuses)];
        let more: &[(&str, &str)] = match self {
            Kind::Risk => &[
                ("inherent_likelihood", "Inherent likelihood (1-5)"),
                ("inherent_impact", "Inherent impact (1-5)"),
                ("current_likelihood", "Current likelihood (1-5)"),
                ("current_impact", "Current impact (1-5)"),
                ("residual_likelihood", "Residual likelihood (1-5)"),
                ("residual_impact", "Residual impact (1-5)"),
                ("event_frequency", "Loss events per year"),
                ("loss_low", "Loss per event, 5th percentile"),
                ("loss_high", "Loss per event, 95th percentile"),
            ],
            Kind::Control => &[("effectiveness", "Effectiveness (0-1)")],
        };
        fields.extend(more.iter().map(|(name, label)| (*name, *label, Vec::new())));
        fields
    }
}

struct Field {
    name: &'static str,
    label: &'static str,
    value: String,
    options: Vec<&'static str>,
}

#[derive(Template)]
#[template(path = "register_record.html")]
struct RecordPage {
    chrome: Option<Chrome>,
    chrome_csrf: String,
    notice: Option<String>,
    errors: Vec<String>,
    tab: &'static str,
    key: String,
    key_path: String,
    title: String,
    facts: Vec<(&'static str, String)>,
    may_edit: bool,
    fields: Vec<Field>,
}

/// The record's page; `typed` holds the values a refused post carried.
async fn record_page(
    state: &AppState,
    signed: &SignedIn,
    kind: Kind,
    key: &str,
    status: StatusCode,
    (notice, errors, typed): (Option<String>, Vec<String>, Option<&Fields>),
) -> Response {
    let tenant = signed.current.tenant_id;
    let found = match kind {
        Kind::Risk => state.register.risk(tenant, key).await.map(|r| {
            r.map(|r| {
                let stored = vec![
                    r.status.as_str().to_string(),
                    r.inherent.likelihood.to_string(),
                    r.inherent.impact.to_string(),
                    r.current.likelihood.to_string(),
                    r.current.impact.to_string(),
                    r.residual.likelihood.to_string(),
                    r.residual.impact.to_string(),
                    number(r.event_frequency_per_year),
                    number(r.loss_magnitude_low),
                    number(r.loss_magnitude_high),
                ];
                let facts = vec![
                    ("Category", r.category.clone()),
                    ("Owner", r.owner.clone()),
                    ("Currency", r.currency.clone()),
                    ("Description", r.description.clone()),
                ];
                (r.r#ref.clone(), r.title.clone(), facts, stored)
            })
        }),
        Kind::Control => state.register.control(tenant, key).await.map(|c| {
            c.map(|c| {
                let stored = vec![c.status.as_str().to_string(), number(c.effectiveness)];
                let facts = vec![
                    ("Category", c.category.clone()),
                    ("Owner", c.owner.clone()),
                    ("NIST CSF", c.nist_csf.join(", ")),
                    ("ATT&CK", c.attack_techniques.join(", ")),
                ];
                (c.r#ref.clone(), c.name.clone(), facts, stored)
            })
        }),
    };
    let (r#ref, title, facts, stored) = match found {
        Ok(Some(found)) => found,
        Ok(None) => {
            let message = format!("No “{key}” in this tenant. Pick one from the list.");
            let back = format!("/register/{}", kind.tab());
            return error_page(StatusCode::NOT_FOUND, "Not found", &message, &back);
        }
        Err(error) => {
            tracing::error!(%error, "record page failed");
            return try_again("The register cannot be read right now.", "/register/kris");
        }
    };
    let fields = kind
        .fields()
        .into_iter()
        .zip(stored)
        .map(|((name, label, options), stored)| Field {
            name,
            label,
            value: typed.map_or(stored, |form| form.get(name).to_string()),
            options,
        })
        .collect();
    page(
        status,
        &RecordPage {
            chrome: Some(signed.chrome()),
            chrome_csrf: signed.browser.csrf.clone(),
            notice,
            errors,
            tab: kind.tab(),
            key_path: super::segment(&r#ref),
            key: r#ref,
            title,
            facts,
            may_edit: signed.current.role.may_review(),
            fields,
        },
    )
}

/// `GET /register/risks/{ref}`.
pub(crate) async fn show_risk(
    State(state): State<AppState>,
    Path(key): Path<String>,
    signed: SignedIn,
) -> Response {
    record_page(
        &state,
        &signed,
        Kind::Risk,
        &key,
        StatusCode::OK,
        (None, vec![], None),
    )
    .await
}

/// `GET /register/controls/{ref}`.
pub(crate) async fn show_control(
    State(state): State<AppState>,
    Path(key): Path<String>,
    signed: SignedIn,
) -> Response {
    record_page(
        &state,
        &signed,
        Kind::Control,
        &key,
        StatusCode::OK,
        (None, vec![], None),
    )
    .await
}

/// `POST /register/risks/{ref}`.
pub(crate) async fn edit_risk(
    State(state): State<AppState>,
    Path(key): Path<String>,
    signed: SignedIn,
    address: ClientAddress,
    headers: HeaderMap,
    RawForm(body): RawForm,
) -> Response {
    edit(&state, &signed, Kind::Risk, &key, &address, &headers, &body).await
}

/// `POST /register/controls/{ref}`.
pub(crate) async fn edit_control(
    State(state): State<AppState>,
    Path(key): Path<String>,
    signed: SignedIn,
    address: ClientAddress,
    headers: HeaderMap,
    RawForm(body): RawForm,
) -> Response {
    edit(
        &state,
        &signed,
        Kind::Control,
        &key,
        &address,
        &headers,
        &body,
    )
    .await
}

async fn edit(
    state: &AppState,
    signed: &SignedIn,
    kind: Kind,
    key: &str,
    address: &ClientAddress,
    headers: &HeaderMap,
    body: &[u8],
) -> Response {
    let subject = match kind {
        Kind::Risk => (action::RISK_EDIT, format!("risk:{key}")),
        Kind::Control => (action::CONTROL_EDIT, format!("control:{key}")),
    };
    let form = match edit_form(state, signed, headers, address, body, subject).await {
        Ok(form) => form,
        Err(refused) => return refused,
    };
    let tenant = signed.current.tenant_id;
    let by = editor(signed, address);
    let result = match kind {
        Kind::Risk => match forms::risk_settings(&form) {
            Ok(s) => state.register.edit_risk(tenant, key, &s, &by).await,
            Err(problems) => Err(EditError::Invalid(problems)),
        },
        Kind::Control => match forms::control_settings(&form) {
            Ok(s) => state.register.edit_control(tenant, key, &s, &by).await,
            Err(problems) => Err(EditError::Invalid(problems)),
        },
    };
    let refused = |problems: Vec<FieldProblem>| (None, sentences(&problems), Some(&form));
    match result {
        Ok(Edited::NotFound) => {
            record_page(
                state,
                signed,
                kind,
                key,
                StatusCode::NOT_FOUND,
                (None, vec![], None),
            )
            .await
        }
        Ok(edited) => {
            let notice = changed_notice(key, &edited);
            record_page(
                state,
                signed,
                kind,
                key,
                StatusCode::OK,
                (notice, vec![], None),
            )
            .await
        }
        Err(EditError::Invalid(problems)) => {
            record_page(
                state,
                signed,
                kind,
                key,
                StatusCode::BAD_REQUEST,
                refused(problems),
            )
            .await
        }
        Err(EditError::Storage(error)) => {
            tracing::error!(%error, "register edit failed");
            try_again(
                "The change could not be saved; nothing was changed.",
                "/register/kris",
            )
        }
    }
}
