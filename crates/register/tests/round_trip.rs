//! Writing then reading gives back an equal register, in YAML, JSON and CSV, and the
//! same register always gives the same bytes.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{DateTime, NaiveDate, Utc};
use draxis_protocol::types::{
    AssetKind, ControlStatus, Criticality, Direction, Frequency, RiskStatus,
};
use draxis_register::{
    Asset, Control, Fair, FileContent, InputFile, Kri, LikelihoodImpact, LossInterval, Observation,
    Outcome, Register, Risk, Vendor, VendorAssessment, read_register, to_json, to_yaml,
    write_csv_files,
};
use proptest::prelude::*;

/// Text that trips naive writers: YAML keywords, numbers, quotes, commas, `#`, colons,
/// newlines, leading spaces and non-ASCII.
fn text() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "a", "Z", " ", "yes", "null", "~", "1.5", "0x1F", "-", ":", ": ", "#", "\"", "'", ",",
        "\n", "é", "日本", "[", "{", "*", "&", "!", "%", "@", "`", "\t", "true",
    ]);
    prop::collection::vec(pieces, 0..6).prop_map(|p| p.concat())
}

/// A non-empty list item or key: trimmed, without `;`.
fn item() -> impl Strategy<Value = String> {
    text().prop_map(|t| {
        let t = t.replace(';', "").trim().to_owned();
        if t.is_empty() { "x".to_owned() } else { t }
    })
}

fn items() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(item(), 0..4)
}

fn number() -> impl Strategy<Value = f64> {
    prop_oneof![
        prop::num::f64::NORMAL | prop::num::f64::ZERO | prop::num::f64::SUBNORMAL,
        (0u32..1_000_000).prop_map(|n| f64::from(n) / 100.0),
    ]
}

fn date() -> impl Strategy<Value = NaiveDate> {
    (0i64..40_000)
        .prop_map(|d| NaiveDate::from_num_days_from_ce_opt(700_000 + d as i32).unwrap_or_default())
}

fn time() -> impl Strategy<Value = DateTime<Utc>> {
    (0i64..4_000_000_000, 0u32..1_000_000_000)
        .prop_map(|(s, n)| DateTime::from_timestamp(s, n).unwrap_or_default())
}

fn pick<T: Copy + std::fmt::Debug + 'static>(all: &'static [T]) -> impl Strategy<Value = T> {
    prop::sample::select(all)
}

fn scores() -> impl Strategy<Value = LikelihoodImpact> {
    (0u8..=255, 0u8..=255).prop_map(|(likelihood, impact)| LikelihoodImpact { likelihood, impact })
}

fn outcome() -> impl Strategy<Value = Outcome> {
    (item(), text(), text(), text(), number(), item()).prop_map(
        |(r, name, description, owner, loss_tolerance, currency)| Outcome {
            r#ref: r,
            name,
            description,
            owner,
            loss_tolerance,
            currency,
        },
    )
}

fn risk() -> impl Strategy<Value = Risk> {
    (
        (
            item(),
            text(),
            text(),
            text(),
            text(),
            pick(RiskStatus::ALL),
        ),
        (scores(), scores(), scores()),
        (number(), number(), number(), item()),
        (items(), items()),
    )
        .prop_map(
            |(
                (r, title, description, category, owner, status),
                (inherent, current, residual),
                (event_frequency, low, high, currency),
                (outcomes, controls),
            )| Risk {
                r#ref: r,
                title,
                description,
                category,
                owner,
                status,
                inherent,
                current,
                residual,
                fair: Fair {
                    event_frequency,
                    loss_magnitude: LossInterval { low, high },
                    currency,
                },
                outcomes,
                controls,
            },
        )
}

fn control() -> impl Strategy<Value = Control> {
    (
        item(),
        text(),
        text(),
        pick(ControlStatus::ALL),
        number(),
        items(),
        items(),
        text(),
    )
        .prop_map(
            |(r, name, category, status, effectiveness, nist_csf, attack_techniques, owner)| {
                Control {
                    r#ref: r,
                    name,
                    category,
                    status,
                    effectiveness,
                    nist_csf,
                    attack_techniques,
                    owner,
                }
            },
        )
}

fn kri() -> impl Strategy<Value = Kri> {
    (
        (item(), text(), text(), text(), text(), pick(Direction::ALL)),
        (number(), number(), pick(Frequency::ALL), text(), items()),
        (
            prop::option::of(item()),
            items(),
            items(),
            prop::option::of(item()),
        ),
    )
        .prop_map(
            |(
                (slug, name, description, category, unit, direction),
                (warn, critical, frequency, owner, aliases),
                (outcome, risks, controls, source_integration),
            )| Kri {
                slug,
                name,
                description,
                category,
                unit,
                direction,
                warn,
                critical,
                frequency,
                owner,
                aliases,
                outcome,
                risks,
                controls,
                source_integration,
            },
        )
}

fn vendor() -> impl Strategy<Value = Vendor> {
    (
        (item(), text(), pick(Criticality::ALL), 0u8..=255, items()),
        prop::option::of((date(), number(), text())),
        (0u32..1000, date()),
    )
        .prop_map(
            |(
                (name, category, criticality, tier, data_elements),
                assessment,
                (open_findings, next_assessment_due),
            )| Vendor {
                name,
                category,
                criticality,
                tier,
                data_elements,
                last_assessment: assessment.map(|(date, score, conclusion)| VendorAssessment {
                    date,
                    score,
                    conclusion,
                }),
                open_findings,
                next_assessment_due,
            },
        )
}

fn asset() -> impl Strategy<Value = Asset> {
    (
        (
            prop::option::of(item()),
            text(),
            pick(AssetKind::ALL),
            text(),
            text(),
            pick(Criticality::ALL),
        ),
        (any::<bool>(), text(), time()),
        (any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>()),
    )
        .prop_map(
            |(
                (external_id, name, kind, environment, owner, criticality),
                (internet_facing, data_classification, last_seen),
                (edr, mfa, backup, patched),
            )| Asset {
                external_id,
                name,
                kind,
                environment,
                owner,
                criticality,
                internet_facing,
                data_classification,
                last_seen,
                edr,
                mfa,
                backup,
                patched,
            },
        )
}

fn observation() -> impl Strategy<Value = Observation> {
    (item(), time(), number()).prop_map(|(kri, observed_at, value)| Observation {
        kri,
        observed_at,
        value,
    })
}

fn list<T: std::fmt::Debug>(s: impl Strategy<Value = T>) -> impl Strategy<Value = Option<Vec<T>>> {
    prop::option::of(prop::collection::vec(s, 0..4))
}

fn register() -> impl Strategy<Value = Register> {
    (
        list(outcome()),
        list(risk()),
        list(control()),
        list(kri()),
        list(vendor()),
        list(asset()),
        list(observation()),
    )
        .prop_map(
            |(outcomes, risks, controls, kris, vendors, assets, observations)| Register {
                schema: None,
                outcomes,
                risks,
                controls,
                kris,
                vendors,
                assets,
                observations,
            },
        )
}

fn from_text(name: &str, text: String) -> Register {
    let file = InputFile {
        name: name.into(),
        content: FileContent::Bytes(text.into_bytes().into()),
    };
    read_register(&[file]).unwrap_or_else(|problems| panic!("{problems}"))
}

fn scratch_dir() -> PathBuf {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let dir = std::env::temp_dir().join(format!(
        "draxis-register-rt-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn yaml_round_trips(register in register()) {
        let yaml = to_yaml(&register);
        prop_assert_eq!(&yaml, &to_yaml(&register.clone()));
        prop_assert_eq!(from_text("r.yaml", yaml), register);
    }

    #[test]
    fn json_round_trips(register in register()) {
        let json = to_json(&register);
        prop_assert_eq!(&json, &to_json(&register.clone()));
        prop_assert_eq!(from_text("r.json", json), register);
    }

    #[test]
    fn csv_round_trips(register in register()) {
        let dir = scratch_dir();
        let paths = write_csv_files(&register, &dir).expect("written");
        let files: Vec<InputFile> = paths.iter().map(|path| InputFile {
            name: path.display().to_string(),
            content: FileContent::Path(path.clone()),
        }).collect();
        let first: Vec<Vec<u8>> = paths.iter().map(|p| std::fs::read(p).expect("read")).collect();
        let back = read_register(&files).unwrap_or_else(|problems| panic!("{problems}"));
        write_csv_files(&register, &dir).expect("written again");
        let second: Vec<Vec<u8>> = paths.iter().map(|p| std::fs::read(p).expect("read")).collect();
        std::fs::remove_dir_all(&dir).ok();
        prop_assert_eq!(first, second);
        prop_assert_eq!(back, register);
    }
}
