//! A demo tenant's asset inventory: endpoints, servers, cloud resources, SaaS apps,
//! datasets and network devices, with names, owners and coverage (EDR, MFA, backup,
//! patching) drawn from the tenant's RNG.

use chrono::{Duration, NaiveDate};
use draxis_protocol::types::AssetKind;
use rand::RngExt;
use rand::rngs::ChaCha8Rng;

use super::draws::{criticality_from, pick};
use super::history::midnight;
use super::shape::Shape;
use super::tables::tables;
use super::tenant::DemoAsset;

/// The `n`th asset of `kind` in `environment` (the environment names are ASCII).
fn name(kind: AssetKind, n: usize, environment: &str, shape: &Shape) -> String {
    let names = &tables().asset_names;
    let nth = |list: &[String]| list[n % list.len()].clone();
    let env = environment.get(..3).unwrap_or(environment);
    match kind {
        AssetKind::Endpoint => format!("{}-LT-{n:04}", shape.slug.to_uppercase()),
        AssetKind::Server => format!(
            "{env}-{}-{:02}",
            nth(&names.server_roles),
            n / names.server_roles.len() + 1
        ),
        AssetKind::CloudResource => {
            format!("{}{}-{env}-{n:03}", nth(&names.cloud_prefixes), shape.slug)
        }
        AssetKind::SaasApp => format!("{} {n:02}", nth(&names.saas_apps)),
        AssetKind::Dataset => format!("{}_{n:02}", nth(&names.datasets)),
        AssetKind::NetworkDevice => format!("{}-{n:02}", nth(&names.network_devices)),
    }
}

/// The tenant's assets, in kind order, last seen within ten days of `today`.
pub(super) fn assets(shape: &Shape, today: NaiveDate, rng: &mut ChaCha8Rng) -> Vec<DemoAsset> {
    let people = &tables().people.people;
    let mut assets = Vec::new();
    let now = midnight(today);
    let kinds = [
        AssetKind::Endpoint,
        AssetKind::Server,
        AssetKind::CloudResource,
        AssetKind::SaasApp,
        AssetKind::Dataset,
        AssetKind::NetworkDevice,
    ];
    for (kind, count) in kinds.iter().zip(shape.assets) {
        for n in 1..=count {
            let env = match kind {
                AssetKind::Endpoint | AssetKind::SaasApp => "corporate",
                _ => match n % 6 {
                    0 => "staging",
                    1 => "development",
                    _ => "production",
                },
            };
            let name = name(*kind, n, env, shape);
            let criticality = match kind {
                AssetKind::Endpoint => criticality_from(rng, [0.02, 0.08, 0.3, 0.6]),
                AssetKind::Dataset => criticality_from(rng, [0.4, 0.3, 0.2, 0.1]),
                _ => criticality_from(rng, [0.15, 0.3, 0.35, 0.2]),
            };
            let internet_facing = match kind {
                AssetKind::Server | AssetKind::CloudResource => rng.random_bool(0.18),
                AssetKind::SaasApp => true,
                AssetKind::NetworkDevice => rng.random_bool(0.3),
                _ => false,
            };
            let edr = match kind {
                AssetKind::Endpoint => rng.random_bool(0.965),
                AssetKind::Server => rng.random_bool(0.93),
                _ => false,
            };
            let classification = match kind {
                AssetKind::Dataset => pick(rng, &["confidential", "restricted"]).to_string(),
                AssetKind::Endpoint => "internal".to_string(),
                _ => pick(rng, &["public", "internal", "confidential"]).to_string(),
            };
            assets.push(DemoAsset {
                name,
                kind: *kind,
                environment: env.to_string(),
                owner: people[rng.random_range(0..people.len())].clone(),
                criticality,
                internet_facing,
                data_classification: classification,
                last_seen: now - Duration::minutes(rng.random_range(0..60 * 24 * 10)),
                edr,
                mfa: matches!(kind, AssetKind::SaasApp | AssetKind::Endpoint)
                    && rng.random_bool(0.97),
                backup: matches!(
                    kind,
                    AssetKind::Server | AssetKind::Dataset | AssetKind::CloudResource
                ) && rng.random_bool(0.9),
                patched: rng.random_bool(0.91),
            });
        }
    }
    assets
}
