//! The big tenant's estate: assets (endpoints, servers, cloud resources, SaaS apps,
//! datasets, network devices with their coverage) and third-party vendors.

use sqlx::AnyConnection;

use super::words::{
    DATA_ELEMENTS, DATASETS, Dice, REGIONS, SAAS_APPS, TEAMS, VENDOR_CATEGORIES, VENDOR_FORMS,
    VENDOR_STEMS, VENDOR_TAILS, combination, words,
};
use super::{Value, insert};

const DAY: i64 = 86_400_000;

pub(super) async fn assets(
    conn: &mut AnyConnection,
    tenant: i64,
    count: usize,
    anchor: i64,
) -> anyhow::Result<()> {
    let mut dice = Dice::new(0xa55e_7500);
    let (teams, regions, saas, datasets) = (
        words(TEAMS),
        words(REGIONS),
        words(SAAS_APPS),
        words(DATASETS),
    );
    let mut rows = Vec::with_capacity(count);
    for i in 0..count {
        let kind = *dice.weighted(&[
            ("endpoint", 60.0),
            ("server", 15.0),
            ("cloud_resource", 15.0),
            ("saas_app", 2.0),
            ("dataset", 5.0),
            ("network_device", 3.0),
        ]);
        let environment = *dice.weighted(&[
            ("production", 55.0),
            ("staging", 15.0),
            ("development", 20.0),
            ("dr", 5.0),
            ("test", 5.0),
        ]);
        let env = match environment {
            "production" => "prd",
            "staging" => "stg",
            "development" => "dev",
            other => other,
        };
        let region = dice.pick(&regions);
        let name = match kind {
            "endpoint" => format!("{}-{region}-{i:06}", dice.pick(&["lt", "ws", "vdi", "mac"])),
            "server" => format!("srv-{env}-{region}-{i:06}"),
            "cloud_resource" => format!(
                "{}-{env}-{region}-{i:06}",
                dice.pick(&[
                    "aws-ec2",
                    "aws-s3",
                    "az-vm",
                    "az-sql",
                    "gcp-gce",
                    "gcp-gcs",
                    "aws-rds",
                    "aws-lambda"
                ])
            ),
            "saas_app" => format!("{}-{env}-{i:06}", dice.pick(&saas)),
            "dataset" => format!("ds-{}-{env}-{i:06}", dice.pick(&datasets)),
            _ => format!(
                "{}-{region}-{i:06}",
                dice.pick(&["fw", "sw", "rtr", "lb", "ap"])
            ),
        };
        let facing = match kind {
            "saas_app" => true,
            "server" | "cloud_resource" => dice.chance(0.1),
            "network_device" => dice.chance(0.25),
            _ => false,
        };
        let hosts = matches!(kind, "endpoint" | "server" | "cloud_resource");
        let criticality = *dice.weighted(&[
            ("low", 35.0),
            ("medium", 40.0),
            ("high", 20.0),
            ("critical", 5.0),
        ]);
        let classification = *dice.weighted(&[
            ("public", 10.0),
            ("internal", 50.0),
            ("confidential", 30.0),
            ("restricted", 10.0),
        ]);
        let seen_days = if dice.chance(0.95) {
            dice.below(7)
        } else {
            30 + dice.below(300)
        };
        let last_seen = anchor - seen_days as i64 * DAY - dice.below(DAY as usize) as i64;
        rows.push(vec![
            tenant.into(),
            name.into(),
            kind.into(),
            environment.into(),
            (*dice.pick(&teams)).into(),
            criticality.into(),
            facing.into(),
            classification.into(),
            last_seen.into(),
            (hosts && dice.chance(0.93)).into(),
            dice.chance(0.88).into(),
            (kind != "endpoint" && dice.chance(0.9) || kind == "endpoint" && dice.chance(0.4))
                .into(),
            dice.chance(0.85).into(),
        ]);
    }
    insert(
        conn,
        "assets",
        &[
            "tenant_id",
            "name",
            "kind",
            "environment",
            "owner",
            "criticality",
            "internet_facing",
            "data_classification",
            "last_seen",
            "edr",
            "mfa",
            "backup",
            "patched",
        ],
        &rows,
    )
    .await
}

pub(super) async fn vendors(
    conn: &mut AnyConnection,
    tenant: i64,
    count: usize,
    anchor: i64,
) -> anyhow::Result<()> {
    let mut dice = Dice::new(0x0e4d_0125);
    let (stems, tails, forms) = (
        words(VENDOR_STEMS),
        words(VENDOR_TAILS),
        words(VENDOR_FORMS),
    );
    let (categories, elements) = (words(VENDOR_CATEGORIES), words(DATA_ELEMENTS));
    let names = stems.len() * tails.len();
    let date = |ms: i64| {
        chrono::DateTime::from_timestamp_millis(ms)
            .map(|t| t.date_naive().to_string())
            .unwrap_or_default()
    };
    let mut rows = Vec::with_capacity(count);
    for i in 0..count {
        let (stem, tail) = combination(i % names, &stems, &tails);
        let form = forms[(i / names + i) % forms.len()];
        let name = match i / (names * forms.len()) {
            0 => format!("{stem}{tail} {form}"),
            round => format!("{stem}{tail} {form} {}", round + 1),
        };
        let criticality = *dice.weighted(&[
            ("low", 40.0),
            ("medium", 35.0),
            ("high", 18.0),
            ("critical", 7.0),
        ]);
        let tier = match criticality {
            "critical" | "high" => 1,
            "medium" => 2,
            _ => 3,
        };
        let data: Vec<&str> = dice
            .some(0, 3, elements.len())
            .into_iter()
            .map(|e| elements[e])
            .collect();
        let assessed = dice.chance(0.9);
        let last = anchor - dice.below(400) as i64 * DAY;
        let due =
            last + [365, 730, 1095][tier as usize - 1] * DAY / 2 - dice.below(120) as i64 * DAY;
        let (score, conclusion) = {
            let score = (dice.range(40.0, 98.0) * 10.0).round() / 10.0;
            let conclusion = if score >= 80.0 {
                "satisfactory"
            } else if score >= 60.0 {
                "satisfactory with findings"
            } else {
                "remediation required"
            };
            (score, conclusion)
        };
        rows.push(vec![
            tenant.into(),
            name.into(),
            (*dice.pick(&categories)).into(),
            criticality.into(),
            (tier as i64).into(),
            serde_json::json!(data).to_string().into(),
            if assessed {
                date(last).into()
            } else {
                Value::NoText
            },
            if assessed {
                score.into()
            } else {
                Value::NoReal
            },
            if assessed {
                conclusion.into()
            } else {
                Value::NoText
            },
            (dice.below(if score < 60.0 { 12 } else { 4 }) as i64).into(),
            date(due).into(),
        ]);
    }
    insert(
        conn,
        "vendors",
        &[
            "tenant_id",
            "name",
            "category",
            "criticality",
            "tier",
            "data_elements",
            "last_assessment_date",
            "last_assessment_score",
            "last_assessment_conclusion",
            "open_findings",
            "next_assessment_due",
        ],
        &rows,
    )
    .await
}
