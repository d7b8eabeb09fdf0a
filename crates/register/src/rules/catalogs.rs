//! The identifiers a control may map to: NIST CSF 2.0 subcategories (shipped as data) and
//! the shape of a MITRE ATT&CK technique id.

use std::collections::HashSet;
use std::sync::OnceLock;

const CSF: &str = include_str!("../../data/nist-csf-2.0.txt");

/// Every NIST CSF 2.0 subcategory id (`GV.OC-01` ... `RC.CO-04`), in the framework's order.
pub fn nist_csf_subcategories() -> impl Iterator<Item = &'static str> {
    CSF.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(|line| line.split_whitespace().next().unwrap_or(line))
}

/// Whether `id` is a NIST CSF 2.0 subcategory.
pub fn is_nist_csf_subcategory(id: &str) -> bool {
    static IDS: OnceLock<HashSet<&'static str>> = OnceLock::new();
    IDS.get_or_init(|| nist_csf_subcategories().collect())
        .contains(id)
}

/// Whether `id` has the shape of an ATT&CK technique: `T` and four digits, optionally a
/// sub-technique `.` and three digits (`T1078`, `T1078.002`).
pub fn is_attack_technique(id: &str) -> bool {
    let Some(rest) = id.strip_prefix('T') else {
        return false;
    };
    let (technique, sub) = match rest.split_once('.') {
        Some((technique, sub)) => (technique, Some(sub)),
        None => (rest, None),
    };
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    digits(technique, 4) && sub.is_none_or(|sub| digits(sub, 3))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_csf_list_has_the_106_subcategories_of_csf_2_0() {
        let ids: Vec<_> = nist_csf_subcategories().collect();
        assert_eq!(ids.len(), 106);
        assert_eq!(ids.first(), Some(&"GV.OC-01"));
        assert_eq!(ids.last(), Some(&"RC.CO-04"));
        let unique: HashSet<_> = ids.iter().collect();
        assert_eq!(unique.len(), 106);
        assert!(is_nist_csf_subcategory("PR.AA-03"));
        // Withdrawn or never defined in 2.0.
        assert!(!is_nist_csf_subcategory("ID.AM-06"));
        assert!(!is_nist_csf_subcategory("PR.AC-01"));
        assert!(!is_nist_csf_subcategory("pr.aa-03"));
    }

    #[test]
    fn attack_ids_are_t_four_digits_and_an_optional_sub_technique() {
        for good in ["T1078", "T1078.002", "T0001"] {
            assert!(is_attack_technique(good), "{good}");
        }
        for bad in [
            "T107",
            "T10781",
            "t1078",
            "T1078.02",
            "T1078.",
            "1078",
            "T1O78",
            "T1078.0023",
            "",
        ] {
            assert!(!is_attack_technique(bad), "{bad}");
        }
    }
}
