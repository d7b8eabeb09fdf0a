//! What an import is handed: the files as the user named them, and — once validated — the
//! register they hold, with the two entities that can be large (assets, observations)
//! left as row sources that are read again, in one streaming pass, while writing.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;

use crate::model::{Asset, Observation, Register};
use crate::problem::Problem;

/// One file to import, under the name the user gave it (a path, or an upload's name).
/// The name decides the format: `*.yaml`/`*.yml`/`*.json` is a register document,
/// `<entity>.csv` (e.g. `assets.csv`) holds one entity.
#[derive(Debug, Clone)]
pub struct InputFile {
    pub name: String,
    pub content: FileContent,
}

/// Where a file's bytes are.
#[derive(Debug, Clone)]
pub enum FileContent {
    /// On disk: read when validated and again, streaming, when imported.
    Path(PathBuf),
    /// In memory (an upload).
    Bytes(Arc<[u8]>),
}

/// The keys the tenant already holds, so a link may name a row the files do not carry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExistingKeys {
    pub kris: BTreeSet<String>,
    pub outcomes: BTreeSet<String>,
    pub risks: BTreeSet<String>,
    pub controls: BTreeSet<String>,
    /// Integration names (a KRI's `source_integration`).
    pub integrations: BTreeSet<String>,
}

/// A source of rows for one entity: inline (from a document) or a CSV file read again,
/// streaming, each time it is iterated.
#[derive(Debug, Clone)]
pub struct Rows<T> {
    pub(crate) source: RowsSource<T>,
    /// How many rows validation counted.
    pub len: u64,
}

/// Streams a CSV again: its name, bytes and the SHA-256 validation saw.
pub(crate) type StreamFn<T> =
    for<'a> fn(
        &'a str,
        &'a FileContent,
        &'a [u8; 32],
    ) -> Result<Box<dyn Iterator<Item = RowResult<T>> + Send + 'a>, Problem>;

#[derive(Debug, Clone)]
pub(crate) enum RowsSource<T> {
    Inline(Arc<Vec<T>>),
    Csv {
        name: String,
        content: FileContent,
        sha256: [u8; 32],
        stream: StreamFn<T>,
    },
    /// Several sources, read in order (a document's rows, then each CSV's).
    Chain(Vec<RowsSource<T>>),
}

impl<T> Rows<T> {
    /// Rows already in memory.
    pub fn inline(rows: Vec<T>) -> Self {
        let len = rows.len() as u64;
        Self {
            source: RowsSource::Inline(Arc::new(rows)),
            len,
        }
    }
}

/// A register that passed validation: every problem was checked over all files before
/// this exists, so an import only writes.
#[derive(Debug, Clone, Default)]
pub struct Validated {
    /// Outcomes, risks, controls, KRIs and vendors (lists present only for the entities the
    /// files hold); `assets` and `observations` are always `None` here: see the fields below.
    pub register: Register,
    /// Assets, when a file held them.
    pub assets: Option<Rows<Asset>>,
    /// KRI observations, when a file held them.
    pub observations: Option<Rows<Observation>>,
    /// Each file's name and SHA-256 (hex), in the order given.
    pub files: Vec<(String, String)>,
}

impl Validated {
    /// A register built in memory (the demo, tests), taken as already valid: the caller
    /// vouches for it (run [`crate::validate`] first when it came from a person).
    pub fn from_register(mut register: Register, files: Vec<(String, String)>) -> Self {
        let assets = register.assets.take().map(Rows::inline);
        let observations = register.observations.take().map(Rows::inline);
        Self {
            register,
            assets,
            observations,
            files,
        }
    }
}

/// A row that could not be read again while importing (the file changed since it was
/// validated): the import stops and writes nothing.
pub type RowResult<T> = Result<T, Problem>;

impl<T: Clone + Send + Sync + 'static> Rows<T> {
    /// Reads the rows in order: from memory, or by streaming the CSV file again (a row
    /// that no longer reads, or a file whose SHA-256 changed since validation, ends the
    /// rows with a problem: the import must then write nothing).
    pub fn read(&self) -> Result<Box<dyn Iterator<Item = RowResult<T>> + Send + '_>, Problem> {
        self.source.read()
    }
}

impl<T: Clone + Send + Sync + 'static> RowsSource<T> {
    fn read(&self) -> Result<Box<dyn Iterator<Item = RowResult<T>> + Send + '_>, Problem> {
        match self {
            RowsSource::Inline(rows) => Ok(Box::new(rows.iter().cloned().map(Ok))),
            RowsSource::Csv {
                name,
                content,
                sha256,
                stream,
            } => stream(name, content, sha256),
            RowsSource::Chain(sources) => {
                // Open each source only when the previous one is done.
                let mut rest = sources.iter();
                let mut current: Option<Box<dyn Iterator<Item = RowResult<T>> + Send + '_>> = None;
                Ok(Box::new(std::iter::from_fn(move || {
                    loop {
                        if let Some(rows) = current.as_mut() {
                            match rows.next() {
                                Some(row) => return Some(row),
                                None => current = None,
                            }
                        }
                        match rest.next()?.read() {
                            Ok(rows) => current = Some(rows),
                            Err(problem) => {
                                rest = [].iter();
                                return Some(Err(problem));
                            }
                        }
                    }
                })))
            }
        }
    }
}
