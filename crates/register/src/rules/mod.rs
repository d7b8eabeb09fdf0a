//! The rules a register must follow: each record's fields, natural keys across files,
//! and links, with the catalogs they check against.

pub mod catalogs;
pub(crate) mod fields;
pub(crate) mod findings;
pub(crate) mod keys;
