//! Counting what an import does as it does it: counts per entity, the changed rows (every
//! deletion; created and updated rows up to a bound) and what went with deleted rows.

use std::collections::BTreeMap;

use draxis_register::{AlsoDeleted, Change, ChangeKind, Counts, Entity, ImportReport};

/// Created and updated rows listed in a report at most; deletions are always listed.
pub(super) const LISTED_CHANGES: usize = 1000;

/// The report being built.
#[derive(Debug, Default)]
pub(super) struct Tally {
    counts: BTreeMap<Entity, Counts>,
    changes: Vec<Change>,
    listed: usize,
    truncated: bool,
    also_deleted: Vec<AlsoDeleted>,
}

impl Tally {
    pub fn created(&mut self, entity: Entity, key: &str) {
        self.counts.entry(entity).or_default().created += 1;
        self.list(entity, key, ChangeKind::Created);
    }

    pub fn updated(&mut self, entity: Entity, key: &str, fields: Vec<String>) {
        self.counts.entry(entity).or_default().updated += 1;
        self.list(entity, key, ChangeKind::Updated(fields));
    }

    pub fn unchanged(&mut self, entity: Entity) {
        self.counts.entry(entity).or_default().unchanged += 1;
    }

    pub fn deleted(&mut self, entity: Entity, key: String) {
        self.counts.entry(entity).or_default().deleted += 1;
        self.changes.push(Change {
            entity,
            key,
            kind: ChangeKind::Deleted,
        });
    }

    /// Rows outside the register removed with deleted rows (none: nothing said).
    pub fn also_deleted(&mut self, what: &str, count: u64) {
        if count == 0 {
            return;
        }
        match self.also_deleted.iter_mut().find(|a| a.what == what) {
            Some(entry) => entry.count += count,
            None => self.also_deleted.push(AlsoDeleted {
                what: what.to_string(),
                count,
            }),
        }
    }

    fn list(&mut self, entity: Entity, key: &str, kind: ChangeKind) {
        if self.listed < LISTED_CHANGES {
            self.listed += 1;
            self.changes.push(Change {
                entity,
                key: key.to_string(),
                kind,
            });
        } else {
            self.truncated = true;
        }
    }

    pub fn report(self, dry_run: bool, files: Vec<(String, String)>) -> ImportReport {
        ImportReport {
            dry_run,
            counts: Entity::ALL
                .iter()
                .map(|e| (*e, self.counts.get(e).copied().unwrap_or_default()))
                .collect(),
            changes: self.changes,
            changes_truncated: self.truncated,
            also_deleted: self.also_deleted,
            files,
        }
    }
}
