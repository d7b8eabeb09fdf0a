//! The big tenant's KRIs: 20 metrics measured in 25 scopes (regions, business units),
//! a fifth of them streaming, each linked to ~53 risks and a few controls.

use sqlx::AnyConnection;

use super::register::Register;
use super::words::{Dice, SCOPES, TEAMS, pairs, words};
use super::{Sizes, Value, ids_by, insert};

/// One measured quantity, as `slug;name;unit;higher|lower;warn;critical;typical;noise;category`.
pub(super) const METRICS: &str = "edr_coverage_pct;EDR coverage;%;lower;95.0;90.0;96.5;1.5;Endpoint|\
     mfa_coverage_pct;MFA coverage;%;lower;98.0;95.0;98.6;0.8;Identity|\
     critical_vulns_open;Open critical vulnerabilities;count;higher;20.0;50.0;12.0;6.0;Vulnerability|\
     patch_sla_breaches;Patch SLA breaches;count;higher;10.0;25.0;6.0;3.0;Vulnerability|\
     phishing_click_rate_pct;Phishing click rate;%;higher;5.0;10.0;3.5;1.0;Awareness|\
     backup_success_pct;Backup success rate;%;lower;98.0;95.0;98.9;0.6;Resilience|\
     mttd_hours;Mean time to detect;hours;higher;24.0;72.0;14.0;6.0;Detection|\
     mttr_hours;Mean time to respond;hours;higher;48.0;96.0;30.0;10.0;Response|\
     privileged_unreviewed;Unreviewed privileged accounts;count;higher;5.0;15.0;2.0;1.5;Identity|\
     vendor_high_findings;Open high vendor findings;count;higher;30.0;60.0;20.0;6.0;Third party|\
     dlp_incidents;DLP incidents;count;higher;15.0;40.0;8.0;4.0;Data protection|\
     unencrypted_devices;Unencrypted devices;count;higher;25.0;75.0;12.0;6.0;Endpoint|\
     stale_accounts;Stale accounts;count;higher;100.0;250.0;60.0;20.0;Identity|\
     log_source_gaps;SIEM log source gaps;count;higher;5.0;12.0;2.0;1.5;Detection|\
     cloud_misconfig_high;High cloud misconfigurations;count;higher;15.0;40.0;8.0;4.0;Cloud|\
     ddos_events;DDoS events;count;higher;3.0;8.0;1.0;1.0;Availability|\
     certs_expiring_30d;Certificates expiring in 30 days;count;higher;10.0;25.0;5.0;3.0;Availability|\
     service_uptime_pct;Service uptime;%;lower;99.9;99.5;99.95;0.03;Availability|\
     open_p1_incidents;Open P1 incidents;count;higher;2.0;5.0;0.5;0.7;Response|\
     training_completion_pct;Security training completion;%;lower;90.0;80.0;94.0;2.5;Awareness";

/// A row of [`METRICS`].
pub(super) struct Metric {
    pub slug: &'static str,
    pub name: &'static str,
    pub unit: &'static str,
    pub higher_is_worse: bool,
    pub warn: f64,
    pub critical: f64,
    /// Where a healthy KRI of this metric sits, and how much it moves.
    pub typical: f64,
    pub noise: f64,
    pub category: &'static str,
}

/// Every metric of [`METRICS`].
pub(super) fn metrics() -> Vec<Metric> {
    METRICS
        .split('|')
        .map(|row| {
            let f: Vec<&'static str> = row.split(';').collect();
            let num = |i: usize| f[i].parse::<f64>().unwrap_or_default();
            Metric {
                slug: f[0],
                name: f[1],
                unit: f[2],
                higher_is_worse: f[3] == "higher",
                warn: num(4),
                critical: num(5),
                typical: num(6),
                noise: num(7),
                category: f[8],
            }
        })
        .collect()
}

/// A KRI and how its history is drawn.
pub(super) struct KriPlan {
    pub id: i64,
    pub metric: usize,
    /// Milliseconds between observations.
    pub cadence_ms: i64,
    /// Fixed history length (`None`: streaming, shares the rest of the budget).
    pub count: Option<usize>,
    /// How long before the anchor the history ends (stale KRIs end months ago).
    pub ends_before_ms: i64,
    /// Where the series drifts to: 0 healthy, 1 amber, 2 red.
    pub drift: u8,
    pub source: String,
}

/// Inserts the KRIs and their links; returns how each one's history is to be drawn.
pub(super) async fn kris(
    conn: &mut AnyConnection,
    tenant: i64,
    sizes: &Sizes,
    register: &Register,
) -> anyhow::Result<Vec<KriPlan>> {
    let mut dice = Dice::new(0x006b_0715);
    let dice = &mut dice;
    let (outcomes, risks, controls) = (&register.outcomes, &register.risks, &register.controls);
    let integrations = &register.integrations;
    const DAY: i64 = 86_400_000;
    let scopes = pairs(SCOPES);
    let teams = words(TEAMS);
    let feeds: Vec<(&String, &i64)> = {
        let mut feeds: Vec<_> = integrations.iter().collect();
        feeds.sort();
        feeds
    };
    let metrics = metrics();
    let mut plans = Vec::new();
    let mut slugs = Vec::new();
    let rows: Vec<Vec<Value>> = (0..sizes.kris)
        .map(|i| {
            let metric = i % metrics.len();
            let Metric {
                slug,
                name,
                unit,
                higher_is_worse,
                warn,
                critical,
                category,
                ..
            } = metrics[metric];
            let (scope, label) = scopes[(i / metrics.len()) % scopes.len()];
            let round = i / (metrics.len() * scopes.len());
            let slug = if round == 0 {
                format!("{slug}_{scope}")
            } else {
                format!("{slug}_{scope}_{round}")
            };
            slugs.push(slug.clone());
            let streaming = i % 5 == 0;
            let frequency = if streaming {
                "daily"
            } else {
                *dice.weighted(&[("daily", 70.0), ("weekly", 20.0), ("monthly", 10.0)])
            };
            let (cadence_ms, count) = match (streaming, frequency) {
                (true, _) => (15 * 60_000, None),
                (false, "daily") => (DAY, Some(1_000)),
                (false, "weekly") => (7 * DAY, Some(150)),
                _ => (30 * DAY, Some(36)),
            };
            let feed = (!dice.chance(0.2)).then(|| feeds[dice.below(feeds.len())]);
            let outcome = dice
                .chance(0.7)
                .then(|| outcomes[dice.below(outcomes.len())]);
            plans.push(KriPlan {
                id: 0,
                metric,
                cadence_ms,
                count,
                ends_before_ms: if dice.chance(0.04) {
                    120 * DAY
                } else {
                    dice.below(6 * 3_600_000) as i64
                },
                drift: *dice.weighted(&[(0u8, 60.0), (1, 25.0), (2, 15.0)]),
                source: feed.map_or_else(
                    || "manual entry".to_string(),
                    |(name, _)| format!("integration: {name}"),
                ),
            });
            vec![
                tenant.into(),
                slug.clone().into(),
                format!("{name} ({label})").into(),
                format!("{name} for {label}, in {unit}; reported {frequency}.").into(),
                category.into(),
                unit.into(),
                if higher_is_worse {
                    "higher_is_worse"
                } else {
                    "lower_is_worse"
                }
                .into(),
                warn.into(),
                critical.into(),
                frequency.into(),
                (*dice.pick(&teams)).into(),
                serde_json::json!([slug.replace('_', " "), format!("{name} {scope}")])
                    .to_string()
                    .into(),
                feed.map(|(_, id)| *id).into(),
                outcome.into(),
            ]
        })
        .collect();
    insert(
        conn,
        "kris",
        &[
            "tenant_id",
            "slug",
            "name",
            "description",
            "category",
            "unit",
            "direction",
            "warn",
            "critical",
            "frequency",
            "owner",
            "aliases",
            "source_integration_id",
            "outcome_id",
        ],
        &rows,
    )
    .await?;
    let by_slug = ids_by(conn, tenant, "kris", "slug").await?;
    let mut kri_risks = Vec::new();
    let mut kri_controls = Vec::new();
    for (plan, slug) in plans.iter_mut().zip(&slugs) {
        plan.id = by_slug[slug];
        for r in dice.some(40, 66, risks.len()) {
            kri_risks.push(vec![tenant.into(), plan.id.into(), risks[r].id.into()]);
        }
        for c in dice.some(2, 6, controls.len()) {
            kri_controls.push(vec![tenant.into(), plan.id.into(), controls[c].into()]);
        }
    }
    insert(
        conn,
        "kri_risks",
        &["tenant_id", "kri_id", "risk_id"],
        &kri_risks,
    )
    .await?;
    insert(
        conn,
        "kri_controls",
        &["tenant_id", "kri_id", "control_id"],
        &kri_controls,
    )
    .await?;
    Ok(plans)
}
