//! `draxis-admin register`: a tenant's register as files (docs/register.md) — `validate`
//! (no database), `import` (validated as a whole first, then one transaction) and
//! `export` (YAML, JSON or a CSV directory).

mod export;
mod import;
mod validate;

use std::path::PathBuf;

use clap::{Subcommand, ValueEnum};
use draxis_app::App;
use draxis_register::ImportOptions;

pub use validate::{ValidateArgs, input_files, validate_offline};

#[derive(Debug, Subcommand)]
pub enum RegisterCommand {
    /// Check register files (YAML/JSON documents, per-entity CSVs) and print every
    /// problem as `file:line:column: field: message`; needs no database. Exit code 1 when
    /// there is a problem.
    Validate(ValidateArgs),
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
        // main() answers `validate` before opening a database; kept for completeness.
        RegisterCommand::Validate(args) => {
            if validate_offline(&args) != std::process::ExitCode::SUCCESS {
                anyhow::bail!("the register has problems");
            }
            Ok(())
        }
        RegisterCommand::Import {
            tenant,
            files,
            dry_run,
            prune,
            by,
        } => import::import(app, &tenant, &files, ImportOptions { dry_run, prune }, &by).await,
        RegisterCommand::Export {
            tenant,
            format,
            out,
        } => export::export(app, &tenant, format, out.as_deref()).await,
    }
}
