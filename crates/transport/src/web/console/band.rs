//! Settings → Autonomy band (admins only): how confident an extraction must be for the
//! Drop Zone to accept it without review.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use draxis_protocol::types::AutonomyBand;
use http::StatusCode;

use super::{SignedIn, SignedInForm};
use crate::AppState;
use crate::web::{Chrome, error_page, page, try_again};

#[derive(Template)]
#[template(path = "band.html")]
struct BandPage {
    chrome: Option<Chrome>,
    chrome_csrf: String,
    notice: Option<String>,
    band: String,
    choices: Vec<(&'static str, &'static str, bool)>,
}

const BAND_CHOICES: [(&str, &str); 4] = [
    ("manual", "manual: every proposal waits for review"),
    (
        "conservative",
        "conservative: auto-accept at confidence ≥ 0.95",
    ),
    (
        "balanced",
        "balanced: auto-accept at confidence ≥ 0.85 (default)",
    ),
    ("autonomous", "autonomous: auto-accept at confidence ≥ 0.70"),
];

async fn band_page(state: &AppState, signed: &SignedIn, notice: Option<String>) -> Response {
    if !signed.current.role.is_admin() {
        return error_page(
            StatusCode::FORBIDDEN,
            "Admins only",
            "Only an admin of this tenant can see or change the autonomy band.",
            "/settings/tokens",
        );
    }
    let Ok(band) = state.dropzone.autonomy_band(signed.current.tenant_id).await else {
        return try_again("The band cannot be read right now.", "/settings/band");
    };
    page(
        StatusCode::OK,
        &BandPage {
            chrome: Some(signed.chrome()),
            chrome_csrf: signed.browser.csrf.clone(),
            notice,
            band: band.as_str().to_string(),
            choices: BAND_CHOICES
                .iter()
                .map(|(value, label)| (*value, *label, *value == band.as_str()))
                .collect(),
        },
    )
}

/// `GET /settings/band`.
pub(crate) async fn show(State(state): State<AppState>, signed: SignedIn) -> Response {
    band_page(&state, &signed, None).await
}

/// `POST /settings/band`: an admin changes the tenant's band.
pub(crate) async fn set(
    State(state): State<AppState>,
    SignedInForm { signed, form }: SignedInForm,
) -> Response {
    if !signed.current.role.is_admin() {
        return error_page(
            StatusCode::FORBIDDEN,
            "Admins only",
            "Only an admin of this tenant can change the autonomy band. Nothing was changed.",
            "/settings/tokens",
        );
    }
    let Some(band) = AutonomyBand::parse(form.get("band")) else {
        return error_page(
            StatusCode::BAD_REQUEST,
            "Unknown band",
            "Pick manual, conservative, balanced or autonomous.",
            "/settings/band",
        );
    };
    match state
        .dropzone
        .set_autonomy_band(signed.current.tenant_id, band, &signed.actor())
        .await
    {
        Ok(previous) => {
            let notice = format!(
                "Autonomy band changed from {} to {}.",
                previous.as_str(),
                band.as_str()
            );
            band_page(&state, &signed, Some(notice)).await
        }
        Err(_) => try_again(
            "The band could not be saved; nothing was changed.",
            "/settings/band",
        ),
    }
}
