//! Writing the small entities of a register — outcomes, controls, risks, KRIs, vendors —
//! and the links the files hold for them, resolved from natural keys to row ids.

use std::collections::{BTreeSet, HashMap, HashSet};

use draxis_domain::TenantId;
use draxis_register::{Entity, Location, Problem, Register};
use sqlx::AnyConnection;

use super::Halt;
use super::links::{self, KRI_CONTROLS, KRI_RISKS, LinkTable, RISK_CONTROLS, RISK_OUTCOMES};
use super::small::{Applied, Planned, ids, upsert};
use super::tables::{self, CONTROLS, KRIS, OUTCOMES, RISKS, VENDORS};
use super::tally::Tally;

/// Where problems found while writing are reported: the files' first name.
pub(super) struct Writing<'a> {
    pub tenant: TenantId,
    pub file: &'a str,
    pub problems: Vec<Problem>,
}

impl Writing<'_> {
    /// A link to a key that neither the files nor the tenant hold.
    fn unknown(&mut self, field: String, what: &str, key: &str) {
        self.problems.push(Problem {
            at: Location {
                file: self.file.to_string(),
                field: Some(field),
                ..Location::default()
            },
            message: format!(
                "names {what} `{key}`, which neither the files nor the tenant hold; add it or fix the reference"
            ),
        });
    }

    /// Stops the import when a key did not resolve.
    fn check(&mut self) -> Result<(), Halt> {
        if self.problems.is_empty() {
            Ok(())
        } else {
            Err(Halt::Invalid(std::mem::take(&mut self.problems)))
        }
    }

    /// The ids of `refs` in `known`; a missing one is a problem at `field`.
    fn resolve(
        &mut self,
        known: &HashMap<String, i64>,
        refs: &[String],
        field: String,
        what: &str,
    ) -> BTreeSet<i64> {
        let mut ids = BTreeSet::new();
        for key in refs {
            match known.get(key) {
                Some(id) => {
                    ids.insert(*id);
                }
                None => self.unknown(field.clone(), what, key),
            }
        }
        ids
    }
}

/// Counts each applied record as created, updated (with its fields) or unchanged.
fn count(tally: &mut Tally, entity: Entity, applied: Vec<Applied>) {
    for record in applied {
        if record.created {
            tally.created(entity, &record.key);
        } else if record.fields.is_empty() {
            tally.unchanged(entity);
        } else {
            tally.updated(entity, &record.key, record.fields);
        }
    }
}

/// Sets one link table for the applied owners and adds `field` to those whose links
/// changed (a created row's links are part of its creation).
async fn link(
    conn: &mut AnyConnection,
    tenant: TenantId,
    table: &LinkTable,
    applied: &mut [Applied],
    wanted: Vec<BTreeSet<i64>>,
) -> Result<(), Halt> {
    let pairs: Vec<(i64, BTreeSet<i64>)> = applied.iter().map(|a| a.id).zip(wanted).collect();
    let changed = links::set(conn, tenant, table, &pairs).await?;
    for record in applied.iter_mut() {
        if !record.created && changed.contains(&record.id) {
            record.fields.push(table.field.to_string());
        }
    }
    Ok(())
}

/// Writes the outcomes, controls, risks, KRIs and vendors the register holds.
pub(super) async fn small_entities(
    conn: &mut AnyConnection,
    at: &mut Writing<'_>,
    register: &Register,
    tally: &mut Tally,
) -> Result<(), Halt> {
    let tenant = at.tenant;
    if let Some(outcomes) = &register.outcomes {
        let planned = outcomes
            .iter()
            .map(|o| Planned {
                key: o.r#ref.clone(),
                values: tables::outcome_values(o),
            })
            .collect();
        count(
            tally,
            Entity::Outcome,
            upsert(conn, tenant, &OUTCOMES, planned).await?,
        );
    }
    if let Some(controls) = &register.controls {
        let planned = controls
            .iter()
            .map(|c| Planned {
                key: c.r#ref.clone(),
                values: tables::control_values(c),
            })
            .collect();
        count(
            tally,
            Entity::Control,
            upsert(conn, tenant, &CONTROLS, planned).await?,
        );
    }
    let outcome_ids = ids(conn, tenant, "outcomes", "ref").await?;
    let control_ids = ids(conn, tenant, "controls", "ref").await?;
    if let Some(risks) = &register.risks {
        let planned = risks
            .iter()
            .map(|r| Planned {
                key: r.r#ref.clone(),
                values: tables::risk_values(r),
            })
            .collect();
        let mut applied = upsert(conn, tenant, &RISKS, planned).await?;
        let mut outcomes = Vec::with_capacity(risks.len());
        let mut controls = Vec::with_capacity(risks.len());
        for r in risks {
            let field = format!("risks.{}", r.r#ref);
            outcomes.push(at.resolve(
                &outcome_ids,
                &r.outcomes,
                format!("{field}.outcomes"),
                "outcome",
            ));
            controls.push(at.resolve(
                &control_ids,
                &r.controls,
                format!("{field}.controls"),
                "control",
            ));
        }
        at.check()?;
        link(conn, tenant, &RISK_OUTCOMES, &mut applied, outcomes).await?;
        link(conn, tenant, &RISK_CONTROLS, &mut applied, controls).await?;
        count(tally, Entity::Risk, applied);
    }
    if let Some(kris) = &register.kris {
        let integration_ids = ids(conn, tenant, "integrations", "name").await?;
        let risk_ids = ids(conn, tenant, "risks", "ref").await?;
        let mut planned = Vec::with_capacity(kris.len());
        let (mut risks, mut controls) = (Vec::new(), Vec::new());
        for k in kris {
            let field = format!("kris.{}", k.slug);
            let outcome = k.outcome.as_ref().and_then(|key| {
                let id = outcome_ids.get(key).copied();
                if id.is_none() {
                    at.unknown(format!("{field}.outcome"), "outcome", key);
                }
                id
            });
            let integration = k.source_integration.as_ref().and_then(|name| {
                let id = integration_ids.get(name).copied();
                if id.is_none() {
                    at.unknown(format!("{field}.source_integration"), "integration", name);
                }
                id
            });
            planned.push(Planned {
                key: k.slug.clone(),
                values: tables::kri_values(k, outcome, integration),
            });
            risks.push(at.resolve(&risk_ids, &k.risks, format!("{field}.risks"), "risk"));
            controls.push(at.resolve(
                &control_ids,
                &k.controls,
                format!("{field}.controls"),
                "control",
            ));
        }
        at.check()?;
        let mut applied = upsert(conn, tenant, &KRIS, planned).await?;
        link(conn, tenant, &KRI_RISKS, &mut applied, risks).await?;
        link(conn, tenant, &KRI_CONTROLS, &mut applied, controls).await?;
        count(tally, Entity::Kri, applied);
    }
    if let Some(vendors) = &register.vendors {
        let planned = vendors
            .iter()
            .map(|v| Planned {
                key: v.name.clone(),
                values: tables::vendor_values(v),
            })
            .collect();
        count(
            tally,
            Entity::Vendor,
            upsert(conn, tenant, &VENDORS, planned).await?,
        );
    }
    Ok(())
}

/// The keys a list holds, for pruning what it no longer names.
pub(super) fn named<T>(list: &[T], key: impl Fn(&T) -> &str) -> HashSet<&str> {
    list.iter().map(key).collect()
}
