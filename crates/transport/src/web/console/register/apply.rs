//! `POST /register/upload/apply`: imports exactly the files a dry run showed. The form
//! posts only the held upload's id (and the CSRF token); the files are taken from memory,
//! once, and only by the session, user and tenant that uploaded them, within 10 minutes;
//! their SHA-256 must still be the previewed ones. Anything else is refused and recorded.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Extension, RawForm, State};
use axum::response::Response;
use draxis_register::ImportOptions;
use http::{HeaderMap, StatusCode};

use super::held::HeldUploads;
use super::upload::{Failed, Refusal, importer, owner, record_failure, refuse, run_import};
use super::upload_page::{ReportView, Shown, upload_page};
use crate::AppState;
use crate::audit::ClientAddress;
use crate::web::console::{SignedIn, checked_form};

/// `POST /register/upload/apply`.
pub(crate) async fn apply(
    State(state): State<AppState>,
    Extension(held): Extension<Arc<HeldUploads>>,
    signed: SignedIn,
    address: ClientAddress,
    headers: HeaderMap,
    RawForm(body): RawForm,
) -> Response {
    let form = checked_form(&state, &headers, &signed.browser, &body);
    if !signed.current.role.is_admin() {
        return refuse(&state, &signed, &address, Refusal::NotAdmin).await;
    }
    let Some(form) = form else {
        return refuse(&state, &signed, &address, Refusal::NotOurPage).await;
    };
    let id = form.get("upload");
    let who = owner(&signed);
    let Some((upload, held_at)) = held.take(id, who, Instant::now()) else {
        let reason =
            "the upload is not held for this session (expired, applied already, or another's)";
        record_failure(&state, &signed, &address, reason).await;
        let message = "This dry run is no longer held for you, so nothing was written: an upload \
waits 10 minutes for its Apply, is applied once, and only from the session (and tenant) that \
uploaded it, on the server that showed its dry run. Upload the files again.";
        return upload_page(&signed, StatusCode::GONE, Shown::error(message));
    };
    let options = ImportOptions {
        dry_run: false,
        prune: upload.prune,
    };
    let tenant = signed.current.tenant_id;
    let by = importer(&signed, &address);
    let previewed = Some(upload.previewed.as_slice());
    match run_import(&state, tenant, &by, &upload.files, options, previewed).await {
        Ok(report) => {
            let shown = Shown {
                report: Some(ReportView::new(&report, upload.prune)),
                prune: upload.prune,
                ..Shown::default()
            };
            upload_page(&signed, StatusCode::OK, shown)
        }
        Err(Failed::Unavailable) => {
            // Nothing was written: the admin may press Apply again.
            let prune = upload.prune;
            held.put_back(id.to_owned(), who, upload, held_at);
            Failed::Unavailable.page(&signed, prune)
        }
        Err(failed) => failed.page(&signed, upload.prune),
    }
}
