//! Extraction and hashing throughput on one large file, for `cargo xtask bench-dropzone`:
//! prints `extract_mb_s`, `hash_mb_s` (file read + SHA-256, as `sha256sum` does) and
//! `hash_memory_mb_s`, each the best of several passes.
//!
//!     cargo run --release -p draxis-dropzone --example throughput -- FILE

use std::time::Instant;

/// The server's allocator, so the figures are the server's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use draxis_domain::demo::kri_catalog;
use draxis_dropzone::{
    Artifact, BuiltinExtractor, CatalogEntry, Extractor, KriCatalog, sha256_hex,
};

fn catalog() -> KriCatalog {
    KriCatalog::new(kri_catalog().iter().map(CatalogEntry::from).collect())
}

fn best_of<T>(passes: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut best = f64::MAX;
    let mut last = None;
    for _ in 0..passes {
        let started = Instant::now();
        let out = f();
        best = best.min(started.elapsed().as_secs_f64());
        last = Some(out);
    }
    (best, last.expect("at least one pass"))
}

fn main() {
    let path = std::env::args().nth(1).expect("usage: throughput FILE");
    let text = std::fs::read_to_string(&path).expect("a UTF-8 file");
    let mb = text.len() as f64 / 1e6;
    let catalog = catalog();
    let (extract_s, extraction) = best_of(3, || {
        BuiltinExtractor.extract(
            &Artifact {
                content: &text,
                filename: None,
                mime_type: Some("text/plain"),
            },
            &catalog,
        )
    });
    let (hash_s, digest) = best_of(5, || {
        let bytes = std::fs::read(&path).expect("readable");
        sha256_hex(&bytes)
    });
    let (memory_s, _) = best_of(5, || sha256_hex(text.as_bytes()));
    println!("bytes {}", text.len());
    println!(
        "proposals {} skipped {}",
        extraction.proposals.len(),
        extraction.skipped
    );
    println!("sha256 {digest}");
    println!("extract_mb_s {:.1}", mb / extract_s);
    println!("hash_mb_s {:.1}", mb / hash_s);
    println!("hash_memory_mb_s {:.1}", mb / memory_s);
}
