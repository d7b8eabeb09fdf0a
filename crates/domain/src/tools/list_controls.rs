//! `list_controls`: controls with their strength, frameworks and ATT&CK coverage.

use draxis_auth::Principal;
use draxis_protocol::tools::ListControls;
use draxis_protocol::types::*;

use super::{Handle, RiskQueries, contains, count, link_refs, needle, num, text};
use crate::entities::Control;
use crate::error::{ToolError, ToolResult};
use crate::ids::IdKind;
use crate::paging::{SortKey, paginate};
use crate::rules;

impl Handle<ListControls> for RiskQueries {
    async fn handle(
        &self,
        principal: &Principal,
        args: ListControlsArgs,
    ) -> ToolResult<ControlPage> {
        if let Some(max) = args.max_effectiveness
            && !(0.0..=1.0).contains(&max)
        {
            return Err(ToolError::InvalidArgument(format!(
                "maxEffectiveness must be between 0 and 1 (such as 0.5); you sent {max}"
            )));
        }
        let framework = args.framework.as_deref().map(|f| f.trim().to_uppercase());
        let technique = args.technique.as_deref().map(|t| t.trim().to_uppercase());
        if let Some(t) = &technique
            && !is_attack_technique(t)
        {
            return Err(ToolError::InvalidArgument(format!(
                "technique must be a MITRE ATT&CK technique id such as T1566 or T1566.001; you sent `{t}`"
            )));
        }
        let needle = needle(args.text.as_deref());
        let controls = self.repo.controls(principal.tenant_id).await?;
        let matching: Vec<&Control> = controls
            .iter()
            .filter(|c| {
                framework
                    .as_deref()
                    .is_none_or(|f| c.nist_csf.iter().any(|id| csf_matches(id, f)))
            })
            .filter(|c| args.status.is_none_or(|s| c.status == s))
            .filter(|c| args.max_effectiveness.is_none_or(|m| c.effectiveness <= m))
            .filter(|c| {
                technique.as_deref().is_none_or(|t| {
                    c.attack_techniques
                        .iter()
                        .any(|id| id == t || id.strip_prefix(t).is_some_and(|r| r.starts_with('.')))
                })
            })
            .filter(|c| {
                needle.as_deref().is_none_or(|n| {
                    contains(&c.r#ref, n)
                        || contains(&c.name, n)
                        || contains(&c.category, n)
                        || contains(&c.owner, n)
                })
            })
            .collect();
        let sort = args.sort.unwrap_or(ControlSort::Effectiveness);
        let page = paginate(
            matching,
            sort.as_str(),
            |c| {
                let parts = match sort {
                    ControlSort::Effectiveness => vec![num(c.effectiveness), text(&c.r#ref)],
                    ControlSort::Coverage => vec![
                        num(-((c.risks.len() + c.attack_techniques.len()) as f64)),
                        text(&c.r#ref),
                    ],
                    ControlSort::Ref => vec![text(&c.r#ref)],
                };
                SortKey::new(parts, c.id)
            },
            args.cursor.as_deref(),
            args.limit,
        )?;
        Ok(page.map(control_summary))
    }
}

fn control_summary(c: &Control) -> ControlSummary {
    ControlSummary {
        id: IdKind::Control.format(c.id),
        weak: rules::control_is_weak(c.status, c.effectiveness),
        r#ref: c.r#ref.clone(),
        name: c.name.clone(),
        category: c.category.clone(),
        status: c.status,
        effectiveness: c.effectiveness,
        nist_csf: c.nist_csf.clone(),
        attack_techniques: c.attack_techniques.clone(),
        owner: c.owner.clone(),
        risk_refs: link_refs(&c.risks),
        risk_count: count(&c.risks),
        kri_slugs: link_refs(&c.kris),
        kri_count: count(&c.kris),
    }
}

/// `T1566` or `T1566.001`: a `T` and four digits, then anything (sub-technique).
fn is_attack_technique(id: &str) -> bool {
    id.strip_prefix('T')
        .and_then(|rest| rest.get(..4))
        .is_some_and(|digits| digits.bytes().all(|b| b.is_ascii_digit()))
}

/// `PR` matches `PR.AA-03`; `PR.AA` matches `PR.AA-03`; `PR.AA-03` matches itself.
fn csf_matches(id: &str, filter: &str) -> bool {
    let id = id.to_uppercase();
    id == filter
        || id
            .strip_prefix(filter)
            .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('-'))
}

#[cfg(test)]
mod tests {
    use super::{csf_matches, is_attack_technique};

    #[test]
    fn csf_prefixes_match_by_level() {
        assert!(csf_matches("PR.AA-03", "PR"));
        assert!(csf_matches("PR.AA-03", "PR.AA"));
        assert!(csf_matches("PR.AA-03", "PR.AA-03"));
        assert!(!csf_matches("PR.AA-03", "PR.A"));
        assert!(!csf_matches("PR.AA-03", "P"));
    }

    #[test]
    fn technique_ids_are_checked_by_characters_not_bytes() {
        assert!(is_attack_technique("T1566"));
        assert!(is_attack_technique("T1566.001"));
        assert!(!is_attack_technique("T156"));
        assert!(!is_attack_technique("T12€4"));
        assert!(!is_attack_technique("X1566"));
    }
}
