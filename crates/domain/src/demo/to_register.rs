//! The generated demo tenants as register files (a one-off step: the files under
//! `data/demo/` were written from this, and the generator goes once they are the source).

use draxis_register::{
    Asset, Control, Fair, Kri, LikelihoodImpact, LossInterval, Outcome, Register, Risk, Vendor,
    VendorAssessment,
};

use super::tenant::DemoTenant;

fn li((likelihood, impact): (u8, u8)) -> LikelihoodImpact {
    LikelihoodImpact { likelihood, impact }
}

/// `tenant` as a register file's records (no observations: histories stay generated).
pub(super) fn to_register(t: &DemoTenant) -> Register {
    let outcomes = t
        .outcomes
        .iter()
        .map(|o| Outcome {
            r#ref: o.r#ref.clone(),
            name: o.name.clone(),
            description: o.description.clone(),
            owner: o.owner.clone(),
            loss_tolerance: o.loss_tolerance,
            currency: "USD".into(),
        })
        .collect();
    let risks = t
        .risks
        .iter()
        .map(|r| Risk {
            r#ref: r.r#ref.clone(),
            title: r.title.clone(),
            description: r.description.clone(),
            category: r.category.clone(),
            owner: r.owner.clone(),
            status: r.status,
            inherent: li(r.inherent),
            current: li(r.current),
            residual: li(r.residual),
            fair: Fair {
                event_frequency: r.event_frequency_per_year,
                loss_magnitude: LossInterval {
                    low: r.loss_magnitude_low,
                    high: r.loss_magnitude_high,
                },
                currency: "USD".into(),
            },
            outcomes: r
                .outcomes
                .iter()
                .map(|&i| t.outcomes[i].r#ref.clone())
                .collect(),
            controls: r
                .controls
                .iter()
                .map(|&i| t.controls[i].r#ref.clone())
                .collect(),
        })
        .collect();
    let controls = t
        .controls
        .iter()
        .map(|c| Control {
            r#ref: c.r#ref.clone(),
            name: c.name.clone(),
            category: c.category.clone(),
            status: c.status,
            effectiveness: c.effectiveness,
            nist_csf: c.nist_csf.clone(),
            attack_techniques: c.attack_techniques.clone(),
            owner: c.owner.clone(),
        })
        .collect();
    let kris = t
        .kris
        .iter()
        .map(|k| {
            let d = &k.definition;
            Kri {
                slug: d.slug.clone(),
                name: d.name.clone(),
                description: d.description.clone(),
                category: d.category.clone(),
                unit: d.unit.clone(),
                direction: d.direction,
                warn: d.warn,
                critical: d.critical,
                frequency: d.frequency,
                owner: k.owner.clone(),
                aliases: d.aliases.clone(),
                outcome: k.outcome.map(|i| t.outcomes[i].r#ref.clone()),
                risks: k.risks.iter().map(|&i| t.risks[i].r#ref.clone()).collect(),
                controls: k
                    .controls
                    .iter()
                    .map(|&i| t.controls[i].r#ref.clone())
                    .collect(),
                source_integration: k.source_integration.map(|i| t.integrations[i].name.clone()),
            }
        })
        .collect();
    let vendors = t
        .vendors
        .iter()
        .map(|v| Vendor {
            name: v.name.clone(),
            category: v.category.clone(),
            criticality: v.criticality,
            tier: v.tier,
            data_elements: v.data_elements.clone(),
            last_assessment: v.last_assessment.as_ref().map(|(date, score, conclusion)| {
                VendorAssessment {
                    date: *date,
                    score: *score,
                    conclusion: conclusion.clone(),
                }
            }),
            open_findings: v.open_findings,
            next_assessment_due: v.next_assessment_due,
        })
        .collect();
    let assets = t
        .assets
        .iter()
        .map(|a| Asset {
            external_id: None,
            name: a.name.clone(),
            kind: a.kind,
            environment: a.environment.clone(),
            owner: a.owner.clone(),
            criticality: a.criticality,
            internet_facing: a.internet_facing,
            data_classification: a.data_classification.clone(),
            last_seen: a.last_seen,
            edr: a.edr,
            mfa: a.mfa,
            backup: a.backup,
            patched: a.patched,
        })
        .collect();
    Register {
        schema: None,
        outcomes: Some(outcomes),
        risks: Some(risks),
        controls: Some(controls),
        kris: Some(kris),
        vendors: Some(vendors),
        assets: Some(assets),
        observations: None,
    }
}

/// Writes the demo's data files from the generator, as of [`super::ANCHOR`]. Run once with
/// `cargo test -p draxis-domain write_the_demo_files -- --ignored`.
#[cfg(test)]
mod write {
    use super::super::files::{KriBands, TenantStory, TenantsFile};
    use super::super::history::target_status;
    use super::super::{ANCHOR, demo_tenants};
    use super::to_register;
    use draxis_protocol::types::KriStatus;

    fn header(lines: &[&str]) -> String {
        lines
            .iter()
            .map(|l| format!("# {l}\n").replace("# \n", "#\n"))
            .collect()
    }

    #[test]
    #[ignore = "one-off: writes crates/domain/data/demo/"]
    fn write_the_demo_files() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/demo");
        let mut stories = Vec::new();
        for tenant in demo_tenants(ANCHOR) {
            let mut register = to_register(&tenant);
            let slug = tenant.slug.as_str();
            let mut bands = KriBands::default();
            for (i, kri) in tenant.kris.iter().enumerate() {
                let slug = kri.definition.slug.clone();
                match (kri.history.is_empty(), target_status(i)) {
                    (true, _) => bands.unobserved.push(slug),
                    (false, KriStatus::Red) => bands.red.push(slug),
                    (false, KriStatus::Amber) => bands.amber.push(slug),
                    _ => {}
                }
            }
            stories.push(TenantStory {
                slug: tenant.slug.clone(),
                name: tenant.name.clone(),
                history_seed: match slug {
                    "acme" => 0xAC3E,
                    _ => 0x610B,
                },
                integrations: tenant.integrations.clone(),
                kri_bands: bands,
            });
            let assets_note = if slug == "acme" {
                let mut csv = csv::Writer::from_writer(Vec::new());
                for asset in register.assets.take().unwrap() {
                    csv.serialize(asset).unwrap();
                }
                std::fs::write(dir.join("acme.assets.csv"), csv.into_inner().unwrap()).unwrap();
                "Its asset inventory (2,000+ rows) is in acme.assets.csv: one CSV per entity works too."
            } else {
                "Its assets are inline below; a large inventory can go in <tenant>.assets.csv instead."
            };
            let text = header(&[
                &format!(
                    "The {} demo register: a worked example of a Draxis register file.",
                    tenant.name
                ),
                "",
                "Records follow crates/register/src/model.rs (snake_case keys); links go by natural key:",
                "a KRI names its outcome, risks and controls by ref, and its source integration by name;",
                "a risk names its outcomes and controls. Import a file like this one with",
                "`draxis-admin register import --tenant SLUG FILE...`.",
                assets_note,
                "",
                &format!(
                    "Dates are as of {ANCHOR} (the anchor). The demo loader (draxis_domain::demo) moves"
                ),
                "them to the day it seeds, so assessments and sightings keep their age. KRI history is",
                "not here: the loader generates 90 days of it, ending that day (see tenants.yaml).",
            ]) + "\n"
                + &serde_saphyr::to_string(&register).unwrap();
            std::fs::write(dir.join(format!("{slug}.register.yaml")), text).unwrap();
        }
        let text = header(&[
            "The demo tenants: what each holds besides its register file (<slug>.register.yaml).",
            "",
            "integrations: created before the register is imported (KRIs name them as source_integration).",
            "kri_bands: the demo's story, the colour each KRI's generated 90-day history ends in today",
            "(a KRI not named ends green; `unobserved` ones have no value yet). history_seed seeds",
            "the histories, mixed with each KRI's slug, so the same day always gives the same values.",
        ]) + "\n"
            + &serde_saphyr::to_string(&TenantsFile { tenants: stories }).unwrap();
        std::fs::write(dir.join("tenants.yaml"), text).unwrap();
    }
}
