//! What an import did, or would do on a dry run: counts per entity and the rows it names.

use std::fmt;

/// The kinds of record a register holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Entity {
    Outcome,
    Risk,
    Control,
    Kri,
    Vendor,
    Asset,
    Observation,
}

impl Entity {
    /// Every entity, in the order imports write them and reports print them.
    pub const ALL: [Entity; 7] = [
        Entity::Outcome,
        Entity::Risk,
        Entity::Control,
        Entity::Kri,
        Entity::Vendor,
        Entity::Asset,
        Entity::Observation,
    ];

    /// The plural used in files, CSV names and reports: `kris`, `risks`, ...
    pub fn plural(self) -> &'static str {
        match self {
            Entity::Outcome => "outcomes",
            Entity::Risk => "risks",
            Entity::Control => "controls",
            Entity::Kri => "kris",
            Entity::Vendor => "vendors",
            Entity::Asset => "assets",
            Entity::Observation => "observations",
        }
    }
}

impl fmt::Display for Entity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.plural())
    }
}

/// How an import runs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportOptions {
    /// Validate and compute the changes, write nothing.
    pub dry_run: bool,
    /// Delete the rows of each entity the files hold a list for that the list no longer
    /// names.
    pub prune: bool,
}

/// Rows of one entity by what happened to them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub deleted: u64,
}

/// What happened to one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangeKind {
    Created,
    /// With the fields that changed.
    Updated(Vec<String>),
    Deleted,
}

/// One row created, updated or deleted, named by its natural key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub entity: Entity,
    pub key: String,
    pub kind: ChangeKind,
}

/// What an import did (or, on a dry run, would do).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub dry_run: bool,
    /// Counts for every entity, in [`Entity::ALL`] order.
    pub counts: Vec<(Entity, Counts)>,
    /// The rows changed: every deletion, and created/updated rows up to a bound (the
    /// counts are always complete); `changes_truncated` says when the bound was hit.
    pub changes: Vec<Change>,
    pub changes_truncated: bool,
    /// Rows outside the register that went with a deleted row (its simulation runs, its
    /// Drop Zone proposals, links from rows the files did not hold), by kind.
    pub also_deleted: Vec<AlsoDeleted>,
    /// SHA-256 of each file imported, hex, with the name the user gave.
    pub files: Vec<(String, String)>,
}

/// Rows of one kind that are not register entities but were deleted (or, on a dry run,
/// would be) because a row they depend on was: `simulation runs of pruned risks`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlsoDeleted {
    pub what: String,
    pub count: u64,
}

impl ImportReport {
    /// The counts of `entity` (zero when it was not in the files).
    pub fn counts_of(&self, entity: Entity) -> Counts {
        self.counts
            .iter()
            .find(|(e, _)| *e == entity)
            .map(|(_, c)| *c)
            .unwrap_or_default()
    }
}
