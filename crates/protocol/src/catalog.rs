//! The list of tools, with the facts a client sees before calling one.

use schemars::{JsonSchema, Schema, generate::SchemaSettings};

use crate::types::*;

/// The credential scope a tool needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToolScope {
    /// Any valid token may call the tool.
    Read,
    /// The token must carry the write scope (`read write` PAT, `mcp:write` OAuth).
    Write,
}

impl ToolScope {
    pub fn as_str(self) -> &'static str {
        match self {
            ToolScope::Read => "read",
            ToolScope::Write => "write",
        }
    }
}

/// One tool of the contract.
#[derive(Debug, Clone)]
pub struct ToolSpec {
    pub name: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    pub scope: ToolScope,
    /// `readOnlyHint`: the tool changes nothing.
    pub read_only: bool,
    /// `idempotentHint`: repeating the call with the same arguments changes nothing more.
    pub idempotent: bool,
    /// `destructiveHint`: the tool may overwrite or delete data.
    pub destructive: bool,
    /// `openWorldHint`: the tool reaches outside Draxis.
    pub open_world: bool,
    pub input_schema: fn() -> Schema,
    pub output_schema: fn() -> Schema,
}

/// JSON Schema (2020-12, inlined, no `$schema` noise) for a contract type.
pub fn schema_for<T: JsonSchema>() -> Schema {
    let mut settings = SchemaSettings::draft2020_12();
    settings.inline_subschemas = true;
    settings.meta_schema = None;
    let mut schema = settings.into_generator().into_root_schema_for::<T>();
    if let Some(root) = schema.as_object_mut() {
        root.values_mut().for_each(drop_numeric_formats);
    }
    schema
}

/// schemars marks Rust number types with formats such as `uint64` or `double`, which
/// JSON Schema does not define; client validators warn about each one. The bounds they
/// imply are already expressed with `minimum`.
fn drop_numeric_formats(value: &mut serde_json::Value) {
    const RUST_NUMBER_FORMATS: &[&str] = &[
        "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64", "float",
        "double",
    ];
    match value {
        serde_json::Value::Object(map) => {
            if map
                .get("format")
                .and_then(|f| f.as_str())
                .is_some_and(|f| RUST_NUMBER_FORMATS.contains(&f))
            {
                map.remove("format");
            }
            map.values_mut().for_each(drop_numeric_formats);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(drop_numeric_formats),
        _ => {}
    }
}

const fn read_tool(
    name: &'static str,
    title: &'static str,
    description: &'static str,
    input_schema: fn() -> Schema,
    output_schema: fn() -> Schema,
) -> ToolSpec {
    ToolSpec {
        name,
        title,
        description,
        scope: ToolScope::Read,
        read_only: true,
        idempotent: true,
        destructive: false,
        open_world: false,
        input_schema,
        output_schema,
    }
}

/// Every tool the server offers, in the order clients list them.
pub fn tools() -> &'static [ToolSpec] {
    static TOOLS: [ToolSpec; 11] = [
        read_tool(
            "list_kris",
            "List key risk indicators",
            "List the tenant's key risk indicators (KRIs) with current value and status \
             (green, amber, red, unknown = no value or stale). Filter by status, linked risk \
             (ref such as R-001), linked control (ref such as C-001), outcome, source \
             integration or free text; sort by status severity (red first, the default), \
             name, or freshness (stalest first). Paged: pass nextCursor back as cursor.",
            schema_for::<ListKrisArgs>,
            schema_for::<KriPage>,
        ),
        read_tool(
            "get_kri",
            "Get one KRI",
            "One KRI by id (kri_12) or slug (mfa_coverage_pct): definition, thresholds, \
             current status, linked risks, controls and outcome, recent history with the \
             source of each value, and the trend over that history.",
            schema_for::<GetKriArgs>,
            schema_for::<KriDetail>,
        ),
        read_tool(
            "list_controls",
            "List controls",
            "List security controls with status, effectiveness (0-1), NIST CSF 2.0 ids and \
             the MITRE ATT&CK techniques they mitigate. Filter by framework id or function \
             prefix (PR, PR.AA, PR.AA-03), status, maximum effectiveness or ATT&CK technique \
             (T1566); sort by effectiveness (weakest first, the default), coverage (most \
             risks and techniques first) or ref.",
            schema_for::<ListControlsArgs>,
            schema_for::<ControlPage>,
        ),
        read_tool(
            "list_risks",
            "List risks",
            "List risks from the risk register with inherent, current and residual ratings, \
             the platform's current score (likelihood x impact, raised by red KRIs and weak \
             controls) and what raised it. Filter by status, category, outcome, owner or \
             minimum score; sort by current score (highest first, the default), latest \
             simulated annual loss, or residual score. \"Top 5 risks\" is {\"limit\": 5}.",
            schema_for::<ListRisksArgs>,
            schema_for::<RiskPage>,
        ),
        read_tool(
            "list_outcomes",
            "List business outcomes",
            "List the business outcomes risks threaten, each with its rolled-up status \
             (the worst rating of its risks), loss tolerance and aggregate simulated annual \
             loss when simulations exist.",
            schema_for::<ListOutcomesArgs>,
            schema_for::<OutcomePage>,
        ),
        read_tool(
            "list_vendors",
            "List vendors",
            "List third-party vendors with criticality, tier, data handled, last assessment \
             and open findings. Filter by criticality, tier, or assessments due within N \
             days (overdue included); sort by criticality (the default), name, or next \
             assessment due.",
            schema_for::<ListVendorsArgs>,
            schema_for::<VendorPage>,
        ),
        read_tool(
            "get_asset_inventory",
            "Get the asset inventory",
            "Summary of the assets that match the filters (counts by kind and criticality, \
             EDR / MFA / backup / patch coverage percentages, internet-facing count) plus \
             one page of those assets. Filter by kind, environment, criticality, \
             internet-facing, a missing coverage (edr, mfa, backup, patch), owner or text.",
            schema_for::<AssetInventoryArgs>,
            schema_for::<AssetInventory>,
        ),
        read_tool(
            "list_simulations",
            "List loss simulations",
            "List Monte Carlo loss simulations (FAIR-style) with their results: mean annual \
             loss, P50/P90/P95/P99, VaR, expected shortfall, probability of zero loss and \
             the loss exceedance curve. Filter by risk ref, outcome id or status.",
            schema_for::<ListSimulationsArgs>,
            schema_for::<SimulationPage>,
        ),
        read_tool(
            "list_integrations",
            "List integrations",
            "List the tenant's data integrations: drop zones (isDropZone: true, they receive \
             artifacts through submit_dropzone_artifact) and connectors, each with its \
             schedule, last run and the number of extractions pending human review.",
            schema_for::<ListIntegrationsArgs>,
            schema_for::<IntegrationPage>,
        ),
        ToolSpec {
            name: "submit_dropzone_artifact",
            title: "Submit an artifact to the AI Drop Zone",
            description: "Store a piece of evidence (a report, export, table, metrics or prose \
                 you pulled from a tool) in a drop zone integration (isDropZone: true in \
                 list_integrations) and extract KRI observations from it. The artifact is \
                 stored before this answers. The same bytes sent again to the same drop zone \
                 change nothing and answer duplicate: true with the first submission. The \
                 answer lists each proposal (KRI, value, confidence, evidence excerpt) and \
                 whether it auto-accepted under the tenant's autonomy band or waits for human \
                 review. Then call run_integration to write accepted values into the KRIs.",
            scope: ToolScope::Write,
            read_only: false,
            idempotent: true,
            destructive: false,
            open_world: false,
            input_schema: schema_for::<SubmitArtifactArgs>,
            output_schema: schema_for::<SubmitArtifactResult>,
        },
        ToolSpec {
            name: "run_integration",
            title: "Run an integration",
            description: "Run an integration now. For a drop zone, write every accepted \
                 extraction not yet written into its KRI (value, observed time, source \
                 artifact) and update current values and statuses; a second run with nothing \
                 new writes nothing. For a connector (http_json, directory), fetch its source \
                 first, extract, then write. Answers rows written and skipped, what is still \
                 pending human review, and each KRI's new value and status.",
            scope: ToolScope::Write,
            read_only: false,
            idempotent: false,
            destructive: false,
            open_world: true,
            input_schema: schema_for::<RunIntegrationArgs>,
            output_schema: schema_for::<RunIntegrationResult>,
        },
    ];
    &TOOLS
}

/// The tool with this name, if the contract has one.
pub fn tool(name: &str) -> Option<&'static ToolSpec> {
    tools().iter().find(|spec| spec.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_schema_is_an_object_schema() {
        for spec in tools() {
            for schema in [(spec.input_schema)(), (spec.output_schema)()] {
                let value = schema.as_value();
                assert_eq!(
                    value["type"], "object",
                    "{} schema must be an object",
                    spec.name
                );
            }
        }
    }

    #[test]
    fn schemas_use_only_standard_formats() {
        for spec in tools() {
            for schema in [(spec.input_schema)(), (spec.output_schema)()] {
                let text = schema.as_value().to_string();
                assert!(
                    !text.contains("\"uint") && !text.contains("\"double\""),
                    "{}: {text}",
                    spec.name
                );
            }
        }
    }

    #[test]
    fn names_are_unique() {
        let mut names: Vec<_> = tools().iter().map(|t| t.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), tools().len());
    }
}
