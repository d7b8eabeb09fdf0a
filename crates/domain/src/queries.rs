//! The read services behind the nine read tools: load one tenant's rows, apply the
//! rules, filter, sort, page, and answer in the tool contract's types.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use draxis_auth::Principal;
use draxis_protocol::types::*;

use crate::entities::{self, Kri, Link};
use crate::ids::IdKind;
use crate::paging::{KeyPart, SortKey, decode_cursor, encode_cursor, page_limit, paginate};
use crate::repository::{RefKind, RiskRepository, StorageError};
use crate::rules;

/// Why a query could not be answered.
#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    /// The caller sent something we cannot use; the message says what to do instead.
    #[error("{0}")]
    InvalidArgument(String),
    /// The caller named something this tenant does not have.
    #[error("{0}")]
    NotFound(String),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

type QueryResult<T> = Result<T, QueryError>;

/// The read side of the product, shared by every request.
#[derive(Clone)]
pub struct RiskQueries {
    repo: Arc<dyn RiskRepository>,
}

impl std::fmt::Debug for RiskQueries {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RiskQueries").finish_non_exhaustive()
    }
}

fn link_refs(links: &[Link]) -> Vec<String> {
    links.iter().map(|l| l.r#ref.clone()).collect()
}

fn num(value: f64) -> KeyPart {
    KeyPart::Num(value)
}

fn text(value: &str) -> KeyPart {
    KeyPart::Text(value.to_lowercase())
}

impl RiskQueries {
    pub fn new(repo: Arc<dyn RiskRepository>) -> Self {
        Self { repo }
    }

    async fn require_ref(
        &self,
        principal: &Principal,
        kind: RefKind,
        key: &str,
    ) -> QueryResult<Link> {
        if let Some(link) = self.repo.find_ref(principal.tenant_id, kind, key).await? {
            return Ok(link);
        }
        let (noun, tool, example) = match kind {
            RefKind::Risk => ("risk", "list_risks", "R-001 or risk_3"),
            RefKind::Control => ("control", "list_controls", "C-001 or ctl_3"),
            RefKind::Outcome => ("outcome", "list_outcomes", "O-01 or out_2"),
            RefKind::Integration => (
                "integration",
                "list_integrations",
                "int_1 or its exact name",
            ),
        };
        Err(QueryError::NotFound(format!(
            "no {noun} `{key}` in this tenant: call {tool} to see valid values (such as {example})"
        )))
    }

    fn kri_summary(&self, kri: &Kri, now: DateTime<Utc>) -> KriSummary {
        let (status, status_reason) = kri_status(kri, now);
        KriSummary {
            id: IdKind::Kri.format(kri.id),
            slug: kri.slug.clone(),
            name: kri.name.clone(),
            category: kri.category.clone(),
            unit: kri.unit.clone(),
            direction: kri.direction,
            warn: kri.warn,
            critical: kri.critical,
            current_value: kri.current_value,
            last_observed_at: kri.current_observed_at,
            status,
            status_reason,
            frequency: kri.frequency,
            owner: kri.owner.clone(),
            source_integration_id: kri
                .source_integration_id
                .map(|id| IdKind::Integration.format(id)),
            source_integration_name: kri.source_integration_name.clone(),
            risk_refs: link_refs(&kri.risks),
            control_refs: link_refs(&kri.controls),
            outcome_ref: kri.outcome.as_ref().map(|o| o.r#ref.clone()),
        }
    }

    /// `list_kris`.
    pub async fn list_kris(
        &self,
        principal: &Principal,
        args: ListKrisArgs,
    ) -> QueryResult<KriPage> {
        let tenant = principal.tenant_id;
        let risk = match &args.risk {
            Some(key) => Some(self.require_ref(principal, RefKind::Risk, key).await?),
            None => None,
        };
        let control = match &args.control {
            Some(key) => Some(self.require_ref(principal, RefKind::Control, key).await?),
            None => None,
        };
        let outcome = match &args.outcome {
            Some(key) => Some(self.require_ref(principal, RefKind::Outcome, key).await?),
            None => None,
        };
        let source = match &args.source {
            Some(key) => Some(
                self.require_ref(principal, RefKind::Integration, key)
                    .await?,
            ),
            None => None,
        };
        let needle = args.text.as_deref().map(str::to_lowercase);
        let now = Utc::now();
        let kris = self.repo.kris(tenant).await?;
        let matching: Vec<(&Kri, KriStatus)> = kris
            .iter()
            .filter(|k| {
                risk.as_ref()
                    .is_none_or(|r| k.risks.iter().any(|l| l.id == r.id))
            })
            .filter(|k| {
                control
                    .as_ref()
                    .is_none_or(|c| k.controls.iter().any(|l| l.id == c.id))
            })
            .filter(|k| {
                outcome
                    .as_ref()
                    .is_none_or(|o| k.outcome.as_ref().is_some_and(|l| l.id == o.id))
            })
            .filter(|k| {
                source
                    .as_ref()
                    .is_none_or(|s| k.source_integration_id == Some(s.id))
            })
            .filter(|k| {
                needle.as_deref().is_none_or(|n| {
                    k.slug.contains(n)
                        || k.name.to_lowercase().contains(n)
                        || k.description.to_lowercase().contains(n)
                        || k.aliases.iter().any(|a| a.to_lowercase().contains(n))
                })
            })
            .map(|k| (k, kri_colour(k, now)))
            .filter(|(_, status)| args.status.is_none_or(|wanted| *status == wanted))
            .collect();
        // Sort and page over references; build the full answer only for the page.
        let sort = args.sort.unwrap_or(KriSort::Severity);
        let page = paginate(
            matching,
            sort.as_str(),
            |(k, status)| {
                let parts = match sort {
                    KriSort::Severity => vec![
                        num(f64::from(rules::kri_severity_rank(*status))),
                        text(&k.name),
                    ],
                    KriSort::Name => vec![text(&k.name)],
                    KriSort::Freshness => {
                        vec![num(k
                            .current_observed_at
                            .map_or(f64::MIN, |t| t.timestamp_millis() as f64))]
                    }
                };
                SortKey::new(parts, k.id)
            },
            args.cursor.as_deref(),
            args.limit,
        )?;
        let page = Page {
            items: page
                .items
                .into_iter()
                .map(|(k, _)| self.kri_summary(k, now))
                .collect(),
            next_cursor: page.next_cursor,
            total: page.total,
        };
        Ok(page)
    }

    /// `get_kri`.
    pub async fn get_kri(&self, principal: &Principal, args: GetKriArgs) -> QueryResult<KriDetail> {
        let history_limit = match args.history_limit.unwrap_or(30) {
            n @ 1..=365 => n,
            n => {
                return Err(QueryError::InvalidArgument(format!(
                    "historyLimit must be between 1 and 365; you sent {n}"
                )));
            }
        };
        let key = args.id.trim();
        let kris = self.repo.kris(principal.tenant_id).await?;
        let kri = kris
            .iter()
            .find(|k| IdKind::Kri.parse(key) == Some(k.id) || k.slug.eq_ignore_ascii_case(key))
            .ok_or_else(|| {
                QueryError::NotFound(format!(
                    "no KRI `{key}` in this tenant: pass a KRI id (kri_12) or slug (mfa_coverage_pct); call list_kris to see them"
                ))
            })?;
        let history = self
            .repo
            .kri_history(principal.tenant_id, kri.id, history_limit)
            .await?;
        let now = Utc::now();
        let trend = match (history.last(), history.first()) {
            (Some(oldest), Some(newest)) if history.len() >= 2 => {
                let (direction, worsening) = rules::trend(
                    kri.direction,
                    kri.warn,
                    kri.critical,
                    oldest.value,
                    newest.value,
                );
                Trend {
                    direction,
                    worsening,
                    change: Some(newest.value - oldest.value),
                    period_days: Some(
                        (newest.observed_at - oldest.observed_at).num_minutes() as f64 / 1440.0,
                    ),
                }
            }
            _ => Trend {
                direction: TrendDirection::Insufficient,
                worsening: false,
                change: None,
                period_days: None,
            },
        };
        let to_risk = |l: &Link| RiskLink {
            id: IdKind::Risk.format(l.id),
            r#ref: l.r#ref.clone(),
            title: l.label.clone(),
        };
        let to_control = |l: &Link| ControlLink {
            id: IdKind::Control.format(l.id),
            r#ref: l.r#ref.clone(),
            name: l.label.clone(),
        };
        Ok(KriDetail {
            kri: self.kri_summary(kri, now),
            description: kri.description.clone(),
            aliases: kri.aliases.clone(),
            risks: kri.risks.iter().map(to_risk).collect(),
            controls: kri.controls.iter().map(to_control).collect(),
            outcome: kri.outcome.as_ref().map(|l| OutcomeLink {
                id: IdKind::Outcome.format(l.id),
                r#ref: l.r#ref.clone(),
                name: l.label.clone(),
            }),
            history: history
                .into_iter()
                .map(|o| Observation {
                    value: o.value,
                    observed_at: o.observed_at,
                    source: o.source,
                    artifact_id: o.artifact_id.map(|id| IdKind::Artifact.format(id)),
                    extraction_id: o.extraction_id.map(|id| IdKind::Extraction.format(id)),
                    confidence: o.confidence,
                })
                .collect(),
            trend,
        })
    }

    /// `list_controls`.
    pub async fn list_controls(
        &self,
        principal: &Principal,
        args: ListControlsArgs,
    ) -> QueryResult<ControlPage> {
        if let Some(max) = args.max_effectiveness
            && !(0.0..=1.0).contains(&max)
        {
            return Err(QueryError::InvalidArgument(format!(
                "maxEffectiveness must be between 0 and 1 (such as 0.5); you sent {max}"
            )));
        }
        let framework = args.framework.as_deref().map(|f| f.trim().to_uppercase());
        let technique = args.technique.as_deref().map(|t| t.trim().to_uppercase());
        if let Some(t) = &technique
            && !(t.starts_with('T') && t.len() >= 5 && t[1..5].bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(QueryError::InvalidArgument(format!(
                "technique must be a MITRE ATT&CK technique id such as T1566 or T1566.001; you sent `{t}`"
            )));
        }
        let controls = self.repo.controls(principal.tenant_id).await?;
        let items: Vec<ControlSummary> = controls
            .iter()
            .filter(|c| {
                framework
                    .as_deref()
                    .is_none_or(|f| c.nist_csf.iter().any(|id| csf_matches(id, f)))
            })
            .filter(|c| args.status.is_none_or(|s| c.status == s))
            .filter(|c| args.max_effectiveness.is_none_or(|m| c.effectiveness <= m))
            .filter(|c| {
                technique.as_deref().is_none_or(|t| {
                    c.attack_techniques
                        .iter()
                        .any(|id| id == t || id.strip_prefix(t).is_some_and(|r| r.starts_with('.')))
                })
            })
            .map(control_summary)
            .collect();
        let sort = args.sort.unwrap_or(ControlSort::Effectiveness);
        let page = paginate(
            items,
            sort.as_str(),
            |c| {
                let id = IdKind::Control.parse(&c.id).unwrap_or_default();
                let parts = match sort {
                    ControlSort::Effectiveness => vec![num(c.effectiveness), text(&c.r#ref)],
                    ControlSort::Coverage => {
                        vec![
                            num(-((c.risk_refs.len() + c.attack_techniques.len()) as f64)),
                            text(&c.r#ref),
                        ]
                    }
                    ControlSort::Ref => vec![text(&c.r#ref)],
                };
                SortKey::new(parts, id)
            },
            args.cursor.as_deref(),
            args.limit,
        )?;
        Ok(page)
    }

    /// Risks with their computed scores, in no particular order.
    async fn scored_risks(&self, principal: &Principal) -> QueryResult<Vec<RiskSummary>> {
        let tenant = principal.tenant_id;
        let (risks, kris, controls) = (
            self.repo.risks(tenant).await?,
            self.repo.kris(tenant).await?,
            self.repo.controls(tenant).await?,
        );
        let now = Utc::now();
        let kri_status_by_id: HashMap<i64, KriStatus> =
            kris.iter().map(|k| (k.id, kri_colour(k, now))).collect();
        let weak_controls: HashMap<i64, bool> = controls
            .iter()
            .map(|c| (c.id, rules::control_is_weak(c.status, c.effectiveness)))
            .collect();
        Ok(risks
            .iter()
            .map(|risk| {
                let linked_kris = risk
                    .kris
                    .iter()
                    .filter_map(|l| kri_status_by_id.get(&l.id).map(|s| (l.r#ref.as_str(), *s)));
                let weak = risk
                    .controls
                    .iter()
                    .filter(|l| weak_controls.get(&l.id).copied().unwrap_or(false))
                    .map(|l| l.r#ref.as_str());
                let (current_score, score_drivers) = rules::risk_current_score(
                    risk.current.likelihood,
                    risk.current.impact,
                    linked_kris,
                    weak,
                );
                let rate = |li: entities::LikelihoodImpact| RiskRating {
                    likelihood: li.likelihood,
                    impact: li.impact,
                    score: u32::from(li.likelihood) * u32::from(li.impact),
                };
                RiskSummary {
                    id: IdKind::Risk.format(risk.id),
                    r#ref: risk.r#ref.clone(),
                    title: risk.title.clone(),
                    category: risk.category.clone(),
                    owner: risk.owner.clone(),
                    status: risk.status,
                    inherent: rate(risk.inherent),
                    current: rate(risk.current),
                    residual: rate(risk.residual),
                    current_score,
                    rating: rules::rating(current_score),
                    score_drivers,
                    fair: FairParameters {
                        event_frequency_per_year: risk.event_frequency_per_year,
                        loss_magnitude_low: risk.loss_magnitude_low,
                        loss_magnitude_high: risk.loss_magnitude_high,
                        currency: risk.currency.clone(),
                    },
                    latest_simulated_annual_loss: risk.latest_simulated_annual_loss,
                    outcome_refs: link_refs(&risk.outcomes),
                    kri_slugs: link_refs(&risk.kris),
                    control_refs: link_refs(&risk.controls),
                }
            })
            .collect())
    }

    /// `list_risks`.
    pub async fn list_risks(
        &self,
        principal: &Principal,
        args: ListRisksArgs,
    ) -> QueryResult<RiskPage> {
        if let Some(min) = args.min_score
            && !(1..=25).contains(&min)
        {
            return Err(QueryError::InvalidArgument(format!(
                "minScore must be between 1 and 25; you sent {min}"
            )));
        }
        let outcome = match &args.outcome {
            Some(key) => Some(self.require_ref(principal, RefKind::Outcome, key).await?),
            None => None,
        };
        let category = args.category.as_deref().map(|c| c.trim().to_lowercase());
        let owner = args.owner.as_deref().map(|o| o.trim().to_lowercase());
        let risks: Vec<RiskSummary> = self
            .scored_risks(principal)
            .await?
            .into_iter()
            .filter(|r| args.status.is_none_or(|s| r.status == s))
            .filter(|r| {
                category
                    .as_deref()
                    .is_none_or(|c| r.category.to_lowercase() == c)
            })
            .filter(|r| {
                owner
                    .as_deref()
                    .is_none_or(|o| r.owner.to_lowercase().contains(o))
            })
            .filter(|r| {
                outcome
                    .as_ref()
                    .is_none_or(|o| r.outcome_refs.contains(&o.r#ref))
            })
            .filter(|r| args.min_score.is_none_or(|m| r.current_score >= m))
            .collect();
        let sort = args.sort.unwrap_or(RiskSort::Score);
        let page = paginate(
            risks,
            sort.as_str(),
            |r| {
                let id = IdKind::Risk.parse(&r.id).unwrap_or_default();
                let parts = match sort {
                    RiskSort::Score => vec![num(-f64::from(r.current_score)), text(&r.r#ref)],
                    RiskSort::SimulatedLoss => {
                        vec![
                            num(r.latest_simulated_annual_loss.map_or(f64::INFINITY, |l| -l)),
                            text(&r.r#ref),
                        ]
                    }
                    RiskSort::Residual => vec![num(-f64::from(r.residual.score)), text(&r.r#ref)],
                };
                SortKey::new(parts, id)
            },
            args.cursor.as_deref(),
            args.limit,
        )?;
        Ok(page)
    }

    /// `list_outcomes`.
    pub async fn list_outcomes(
        &self,
        principal: &Principal,
        args: ListOutcomesArgs,
    ) -> QueryResult<OutcomePage> {
        let outcomes = self.repo.outcomes(principal.tenant_id).await?;
        let risks: HashMap<String, RiskSummary> = self
            .scored_risks(principal)
            .await?
            .into_iter()
            .map(|r| (r.r#ref.clone(), r))
            .collect();
        let items: Vec<OutcomeSummary> = outcomes
            .iter()
            .map(|o| {
                let own: Vec<&RiskSummary> =
                    o.risks.iter().filter_map(|l| risks.get(&l.r#ref)).collect();
                let worst = own
                    .iter()
                    .max_by_key(|r| (r.current_score, std::cmp::Reverse(r.r#ref.clone())));
                OutcomeSummary {
                    id: IdKind::Outcome.format(o.id),
                    r#ref: o.r#ref.clone(),
                    name: o.name.clone(),
                    description: o.description.clone(),
                    owner: o.owner.clone(),
                    loss_tolerance: o.loss_tolerance,
                    currency: o.currency.clone(),
                    status: rules::outcome_status(own.iter().map(|r| r.rating)),
                    risk_count: own.len() as u32,
                    worst_risk_ref: worst.map(|r| r.r#ref.clone()),
                    aggregate_annual_loss: o.latest_simulated_annual_loss,
                    risk_refs: link_refs(&o.risks),
                }
            })
            .filter(|o| args.status.is_none_or(|s| o.status == s))
            .collect();
        let page = paginate(
            items,
            "ref",
            |o| {
                SortKey::new(
                    vec![text(&o.r#ref)],
                    IdKind::Outcome.parse(&o.id).unwrap_or_default(),
                )
            },
            args.cursor.as_deref(),
            args.limit,
        )?;
        Ok(page)
    }

    /// `list_vendors`.
    pub async fn list_vendors(
        &self,
        principal: &Principal,
        args: ListVendorsArgs,
    ) -> QueryResult<VendorPage> {
        if let Some(tier) = args.tier
            && !(1..=3).contains(&tier)
        {
            return Err(QueryError::InvalidArgument(format!(
                "tier must be 1, 2 or 3; you sent {tier}"
            )));
        }
        let today = Utc::now().date_naive();
        let vendors = self.repo.vendors(principal.tenant_id).await?;
        let items: Vec<VendorSummary> = vendors
            .iter()
            .filter(|v| args.criticality.is_none_or(|c| v.criticality == c))
            .filter(|v| args.tier.is_none_or(|t| v.tier == t))
            .filter(|v| {
                args.assessment_due_within_days.is_none_or(|days| {
                    (v.next_assessment_due - today).num_days() <= i64::from(days)
                })
            })
            .map(|v| VendorSummary {
                id: IdKind::Vendor.format(v.id),
                assessment_overdue: v.next_assessment_due < today,
                last_assessment: match (
                    v.last_assessment_date,
                    v.last_assessment_score,
                    v.last_assessment_conclusion.clone(),
                ) {
                    (Some(date), Some(score), Some(conclusion)) => Some(VendorAssessment {
                        date,
                        score,
                        conclusion,
                    }),
                    _ => None,
                },
                name: v.name.clone(),
                category: v.category.clone(),
                criticality: v.criticality,
                tier: v.tier,
                data_elements: v.data_elements.clone(),
                open_findings: v.open_findings,
                next_assessment_due: v.next_assessment_due,
            })
            .collect();
        let sort = args.sort.unwrap_or(VendorSort::Criticality);
        let page = paginate(
            items,
            sort.as_str(),
            |v| {
                let id = IdKind::Vendor.parse(&v.id).unwrap_or_default();
                let parts = match sort {
                    VendorSort::Criticality => vec![
                        num(-(criticality_rank(v.criticality) as f64)),
                        text(&v.name),
                    ],
                    VendorSort::Name => vec![text(&v.name)],
                    VendorSort::AssessmentDue => {
                        vec![text(&v.next_assessment_due.to_string()), text(&v.name)]
                    }
                };
                SortKey::new(parts, id)
            },
            args.cursor.as_deref(),
            args.limit,
        )?;
        Ok(page)
    }

    /// `get_asset_inventory`: storage filters and pages (the inventory is the one large set).
    pub async fn asset_inventory(
        &self,
        principal: &Principal,
        args: AssetInventoryArgs,
    ) -> QueryResult<AssetInventory> {
        const SORT: &str = "name";
        let limit = page_limit(args.limit)?;
        let after = args
            .cursor
            .as_deref()
            .map(|c| decode_cursor(SORT, c))
            .transpose()?;
        let filter = entities::AssetFilter {
            kind: args.kind,
            environment: args.environment.map(|e| e.trim().to_lowercase()),
            criticality: args.criticality,
            internet_facing: args.internet_facing,
            missing: args.missing,
            owner: args.owner.map(|o| o.trim().to_lowercase()),
            text: args.text.map(|t| t.trim().to_lowercase()),
        };
        let tenant = principal.tenant_id;
        let counts = self.repo.asset_counts(tenant, &filter).await?;
        let mut assets = self
            .repo
            .assets_page(tenant, &filter, after.as_ref(), limit as u32 + 1)
            .await?;
        let next_cursor = if assets.len() > limit {
            assets.truncate(limit);
            assets.last().map(|a| {
                encode_cursor(
                    SORT,
                    &SortKey::new(vec![KeyPart::Text(a.name.clone())], a.id),
                )
            })
        } else {
            None
        };
        let pct = |n: u64| {
            if counts.total == 0 {
                0.0
            } else {
                (n as f64 * 1000.0 / counts.total as f64).round() / 10.0
            }
        };
        let to_counts = |pairs: &[(String, u64)]| {
            pairs
                .iter()
                .map(|(value, count)| Count {
                    value: value.clone(),
                    count: *count,
                })
                .collect()
        };
        Ok(AssetInventory {
            summary: AssetSummaryCounts {
                total: counts.total,
                by_kind: to_counts(&counts.by_kind),
                by_criticality: to_counts(&counts.by_criticality),
                internet_facing: counts.internet_facing,
                coverage: CoveragePercentages {
                    edr_pct: pct(counts.with_edr),
                    mfa_pct: pct(counts.with_mfa),
                    backup_pct: pct(counts.with_backup),
                    patched_pct: pct(counts.patched),
                },
            },
            items: assets
                .into_iter()
                .map(|a| AssetSummary {
                    id: IdKind::Asset.format(a.id),
                    name: a.name,
                    kind: a.kind,
                    environment: a.environment,
                    owner: a.owner,
                    criticality: a.criticality,
                    internet_facing: a.internet_facing,
                    data_classification: a.data_classification,
                    last_seen: a.last_seen,
                    edr: a.edr,
                    mfa: a.mfa,
                    backup: a.backup,
                    patched: a.patched,
                })
                .collect(),
            next_cursor,
            total: counts.total,
        })
    }

    /// `list_simulations`.
    pub async fn list_simulations(
        &self,
        principal: &Principal,
        args: ListSimulationsArgs,
    ) -> QueryResult<SimulationPage> {
        let risk = match &args.risk {
            Some(key) => Some(self.require_ref(principal, RefKind::Risk, key).await?),
            None => None,
        };
        let outcome = match &args.outcome {
            Some(key) => Some(self.require_ref(principal, RefKind::Outcome, key).await?),
            None => None,
        };
        let sims = self.repo.simulations(principal.tenant_id).await?;
        let items: Vec<SimulationSummary> = sims
            .iter()
            .filter(|s| {
                risk.as_ref()
                    .is_none_or(|r| s.risk.as_ref().is_some_and(|l| l.id == r.id))
            })
            .filter(|s| {
                outcome
                    .as_ref()
                    .is_none_or(|o| s.outcome.as_ref().is_some_and(|l| l.id == o.id))
            })
            .filter(|s| args.status.is_none_or(|st| s.status == st))
            .map(|s| SimulationSummary {
                id: IdKind::Simulation.format(s.id),
                risk_ref: s.risk.as_ref().map(|l| l.r#ref.clone()),
                outcome_ref: s.outcome.as_ref().map(|l| l.r#ref.clone()),
                status: s.status,
                iterations: s.iterations,
                seed: s.seed,
                created_at: s.created_at,
                finished_at: s.finished_at,
                results: s.results.clone(),
                error: s.error.clone(),
            })
            .collect();
        let page = paginate(
            items,
            "newest",
            |s| {
                let id = IdKind::Simulation.parse(&s.id).unwrap_or_default();
                SortKey::new(
                    vec![
                        num(-(s.created_at.timestamp_millis() as f64)),
                        num(-(id as f64)),
                    ],
                    id,
                )
            },
            args.cursor.as_deref(),
            args.limit,
        )?;
        Ok(page)
    }

    /// `list_integrations`.
    pub async fn list_integrations(
        &self,
        principal: &Principal,
        args: ListIntegrationsArgs,
    ) -> QueryResult<IntegrationPage> {
        let integrations = self.repo.integrations(principal.tenant_id).await?;
        let items: Vec<IntegrationSummary> = integrations
            .iter()
            .map(|i| IntegrationSummary {
                id: IdKind::Integration.format(i.id),
                is_drop_zone: i.kind == IntegrationKind::DropZone,
                name: i.name.clone(),
                kind: i.kind,
                schedule: i.schedule,
                enabled: i.enabled,
                last_run: i.last_run.as_ref().map(|r| IntegrationRun {
                    id: IdKind::IntegrationRun.format(r.id),
                    started_at: r.started_at,
                    finished_at: r.finished_at,
                    status: r.status.clone(),
                    rows_written: r.rows_written,
                    rows_skipped: r.rows_skipped,
                }),
                pending_review_count: i.pending_review_count,
                kri_slugs: i.kri_slugs.clone(),
            })
            .filter(|i| args.is_drop_zone.is_none_or(|d| i.is_drop_zone == d))
            .collect();
        let page = paginate(
            items,
            "name",
            |i| {
                SortKey::new(
                    vec![text(&i.name)],
                    IdKind::Integration.parse(&i.id).unwrap_or_default(),
                )
            },
            args.cursor.as_deref(),
            args.limit,
        )?;
        Ok(page)
    }
}

fn thresholds(kri: &Kri) -> rules::Thresholds {
    rules::Thresholds {
        direction: kri.direction,
        warn: kri.warn,
        critical: kri.critical,
        frequency: kri.frequency,
    }
}

fn kri_status(kri: &Kri, now: DateTime<Utc>) -> (KriStatus, String) {
    rules::kri_status(
        thresholds(kri),
        kri.current_value.zip(kri.current_observed_at),
        now,
    )
}

fn kri_colour(kri: &Kri, now: DateTime<Utc>) -> KriStatus {
    rules::kri_colour(
        thresholds(kri),
        kri.current_value.zip(kri.current_observed_at),
        now,
    )
}

fn control_summary(c: &entities::Control) -> ControlSummary {
    ControlSummary {
        id: IdKind::Control.format(c.id),
        weak: rules::control_is_weak(c.status, c.effectiveness),
        r#ref: c.r#ref.clone(),
        name: c.name.clone(),
        category: c.category.clone(),
        status: c.status,
        effectiveness: c.effectiveness,
        nist_csf: c.nist_csf.clone(),
        attack_techniques: c.attack_techniques.clone(),
        owner: c.owner.clone(),
        risk_refs: link_refs(&c.risks),
        kri_slugs: link_refs(&c.kris),
    }
}

/// `PR` matches `PR.AA-03`; `PR.AA` matches `PR.AA-03`; `PR.AA-03` matches itself.
fn csf_matches(id: &str, filter: &str) -> bool {
    let id = id.to_uppercase();
    id == filter
        || id
            .strip_prefix(filter)
            .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('-'))
}

fn criticality_rank(c: Criticality) -> u8 {
    match c {
        Criticality::Low => 0,
        Criticality::Medium => 1,
        Criticality::High => 2,
        Criticality::Critical => 3,
    }
}

#[cfg(test)]
mod tests {
    use super::csf_matches;

    #[test]
    fn csf_prefixes_match_by_level() {
        assert!(csf_matches("PR.AA-03", "PR"));
        assert!(csf_matches("PR.AA-03", "PR.AA"));
        assert!(csf_matches("PR.AA-03", "PR.AA-03"));
        assert!(!csf_matches("PR.AA-03", "PR.A"));
        assert!(!csf_matches("PR.AA-03", "P"));
    }
}
