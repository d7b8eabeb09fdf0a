//! The words matching knows: the classes of glue, soft, reference and qualifier words,
//! negations, generic and discriminating nouns, and the normalization that makes
//! "Vulnerabilities", "vulns" and "vulnerability" one term.

/// What a word does for matching.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WordClass {
    /// Carries meaning and must match.
    Content,
    /// Glue ("the", "of"): ignored everywhere.
    Stop,
    /// Says little ("total", "pct"): never required, never counted as extra.
    Soft,
    /// Names a reference figure, not an observation ("target", "previous").
    Reference,
    /// Narrows or weakens the figure ("contractors", "estimated").
    Qualifier,
}

pub(super) const STOP: &[&str] = &[
    "a", "an", "the", "of", "to", "at", "in", "for", "on", "with", "by", "and", "or", "is", "are",
    "was", "were", "be", "been", "being", "has", "have", "had", "this", "that", "these", "those",
    "our", "we", "its", "it", "as", "from", "than", "per", "into", "over", "under", "via", "vs",
    "gt", "lt", "ge", "le", "s",
];
pub(super) const SOFT: &[&str] = &[
    "pct",
    "count",
    "number",
    "num",
    "total",
    "overall",
    "current",
    "currently",
    "value",
    "metric",
    "metrics",
    "stat",
    "stats",
    "kpi",
    "kri",
    "nb",
    "qty",
];
/// Words that name a reference figure, not an observation: a label holding one is a
/// target, a previous value or a change, and so is a figure one of them introduces ("down
/// from 12", "goal of 95%"). The one list the label matcher, the line reader and the prose
/// reader share.
pub const REFERENCE: &[&str] = &[
    "target",
    "goal",
    "objective",
    "threshold",
    "budget",
    "baseline",
    "previous",
    "previously",
    "prior",
    "last",
    "from",
    "sla",
    "vs",
    "versus",
    "forecast",
    "projected",
    "projection",
    "planned",
    "expected",
    "limit",
    "benchmark",
    "change",
    "delta",
    "diff",
    "difference",
    "trend",
    "yoy",
    "mom",
    "wow",
    "industry",
    // Modal verbs introduce what should be, not what is.
    "should",
    "will",
    "must",
    "would",
    "could",
    "aim",
    "aims",
];

/// Whether one of the last two words of `before` is a [`REFERENCE`] word: the figure that
/// follows is not an observation.
pub fn introduces_reference(before: &str) -> bool {
    last_words_include(before, REFERENCE)
}

/// Whether one of `words` is among the last two words of `before`.
pub fn last_words_include(before: &str, words: &[&str]) -> bool {
    before
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .rev()
        .take(2)
        .any(|w| words.iter().any(|x| x.eq_ignore_ascii_case(w)))
}
pub(super) const QUALIFIER: &[&str] = &[
    "contractor",
    "contractors",
    "partial",
    "subset",
    "sample",
    "sampled",
    "pilot",
    "excluding",
    "except",
    "only",
    "estimate",
    "estimated",
    "approximate",
    "approx",
    "preliminary",
    "draft",
    "unverified",
    "provisional",
    "guest",
    "guests",
    "intern",
    "interns",
    "test",
    "staging",
    "sandbox",
];

/// Words that turn a metric into its opposite ("users with MFA" / "users without MFA"):
/// a label and a phrase must agree on them.
pub(super) const NEGATIONS: &[&str] = &[
    "without",
    "no",
    "not",
    "missing",
    "lacking",
    "non",
    "unprotected",
];

/// Nouns a label may leave out when its other words pin the KRI down ("KEV open" for
/// "KEV vulns open").
pub(super) const GENERIC: &[&str] = &[
    "vulnerabilities",
    "findings",
    "issues",
    "items",
    "alerts",
    "accounts",
    "assets",
];

pub(super) const DISCRIMINATING: &[&str] = &[
    "critical",
    "high",
    "medium",
    "low",
    "privileged",
    "admin",
    "public",
    "expired",
    "sensitive",
    "unencrypted",
    "overdue",
    "failed",
    "without",
    "not",
    "open",
    "unresolved",
    "resistant",
    "phishing",
    "click",
    "report",
    "detect",
    "respond",
    "remediate",
];

/// Lower-cases, maps common synonyms and strips English suffixes so that "Vulnerabilities",
/// "vulns" and "vulnerability" meet, as do "remediate" and "remediation".
pub fn normalize_word(word: &str, out: &mut String) {
    out.clear();
    if word.is_ascii() {
        out.push_str(word);
        out.make_ascii_lowercase();
    } else {
        for c in word.chars() {
            out.extend(c.to_lowercase());
        }
    }
    let synonym = match out.as_str() {
        "vuln" | "vulns" | "vulnerabilities" | "vulnerability" => Some("vulnerab"),
        "cves" | "cve" => Some("cve"),
        "avg" | "average" | "mean" => Some("mean"),
        "2fa" | "mfa" | "multifactor" => Some("mfa"),
        "percent" | "percentage" | "pct" | "perc" => Some("pct"),
        "accts" | "acct" | "accounts" | "account" => Some("account"),
        "admins" | "admin" | "administrators" | "administrator" => Some("admin"),
        "hrs" | "hr" | "hours" | "hour" => Some("hour"),
        "d" | "days" | "day" => Some("day"),
        "mins" | "min" | "minutes" | "minute" => Some("minute"),
        "sev" | "severity" => Some("severity"),
        "configs" | "config" | "configuration" | "configurations" => Some("config"),
        "misconfigs" | "misconfig" | "misconfiguration" | "misconfigurations" => Some("misconfig"),
        "certs" | "cert" | "certificates" | "certificate" => Some("cert"),
        "s3" => Some("s3"),
        // "internet-facing" hosts are internet-exposed ones.
        "facing" | "exposed" | "exposure" | "exposes" => Some("expos"),
        _ => None,
    };
    if let Some(s) = synonym {
        out.clear();
        out.push_str(s);
        return;
    }
    if !out.is_ascii() || out.len() <= 3 || out.bytes().any(|b| b.is_ascii_digit()) {
        return;
    }
    if out.ends_with("ies") && out.len() > 4 {
        out.truncate(out.len() - 3);
        out.push('y');
    } else if out.ends_with("sses") {
        out.truncate(out.len() - 2);
    } else if out.ends_with('s')
        && !out.ends_with("ss")
        && !out.ends_with("us")
        && !out.ends_with("is")
    {
        out.truncate(out.len() - 1);
    }
    for suffix in ["ment", "ing", "ion", "ed"] {
        if out.ends_with(suffix) && out.len() > suffix.len() + 3 {
            out.truncate(out.len() - suffix.len());
            break;
        }
    }
    if out.ends_with('e') && out.len() > 4 {
        out.truncate(out.len() - 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_inflections_and_synonyms() {
        let mut s = String::new();
        for (a, b) in [
            ("Vulnerabilities", "vulnerab"),
            ("remediation", "remediat"),
            ("remediate", "remediat"),
            ("incidents", "incident"),
            ("Detection", "detect"),
            ("status", "status"),
        ] {
            normalize_word(a, &mut s);
            assert_eq!(s, b, "{a}");
        }
    }
}
