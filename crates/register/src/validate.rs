//! `validate`: read every file, check every rule, and answer with the validated register
//! or every problem found, located. Nothing stops at the first problem: each file is
//! read, each record checked, each link resolved.

use std::collections::BTreeSet;
use std::sync::Arc;

use crate::csv::{CsvRecord, CsvRows, stream_again};
use crate::document;
use crate::files::{self, ACCEPTED_NAMES, FileKind};
use crate::input::{ExistingKeys, InputFile, Rows, RowsSource, Validated};
use crate::model::{Asset, Control, Kri, Observation, Outcome, Register, Risk, Vendor};
use crate::problem::Problems;
use crate::report::{Entity, ImportOptions};
use crate::rules::fields::{self, Check};
use crate::rules::findings::{Findings, Origin};
use crate::rules::keys::{Keyed, Known, SeenKeys, unique};

/// Reads and checks `files` as one register. `existing` holds the tenant's keys, which
/// links may name; with `options.prune`, the existing keys of an entity the files list
/// do not count (those rows will be deleted). Every problem of every file is returned.
pub fn validate(
    files: &[InputFile],
    existing: &ExistingKeys,
    options: ImportOptions,
) -> Result<Validated, Problems> {
    let mut run = Run {
        findings: Findings::new(files.iter().map(|f| f.name.clone()).collect()),
        texts: vec![None; files.len()],
        hashes: vec![None; files.len()],
        held: Held::default(),
    };
    for (index, file) in files.iter().enumerate() {
        run.read(index, file);
    }
    let Run {
        mut findings,
        texts,
        mut hashes,
        held,
    } = run;

    let outcomes = checked(&held.outcomes, &mut findings, fields::outcome);
    let risks = checked(&held.risks, &mut findings, fields::risk);
    let controls = checked(&held.controls, &mut findings, fields::control);
    let kris = checked(&held.kris, &mut findings, fields::kri);
    checked(&held.vendors, &mut findings, fields::vendor);

    let lists = &held.lists;
    let known = |in_files, existing, entity, what| Known {
        in_files,
        existing: (!(options.prune && lists.contains(&entity))).then_some(existing),
        what,
    };
    let known_outcomes = known(
        &outcomes,
        &existing.outcomes,
        Entity::Outcome,
        "outcome ref",
    );
    let known_risks = known(&risks, &existing.risks, Entity::Risk, "risk ref");
    let known_controls = known(
        &controls,
        &existing.controls,
        Entity::Control,
        "control ref",
    );
    let known_kris = known(&kris, &existing.kris, Entity::Kri, "KRI slug");
    let integrations = BTreeSet::new();
    let known_integrations = Known {
        in_files: &integrations,
        existing: Some(&existing.integrations),
        what: "integration of this tenant",
    };
    for (kri, at) in &held.kris {
        if let Some(outcome) = &kri.outcome {
            known_outcomes.check(&mut findings, at, "outcome", outcome);
        }
        for (i, risk) in kri.risks.iter().enumerate() {
            known_risks.check(&mut findings, at, &format!("risks[{i}]"), risk);
        }
        for (i, control) in kri.controls.iter().enumerate() {
            known_controls.check(&mut findings, at, &format!("controls[{i}]"), control);
        }
        if let Some(integration) = &kri.source_integration {
            known_integrations.check(&mut findings, at, "source_integration", integration);
        }
    }
    for (risk, at) in &held.risks {
        for (i, outcome) in risk.outcomes.iter().enumerate() {
            known_outcomes.check(&mut findings, at, &format!("outcomes[{i}]"), outcome);
        }
        for (i, control) in risk.controls.iter().enumerate() {
            known_controls.check(&mut findings, at, &format!("controls[{i}]"), control);
        }
    }

    let mut seen = SeenKeys::default();
    for (asset, at) in &held.assets {
        fields::asset(
            &mut Check {
                findings: &mut findings,
                at,
            },
            asset,
        );
        seen.note(asset, at, &mut findings, "assets");
    }
    let asset_files = stream_all::<Asset>(
        files,
        &held.asset_files,
        &mut findings,
        &mut hashes,
        |asset, at, findings| {
            fields::asset(&mut Check { findings, at }, asset);
            seen.note(asset, at, findings, "assets");
        },
    );
    let mut seen = SeenKeys::default();
    let mut observe = |observation: &Observation, at: &Origin, findings: &mut Findings| {
        fields::observation(&mut Check { findings, at }, observation);
        known_kris.check(findings, at, "kri", &observation.kri);
        seen.note(observation, at, findings, "observations");
    };
    for (observation, at) in &held.observations {
        observe(observation, at, &mut findings);
    }
    let observation_files = stream_all::<Observation>(
        files,
        &held.observation_files,
        &mut findings,
        &mut hashes,
        observe,
    );

    if !findings.is_empty() {
        return Err(Problems(findings.finish(&texts)));
    }
    let has_assets = held.lists.contains(&Entity::Asset);
    let has_observations = held.lists.contains(&Entity::Observation);
    let lists = &held.lists;
    Ok(Validated {
        register: Register {
            schema: None,
            outcomes: kept(held.outcomes, Entity::Outcome, lists),
            risks: kept(held.risks, Entity::Risk, lists),
            controls: kept(held.controls, Entity::Control, lists),
            kris: kept(held.kris, Entity::Kri, lists),
            vendors: kept(held.vendors, Entity::Vendor, lists),
            assets: None,
            observations: None,
        },
        assets: has_assets.then(|| rows_of(strip(held.assets), asset_files, files)),
        observations: has_observations
            .then(|| rows_of(strip(held.observations), observation_files, files)),
        files: files
            .iter()
            .zip(hashes)
            .map(|(file, hash)| (file.name.clone(), hash.unwrap_or_default()))
            .collect(),
    })
}

/// What the files hold, each record with its origin.
#[derive(Default)]
struct Held {
    outcomes: Vec<(Outcome, Origin)>,
    risks: Vec<(Risk, Origin)>,
    controls: Vec<(Control, Origin)>,
    kris: Vec<(Kri, Origin)>,
    vendors: Vec<(Vendor, Origin)>,
    assets: Vec<(Asset, Origin)>,
    observations: Vec<(Observation, Origin)>,
    /// Indexes of the streamed CSV files.
    asset_files: Vec<usize>,
    observation_files: Vec<usize>,
    /// The entities some file holds a list for.
    lists: BTreeSet<Entity>,
}

struct Run {
    findings: Findings,
    texts: Vec<Option<String>>,
    hashes: Vec<Option<String>>,
    held: Held,
}

impl Run {
    fn read(&mut self, index: usize, file: &InputFile) {
        let Some(kind) = FileKind::of(&file.name) else {
            self.findings.push(
                index,
                files::problem(
                    &file.name,
                    format!(
                        "the file name does not say what it holds; name it as {ACCEPTED_NAMES}"
                    ),
                ),
            );
            return;
        };
        match kind {
            FileKind::Document => self.read_document(index, file),
            FileKind::Csv(entity) => {
                self.held.lists.insert(entity);
                match entity {
                    Entity::Outcome => {
                        let records = self.read_csv(index, file);
                        self.held.outcomes.extend(records);
                    }
                    Entity::Risk => {
                        let records = self.read_csv(index, file);
                        self.held.risks.extend(records);
                    }
                    Entity::Control => {
                        let records = self.read_csv(index, file);
                        self.held.controls.extend(records);
                    }
                    Entity::Kri => {
                        let records = self.read_csv(index, file);
                        self.held.kris.extend(records);
                    }
                    Entity::Vendor => {
                        let records = self.read_csv(index, file);
                        self.held.vendors.extend(records);
                    }
                    Entity::Asset => self.held.asset_files.push(index),
                    Entity::Observation => self.held.observation_files.push(index),
                }
            }
        }
    }

    fn read_document(&mut self, index: usize, file: &InputFile) {
        let (text, sha256) = match files::read_text(file) {
            Ok(read) => read,
            Err(problem) => return self.findings.push(index, problem),
        };
        self.hashes[index] = Some(sha256);
        let register = match document::parse(&file.name, &text) {
            Ok(register) => register,
            Err(problem) => return self.findings.push(index, problem),
        };
        self.texts[index] = Some(text);
        let any = register.outcomes.is_some()
            || register.risks.is_some()
            || register.controls.is_some()
            || register.kris.is_some()
            || register.vendors.is_some()
            || register.assets.is_some()
            || register.observations.is_some();
        let held = &mut self.held;
        let lists = &mut held.lists;
        held.outcomes
            .extend(located(register.outcomes, Entity::Outcome, index, lists));
        held.risks
            .extend(located(register.risks, Entity::Risk, index, lists));
        held.controls
            .extend(located(register.controls, Entity::Control, index, lists));
        held.kris
            .extend(located(register.kris, Entity::Kri, index, lists));
        held.vendors
            .extend(located(register.vendors, Entity::Vendor, index, lists));
        held.assets
            .extend(located(register.assets, Entity::Asset, index, lists));
        held.observations.extend(located(
            register.observations,
            Entity::Observation,
            index,
            lists,
        ));
        if !any {
            self.findings.push(index, files::problem(
                &file.name,
                "the document holds none of outcomes, risks, controls, kris, vendors, assets, observations; add at least one list (see docs/register.md)",
            ));
        }
    }

    /// Reads a CSV whose records are kept (outcomes, risks, controls, KRIs, vendors).
    fn read_csv<T: CsvRecord>(&mut self, index: usize, file: &InputFile) -> Vec<(T, Origin)> {
        let mut records = Vec::new();
        let digest = each_row::<T>(
            index,
            file,
            true,
            &mut self.findings,
            |record, origin, _| {
                records.push((record, origin));
            },
        );
        self.hashes[index] = digest.map(hex::encode);
        records
    }
}

/// Reads every row of a CSV, handing each good one (with its origin) to `row` and
/// recording the problems of the others; stops once the file has too many problems.
/// Answers the file's SHA-256 when it could be opened.
fn each_row<T: CsvRecord>(
    index: usize,
    file: &InputFile,
    capped: bool,
    findings: &mut Findings,
    mut row: impl FnMut(T, Origin, &mut Findings),
) -> Option<[u8; 32]> {
    let mut rows = match CsvRows::<T>::open(&file.name, &file.content, capped) {
        Ok(rows) => rows,
        Err(problems) => {
            for problem in problems {
                findings.push(index, problem);
            }
            return None;
        }
    };
    let header = Arc::clone(rows.header());
    for result in rows.by_ref() {
        match result {
            Ok((record, line)) => {
                let origin = Origin::Csv {
                    file: index,
                    line,
                    header: Arc::clone(&header),
                };
                row(record, origin, findings);
            }
            Err(problems) => {
                for problem in problems {
                    findings.push(index, problem);
                }
            }
        }
        if findings.full(index) {
            break;
        }
    }
    Some(rows.digest())
}

/// Streams the CSV files of a large entity through `check`, one row at a time; answers
/// each file with its SHA-256 and how many rows it has.
fn stream_all<T: CsvRecord>(
    files: &[InputFile],
    indexes: &[usize],
    findings: &mut Findings,
    hashes: &mut [Option<String>],
    mut check: impl FnMut(&T, &Origin, &mut Findings),
) -> Vec<(usize, [u8; 32], u64)> {
    let mut streamed = Vec::new();
    for &index in indexes {
        let Some(file) = files.get(index) else {
            continue;
        };
        let mut count = 0;
        let digest = each_row::<T>(index, file, false, findings, |record, origin, findings| {
            count += 1;
            check(&record, &origin, findings);
        });
        if let Some(digest) = digest {
            if let Some(slot) = hashes.get_mut(index) {
                *slot = Some(hex::encode(digest));
            }
            streamed.push((index, digest, count));
        }
    }
    streamed
}

/// A document's list, each record with its origin (`kris[3]`); notes that a list is held.
fn located<T>(
    list: Option<Vec<T>>,
    entity: Entity,
    file: usize,
    lists: &mut BTreeSet<Entity>,
) -> Vec<(T, Origin)> {
    let Some(list) = list else {
        return Vec::new();
    };
    lists.insert(entity);
    list.into_iter()
        .enumerate()
        .map(|(i, record)| {
            let path = format!("{}[{i}]", entity.plural());
            (record, Origin::Document { file, path })
        })
        .collect()
}

/// The records of an entity, when some file holds a list for it.
fn kept<T>(records: Vec<(T, Origin)>, entity: Entity, lists: &BTreeSet<Entity>) -> Option<Vec<T>> {
    lists.contains(&entity).then(|| strip(records))
}

fn strip<T>(records: Vec<(T, Origin)>) -> Vec<T> {
    records.into_iter().map(|(r, _)| r).collect()
}

/// Inline rows first, then each streamed file, read again when imported.
fn rows_of<T: CsvRecord + Keyed + Clone + Send + Sync + 'static>(
    inline: Vec<T>,
    streamed: Vec<(usize, [u8; 32], u64)>,
    files: &[InputFile],
) -> Rows<T> {
    let mut len = inline.len() as u64;
    let mut sources = vec![RowsSource::Inline(Arc::new(inline))];
    for (index, sha256, count) in streamed {
        let Some(file) = files.get(index) else {
            continue;
        };
        len += count;
        sources.push(RowsSource::Csv {
            name: file.name.clone(),
            content: file.content.clone(),
            sha256,
            stream: stream_again::<T>,
        });
    }
    Rows {
        source: RowsSource::Chain(sources),
        len,
    }
}

/// Checks each record on its own and the uniqueness of their keys; answers the keys.
fn checked<T: Keyed>(
    records: &[(T, Origin)],
    findings: &mut Findings,
    rule: fn(&mut Check<'_>, &T),
) -> BTreeSet<String> {
    for (record, at) in records {
        rule(&mut Check { findings, at }, record);
    }
    unique(records, findings)
}
