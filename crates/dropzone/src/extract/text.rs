//! Text helpers the readers share: keys read as words (`mfaCoveragePct` → `mfa Coverage
//! Pct`) or as slugs, ISO dates found in text, and char-boundary-safe cuts.

use chrono::{DateTime, Utc};

/// The largest char boundary at or below `at`.
pub(crate) fn floor_boundary(text: &str, mut at: usize) -> usize {
    if at >= text.len() {
        return text.len();
    }
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// `mfaCoveragePct` → `mfa Coverage Pct`, `edr.coverage-pct` → `edr coverage pct`.
pub(crate) fn humanize(key: &str) -> String {
    let mut out = String::with_capacity(key.len() + 4);
    humanize_into(key, &mut out);
    out
}

/// [`humanize`] into a reused buffer.
pub(crate) fn humanize_into(key: &str, out: &mut String) {
    out.clear();
    if key.is_ascii() {
        // Bytes, without Unicode tables: the common case.
        let mut prev_lower = false;
        for &b in key.as_bytes() {
            if b.is_ascii_uppercase() && prev_lower {
                out.push(' ');
            }
            prev_lower = b.is_ascii_lowercase() || b.is_ascii_digit();
            out.push(if matches!(b, b'_' | b'.' | b'-') {
                ' '
            } else {
                b as char
            });
        }
        return;
    }
    let mut prev_lower = false;
    for c in key.chars() {
        if c.is_uppercase() && prev_lower {
            out.push(' ');
        }
        prev_lower = c.is_lowercase() || c.is_ascii_digit();
        out.push(if c == '_' || c == '.' || c == '-' {
            ' '
        } else {
            c
        });
    }
}

/// `mfaCoveragePct` / `MFA Coverage Pct` → `mfa_coverage_pct`, to compare with slugs,
/// through reused buffers.
pub(crate) fn snake_into(key: &str, human: &mut String, out: &mut String) {
    humanize_into(key, human);
    out.clear();
    if human.is_ascii() {
        for word in human
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
        {
            if !out.is_empty() {
                out.push('_');
            }
            out.push_str(word);
        }
        out.make_ascii_lowercase();
        return;
    }
    for word in human
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push('_');
        }
        for c in word.chars() {
            out.extend(c.to_lowercase());
        }
    }
}

/// A date [`find_iso_date`] found, as a time; `None` for a day or hour that does not exist
/// ("2026-02-30").
pub(crate) fn stated_time(rfc3339: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(rfc3339)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// The first ISO 8601 date (with its time, when given) in `text`, as RFC 3339.
pub(crate) fn find_iso_date(text: &str) -> Option<String> {
    let b = text.as_bytes();
    let digits = |from: usize, n: usize| {
        from + n <= b.len() && b[from..from + n].iter().all(u8::is_ascii_digit)
    };
    let mut i = 0;
    while i + 10 <= b.len() {
        if digits(i, 4)
            && b[i + 4] == b'-'
            && digits(i + 5, 2)
            && b[i + 7] == b'-'
            && digits(i + 8, 2)
            && (i == 0 || !b[i - 1].is_ascii_alphanumeric())
        {
            let date = &text[i..i + 10];
            let month: u32 = date[5..7].parse().ok()?;
            let day: u32 = date[8..10].parse().ok()?;
            if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
                i += 10;
                continue;
            }
            let mut time = "00:00:00".to_string();
            let rest = &b[i + 10..];
            if rest.len() >= 6
                && (rest[0] == b'T' || rest[0] == b' ')
                && digits(i + 11, 2)
                && rest[3] == b':'
                && digits(i + 14, 2)
            {
                time = format!("{}:{}:00", &text[i + 11..i + 13], &text[i + 14..i + 16]);
                if rest.len() >= 9 && rest[6] == b':' && digits(i + 17, 2) {
                    time = text[i + 11..i + 19].to_string();
                }
            }
            return Some(format!("{date}T{time}Z"));
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_found_in_iso_form() {
        assert_eq!(
            find_iso_date("generated 2026-11-22 03:10 UTC").as_deref(),
            Some("2026-11-22T03:10:00Z")
        );
        assert_eq!(
            find_iso_date("\"generated_at\": \"2026-11-21T06:00:00Z\"").as_deref(),
            Some("2026-11-21T06:00:00Z")
        );
        assert_eq!(find_iso_date("no date 2026-13-40 here"), None);
    }

    #[test]
    fn keys_read_as_words() {
        assert_eq!(humanize("mfaCoveragePct"), "mfa Coverage Pct");
        let snake = |key: &str| {
            let mut out = String::new();
            snake_into(key, &mut String::new(), &mut out);
            out
        };
        assert_eq!(snake("mfaCoveragePct"), "mfa_coverage_pct");
        assert_eq!(snake("MFA coverage pct"), "mfa_coverage_pct");
        assert_eq!(snake("Écart MFA"), "écart_mfa");
    }
}
