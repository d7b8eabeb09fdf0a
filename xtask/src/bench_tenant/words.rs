//! The big tenant's vocabulary and its deterministic dice: a seeded generator and the
//! word lists names, titles and owners are composed from.

/// A small deterministic generator (SplitMix64): the same seed gives the same tenant.
pub(super) struct Dice(u64);

impl Dice {
    pub(super) fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub(super) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub(super) fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in [low, high).
    pub(super) fn range(&mut self, low: f64, high: f64) -> f64 {
        low + (high - low) * self.unit()
    }

    /// Uniform index below `n` (n > 0).
    pub(super) fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    pub(super) fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    pub(super) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// An item drawn with the given weights.
    pub(super) fn weighted<'a, T>(&mut self, items: &'a [(T, f64)]) -> &'a T {
        let total: f64 = items.iter().map(|(_, w)| w).sum();
        let mut roll = self.unit() * total;
        for (item, weight) in items {
            if roll < *weight {
                return item;
            }
            roll -= weight;
        }
        &items[items.len() - 1].0
    }

    /// A value whose logarithm is uniform between ln(low) and ln(high): losses, rates.
    pub(super) fn log_uniform(&mut self, low: f64, high: f64) -> f64 {
        (low.ln() + (high.ln() - low.ln()) * self.unit()).exp()
    }

    /// Between `least` and `most` distinct indexes below `n`, ascending.
    pub(super) fn some(&mut self, least: usize, most: usize, n: usize) -> Vec<usize> {
        let count = (least + self.below(most - least + 1)).min(n);
        let mut chosen = std::collections::BTreeSet::new();
        while chosen.len() < count {
            chosen.insert(self.below(n));
        }
        chosen.into_iter().collect()
    }
}

/// The `i`-th of `n` combinations of two lists, visited in a scattered but repeatable
/// order so that neighbouring indexes do not share their first word.
pub(super) fn combination<'a>(
    i: usize,
    first: &[&'a str],
    second: &[&'a str],
) -> (&'a str, &'a str) {
    let n = first.len() * second.len();
    let k = (i * 7919) % n;
    (
        first[k % first.len()],
        second[(k / first.len()) % second.len()],
    )
}

/// The words of a list (`a|b|c`).
pub(super) fn words(list: &'static str) -> Vec<&'static str> {
    list.split('|').collect()
}

/// The pairs of a list (`key=Label|key=Label`).
pub(super) fn pairs(list: &'static str) -> Vec<(&'static str, &'static str)> {
    list.split('|')
        .map(|pair| pair.split_once('=').unwrap_or((pair, pair)))
        .collect()
}

pub(super) const TEAMS: &str = "Workplace IT|Platform Engineering|Cloud Operations|Network Engineering|\
     Identity & Access|Security Operations|Data Platform|Finance Systems|Retail Technology|\
     Payments Engineering|Manufacturing IT|Supply Chain Systems|HR Systems|\
     Customer Experience|Digital Channels|Mobile Engineering|Research Computing|\
     Legal Technology|Treasury Systems|Marketing Technology|Analytics Engineering|\
     Site Reliability|Database Administration|Endpoint Engineering|Messaging & Collaboration|\
     Core Banking|Claims Systems|Pricing Engine|Logistics Platform|E-commerce|Internal Tools|\
     Vendor Management Office|Governance, Risk & Compliance|Privacy Office|\
     Business Continuity|OT Security|Application Security|Threat Intelligence|Red Team|\
     Enterprise Architecture";

pub(super) const PEOPLE: &str = "Amara Okafor|Ben Hartley|Chen Wei|Daniela Rossi|Elif Demir|Farid Haddad|Grace Liu|\
     Hiro Tanaka|Isabel Moreno|Jonas Berg|Kavya Iyer|Liam O'Brien|Maya Cohen|Nikolai Petrov|\
     Olivia Brown|Pedro Alves|Qiu Lan|Rosa Jiménez|Samir Khan|Tessa Novak|Uma Reddy|\
     Victor Dubois|Wen Zhao|Yara Haddad|Zoe Fischer|Ahmed Mansour|Brigid Walsh|Carlos Mendes|\
     Dana Kowalski|Emeka Nwosu";

pub(super) const REGIONS: &str = "euw1|euc1|use1|use2|usw2|apse1|apne1|sae1|cac1|afs1";

pub(super) const SCOPES: &str = "emea=EMEA|amer=Americas|apac=APAC|retail=Retail|corporate=Corporate|\
     manufacturing=Manufacturing|payments=Payments|healthcare=Healthcare|logistics=Logistics|\
     cloud=Cloud estate|datacenter=Data centres|ot=Plant OT|ecommerce=E-commerce|\
     finance=Finance|hr=HR|research=Research|legal=Legal|subsidiaries=Subsidiaries|\
     contractors=Contractor estate|mobile=Mobile|uk=United Kingdom|de=Germany|\
     us=United States|jp=Japan|br=Brazil";

pub(super) const THREATS: &str = "Ransomware encrypts=Cyber extortion|Phishing compromises=Social engineering|\
     Insider exfiltrates=Insider threat|Credential stuffing against=Identity|\
     Unpatched vulnerability exposes=Vulnerability management|\
     Misconfiguration leaks=Cloud security|DDoS takes down=Availability|\
     Supplier breach exposes=Third party|Business email compromise hits=Fraud|\
     Malware spreads through=Endpoint|Privileged access misuse in=Identity|\
     Data loss from=Data protection|API abuse of=Application security|\
     Backup failure prevents recovery of=Resilience|Outage of=Availability|\
     Espionage targets=Nation-state|Fraudulent payments through=Fraud|\
     Regulatory breach by=Compliance|Lost device exposes=Endpoint|\
     SQL injection in=Application security|Account takeover in=Identity|\
     Wiper attack on=Cyber extortion|Shadow IT exposes=Governance|\
     Cloud key leak exposes=Cloud security|OT intrusion halts=Operational technology|\
     Software supply-chain attack on=Third party|Accidental deletion in=Resilience|\
     Physical intrusion at=Physical security|Privacy violation in=Privacy|\
     Certificate expiry breaks=Availability";

pub(super) const TARGETS: &str = "the payments platform|the customer portal|the ERP system|the data warehouse|\
     EMEA manufacturing plants|the HR system|the e-commerce site|mobile banking|\
     the claims system|the CRM|the trading platform|the loyalty programme|\
     the warehouse management system|the research lab network|the call centre|\
     the treasury system|Azure subscriptions|AWS production accounts|the GCP data lake|\
     the identity provider|the email platform|the VPN|the logistics hub|\
     the point-of-sale estate|the pricing engine|the legal document store|\
     the marketing platform|the Kubernetes clusters|the mainframe|the supplier portal|\
     the executive laptops|the backup vault|the payroll run|the B2B API gateway|\
     the OT historian";

pub(super) const CONTROL_ACTIONS: &str = "Multi-factor authentication for|Quarterly access review of|Encryption at rest for|\
     Network segmentation of|EDR monitoring of|Immutable backups of|\
     Vulnerability scanning of|Patch management for|Logging and alerting on|\
     Privileged access management for|Data loss prevention on|Security awareness for|\
     Incident response runbook for|Penetration testing of|Configuration baseline for|\
     Web application firewall for|Secrets rotation for|Change approval for|\
     Disaster recovery test of|Third-party assessment of|Allow-listing on|\
     Email filtering for|Rate limiting on|Key management for|Geo-redundancy of|\
     Code review gates for|Dependency scanning for|Tabletop exercise for|Fraud analytics on|\
     Certificate monitoring for|Device compliance for|Session recording for|\
     Just-in-time access to|DDoS protection for|Data retention policy for|\
     Asset discovery for|Threat hunting in|Physical access control at|Secure boot on|\
     Egress filtering for|Privacy impact assessment of|Container image signing for|\
     Honeytokens in|Break-glass procedure for|Backup restore drills for";

pub(super) const CONTROL_OBJECTS: &str = "workstations|servers|cloud accounts|SaaS applications|the payments platform|\
     the data warehouse|OT networks|remote access|email|the identity provider|customer data|\
     source code|CI/CD pipelines|the Kubernetes clusters|network devices|databases|\
     administrator accounts|service accounts|APIs|mobile devices|the ERP system|the CRM|\
     HR records|payroll|the mainframe|backups|the DMZ|branch offices|data centres|\
     the supplier portal|the e-commerce site|trading systems|the treasury system|\
     contractor laptops|the call centre|DNS|certificates|file shares|collaboration tools|\
     the VPN|the logistics hub|point-of-sale terminals|the research network|\
     executive devices|the marketing platform|the claims system|the loyalty programme|\
     the B2B gateway|log pipelines|encryption keys";

pub(super) const CONTROL_CATEGORIES: &str = "Identity=PR.AA-01|Data security=PR.DS-01|Platform security=PR.PS-01|Monitoring=DE.CM-01|\
     Detection=DE.AE-02|Response=RS.MA-01|Recovery=RC.RP-01|Governance=GV.OV-01|\
     Asset management=ID.AM-01|Risk assessment=ID.RA-01|Awareness=PR.AT-01|\
     Supply chain=GV.SC-01";

pub(super) const ATTACK_TECHNIQUES: &str = "T1078|T1110|T1566|T1486|T1190|T1133|T1059|T1021|T1048|T1041|T1098|T1136|T1203|T1210|\
     T1499|T1498|T1552|T1555|T1562|T1070";

pub(super) const VENDOR_STEMS: &str = "Acu|Blue|Cedar|Delta|Ever|Fair|Gran|Helix|Iron|Juno|Kite|Luma|Meri|Nova|Orbi|Pine|Quill|\
     Rook|Sky|Tera|Umbra|Vela|Wave|Xeno|Yarrow|Zen|Apex|Bright|Core|Dyna|Echo|Flux|Glen|\
     Harbor|Inno|Jade|Keystone|Lattice|Meadow|North|Onyx|Prism|Quartz|River|Summit|Trident|\
     Unity|Vertex|Willow|Zephyr";

pub(super) const VENDOR_TAILS: &str = "soft|works|logic|data|cloud|net|sys|tech|point|line|path|gate|scale|stack|pay|secure|\
     labs|link|forge|mind|ware|hub|flow|bridge|vault|signal|base|grid|sphere|sense";

pub(super) const VENDOR_FORMS: &str = "Inc.|Ltd|GmbH|S.A.|B.V.|LLC|plc|AG";

pub(super) const VENDOR_CATEGORIES: &str = "Cloud hosting|SaaS - HR|SaaS - CRM|Payments processor|Managed security|Logistics|\
     Consulting|Facilities|Telecommunications|Software development|Marketing services|\
     Data broker|Legal services|Staffing|Hardware supplier|Printing & mail|\
     Call centre outsourcing|Analytics|Insurance|Banking";

pub(super) const DATA_ELEMENTS: &str = "customer PII|employee PII|payment card data|bank details|health data|credentials|\
     source code|financial records|marketing contacts|location data";

pub(super) const SAAS_APPS: &str = "salesforce|workday|servicenow|slack|zoom|github|jira|confluence|box|docusign|hubspot|\
     zendesk|okta|netsuite|coupa|tableau";

pub(super) const DATASETS: &str = "customers|orders|payments|ledger|payroll|claims|telemetry|leads|inventory|contracts|\
     tickets|clickstream";
