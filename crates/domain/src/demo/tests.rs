//! The demo promises: what each tenant holds (the counts and colours the end-to-end suites
//! rely on), histories ending today, dates moved with the day, the files' stated anchor,
//! and the exact dataset (fingerprinted) so edits to the files are deliberate.

use super::*;
use chrono::{DateTime, Duration, Utc};
use draxis_protocol::types::{IntegrationKind, KriStatus};

use crate::rules;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
}

fn status_of(kri: &draxis_register::Kri, demo: &DemoTenantRegister) -> KriStatus {
    let last = demo
        .observations
        .iter()
        .rfind(|o| o.kri == kri.slug)
        .map(|o| (o.value, o.observed_at));
    let thresholds = rules::Thresholds {
        direction: kri.direction,
        warn: kri.warn,
        critical: kri.critical,
        frequency: kri.frequency,
    };
    rules::kri_status(thresholds, last, observations::midnight(today())).0
}

/// (outcomes, risks, controls, KRIs, vendors, assets, observations) of a tenant.
fn counts(demo: &DemoTenantRegister) -> [usize; 7] {
    let r = &demo.register;
    [
        r.outcomes.as_ref().map_or(0, Vec::len),
        r.risks.as_ref().map_or(0, Vec::len),
        r.controls.as_ref().map_or(0, Vec::len),
        r.kris.as_ref().map_or(0, Vec::len),
        r.vendors.as_ref().map_or(0, Vec::len),
        r.assets.as_ref().map_or(0, Vec::len),
        demo.observations.len(),
    ]
}

/// How many KRIs end (green, amber, red, unknown).
fn colours(demo: &DemoTenantRegister) -> [usize; 4] {
    let mut colours = [0; 4];
    for kri in demo.register.kris.iter().flatten() {
        colours[KriStatus::ALL
            .iter()
            .position(|s| *s == status_of(kri, demo))
            .unwrap()] += 1;
    }
    colours
}

#[test]
fn catalog_parses_with_forty_kris() {
    assert_eq!(kri_catalog().len(), 40);
}

/// What the generator the files replaced made, and the suites expect.
#[test]
fn the_tenants_hold_what_the_demo_always_held() {
    let demos = demo_registers(today()).unwrap();
    let slugs: Vec<_> = demos
        .iter()
        .map(|d| (d.slug.as_str(), d.name.as_str()))
        .collect();
    assert_eq!(
        slugs,
        [
            ("acme", "Acme Corporation"),
            ("globex", "Globex Industries")
        ]
    );
    let (acme, globex) = (&demos[0], &demos[1]);
    assert_eq!(counts(acme), [7, 26, 62, 40, 32, 2050, 1701]);
    assert_eq!(counts(globex), [3, 8, 16, 12, 8, 152, 666]);
    assert_eq!(colours(acme), [26, 8, 4, 2]);
    assert_eq!(colours(globex), [9, 2, 1, 0]);
    let risks = acme.register.risks.as_ref().unwrap();
    assert_eq!(risks[0].r#ref, "R-001");
    assert_eq!(risks[25].r#ref, "R-026");
    assert_eq!(acme.register.controls.as_ref().unwrap()[61].r#ref, "C-062");
    assert!(
        acme.register
            .controls
            .iter()
            .flatten()
            .all(|c| !c.nist_csf.is_empty() && !c.attack_techniques.is_empty())
    );
    let drop_zones: Vec<_> = acme
        .integrations
        .iter()
        .filter(|i| i.kind == IntegrationKind::DropZone)
        .map(|i| i.name.as_str())
        .collect();
    assert_eq!(drop_zones, ["AI Drop Zone", "EDR drops"]);
    assert_eq!(acme.integrations.len(), 4);
    // Every KRI's source integration is one the tenant has.
    for demo in &demos {
        for kri in demo.register.kris.iter().flatten() {
            if let Some(source) = &kri.source_integration {
                assert!(demo.integrations.iter().any(|i| &i.name == source));
            }
        }
    }
}

#[test]
fn histories_span_ninety_days_and_end_today() {
    for demo in demo_registers(today()).unwrap() {
        let newest = demo
            .observations
            .iter()
            .map(|o| o.observed_at)
            .max()
            .unwrap();
        let oldest = demo
            .observations
            .iter()
            .map(|o| o.observed_at)
            .min()
            .unwrap();
        assert_eq!(newest, observations::midnight(today()));
        assert_eq!((newest - oldest).num_days(), 90, "{}", demo.slug);
        // Oldest first per KRI, one point per period, no two at the same time.
        for kri in demo.register.kris.iter().flatten() {
            let times: Vec<DateTime<Utc>> = demo
                .observations
                .iter()
                .filter(|o| o.kri == kri.slug)
                .map(|o| o.observed_at)
                .collect();
            assert!(times.windows(2).all(|w| w[0] < w[1]), "{}", kri.slug);
        }
    }
}

/// The files' dates keep their age: a day later, every date is a day later, and the
/// histories still end that day.
#[test]
fn dates_move_with_the_day() {
    let a = demo_registers(today()).unwrap();
    let b = demo_registers(today() + Duration::days(1)).unwrap();
    let (va, vb) = (
        a[0].register.vendors.as_ref().unwrap(),
        b[0].register.vendors.as_ref().unwrap(),
    );
    for (x, y) in va.iter().zip(vb) {
        assert_eq!(
            y.next_assessment_due - x.next_assessment_due,
            Duration::days(1)
        );
    }
    let (aa, ab) = (
        a[0].register.assets.as_ref().unwrap(),
        b[0].register.assets.as_ref().unwrap(),
    );
    for (x, y) in aa.iter().zip(ab) {
        assert_eq!(y.last_seen - x.last_seen, Duration::days(1));
        assert!(y.last_seen <= observations::midnight(today() + Duration::days(1)));
    }
    // On the anchor itself, the files are taken as written.
    let anchored = demo_registers(ANCHOR).unwrap();
    assert_eq!(
        anchored[0].register.vendors.as_ref().unwrap()[0]
            .next_assessment_due
            .to_string(),
        "2027-08-19"
    );
}

/// Every register file says, in its header, the anchor the loader moves dates from.
#[test]
fn the_files_state_their_anchor() {
    for demo in demo_registers(today()).unwrap() {
        let document = demo
            .files
            .iter()
            .find(|f| f.name.ends_with(".yaml"))
            .unwrap();
        assert!(
            document.text.contains(&format!("Dates are as of {ANCHOR}")),
            "{} does not state the anchor",
            document.name
        );
    }
}

/// FNV-1a over the demo's `{:?}` rendering: any change to the data (a record in a file, a
/// history draw) changes it.
fn fingerprint(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[test]
fn the_demo_is_exactly_what_it_was() {
    // The data, not the files' text: their comments may change freely.
    let data: Vec<_> = demo_registers(today())
        .unwrap()
        .into_iter()
        .map(|d| (d.slug, d.name, d.register, d.observations, d.integrations))
        .collect();
    let rendered = format!("{data:?}");
    assert_eq!(
        (rendered.len(), fingerprint(&rendered)),
        (921_502, 3_953_136_566_467_854_400),
        "the demo dataset changed"
    );
}

#[test]
fn the_same_day_gives_the_same_data() {
    let a = format!("{:?}", demo_registers(today()).unwrap());
    let b = format!("{:?}", demo_registers(today()).unwrap());
    assert_eq!(a, b);
}

/// The demo's files pass the validation a customer's register goes through (CSF 2.0 ids,
/// ATT&CK ids, thresholds, ranges, links, keys), given the integrations the demo creates.
#[test]
fn the_files_pass_the_importers_validation() {
    for demo in demo_registers(today()).unwrap() {
        let existing = draxis_register::ExistingKeys {
            integrations: demo.integrations.iter().map(|i| i.name.clone()).collect(),
            ..Default::default()
        };
        let validated = draxis_register::validate(
            &files::input_files(&demo.slug),
            &existing,
            draxis_register::ImportOptions::default(),
        )
        .unwrap_or_else(|problems| panic!("{}: {problems}", demo.slug));
        assert_eq!(
            validated.assets.map(|rows| rows.len),
            demo.register.assets.as_ref().map(|a| a.len() as u64)
        );
    }
}
