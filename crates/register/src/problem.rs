//! What is wrong with a register, and where: file, line, column and field, so a person can
//! fix every problem in one pass.

use std::fmt;

/// Where a problem is. Lines and columns count from 1, in characters.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Location {
    /// The file as the user named it.
    pub file: String,
    pub line: Option<u64>,
    pub column: Option<u64>,
    /// The field, as a path: `risks[3].inherent.likelihood`, or a CSV column name.
    pub field: Option<String>,
}

/// One problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub at: Location,
    /// What is wrong and what to do, in one sentence.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.at.file)?;
        if let Some(line) = self.at.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.at.column {
                write!(f, ":{column}")?;
            }
        }
        if let Some(field) = &self.at.field {
            write!(f, ": {field}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Every problem found; an import writes nothing while there is one.
#[derive(Debug, Clone, Default, PartialEq, Eq, thiserror::Error)]
pub struct Problems(pub Vec<Problem>);

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} problem(s) in the register; nothing was written",
            self.0.len()
        )?;
        for problem in &self.0 {
            write!(f, "\n  {problem}")?;
        }
        Ok(())
    }
}
