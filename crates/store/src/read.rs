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
        let owner: i64 = get(&row, 0)?;
        links.entry(owner).or_default().push(Link {
            id: get(&row, 1)?,
            r#ref: get(&row, 2)?,
            label: get(&row, 3)?,
        });
    }
    Ok(links)
}

/// A column of `row`, or a storage error saying which and why.
pub(crate) fn get<'r, T>(
    row: &'r AnyRow,
    column: impl sqlx::ColumnIndex<AnyRow>,
) -> StorageResult<T>
where
    T: sqlx::Decode<'r, sqlx::Any> + sqlx::Type<sqlx::Any>,
{
    row.try_get(column).map_err(storage)
}

fn flag(row: &AnyRow, column: &str) -> StorageResult<bool> {
    Ok(get::<i64>(row, column)? != 0)
}

fn small(row: &AnyRow, column: &str) -> StorageResult<u8> {
    let value: i64 = get(row, column)?;
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
                id: get(&row, 0)?,
                r#ref: get(&row, 1)?,
                label: get(&row, 2)?,
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
                let id: i64 = get(&row, "id")?;
                let outcome_id: Option<i64> = get(&row, "outcome_id")?;
                let outcome = match outcome_id {
                    Some(id) => Some(Link {
                        id,
                        r#ref: get(&row, "outcome_ref")?,
                        label: get(&row, "outcome_name")?,
                    }),
                    None => None,
                };
                Ok(Kri {
                    id,
                    slug: get(&row, "slug")?,
                    name: get(&row, "name")?,
                    description: get(&row, "description")?,
                    category: get(&row, "category")?,
                    unit: get(&row, "unit")?,
                    direction: wire(
                        "kris.direction",
                        &get::<String>(&row, "direction")?,
                        Direction::parse,
                    )?,
                    warn: get(&row, "warn")?,
                    critical: get(&row, "critical")?,
                    frequency: wire(
                        "kris.frequency",
                        &get::<String>(&row, "frequency")?,
                        Frequency::parse,
                    )?,
                    owner: get(&row, "owner")?,
                    aliases: list("kris.aliases", &get::<String>(&row, "aliases")?)?,
                    source_integration_id: get(&row, "source_integration_id")?,
                    source_integration_name: get(&row, "source_name")?,
                    current_value: get(&row, "current_value")?,
                    current_observed_at: get::<Option<i64>>(&row, "current_observed_at")?.map(time),
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
                    value: get(&row, "value")?,
                    observed_at: time(get(&row, "observed_at")?),
                    source: get(&row, "source")?,
                    artifact_id: get(&row, "artifact_id")?,
                    extraction_id: get(&row, "extraction_id")?,
                    confidence: get(&row, "confidence")?,
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
                let id: i64 = get(&row, "id")?;
                let pair = |l: &str, i: &str| -> StorageResult<LikelihoodImpact> {
                    Ok(LikelihoodImpact {
                        likelihood: small(&row, l)?,
                        impact: small(&row, i)?,
                    })
                };
                Ok(Risk {
                    id,
                    r#ref: get(&row, "ref")?,
                    title: get(&row, "title")?,
                    description: get(&row, "description")?,
                    category: get(&row, "category")?,
                    owner: get(&row, "owner")?,
                    status: wire(
                        "risks.status",
                        &get::<String>(&row, "status")?,
                        RiskStatus::parse,
                    )?,
                    inherent: pair("inherent_likelihood", "inherent_impact")?,
                    current: pair("current_likelihood", "current_impact")?,
                    residual: pair("residual_likelihood", "residual_impact")?,
                    event_frequency_per_year: get(&row, "event_frequency")?,
                    loss_magnitude_low: get(&row, "loss_low")?,
                    loss_magnitude_high: get(&row, "loss_high")?,
                    currency: get(&row, "currency")?,
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
                let id: i64 = get(&row, "id")?;
                Ok(Control {
                    id,
                    r#ref: get(&row, "ref")?,
                    name: get(&row, "name")?,
                    category: get(&row, "category")?,
                    status: wire(
                        "controls.status",
                        &get::<String>(&row, "status")?,
                        ControlStatus::parse,
                    )?,
                    effectiveness: get(&row, "effectiveness")?,
                    nist_csf: list("controls.nist_csf", &get::<String>(&row, "nist_csf")?)?,
                    attack_techniques: list(
                        "controls.attack_techniques",
                        &get::<String>(&row, "attack_techniques")?,
                    )?,
                    owner: get(&row, "owner")?,
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
                let id: i64 = get(&row, "id")?;
                Ok(Outcome {
                    id,
                    r#ref: get(&row, "ref")?,
                    name: get(&row, "name")?,
                    description: get(&row, "description")?,
                    owner: get(&row, "owner")?,
                    loss_tolerance: get(&row, "loss_tolerance")?,
                    currency: get(&row, "currency")?,
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
                let last_date: Option<String> = get(&row, "last_assessment_date")?;
                let findings: i64 = get(&row, "open_findings")?;
                Ok(Vendor {
                    id: get(&row, "id")?,
                    name: get(&row, "name")?,
                    category: get(&row, "category")?,
                    criticality: wire(
                        "vendors.criticality",
                        &get::<String>(&row, "criticality")?,
                        Criticality::parse,
                    )?,
                    tier: small(&row, "tier")?,
                    data_elements: list(
                        "vendors.data_elements",
                        &get::<String>(&row, "data_elements")?,
                    )?,
                    last_assessment_date: last_date
                        .as_deref()
                        .map(|d| date("vendors.last_assessment_date", d))
                        .transpose()?,
                    last_assessment_score: get(&row, "last_assessment_score")?,
                    last_assessment_conclusion: get(&row, "last_assessment_conclusion")?,
                    open_findings: u32::try_from(findings)
                        .map_err(|_| corrupt("vendors.open_findings", findings.to_string()))?,
                    next_assessment_due: date(
                        "vendors.next_assessment_due",
                        &get::<String>(&row, "next_assessment_due")?,
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
            let written: i64 = get(&row, "rows_written")?;
            let skipped: i64 = get(&row, "rows_skipped")?;
            last_runs.insert(
                get(&row, "integration_id")?,
                IntegrationRunRecord {
                    id: get(&row, "id")?,
                    started_at: time(get(&row, "started_at")?),
                    finished_at: get::<Option<i64>>(&row, "finished_at")?.map(time),
                    status: get(&row, "status")?,
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
                .entry(get(&row, 0)?)
                .or_default()
                .push(get(&row, 1)?);
        }
        let mut pending: HashMap<i64, u64> = HashMap::new();
        let queue = sqlx::query(
            "SELECT integration_id, COUNT(*) FROM dropzone_extractions \
             WHERE tenant_id = $1 AND state = 'pending_review' GROUP BY integration_id",
        )
        .bind(tenant.0)
        .fetch_all(&self.pool)
        .await
        .map_err(storage)?;
        for row in queue {
            let n: i64 = get(&row, 1)?;
            pending.insert(get(&row, 0)?, n.max(0) as u64);
        }
        rows.into_iter()
            .map(|row| {
                let id: i64 = get(&row, "id")?;
                Ok(Integration {
                    id,
                    name: get(&row, "name")?,
                    kind: wire(
                        "integrations.kind",
                        &get::<String>(&row, "kind")?,
                        IntegrationKind::parse,
                    )?,
                    schedule: wire(
                        "integrations.schedule",
                        &get::<String>(&row, "schedule")?,
                        Schedule::parse,
                    )?,
                    enabled: flag(&row, "enabled")?,
                    last_run: last_runs.remove(&id),
                    pending_review_count: pending.remove(&id).unwrap_or(0),
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
                    let id: Option<i64> = get(&row, id)?;
                    id.map(|id| {
                        Ok(Link {
                            id,
                            r#ref: get(&row, r)?,
                            label: get(&row, label)?,
                        })
                    })
                    .transpose()
                };
                let results: Option<String> = get(&row, "results")?;
                let iterations: i64 = get(&row, "iterations")?;
                let seed: i64 = get(&row, "seed")?;
                Ok(Simulation {
                    id: get(&row, "id")?,
                    risk: link("risk_id", "risk_ref", "risk_title")?,
                    outcome: link("outcome_id", "outcome_ref", "outcome_name")?,
                    status: wire(
                        "simulations.status",
                        &get::<String>(&row, "status")?,
                        SimulationStatus::parse,
                    )?,
                    iterations: iterations.max(0) as u64,
                    seed: seed as u64,
                    created_at: time(get(&row, "created_at")?),
                    finished_at: get::<Option<i64>>(&row, "finished_at")?.map(time),
                    results: results
                        .as_deref()
                        .map(|json| {
                            serde_json::from_str(json)
                                .map_err(|_| corrupt("simulations.results", json))
                        })
                        .transpose()?,
                    error: get(&row, "error")?,
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
                    id: get(&row, "id")?,
                    name: get(&row, "name")?,
                    kind: wire(
                        "assets.kind",
                        &get::<String>(&row, "kind")?,
                        AssetKind::parse,
                    )?,
                    environment: get(&row, "environment")?,
                    owner: get(&row, "owner")?,
                    criticality: wire(
                        "assets.criticality",
                        &get::<String>(&row, "criticality")?,
                        Criticality::parse,
                    )?,
                    internet_facing: flag(&row, "internet_facing")?,
                    data_classification: get(&row, "data_classification")?,
                    last_seen: time(get(&row, "last_seen")?),
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
        let count =
            |column: &str| -> StorageResult<u64> { Ok(get::<i64>(&totals, column)?.max(0) as u64) };
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
            .map(|row| Ok((get::<String>(&row, 0)?, get::<i64>(&row, 1)?.max(0) as u64)))
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
            let json: Option<String> = get(&row, 1)?;
            let Some(json) = json else { continue };
            let results: SimulationResults = serde_json::from_str(&json)
                .map_err(|_| corrupt("simulations.results", json.clone()))?;
            losses.insert(get::<i64>(&row, 0)?, results.mean_annual_loss);
        }
        Ok(losses)
    }
}
