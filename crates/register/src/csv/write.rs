//! Writing a register as one CSV per entity, with the columns the reader takes.

use std::io;
use std::path::{Path, PathBuf};

use super::CsvRecord;
use crate::model::Register;

/// Writes `<entity>.csv` into `dir` for every entity the register holds a list for (an
/// empty list gives a file with only the header), and returns the paths written, in
/// [`crate::Entity::ALL`] order. The same register always gives the same bytes.
pub fn write_csv_files(register: &Register, dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    let mut write = |name: &str, bytes: Option<Vec<u8>>| -> io::Result<()> {
        if let Some(bytes) = bytes {
            let path = dir.join(format!("{name}.csv"));
            std::fs::write(&path, bytes)?;
            written.push(path);
        }
        Ok(())
    };
    write(
        "outcomes",
        register.outcomes.as_deref().map(to_csv).transpose()?,
    )?;
    write("risks", register.risks.as_deref().map(to_csv).transpose()?)?;
    write(
        "controls",
        register.controls.as_deref().map(to_csv).transpose()?,
    )?;
    write("kris", register.kris.as_deref().map(to_csv).transpose()?)?;
    write(
        "vendors",
        register.vendors.as_deref().map(to_csv).transpose()?,
    )?;
    write(
        "assets",
        register.assets.as_deref().map(to_csv).transpose()?,
    )?;
    write(
        "observations",
        register.observations.as_deref().map(to_csv).transpose()?,
    )?;
    Ok(written)
}

/// One entity's rows as CSV bytes, header first.
pub(crate) fn to_csv<T: CsvRecord>(rows: &[T]) -> io::Result<Vec<u8>> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    writer.write_record(T::COLUMNS.iter().map(|c| c.name))?;
    for row in rows {
        writer.write_record(row.to_cells())?;
    }
    writer.into_inner().map_err(|error| error.into_error())
}
