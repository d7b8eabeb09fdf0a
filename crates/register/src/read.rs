//! Reading files into one in-memory [`Register`] without checking the rules: for tests,
//! round trips and tools that want the records as written. Imports go through
//! [`crate::validate`] instead.

use crate::csv::{CsvRecord, CsvRows};
use crate::files::{self, ACCEPTED_NAMES, FileKind};
use crate::input::InputFile;
use crate::model::Register;
use crate::problem::{Problem, Problems};
use crate::report::Entity;

/// Reads every file (documents and CSVs) into one register, lists concatenated in the
/// order given. Fails with the problems of files that cannot be read; records that
/// break a rule (a bad link, a range) are returned as written.
pub fn read_register(files: &[InputFile]) -> Result<Register, Problems> {
    let mut register = Register::default();
    let mut problems = Vec::new();
    for file in files {
        if let Err(mut found) = read_into(file, &mut register) {
            problems.append(&mut found);
        }
    }
    if problems.is_empty() {
        Ok(register)
    } else {
        Err(Problems(problems))
    }
}

fn read_into(file: &InputFile, register: &mut Register) -> Result<(), Vec<Problem>> {
    let kind = FileKind::of(&file.name).ok_or_else(|| {
        vec![files::problem(
            &file.name,
            format!("name the file as {ACCEPTED_NAMES}"),
        )]
    })?;
    let entity = match kind {
        FileKind::Document => {
            let (text, _) = files::read_text(file).map_err(|p| vec![p])?;
            let read = crate::document::parse(&file.name, &text).map_err(|p| vec![p])?;
            append(&mut register.outcomes, read.outcomes);
            append(&mut register.risks, read.risks);
            append(&mut register.controls, read.controls);
            append(&mut register.kris, read.kris);
            append(&mut register.vendors, read.vendors);
            append(&mut register.assets, read.assets);
            append(&mut register.observations, read.observations);
            return Ok(());
        }
        FileKind::Csv(entity) => entity,
    };
    match entity {
        Entity::Outcome => append(&mut register.outcomes, Some(rows(file)?)),
        Entity::Risk => append(&mut register.risks, Some(rows(file)?)),
        Entity::Control => append(&mut register.controls, Some(rows(file)?)),
        Entity::Kri => append(&mut register.kris, Some(rows(file)?)),
        Entity::Vendor => append(&mut register.vendors, Some(rows(file)?)),
        Entity::Asset => append(&mut register.assets, Some(rows(file)?)),
        Entity::Observation => append(&mut register.observations, Some(rows(file)?)),
    }
    Ok(())
}

fn append<T>(into: &mut Option<Vec<T>>, more: Option<Vec<T>>) {
    if let Some(more) = more {
        into.get_or_insert_with(Vec::new).extend(more);
    }
}

fn rows<T: CsvRecord>(file: &InputFile) -> Result<Vec<T>, Vec<Problem>> {
    let rows = CsvRows::<T>::open(&file.name, &file.content, false)?;
    let mut records = Vec::new();
    let mut problems = Vec::new();
    for row in rows {
        match row {
            Ok((record, _)) => records.push(record),
            Err(mut found) => problems.append(&mut found),
        }
    }
    if problems.is_empty() {
        Ok(records)
    } else {
        Err(problems)
    }
}
