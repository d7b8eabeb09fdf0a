//! The catalog: every tool the server offers, in the order clients list them, built from
//! [`with_every_tool!`](crate::with_every_tool).

use crate::spec::ToolSpec;

macro_rules! catalog {
    ($($tool:ident),+ $(,)?) => {
        &[$(ToolSpec::of::<crate::tools::$tool>()),+]
    };
}

/// Every tool the server offers, in the order clients list them.
pub fn tools() -> &'static [ToolSpec] {
    static TOOLS: &[ToolSpec] = crate::with_every_tool!(catalog);
    TOOLS
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
