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

fn status_of(
    kri: &draxis_register::Kri,
    last: Option<(f64, chrono::DateTime<chrono::Utc>)>,
) -> KriStatus {
    let t = rules::Thresholds {
        direction: kri.direction,
        warn: kri.warn,
        critical: kri.critical,
        frequency: kri.frequency,
    };
    let now = observations::midnight(today());
    rules::kri_status(t, last, now).0
}

/// The register files, moved to a day that is not their anchor, hold exactly what the
/// generator made for that day; the generated histories have the same points and end in
/// the same colours.
#[test]
fn the_files_hold_what_the_generator_made() {
    let generated = demo_tenants(today());
    let loaded = demo_registers(today()).unwrap();
    assert_eq!(loaded.len(), generated.len());
    for (tenant, demo) in generated.iter().zip(&loaded) {
        assert_eq!((&demo.slug, &demo.name), (&tenant.slug, &tenant.name));
        assert_eq!(demo.integrations, tenant.integrations);
        assert_eq!(
            demo.register,
            to_register::to_register(tenant),
            "{}",
            tenant.slug
        );
        for kri in &tenant.kris {
            let d = &kri.definition;
            let points: Vec<_> = demo
                .observations
                .iter()
                .filter(|o| o.kri == d.slug)
                .collect();
            let dates: Vec<_> = points.iter().map(|o| o.observed_at).collect();
            let generated_dates: Vec<_> = kri.history.iter().map(|h| h.0).collect();
            assert_eq!(dates, generated_dates, "{} history dates", d.slug);
            let loaded_kri = demo
                .register
                .kris
                .iter()
                .flatten()
                .find(|k| k.slug == d.slug)
                .unwrap();
            assert_eq!(
                status_of(loaded_kri, points.last().map(|o| (o.value, o.observed_at))),
                status_of(loaded_kri, kri.history.last().map(|h| (h.1, h.0))),
                "{} status",
                d.slug
            );
        }
        let generated_points: usize = tenant.kris.iter().map(|k| k.history.len()).sum();
        assert_eq!(demo.observations.len(), generated_points);
    }
}
