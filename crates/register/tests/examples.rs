//! The documented examples validate, and what they hold comes through whole.

use std::path::{Path, PathBuf};

use draxis_register::{ExistingKeys, FileContent, ImportOptions, InputFile, validate};

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/examples")
}

fn input(path: PathBuf) -> InputFile {
    InputFile {
        name: path.display().to_string(),
        content: FileContent::Path(path),
    }
}

fn count<T: Clone + Send + Sync + 'static>(rows: &draxis_register::Rows<T>) -> usize {
    let mut n = 0;
    for row in rows.read().expect("rows open") {
        row.expect("row reads");
        n += 1;
    }
    n
}

#[test]
fn the_initech_document_validates_with_every_entity() {
    let file = input(examples().join("initech.register.yaml"));
    let validated = validate(&[file], &ExistingKeys::default(), ImportOptions::default())
        .unwrap_or_else(|problems| panic!("{problems}"));
    let register = &validated.register;
    assert_eq!(register.outcomes.as_ref().map(Vec::len), Some(3));
    assert_eq!(register.risks.as_ref().map(Vec::len), Some(5));
    assert_eq!(register.controls.as_ref().map(Vec::len), Some(6));
    assert_eq!(register.kris.as_ref().map(Vec::len), Some(6));
    assert_eq!(register.vendors.as_ref().map(Vec::len), Some(3));
    let assets = validated.assets.as_ref().expect("assets");
    assert_eq!((assets.len, count(assets)), (5, 5));
    let observations = validated.observations.as_ref().expect("observations");
    assert_eq!((observations.len, count(observations)), (5, 5));
    assert!(
        register
            .kris
            .iter()
            .flatten()
            .all(|k| !k.aliases.is_empty())
    );
    assert_eq!(validated.files.len(), 1);
    assert_eq!(validated.files[0].1.len(), 64, "a SHA-256 in hex");
}

#[test]
fn the_csv_example_validates_and_streams_assets_and_observations_again() {
    let dir = examples().join("csv");
    let mut names: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("csv dir")
        .map(|e| e.expect("entry").path())
        .collect();
    names.sort();
    let files: Vec<InputFile> = names.into_iter().map(input).collect();
    assert_eq!(files.len(), 7);
    let validated = validate(&files, &ExistingKeys::default(), ImportOptions::default())
        .unwrap_or_else(|problems| panic!("{problems}"));
    assert_eq!(validated.register.kris.as_ref().map(Vec::len), Some(3));
    assert_eq!(validated.register.vendors.as_ref().map(Vec::len), Some(2));
    let assets = validated.assets.as_ref().expect("assets");
    assert_eq!((assets.len, count(assets)), (3, 3));
    let observations = validated.observations.as_ref().expect("observations");
    assert_eq!((observations.len, count(observations)), (3, 3));
    for (_, sha) in &validated.files {
        assert_eq!(sha.len(), 64);
    }
}
