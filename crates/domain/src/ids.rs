//! Public ids: a kind prefix and the row id (`kri_12`, `risk_3`), so a model reading a
//! result can tell what an id names. Ids never carry the tenant: every lookup is scoped
//! by the caller's tenant, so a foreign id simply is not found.

/// The kinds of rows with public ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdKind {
    Kri,
    Risk,
    Control,
    Outcome,
    Vendor,
    Asset,
    Integration,
    IntegrationRun,
    Simulation,
    Artifact,
    Extraction,
}

impl IdKind {
    pub fn prefix(self) -> &'static str {
        match self {
            IdKind::Kri => "kri",
            IdKind::Risk => "risk",
            IdKind::Control => "ctl",
            IdKind::Outcome => "out",
            IdKind::Vendor => "ven",
            IdKind::Asset => "ast",
            IdKind::Integration => "int",
            IdKind::IntegrationRun => "run",
            IdKind::Simulation => "sim",
            IdKind::Artifact => "art",
            IdKind::Extraction => "ext",
        }
    }

    /// `kri_12` for row 12.
    pub fn format(self, id: i64) -> String {
        format!("{}_{id}", self.prefix())
    }

    /// The row id in `kri_12`, if `text` is an id of this kind.
    pub fn parse(self, text: &str) -> Option<i64> {
        let digits = text.trim().strip_prefix(self.prefix())?.strip_prefix('_')?;
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        digits.parse().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::IdKind;

    #[test]
    fn ids_round_trip_and_reject_other_kinds() {
        assert_eq!(IdKind::Kri.format(12), "kri_12");
        assert_eq!(IdKind::Kri.parse("kri_12"), Some(12));
        assert_eq!(IdKind::Kri.parse("risk_12"), None);
        assert_eq!(IdKind::Kri.parse("kri_"), None);
        assert_eq!(IdKind::Kri.parse("kri_-1"), None);
        assert_eq!(IdKind::Kri.parse("kri_99999999999999999999"), None);
    }
}
