//! `register import`: validate against the tenant's keys, then one transaction; the
//! report as people read it.

use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::Context;
use draxis_app::App;
use draxis_domain::register::{ImportError, Importer};
use draxis_register::{ChangeKind, ImportOptions, ImportReport};
use sha2::{Digest, Sha256};

use super::input_files;
use crate::commands::support::admin_actor;

/// A file's SHA-256, hex, read in blocks.
fn sha256_of(path: &Path) -> anyhow::Result<String> {
    let mut file =
        std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut hasher = Sha256::new();
    let mut block = vec![0u8; 64 * 1024];
    loop {
        let read = file
            .read(&mut block)
            .with_context(|| format!("cannot read {}", path.display()))?;
        if read == 0 {
            break;
        }
        hasher.update(&block[..read]);
    }
    Ok(hex::encode(hasher.finalize()))
}

pub async fn import(
    app: &App,
    slug: &str,
    paths: &[PathBuf],
    options: ImportOptions,
    by: &str,
) -> anyhow::Result<()> {
    let tenant = app.store.require_tenant(slug).await?;
    let importer = Importer {
        actor: admin_actor(by).label,
        client_address: None,
    };
    let files = input_files(paths);
    let existing = app.register.existing_keys(tenant.id).await?;
    let validated = match draxis_register::validate(&files, &existing, options) {
        Ok(validated) => validated,
        Err(problems) => {
            let hashes: Vec<(String, String)> = paths
                .iter()
                .map(|p| (p.display().to_string(), sha256_of(p).unwrap_or_default()))
                .collect();
            app.register
                .refuse(tenant.id, &hashes, options, &problems, &importer)
                .await
                .ok();
            return Err(refused(&problems.0));
        }
    };
    match app
        .register
        .import(tenant.id, validated, options, &importer)
        .await
    {
        Ok(report) => {
            print!("{}", render(&report));
            Ok(())
        }
        Err(ImportError::Invalid(problems)) => Err(refused(&problems.0)),
        Err(ImportError::Storage(error)) => Err(anyhow::anyhow!(
            "the database failed during the import and nothing was written: {error}"
        )),
    }
}

/// Prints every problem and answers the error the command exits with.
fn refused(problems: &[draxis_register::Problem]) -> anyhow::Error {
    for problem in problems {
        eprintln!("{problem}");
    }
    anyhow::anyhow!(
        "{} problem(s) in the register; nothing was written. Fix them and run the import again",
        problems.len()
    )
}

/// The report as people read it: counts per entity, then the deletions (and, up to a
/// bound, the other changes).
pub fn render(report: &ImportReport) -> String {
    let mut out = String::new();
    if report.dry_run {
        out.push_str("Dry run: nothing was written. The import would do this:\n");
    }
    out.push_str(&format!(
        "{:<14}{:>9}{:>9}{:>11}{:>9}\n",
        "entity", "created", "updated", "unchanged", "deleted"
    ));
    for (entity, c) in &report.counts {
        out.push_str(&format!(
            "{:<14}{:>9}{:>9}{:>11}{:>9}\n",
            entity.plural(),
            c.created,
            c.updated,
            c.unchanged,
            c.deleted
        ));
    }
    let deleted: Vec<_> = report
        .changes
        .iter()
        .filter(|c| c.kind == ChangeKind::Deleted)
        .collect();
    if !deleted.is_empty() {
        out.push_str(match report.dry_run {
            true => "\nWould delete:\n",
            false => "\nDeleted:\n",
        });
        for change in deleted {
            out.push_str(&format!("  {} {}\n", change.entity, change.key));
        }
    }
    for also in &report.also_deleted {
        out.push_str(&format!("  and {} {}\n", also.count, also.what));
    }
    let updated: Vec<_> = report
        .changes
        .iter()
        .filter_map(|c| match &c.kind {
            ChangeKind::Updated(fields) => Some((c, fields)),
            _ => None,
        })
        .collect();
    if !updated.is_empty() {
        out.push_str("\nUpdated:\n");
        for (change, fields) in updated {
            out.push_str(&format!(
                "  {} {}: {}\n",
                change.entity,
                change.key,
                fields.join(", ")
            ));
        }
        if report.changes_truncated {
            out.push_str("  (more changes than listed; the counts above are complete)\n");
        }
    }
    out
}
