//! The Pending Extraction Review queue: proposals the Drop Zone did not accept on its
//! own, which an analyst or admin accepts (optionally correcting the value) or rejects.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use draxis_dropzone::records::{Decided, Decision};
use http::StatusCode;

use super::{SignedIn, SignedInForm};
use crate::AppState;
use crate::web::{Chrome, error_page, page, try_again};

struct ProposalRow {
    id: i64,
    kri_slug: String,
    value: String,
    unit: String,
    confidence: String,
    reasons: String,
    observed: String,
    artifact: String,
    lines: String,
    excerpt: String,
}

#[derive(Template)]
#[template(path = "review.html")]
struct ReviewPage {
    chrome: Option<Chrome>,
    chrome_csrf: String,
    notice: Option<String>,
    error: Option<String>,
    band: String,
    may_review: bool,
    items: Vec<ProposalRow>,
}

async fn review_page(
    state: &AppState,
    signed: &SignedIn,
    status: StatusCode,
    notice: Option<String>,
    error: Option<String>,
) -> Response {
    let tenant = signed.current.tenant_id;
    let (queue, band) = match (
        state.dropzone.review_queue(tenant, 200).await,
        state.dropzone.autonomy_band(tenant).await,
    ) {
        (Ok(queue), Ok(band)) => (queue, band),
        _ => {
            return try_again("The review queue cannot be read right now.", "/review");
        }
    };
    let items = queue
        .into_iter()
        .map(|e| ProposalRow {
            id: e.id,
            kri_slug: e.kri_slug,
            value: format!("{}", e.value),
            unit: e.kri_unit,
            confidence: format!("{:.2}", e.confidence),
            reasons: e.reasons.join("; "),
            observed: e.observed_at.map_or_else(
                || "when received".into(),
                |t| t.format("%Y-%m-%d").to_string(),
            ),
            artifact: format!("art_{}", e.artifact_id),
            lines: if e.line_start == e.line_end {
                e.line_start.to_string()
            } else {
                format!("{}-{}", e.line_start, e.line_end)
            },
            excerpt: e.excerpt,
        })
        .collect();
    page(
        status,
        &ReviewPage {
            chrome: Some(signed.chrome()),
            chrome_csrf: signed.browser.csrf.clone(),
            notice,
            error,
            band: band.as_str().to_string(),
            may_review: signed.current.role.may_review(),
            items,
        },
    )
}

/// `GET /review`.
pub(crate) async fn show(State(state): State<AppState>, signed: SignedIn) -> Response {
    review_page(&state, &signed, StatusCode::OK, None, None).await
}

/// `POST /review/{id}`: an analyst or admin accepts or rejects one proposal.
pub(crate) async fn decide(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    SignedInForm { signed, form }: SignedInForm,
) -> Response {
    if !signed.current.role.may_review() {
        return error_page(
            StatusCode::FORBIDDEN,
            "Not allowed",
            "Viewers cannot decide proposals; an analyst or admin can. Nothing was changed.",
            "/review",
        );
    }
    let refuse =
        |status: StatusCode, error: String| review_page(&state, &signed, status, None, Some(error));
    let accept = match form.get("decision") {
        "accept" => true,
        "reject" => false,
        _ => return refuse(StatusCode::BAD_REQUEST, "Choose Accept or Reject.".into()).await,
    };
    let value = match form.get("value") {
        "" => None,
        text => match text.replace(',', "").parse::<f64>() {
            Ok(v) if v.is_finite() && accept => Some(v),
            Ok(_) if !accept => None,
            _ => {
                let error = format!("“{text}” is not a number; nothing was changed.");
                return refuse(StatusCode::BAD_REQUEST, error).await;
            }
        },
    };
    let note =
        Some(form.get("note").chars().take(500).collect::<String>()).filter(|n| !n.is_empty());
    let decision = Decision {
        accept,
        value,
        note,
    };
    match state
        .dropzone
        .decide(signed.current.tenant_id, id, &decision, &signed.actor())
        .await
    {
        Ok(Decided::Done(e)) => {
            let notice = if accept {
                format!(
                    "Accepted {} = {} {}; the next run of its integration writes it into the KRI.",
                    e.kri_slug, e.value, e.kri_unit
                )
            } else {
                format!(
                    "Rejected the {} proposal; it will never be written.",
                    e.kri_slug
                )
            };
            review_page(&state, &signed, StatusCode::OK, Some(notice), None).await
        }
        Ok(Decided::NotPending(state_now)) => {
            let error = format!("ext_{id} is already {state_now}; nothing was changed.");
            refuse(StatusCode::CONFLICT, error).await
        }
        Ok(Decided::NotFound) => {
            let error = format!("No proposal ext_{id} in this tenant.");
            refuse(StatusCode::NOT_FOUND, error).await
        }
        Err(_) => try_again(
            "The decision could not be saved; nothing was changed.",
            "/review",
        ),
    }
}
