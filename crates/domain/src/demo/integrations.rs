//! The integrations a demo tenant starts with: two Drop Zones and two connectors for acme,
//! one Drop Zone for the others.

use draxis_protocol::types::{IntegrationKind, Schedule};

use super::shape::Shape;
use serde::{Deserialize, Serialize};

/// An integration a demo tenant starts with (not part of a register: integrations hold
/// connector settings, which an import does not carry).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoIntegration {
    pub name: String,
    pub kind: IntegrationKind,
    pub schedule: Schedule,
    /// Connector settings (URL, folder) as JSON.
    pub config: serde_json::Value,
}

/// The tenant's integrations, in the order KRIs refer to them by index.
pub(super) fn integrations(shape: &Shape) -> Vec<DemoIntegration> {
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
    if shape.slug == "acme" {
        integrations
    } else {
        integrations.into_iter().take(1).collect()
    }
}
