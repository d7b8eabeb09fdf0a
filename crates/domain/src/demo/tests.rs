//! The demo promises: sizes, every KRI colour, histories ending today, and the exact
//! dataset (fingerprinted) so refactors provably change nothing.

use super::*;
use draxis_protocol::types::{IntegrationKind, KriStatus};

use crate::rules;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
}

#[test]
fn catalog_parses_with_forty_kris() {
    assert_eq!(kri_catalog().len(), 40);
}

#[test]
fn acme_meets_the_demo_promises() {
    let tenants = demo_tenants(today());
    let acme = &tenants[0];
    assert_eq!(acme.slug, "acme");
    assert_eq!(acme.kris.len(), 40);
    assert!(acme.risks.len() >= 25);
    assert!(acme.controls.len() >= 60);
    assert!(acme.outcomes.len() >= 6);
    assert!(acme.vendors.len() >= 30);
    assert!(acme.assets.len() >= 2000);
    assert!(
        acme.controls
            .iter()
            .all(|c| !c.nist_csf.is_empty() && !c.attack_techniques.is_empty())
    );
    let drop_zones: Vec<_> = acme
        .integrations
        .iter()
        .filter(|i| i.kind == IntegrationKind::DropZone)
        .map(|i| i.name.as_str())
        .collect();
    assert_eq!(drop_zones, ["AI Drop Zone", "EDR drops"]);
    assert_eq!(acme.integrations.len() - drop_zones.len(), 2);
    // Histories end today and span 90 days.
    let newest = acme
        .kris
        .iter()
        .filter_map(|k| k.history.last())
        .map(|h| h.0)
        .max()
        .unwrap();
    let oldest = acme
        .kris
        .iter()
        .filter_map(|k| k.history.first())
        .map(|h| h.0)
        .min()
        .unwrap();
    assert_eq!(newest.date_naive(), today());
    assert_eq!((newest - oldest).num_days(), 90);
    // Every colour shows up.
    let statuses: Vec<KriStatus> = acme
        .kris
        .iter()
        .map(|k| {
            let t = rules::Thresholds {
                direction: k.definition.direction,
                warn: k.definition.warn,
                critical: k.definition.critical,
                frequency: k.definition.frequency,
            };
            rules::kri_status(t, k.history.last().map(|h| (h.1, h.0)), newest).0
        })
        .collect();
    for status in KriStatus::ALL {
        assert!(statuses.contains(status), "no {status} KRI in the demo");
    }
}

/// FNV-1a over the demo's `{:?}` rendering: any change to the generated data (a table
/// entry, an RNG draw, a field) changes it.
fn fingerprint(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[test]
fn the_demo_is_exactly_what_it_was() {
    let rendered = format!("{:?}", demo_tenants(today()));
    assert_eq!(
        (rendered.len(), fingerprint(&rendered)),
        (722_759, 4_480_528_274_741_386_726),
        "the demo dataset changed"
    );
}

#[test]
fn the_same_day_gives_the_same_data() {
    let a = demo_tenants(today());
    let b = demo_tenants(today());
    assert_eq!(format!("{a:?}"), format!("{b:?}"));
    assert_eq!(a[1].slug, "globex");
    assert!(a[1].kris.len() < a[0].kris.len());
}
