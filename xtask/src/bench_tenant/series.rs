//! Histories of the big tenant: KRI observations (streaming KRIs every 15 minutes,
//! the others daily, weekly or monthly) and simulation runs computed by the loss engine
//! at low iteration counts, so their results are real ones.

use draxis_simulation::{Control, ControlTarget, Frequency, Magnitude, RiskModel, Stage};
use sqlx::AnyConnection;

use super::kris::{KriPlan, metrics};
use super::register::{Register, RiskFigures};
use super::words::Dice;
use super::{Value, insert};

const DAY: i64 = 86_400_000;

/// Today at 00:00 UTC in Unix milliseconds: every generated time is relative to it.
pub(super) fn anchor() -> i64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64);
    now - now % DAY
}

/// Writes `budget` observations over the KRIs: fixed-length histories first, the rest
/// shared by the streaming KRIs; then sets each KRI's current value to its newest.
pub(super) async fn observations(
    conn: &mut AnyConnection,
    tenant: i64,
    kris: &[KriPlan],
    budget: usize,
    anchor: i64,
) -> anyhow::Result<()> {
    let fixed: usize = kris.iter().filter_map(|k| k.count).sum();
    let streaming = kris.iter().filter(|k| k.count.is_none()).count().max(1);
    let share = budget.saturating_sub(fixed).max(streaming * 10) / streaming;
    let mut spare = budget.saturating_sub(fixed + share * streaming);
    let mut dice = Dice::new(0x0b5e_7fed);
    let metrics = metrics();
    for plan in kris {
        let n = plan.count.unwrap_or_else(|| {
            let extra = std::mem::take(&mut spare);
            share + extra
        });
        let m = &metrics[plan.metric];
        let (unit, warn, critical, typical, noise) =
            (m.unit, m.warn, m.critical, m.typical, m.noise);
        let target = match plan.drift {
            0 => typical,
            1 => warn + (critical - warn) * 0.4,
            _ => critical + (critical - warn) * 0.3,
        };
        let newest = anchor - plan.ends_before_ms;
        let mut wobble = 0.0;
        let rows: Vec<Vec<Value>> = (0..n)
            .map(|t| {
                let progress = t as f64 / n.max(2) as f64;
                let level = typical + (target - typical) * progress * progress;
                wobble = 0.97 * wobble + noise * 0.42 * dice.range(-1.0, 1.0);
                let value = shape(level + wobble, unit);
                let at = newest - (n - 1 - t) as i64 * plan.cadence_ms;
                vec![
                    tenant.into(),
                    plan.id.into(),
                    at.into(),
                    value.into(),
                    plan.source.as_str().into(),
                ]
            })
            .collect();
        let newest_value = match rows.last().map(|row| &row[3]) {
            Some(Value::Real(v)) => Some(*v),
            _ => None,
        };
        insert(
            conn,
            "kri_observations",
            &["tenant_id", "kri_id", "observed_at", "value", "source"],
            &rows,
        )
        .await?;
        sqlx::query("UPDATE kris SET current_value = $1, current_observed_at = $2 WHERE id = $3 AND tenant_id = $4")
            .bind(newest_value)
            .bind(newest_value.map(|_| newest))
            .bind(plan.id)
            .bind(tenant)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// A drawn value as the unit reports it: percentages within 0-100 to 0.1, counts whole.
fn shape(value: f64, unit: &str) -> f64 {
    match unit {
        "%" => (value.clamp(0.0, 100.0) * 100.0).round() / 100.0,
        "count" => value.max(0.0).round(),
        _ => (value.max(0.1) * 10.0).round() / 10.0,
    }
}

/// The loss model of one generated risk: controls split their factor like the platform's.
fn model(risk: &RiskFigures) -> RiskModel {
    let on_magnitude = risk.controls.iter().filter(|c| c.1).count().max(1) as f64;
    let on_frequency = risk.controls.iter().filter(|c| !c.1).count().max(1) as f64;
    RiskModel {
        frequency: Frequency::Rate(risk.frequency),
        magnitude: Magnitude::LogNormal90 {
            low: risk.loss_low,
            high: risk.loss_high,
        },
        secondary: None,
        controls: risk
            .controls
            .iter()
            .map(|(effectiveness, magnitude)| Control {
                effectiveness: effectiveness
                    / if *magnitude {
                        on_magnitude
                    } else {
                        on_frequency
                    },
                target: if *magnitude {
                    ControlTarget::Magnitude
                } else {
                    ControlTarget::Frequency
                },
                planned: false,
            })
            .collect(),
    }
}

/// `count` runs over the last 180 days, oldest first: most of risks (2,000 simulated
/// years), some of outcomes (1,000), a few failed.
pub(super) async fn simulations(
    conn: &mut AnyConnection,
    tenant: i64,
    register: &Register,
    count: usize,
    anchor: i64,
) -> anyhow::Result<()> {
    let mut dice = Dice::new(0x513a_7105);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let spacing = 180 * DAY / count.max(1) as i64;
    let mut rows = Vec::with_capacity(count);
    for k in 0..count {
        let created = anchor - (count - k) as i64 * spacing + dice.below(60_000) as i64;
        let seed = k as u64 + 1;
        let (risk, outcome, iterations, summary) = if dice.chance(0.85) {
            let risk = dice.pick(&register.risks);
            let summary = draxis_simulation::simulate_risk(
                &model(risk),
                Stage::Current,
                2_000,
                seed,
                threads,
            );
            (Some(risk.id), None, 2_000, summary)
        } else {
            let o = dice.below(register.outcomes.len());
            let models: Vec<RiskModel> = register
                .risks
                .iter()
                .filter(|r| r.outcomes.contains(&o))
                .map(model)
                .collect();
            let summary =
                draxis_simulation::simulate_outcome(&models, Stage::Current, 1_000, seed, threads);
            (None, Some(register.outcomes[o]), 1_000, summary)
        };
        let failed = dice.chance(0.03);
        let (status, results, error, mean) = match (failed, summary) {
            (false, Ok(summary)) => {
                let results = draxis_domain::simulations::results_of(&summary);
                let text = Value::Text(serde_json::to_string(&results)?);
                (
                    "completed",
                    text,
                    Value::NoText,
                    Value::Real(results.mean_annual_loss),
                )
            }
            (_, Err(error)) => (
                "failed",
                Value::NoText,
                Value::Text(error.to_string()),
                Value::NoReal,
            ),
            (true, _) => (
                "failed",
                Value::NoText,
                "the worker stopped before the run finished: run it again".into(),
                Value::NoReal,
            ),
        };
        let finished = created + 1_000 + dice.below(40_000) as i64;
        rows.push(vec![
            tenant.into(),
            risk.into(),
            outcome.into(),
            status.into(),
            iterations.into(),
            (seed as i64).into(),
            "{}".into(),
            results,
            error,
            mean,
            created.into(),
            (created + 500).into(),
            finished.into(),
        ]);
    }
    insert(
        conn,
        "simulations",
        &[
            "tenant_id",
            "risk_id",
            "outcome_id",
            "status",
            "iterations",
            "seed",
            "parameters",
            "results",
            "error",
            "mean_annual_loss",
            "created_at",
            "started_at",
            "finished_at",
        ],
        &rows,
    )
    .await?;
    // Each risk and outcome points at its latest completed run, as the store keeps it.
    for (table, subject) in [("risks", "risk_id"), ("outcomes", "outcome_id")] {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE {table} SET latest_simulation_id = (SELECT MAX(s.id) FROM simulations s \
             WHERE s.tenant_id = {table}.tenant_id AND s.{subject} = {table}.id AND s.status = 'completed') \
             WHERE tenant_id = $1"
        )))
        .bind(tenant)
        .execute(&mut *conn)
        .await?;
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE {table} SET latest_simulated_annual_loss = (SELECT s.mean_annual_loss FROM simulations s \
             WHERE s.id = {table}.latest_simulation_id) WHERE tenant_id = $1"
        )))
        .bind(tenant)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}
