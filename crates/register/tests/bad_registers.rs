//! The corpus of bad registers: each gets a precise problem (file, line, column where the
//! format has one, field) whose message says what to do — never a panic, never a hang.

use std::path::Path;
use std::time::{Duration, Instant};

use draxis_register::{
    ExistingKeys, FileContent, ImportOptions, InputFile, Problem, Problems, validate,
};

fn fixture(name: &str) -> InputFile {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/bad")
        .join(name);
    InputFile {
        name: name.to_owned(),
        content: FileContent::Path(path),
    }
}

fn bytes(name: &str, data: Vec<u8>) -> InputFile {
    InputFile {
        name: name.to_owned(),
        content: FileContent::Bytes(data.into()),
    }
}

fn problems(files: &[InputFile]) -> Vec<Problem> {
    match validate(files, &ExistingKeys::default(), ImportOptions::default()) {
        Ok(_) => panic!(
            "{:?} validated",
            files.iter().map(|f| &f.name).collect::<Vec<_>>()
        ),
        Err(Problems(problems)) => problems,
    }
}

/// Asserts one problem at `file:line:column` (`None` where there is none) naming `field`,
/// whose message contains `says`.
#[track_caller]
fn has(
    problems: &[Problem],
    file: &str,
    line: Option<u64>,
    column: Option<u64>,
    field: Option<&str>,
    says: &str,
) {
    let found = problems.iter().any(|p| {
        p.at.file == file
            && p.at.line == line
            && p.at.column == column
            && p.at.field.as_deref() == field
            && p.message.contains(says)
    });
    assert!(
        found,
        "no problem {file}:{line:?}:{column:?} {field:?} saying {says:?} in:\n{}",
        problems
            .iter()
            .map(|p| format!("  {p}"))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn links_to_refs_that_exist_nowhere_are_each_reported() {
    let p = problems(&[fixture("bad-refs.yaml")]);
    assert_eq!(p.len(), 4, "{p:?}");
    has(
        &p,
        "bad-refs.yaml",
        Some(12),
        Some(23),
        Some("risks[0].outcomes[1]"),
        "no outcome ref is `OUT-MISSING`",
    );
    has(
        &p,
        "bad-refs.yaml",
        Some(22),
        Some(13),
        Some("kris[0].risks[0]"),
        "add it or correct the link",
    );
    has(
        &p,
        "bad-refs.yaml",
        Some(23),
        Some(25),
        Some("kris[0].source_integration"),
        "`splunk`",
    );
    has(
        &p,
        "bad-refs.yaml",
        Some(25),
        Some(12),
        Some("observations[0].kri"),
        "no KRI slug is `ghost`",
    );
}

#[test]
fn refs_the_tenant_holds_count_unless_pruned() {
    let mut existing = ExistingKeys::default();
    existing.outcomes.insert("OUT-MISSING".into());
    existing.risks.insert("R-NOPE".into());
    existing.kris.insert("ghost".into());
    existing.integrations.insert("splunk".into());
    let files = [fixture("bad-refs.yaml")];
    assert!(validate(&files, &existing, ImportOptions::default()).is_ok());
    // With --prune, the file's outcome list replaces the tenant's: OUT-MISSING goes.
    let pruned = ImportOptions {
        prune: true,
        dry_run: false,
    };
    let Err(Problems(p)) = validate(&files, &existing, pruned) else {
        panic!("pruned refs validated")
    };
    has(
        &p,
        "bad-refs.yaml",
        Some(12),
        Some(23),
        Some("risks[0].outcomes[1]"),
        "with --prune",
    );
    // The file lists risks and KRIs too, so R-NOPE and ghost go as well; integrations
    // are never pruned.
    has(
        &p,
        "bad-refs.yaml",
        Some(22),
        Some(13),
        Some("kris[0].risks[0]"),
        "with --prune",
    );
    has(
        &p,
        "bad-refs.yaml",
        Some(25),
        Some(12),
        Some("observations[0].kri"),
        "with --prune",
    );
    assert_eq!(p.len(), 3, "{p:?}");
}

#[test]
fn a_wrong_type_is_located_at_the_value() {
    let p = problems(&[fixture("wrong-type.yaml")]);
    has(
        &p,
        "wrong-type.yaml",
        Some(6),
        Some(20),
        None,
        "does not fit the field",
    );
}

#[test]
fn duplicate_keys_in_a_file_and_across_files() {
    let p = problems(&[fixture("duplicate-keys.yaml")]);
    has(
        &p,
        "duplicate-keys.yaml",
        Some(10),
        Some(11),
        Some("kris[1].slug"),
        "duplicate KRI slug `dup`: `kris[0]` in duplicate-keys.yaml has it too; keep one",
    );
    has(
        &p,
        "duplicate-keys.yaml",
        Some(20),
        Some(20),
        Some("assets[1].external_id"),
        "duplicate asset key `external_id A-1`",
    );
    let p = problems(&[fixture("cross/register.yaml"), fixture("cross/kris.csv")]);
    has(
        &p,
        "cross/kris.csv",
        Some(2),
        Some(1),
        Some("slug"),
        "duplicate KRI slug `twice`: `kris[0]` in cross/register.yaml",
    );
}

#[test]
fn a_duplicate_yaml_mapping_key_is_refused() {
    let p = problems(&[fixture("duplicate-mapping-key.yaml")]);
    has(
        &p,
        "duplicate-mapping-key.yaml",
        Some(4),
        Some(5),
        None,
        "`name` appears twice in this mapping; keep only one",
    );
}

#[test]
fn truncated_yaml_says_where_it_breaks() {
    let p = problems(&[fixture("truncated.yaml")]);
    has(
        &p,
        "truncated.yaml",
        Some(3),
        Some(11),
        None,
        "unclosed quote",
    );
    has(&p, "truncated.yaml", Some(3), Some(11), None, "fix it");
}

#[test]
fn a_csv_without_a_required_column_names_it_once() {
    let p = problems(&[fixture("missing-column/outcomes.csv")]);
    assert_eq!(p.len(), 1, "{p:?}");
    has(
        &p,
        "missing-column/outcomes.csv",
        Some(1),
        None,
        Some("loss_tolerance"),
        "no `loss_tolerance` column, which is required; add it",
    );
}

#[test]
fn every_bad_csv_cell_is_located_by_line_and_column() {
    let p = problems(&[fixture("bad-cell/controls.csv")]);
    has(
        &p,
        "bad-cell/controls.csv",
        Some(3),
        Some(4),
        Some("status"),
        "write one of planned, implemented, degraded, retired",
    );
    // Cells that read but break a rule: one problem each.
    let csv = "ref,name,category,status,effectiveness,nist_csf,attack_techniques,owner\n\
               C-1,One,c,implemented,1.5,PR.AA-03;PR.XX-99,T1078;T12,o\n\
               C-2,Two,c,planned,abc,,,o\n";
    let p = problems(&[bytes("controls.csv", csv.into())]);
    has(
        &p,
        "controls.csv",
        Some(2),
        Some(5),
        Some("effectiveness"),
        "1.5 is outside 0 to 1",
    );
    has(
        &p,
        "controls.csv",
        Some(2),
        Some(6),
        Some("nist_csf"),
        "`PR.XX-99` is not a NIST CSF 2.0 subcategory",
    );
    has(
        &p,
        "controls.csv",
        Some(2),
        Some(7),
        Some("attack_techniques"),
        "`T12` is not an ATT&CK technique id",
    );
    has(
        &p,
        "controls.csv",
        Some(3),
        Some(5),
        Some("effectiveness"),
        "`abc` is not a number",
    );
    assert_eq!(p.len(), 4, "{p:?}");
}

#[test]
fn unknown_columns_and_file_names_are_refused() {
    let p = problems(&[bytes(
        "outcomes.csv",
        b"ref,name,loss_tolerance,colour\nA,A,1,red\n".to_vec(),
    )]);
    has(
        &p,
        "outcomes.csv",
        Some(1),
        Some(4),
        Some("colour"),
        "unknown column `colour`",
    );
    let p = problems(&[bytes("people.csv", b"a\n".to_vec())]);
    has(&p, "people.csv", None, None, None, "`kris.csv`");
}

#[test]
fn non_utf8_and_empty_files() {
    let p = problems(&[fixture("non-utf8/outcomes.csv")]);
    has(
        &p,
        "non-utf8/outcomes.csv",
        Some(2),
        Some(1),
        None,
        "save the file as UTF-8",
    );
    let p = problems(&[bytes("r.yaml", b"outcomes:\n  - ref: \"A\xff\"\n".to_vec())]);
    has(&p, "r.yaml", Some(2), Some(12), None, "save it as UTF-8");
    let p = problems(&[fixture("empty.yaml")]);
    has(&p, "empty.yaml", None, None, None, "the file is empty");
    let p = problems(&[bytes("kris.csv", Vec::new())]);
    has(
        &p,
        "kris.csv",
        None,
        None,
        None,
        "its first line must name the columns",
    );
}

#[test]
fn an_alias_bomb_stops_at_once() {
    let started = Instant::now();
    let p = problems(&[fixture("alias-bomb.yaml")]);
    has(
        &p,
        "alias-bomb.yaml",
        Some(3),
        Some(14),
        None,
        "does not fit the field",
    );
    // Aliases that do fit the fields are capped too.
    let mut doc = String::from("outcomes:\n  - { ref: A, name: &n Alpha, loss_tolerance: 1 }\n");
    for i in 0..1500 {
        doc.push_str(&format!(
            "  - {{ ref: B{i}, name: *n, loss_tolerance: 1 }}\n"
        ));
    }
    let p = problems(&[bytes("aliases.yaml", doc.into_bytes())]);
    has(
        &p,
        "aliases.yaml",
        Some(1003),
        Some(25),
        None,
        "too many aliases",
    );
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[test]
fn rule_breaches_are_all_reported_with_their_fields() {
    let p = problems(&[fixture("rules.yaml")]);
    assert_eq!(p.len(), 6, "{p:?}");
    has(
        &p,
        "rules.yaml",
        Some(6),
        Some(29),
        Some("risks[0].inherent.likelihood"),
        "likelihood 6 is outside 1 to 5",
    );
    has(
        &p,
        "rules.yaml",
        Some(9),
        Some(67),
        Some("risks[0].fair.loss_magnitude.high"),
        "must be above its low (500)",
    );
    has(
        &p,
        "rules.yaml",
        Some(16),
        Some(26),
        Some("controls[0].nist_csf[1]"),
        "`PR.AC-01` is not a NIST CSF 2.0 subcategory",
    );
    has(
        &p,
        "rules.yaml",
        Some(17),
        Some(32),
        Some("controls[0].attack_techniques[1]"),
        "`T78` is not an ATT&CK technique id",
    );
    has(
        &p,
        "rules.yaml",
        Some(25),
        Some(15),
        Some("kris[0].critical"),
        "critical (95) must be below warn (80); swap them",
    );
    has(
        &p,
        "rules.yaml",
        Some(27),
        Some(11),
        Some("kris[1].slug"),
        "`Bad Slug` is not a KRI slug",
    );
}

/// 50 MB of random bytes, as a document and as a streamed CSV.
fn junk(len: usize) -> Vec<u8> {
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect()
}

#[test]
fn fifty_megabytes_of_junk_fail_fast_with_one_precise_problem() {
    let data = junk(50 * 1024 * 1024);
    for name in ["junk.yaml", "assets.csv", "kris.csv"] {
        let started = Instant::now();
        let p = problems(&[bytes(name, data.clone())]);
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{name} took {:?}",
            started.elapsed()
        );
        assert!(p.len() <= 3, "{name}: {p:?}");
        has(&p, name, p[0].at.line, p[0].at.column, None, "UTF-8");
        assert!(p[0].at.line.is_some(), "{name}: {p:?}");
    }
    // Printable junk without line breaks: refused at the 1 MiB line cap, not buffered whole.
    let started = Instant::now();
    let p = problems(&[bytes("assets.csv", vec![b'x'; 50 * 1024 * 1024])]);
    has(&p, "assets.csv", None, None, None, "longer than 1 MiB");
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[test]
fn documents_over_the_size_cap_are_refused() {
    let mut doc = b"outcomes: []\n# ".to_vec();
    doc.resize(65 * 1024 * 1024, b'x');
    let p = problems(&[bytes("big.yaml", doc)]);
    has(&p, "big.yaml", None, None, None, "larger than 64 MiB");
}
