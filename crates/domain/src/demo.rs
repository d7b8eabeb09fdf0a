//! The deterministic demo dataset: tenant `acme` (the 40-KRI catalog with 90 days of
//! history, risks, controls, outcomes, vendors, 2,000+ assets, integrations) and a smaller
//! `globex`. The same day always yields the same data; histories end on that day.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use draxis_protocol::types::*;
use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};
use serde::Deserialize;

/// The demo tenant's KRI catalog, as shipped in `data/kri-catalog.json`.
/// A console user the demo seed creates (demo mode only; the passwords are public).
#[derive(Debug, Clone, Copy)]
pub struct DemoUser {
    pub email: &'static str,
    pub name: &'static str,
    pub password: &'static str,
    /// `(tenant slug, role)` memberships.
    pub memberships: &'static [(&'static str, draxis_auth::Role)],
}

/// One demo user per role, documented in README.md. The admin also belongs to globex,
/// so the consent page has a tenant to pick.
pub const DEMO_USERS: [DemoUser; 3] = [
    DemoUser {
        email: "admin@acme.example",
        name: "Avery Admin",
        password: "draxis-demo-admin",
        memberships: &[
            ("acme", draxis_auth::Role::Admin),
            ("globex", draxis_auth::Role::Admin),
        ],
    },
    DemoUser {
        email: "analyst@acme.example",
        name: "Sam Analyst",
        password: "draxis-demo-analyst",
        memberships: &[("acme", draxis_auth::Role::Analyst)],
    },
    DemoUser {
        email: "viewer@acme.example",
        name: "Vic Viewer",
        password: "draxis-demo-viewer",
        memberships: &[("acme", draxis_auth::Role::Viewer)],
    },
];

pub const KRI_CATALOG_JSON: &str = include_str!("../data/kri-catalog.json");

/// One catalog entry.
#[derive(Debug, Clone, Deserialize)]
pub struct CatalogKri {
    pub slug: String,
    pub name: String,
    pub unit: String,
    pub direction: Direction,
    pub warn: f64,
    pub critical: f64,
    pub category: String,
    pub frequency: Frequency,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub description: String,
}

#[derive(Deserialize)]
struct Catalog {
    kris: Vec<CatalogKri>,
}

/// The parsed KRI catalog.
pub fn kri_catalog() -> Vec<CatalogKri> {
    // The file is part of the source tree and checked by a test: it always parses.
    serde_json::from_str::<Catalog>(KRI_CATALOG_JSON)
        .map(|c| c.kris)
        .unwrap_or_default()
}

/// A demo KRI with its links (indexes into the tenant's lists) and history, oldest first.
#[derive(Debug, Clone)]
pub struct DemoKri {
    pub definition: CatalogKri,
    pub owner: String,
    pub source_integration: Option<usize>,
    pub outcome: Option<usize>,
    pub risks: Vec<usize>,
    pub controls: Vec<usize>,
    pub history: Vec<(DateTime<Utc>, f64)>,
}

#[derive(Debug, Clone)]
pub struct DemoRisk {
    pub r#ref: String,
    pub title: String,
    pub description: String,
    pub category: String,
    pub owner: String,
    pub status: RiskStatus,
    /// (likelihood, impact) inherent, current, residual.
    pub inherent: (u8, u8),
    pub current: (u8, u8),
    pub residual: (u8, u8),
    pub event_frequency_per_year: f64,
    pub loss_magnitude_low: f64,
    pub loss_magnitude_high: f64,
    pub outcomes: Vec<usize>,
    pub controls: Vec<usize>,
}

#[derive(Debug, Clone)]
pub struct DemoControl {
    pub r#ref: String,
    pub name: String,
    pub category: String,
    pub status: ControlStatus,
    pub effectiveness: f64,
    pub nist_csf: Vec<String>,
    pub attack_techniques: Vec<String>,
    pub owner: String,
}

#[derive(Debug, Clone)]
pub struct DemoOutcome {
    pub r#ref: String,
    pub name: String,
    pub description: String,
    pub owner: String,
    pub loss_tolerance: f64,
}

#[derive(Debug, Clone)]
pub struct DemoVendor {
    pub name: String,
    pub category: String,
    pub criticality: Criticality,
    pub tier: u8,
    pub data_elements: Vec<String>,
    pub last_assessment: Option<(NaiveDate, f64, String)>,
    pub open_findings: u32,
    pub next_assessment_due: NaiveDate,
}

#[derive(Debug, Clone)]
pub struct DemoAsset {
    pub name: String,
    pub kind: AssetKind,
    pub environment: String,
    pub owner: String,
    pub criticality: Criticality,
    pub internet_facing: bool,
    pub data_classification: String,
    pub last_seen: DateTime<Utc>,
    pub edr: bool,
    pub mfa: bool,
    pub backup: bool,
    pub patched: bool,
}

#[derive(Debug, Clone)]
pub struct DemoIntegration {
    pub name: String,
    pub kind: IntegrationKind,
    pub schedule: Schedule,
    /// Connector settings (URL, folder) as JSON.
    pub config: serde_json::Value,
}

/// Everything one demo tenant holds.
#[derive(Debug, Clone)]
pub struct DemoTenant {
    pub slug: String,
    pub name: String,
    pub kris: Vec<DemoKri>,
    pub risks: Vec<DemoRisk>,
    pub controls: Vec<DemoControl>,
    pub outcomes: Vec<DemoOutcome>,
    pub vendors: Vec<DemoVendor>,
    pub assets: Vec<DemoAsset>,
    pub integrations: Vec<DemoIntegration>,
}

const PEOPLE: &[&str] = &[
    "Priya Natarajan",
    "Marcus Webb",
    "Elena Sokolova",
    "Tomás Ibarra",
    "Grace Okafor",
    "Daniel Kim",
    "Hannah Lindqvist",
    "Owen Gallagher",
    "Aisha Rahman",
    "Lukas Brandt",
    "Mei Chen",
    "Samuel Adeyemi",
];

/// Owner of each KRI category: (category, person).
fn category_owner(category: &str) -> &'static str {
    match category {
        "vulnerability" => "Marcus Webb",
        "endpoint" => "Tomás Ibarra",
        "identity" => "Elena Sokolova",
        "awareness" => "Grace Okafor",
        "resilience" => "Daniel Kim",
        "detection" => "Hannah Lindqvist",
        "cloud" => "Owen Gallagher",
        "attack_surface" => "Aisha Rahman",
        "third_party" => "Lukas Brandt",
        "data" => "Mei Chen",
        "appsec" => "Samuel Adeyemi",
        _ => "Priya Natarajan",
    }
}

/// (ref, name, description, owner, loss tolerance USD, KRI categories it owns)
type OutcomeRow = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    f64,
    &'static [&'static str],
);
const OUTCOMES: &[OutcomeRow] = &[
    (
        "O-01",
        "Keep customer data confidential",
        "No unauthorised disclosure of customer personal or financial data.",
        "Priya Natarajan",
        5_000_000.0,
        &["identity", "cloud", "data", "detection"],
    ),
    (
        "O-02",
        "Keep the customer platform available",
        "The customer platform meets its 99.95% availability commitment.",
        "Daniel Kim",
        3_000_000.0,
        &["resilience", "network", "vulnerability"],
    ),
    (
        "O-03",
        "Protect revenue and payments from fraud",
        "Payments, refunds and vendor payouts reach only the intended parties.",
        "Lukas Brandt",
        1_500_000.0,
        &[],
    ),
    (
        "O-04",
        "Stay compliant with SOC 2, PCI DSS and GDPR",
        "Audits pass without qualified opinions and regulators have no cause to fine us.",
        "Priya Natarajan",
        2_000_000.0,
        &["governance"],
    ),
    (
        "O-05",
        "Keep the workforce productive and secure",
        "Employees can work safely from any location on managed devices.",
        "Tomás Ibarra",
        1_000_000.0,
        &["endpoint", "awareness", "attack_surface"],
    ),
    (
        "O-06",
        "Trust our suppliers",
        "Third parties handling our data or services meet our security bar.",
        "Lukas Brandt",
        1_500_000.0,
        &["third_party"],
    ),
    (
        "O-07",
        "Ship secure software",
        "Customer-facing software releases without exploitable flaws or leaked secrets.",
        "Samuel Adeyemi",
        2_500_000.0,
        &["appsec"],
    ),
];

/// (title, category, KRI categories that signal it, outcome refs, likelihood, impact, events/yr, loss lo, loss hi)
type RiskRow = (
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
    u8,
    u8,
    f64,
    f64,
    f64,
);
const RISKS: &[RiskRow] = &[
    (
        "Ransomware encrypts production systems",
        "ransomware",
        &["vulnerability", "endpoint", "resilience"],
        &["O-02", "O-01"],
        3,
        5,
        0.3,
        500_000.0,
        8_000_000.0,
    ),
    (
        "Credential phishing leads to account takeover",
        "identity",
        &["identity", "awareness"],
        &["O-01", "O-05"],
        4,
        4,
        2.0,
        20_000.0,
        900_000.0,
    ),
    (
        "Exploitation of unpatched internet-facing systems",
        "vulnerability",
        &["vulnerability", "attack_surface"],
        &["O-01", "O-02"],
        3,
        4,
        0.8,
        100_000.0,
        3_000_000.0,
    ),
    (
        "Customer data exfiltrated from cloud storage",
        "data_breach",
        &["cloud", "data"],
        &["O-01", "O-04"],
        2,
        5,
        0.2,
        400_000.0,
        12_000_000.0,
    ),
    (
        "Business email compromise diverts a payment",
        "fraud",
        &["awareness", "identity"],
        &["O-03"],
        3,
        3,
        1.5,
        25_000.0,
        750_000.0,
    ),
    (
        "Critical SaaS vendor breach exposes customer data",
        "third_party",
        &["third_party"],
        &["O-06", "O-01"],
        2,
        4,
        0.3,
        150_000.0,
        5_000_000.0,
    ),
    (
        "Insider misuse of privileged access",
        "insider",
        &["identity", "data"],
        &["O-01"],
        2,
        4,
        0.2,
        50_000.0,
        2_000_000.0,
    ),
    (
        "Prolonged outage after failed backup recovery",
        "resilience",
        &["resilience"],
        &["O-02"],
        2,
        5,
        0.15,
        250_000.0,
        6_000_000.0,
    ),
    (
        "Cloud misconfiguration exposes internal services",
        "cloud",
        &["cloud", "attack_surface"],
        &["O-01", "O-02"],
        3,
        4,
        1.0,
        40_000.0,
        1_500_000.0,
    ),
    (
        "Malware spreads from unmanaged endpoints",
        "endpoint",
        &["endpoint", "attack_surface"],
        &["O-05"],
        3,
        3,
        2.5,
        10_000.0,
        400_000.0,
    ),
    (
        "Slow detection lets intruders dwell for weeks",
        "detection",
        &["detection"],
        &["O-01"],
        3,
        4,
        0.5,
        100_000.0,
        4_000_000.0,
    ),
    (
        "DDoS takes the customer portal offline",
        "availability",
        &["network"],
        &["O-02"],
        2,
        3,
        1.0,
        20_000.0,
        600_000.0,
    ),
    (
        "Leaked secrets in source code enable intrusion",
        "appsec",
        &["appsec"],
        &["O-07", "O-01"],
        3,
        4,
        0.6,
        50_000.0,
        2_500_000.0,
    ),
    (
        "Vulnerable application code is exploited",
        "appsec",
        &["appsec", "vulnerability"],
        &["O-07"],
        3,
        4,
        0.7,
        60_000.0,
        3_000_000.0,
    ),
    (
        "Regulatory penalty after audit failures",
        "compliance",
        &["governance"],
        &["O-04"],
        2,
        4,
        0.1,
        200_000.0,
        4_000_000.0,
    ),
    (
        "Software supply chain compromise",
        "supply_chain",
        &["appsec", "third_party"],
        &["O-07", "O-06"],
        2,
        5,
        0.1,
        300_000.0,
        10_000_000.0,
    ),
    (
        "Orphaned accounts used by former staff",
        "identity",
        &["identity"],
        &["O-01", "O-04"],
        2,
        3,
        0.5,
        10_000.0,
        500_000.0,
    ),
    (
        "Sensitive data stored unencrypted",
        "data_breach",
        &["data"],
        &["O-01", "O-04"],
        2,
        4,
        0.3,
        80_000.0,
        3_500_000.0,
    ),
    (
        "Privileged account compromise",
        "identity",
        &["identity", "detection"],
        &["O-01"],
        2,
        5,
        0.3,
        200_000.0,
        7_000_000.0,
    ),
    (
        "Remote desktop exposed to the internet",
        "attack_surface",
        &["attack_surface"],
        &["O-02", "O-05"],
        3,
        4,
        0.6,
        50_000.0,
        2_000_000.0,
    ),
    (
        "Expired certificates disrupt customer services",
        "availability",
        &["attack_surface"],
        &["O-02"],
        3,
        2,
        2.0,
        5_000.0,
        150_000.0,
    ),
    (
        "Lost or stolen laptop holding customer data",
        "data_breach",
        &["endpoint", "data"],
        &["O-01", "O-05"],
        3,
        2,
        4.0,
        2_000.0,
        250_000.0,
    ),
    (
        "Payment card data compromise",
        "data_breach",
        &["data", "detection"],
        &["O-03", "O-04"],
        2,
        5,
        0.1,
        500_000.0,
        9_000_000.0,
    ),
    (
        "Concentration on a single cloud provider region",
        "third_party",
        &["third_party", "resilience"],
        &["O-02", "O-06"],
        1,
        5,
        0.05,
        1_000_000.0,
        15_000_000.0,
    ),
    (
        "Firewall rule sprawl permits lateral movement",
        "network",
        &["network"],
        &["O-01", "O-02"],
        3,
        3,
        0.5,
        30_000.0,
        1_200_000.0,
    ),
    (
        "Security awareness gaps drive incidents",
        "people",
        &["awareness"],
        &["O-05", "O-03"],
        4,
        2,
        6.0,
        1_000.0,
        80_000.0,
    ),
];

/// (name, category, NIST CSF 2.0 ids, ATT&CK techniques)
type ControlRow = (
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
);
const CONTROLS: &[ControlRow] = &[
    (
        "Multi-factor authentication for workforce SSO",
        "identity",
        &["PR.AA-03"],
        &["T1078", "T1110", "T1621"],
    ),
    (
        "Phishing-resistant MFA (FIDO2) for administrators",
        "identity",
        &["PR.AA-03"],
        &["T1111", "T1556"],
    ),
    (
        "Privileged access management vault",
        "identity",
        &["PR.AA-05"],
        &["T1078.002", "T1098"],
    ),
    (
        "Quarterly user access reviews",
        "identity",
        &["PR.AA-05", "GV.RR-04"],
        &["T1078"],
    ),
    (
        "Joiner-mover-leaver automation",
        "identity",
        &["PR.AA-01"],
        &["T1078.004", "T1136"],
    ),
    (
        "Conditional access policies",
        "identity",
        &["PR.AA-03", "PR.AA-05"],
        &["T1078", "T1550"],
    ),
    (
        "Service account inventory and rotation",
        "identity",
        &["PR.AA-01"],
        &["T1552", "T1078.003"],
    ),
    (
        "Breached-password screening",
        "identity",
        &["PR.AA-03"],
        &["T1110.003", "T1110.004"],
    ),
    (
        "Authenticated vulnerability scanning",
        "vulnerability",
        &["ID.RA-01"],
        &["T1190", "T1210"],
    ),
    (
        "Risk-based patch management SLA",
        "vulnerability",
        &["PR.PS-02"],
        &["T1190", "T1203", "T1068"],
    ),
    (
        "KEV emergency patching runbook",
        "vulnerability",
        &["ID.RA-01", "RS.MI-02"],
        &["T1190"],
    ),
    (
        "Third-party application patching",
        "vulnerability",
        &["PR.PS-02"],
        &["T1203"],
    ),
    (
        "Vulnerability exception governance",
        "vulnerability",
        &["ID.RA-06"],
        &["T1190"],
    ),
    (
        "EDR on all endpoints and servers",
        "endpoint",
        &["DE.CM-09"],
        &["T1059", "T1486", "T1055"],
    ),
    (
        "EDR sensor health monitoring",
        "endpoint",
        &["DE.CM-09"],
        &["T1562.001"],
    ),
    (
        "Application allow-listing on servers",
        "endpoint",
        &["PR.PS-05"],
        &["T1204", "T1059"],
    ),
    (
        "Device compliance in MDM",
        "endpoint",
        &["PR.PS-01", "ID.AM-01"],
        &["T1200"],
    ),
    (
        "Full-disk encryption on laptops",
        "endpoint",
        &["PR.DS-01"],
        &["T1005"],
    ),
    (
        "Removal of local administrator rights",
        "endpoint",
        &["PR.AA-05"],
        &["T1548", "T1068"],
    ),
    (
        "Email attachment sandboxing",
        "awareness",
        &["DE.AE-02"],
        &["T1566.001"],
    ),
    (
        "Security awareness training programme",
        "awareness",
        &["PR.AT-01"],
        &["T1566", "T1204"],
    ),
    (
        "Monthly phishing simulations",
        "awareness",
        &["PR.AT-01"],
        &["T1566.002"],
    ),
    (
        "Report-phish button and triage",
        "awareness",
        &["DE.AE-02", "RS.MA-01"],
        &["T1566"],
    ),
    (
        "Payment change call-back verification",
        "awareness",
        &["PR.AT-02"],
        &["T1566", "T1534"],
    ),
    (
        "Secure email gateway with DMARC enforcement",
        "awareness",
        &["PR.DS-02"],
        &["T1566", "T1598"],
    ),
    (
        "Immutable offsite backups",
        "resilience",
        &["PR.DS-11"],
        &["T1490", "T1485", "T1486"],
    ),
    (
        "Backup job monitoring",
        "resilience",
        &["PR.DS-11"],
        &["T1490"],
    ),
    (
        "Quarterly restore testing",
        "resilience",
        &["RC.RP-03"],
        &["T1486"],
    ),
    (
        "Disaster recovery plan for tier-1 systems",
        "resilience",
        &["RC.RP-01"],
        &["T1485", "T1499"],
    ),
    (
        "Business continuity exercises",
        "resilience",
        &["ID.IM-04"],
        &["T1486"],
    ),
    (
        "Central SIEM log collection",
        "detection",
        &["DE.CM-01", "DE.CM-03"],
        &["T1070", "T1562.002"],
    ),
    (
        "24x7 managed detection and response",
        "detection",
        &["DE.AE-02", "RS.MA-01"],
        &["T1059", "T1021"],
    ),
    (
        "Incident response plan and playbooks",
        "detection",
        &["RS.MA-01"],
        &["T1486"],
    ),
    (
        "Threat-intelligence-driven detections",
        "detection",
        &["DE.AE-07"],
        &["T1190", "T1133"],
    ),
    (
        "User and entity behaviour analytics",
        "detection",
        &["DE.CM-03"],
        &["T1078"],
    ),
    (
        "Cloud security posture management",
        "cloud",
        &["PR.PS-01"],
        &["T1530", "T1078.004"],
    ),
    (
        "Block public access on object storage",
        "cloud",
        &["PR.DS-01"],
        &["T1530"],
    ),
    (
        "Infrastructure-as-code policy checks",
        "cloud",
        &["PR.PS-01", "PR.PS-06"],
        &["T1578"],
    ),
    (
        "Cloud key management and rotation",
        "cloud",
        &["PR.DS-01"],
        &["T1552.001"],
    ),
    (
        "External attack surface monitoring",
        "attack_surface",
        &["ID.AM-02", "DE.CM-01"],
        &["T1133", "T1190"],
    ),
    (
        "Remote access only through a ZTNA gateway",
        "attack_surface",
        &["PR.IR-01"],
        &["T1133", "T1021.001"],
    ),
    (
        "Certificate lifecycle automation",
        "attack_surface",
        &["PR.DS-02"],
        &["T1557"],
    ),
    (
        "Network access control for unmanaged devices",
        "attack_surface",
        &["PR.IR-01"],
        &["T1200"],
    ),
    (
        "Asset inventory reconciliation",
        "attack_surface",
        &["ID.AM-01", "ID.AM-02"],
        &["T1200"],
    ),
    (
        "Vendor security due diligence",
        "third_party",
        &["GV.SC-06"],
        &["T1195", "T1199"],
    ),
    (
        "Annual critical vendor reassessment",
        "third_party",
        &["GV.SC-07"],
        &["T1199"],
    ),
    (
        "Contractual security requirements",
        "third_party",
        &["GV.SC-05"],
        &["T1199"],
    ),
    (
        "Vendor finding remediation tracking",
        "third_party",
        &["GV.SC-07"],
        &["T1199"],
    ),
    (
        "Data loss prevention for email and web",
        "data",
        &["PR.DS-02"],
        &["T1048", "T1567"],
    ),
    (
        "Data classification and labelling",
        "data",
        &["ID.AM-07"],
        &["T1530"],
    ),
    (
        "Database encryption at rest",
        "data",
        &["PR.DS-01"],
        &["T1005", "T1530"],
    ),
    (
        "Tokenization of payment card data",
        "data",
        &["PR.DS-01"],
        &["T1005"],
    ),
    (
        "Secret scanning in repositories and CI",
        "appsec",
        &["PR.PS-06"],
        &["T1552.001"],
    ),
    (
        "Static application security testing in CI",
        "appsec",
        &["PR.PS-06"],
        &["T1190"],
    ),
    (
        "Software composition analysis and SBOM",
        "appsec",
        &["ID.RA-01", "GV.SC-09"],
        &["T1195.001"],
    ),
    (
        "Secure code review for critical services",
        "appsec",
        &["PR.PS-06"],
        &["T1190"],
    ),
    (
        "Policy exception register with expiry",
        "governance",
        &["GV.PO-02"],
        &["T1562.001"],
    ),
    (
        "Internal audit finding tracking",
        "governance",
        &["GV.OV-02"],
        &["T1078"],
    ),
    (
        "Firewall rule recertification",
        "network",
        &["PR.IR-01"],
        &["T1021", "T1570"],
    ),
    (
        "DDoS protection service",
        "network",
        &["PR.IR-04"],
        &["T1498", "T1499"],
    ),
    (
        "Network segmentation of production",
        "network",
        &["PR.IR-01"],
        &["T1021", "T1570"],
    ),
    (
        "Web application firewall",
        "network",
        &["PR.IR-01"],
        &["T1190", "T1498"],
    ),
];

/// (name, category, data elements)
const VENDORS: &[(&str, &str, &[&str])] = &[
    (
        "Northwind Payroll",
        "HR and payroll",
        &["employee PII", "bank details", "tax ids"],
    ),
    ("Bluefin CRM", "CRM", &["customer PII", "contracts"]),
    (
        "Cobalt Cloud Hosting",
        "infrastructure",
        &["customer PII", "payment tokens", "source code"],
    ),
    (
        "Meridian Payments",
        "payments",
        &["cardholder data", "customer PII"],
    ),
    (
        "Harbor Identity",
        "identity provider",
        &["employee PII", "credentials"],
    ),
    (
        "Lumen Analytics",
        "product analytics",
        &["pseudonymous usage data"],
    ),
    ("Quill Sign", "e-signature", &["contracts", "customer PII"]),
    (
        "Sparrow Mail",
        "email delivery",
        &["customer email addresses"],
    ),
    (
        "Tidewater Backup",
        "backup",
        &["customer PII", "financial records"],
    ),
    (
        "Granite Ledger",
        "accounting",
        &["financial records", "bank details"],
    ),
    (
        "Atlas Support Desk",
        "customer support",
        &["customer PII", "support tickets"],
    ),
    ("Pinecrest Recruiting", "recruiting", &["candidate PII"]),
    (
        "Ember Observability",
        "monitoring",
        &["system logs", "IP addresses"],
    ),
    (
        "Keystone Legal",
        "legal services",
        &["contracts", "employee PII"],
    ),
    (
        "Orbit Collaboration",
        "collaboration",
        &["internal documents"],
    ),
    (
        "Vantage Awareness",
        "security training",
        &["employee names", "email addresses"],
    ),
    (
        "Summit MDR",
        "managed security",
        &["security telemetry", "system logs"],
    ),
    ("Riverbend Logistics", "logistics", &["shipping addresses"]),
    (
        "Foxglove Marketing",
        "marketing automation",
        &["customer email addresses", "preferences"],
    ),
    (
        "Helix Warehouse",
        "data platform",
        &["customer PII", "transaction history"],
    ),
    ("Copperline Telecom", "telecom", &["call records"]),
    ("Nimbus CDN", "content delivery", &["IP addresses"]),
    (
        "Sable Code Hosting",
        "source code hosting",
        &["source code", "secrets"],
    ),
    (
        "Willow Benefits",
        "employee benefits",
        &["employee PII", "health data"],
    ),
    ("Aurora Translation", "translation", &["marketing content"]),
    (
        "Beacon Print",
        "print services",
        &["customer mailing addresses"],
    ),
    (
        "Cascade Travel",
        "travel management",
        &["employee PII", "passport numbers"],
    ),
    ("Driftwood Facilities", "facilities", &["badge records"]),
    (
        "Evergreen Shredding",
        "records destruction",
        &["paper records"],
    ),
    (
        "Falcon Screening",
        "background checks",
        &["candidate PII", "criminal records"],
    ),
    (
        "Glacier Archive",
        "archival storage",
        &["financial records"],
    ),
    (
        "Ironwood Consulting",
        "IT consulting",
        &["internal documents", "credentials"],
    ),
];

const CONCLUSIONS: &[&str] = &[
    "Approved",
    "Approved with findings",
    "Approved with findings; remediation plan agreed",
    "Conditionally approved pending SOC 2 report",
];

fn midnight(day: NaiveDate) -> DateTime<Utc> {
    Utc.from_utc_datetime(&day.and_hms_opt(0, 0, 0).unwrap_or_default())
}

/// The band a demo KRI ends in, assigned so the demo shows every colour.
fn target_status(index: usize) -> KriStatus {
    match index % 10 {
        2 | 6 => KriStatus::Amber,
        4 => KriStatus::Red,
        _ => KriStatus::Green,
    }
}

/// A value in the band `status` for this KRI.
fn value_in_band(rng: &mut ChaCha8Rng, kri: &CatalogKri, status: KriStatus) -> f64 {
    let (warn, critical) = (kri.warn, kri.critical);
    let ceiling = if kri.unit == "%" { 100.0 } else { f64::MAX };
    let value = match (kri.direction, status) {
        (Direction::HigherIsWorse, KriStatus::Red) => {
            rng.random_range(critical..critical * 1.6 + 1.0)
        }
        (Direction::HigherIsWorse, KriStatus::Amber) => rng.random_range(warn..critical),
        (Direction::HigherIsWorse, _) => rng.random_range(0.0..warn),
        (Direction::LowerIsWorse, KriStatus::Red) => rng.random_range(critical * 0.8..critical),
        (Direction::LowerIsWorse, KriStatus::Amber) => {
            rng.random_range(critical..warn).max(critical + 0.1)
        }
        (Direction::LowerIsWorse, _) => {
            rng.random_range(warn + 0.1..(warn + (warn - critical)).min(ceiling).max(warn + 0.2))
        }
    };
    round_for_unit(&kri.unit, value.min(ceiling))
}

fn round_for_unit(unit: &str, value: f64) -> f64 {
    match unit {
        "count" => value.floor().max(0.0),
        _ => (value * 10.0).round() / 10.0,
    }
}

fn history_for(
    rng: &mut ChaCha8Rng,
    kri: &CatalogKri,
    status: KriStatus,
    today: NaiveDate,
) -> Vec<(DateTime<Utc>, f64)> {
    let (step, points) = match kri.frequency {
        Frequency::Daily => (1, 91),
        Frequency::Weekly => (7, 13),
        Frequency::Monthly => (30, 4),
        Frequency::Quarterly => (90, 2),
    };
    let end = value_in_band(rng, kri, status);
    // Where the series came from: usually a neighbouring band, so trends tell a story.
    let start_status = match status {
        KriStatus::Red => KriStatus::Amber,
        KriStatus::Amber if rng.random_bool(0.5) => KriStatus::Green,
        _ => status,
    };
    let start = value_in_band(rng, kri, start_status);
    let spread = ((kri.warn - kri.critical).abs() * 0.08).max(0.5);
    let ceiling = if kri.unit == "%" { 100.0 } else { f64::MAX };
    (0..points)
        .map(|i| {
            let days_back = (points - 1 - i) * step;
            let progress = i as f64 / (points.max(2) - 1) as f64;
            let noise = if i + 1 == points {
                0.0
            } else {
                rng.random_range(-spread..spread)
            };
            let value = round_for_unit(
                &kri.unit,
                (start + (end - start) * progress + noise).clamp(0.0, ceiling),
            );
            let value = if i + 1 == points { end } else { value };
            (midnight(today - Duration::days(days_back as i64)), value)
        })
        .collect()
}

fn pick<'a, T>(rng: &mut ChaCha8Rng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

fn criticality_from(rng: &mut ChaCha8Rng, weights: [f64; 4]) -> Criticality {
    let roll: f64 = rng.random();
    let mut acc = 0.0;
    for (w, c) in weights.iter().zip([
        Criticality::Critical,
        Criticality::High,
        Criticality::Medium,
        Criticality::Low,
    ]) {
        acc += w;
        if roll < acc {
            return c;
        }
    }
    Criticality::Low
}

/// Sizes of one demo tenant.
struct Shape {
    slug: &'static str,
    name: &'static str,
    seed: u64,
    kri_count: usize,
    risk_count: usize,
    control_count: usize,
    outcome_count: usize,
    vendor_count: usize,
    /// endpoints, servers, cloud resources, SaaS apps, datasets, network devices
    assets: [usize; 6],
    /// KRIs left without any value (awaiting their first Drop Zone submission).
    never_observed: &'static [&'static str],
}

const ACME: Shape = Shape {
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

const GLOBEX: Shape = Shape {
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

/// Both demo tenants, as of `today` (histories end at 00:00 UTC that day).
pub fn demo_tenants(today: NaiveDate) -> Vec<DemoTenant> {
    vec![build(&ACME, today), build(&GLOBEX, today)]
}

fn build(shape: &Shape, today: NaiveDate) -> DemoTenant {
    let mut rng = ChaCha8Rng::seed_from_u64(shape.seed);
    let integrations = vec![
        DemoIntegration {
            name: "AI Drop Zone".into(),
            kind: IntegrationKind::DropZone,
            schedule: Schedule::Manual,
            config: serde_json::json!({}),
        },
        DemoIntegration {
            name: "EDR drops".into(),
            kind: IntegrationKind::DropZone,
            schedule: Schedule::Manual,
            config: serde_json::json!({}),
        },
        DemoIntegration {
            name: "Vulnerability scanner API".into(),
            kind: IntegrationKind::HttpJson,
            schedule: Schedule::Daily,
            config: serde_json::json!({"url": "http://127.0.0.1:9900/metrics.json"}),
        },
        DemoIntegration {
            name: "Backup reports folder".into(),
            kind: IntegrationKind::Directory,
            schedule: Schedule::Hourly,
            config: serde_json::json!({"path": "./dropzone/backup-reports"}),
        },
    ];
    let integrations = if shape.slug == "acme" {
        integrations
    } else {
        integrations.into_iter().take(1).collect()
    };

    let outcomes: Vec<DemoOutcome> = OUTCOMES
        .iter()
        .take(shape.outcome_count)
        .map(|(r, name, description, owner, tolerance, _)| DemoOutcome {
            r#ref: r.to_string(),
            name: name.to_string(),
            description: description.to_string(),
            owner: owner.to_string(),
            loss_tolerance: *tolerance,
        })
        .collect();

    let controls: Vec<DemoControl> = CONTROLS
        .iter()
        .take(shape.control_count)
        .enumerate()
        .map(|(i, (name, category, csf, attack))| {
            let status = match i % 13 {
                5 => ControlStatus::Degraded,
                11 => ControlStatus::Planned,
                _ => ControlStatus::Implemented,
            };
            let effectiveness = match status {
                ControlStatus::Planned => 0.0,
                ControlStatus::Degraded => rng.random_range(0.2..0.5),
                _ => rng.random_range(0.45..0.95),
            };
            DemoControl {
                r#ref: format!("C-{:03}", i + 1),
                name: name.to_string(),
                category: category.to_string(),
                status,
                effectiveness: (effectiveness * 100.0_f64).round() / 100.0,
                nist_csf: csf.iter().map(|s| s.to_string()).collect(),
                attack_techniques: attack.iter().map(|s| s.to_string()).collect(),
                owner: category_owner(category).to_string(),
            }
        })
        .collect();
    let controls_of = |category: &str| -> Vec<usize> {
        controls
            .iter()
            .enumerate()
            .filter(|(_, c)| c.category == category)
            .map(|(i, _)| i)
            .collect()
    };

    let risk_rows: Vec<&RiskRow> = RISKS.iter().take(shape.risk_count).collect();
    let risks: Vec<DemoRisk> = risk_rows
        .iter()
        .enumerate()
        .map(
            |(
                i,
                (title, category, kri_categories, outcome_refs, likelihood, impact, freq, lo, hi),
            )| {
                let mut linked: Vec<usize> = kri_categories
                    .iter()
                    .flat_map(|c| controls_of(c).into_iter().take(3))
                    .collect();
                linked.truncate(6);
                let status = match i % 9 {
                    3 => RiskStatus::Mitigating,
                    6 => RiskStatus::Accepted,
                    8 => RiskStatus::Transferred,
                    _ => RiskStatus::Open,
                };
                let inherent = ((*likelihood + 1).min(5), (*impact).min(5));
                let residual = (
                    (*likelihood).saturating_sub(1).max(1),
                    (*impact).saturating_sub(1).max(1),
                );
                DemoRisk {
                    r#ref: format!("R-{:03}", i + 1),
                    title: title.to_string(),
                    description: format!(
                        "{title}. Tracked against the KRIs and controls linked to it."
                    ),
                    category: category.to_string(),
                    owner: PEOPLE[i % PEOPLE.len()].to_string(),
                    status,
                    inherent,
                    current: (*likelihood, *impact),
                    residual,
                    event_frequency_per_year: *freq,
                    loss_magnitude_low: *lo,
                    loss_magnitude_high: *hi,
                    outcomes: outcome_refs
                        .iter()
                        .filter_map(|r| outcomes.iter().position(|o| o.r#ref == *r))
                        .collect(),
                    controls: linked,
                }
            },
        )
        .collect();

    let catalog = kri_catalog();
    let chosen: Vec<CatalogKri> = if shape.kri_count >= catalog.len() {
        catalog
    } else {
        // One KRI per category first, so a small tenant still covers the ground.
        let mut picked: Vec<CatalogKri> = Vec::new();
        for kri in &catalog {
            if picked.len() < shape.kri_count && !picked.iter().any(|p| p.category == kri.category)
            {
                picked.push(kri.clone());
            }
        }
        picked
    };
    let kris: Vec<DemoKri> = chosen
        .into_iter()
        .enumerate()
        .map(|(i, definition)| {
            let category = definition.category.as_str();
            let risk_links: Vec<usize> = risk_rows
                .iter()
                .enumerate()
                .filter(|(_, r)| r.2.contains(&category))
                .map(|(j, _)| j)
                .take(3)
                .collect();
            let outcome = OUTCOMES
                .iter()
                .find(|o| o.5.contains(&category))
                .and_then(|o| outcomes.iter().position(|x| x.r#ref == o.0));
            let source_integration = match category {
                "vulnerability" => integrations
                    .iter()
                    .position(|x| x.name == "Vulnerability scanner API"),
                "endpoint" => integrations.iter().position(|x| x.name == "EDR drops"),
                "resilience" => integrations
                    .iter()
                    .position(|x| x.name == "Backup reports folder"),
                _ => integrations.iter().position(|x| x.name == "AI Drop Zone"),
            };
            let history = if shape.never_observed.contains(&definition.slug.as_str()) {
                Vec::new()
            } else {
                history_for(&mut rng, &definition, target_status(i), today)
            };
            DemoKri {
                owner: category_owner(category).to_string(),
                source_integration,
                outcome,
                risks: risk_links,
                controls: controls_of(category).into_iter().take(2).collect(),
                history,
                definition,
            }
        })
        .collect();

    let vendors: Vec<DemoVendor> = VENDORS
        .iter()
        .take(shape.vendor_count)
        .enumerate()
        .map(|(i, (name, category, data))| {
            let criticality = criticality_from(&mut rng, [0.2, 0.3, 0.3, 0.2]);
            let tier = match criticality {
                Criticality::Critical => 1,
                Criticality::High => rng.random_range(1..=2),
                _ => rng.random_range(2..=3),
            };
            let assessed = i % 11 != 7;
            let last_date = today - Duration::days(rng.random_range(20..420));
            let cadence = if tier == 1 { 365 } else { 730 };
            DemoVendor {
                name: name.to_string(),
                category: category.to_string(),
                criticality,
                tier,
                data_elements: data.iter().map(|s| s.to_string()).collect(),
                last_assessment: assessed.then(|| {
                    (
                        last_date,
                        f64::from(rng.random_range(55..98_u32)),
                        pick(&mut rng, CONCLUSIONS).to_string(),
                    )
                }),
                open_findings: if assessed { rng.random_range(0..9) } else { 0 },
                next_assessment_due: if assessed {
                    last_date + Duration::days(cadence)
                } else {
                    today - Duration::days(14)
                },
            }
        })
        .collect();

    let assets = build_assets(&mut rng, shape, today);
    DemoTenant {
        slug: shape.slug.into(),
        name: shape.name.into(),
        kris,
        risks,
        controls,
        outcomes,
        vendors,
        assets,
        integrations,
    }
}

fn build_assets(rng: &mut ChaCha8Rng, shape: &Shape, today: NaiveDate) -> Vec<DemoAsset> {
    let prefix = shape.slug.to_uppercase();
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
    const SERVER_ROLES: &[&str] = &[
        "web", "api", "db", "cache", "queue", "auth", "batch", "files", "build", "mon",
    ];
    const CLOUD: &[&str] = &["s3://", "rds:", "lambda:", "eks:", "vpc:", "kms:"];
    const SAAS: &[&str] = &[
        "Salesforce org",
        "Google Workspace",
        "Slack workspace",
        "Jira project",
        "GitHub org",
        "Zoom account",
        "Figma team",
        "Notion space",
    ];
    const DATASETS: &[&str] = &[
        "customer_profiles",
        "payments_ledger",
        "support_tickets",
        "product_events",
        "hr_records",
        "marketing_leads",
    ];
    const NET: &[&str] = &["fw", "core-sw", "edge-rtr", "vpn", "wlc"];
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
            let name = match kind {
                AssetKind::Endpoint => format!("{prefix}-LT-{n:04}"),
                AssetKind::Server => format!(
                    "{}-{}-{:02}",
                    &env[..3],
                    SERVER_ROLES[n % SERVER_ROLES.len()],
                    n / SERVER_ROLES.len() + 1
                ),
                AssetKind::CloudResource => format!(
                    "{}{}-{}-{n:03}",
                    CLOUD[n % CLOUD.len()],
                    shape.slug,
                    &env[..3]
                ),
                AssetKind::SaasApp => format!("{} {n:02}", SAAS[n % SAAS.len()]),
                AssetKind::Dataset => format!("{}_{:02}", DATASETS[n % DATASETS.len()], n),
                AssetKind::NetworkDevice => format!("{}-{:02}", NET[n % NET.len()], n),
            };
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
                owner: PEOPLE[rng.random_range(0..PEOPLE.len())].to_string(),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
    }

    #[test]
    fn catalog_parses_with_forty_kris() {
        assert_eq!(kri_catalog().len(), 40);
    }

    #[test]
    fn acme_meets_the_demo_promises() {
        let tenants = demo_tenants(today());
        let acme = &tenants[0];
        assert_eq!(acme.slug, "acme");
        assert_eq!(acme.kris.len(), 40);
        assert!(acme.risks.len() >= 25);
        assert!(acme.controls.len() >= 60);
        assert!(acme.outcomes.len() >= 6);
        assert!(acme.vendors.len() >= 30);
        assert!(acme.assets.len() >= 2000);
        assert!(
            acme.controls
                .iter()
                .all(|c| !c.nist_csf.is_empty() && !c.attack_techniques.is_empty())
        );
        let drop_zones: Vec<_> = acme
            .integrations
            .iter()
            .filter(|i| i.kind == IntegrationKind::DropZone)
            .map(|i| i.name.as_str())
            .collect();
        assert_eq!(drop_zones, ["AI Drop Zone", "EDR drops"]);
        assert_eq!(acme.integrations.len() - drop_zones.len(), 2);
        // Histories end today and span 90 days.
        let newest = acme
            .kris
            .iter()
            .filter_map(|k| k.history.last())
            .map(|h| h.0)
            .max()
            .unwrap();
        let oldest = acme
            .kris
            .iter()
            .filter_map(|k| k.history.first())
            .map(|h| h.0)
            .min()
            .unwrap();
        assert_eq!(newest.date_naive(), today());
        assert_eq!((newest - oldest).num_days(), 90);
        // Every colour shows up.
        let statuses: Vec<KriStatus> = acme
            .kris
            .iter()
            .map(|k| {
                let t = rules::Thresholds {
                    direction: k.definition.direction,
                    warn: k.definition.warn,
                    critical: k.definition.critical,
                    frequency: k.definition.frequency,
                };
                rules::kri_status(t, k.history.last().map(|h| (h.1, h.0)), newest).0
            })
            .collect();
        for status in KriStatus::ALL {
            assert!(statuses.contains(status), "no {status} KRI in the demo");
        }
    }

    /// FNV-1a over the demo's `{:?}` rendering: any change to the generated data (a table
    /// entry, an RNG draw, a field) changes it.
    fn fingerprint(text: &str) -> u64 {
        text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
            (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
        })
    }

    #[test]
    fn the_demo_is_exactly_what_it_was() {
        let rendered = format!("{:?}", demo_tenants(today()));
        assert_eq!(
            (rendered.len(), fingerprint(&rendered)),
            (722_759, 4_480_528_274_741_386_726),
            "the demo dataset changed"
        );
    }

    #[test]
    fn the_same_day_gives_the_same_data() {
        let a = demo_tenants(today());
        let b = demo_tenants(today());
        assert_eq!(format!("{a:?}"), format!("{b:?}"));
        assert_eq!(a[1].slug, "globex");
        assert!(a[1].kris.len() < a[0].kris.len());
    }
}
