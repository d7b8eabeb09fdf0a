//! `register validate`: files checked against no tenant, every problem printed.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use draxis_register::{
    Entity, ExistingKeys, FileContent, ImportOptions, InputFile, Problems, Validated, validate,
};

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Register files: `*.yaml`, `*.yml`, `*.json`, or `outcomes.csv`, `risks.csv`,
    /// `controls.csv`, `kris.csv`, `vendors.csv`, `assets.csv`, `observations.csv`.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Check links as an import with `--prune` would (the files' lists replace the tenant's).
    #[arg(long)]
    pub prune: bool,
}

/// The files as the import takes them: named as the user wrote them.
pub fn input_files(paths: &[PathBuf]) -> Vec<InputFile> {
    paths
        .iter()
        .map(|path| InputFile {
            name: path.display().to_string(),
            content: FileContent::Path(path.clone()),
        })
        .collect()
}

/// `register validate`: against no tenant (links must resolve within the files).
pub fn validate_offline(args: &ValidateArgs) -> ExitCode {
    let options = ImportOptions {
        dry_run: true,
        prune: args.prune,
    };
    report(validate(
        &input_files(&args.files),
        &ExistingKeys::default(),
        options,
    ))
}

/// Prints the outcome of a validation and answers the exit code.
pub fn report(result: Result<Validated, Problems>) -> ExitCode {
    match result {
        Ok(validated) => {
            println!("ok: {}", summary(&validated));
            ExitCode::SUCCESS
        }
        Err(Problems(problems)) => {
            for problem in &problems {
                eprintln!("{problem}");
            }
            eprintln!(
                "{} problem(s); fix them and validate again (docs/register.md describes the format)",
                problems.len()
            );
            ExitCode::FAILURE
        }
    }
}

/// `3 outcomes, 5 risks, ...` for every entity the files hold.
pub fn summary(validated: &Validated) -> String {
    let register = &validated.register;
    let count = |entity: Entity| -> Option<u64> {
        match entity {
            Entity::Outcome => register.outcomes.as_ref().map(|l| l.len() as u64),
            Entity::Risk => register.risks.as_ref().map(|l| l.len() as u64),
            Entity::Control => register.controls.as_ref().map(|l| l.len() as u64),
            Entity::Kri => register.kris.as_ref().map(|l| l.len() as u64),
            Entity::Vendor => register.vendors.as_ref().map(|l| l.len() as u64),
            Entity::Asset => validated.assets.as_ref().map(|r| r.len),
            Entity::Observation => validated.observations.as_ref().map(|r| r.len),
        }
    };
    Entity::ALL
        .into_iter()
        .filter_map(|entity| count(entity).map(|n| format!("{n} {entity}")))
        .collect::<Vec<_>>()
        .join(", ")
}
