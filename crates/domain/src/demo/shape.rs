//! The two demo tenants: how many of each thing they hold, and their RNG seeds.

/// Sizes of one demo tenant.
pub(super) struct Shape {
    pub slug: &'static str,
    pub name: &'static str,
    pub seed: u64,
    pub kri_count: usize,
    pub risk_count: usize,
    pub control_count: usize,
    pub outcome_count: usize,
    pub vendor_count: usize,
    /// endpoints, servers, cloud resources, SaaS apps, datasets, network devices
    pub assets: [usize; 6],
    /// KRIs left without any value (awaiting their first Drop Zone submission).
    pub never_observed: &'static [&'static str],
}

pub(super) const ACME: Shape = Shape {
    slug: "acme",
    name: "Acme Corporation",
    seed: 0xAC3E,
    kri_count: 40,
    risk_count: 26,
    control_count: 62,
    outcome_count: 7,
    vendor_count: 32,
    assets: [1400, 320, 180, 60, 40, 50],
    never_observed: &["unencrypted_sensitive_datastores", "ddos_mitigation_events"],
};

pub(super) const GLOBEX: Shape = Shape {
    slug: "globex",
    name: "Globex Industries",
    seed: 0x610B,
    kri_count: 12,
    risk_count: 8,
    control_count: 16,
    outcome_count: 3,
    vendor_count: 8,
    assets: [90, 30, 20, 6, 2, 4],
    never_observed: &[],
};
