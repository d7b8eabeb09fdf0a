//! Shapes beyond the development corpus: each artifact here is written the way a tool or
//! an AI client would send it, with the observations a reader should take from it.

#![allow(clippy::unwrap_used)] // A failed unwrap is a failed test.

use draxis_domain::demo::kri_catalog;
use draxis_dropzone::{Artifact, BuiltinExtractor, CatalogEntry, Extractor, KriCatalog};

fn catalog() -> KriCatalog {
    KriCatalog::new(kri_catalog().iter().map(CatalogEntry::from).collect())
}

/// Extracts `content` and checks it found exactly `want` (slug, value, auto-accepted?).
fn check(content: &str, mime: Option<&str>, want: &[(&str, f64, bool)]) {
    let catalog = catalog();
    let extraction = BuiltinExtractor.extract(
        &Artifact {
            content,
            filename: None,
            mime_type: mime,
        },
        &catalog,
    );
    let got: Vec<(String, f64, bool)> = extraction
        .proposals
        .iter()
        .map(|p| {
            let slug = catalog.entry(p.kri).slug.clone();
            (slug, p.value, p.confidence >= 0.85)
        })
        .collect();
    for p in &extraction.proposals {
        assert!(
            content.contains(&p.span.excerpt),
            "span not verbatim: {:?}",
            p.span.excerpt
        );
    }
    let want: Vec<(String, f64, bool)> = want
        .iter()
        .map(|(s, v, a)| (s.to_string(), *v, *a))
        .collect();
    let mut got_sorted = got.clone();
    got_sorted.sort_by(|a, b| a.0.cmp(&b.0));
    let mut want_sorted = want.clone();
    want_sorted.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        got_sorted, want_sorted,
        "\n{content}\n{:#?}",
        extraction.proposals
    );
}

#[test]
fn html_table_takes_the_current_column_not_the_target() {
    check(
        "<html><body><h2>Identity</h2><table>\n<tr><th>Metric</th><th>Previous</th><th>Current</th><th>Target</th></tr>\n<tr><td>MFA adoption</td><td>95.0%</td><td><b>97.5%</b></td><td>99%</td></tr>\n<tr><td>Dormant accounts</td><td>52</td><td>44</td><td>0</td></tr>\n</table><p>Privileged accounts without MFA: 1</p></body></html>",
        Some("text/html"),
        &[
            ("mfa_coverage_pct", 97.5, true),
            ("stale_accounts_count", 44.0, true),
            ("privileged_accounts_without_mfa", 1.0, true),
        ],
    );
}

#[test]
fn yaml_nesting_gives_context() {
    check(
        "report: weekly\nidentity:\n  mfa:\n    users_with_mfa: 97.5%\n  stale_users: 44\nvulnerabilities:\n  kev_open: 4\n  patch_compliance: 0.913\n",
        Some("application/yaml"),
        &[
            ("mfa_coverage_pct", 97.5, true),
            ("stale_accounts_count", 44.0, true),
            ("kev_vulns_open", 4.0, true),
            ("patch_compliance_pct", 91.3, true),
        ],
    );
}

#[test]
fn logfmt_lines_with_metric_and_value() {
    check(
        "ts=2026-11-23T10:00:00Z level=info metric=patch_compliance_pct value=91.3\nts=2026-11-23T10:00:00Z level=info metric=\"KEV findings\" value=5\nts=2026-11-23T10:00:01Z level=info msg=\"export done\" rows=1412\n",
        None,
        &[
            ("patch_compliance_pct", 91.3, true),
            ("kev_vulns_open", 5.0, true),
        ],
    );
}

#[test]
fn tsv_prefers_this_week_over_last_week() {
    check(
        "Metric\tLast week\tThis week\tTarget\nPhish click rate\t6.1%\t4.2%\t3%\nReporting rate\t40%\t48%\t60%\nBadge tailgating\t3\t2\t0\n",
        Some("text/tab-separated-values"),
        &[
            ("phishing_click_rate_pct", 4.2, true),
            ("phishing_report_rate_pct", 48.0, true),
        ],
    );
}

#[test]
fn prose_skips_previous_values_and_targets() {
    check(
        "Patch compliance stands at 91.3%, up from 88% last month, against a target of 95%. We found 5 exposed RDP endpoints on the perimeter. The time to contain incidents was 2 days on average.",
        Some("text/plain"),
        &[
            ("patch_compliance_pct", 91.3, true),
            ("internet_exposed_rdp_count", 5.0, true),
            ("mean_time_to_respond_hours", 48.0, true),
        ],
    );
}

#[test]
fn nested_api_payload_and_camel_case_keys() {
    check(
        r#"{"data": {"vulnerabilities": {"critical": {"overdueCount": 12}}, "endpoints": {"edrCoverage": 0.964, "staleSensors": 23}}, "meta": {"asOf": "2026-11-20"}}"#,
        Some("application/json"),
        &[
            ("critical_cves_unpatched_gt_30d", 12.0, true),
            ("edr_coverage_pct", 96.4, true),
            ("edr_sensors_stale_count", 23.0, true),
        ],
    );
}

#[test]
fn bold_markdown_bullets_and_conflicts() {
    check(
        "## Weekly\n\n- **Phishing click rate:** 4.2% (previous: 6.1%)\n- **Open malware detections:** 3\n- **Unresolved detections:** 4\n",
        Some("text/markdown"),
        &[
            ("phishing_click_rate_pct", 4.2, true),
            ("malware_detections_unresolved", 3.0, false),
        ],
    );
}

#[test]
fn nothing_from_noise() {
    check(
        "Sprint 14 retro: 23 tickets closed, velocity 41, 2 blockers. Coffee budget 400 USD.\nversion=1.2.3 build=5512 ok=true\n",
        None,
        &[],
    );
}

#[test]
fn prometheus_series_scraped_twice_are_not_added_twice() {
    let scrape = "# HELP cloud_public_buckets Buckets readable by anyone\ncloud_public_buckets{provider=\"aws\"} 2\ncloud_public_buckets{provider=\"gcp\"} 1\n";
    check(
        &format!("{scrape}{scrape}"),
        Some("text/plain"),
        &[("cloud_public_buckets_count", 3.0, true)],
    );
}

#[test]
fn an_ai_written_identity_summary() {
    check(
        "## Identity posture (Okta export, 2026-11-22)\n\n- MFA enrollment: 96.8% of workforce users\n- Users without MFA: 41\n- Phishing-resistant (FIDO2/WebAuthn) coverage: 41%\n- Dormant accounts (>90 days): 57\n- Admin accounts without MFA: 2\n",
        Some("text/markdown"),
        &[
            ("mfa_coverage_pct", 96.8, true),
            ("phishing_resistant_mfa_pct", 41.0, true),
            ("stale_accounts_count", 57.0, true),
            ("privileged_accounts_without_mfa", 2.0, true),
        ],
    );
}

#[test]
fn chat_style_prose_with_internet_facing_hosts() {
    let content = "Heads up: we still have 7 internet-facing RDP hosts. Users without MFA dropped to 30 this week.";
    check(
        content,
        Some("text/plain"),
        &[("internet_exposed_rdp_count", 7.0, true)],
    );
}

#[test]
fn a_vulnerability_api_payload_with_short_keys() {
    check(
        r#"{"kev": {"open": 3}, "patching": {"compliance_pct": 91.3}, "vulnerabilities": {"critical": {"overdue": 12}}}"#,
        Some("application/json"),
        &[
            ("kev_vulns_open", 3.0, true),
            ("patch_compliance_pct", 91.3, true),
            ("critical_cves_unpatched_gt_30d", 12.0, true),
        ],
    );
}

#[test]
fn a_wide_csv_takes_the_latest_row() {
    check(
        "date,edr_coverage_pct,mfa_coverage,patch compliance\n2026-11-20,96.1,97.0,90.2\n2026-11-21,96.4,97.2,91.3\n",
        Some("text/csv"),
        &[
            ("edr_coverage_pct", 96.4, true),
            ("mfa_coverage_pct", 97.2, true),
            ("patch_compliance_pct", 91.3, true),
        ],
    );
}

#[test]
fn numbers_that_are_not_kri_values_stay_out() {
    // A postmortem, a changelog and host stats: plenty of figures, no KRI observation.
    check(
        "# Postmortem INC-2041\n\nOn 2026-11-18 at 14:02 UTC the payments API returned 503 for 37 minutes.\n\
         About 1,200 customers were affected; 4 engineers joined the bridge. Root cause: a\n\
         certificate rotation on 3 of 12 load balancers. Follow-ups: 5 action items, due in 14 days.\n\n\
         ## Changelog v2.14.0\n- Upgraded OpenSSL to 3.0.15\n- Fixed 12 bugs, closed 31 tickets\n\n\
         | Host | CPU % | Memory % | Uptime days |\n|---|---|---|---|\n| web-01 | 41 | 63 | 120 |\n| web-02 | 38 | 59 | 120 |\n",
        Some("text/markdown"),
        &[],
    );
}

#[test]
fn goals_bounds_and_past_values_are_not_observations() {
    check(
        "Our target for patch compliance is 95% by Q1. MFA coverage should reach 99% next year. \
         Patch compliance was 88% last quarter. EDR coverage has stayed above 90% all year.",
        Some("text/plain"),
        &[("edr_coverage_pct", 90.0, false)],
    );
}

#[test]
fn a_value_that_was_is_not_the_current_one() {
    check(
        "Patch compliance: was 88%, now 91.3%\nMTTD: last 40 hours, 31 hours this week",
        Some("text/plain"),
        &[
            ("patch_compliance_pct", 91.3, true),
            ("mean_time_to_detect_hours", 31.0, true),
        ],
    );
}

#[test]
fn prometheus_labels_with_commas_are_not_a_csv() {
    check(
        "http_requests_total{route=\"/a\",code=\"200\"} 10\nhttp_requests_total{route=\"/b\",code=\"200\"} 12\nhttp_requests_total{route=\"/c\",code=\"500\"} 1\ncloud_public_buckets{provider=\"aws\",region=\"eu\"} 2\n",
        None,
        &[("cloud_public_buckets_count", 2.0, true)],
    );
}

#[test]
fn yaml_metric_lists_and_units_in_keys() {
    check(
        "metrics:\n  - name: Mean time to detect (hours)\n    value: 31\n  - name: MTTR incidents\n    value: 0.5 days\n  - name: Open critical SAST findings\n    value: 6\n",
        Some("application/yaml"),
        &[
            ("mean_time_to_detect_hours", 31.0, true),
            ("mean_time_to_respond_hours", 12.0, true),
            ("sast_critical_findings_open", 6.0, true),
        ],
    );
}

#[test]
fn multibyte_text_across_the_sniffed_head_and_in_html_tags_is_read_without_panicking() {
    // The format sniffer reads the first 4 KiB: a character across that edge once
    // panicked the tool call (and rmcp never answered it).
    for unit in ["\u{fffd}", "é", "😀"] {
        check(&unit.repeat(5_000), None, &[]);
    }
    // `<t` followed by a multi-byte letter once panicked the HTML table reader.
    let html = "<table><tr><té>x</té><th>Patch compliance</th></tr><tr><td>91%</td></tr></table>";
    let extraction = BuiltinExtractor.extract(
        &Artifact {
            content: html,
            filename: None,
            mime_type: Some("text/html"),
        },
        &catalog(),
    );
    assert!(
        extraction
            .proposals
            .iter()
            .all(|p| html.contains(&p.span.excerpt))
    );
}
