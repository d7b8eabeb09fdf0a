//! Writing a register as a YAML or JSON document: deterministic (the same register gives
//! the same bytes), with numbers printed so they read back as the same `f64`.

use crate::model::Register;

/// The register as YAML.
pub fn to_yaml(register: &Register) -> String {
    serde_saphyr::to_string(register).unwrap_or_else(|error| {
        // The model holds only strings, numbers, dates and lists: serializing cannot fail.
        format!("# cannot write this register as YAML: {error}\n")
    })
}

/// The register as pretty-printed JSON, ending with a newline.
pub fn to_json(register: &Register) -> String {
    let mut text = serde_json::to_string_pretty(register).unwrap_or_else(|error| {
        serde_json::json!({ "error": format!("cannot write this register as JSON: {error}") })
            .to_string()
    });
    text.push('\n');
    text
}
