//! CSV, one file per entity: the columns of each entity (the model's fields flattened in
//! snake_case, lists `;`-separated), reading rows cell by cell so every bad cell is a
//! problem of its own, streaming, and writing the same columns back.

mod cells;
mod columns;
mod read;
mod write;

pub(crate) use cells::{Cells, Header};
pub(crate) use read::{CsvRows, stream_again};
pub use write::write_csv_files;

/// One column of an entity's CSV.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Column {
    pub name: &'static str,
    /// A required column must be in the header; the others may be left out (their
    /// default applies).
    pub required: bool,
}

pub(crate) const fn required(name: &'static str) -> Column {
    Column {
        name,
        required: true,
    }
}

pub(crate) const fn optional(name: &'static str) -> Column {
    Column {
        name,
        required: false,
    }
}

/// A record that has a CSV form.
pub(crate) trait CsvRecord: Sized {
    /// Its columns, in the order written.
    const COLUMNS: &'static [Column];
    /// Reads a row; a bad cell is recorded in `cells` and a placeholder returned.
    fn from_cells(cells: &mut Cells<'_>) -> Self;
    /// The row's cells, in [`Self::COLUMNS`] order.
    fn to_cells(&self) -> Vec<String>;
}

/// The separator of list cells (`aliases`, `risks`, `nist_csf`...).
pub const LIST_SEPARATOR: char = ';';

/// The CSV column that holds a field named by its path in the model
/// (`fair.loss_magnitude.low` → `fair_loss_low`, `nist_csf[2]` → `nist_csf`).
pub(crate) fn column_of(field: &str) -> String {
    let without_index = match field.find('[') {
        Some(at) => field.get(..at).unwrap_or(field),
        None => field,
    };
    if without_index == "kri" {
        return "slug".into();
    }
    without_index
        .replace("loss_magnitude.", "loss_")
        .replace('.', "_")
}

/// Formats a number so that it reads back as the same `f64` (Rust prints the shortest
/// such decimal).
pub(crate) fn number_text(value: f64) -> String {
    format!("{value}")
}

/// Lists every column of every entity, for the docs and tests.
pub fn columns(entity: crate::report::Entity) -> Vec<(&'static str, bool)> {
    use crate::model::{Asset, Control, Kri, Observation, Outcome, Risk, Vendor};
    use crate::report::Entity;
    let columns = match entity {
        Entity::Outcome => Outcome::COLUMNS,
        Entity::Risk => Risk::COLUMNS,
        Entity::Control => Control::COLUMNS,
        Entity::Kri => Kri::COLUMNS,
        Entity::Vendor => Vendor::COLUMNS,
        Entity::Asset => Asset::COLUMNS,
        Entity::Observation => Observation::COLUMNS,
    };
    columns.iter().map(|c| (c.name, c.required)).collect()
}
