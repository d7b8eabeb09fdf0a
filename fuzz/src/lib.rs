//! The bodies of the fuzz targets, one function per target, each taking the fuzzer's
//! bytes and calling only code that does no IO. `fuzz_targets/*.rs` wrap them for
//! libFuzzer (`cargo +nightly fuzz run <target>`); the test below runs each on random
//! and mutated inputs with the stable toolchain (`cargo test` in this folder).

use std::sync::OnceLock;

use draxis_auth::PresentedPat;
use draxis_auth::oauth;
use draxis_domain::paging::{KeyKind, KeyPart, SortKey, decode_cursor, encode_cursor, paginate};
use draxis_dropzone::{Artifact, BuiltinExtractor, CatalogEntry, Extractor, KriCatalog};
use draxis_protocol::Tool;
use draxis_protocol::tools::*;
use serde_json::Value;

/// The fuzzer's bytes as text, if they are UTF-8.
fn text(data: &[u8]) -> Option<&str> {
    std::str::from_utf8(data).ok()
}

/// The PAT parser: any text either parses into a valid tenant slug or is refused.
pub fn pat(data: &[u8]) {
    let Some(token) = text(data) else { return };
    if let Ok(presented) = PresentedPat::parse(token) {
        assert!(
            draxis_auth::pat::is_valid_tenant_slug(presented.tenant_slug),
            "a parsed PAT carries an invalid slug"
        );
    }
}

/// The cursor decoder, alone and in a page walk: never a panic, and a decoded cursor
/// always has the shape asked for.
pub fn cursor(data: &[u8]) {
    let Some(cursor) = text(data) else { return };
    let shapes: [&[KeyKind]; 3] = [&[KeyKind::Text], &[KeyKind::Num, KeyKind::Text], &[]];
    for shape in shapes {
        if let Ok(key) = decode_cursor("name", shape, cursor) {
            assert_eq!(key.parts.len(), shape.len());
            assert_eq!(
                decode_cursor("name", shape, &encode_cursor("name", &key)).ok(),
                Some(key)
            );
        }
    }
    let rows: Vec<(i64, f64)> = (1..=5).map(|i| (i, (i % 3) as f64)).collect();
    let _ = paginate(
        rows,
        "name",
        |r| SortKey::new(vec![KeyPart::Num(r.1), KeyPart::Text(r.0.to_string())], r.0),
        Some(cursor),
        Some(2),
    );
}

/// Deserializes `arguments` as `T`'s arguments, as the MCP handler does.
fn tool_args_of<T: Tool>(arguments: &Value) {
    let _ = serde_json::from_value::<T::Args>(arguments.clone());
}

/// Every tool's arguments from arbitrary JSON (as an object, as MCP sends them).
pub fn tool_args(data: &[u8]) {
    let Ok(value) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    let arguments = match value {
        Value::Object(_) => value,
        other => serde_json::json!({ "integrationId": other.clone(), "cursor": other }),
    };
    tool_args_of::<ListKris>(&arguments);
    tool_args_of::<GetKri>(&arguments);
    tool_args_of::<ListControls>(&arguments);
    tool_args_of::<ListRisks>(&arguments);
    tool_args_of::<ListOutcomes>(&arguments);
    tool_args_of::<ListVendors>(&arguments);
    tool_args_of::<GetAssetInventory>(&arguments);
    tool_args_of::<ListSimulations>(&arguments);
    tool_args_of::<ListIntegrations>(&arguments);
    tool_args_of::<SubmitDropzoneArtifact>(&arguments);
    tool_args_of::<RunIntegration>(&arguments);
    if let Ok(args) = serde_json::from_value::<SubmitArtifactArgs>(arguments) {
        for label in [args.filename, args.mime_type].into_iter().flatten() {
            let _ = label_problem("filename", &label);
        }
    }
}

/// The JSON-RPC envelope check in front of rmcp.
pub fn jsonrpc_envelope(data: &[u8]) {
    if let Err(refusal) = draxis_transport::check_jsonrpc_message(data) {
        assert!(
            refusal.code == -32700 || refusal.code == -32600,
            "unexpected code {}",
            refusal.code
        );
    }
}

/// The OAuth parameter parsers: a form decoded, each value put through the redirect URI
/// check and matching, PKCE verifier and challenge checks, scope parsing, and the error
/// redirect built from it.
pub fn oauth_params(data: &[u8]) {
    let Ok(pairs) = serde_urlencoded::from_bytes::<Vec<(String, String)>>(data) else {
        return;
    };
    let values: Vec<&str> = pairs.iter().map(|(_, v)| v.as_str()).collect();
    let registered = values.first().copied().unwrap_or_default();
    for value in &values {
        if oauth::check_redirect_uri(value).is_ok() {
            let _ = oauth::redirect_uri_matches(value, value);
        }
        let _ = oauth::redirect_uri_matches(registered, value);
        let _ = oauth::is_valid_code_verifier(value);
        let _ = oauth::is_valid_code_challenge(value);
        let _ = oauth::pkce_s256_matches(registered, value);
        let _ = oauth::parse_oauth_scope(Some(value));
        let _ = oauth::scopes_from_oauth_string(value);
        let redirect = draxis_auth::server::with_query(registered, &[("state", value)]);
        let query = redirect.split_once('?').map_or("", |(_, q)| q);
        assert!(serde_urlencoded::from_str::<Vec<(String, String)>>(query).is_ok());
    }
    let _ = oauth::parse_oauth_scope(None);
}

fn demo_catalog() -> &'static KriCatalog {
    static CATALOG: OnceLock<KriCatalog> = OnceLock::new();
    CATALOG.get_or_init(|| {
        KriCatalog::new(
            draxis_domain::demo::kri_catalog()
                .iter()
                .map(CatalogEntry::from)
                .collect(),
        )
    })
}

/// The Drop Zone extractor on arbitrary UTF-8 against the demo catalog, with and
/// without a file name and media type.
pub fn extractor(data: &[u8]) {
    let Some(content) = text(data) else { return };
    for (filename, mime_type) in [
        (None, None),
        (Some("report.csv"), Some("text/csv")),
        (Some("metrics.json"), Some("application/json")),
    ] {
        let artifact = Artifact {
            content,
            filename,
            mime_type,
        };
        let _ = BuiltinExtractor.extract(&artifact, demo_catalog());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// xorshift64*: enough randomness to vary inputs, with no dependency.
    struct Random(u64);

    impl Random {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    const SEEDS: &[&str] = &[
        "drx_pat_acme.0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        "eyJzIjoibmFtZSIsImsiOlsiYSJdLCJpIjoxfQ",
        r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"list_kris","arguments":{"status":"red","limit":5,"cursor":"x"}}}"#,
        r#"{"integrationId":"int_1","content":"MFA coverage: 97%","filename":"a.md","mimeType":"text/markdown"}"#,
        "redirect_uri=http%3A%2F%2F127.0.0.1%3A8765%2Fcb&code_verifier=abcdefghijklmnopqrstuvwxyzabcdefghijklmnopq&scope=mcp%3Aread+mcp%3Awrite",
        "| Metric | Value |\n|---|---|\n| Patch compliance | 91.3% |\n| Critical CVEs unpatched > 30 days | 12 |\n",
        "{\"edr_coverage_pct\": 95.1, \"mfa\": \"97 %\"}",
        "Phishing click rate was 4.2% in November, down from 5.1%.",
    ];

    /// A seed with random bytes replaced, inserted, removed or spliced from another.
    fn mutated(random: &mut Random) -> Vec<u8> {
        let mut bytes = SEEDS[random.below(SEEDS.len())].as_bytes().to_vec();
        for _ in 0..=random.below(8) {
            let at = random.below(bytes.len() + 1);
            match random.below(4) {
                0 if at < bytes.len() => bytes[at] = random.next() as u8,
                1 => {
                    const PIECES: &[u8] = b"{}[]\":,\\\n\t%0|.-_ 9a\xff";
                    bytes.insert(at, PIECES[random.below(PIECES.len())]);
                }
                2 if at < bytes.len() => {
                    bytes.remove(at);
                }
                _ => {
                    let other = SEEDS[random.below(SEEDS.len())].as_bytes();
                    let from = random.below(other.len());
                    bytes.splice(at..at, other[from..].iter().copied().take(16));
                }
            }
        }
        bytes
    }

    #[test]
    fn every_target_survives_random_and_mutated_inputs() {
        let targets: [(&str, fn(&[u8])); 6] = [
            ("pat", pat),
            ("cursor", cursor),
            ("tool_args", tool_args),
            ("jsonrpc_envelope", jsonrpc_envelope),
            ("oauth_params", oauth_params),
            ("extractor", extractor),
        ];
        let mut random = Random(0x9e37_79b9_7f4a_7c15);
        for (name, target) in targets {
            for seed in SEEDS {
                target(seed.as_bytes());
            }
            for _ in 0..2_000 {
                let input = if random.below(4) == 0 {
                    (0..random.below(64)).map(|_| random.next() as u8).collect()
                } else {
                    mutated(&mut random)
                };
                target(&input);
            }
            eprintln!("{name}: ok");
        }
    }
}
