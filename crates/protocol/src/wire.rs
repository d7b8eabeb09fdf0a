//! The vocabulary the tools share on the wire: pages, enums and links (camelCase JSON).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Largest page a list tool returns.
pub const MAX_LIMIT: u32 = 200;
/// Page size when the caller gives none.
pub const DEFAULT_LIMIT: u32 = 25;

/// One page of a list tool's results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Page<T> {
    /// This page of results.
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
    /// Number of matching rows, on all pages.
    pub total: u64,
    /// Present when the page ended before `limit` to keep the answer small enough for a
    /// model: says so; pass `nextCursor` for the rest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl<T> Page<T> {
    /// The same page with each item turned into another.
    pub fn map<U>(self, item: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(item).collect(),
            next_cursor: self.next_cursor,
            total: self.total,
            note: self.note,
        }
    }
}

macro_rules! wire_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $text)] $variant),+
        }
        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The JSON spelling.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
            /// Parses the JSON spelling.
            pub fn parse(text: &str) -> Option<Self> {
                match text { $($text => Some($name::$variant),)+ _ => None }
            }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use wire_enum;

wire_enum!(
    /// A KRI's colour: from its thresholds and direction; unknown when it has no value or
    /// its last value is older than twice its frequency.
    KriStatus { Green => "green", Amber => "amber", Red => "red", Unknown => "unknown" }
);
wire_enum!(
    /// Which way a KRI gets worse.
    Direction { HigherIsWorse => "higher_is_worse", LowerIsWorse => "lower_is_worse" }
);
wire_enum!(
    /// How often a KRI is expected to receive a value.
    Frequency { Daily => "daily", Weekly => "weekly", Monthly => "monthly", Quarterly => "quarterly" }
);
wire_enum!(
    /// Order of `list_kris` results.
    KriSort {
        /// Red, then amber, unknown, green; by name within a status.
        Severity => "severity",
        /// Alphabetical by name.
        Name => "name",
        /// Stalest first (never observed before everything else).
        Freshness => "freshness",
    }
);
wire_enum!(
    /// Lifecycle of a risk.
    RiskStatus { Open => "open", Mitigating => "mitigating", Accepted => "accepted", Transferred => "transferred", Closed => "closed" }
);
wire_enum!(
    /// Rating band of a score: red ≥ 15, amber ≥ 8, green below.
    Rating { Green => "green", Amber => "amber", Red => "red" }
);
wire_enum!(
    /// Order of `list_risks` results.
    RiskSort {
        /// Highest current score first.
        Score => "score",
        /// Highest latest simulated annual loss first; risks never simulated last.
        SimulatedLoss => "simulatedLoss",
        /// Highest residual score first.
        Residual => "residual",
    }
);
wire_enum!(
    /// Lifecycle of a control.
    ControlStatus { Planned => "planned", Implemented => "implemented", Degraded => "degraded", Retired => "retired" }
);
wire_enum!(
    /// Order of `list_controls` results.
    ControlSort {
        /// Weakest first.
        Effectiveness => "effectiveness",
        /// Most linked risks plus ATT&CK techniques first.
        Coverage => "coverage",
        /// By control ref.
        Ref => "ref",
    }
);
wire_enum!(
    /// Vendor criticality.
    Criticality { Low => "low", Medium => "medium", High => "high", Critical => "critical" }
);
wire_enum!(
    /// Order of `list_vendors` results.
    VendorSort {
        /// Critical first, then by name.
        Criticality => "criticality",
        /// Alphabetical.
        Name => "name",
        /// Soonest (or most overdue) next assessment first.
        AssessmentDue => "assessmentDue",
    }
);
wire_enum!(
    /// What an asset is.
    AssetKind { Endpoint => "endpoint", Server => "server", CloudResource => "cloud_resource", SaasApp => "saas_app", Dataset => "dataset", NetworkDevice => "network_device" }
);
wire_enum!(
    /// A protection an asset may lack.
    Coverage { Edr => "edr", Mfa => "mfa", Backup => "backup", Patch => "patch" }
);
wire_enum!(
    /// State of a simulation run.
    SimulationStatus { Queued => "queued", Running => "running", Completed => "completed", Failed => "failed" }
);
wire_enum!(
    /// How a connector integration is scheduled.
    Schedule { Manual => "manual", Hourly => "hourly", Daily => "daily" }
);
wire_enum!(
    /// What an integration is.
    IntegrationKind {
        /// Receives artifacts from `submit_dropzone_artifact`.
        DropZone => "drop_zone",
        /// Fetches JSON from a configured URL.
        HttpJson => "http_json",
        /// Ingests new files from a folder.
        Directory => "directory",
    }
);

// ---------------------------------------------------------------- shared pieces

/// A reference to a linked risk.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RiskLink {
    /// Stable id; pass it to other tools.
    pub id: String,
    /// Risk ref such as R-001.
    pub r#ref: String,
    /// Short statement of the risk.
    pub title: String,
}

/// A reference to a linked control.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ControlLink {
    /// Stable id; pass it to other tools.
    pub id: String,
    /// Control ref such as C-001.
    pub r#ref: String,
    /// Display name.
    pub name: String,
}

/// A reference to a linked business outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct OutcomeLink {
    /// Stable id; pass it to other tools.
    pub id: String,
    /// Human reference such as R-001, C-001 or O-01.
    pub r#ref: String,
    /// Display name.
    pub name: String,
}
