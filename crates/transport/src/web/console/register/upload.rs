//! Register → Upload (admins only): `GET` the form; `POST` the files (multipart, at most
//! [`UPLOAD_BODY_LIMIT`]) to validate them against the tenant's keys and run the import
//! as a dry run, holding the bytes for the Apply (`apply.rs`). A post by a non-admin, from
//! another site or without the session's CSRF token is refused with 403 and recorded as
//! a failed `register.import`, as the edit posts are.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::multipart::{Multipart, MultipartError, MultipartRejection};
use axum::extract::{Extension, State};
use axum::response::Response;
use draxis_auth::AuditEvent;
use draxis_auth::audit::Outcome as AuditOutcome;
use draxis_auth::audit::action;
use draxis_auth::server::csrf_matches;
use draxis_domain::register::{ImportError, Importer};
use draxis_register::{FileContent, ImportOptions, ImportReport, InputFile, Problems};
use http::{HeaderMap, StatusCode, header};
use serde_json::json;
use sha2::{Digest, Sha256};

use super::held::{HeldUpload, HeldUploads, HoldError, Owner};
use super::upload_page::{ReportView, Shown, UPLOAD_BODY_LIMIT, upload_page};
use crate::AppState;
use crate::audit::{self, ClientAddress};
use crate::web::console::SignedIn;
use crate::web::{error_page, forbidden_post, same_origin, try_again};

/// Files taken in one upload (a document and the seven CSVs fit many times over).
const MAX_FILES: usize = 32;

/// The longest file name kept, in characters.
const MAX_NAME_CHARS: usize = 200;

/// Why a post was refused.
#[derive(Clone, Copy)]
pub(super) enum Refusal {
    NotAdmin,
    NotOurPage,
}

/// Records the refused import and answers 403.
pub(super) async fn refuse(
    state: &AppState,
    signed: &SignedIn,
    address: &ClientAddress,
    refusal: Refusal,
) -> Response {
    let reason = match refusal {
        Refusal::NotAdmin => "only admins can import a register",
        Refusal::NotOurPage => "missing or wrong CSRF token, or a cross-site post",
    };
    record_failure(state, signed, address, reason).await;
    match refusal {
        Refusal::NotOurPage => forbidden_post(),
        Refusal::NotAdmin => not_admin(),
    }
}

/// A failed `register.import` on the audit trail, naming the user and `reason`.
pub(super) async fn record_failure(
    state: &AppState,
    signed: &SignedIn,
    address: &ClientAddress,
    reason: &str,
) {
    let subject = format!("tenant:{}", signed.current.tenant_slug);
    let event: AuditEvent = signed
        .audit_event(action::REGISTER_IMPORT, subject, address.clone())
        .with_outcome(AuditOutcome::Failure)
        .with_details(json!({ "reason": reason, "role": signed.current.role.as_str() }));
    audit::record(state, event).await;
}

fn not_admin() -> Response {
    error_page(
        StatusCode::FORBIDDEN,
        "Admins only",
        "Only an admin of this tenant can import a register file; analysts change single records on their pages. Ask an admin to upload it. Nothing was changed.",
        "/register/kris",
    )
}

/// Who may apply a held upload: this session, user and tenant.
pub(super) fn owner(signed: &SignedIn) -> Owner {
    Owner {
        session_id: signed.browser.session.id,
        user_id: signed.browser.session.user.id,
        tenant: signed.current.tenant_id,
    }
}

/// Who imports, for the audit trail: `user:<email>` and the peer address.
pub(super) fn importer(signed: &SignedIn, ClientAddress(address): &ClientAddress) -> Importer {
    Importer {
        actor: signed.pat_owner(),
        client_address: address.map(|a| a.to_string()),
    }
}

/// `GET /register/upload`.
pub(crate) async fn show(signed: SignedIn) -> Response {
    if !signed.current.role.is_admin() {
        return not_admin();
    }
    upload_page(&signed, StatusCode::OK, Shown::default())
}

/// The posted form.
struct Upload {
    csrf: String,
    prune: bool,
    files: Vec<(String, Arc<[u8]>)>,
}

fn too_large() -> Shown {
    Shown::error(format!(
        "The upload is larger than {} MiB, the most the console takes. Upload fewer files at a \
time, or import large registers with `draxis-admin register import`. Nothing was changed.",
        UPLOAD_BODY_LIMIT / 1024 / 1024
    ))
}

fn unreadable(error: &MultipartError) -> (StatusCode, Shown) {
    if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return (StatusCode::PAYLOAD_TOO_LARGE, too_large());
    }
    let message = format!(
        "The upload could not be read ({}). Choose the files again and resend; nothing was changed.",
        error.body_text()
    );
    (StatusCode::BAD_REQUEST, Shown::error(message))
}

/// The file's name as the user gave it: its last path component, at most
/// [`MAX_NAME_CHARS`] characters.
fn file_name(given: &str) -> String {
    let base = given.rsplit(['/', '\\']).next().unwrap_or(given).trim();
    base.chars().take(MAX_NAME_CHARS).collect()
}

async fn read_upload(mut multipart: Multipart) -> Result<Upload, (StatusCode, Shown)> {
    let mut upload = Upload {
        csrf: String::new(),
        prune: false,
        files: Vec::new(),
    };
    while let Some(field) = multipart.next_field().await.map_err(|e| unreadable(&e))? {
        let name = field.name().unwrap_or_default().to_owned();
        let given = field.file_name().map(file_name);
        let bytes = field.bytes().await.map_err(|e| unreadable(&e))?;
        match name.as_str() {
            "csrf" => upload.csrf = String::from_utf8_lossy(&bytes).trim().to_owned(),
            "prune" => upload.prune = !bytes.is_empty(),
            "files" => {
                let given = given.unwrap_or_default();
                if given.is_empty() && bytes.is_empty() {
                    continue; // the file input, left empty
                }
                if upload.files.len() == MAX_FILES {
                    let message = format!(
                        "At most {MAX_FILES} files per upload: one register document and/or one CSV per entity. Nothing was changed."
                    );
                    return Err((StatusCode::BAD_REQUEST, Shown::error(message)));
                }
                upload.files.push((given, Arc::from(bytes.to_vec())));
            }
            _ => {}
        }
    }
    Ok(upload)
}

/// `POST /register/upload`: the dry run.
pub(crate) async fn preview(
    State(state): State<AppState>,
    Extension(held): Extension<Arc<HeldUploads>>,
    signed: SignedIn,
    address: ClientAddress,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    if !signed.current.role.is_admin() {
        return refuse(&state, &signed, &address, Refusal::NotAdmin).await;
    }
    if !same_origin(&headers, &state.authz.config().issuer) {
        return refuse(&state, &signed, &address, Refusal::NotOurPage).await;
    }
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > UPLOAD_BODY_LIMIT as u64) {
        return upload_page(&signed, StatusCode::PAYLOAD_TOO_LARGE, too_large());
    }
    let Ok(multipart) = multipart else {
        let message =
            "Send the files with the upload form below (multipart/form-data). Nothing was changed.";
        return upload_page(&signed, StatusCode::BAD_REQUEST, Shown::error(message));
    };
    let upload = match read_upload(multipart).await {
        Ok(upload) => upload,
        Err((status, shown)) => return upload_page(&signed, status, shown),
    };
    if !csrf_matches(&signed.browser.cookie, &upload.csrf) {
        return refuse(&state, &signed, &address, Refusal::NotOurPage).await;
    }
    if upload.files.is_empty() {
        let message = "Choose at least one file: a register document or CSVs.";
        return upload_page(&signed, StatusCode::BAD_REQUEST, Shown::error(message));
    }
    let options = ImportOptions {
        dry_run: true,
        prune: upload.prune,
    };
    let tenant = signed.current.tenant_id;
    let by = importer(&signed, &address);
    let report = match run_import(&state, tenant, &by, &upload.files, options, None).await {
        Ok(report) => report,
        Err(failed) => return failed.page(&signed, upload.prune),
    };
    let kept = HeldUpload {
        files: upload.files,
        previewed: report.files.clone(),
        prune: upload.prune,
    };
    let id = match held.hold(owner(&signed), kept, Instant::now()) {
        Ok(id) => id,
        Err(HoldError::Full) => {
            return try_again(
                "The server holds as many uploads awaiting Apply as it can; try again in a few minutes. Nothing was changed.",
                "/register/upload",
            );
        }
        Err(HoldError::NoRandomness) => {
            tracing::error!("no randomness for an upload id");
            return try_again(
                "The upload could not be held for Apply; try again. Nothing was changed.",
                "/register/upload",
            );
        }
    };
    let shown = Shown {
        report: Some(ReportView::new(&report, upload.prune)),
        apply_id: Some(id),
        prune: upload.prune,
        ..Shown::default()
    };
    upload_page(&signed, StatusCode::OK, shown)
}

/// Why an import (dry or not) wrote nothing.
pub(super) enum Failed {
    /// The files are not a valid register for this tenant (now).
    Invalid(Problems),
    /// The files about to be applied are not the ones previewed.
    NotPreviewed,
    /// The database, or the validating thread, failed.
    Unavailable,
}

impl Failed {
    /// The page saying why.
    pub fn page(self, signed: &SignedIn, prune: bool) -> Response {
        match self {
            Failed::Invalid(problems) => upload_page(
                signed,
                StatusCode::BAD_REQUEST,
                Shown::problems(&problems, prune),
            ),
            Failed::NotPreviewed => {
                let message = "These files are not the ones previewed (their SHA-256 differs); nothing was written. Upload them again.";
                upload_page(signed, StatusCode::CONFLICT, Shown::error(message))
            }
            Failed::Unavailable => try_again(
                "The register cannot be imported right now; nothing was changed. Try again in a moment.",
                "/register/upload",
            ),
        }
    }
}

/// Validates `files` against the tenant's keys (on a blocking thread: it parses and
/// checks every row), then imports them with `options`; with `previewed`, the files'
/// SHA-256 must be those. Files that do not validate are recorded as a refused import.
pub(super) async fn run_import(
    state: &AppState,
    tenant: draxis_auth::TenantId,
    by: &Importer,
    files: &[(String, Arc<[u8]>)],
    options: ImportOptions,
    previewed: Option<&[(String, String)]>,
) -> Result<ImportReport, Failed> {
    let existing = state
        .register_import
        .existing_keys(tenant)
        .await
        .map_err(|error| {
            tracing::error!(%error, "register keys could not be read");
            Failed::Unavailable
        })?;
    let inputs: Vec<InputFile> = files
        .iter()
        .map(|(name, bytes)| InputFile {
            name: name.clone(),
            content: FileContent::Bytes(bytes.clone()),
        })
        .collect();
    let checked = {
        let inputs = inputs.clone();
        tokio::task::spawn_blocking(move || draxis_register::validate(&inputs, &existing, options))
            .await
            .map_err(|error| {
                tracing::error!(%error, "register validation did not finish");
                Failed::Unavailable
            })?
    };
    let validated = match checked {
        Ok(validated) => validated,
        Err(problems) => {
            let hashes: Vec<(String, String)> = files
                .iter()
                .map(|(name, bytes)| (name.clone(), hex::encode(Sha256::digest(bytes))))
                .collect();
            let register = &state.register_import;
            if let Err(error) = register
                .refuse(tenant, &hashes, options, &problems, by)
                .await
            {
                tracing::warn!(%error, "could not record the refused import");
            }
            return Err(Failed::Invalid(problems));
        }
    };
    if previewed.is_some_and(|previewed| previewed != validated.files.as_slice()) {
        return Err(Failed::NotPreviewed);
    }
    match state
        .register_import
        .import(tenant, validated, options, by)
        .await
    {
        Ok(report) => Ok(report),
        Err(ImportError::Invalid(problems)) => Err(Failed::Invalid(problems)),
        Err(ImportError::Storage(error)) => {
            tracing::error!(%error, "register import failed");
            Err(Failed::Unavailable)
        }
    }
}
