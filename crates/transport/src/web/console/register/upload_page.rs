//! The upload page as rendered: the form, and under it either every problem of the files
//! (`file:line:column: field: message`, nothing else) or an import's report — counts per
//! entity and the rows created, updated or deleted — with the Apply form after a dry run.

use askama::Template;
use axum::response::Response;
use draxis_register::{ChangeKind, ImportReport, Problems};
use http::StatusCode;

use super::TABS;
use crate::web::console::SignedIn;
use crate::web::{Chrome, page};

/// The largest upload (the whole multipart body): the console's one route above the
/// 64 KiB form cap. Larger registers go through `draxis-admin register import`.
pub const UPLOAD_BODY_LIMIT: usize = 16 * 1024 * 1024;

/// One entity's line of the counts table.
pub(crate) struct CountRow {
    pub entity: &'static str,
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub deleted: u64,
}

/// One row the import creates, updates or deletes.
pub(crate) struct ChangeRow {
    pub kind: &'static str,
    pub entity: &'static str,
    pub key: String,
    pub fields: String,
}

/// An [`ImportReport`] as the page shows it.
pub(crate) struct ReportView {
    pub dry_run: bool,
    pub prune: bool,
    pub files: Vec<(String, String)>,
    /// Entities with any row in the files or deleted (the others are left out).
    pub counts: Vec<CountRow>,
    pub changes: Vec<ChangeRow>,
    pub truncated: bool,
    pub also_deleted: Vec<String>,
}

impl ReportView {
    pub fn new(report: &ImportReport, prune: bool) -> Self {
        let counts = report
            .counts
            .iter()
            .filter(|(_, c)| c.created + c.updated + c.unchanged + c.deleted > 0)
            .map(|(entity, c)| CountRow {
                entity: entity.plural(),
                created: c.created,
                updated: c.updated,
                unchanged: c.unchanged,
                deleted: c.deleted,
            })
            .collect();
        let changes = report
            .changes
            .iter()
            .map(|change| {
                let (kind, fields) = match &change.kind {
                    ChangeKind::Created => ("create", String::new()),
                    ChangeKind::Updated(fields) => ("update", fields.join(", ")),
                    ChangeKind::Deleted => ("delete", String::new()),
                };
                ChangeRow {
                    kind,
                    entity: change.entity.plural(),
                    key: change.key.clone(),
                    fields,
                }
            })
            .collect();
        Self {
            dry_run: report.dry_run,
            prune,
            files: report.files.clone(),
            counts,
            changes,
            truncated: report.changes_truncated,
            also_deleted: report
                .also_deleted
                .iter()
                .map(|a| format!("{} {}", a.count, a.what))
                .collect(),
        }
    }
}

#[derive(Template)]
#[template(path = "register_upload.html")]
struct UploadPage {
    chrome: Option<Chrome>,
    chrome_csrf: String,
    notice: Option<String>,
    tab: &'static str,
    tabs: Vec<(&'static str, &'static str)>,
    is_admin: bool,
    limit_mib: usize,
    prune: bool,
    error: Option<String>,
    problems: Vec<String>,
    report: Option<ReportView>,
    apply_id: Option<String>,
}

/// What the page shows under its form.
#[derive(Default)]
pub(crate) struct Shown {
    /// A sentence about the request itself (no files chosen, too large...).
    pub error: Option<String>,
    pub problems: Vec<String>,
    pub report: Option<ReportView>,
    /// The held upload's id, for the Apply form.
    pub apply_id: Option<String>,
    pub prune: bool,
}

impl Shown {
    pub fn error(message: impl Into<String>) -> Self {
        Self {
            error: Some(message.into()),
            ..Self::default()
        }
    }

    pub fn problems(problems: &Problems, prune: bool) -> Self {
        Self {
            problems: problems.0.iter().map(ToString::to_string).collect(),
            prune,
            ..Self::default()
        }
    }
}

/// The upload page with `shown` under its form.
pub(crate) fn upload_page(signed: &SignedIn, status: StatusCode, shown: Shown) -> Response {
    page(
        status,
        &UploadPage {
            chrome: Some(signed.chrome()),
            chrome_csrf: signed.browser.csrf.clone(),
            notice: None,
            tab: "upload",
            tabs: TABS.to_vec(),
            is_admin: signed.current.role.is_admin(),
            limit_mib: UPLOAD_BODY_LIMIT / 1024 / 1024,
            prune: shown.prune,
            error: shown.error,
            problems: shown.problems,
            report: shown.report,
            apply_id: shown.apply_id,
        },
    )
}
