//! `draxis-admin register`: import a tenant's register from YAML, JSON or CSV files
//! (validated as a whole first, then one transaction) and export it in any of them.

use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Subcommand, ValueEnum};
use draxis_app::App;
use draxis_domain::register::{ImportError, Importer};
use draxis_register::{ChangeKind, FileContent, ImportOptions, ImportReport, InputFile};
use sha2::{Digest, Sha256};

use super::support::admin_actor;

#[derive(Debug, Subcommand)]
pub enum RegisterCommand {
    /// Import a register: add, change and (with --prune) delete a tenant's KRIs, outcomes,
    /// risks, controls, vendors, assets and KRI history.
    ///
    /// FILES are one register document (`*.yaml`, `*.yml` or `*.json`, following
    /// docs/schemas/register.json) and/or one CSV per entity named after it: kris.csv,
    /// outcomes.csv, risks.csv, controls.csv, vendors.csv, assets.csv, observations.csv.
    ///
    /// Every file is read and every rule checked before anything is written; each problem
    /// is printed as `file:line:column: field: message` and the command exits 1 with the
    /// database untouched. Then everything is written in one transaction.
    ///
    /// Rows are matched by natural key: a KRI by slug; an outcome, risk or control by
    /// ref; a vendor by name; an asset by external_id, else by name; an observation by
    /// (kri, observed_at). A matching row that did not change is not touched; a changed
    /// KRI keeps its history. Links (a KRI's outcome, risks and controls; a risk's
    /// outcomes and controls) are set as the files say for the KRIs and risks they hold.
    /// Only the entities the files hold a list for are changed.
    ///
    /// --prune also deletes the rows of each listed entity that the list no longer
    /// names, with what must go with them (a KRI's observations and Drop Zone proposals,
    /// a risk's or outcome's simulation runs, links to them); every deletion is printed.
    /// Try it with --dry-run first: it prints exactly what the import would do and
    /// writes nothing.
    #[command(verbatim_doc_comment)]
    Import {
        #[arg(long)]
        tenant: String,
        /// The register's files (documents and/or per-entity CSVs).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Check and report what would change; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Delete the rows of each listed entity that the files no longer name.
        #[arg(long)]
        prune: bool,
        /// Who imports (recorded in the audit trail).
        #[arg(long, env = "USER", default_value = "operator")]
        by: String,
    },
    /// Export a tenant's whole register, sorted by natural key, so that importing it into
    /// an empty tenant and exporting again gives the same bytes.
    Export {
        #[arg(long)]
        tenant: String,
        /// yaml or json (one document), or csv (one file per entity, into --out).
        #[arg(long, value_enum, default_value_t = Format::Yaml)]
        format: Format,
        /// The file to write (yaml, json; default standard output), or the directory
        /// (csv, created if missing).
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Yaml,
    Json,
    Csv,
}

pub async fn run(app: &App, command: RegisterCommand) -> anyhow::Result<()> {
    match command {
        RegisterCommand::Import {
            tenant,
            files,
            dry_run,
            prune,
            by,
        } => import(app, &tenant, &files, ImportOptions { dry_run, prune }, &by).await,
        RegisterCommand::Export {
            tenant,
            format,
            out,
        } => export(app, &tenant, format, out.as_deref()).await,
    }
}

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

async fn import(
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
    let files: Vec<InputFile> = paths
        .iter()
        .map(|path| InputFile {
            name: path.display().to_string(),
            content: FileContent::Path(path.clone()),
        })
        .collect();
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

async fn export(app: &App, slug: &str, format: Format, out: Option<&Path>) -> anyhow::Result<()> {
    let tenant = app.store.require_tenant(slug).await?;
    let register = app.register.export(tenant.id).await?;
    let text = match format {
        Format::Yaml => draxis_register::to_yaml(&register),
        Format::Json => draxis_register::to_json(&register),
        Format::Csv => {
            let dir = out.context(
                "--format csv writes one file per entity: name a directory with --out DIR",
            )?;
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
            let written = draxis_register::write_csv_files(&register, dir)
                .with_context(|| format!("cannot write CSV files into {}", dir.display()))?;
            for path in written {
                eprintln!("wrote {}", path.display());
            }
            return Ok(());
        }
    };
    match out {
        Some(path) => std::fs::write(path, text)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => print!("{text}"),
    }
    Ok(())
}
