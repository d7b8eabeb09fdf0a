//! Natural keys across every file: duplicates, and links that must name a record the
//! files hold or the tenant already has. Streamed entities keep only a 128-bit hash of
//! each key seen, so memory does not grow with the rows' size.

use std::collections::{BTreeSet, HashMap};

use sha2::{Digest, Sha256};

use super::findings::{Findings, Origin};
use crate::model::{Asset, Control, Kri, Observation, Outcome, Risk, Vendor};

/// A record with a natural key.
pub(crate) trait Keyed {
    /// The field that holds the key (reported on a duplicate).
    const KEY_FIELD: &'static str;
    /// What the key is called in messages.
    const KEY_NAME: &'static str;
    fn key(&self) -> String;
}

macro_rules! keyed {
    ($($ty:ty => $field:literal, $name:literal, |$it:ident| $key:expr;)+) => {$(
        impl Keyed for $ty {
            const KEY_FIELD: &'static str = $field;
            const KEY_NAME: &'static str = $name;
            fn key(&self) -> String {
                let $it = self;
                $key
            }
        }
    )+};
}

keyed! {
    Outcome => "ref", "outcome ref", |o| o.r#ref.clone();
    Risk => "ref", "risk ref", |r| r.r#ref.clone();
    Control => "ref", "control ref", |c| c.r#ref.clone();
    Kri => "slug", "KRI slug", |k| k.slug.clone();
    Vendor => "name", "vendor name", |v| v.name.clone();
    Asset => "external_id", "asset key", |a| match &a.external_id {
        Some(id) => format!("external_id {id}"),
        None => format!("name {}", a.name),
    };
    Observation => "observed_at", "observation", |o| format!("{} at {}", o.kri, o.observed_at.to_rfc3339());
}

/// Reports every record whose key an earlier record already has; returns the keys.
pub(crate) fn unique<T: Keyed>(
    records: &[(T, Origin)],
    findings: &mut Findings,
) -> BTreeSet<String> {
    let mut first: HashMap<String, &Origin> = HashMap::new();
    for (record, origin) in records {
        let key = record.key();
        match first.get(&key) {
            Some(earlier) => {
                let earlier = findings.describe(earlier);
                findings.report(
                    origin,
                    T::KEY_FIELD,
                    format!(
                        "duplicate {} `{key}`: {earlier} has it too; keep one record per key",
                        T::KEY_NAME
                    ),
                );
            }
            None => {
                first.insert(key, origin);
            }
        }
    }
    first.into_keys().collect()
}

/// Keys of a streamed entity, as 128-bit hashes with where each was first seen.
#[derive(Default)]
pub(crate) struct SeenKeys {
    first: HashMap<u128, (usize, u64, bool)>,
}

impl SeenKeys {
    /// Records `key` (at `file`, `line` — for documents the record's index); reports a
    /// duplicate at `origin`.
    pub(crate) fn note<T: Keyed>(
        &mut self,
        record: &T,
        origin: &Origin,
        findings: &mut Findings,
        entity: &str,
    ) {
        let key = record.key();
        let digest = Sha256::digest(key.as_bytes());
        let mut hash = [0u8; 16];
        hash.copy_from_slice(digest.get(..16).unwrap_or(&[0; 16]));
        let hash = u128::from_be_bytes(hash);
        let here = match origin {
            Origin::Document { file, path } => (*file, index_of(path), false),
            Origin::Csv { file, line, .. } => (*file, *line, true),
        };
        match self.first.get(&hash) {
            Some(&(file, at, csv)) => {
                let earlier = if csv {
                    format!("line {at} of {}", findings.name(file))
                } else {
                    format!("`{entity}[{at}]` in {}", findings.name(file))
                };
                findings.report(
                    origin,
                    T::KEY_FIELD,
                    format!(
                        "duplicate {} `{key}`: {earlier} has it too; keep one record per key",
                        T::KEY_NAME
                    ),
                );
            }
            None => {
                self.first.insert(hash, here);
            }
        }
    }
}

fn index_of(path: &str) -> u64 {
    path.rsplit('[')
        .next()
        .and_then(|i| i.trim_end_matches(']').parse().ok())
        .unwrap_or(0)
}

/// The keys a link may name for one entity.
pub(crate) struct Known<'a> {
    pub(crate) in_files: &'a BTreeSet<String>,
    /// The tenant's keys, unless `--prune` will delete those the files do not hold.
    pub(crate) existing: Option<&'a BTreeSet<String>>,
    pub(crate) what: &'static str,
}

impl Known<'_> {
    pub(crate) fn contains(&self, key: &str) -> bool {
        self.in_files.contains(key) || self.existing.is_some_and(|e| e.contains(key))
    }

    /// Reports `key` at `field` of the record at `origin` when nothing holds it.
    pub(crate) fn check(&self, findings: &mut Findings, origin: &Origin, field: &str, key: &str) {
        if key.trim().is_empty() || self.contains(key) {
            return;
        }
        let pruned = if self.existing.is_none() {
            " (with --prune, the tenant's rows the files do not list are deleted, so they do not count)"
        } else {
            ""
        };
        findings.report(origin, field, format!(
            "no {} is `{key}` in these files or in the tenant{pruned}; add it or correct the link",
            self.what
        ));
    }
}
