//! Reading an entity's CSV row by row, never holding more than one row: the header is
//! checked first, then each row becomes a record or the problems of its cells. The same
//! reader streams `assets.csv` and `observations.csv` again while importing.

use std::io::Read;
use std::marker::PhantomData;

use csv::StringRecord;

use super::{CsvRecord, Header};
use crate::files::{self, FILE_TOO_LARGE, HashingReader, LINE_TOO_LONG, MAX_DOCUMENT_BYTES};
use crate::input::{FileContent, RowResult};
use crate::problem::{Location, Problem};
use std::sync::Arc;

type Source<'a> = HashingReader<Box<dyn Read + Send + 'a>>;

/// The rows of one CSV file, each `Ok((record, line))` or the problems of that row.
pub(crate) struct CsvRows<'a, T> {
    file: &'a str,
    reader: csv::Reader<Source<'a>>,
    header: Arc<Header>,
    record: StringRecord,
    finished: bool,
    kind: PhantomData<fn() -> T>,
}

impl<'a, T: CsvRecord> CsvRows<'a, T> {
    /// Opens the file and checks its header. `capped` files may not pass
    /// [`MAX_DOCUMENT_BYTES`] (those whose records are kept in memory).
    pub(crate) fn open(
        file: &'a str,
        content: &'a FileContent,
        capped: bool,
    ) -> Result<Self, Vec<Problem>> {
        let source = HashingReader::new(files::open(file, content).map_err(|p| vec![p])?)
            .with_limit(capped.then_some(MAX_DOCUMENT_BYTES));
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(source);
        let mut record = StringRecord::new();
        let header = match reader.read_record(&mut record) {
            Ok(true) => Arc::new(Header::check(file, &record, T::COLUMNS)?),
            Ok(false) => {
                return Err(vec![files::problem(
                    file,
                    format!(
                        "the file is empty; its first line must name the columns ({})",
                        T::COLUMNS
                            .iter()
                            .filter(|c| c.required)
                            .map(|c| c.name)
                            .collect::<Vec<_>>()
                            .join(",")
                    ),
                )]);
            }
            Err(error) => return Err(vec![csv_problem(file, &error)]),
        };
        Ok(Self {
            file,
            reader,
            header,
            record,
            finished: false,
            kind: PhantomData,
        })
    }

    /// The SHA-256 of the bytes read so far (of the whole file once the rows are done).
    pub(crate) fn digest(&self) -> [u8; 32] {
        self.reader.get_ref().digest()
    }

    /// The file's columns.
    pub(crate) fn header(&self) -> &Arc<Header> {
        &self.header
    }
}

impl<T: CsvRecord> Iterator for CsvRows<'_, T> {
    type Item = Result<(T, u64), Vec<Problem>>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.finished {
            return None;
        }
        match self.reader.read_record(&mut self.record) {
            Ok(false) => {
                self.finished = true;
                None
            }
            Ok(true) => {
                let line = self.record.position().map_or(0, |p| p.line());
                if self.record.len() != self.header.len() {
                    return Some(Err(vec![Problem {
                        at: Location {
                            file: self.file.to_owned(),
                            line: Some(line),
                            column: None,
                            field: None,
                        },
                        message: format!(
                            "this row has {} cells but the header names {} columns; give every row one cell per column (quote cells that contain commas)",
                            self.record.len(),
                            self.header.len()
                        ),
                    }]));
                }
                let mut cells = super::Cells::new(self.file, line, &self.header, &self.record);
                let record = T::from_cells(&mut cells);
                Some(if cells.problems.is_empty() {
                    Ok((record, line))
                } else {
                    Err(cells.problems)
                })
            }
            Err(error) => {
                // A bad byte leaves the reader at the next row; anything else ends the file.
                if !matches!(error.kind(), csv::ErrorKind::Utf8 { .. }) {
                    self.finished = true;
                }
                Some(Err(vec![csv_problem(self.file, &error)]))
            }
        }
    }
}

fn csv_problem(file: &str, error: &csv::Error) -> Problem {
    let line = error.position().map(|p| p.line());
    match error.kind() {
        csv::ErrorKind::Utf8 { err, .. } => Problem {
            at: Location {
                file: file.to_owned(),
                line,
                column: Some(err.field() as u64 + 1),
                field: None,
            },
            message: "the cell is not UTF-8 text; save the file as UTF-8 (in a spreadsheet: \"CSV UTF-8\")".into(),
        },
        csv::ErrorKind::Io(io) if io.to_string() == FILE_TOO_LARGE => Problem {
            at: Location {
                file: file.to_owned(),
                ..Default::default()
            },
            message: format!(
                "the file is larger than {} MiB, the most this CSV may hold; split it across register files",
                MAX_DOCUMENT_BYTES / 1024 / 1024
            ),
        },
        csv::ErrorKind::Io(io) if io.to_string() == LINE_TOO_LONG => Problem {
            at: Location {
                file: file.to_owned(),
                line,
                ..Default::default()
            },
            message: "a line is longer than 1 MiB, which no register row needs; this is not a CSV of the register (check the file)".into(),
        },
        _ => Problem {
            at: Location {
                file: file.to_owned(),
                line,
                ..Default::default()
            },
            message: format!("cannot read the CSV ({error}); check that the file is a comma-separated table"),
        },
    }
}

/// Streams a CSV that validation already read, for the import: each row again, and a
/// problem (ending the rows) if the file is no longer what was validated.
pub(crate) fn stream_again<'a, T: CsvRecord + Send + 'static>(
    file: &'a str,
    content: &'a FileContent,
    sha256: &'a [u8; 32],
) -> Result<Box<dyn Iterator<Item = RowResult<T>> + Send + 'a>, Problem> {
    let changed = |detail: String| {
        files::problem(
            file,
            format!(
                "the file changed after it was validated ({detail}); validate and import it again"
            ),
        )
    };
    let mut rows = CsvRows::<T>::open(file, content, false).map_err(|problems| {
        changed(
            problems
                .first()
                .map(|p| p.message.clone())
                .unwrap_or_default(),
        )
    })?;
    let mut failed = false;
    let mut checked = false;
    Ok(Box::new(std::iter::from_fn(move || {
        if failed || checked {
            return None;
        }
        match rows.next() {
            Some(Ok((record, _))) => Some(Ok(record)),
            Some(Err(problems)) => {
                failed = true;
                Some(Err(problems
                    .into_iter()
                    .next()
                    .map(|p| changed(p.to_string()))
                    .unwrap_or_else(|| changed(String::new()))))
            }
            None => {
                checked = true;
                (rows.digest() != *sha256).then(|| Err(changed("its SHA-256 differs".into())))
            }
        }
    })))
}
