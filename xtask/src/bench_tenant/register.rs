//! The big tenant's register: integrations, outcomes, risks and controls, and the links
//! between them (each risk in ~2 outcomes with ~8 controls).

use sqlx::AnyConnection;

use super::words::{
    ATTACK_TECHNIQUES, CONTROL_ACTIONS, CONTROL_CATEGORIES, CONTROL_OBJECTS, Dice, PEOPLE, TARGETS,
    TEAMS, THREATS, combination, pairs, words,
};
use super::{Sizes, Value, ids_by, insert};

/// What later steps need of the register.
pub(super) struct Register {
    pub outcomes: Vec<i64>,
    pub risks: Vec<RiskFigures>,
    pub controls: Vec<i64>,
    /// Integration ids by name.
    pub integrations: std::collections::HashMap<String, i64>,
}

/// A risk's loss figures and links, for simulating it.
pub(super) struct RiskFigures {
    pub id: i64,
    pub frequency: f64,
    pub loss_low: f64,
    pub loss_high: f64,
    pub outcomes: Vec<usize>,
    /// Effectiveness and whether the control lowers magnitude (detect/respond/recover).
    pub controls: Vec<(f64, bool)>,
}

const OUTCOMES: &str = "Customer data breach|Payments outage|Manufacturing disruption|Regulatory sanction|\
     Fraud loss|Intellectual property theft|Cloud platform outage|Third-party compromise";

const INTEGRATIONS: &str = "AI Drop Zone|EDR drops|Identity provider exports|Vulnerability scanner drops|\
     Backup reports|SIEM health drops|Cloud posture drops|GRC questionnaire drops";

pub(super) async fn load(
    conn: &mut AnyConnection,
    tenant: i64,
    sizes: &Sizes,
    anchor: i64,
) -> anyhow::Result<Register> {
    let mut dice = Dice::new(0x00b1_6c0b);
    let (people, teams) = (words(PEOPLE), words(TEAMS));
    let integration_names = words(INTEGRATIONS);
    let rows: Vec<Vec<Value>> = integration_names
        .iter()
        .map(|name| {
            let kind: &str = "drop_zone";
            vec![
                tenant.into(),
                (*name).into(),
                kind.into(),
                "manual".into(),
                anchor.into(),
            ]
        })
        .collect();
    insert(
        conn,
        "integrations",
        &["tenant_id", "name", "kind", "schedule", "created_at"],
        &rows,
    )
    .await?;
    let integration_ids = ids_by(conn, tenant, "integrations", "name").await?;

    let outcome_names = words(OUTCOMES);
    let rows: Vec<Vec<Value>> = outcome_names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            vec![
                tenant.into(),
                format!("O-{:02}", i + 1).into(),
                (*name).into(),
                format!("Losses from {} across the group.", name.to_lowercase()).into(),
                (*dice.pick(&people)).into(),
                ((dice.log_uniform(5e6, 2e8) / 1e5).round() * 1e5).into(),
            ]
        })
        .collect();
    insert(
        conn,
        "outcomes",
        &[
            "tenant_id",
            "ref",
            "name",
            "description",
            "owner",
            "loss_tolerance",
        ],
        &rows,
    )
    .await?;
    let outcome_by_ref = ids_by(conn, tenant, "outcomes", "ref").await?;
    let outcomes: Vec<i64> = (1..=outcome_names.len())
        .map(|i| outcome_by_ref[&format!("O-{i:02}")])
        .collect();

    // Controls first: risks carry their effectiveness into the simulation models.
    let (actions, objects, categories) = (
        words(CONTROL_ACTIONS),
        words(CONTROL_OBJECTS),
        pairs(CONTROL_CATEGORIES),
    );
    let techniques = words(ATTACK_TECHNIQUES);
    let mut control_figures = Vec::new();
    let rows: Vec<Vec<Value>> = (0..sizes.controls)
        .map(|i| {
            let (action, object) = combination(i, &actions, &objects);
            let (category, csf) = *dice.pick(&categories);
            let status = *dice.weighted(&[
                ("implemented", 78.0),
                ("degraded", 9.0),
                ("planned", 10.0),
                ("retired", 3.0),
            ]);
            let effectiveness = (dice.range(0.35, 0.95) * 100.0).round() / 100.0;
            let technique_list: Vec<&str> = dice
                .some(1, 3, techniques.len())
                .into_iter()
                .map(|t| techniques[t])
                .collect();
            control_figures.push((
                effectiveness,
                csf.starts_with("DE") || csf.starts_with("RS") || csf.starts_with("RC"),
                status,
            ));
            vec![
                tenant.into(),
                format!("C-{:04}", i + 1).into(),
                format!(
                    "{action} {object}{}",
                    suffix(i, actions.len() * objects.len())
                )
                .into(),
                category.into(),
                status.into(),
                effectiveness.into(),
                serde_json::json!([csf]).to_string().into(),
                serde_json::json!(technique_list).to_string().into(),
                (*dice.pick(&teams)).into(),
            ]
        })
        .collect();
    insert(
        conn,
        "controls",
        &[
            "tenant_id",
            "ref",
            "name",
            "category",
            "status",
            "effectiveness",
            "nist_csf",
            "attack_techniques",
            "owner",
        ],
        &rows,
    )
    .await?;
    let control_by_ref = ids_by(conn, tenant, "controls", "ref").await?;
    let control_ids: Vec<i64> = (1..=sizes.controls)
        .map(|i| control_by_ref[&format!("C-{i:04}")])
        .collect();

    let (threats, targets) = (pairs(THREATS), words(TARGETS));
    let threat_words: Vec<&str> = threats.iter().map(|(t, _)| *t).collect();
    let mut plans = Vec::new();
    let mut control_links_of = Vec::new();
    let rows: Vec<Vec<Value>> = (0..sizes.risks)
        .map(|i| {
            let (threat, target) = combination(i, &threat_words, &targets);
            let category = threats.iter().find(|(t, _)| *t == threat).map_or("Cyber", |(_, c)| *c);
            let score = |dice: &mut Dice| 1 + dice.below(5) as i64;
            let (il, ii) = (score(&mut dice), score(&mut dice));
            let (cl, ci) = ((il - dice.below(2) as i64).max(1), (ii - dice.below(2) as i64).max(1));
            let (rl, ri) = ((cl - dice.below(2) as i64).max(1), (ci - dice.below(2) as i64).max(1));
            let frequency = (dice.log_uniform(0.02, 6.0) * 1000.0).round() / 1000.0;
            let loss_low = (dice.log_uniform(2e4, 2e6) / 1e3).round() * 1e3;
            let loss_high = (loss_low * dice.range(5.0, 60.0) / 1e3).round() * 1e3;
            let outcome_links = dice.some(1, 3, outcomes.len());
            let control_links = dice.some(5, 11, sizes.controls);
            plans.push(RiskFigures {
                id: 0,
                frequency,
                loss_low,
                loss_high,
                outcomes: outcome_links,
                controls: control_links
                    .iter()
                    .filter(|c| control_figures[**c].2 != "retired" && control_figures[**c].2 != "planned")
                    .map(|c| (control_figures[*c].0, control_figures[*c].1))
                    .collect(),
            });
            control_links_of.push(control_links);
            let status = *dice.weighted(&[("open", 45.0), ("mitigating", 35.0), ("accepted", 10.0), ("transferred", 5.0), ("closed", 5.0)]);
            let title = format!("{threat} {target}{}", suffix(i, threat_words.len() * targets.len()));
            vec![
                tenant.into(),
                format!("R-{:04}", i + 1).into(),
                title.clone().into(),
                format!("{title}: assessed by the risk office with the system owner; see the treatment plan.").into(),
                category.into(),
                (*dice.pick(&people)).into(),
                status.into(),
                il.into(), ii.into(), cl.into(), ci.into(), rl.into(), ri.into(),
                frequency.into(), loss_low.into(), loss_high.into(),
            ]
        })
        .collect();
    insert(
        conn,
        "risks",
        &[
            "tenant_id",
            "ref",
            "title",
            "description",
            "category",
            "owner",
            "status",
            "inherent_likelihood",
            "inherent_impact",
            "current_likelihood",
            "current_impact",
            "residual_likelihood",
            "residual_impact",
            "event_frequency",
            "loss_low",
            "loss_high",
        ],
        &rows,
    )
    .await?;
    let risk_by_ref = ids_by(conn, tenant, "risks", "ref").await?;
    for (i, plan) in plans.iter_mut().enumerate() {
        plan.id = risk_by_ref[&format!("R-{:04}", i + 1)];
    }
    let mut risk_outcomes = Vec::new();
    let mut risk_controls = Vec::new();
    for (plan, control_links) in plans.iter().zip(&control_links_of) {
        for o in &plan.outcomes {
            risk_outcomes.push(vec![tenant.into(), plan.id.into(), outcomes[*o].into()]);
        }
        for c in control_links {
            risk_controls.push(vec![tenant.into(), plan.id.into(), control_ids[*c].into()]);
        }
    }
    insert(
        conn,
        "risk_outcomes",
        &["tenant_id", "risk_id", "outcome_id"],
        &risk_outcomes,
    )
    .await?;
    insert(
        conn,
        "risk_controls",
        &["tenant_id", "risk_id", "control_id"],
        &risk_controls,
    )
    .await?;

    Ok(Register {
        outcomes,
        risks: plans,
        controls: control_ids,
        integrations: integration_ids,
    })
}

/// A distinguishing suffix once every combination of the word lists has been used.
pub(super) fn suffix(i: usize, combinations: usize) -> String {
    match i / combinations {
        0 => String::new(),
        round => format!(" ({})", round + 1),
    }
}
