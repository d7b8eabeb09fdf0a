//! The read side: [`RiskRepository`] over SQL, every query filtered by tenant.

use std::collections::HashMap;

use async_trait::async_trait;
use draxis_domain::TenantId;
use draxis_domain::entities::*;
use draxis_domain::ids::IdKind;
use draxis_domain::paging::{KeyPart, SortKey};
use draxis_domain::repository::{RefKind, RiskRepository, Rows, StorageResult};
use draxis_protocol::types::*;
use sqlx::any::AnyRow;
use sqlx::{Arguments, AssertSqlSafe, Row};
use std::sync::Arc;

use crate::Store;
use crate::rows::{corrupt, date, list, storage, time, wire};

/// Link rows `(owner id, linked id, linked ref, linked label)` grouped by owner.
fn group_links(rows: Vec<AnyRow>) -> StorageResult<HashMap<i64, Vec<Link>>> {
    let mut links: HashMap<i64, Vec<Link>> = HashMap::new();
    for row in rows {
        let owner: i64 = row.try_get(0).map_err(storage)?;
        links.entry(owner).or_default().push(Link {
            id: row.try_get(1).map_err(storage)?,
            r#ref: row.try_get(2).map_err(storage)?,
            label: row.try_get(3).map_err(storage)?,
        });
    }
    Ok(links)
}

fn flag(row: &AnyRow, column: &str) -> StorageResult<bool> {
    Ok(row.try_get::<i64, _>(column).map_err(storage)? != 0)
}

fn small(row: &AnyRow, column: &str) -> StorageResult<u8> {
    let value: i64 = row.try_get(column).map_err(storage)?;
    u8::try_from(value).map_err(|_| corrupt("small integer", value.to_string()))
}

impl Store {
    async fn links(
        &self,
        sql: &'static str,
        tenant: TenantId,
    ) -> StorageResult<HashMap<i64, Vec<Link>>> {
        let rows = sqlx::query(sql)
            .bind(tenant.0)
            .fetch_all(&self.pool)
            .await
            .map_err(storage)?;
        group_links(rows)
    }
}

/// `WHERE` clause and arguments selecting a tenant's assets that match `filter`.
fn asset_where(
    tenant: TenantId,
    filter: &AssetFilter,
) -> StorageResult<(String, sqlx::any::AnyArguments)> {
    let mut args = sqlx::any::AnyArguments::default();
    let mut sql = String::from(" WHERE tenant_id = $1");
    args.add(tenant.0).map_err(encode_error)?;
    let mut bind = |sql: &mut String, clause: &str, value: String| -> StorageResult<()> {
        args.add(value).map_err(encode_error)?;
        sql.push_str(&clause.replace('?', &format!("${}", args.len())));
        Ok(())
    };
    if let Some(kind) = filter.kind {
        bind(&mut sql, " AND kind = ?", kind.as_str().into())?;
    }
    if let Some(env) = &filter.environment {
        bind(&mut sql, " AND LOWER(environment) = ?", env.clone())?;
    }
    if let Some(c) = filter.criticality {
        bind(&mut sql, " AND criticality = ?", c.as_str().into())?;
    }
    if let Some(owner) = &filter.owner {
        bind(
            &mut sql,
            " AND LOWER(owner) LIKE ? ESCAPE '\\'",
            format!("%{}%", escape_like(owner)),
        )?;
    }
    if let Some(text) = &filter.text {
        bind(
            &mut sql,
            " AND LOWER(name) LIKE ? ESCAPE '\\'",
            format!("%{}%", escape_like(text)),
        )?;
    }
    if let Some(facing) = filter.internet_facing {
        sql.push_str(if facing {
            " AND internet_facing = 1"
        } else {
            " AND internet_facing = 0"
        });
    }
    if let Some(missing) = filter.missing {
        sql.push_str(match missing {
            Coverage::Edr => " AND edr = 0",
            Coverage::Mfa => " AND mfa = 0",
            Coverage::Backup => " AND backup = 0",
            Coverage::Patch => " AND patched = 0",
        });
    }
    Ok((sql, args))
}

fn encode_error(error: Box<dyn std::error::Error + Send + Sync>) -> draxis_domain::StorageError {
    draxis_domain::StorageError(error)
}

fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

#[async_trait]
impl RiskRepository for Store {
    async fn find_ref(
        &self,
        tenant: TenantId,
        kind: RefKind,
        key: &str,
    ) -> StorageResult<Option<Link>> {
        let key = key.trim();
        let (table, id_kind, ref_col, label_col) = match kind {
            RefKind::Risk => ("risks", IdKind::Risk, "ref", "title"),
            RefKind::Control => ("controls", IdKind::Control, "ref", "name"),
            RefKind::Outcome => ("outcomes", IdKind::Outcome, "ref", "name"),
            RefKind::Integration => ("integrations", IdKind::Integration, "name", "name"),
        };
        let id = id_kind.parse(key).unwrap_or(-1);
        let sql = format!(
            "SELECT id, {ref_col}, {label_col} FROM {table} WHERE tenant_id = $1 AND (id = $2 OR LOWER({ref_col}) = LOWER($3))"
        );
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(tenant.0)
            .bind(id)
            .bind(key)
            .fetch_optional(&self.pool)
            .await
            .map_err(storage)?;
        row.map(|row| {
            Ok(Link {
                id: row.try_get(0).map_err(storage)?,
                r#ref: row.try_get(1).map_err(storage)?,
                label: row.try_get(2).map_err(storage)?,
            })
        })
        .transpose()
    }

    async fn kris(&self, tenant: TenantId) -> StorageResult<Rows<Kri>> {
        let rows = sqlx::query(
            "SELECT k.id, k.slug, k.name, k.description, k.category, k.unit, k.direction, k.warn, k.critical, \
                    k.frequency, k.owner, k.aliases, k.source_integration_id, i.name AS source_name, \
                    k.current_value, k.current_observed_at, o.id AS outcome_id, o.ref AS outcome_ref, o.name AS outcome_name \
             FROM kris k \
             LEFT JOIN integrations i ON i.id = k.source_integration_id AND i.tenant_id = k.tenant_id \
             LEFT JOIN outcomes o ON o.id = k.outcome_id AND o.tenant_id = k.tenant_id \
             WHERE k.tenant_id = $1 ORDER BY k.id",
        )
        .bind(tenant.0)
        .fetch_all(&self.pool)
        .await
        .map_err(storage)?;
        let mut risks = self
            .links(
                "SELECT l.kri_id, r.id, r.ref, r.title FROM kri_risks l JOIN risks r ON r.id = l.risk_id \
                 WHERE l.tenant_id = $1 ORDER BY r.ref",
                tenant,
            )
            .await?;
        let mut controls = self
            .links(
                "SELECT l.kri_id, c.id, c.ref, c.name FROM kri_controls l JOIN controls c ON c.id = l.control_id \
                 WHERE l.tenant_id = $1 ORDER BY c.ref",
                tenant,
            )
            .await?;
        rows.into_iter()
            .map(|row| {
                let id: i64 = row.try_get("id").map_err(storage)?;
                let outcome_id: Option<i64> = row.try_get("outcome_id").map_err(storage)?;
                let outcome = match outcome_id {
                    Some(id) => Some(Link {
                        id,
                        r#ref: row.try_get("outcome_ref").map_err(storage)?,
                        label: row.try_get("outcome_name").map_err(storage)?,
                    }),
                    None => None,
                };
                Ok(Kri {
                    id,
                    slug: row.try_get("slug").map_err(storage)?,
                    name: row.try_get("name").map_err(storage)?,
                    description: row.try_get("description").map_err(storage)?,
                    category: row.try_get("category").map_err(storage)?,
                    unit: row.try_get("unit").map_err(storage)?,
                    direction: wire(
                        "kris.direction",
                        &row.try_get::<String, _>("direction").map_err(storage)?,
                        Direction::parse,
                    )?,
                    warn: row.try_get("warn").map_err(storage)?,
                    critical: row.try_get("critical").map_err(storage)?,
                    frequency: wire(
                        "kris.frequency",
                        &row.try_get::<String, _>("frequency").map_err(storage)?,
                        Frequency::parse,
                    )?,
                    owner: row.try_get("owner").map_err(storage)?,
                    aliases: list(
                        "kris.aliases",
                        &row.try_get::<String, _>("aliases").map_err(storage)?,
                    )?,
                    source_integration_id: row.try_get("source_integration_id").map_err(storage)?,
                    source_integration_name: row.try_get("source_name").map_err(storage)?,
                    current_value: row.try_get("current_value").map_err(storage)?,
                    current_observed_at: row
                        .try_get::<Option<i64>, _>("current_observed_at")
                        .map_err(storage)?
                        .map(time),
                    outcome,
                    risks: risks.remove(&id).unwrap_or_default(),
                    controls: controls.remove(&id).unwrap_or_default(),
                })
            })
            .collect::<StorageResult<Vec<_>>>()
            .map(Arc::new)
    }

    async fn kri_history(
        &self,
        tenant: TenantId,
        kri_id: i64,
        limit: u32,
    ) -> StorageResult<Vec<ObservationRecord>> {
        let rows = sqlx::query(
            "SELECT value, observed_at, source, artifact_id, extraction_id, confidence FROM kri_observations \
             WHERE tenant_id = $1 AND kri_id = $2 ORDER BY observed_at DESC, id DESC LIMIT $3",
        )
        .bind(tenant.0)
        .bind(kri_id)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(storage)?;
        rows.into_iter()
            .map(|row| {
                Ok(ObservationRecord {
                    value: row.try_get("value").map_err(storage)?,
                    observed_at: time(row.try_get("observed_at").map_err(storage)?),
                    source: row.try_get("source").map_err(storage)?,
                    artifact_id: row.try_get("artifact_id").map_err(storage)?,
                    extraction_id: row.try_get("extraction_id").map_err(storage)?,
                    confidence: row.try_get("confidence").map_err(storage)?,
                })
            })
            .collect()
    }

    async fn risks(&self, tenant: TenantId) -> StorageResult<Rows<Risk>> {
        let rows = sqlx::query("SELECT * FROM risks WHERE tenant_id = $1 ORDER BY id")
            .bind(tenant.0)
            .fetch_all(&self.pool)
            .await
            .map_err(storage)?;
        let mut outcomes = self
            .links(
                "SELECT l.risk_id, o.id, o.ref, o.name FROM risk_outcomes l JOIN outcomes o ON o.id = l.outcome_id \
                 WHERE l.tenant_id = $1 ORDER BY o.ref",
                tenant,
            )
            .await?;
        let mut kris = self
            .links(
                "SELECT l.risk_id, k.id, k.slug, k.name FROM kri_risks l JOIN kris k ON k.id = l.kri_id \
                 WHERE l.tenant_id = $1 ORDER BY k.slug",
                tenant,
            )
            .await?;
        let mut controls = self
            .links(
                "SELECT l.risk_id, c.id, c.ref, c.name FROM risk_controls l JOIN controls c ON c.id = l.control_id \
                 WHERE l.tenant_id = $1 ORDER BY c.ref",
                tenant,
            )
            .await?;
        let latest = self.latest_simulated_losses(tenant, "risk_id").await?;
        rows.into_iter()
            .map(|row| {
                let id: i64 = row.try_get("id").map_err(storage)?;
                let pair = |l: &str, i: &str| -> StorageResult<LikelihoodImpact> {
                    Ok(LikelihoodImpact {
                        likelihood: small(&row, l)?,
                        impact: small(&row, i)?,
                    })
                };
                Ok(Risk {
                    id,
                    r#ref: row.try_get("ref").map_err(storage)?,
                    title: row.try_get("title").map_err(storage)?,
                    description: row.try_get("description").map_err(storage)?,
                    category: row.try_get("category").map_err(storage)?,
                    owner: row.try_get("owner").map_err(storage)?,
                    status: wire(
                        "risks.status",
                        &row.try_get::<String, _>("status").map_err(storage)?,
                        RiskStatus::parse,
                    )?,
                    inherent: pair("inherent_likelihood", "inherent_impact")?,
                    current: pair("current_likelihood", "current_impact")?,
                    residual: pair("residual_likelihood", "residual_impact")?,
                    event_frequency_per_year: row.try_get("event_frequency").map_err(storage)?,
                    loss_magnitude_low: row.try_get("loss_low").map_err(storage)?,
                    loss_magnitude_high: row.try_get("loss_high").map_err(storage)?,
                    currency: row.try_get("currency").map_err(storage)?,
                    latest_simulated_annual_loss: latest.get(&id).copied(),
                    outcomes: outcomes.remove(&id).unwrap_or_default(),
                    kris: kris.remove(&id).unwrap_or_default(),
                    controls: controls.remove(&id).unwrap_or_default(),
                })
            })
            .collect::<StorageResult<Vec<_>>>()
            .map(Arc::new)
    }

    async fn controls(&self, tenant: TenantId) -> StorageResult<Rows<Control>> {
        let rows = sqlx::query("SELECT * FROM controls WHERE tenant_id = $1 ORDER BY id")
            .bind(tenant.0)
            .fetch_all(&self.pool)
            .await
            .map_err(storage)?;
        let mut risks = self
            .links(
                "SELECT l.control_id, r.id, r.ref, r.title FROM risk_controls l JOIN risks r ON r.id = l.risk_id \
                 WHERE l.tenant_id = $1 ORDER BY r.ref",
                tenant,
            )
            .await?;
        let mut kris = self
            .links(
                "SELECT l.control_id, k.id, k.slug, k.name FROM kri_controls l JOIN kris k ON k.id = l.kri_id \
                 WHERE l.tenant_id = $1 ORDER BY k.slug",
                tenant,
            )
            .await?;
        rows.into_iter()
            .map(|row| {
                let id: i64 = row.try_get("id").map_err(storage)?;
                Ok(Control {
                    id,
                    r#ref: row.try_get("ref").map_err(storage)?,
                    name: row.try_get("name").map_err(storage)?,
                    category: row.try_get("category").map_err(storage)?,
                    status: wire(
                        "controls.status",
                        &row.try_get::<String, _>("status").map_err(storage)?,
                        ControlStatus::parse,
                    )?,
                    effectiveness: row.try_get("effectiveness").map_err(storage)?,
                    nist_csf: list(
                        "controls.nist_csf",
                        &row.try_get::<String, _>("nist_csf").map_err(storage)?,
                    )?,
                    attack_techniques: list(
                        "controls.attack_techniques",
                        &row.try_get::<String, _>("attack_techniques")
                            .map_err(storage)?,
                    )?,
                    owner: row.try_get("owner").map_err(storage)?,
                    risks: risks.remove(&id).unwrap_or_default(),
                    kris: kris.remove(&id).unwrap_or_default(),
                })
            })
            .collect::<StorageResult<Vec<_>>>()
            .map(Arc::new)
    }

    async fn outcomes(&self, tenant: TenantId) -> StorageResult<Rows<Outcome>> {
        let rows = sqlx::query("SELECT * FROM outcomes WHERE tenant_id = $1 ORDER BY id")
            .bind(tenant.0)
            .fetch_all(&self.pool)
            .await
            .map_err(storage)?;
        let mut risks = self
            .links(
                "SELECT l.outcome_id, r.id, r.ref, r.title FROM risk_outcomes l JOIN risks r ON r.id = l.risk_id \
                 WHERE l.tenant_id = $1 ORDER BY r.ref",
                tenant,
            )
            .await?;
        let latest = self.latest_simulated_losses(tenant, "outcome_id").await?;
        rows.into_iter()
            .map(|row| {
                let id: i64 = row.try_get("id").map_err(storage)?;
                Ok(Outcome {
                    id,
                    r#ref: row.try_get("ref").map_err(storage)?,
                    name: row.try_get("name").map_err(storage)?,
                    description: row.try_get("description").map_err(storage)?,
                    owner: row.try_get("owner").map_err(storage)?,
                    loss_tolerance: row.try_get("loss_tolerance").map_err(storage)?,
                    currency: row.try_get("currency").map_err(storage)?,
                    latest_simulated_annual_loss: latest.get(&id).copied(),
                    risks: risks.remove(&id).unwrap_or_default(),
                })
            })
            .collect::<StorageResult<Vec<_>>>()
            .map(Arc::new)
    }

    async fn vendors(&self, tenant: TenantId) -> StorageResult<Rows<Vendor>> {
        let rows = sqlx::query("SELECT * FROM vendors WHERE tenant_id = $1 ORDER BY id")
            .bind(tenant.0)
            .fetch_all(&self.pool)
            .await
            .map_err(storage)?;
        rows.into_iter()
            .map(|row| {
                let last_date: Option<String> =
                    row.try_get("last_assessment_date").map_err(storage)?;
                let findings: i64 = row.try_get("open_findings").map_err(storage)?;
                Ok(Vendor {
                    id: row.try_get("id").map_err(storage)?,
                    name: row.try_get("name").map_err(storage)?,
                    category: row.try_get("category").map_err(storage)?,
                    criticality: wire(
                        "vendors.criticality",
                        &row.try_get::<String, _>("criticality").map_err(storage)?,
                        Criticality::parse,
                    )?,
                    tier: small(&row, "tier")?,
                    data_elements: list(
                        "vendors.data_elements",
                        &row.try_get::<String, _>("data_elements").map_err(storage)?,
                    )?,
                    last_assessment_date: last_date
                        .as_deref()
                        .map(|d| date("vendors.last_assessment_date", d))
                        .transpose()?,
                    last_assessment_score: row.try_get("last_assessment_score").map_err(storage)?,
                    last_assessment_conclusion: row
                        .try_get("last_assessment_conclusion")
                        .map_err(storage)?,
                    open_findings: u32::try_from(findings)
                        .map_err(|_| corrupt("vendors.open_findings", findings.to_string()))?,
                    next_assessment_due: date(
                        "vendors.next_assessment_due",
                        &row.try_get::<String, _>("next_assessment_due")
                            .map_err(storage)?,
                    )?,
                })
            })
            .collect::<StorageResult<Vec<_>>>()
            .map(Arc::new)
    }

    async fn integrations(&self, tenant: TenantId) -> StorageResult<Rows<Integration>> {
        let rows = sqlx::query("SELECT * FROM integrations WHERE tenant_id = $1 ORDER BY id")
            .bind(tenant.0)
            .fetch_all(&self.pool)
            .await
            .map_err(storage)?;
        let runs = sqlx::query(
            "SELECT r.* FROM integration_runs r WHERE r.tenant_id = $1 AND r.id = \
             (SELECT MAX(id) FROM integration_runs x WHERE x.tenant_id = r.tenant_id AND x.integration_id = r.integration_id)",
        )
        .bind(tenant.0)
        .fetch_all(&self.pool)
        .await
        .map_err(storage)?;
        let mut last_runs: HashMap<i64, IntegrationRunRecord> = HashMap::new();
        for row in runs {
            let written: i64 = row.try_get("rows_written").map_err(storage)?;
            let skipped: i64 = row.try_get("rows_skipped").map_err(storage)?;
            last_runs.insert(
                row.try_get("integration_id").map_err(storage)?,
                IntegrationRunRecord {
                    id: row.try_get("id").map_err(storage)?,
                    started_at: time(row.try_get("started_at").map_err(storage)?),
                    finished_at: row
                        .try_get::<Option<i64>, _>("finished_at")
                        .map_err(storage)?
                        .map(time),
                    status: row.try_get("status").map_err(storage)?,
                    rows_written: written.max(0) as u64,
                    rows_skipped: skipped.max(0) as u64,
                },
            );
        }
        let mut kri_slugs: HashMap<i64, Vec<String>> = HashMap::new();
        let fed = sqlx::query(
            "SELECT source_integration_id, slug FROM kris WHERE tenant_id = $1 AND source_integration_id IS NOT NULL ORDER BY slug",
        )
        .bind(tenant.0)
        .fetch_all(&self.pool)
        .await
        .map_err(storage)?;
        for row in fed {
            kri_slugs
                .entry(row.try_get(0).map_err(storage)?)
                .or_default()
                .push(row.try_get(1).map_err(storage)?);
        }
        rows.into_iter()
            .map(|row| {
                let id: i64 = row.try_get("id").map_err(storage)?;
                Ok(Integration {
                    id,
                    name: row.try_get("name").map_err(storage)?,
                    kind: wire(
                        "integrations.kind",
                        &row.try_get::<String, _>("kind").map_err(storage)?,
                        IntegrationKind::parse,
                    )?,
                    schedule: wire(
                        "integrations.schedule",
                        &row.try_get::<String, _>("schedule").map_err(storage)?,
                        Schedule::parse,
                    )?,
                    enabled: flag(&row, "enabled")?,
                    last_run: last_runs.remove(&id),
                    // The review queue arrives with the Drop Zone; until then nothing can be pending.
                    pending_review_count: 0,
                    kri_slugs: kri_slugs.remove(&id).unwrap_or_default(),
                })
            })
            .collect::<StorageResult<Vec<_>>>()
            .map(Arc::new)
    }

    async fn simulations(&self, tenant: TenantId) -> StorageResult<Rows<Simulation>> {
        let rows = sqlx::query(
            "SELECT s.*, r.ref AS risk_ref, r.title AS risk_title, o.ref AS outcome_ref, o.name AS outcome_name \
             FROM simulations s \
             LEFT JOIN risks r ON r.id = s.risk_id AND r.tenant_id = s.tenant_id \
             LEFT JOIN outcomes o ON o.id = s.outcome_id AND o.tenant_id = s.tenant_id \
             WHERE s.tenant_id = $1 ORDER BY s.id",
        )
        .bind(tenant.0)
        .fetch_all(&self.pool)
        .await
        .map_err(storage)?;
        rows.into_iter()
            .map(|row| {
                let link = |id: &str, r: &str, label: &str| -> StorageResult<Option<Link>> {
                    let id: Option<i64> = row.try_get(id).map_err(storage)?;
                    id.map(|id| {
                        Ok(Link {
                            id,
                            r#ref: row.try_get(r).map_err(storage)?,
                            label: row.try_get(label).map_err(storage)?,
                        })
                    })
                    .transpose()
                };
                let results: Option<String> = row.try_get("results").map_err(storage)?;
                let iterations: i64 = row.try_get("iterations").map_err(storage)?;
                let seed: i64 = row.try_get("seed").map_err(storage)?;
                Ok(Simulation {
                    id: row.try_get("id").map_err(storage)?,
                    risk: link("risk_id", "risk_ref", "risk_title")?,
                    outcome: link("outcome_id", "outcome_ref", "outcome_name")?,
                    status: wire(
                        "simulations.status",
                        &row.try_get::<String, _>("status").map_err(storage)?,
                        SimulationStatus::parse,
                    )?,
                    iterations: iterations.max(0) as u64,
                    seed: seed as u64,
                    created_at: time(row.try_get("created_at").map_err(storage)?),
                    finished_at: row
                        .try_get::<Option<i64>, _>("finished_at")
                        .map_err(storage)?
                        .map(time),
                    results: results
                        .as_deref()
                        .map(|json| {
                            serde_json::from_str(json)
                                .map_err(|_| corrupt("simulations.results", json))
                        })
                        .transpose()?,
                    error: row.try_get("error").map_err(storage)?,
                })
            })
            .collect::<StorageResult<Vec<_>>>()
            .map(Arc::new)
    }

    async fn assets_page(
        &self,
        tenant: TenantId,
        filter: &AssetFilter,
        after: Option<&SortKey>,
        limit: u32,
    ) -> StorageResult<Vec<Asset>> {
        let (where_sql, mut args) = asset_where(tenant, filter)?;
        let mut sql = format!("SELECT * FROM assets{where_sql}");
        if let Some(after) = after {
            let name = match after.parts.as_slice() {
                [KeyPart::Text(name)] => name.clone(),
                _ => return Err(corrupt("asset cursor", format!("{after:?}"))),
            };
            args.add(name).map_err(encode_error)?;
            let n = args.len();
            args.add(after.id).map_err(encode_error)?;
            sql.push_str(&format!(
                " AND (name > ${n} OR (name = ${n} AND id > ${}))",
                n + 1
            ));
        }
        args.add(i64::from(limit)).map_err(encode_error)?;
        sql.push_str(&format!(" ORDER BY name, id LIMIT ${}", args.len()));
        let rows = sqlx::query_with(AssertSqlSafe(sql), args)
            .fetch_all(&self.pool)
            .await
            .map_err(storage)?;
        rows.into_iter()
            .map(|row| {
                Ok(Asset {
                    id: row.try_get("id").map_err(storage)?,
                    name: row.try_get("name").map_err(storage)?,
                    kind: wire(
                        "assets.kind",
                        &row.try_get::<String, _>("kind").map_err(storage)?,
                        AssetKind::parse,
                    )?,
                    environment: row.try_get("environment").map_err(storage)?,
                    owner: row.try_get("owner").map_err(storage)?,
                    criticality: wire(
                        "assets.criticality",
                        &row.try_get::<String, _>("criticality").map_err(storage)?,
                        Criticality::parse,
                    )?,
                    internet_facing: flag(&row, "internet_facing")?,
                    data_classification: row.try_get("data_classification").map_err(storage)?,
                    last_seen: time(row.try_get("last_seen").map_err(storage)?),
                    edr: flag(&row, "edr")?,
                    mfa: flag(&row, "mfa")?,
                    backup: flag(&row, "backup")?,
                    patched: flag(&row, "patched")?,
                })
            })
            .collect()
    }

    async fn asset_counts(
        &self,
        tenant: TenantId,
        filter: &AssetFilter,
    ) -> StorageResult<AssetCounts> {
        let (where_sql, args) = asset_where(tenant, filter)?;
        let totals = sqlx::query_with(
            AssertSqlSafe(format!(
                "SELECT COUNT(*) AS total, \
                        COUNT(*) FILTER (WHERE internet_facing = 1) AS facing, \
                        COUNT(*) FILTER (WHERE edr = 1) AS edr, COUNT(*) FILTER (WHERE mfa = 1) AS mfa, \
                        COUNT(*) FILTER (WHERE backup = 1) AS backup, COUNT(*) FILTER (WHERE patched = 1) AS patched \
                 FROM assets{where_sql}"
            )),
            args,
        )
        .fetch_one(&self.pool)
        .await
        .map_err(storage)?;
        let count = |column: &str| -> StorageResult<u64> {
            Ok(totals.try_get::<i64, _>(column).map_err(storage)?.max(0) as u64)
        };
        Ok(AssetCounts {
            total: count("total")?,
            internet_facing: count("facing")?,
            with_edr: count("edr")?,
            with_mfa: count("mfa")?,
            with_backup: count("backup")?,
            patched: count("patched")?,
            by_kind: self.asset_groups(tenant, filter, "kind").await?,
            by_criticality: self.asset_groups(tenant, filter, "criticality").await?,
        })
    }
}

impl Store {
    async fn asset_groups(
        &self,
        tenant: TenantId,
        filter: &AssetFilter,
        column: &'static str,
    ) -> StorageResult<Vec<(String, u64)>> {
        let (where_sql, args) = asset_where(tenant, filter)?;
        let sql = format!(
            "SELECT {column}, COUNT(*) FROM assets{where_sql} GROUP BY {column} ORDER BY {column}"
        );
        let rows = sqlx::query_with(AssertSqlSafe(sql), args)
            .fetch_all(&self.pool)
            .await
            .map_err(storage)?;
        rows.into_iter()
            .map(|row| {
                Ok((
                    row.try_get::<String, _>(0).map_err(storage)?,
                    row.try_get::<i64, _>(1).map_err(storage)?.max(0) as u64,
                ))
            })
            .collect()
    }

    /// Mean annual loss of the latest completed simulation per risk or outcome.
    async fn latest_simulated_losses(
        &self,
        tenant: TenantId,
        subject: &str,
    ) -> StorageResult<HashMap<i64, f64>> {
        let sql = format!(
            "SELECT s.{subject}, s.results FROM simulations s WHERE s.tenant_id = $1 AND s.status = 'completed' \
             AND s.{subject} IS NOT NULL AND s.id = (SELECT MAX(id) FROM simulations x WHERE x.tenant_id = s.tenant_id \
             AND x.{subject} = s.{subject} AND x.status = 'completed')"
        );
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(tenant.0)
            .fetch_all(&self.pool)
            .await
            .map_err(storage)?;
        let mut losses = HashMap::new();
        for row in rows {
            let json: Option<String> = row.try_get(1).map_err(storage)?;
            let Some(json) = json else { continue };
            let results: SimulationResults = serde_json::from_str(&json)
                .map_err(|_| corrupt("simulations.results", json.clone()))?;
            losses.insert(
                row.try_get::<i64, _>(0).map_err(storage)?,
                results.mean_annual_loss,
            );
        }
        Ok(losses)
    }
}
