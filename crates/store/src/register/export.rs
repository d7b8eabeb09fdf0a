//! A tenant's whole register as a file holds it: every list present, records sorted by
//! natural key (byte order, the same on both engines), links by natural key and sorted,
//! observations by (KRI, observed-at).

use std::collections::HashMap;

use draxis_domain::{StorageResult, TenantId};
use draxis_protocol::types::{
    AssetKind, ControlStatus, Criticality, Direction, Frequency, RiskStatus,
};
use draxis_register::{
    Asset, Control, Fair, Kri, LikelihoodImpact, LossInterval, Observation, Outcome, Register,
    Risk, Vendor, VendorAssessment,
};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::Store;
use crate::rows::{corrupt, date, list, storage, time, wire};

fn get<'r, T>(row: &'r AnyRow, index: usize) -> StorageResult<T>
where
    T: sqlx::Decode<'r, sqlx::Any> + sqlx::Type<sqlx::Any>,
{
    row.try_get(index).map_err(storage)
}

fn small(row: &AnyRow, index: usize, column: &'static str) -> StorageResult<u8> {
    let value: i64 = get(row, index)?;
    u8::try_from(value).map_err(|_| corrupt(column, value.to_string()))
}

fn flag(row: &AnyRow, index: usize) -> StorageResult<bool> {
    Ok(get::<i64>(row, index)? != 0)
}

impl Store {
    async fn export_rows(&self, sql: &'static str, tenant: TenantId) -> StorageResult<Vec<AnyRow>> {
        sqlx::query(sql)
            .bind(tenant.0)
            .fetch_all(&self.pool)
            .await
            .map_err(storage)
    }

    /// Link rows `(owner id, target key)` selected by `sql`, grouped by owner and sorted.
    async fn link_keys(
        &self,
        sql: &'static str,
        tenant: TenantId,
    ) -> StorageResult<HashMap<i64, Vec<String>>> {
        let mut links: HashMap<i64, Vec<String>> = HashMap::new();
        for row in self.export_rows(sql, tenant).await? {
            links.entry(get(&row, 0)?).or_default().push(get(&row, 1)?);
        }
        for keys in links.values_mut() {
            keys.sort();
        }
        Ok(links)
    }

    pub(super) async fn register_of(&self, tenant: TenantId) -> StorageResult<Register> {
        let mut outcomes = Vec::new();
        for row in self
            .export_rows(
                "SELECT ref, name, description, owner, loss_tolerance, currency FROM outcomes WHERE tenant_id = $1",
                tenant,
            )
            .await?
        {
            outcomes.push(Outcome {
                r#ref: get(&row, 0)?,
                name: get(&row, 1)?,
                description: get(&row, 2)?,
                owner: get(&row, 3)?,
                loss_tolerance: get(&row, 4)?,
                currency: get(&row, 5)?,
            });
        }
        outcomes.sort_by(|a, b| a.r#ref.cmp(&b.r#ref));

        let mut controls = Vec::new();
        for row in self
            .export_rows(
                "SELECT ref, name, category, status, effectiveness, nist_csf, attack_techniques, owner \
                 FROM controls WHERE tenant_id = $1",
                tenant,
            )
            .await?
        {
            controls.push(Control {
                r#ref: get(&row, 0)?,
                name: get(&row, 1)?,
                category: get(&row, 2)?,
                status: wire("controls.status", &get::<String>(&row, 3)?, ControlStatus::parse)?,
                effectiveness: get(&row, 4)?,
                nist_csf: list("controls.nist_csf", &get::<String>(&row, 5)?)?,
                attack_techniques: list("controls.attack_techniques", &get::<String>(&row, 6)?)?,
                owner: get(&row, 7)?,
            });
        }
        controls.sort_by(|a, b| a.r#ref.cmp(&b.r#ref));

        let mut risk_outcomes = self
            .link_keys(
                "SELECT l.risk_id, o.ref FROM risk_outcomes l JOIN outcomes o ON o.id = l.outcome_id WHERE l.tenant_id = $1",
                tenant,
            )
            .await?;
        let mut risk_controls = self
            .link_keys(
                "SELECT l.risk_id, c.ref FROM risk_controls l JOIN controls c ON c.id = l.control_id WHERE l.tenant_id = $1",
                tenant,
            )
            .await?;
        let mut risks = Vec::new();
        for row in self
            .export_rows(
                "SELECT id, ref, title, description, category, owner, status, inherent_likelihood, inherent_impact, \
                 current_likelihood, current_impact, residual_likelihood, residual_impact, event_frequency, \
                 loss_low, loss_high, currency FROM risks WHERE tenant_id = $1",
                tenant,
            )
            .await?
        {
            let id: i64 = get(&row, 0)?;
            let pair = |l: usize| -> StorageResult<LikelihoodImpact> {
                Ok(LikelihoodImpact {
                    likelihood: small(&row, l, "risks.likelihood")?,
                    impact: small(&row, l + 1, "risks.impact")?,
                })
            };
            risks.push(Risk {
                r#ref: get(&row, 1)?,
                title: get(&row, 2)?,
                description: get(&row, 3)?,
                category: get(&row, 4)?,
                owner: get(&row, 5)?,
                status: wire("risks.status", &get::<String>(&row, 6)?, RiskStatus::parse)?,
                inherent: pair(7)?,
                current: pair(9)?,
                residual: pair(11)?,
                fair: Fair {
                    event_frequency: get(&row, 13)?,
                    loss_magnitude: LossInterval {
                        low: get(&row, 14)?,
                        high: get(&row, 15)?,
                    },
                    currency: get(&row, 16)?,
                },
                outcomes: risk_outcomes.remove(&id).unwrap_or_default(),
                controls: risk_controls.remove(&id).unwrap_or_default(),
            });
        }
        risks.sort_by(|a, b| a.r#ref.cmp(&b.r#ref));

        let mut kri_risks = self
            .link_keys(
                "SELECT l.kri_id, r.ref FROM kri_risks l JOIN risks r ON r.id = l.risk_id WHERE l.tenant_id = $1",
                tenant,
            )
            .await?;
        let mut kri_controls = self
            .link_keys(
                "SELECT l.kri_id, c.ref FROM kri_controls l JOIN controls c ON c.id = l.control_id WHERE l.tenant_id = $1",
                tenant,
            )
            .await?;
        let mut kris = Vec::new();
        for row in self
            .export_rows(
                "SELECT k.id, k.slug, k.name, k.description, k.category, k.unit, k.direction, k.warn, k.critical, \
                 k.frequency, k.owner, k.aliases, o.ref, i.name FROM kris k \
                 LEFT JOIN outcomes o ON o.id = k.outcome_id AND o.tenant_id = k.tenant_id \
                 LEFT JOIN integrations i ON i.id = k.source_integration_id AND i.tenant_id = k.tenant_id \
                 WHERE k.tenant_id = $1",
                tenant,
            )
            .await?
        {
            let id: i64 = get(&row, 0)?;
            kris.push(Kri {
                slug: get(&row, 1)?,
                name: get(&row, 2)?,
                description: get(&row, 3)?,
                category: get(&row, 4)?,
                unit: get(&row, 5)?,
                direction: wire("kris.direction", &get::<String>(&row, 6)?, Direction::parse)?,
                warn: get(&row, 7)?,
                critical: get(&row, 8)?,
                frequency: wire("kris.frequency", &get::<String>(&row, 9)?, Frequency::parse)?,
                owner: get(&row, 10)?,
                aliases: list("kris.aliases", &get::<String>(&row, 11)?)?,
                outcome: get(&row, 12)?,
                risks: kri_risks.remove(&id).unwrap_or_default(),
                controls: kri_controls.remove(&id).unwrap_or_default(),
                source_integration: get(&row, 13)?,
            });
        }
        kris.sort_by(|a, b| a.slug.cmp(&b.slug));

        let mut vendors = Vec::new();
        for row in self
            .export_rows(
                "SELECT name, category, criticality, tier, data_elements, last_assessment_date, \
                 last_assessment_score, last_assessment_conclusion, open_findings, next_assessment_due \
                 FROM vendors WHERE tenant_id = $1",
                tenant,
            )
            .await?
        {
            let assessed: Option<String> = get(&row, 5)?;
            let last_assessment = match assessed {
                Some(day) => Some(VendorAssessment {
                    date: date("vendors.last_assessment_date", &day)?,
                    score: get::<Option<f64>>(&row, 6)?.unwrap_or_default(),
                    conclusion: get::<Option<String>>(&row, 7)?.unwrap_or_default(),
                }),
                None => None,
            };
            let findings: i64 = get(&row, 8)?;
            vendors.push(Vendor {
                name: get(&row, 0)?,
                category: get(&row, 1)?,
                criticality: wire("vendors.criticality", &get::<String>(&row, 2)?, Criticality::parse)?,
                tier: small(&row, 3, "vendors.tier")?,
                data_elements: list("vendors.data_elements", &get::<String>(&row, 4)?)?,
                last_assessment,
                open_findings: u32::try_from(findings)
                    .map_err(|_| corrupt("vendors.open_findings", findings.to_string()))?,
                next_assessment_due: date("vendors.next_assessment_due", &get::<String>(&row, 9)?)?,
            });
        }
        vendors.sort_by(|a, b| a.name.cmp(&b.name));

        Ok(Register {
            schema: None,
            outcomes: Some(outcomes),
            risks: Some(risks),
            controls: Some(controls),
            kris: Some(kris),
            vendors: Some(vendors),
            assets: Some(self.exported_assets(tenant).await?),
            observations: Some(self.exported_observations(tenant).await?),
        })
    }

    async fn exported_assets(&self, tenant: TenantId) -> StorageResult<Vec<Asset>> {
        let mut assets = Vec::new();
        for row in self
            .export_rows(
                "SELECT external_id, name, kind, environment, owner, criticality, internet_facing, \
                 data_classification, last_seen, edr, mfa, backup, patched FROM assets WHERE tenant_id = $1",
                tenant,
            )
            .await?
        {
            assets.push(Asset {
                external_id: get(&row, 0)?,
                name: get(&row, 1)?,
                kind: wire("assets.kind", &get::<String>(&row, 2)?, AssetKind::parse)?,
                environment: get(&row, 3)?,
                owner: get(&row, 4)?,
                criticality: wire("assets.criticality", &get::<String>(&row, 5)?, Criticality::parse)?,
                internet_facing: flag(&row, 6)?,
                data_classification: get(&row, 7)?,
                last_seen: time(get(&row, 8)?),
                edr: flag(&row, 9)?,
                mfa: flag(&row, 10)?,
                backup: flag(&row, 11)?,
                patched: flag(&row, 12)?,
            });
        }
        let key = |a: &Asset| a.external_id.clone().unwrap_or_else(|| a.name.clone());
        assets.sort_by_cached_key(key);
        Ok(assets)
    }

    /// One observation per (KRI, observed-at): where several were recorded at one time, the
    /// last recorded.
    async fn exported_observations(&self, tenant: TenantId) -> StorageResult<Vec<Observation>> {
        let mut latest: HashMap<(String, i64), (i64, f64)> = HashMap::new();
        for row in self
            .export_rows(
                "SELECT k.slug, o.observed_at, o.id, o.value FROM kri_observations o \
                 JOIN kris k ON k.id = o.kri_id WHERE o.tenant_id = $1",
                tenant,
            )
            .await?
        {
            let key = (get::<String>(&row, 0)?, get::<i64>(&row, 1)?);
            let (id, value): (i64, f64) = (get(&row, 2)?, get(&row, 3)?);
            let entry = latest.entry(key).or_insert((id, value));
            if id > entry.0 {
                *entry = (id, value);
            }
        }
        let mut observations: Vec<((String, i64), f64)> =
            latest.into_iter().map(|(k, (_, v))| (k, v)).collect();
        observations.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(observations
            .into_iter()
            .map(|((kri, at), value)| Observation {
                kri,
                observed_at: time(at),
                value,
            })
            .collect())
    }
}
