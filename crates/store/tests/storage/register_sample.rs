//! What the register scenarios share: a small register written by hand (every entity,
//! every kind of link, assets keyed both ways, history), a write counter made of triggers
//! (so "nothing was written" is checked on every table), and import helpers.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use draxis_domain::register::{ImportError, Importer, RegisterStore};
use draxis_domain::{TenantId, entities::Tenant};
use draxis_protocol::types::{
    AssetKind, ControlStatus, Criticality, Direction, Frequency, RiskStatus,
};
use draxis_register::*;
use draxis_store::{Engine, Store};
use sqlx::Connection;

use crate::common::Fixture;

pub fn at(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 3, day, hour, 0, 0).unwrap()
}

fn li(likelihood: u8, impact: u8) -> LikelihoodImpact {
    LikelihoodImpact { likelihood, impact }
}

fn s(items: &[&str]) -> Vec<String> {
    items.iter().map(|i| i.to_string()).collect()
}

fn kri(slug: &str, outcome: Option<&str>, risks: &[&str], controls: &[&str]) -> Kri {
    Kri {
        slug: slug.into(),
        name: format!("{slug} name"),
        description: format!("What {slug} measures"),
        category: "vulnerability".into(),
        unit: "%".into(),
        direction: Direction::LowerIsWorse,
        warn: 90.0,
        critical: 80.0,
        frequency: Frequency::Weekly,
        owner: "secops".into(),
        aliases: s(&[&format!("{slug} alias")]),
        outcome: outcome.map(Into::into),
        risks: s(risks),
        controls: s(controls),
        source_integration: None,
    }
}

fn risk(r: &str, outcomes: &[&str], controls: &[&str]) -> Risk {
    Risk {
        r#ref: r.into(),
        title: format!("Risk {r}"),
        description: String::new(),
        category: "cyber".into(),
        owner: "ciso".into(),
        status: RiskStatus::Open,
        inherent: li(4, 5),
        current: li(3, 4),
        residual: li(2, 3),
        fair: Fair {
            event_frequency: 0.7,
            loss_magnitude: LossInterval {
                low: 50_000.0,
                high: 2_500_000.5,
            },
            currency: "USD".into(),
        },
        outcomes: s(outcomes),
        controls: s(controls),
    }
}

fn control(r: &str) -> Control {
    Control {
        r#ref: r.into(),
        name: format!("Control {r}"),
        category: "technical".into(),
        status: ControlStatus::Implemented,
        effectiveness: 0.65,
        nist_csf: s(&["PR.AA-03"]),
        attack_techniques: s(&["T1078", "T1078.002"]),
        owner: "it".into(),
    }
}

pub fn asset(external_id: Option<&str>, name: &str) -> Asset {
    Asset {
        external_id: external_id.map(Into::into),
        name: name.into(),
        kind: AssetKind::Server,
        environment: "production".into(),
        owner: "ops".into(),
        criticality: Criticality::High,
        internet_facing: true,
        data_classification: "confidential".into(),
        last_seen: at(1, 12),
        edr: true,
        mfa: false,
        backup: true,
        patched: false,
    }
}

/// A register in export order: every list sorted by natural key, links sorted.
pub fn sample() -> Register {
    let observation = |kri: &str, day: u32, value: f64| Observation {
        kri: kri.into(),
        observed_at: at(day, 0),
        value,
    };
    Register {
        schema: None,
        outcomes: Some(vec![
            Outcome {
                r#ref: "OUT-1".into(),
                name: "Keep trading".into(),
                description: "Orders flow".into(),
                owner: "coo".into(),
                loss_tolerance: 1_000_000.0,
                currency: "USD".into(),
            },
            Outcome {
                r#ref: "OUT-2".into(),
                name: "Keep data private".into(),
                description: String::new(),
                owner: "dpo".into(),
                loss_tolerance: 250_000.0,
                currency: "EUR".into(),
            },
        ]),
        risks: Some(vec![
            risk("R-1", &["OUT-1"], &["C-1", "C-2"]),
            risk("R-2", &["OUT-1", "OUT-2"], &[]),
            risk("R-3", &[], &["C-3"]),
        ]),
        controls: Some(vec![control("C-1"), control("C-2"), control("C-3")]),
        kris: Some(vec![
            kri("mfa_coverage", Some("OUT-2"), &["R-2"], &["C-1"]),
            kri(
                "patch_compliance",
                Some("OUT-1"),
                &["R-1", "R-3"],
                &["C-2", "C-3"],
            ),
            kri("phishing_click_rate", None, &[], &[]),
        ]),
        vendors: Some(vec![
            Vendor {
                name: "Acme Payroll".into(),
                category: "hr".into(),
                criticality: Criticality::Critical,
                tier: 1,
                data_elements: s(&["customer PII", "bank details"]),
                last_assessment: Some(VendorAssessment {
                    date: NaiveDate::from_ymd_opt(2025, 1, 15).unwrap(),
                    score: 72.5,
                    conclusion: "acceptable".into(),
                }),
                open_findings: 2,
                next_assessment_due: NaiveDate::from_ymd_opt(2026, 1, 15).unwrap(),
            },
            Vendor {
                name: "Zeta Cloud".into(),
                category: "hosting".into(),
                criticality: Criticality::Medium,
                tier: 2,
                data_elements: vec![],
                last_assessment: None,
                open_findings: 0,
                next_assessment_due: NaiveDate::from_ymd_opt(2025, 6, 1).unwrap(),
            },
        ]),
        assets: Some(vec![
            asset(Some("CMDB-001"), "web-01"),
            asset(Some("CMDB-002"), "web-02"),
            asset(None, "laptop-ann"),
            asset(None, "laptop-bob"),
        ]),
        observations: Some(vec![
            observation("mfa_coverage", 1, 91.0),
            observation("mfa_coverage", 8, 93.5),
            observation("patch_compliance", 1, 85.0),
            observation("patch_compliance", 8, 79.0),
            observation("patch_compliance", 15, 88.0),
        ]),
    }
}

pub fn importer() -> Importer {
    Importer {
        actor: "admin-cli:tester".into(),
        client_address: None,
    }
}

pub fn files() -> Vec<(String, String)> {
    vec![("register.yaml".into(), "ab".repeat(32))]
}

pub async fn import(
    store: &Store,
    tenant: TenantId,
    register: Register,
    dry_run: bool,
    prune: bool,
) -> Result<ImportReport, ImportError> {
    store
        .import_register(
            tenant,
            Validated::from_register(register, files()),
            ImportOptions { dry_run, prune },
            &importer(),
        )
        .await
}

pub async fn new_tenant(fixture: &Fixture, slug: &str) -> Tenant {
    fixture.store.create_tenant(slug, slug).await.unwrap()
}

/// The tables an import may write.
const WRITTEN: [&str; 11] = [
    "outcomes",
    "risks",
    "controls",
    "kris",
    "vendors",
    "assets",
    "kri_observations",
    "risk_outcomes",
    "risk_controls",
    "kri_risks",
    "kri_controls",
];

/// Counts every row inserted, updated or deleted in the tables an import writes, from now
/// on, with triggers (a rolled-back write is not counted).
pub struct WriteCounter {
    url: String,
}

impl WriteCounter {
    pub async fn install(fixture: &Fixture) -> Self {
        let mut conn = sqlx::AnyConnection::connect(&fixture.url).await.unwrap();
        let mut sql = String::from(
            "CREATE TABLE write_count (n BIGINT NOT NULL); INSERT INTO write_count VALUES (0);",
        );
        match fixture.store.engine() {
            Engine::Sqlite => {
                for table in WRITTEN {
                    for op in ["INSERT", "UPDATE", "DELETE"] {
                        sql.push_str(&format!(
                            "CREATE TRIGGER count_{table}_{op} AFTER {op} ON {table} \
                             BEGIN UPDATE write_count SET n = n + 1; END;"
                        ));
                    }
                }
            }
            Engine::Postgres => {
                sql.push_str(
                    "CREATE FUNCTION count_write() RETURNS trigger AS $$ \
                     BEGIN UPDATE write_count SET n = n + 1; RETURN NULL; END $$ LANGUAGE plpgsql;",
                );
                for table in WRITTEN {
                    sql.push_str(&format!(
                        "CREATE TRIGGER count_{table} AFTER INSERT OR UPDATE OR DELETE ON {table} \
                         FOR EACH ROW EXECUTE FUNCTION count_write();"
                    ));
                }
            }
        }
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
            .execute(&mut conn)
            .await
            .unwrap();
        conn.close().await.unwrap();
        Self {
            url: fixture.url.clone(),
        }
    }

    /// Rows written since the counter was installed.
    pub async fn writes(&self) -> i64 {
        let mut conn = sqlx::AnyConnection::connect(&self.url).await.unwrap();
        let n: i64 = sqlx::query_scalar("SELECT n FROM write_count")
            .fetch_one(&mut conn)
            .await
            .unwrap();
        conn.close().await.unwrap();
        n
    }
}

/// The counts of every entity as (created, updated, unchanged, deleted).
pub fn counts(report: &ImportReport, entity: Entity) -> (u64, u64, u64, u64) {
    let c = report.counts_of(entity);
    (c.created, c.updated, c.unchanged, c.deleted)
}
