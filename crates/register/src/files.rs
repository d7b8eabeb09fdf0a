//! Which format a file is in (from the name the user gave it), and reading its bytes:
//! bounded, hashed with SHA-256 as they are read, and checked to be UTF-8 text.

use std::io::{self, Read};

use sha2::{Digest, Sha256};

use crate::input::{FileContent, InputFile};
use crate::problem::{Location, Problem};
use crate::report::Entity;

/// The largest register document read (YAML or JSON), and the largest CSV of the entities
/// held in memory (outcomes, risks, controls, KRIs, vendors). `assets.csv` and
/// `observations.csv` are streamed and have no cap.
pub const MAX_DOCUMENT_BYTES: u64 = 64 * 1024 * 1024;

/// The longest line a CSV file may have (a row is read whole before it is checked).
pub const MAX_CSV_LINE_BYTES: usize = 1024 * 1024;

/// What a file's name says it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// `*.yaml`, `*.yml` or `*.json`: a whole register document.
    Document,
    /// `<entity>.csv`: one entity.
    Csv(Entity),
}

/// The names accepted, for messages.
pub const ACCEPTED_NAMES: &str = "a register document `*.yaml`, `*.yml` or `*.json`, or one of \
`outcomes.csv`, `risks.csv`, `controls.csv`, `kris.csv`, `vendors.csv`, `assets.csv`, `observations.csv`";

impl FileKind {
    /// Decides from the file name (its last path component); `None` when it is none of
    /// the accepted names.
    pub fn of(name: &str) -> Option<Self> {
        let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
        let (stem, extension) = base.rsplit_once('.')?;
        match extension.to_ascii_lowercase().as_str() {
            "yaml" | "yml" | "json" => Some(FileKind::Document),
            "csv" => Entity::ALL
                .into_iter()
                .find(|entity| entity.plural() == stem.to_ascii_lowercase())
                .map(FileKind::Csv),
            _ => None,
        }
    }
}

pub(crate) fn problem(file: &str, message: impl Into<String>) -> Problem {
    Problem {
        at: Location {
            file: file.to_owned(),
            ..Default::default()
        },
        message: message.into(),
    }
}

/// Opens a file's bytes for reading.
pub(crate) fn open<'a>(
    file: &'a str,
    content: &'a FileContent,
) -> Result<Box<dyn Read + Send + 'a>, Problem> {
    match content {
        FileContent::Bytes(bytes) => Ok(Box::new(io::Cursor::new(&bytes[..]))),
        FileContent::Path(path) => std::fs::File::open(path)
            .map(|f| Box::new(io::BufReader::new(f)) as Box<dyn Read + Send>)
            .map_err(|error| {
                problem(
                    file,
                    format!(
                        "cannot open the file ({error}); check the path and that it is readable"
                    ),
                )
            }),
    }
}

/// Reads a whole document (at most [`MAX_DOCUMENT_BYTES`]) as UTF-8 text, with its
/// SHA-256 in hex. A leading byte-order mark is dropped.
pub(crate) fn read_text(input: &InputFile) -> Result<(String, String), Problem> {
    let reader = open(&input.name, &input.content)?;
    let mut bytes = Vec::new();
    reader
        .take(MAX_DOCUMENT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|error| {
            problem(
                &input.name,
                format!("cannot read the file ({error}); check that it is readable"),
            )
        })?;
    if bytes.len() as u64 > MAX_DOCUMENT_BYTES {
        return Err(problem(
            &input.name,
            format!(
                "the file is larger than {} MiB, the most a register document may hold; split it, \
or put assets and observations in `assets.csv` and `observations.csv`, which have no size limit",
                MAX_DOCUMENT_BYTES / 1024 / 1024
            ),
        ));
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(problem(
            &input.name,
            "the file is empty; write a register in it (see docs/register.md) or leave it out",
        ));
    }
    let sha256 = hex::encode(Sha256::digest(&bytes));
    let text = String::from_utf8(bytes).map_err(|error| {
        not_utf8(
            &input.name,
            error.as_bytes(),
            error.utf8_error().valid_up_to(),
        )
    })?;
    let text = match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_owned(),
        None => text,
    };
    Ok((text, sha256))
}

/// The problem for bytes that are not UTF-8, located at the first bad byte.
pub(crate) fn not_utf8(file: &str, bytes: &[u8], valid_up_to: usize) -> Problem {
    let valid = bytes.get(..valid_up_to).unwrap_or_default();
    // `valid` is UTF-8 by construction; count lines and characters in it.
    let text = std::str::from_utf8(valid).unwrap_or_default();
    let line = text.matches('\n').count() as u64 + 1;
    let last_line = text.rsplit('\n').next().unwrap_or_default();
    let column = last_line.chars().count() as u64 + 1;
    Problem {
        at: Location {
            file: file.to_owned(),
            line: Some(line),
            column: Some(column),
            field: None,
        },
        message: "the file is not UTF-8 text (a byte here is invalid); save it as UTF-8 (in a \
spreadsheet: \"CSV UTF-8\")"
            .into(),
    }
}

/// A reader that hashes what passes through it and refuses lines longer than
/// [`MAX_CSV_LINE_BYTES`], so junk without line breaks fails fast instead of growing a
/// record buffer.
pub(crate) struct HashingReader<R> {
    inner: R,
    hasher: Sha256,
    line_bytes: usize,
    total: u64,
    limit: Option<u64>,
}

impl<R: Read> HashingReader<R> {
    pub(crate) fn new(inner: R) -> Self {
        Self {
            inner,
            hasher: Sha256::new(),
            line_bytes: 0,
            total: 0,
            limit: None,
        }
    }

    /// Refuses to read past `limit` bytes.
    pub(crate) fn with_limit(mut self, limit: Option<u64>) -> Self {
        self.limit = limit;
        self
    }

    /// The SHA-256 of everything read so far.
    pub(crate) fn digest(&self) -> [u8; 32] {
        self.hasher.clone().finalize().into()
    }
}

/// The message of the I/O error [`HashingReader`] raises for an over-long line.
pub(crate) const LINE_TOO_LONG: &str = "a line is longer than 1 MiB";

/// The message of the I/O error [`HashingReader`] raises past its limit.
pub(crate) const FILE_TOO_LARGE: &str = "the file is larger than its limit";

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let chunk = buf.get(..n).unwrap_or_default();
        self.hasher.update(chunk);
        match memchr_last_newline(chunk) {
            Some(at) => self.line_bytes = n - at - 1,
            None => self.line_bytes += n,
        }
        self.total += n as u64;
        if self.limit.is_some_and(|limit| self.total > limit) {
            return Err(io::Error::new(io::ErrorKind::InvalidData, FILE_TOO_LARGE));
        }
        if self.line_bytes > MAX_CSV_LINE_BYTES {
            return Err(io::Error::new(io::ErrorKind::InvalidData, LINE_TOO_LONG));
        }
        Ok(n)
    }
}

fn memchr_last_newline(chunk: &[u8]) -> Option<usize> {
    chunk.iter().rposition(|&b| b == b'\n')
}
