//! The development corpus: every artifact in `tests/corpus/dev` against what
//! `expected.json` says a good extractor finds, leaves for review, or must not take.

#![allow(clippy::unwrap_used)] // A failed unwrap is a failed test.

use draxis_domain::demo::kri_catalog;
use draxis_dropzone::{Artifact, BuiltinExtractor, CatalogEntry, Extractor, KriCatalog};
use serde_json::Value;

fn catalog() -> KriCatalog {
    KriCatalog::new(kri_catalog().iter().map(CatalogEntry::from).collect())
}

const BALANCED: f64 = 0.85;

#[test]
fn dev_corpus_meets_expectations() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/dev");
    let expected: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("expected.json")).unwrap()).unwrap();
    let catalog = catalog();
    let mut failures = Vec::new();
    let (mut wanted, mut found, mut proposed, mut correct) = (0, 0, 0, 0);
    for case in expected["artifacts"].as_array().unwrap() {
        let file = case["file"].as_str().unwrap();
        let content = std::fs::read_to_string(dir.join(file)).unwrap();
        let artifact = Artifact {
            content: &content,
            filename: Some(file),
            mime_type: case["mimeType"].as_str(),
        };
        let extraction = BuiltinExtractor.extract(&artifact, &catalog);
        let list = |key: &str| -> Vec<(String, f64)> {
            case[key]
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|e| {
                            (
                                e["slug"].as_str().unwrap().to_string(),
                                e["value"].as_f64().unwrap(),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default()
        };
        let expect = list("expect");
        let pending = list("expectPending");
        let must_not_accept: Vec<&str> = case["mustNotAutoAccept"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let nothing = case["mustNotExtract"]
            .as_array()
            .is_some_and(|a| a.iter().any(|v| v == "*"));
        for p in &extraction.proposals {
            println!(
                "{file}: {} = {} ({:.2}) lines {}-{} {:?} {:?}",
                catalog.entry(p.kri).slug,
                p.value,
                p.confidence,
                p.span.line_start,
                p.span.line_end,
                p.span.excerpt,
                p.reasons
            );
            assert!(
                content.contains(&p.span.excerpt),
                "{file}: span not verbatim: {:?}",
                p.span.excerpt
            );
            assert!((0.0..=1.0).contains(&p.confidence));
            proposed += 1;
            let right = expect
                .iter()
                .chain(&pending)
                .any(|(s, v)| *s == catalog.entry(p.kri).slug && (v - p.value).abs() < 1e-6);
            if right {
                correct += 1;
            } else if must_not_accept.contains(&catalog.entry(p.kri).slug.as_str())
                && p.confidence < BALANCED
            {
                correct += 1; // Left for a human, as it must be.
            } else {
                failures.push(format!(
                    "{file}: unexpected {} = {} ({})",
                    catalog.entry(p.kri).slug,
                    p.value,
                    p.confidence
                ));
            }
            if p.confidence >= BALANCED
                && (must_not_accept.contains(&catalog.entry(p.kri).slug.as_str())
                    || !expect.iter().any(|(s, v)| {
                        *s == catalog.entry(p.kri).slug && (v - p.value).abs() < 1e-6
                    }))
            {
                failures.push(format!(
                    "{file}: wrongly auto-accepted {} = {}",
                    catalog.entry(p.kri).slug,
                    p.value
                ));
            }
        }
        for (slug, value) in expect.iter().chain(&pending) {
            wanted += 1;
            if extraction
                .proposals
                .iter()
                .any(|p| catalog.entry(p.kri).slug == *slug && (p.value - value).abs() < 1e-6)
            {
                found += 1;
            } else {
                failures.push(format!("{file}: missed {slug} = {value}"));
            }
        }
        for (slug, _) in &pending {
            if extraction
                .proposals
                .iter()
                .any(|p| catalog.entry(p.kri).slug == *slug && p.confidence >= BALANCED)
            {
                failures.push(format!("{file}: {slug} should wait for review"));
            }
        }
        if nothing && !extraction.proposals.is_empty() {
            failures.push(format!("{file}: must extract nothing"));
        }
    }
    println!("recall {found}/{wanted}, precision {correct}/{proposed}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
