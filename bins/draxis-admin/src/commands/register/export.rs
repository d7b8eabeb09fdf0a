//! `register export`: the tenant's whole register as YAML, JSON or one CSV per entity.

use std::path::Path;

use anyhow::Context;
use draxis_app::App;

use super::Format;

pub async fn export(
    app: &App,
    slug: &str,
    format: Format,
    out: Option<&Path>,
) -> anyhow::Result<()> {
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
