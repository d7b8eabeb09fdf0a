//! Figures in text: numbers with their units ("91.3%", "1,412", "6.5 hours", "30d"),
//! told apart from dates, times, versions and identifiers, and converted into a KRI's unit.

use crate::vocabulary::KriUnit;

/// The unit a figure was written with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FigureUnit {
    None,
    Percent,
    Seconds,
    Minutes,
    Hours,
    Days,
    Weeks,
    Currency,
}

/// A number found in text, with its byte range (unit included).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Figure {
    pub value: f64,
    pub unit: FigureUnit,
    pub start: usize,
    pub end: usize,
    /// "about 40", "~40", "> 40", "40+".
    pub approximate: bool,
    /// Written with a decimal point.
    pub fractional: bool,
    /// Looks like a year (1990–2100, no unit, no decimals).
    pub year_like: bool,
    /// Spelled out ("One of the incidents").
    pub spelled: bool,
}

const WORD_NUMBERS: &[(&str, f64)] = &[
    ("zero", 0.0),
    ("one", 1.0),
    ("two", 2.0),
    ("three", 3.0),
    ("four", 4.0),
    ("five", 5.0),
    ("six", 6.0),
    ("seven", 7.0),
    ("eight", 8.0),
    ("nine", 9.0),
    ("ten", 10.0),
    ("eleven", 11.0),
    ("twelve", 12.0),
];

const APPROXIMATE_BEFORE: &[&str] = &[
    "~",
    "≈",
    ">",
    "<",
    "about",
    "approximately",
    "approx.",
    "approx",
    "around",
    "roughly",
    "nearly",
    "almost",
    "over",
    "above",
    "below",
    "more than",
    "less than",
    "fewer than",
    "at least",
    "at most",
    "up to",
    "under",
    "some",
    "circa",
    "estimated",
];

/// Every figure in `text`; offsets are shifted by `base`. Spelled-out numbers are
/// included only when `spelled` is set (prose).
pub fn figures(text: &str, base: usize, spelled: bool) -> Vec<Figure> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii_digit() {
            let (figure, next) = number_at(text, i);
            if let Some(mut f) = figure {
                f.start += base;
                f.end += base;
                out.push(f);
            }
            i = next.max(i + 1);
        } else if spelled && b.is_ascii_alphabetic() && (i == 0 || !is_word_byte(bytes[i - 1])) {
            let mut j = i;
            while j < bytes.len() && bytes[j].is_ascii_alphabetic() {
                j += 1;
            }
            let word = &text[i..j];
            let spelled_number =
                (3..=6).contains(&word.len()) && !(j < bytes.len() && bytes[j].is_ascii_digit());
            if let Some((_, v)) = WORD_NUMBERS
                .iter()
                .find(|(w, _)| spelled_number && w.eq_ignore_ascii_case(word))
            {
                let mut f = Figure {
                    value: *v,
                    unit: FigureUnit::None,
                    start: i,
                    end: j,
                    approximate: false,
                    fractional: false,
                    year_like: false,
                    spelled: true,
                };
                let (unit, end) = unit_after(text, j);
                f.unit = unit;
                f.end = end;
                f.start += base;
                f.end += base;
                out.push(f);
            }
            i = j;
        } else {
            i += 1;
        }
    }
    out
}

/// The first figure of a cell or a `key: value` value ("98.7 %", "1,412", "none").
pub fn first_figure(text: &str, base: usize) -> Option<Figure> {
    let trimmed = text.trim();
    let lower = trimmed.to_ascii_lowercase();
    if matches!(lower.as_str(), "none" | "zero" | "nil") {
        let start = base + (text.len() - text.trim_start().len());
        return Some(Figure {
            value: 0.0,
            unit: FigureUnit::None,
            start,
            end: start + trimmed.len(),
            approximate: false,
            fractional: false,
            year_like: false,
            spelled: true,
        });
    }
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() {
            let (figure, next) = number_at(text, i);
            if let Some(mut f) = figure {
                f.start += base;
                f.end += base;
                return Some(f);
            }
            i = next.max(i + 1);
        } else {
            i += 1;
        }
    }
    None
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Parses the number starting at `i`; returns the figure (if it is one) and where
/// scanning resumes.
fn number_at(text: &str, i: usize) -> (Option<Figure>, usize) {
    let bytes = text.as_bytes();
    // Glued to a word ("sev1", "Q4", "p95", "R-001", "S3") or to another number: an id.
    if i > 0 {
        let p = bytes[i - 1];
        let glued_dash = p == b'-' && i > 1 && is_word_byte(bytes[i - 2]);
        if is_word_byte(p) || glued_dash || p == b'.' || p == b'/' || p == b'#' || p == b'v' {
            return (None, skip_token(bytes, i));
        }
    }
    let mut j = i;
    while j < bytes.len() && bytes[j].is_ascii_digit() {
        j += 1;
    }
    let int_digits = j - i;
    // Thousands separators: 1,412 or 1,234,567 (groups of exactly three digits).
    while j + 3 < bytes.len()
        && bytes[j] == b','
        && bytes[j + 1..j + 4].iter().all(u8::is_ascii_digit)
        && bytes.get(j + 4).is_none_or(|b| !b.is_ascii_digit())
        && int_digits <= 3
    {
        j += 4;
    }
    let mut fractional = false;
    if j + 1 < bytes.len() && bytes[j] == b'.' && bytes[j + 1].is_ascii_digit() {
        fractional = true;
        j += 1;
        while j < bytes.len() && bytes[j].is_ascii_digit() {
            j += 1;
        }
        // 10.0.0.1, 1.2.3: addresses and versions.
        if j + 1 < bytes.len() && bytes[j] == b'.' && bytes[j + 1].is_ascii_digit() {
            return (None, skip_token(bytes, j));
        }
    }
    // Dates (2026-11-20, 11/20/2026) and times (03:10).
    if j < bytes.len()
        && matches!(bytes[j], b'-' | b'/' | b':')
        && bytes.get(j + 1).is_some_and(u8::is_ascii_digit)
    {
        return (None, skip_token(bytes, j));
    }
    let digits = &text[i..j];
    let parsed = if digits.contains(',') {
        digits.replace(',', "").parse::<f64>()
    } else {
        digits.parse::<f64>()
    };
    let Ok(mut value) = parsed else {
        return (None, j);
    };
    // Glued suffix: 30d, 12h, 15m, 2k, 40+.
    let mut unit = FigureUnit::None;
    let mut end = j;
    if j < bytes.len() && bytes[j].is_ascii_alphabetic() {
        let mut k = j;
        while k < bytes.len() && bytes[k].is_ascii_alphabetic() {
            k += 1;
        }
        let suffix = text[j..k].to_ascii_lowercase();
        match suffix.as_str() {
            "d" | "day" | "days" => unit = FigureUnit::Days,
            "h" | "hr" | "hrs" | "hour" | "hours" => unit = FigureUnit::Hours,
            "m" | "min" | "mins" => unit = FigureUnit::Minutes,
            "s" | "sec" | "secs" => unit = FigureUnit::Seconds,
            "w" | "wk" | "wks" => unit = FigureUnit::Weeks,
            "k" => value *= 1000.0,
            "pct" => unit = FigureUnit::Percent,
            // 2fa, 1st, 3rd, 64bit, 4xx: not a quantity.
            _ => return (None, k),
        }
        end = k;
    }
    let year_like = unit == FigureUnit::None
        && !fractional
        && int_digits == 4
        && (1990.0..=2100.0).contains(&value);
    let mut approximate = false;
    if end < bytes.len() && bytes[end] == b'+' {
        approximate = true;
        end += 1;
    }
    if unit == FigureUnit::None {
        let (u, e) = unit_after(text, end);
        unit = u;
        end = e;
    }
    let mut start = i;
    let before = text[..i].trim_end();
    if before.ends_with('$') || before.ends_with('€') || before.ends_with('£') {
        unit = FigureUnit::Currency;
        start = before.len() - before.chars().last().map_or(1, char::len_utf8);
    }
    // Only the last few words can qualify the number; compare them without copying.
    let mut tail_start = before.len().saturating_sub(16);
    while !before.is_char_boundary(tail_start) {
        tail_start -= 1;
    }
    let tail = &before[tail_start..];
    if APPROXIMATE_BEFORE.iter().any(|w| ends_with_word(tail, w)) {
        approximate = true;
    }
    (
        Some(Figure {
            value,
            unit,
            start,
            end,
            approximate,
            fractional,
            year_like,
            spelled: false,
        }),
        end,
    )
}

/// `text` ends with `word` (ASCII case-insensitive), and a word that starts with a letter
/// is not the tail of a longer word.
fn ends_with_word(text: &str, word: &str) -> bool {
    let (t, w) = (text.as_bytes(), word.as_bytes());
    if t.len() < w.len() || !t[t.len() - w.len()..].eq_ignore_ascii_case(w) {
        return false;
    }
    let cut = t.len() - w.len();
    !w[0].is_ascii_alphabetic() || cut == 0 || !t[cut - 1].is_ascii_alphanumeric()
}

fn skip_token(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'|' && bytes[i] != b','
    {
        i += 1;
    }
    i
}

/// A unit written after a number, separated by at most one space: "98.7 %", "31 hours".
fn unit_after(text: &str, at: usize) -> (FigureUnit, usize) {
    let rest = &text[at..];
    let trimmed = rest.strip_prefix(' ').unwrap_or(rest);
    let skipped = rest.len() - trimmed.len();
    if trimmed.starts_with('%') {
        return (FigureUnit::Percent, at + skipped + 1);
    }
    let word_len = trimmed
        .bytes()
        .take_while(|b| b.is_ascii_alphabetic())
        .count();
    if word_len == 0 {
        return (FigureUnit::None, at);
    }
    let word = trimmed[..word_len].to_ascii_lowercase();
    let unit = match word.as_str() {
        "percent" | "pct" | "percentage" => FigureUnit::Percent,
        "seconds" | "second" | "secs" | "sec" => FigureUnit::Seconds,
        "minutes" | "minute" | "mins" | "min" => FigureUnit::Minutes,
        "hours" | "hour" | "hrs" | "hr" | "h" => FigureUnit::Hours,
        "days" | "day" | "d" => FigureUnit::Days,
        "weeks" | "week" | "wks" => FigureUnit::Weeks,
        "usd" | "dollars" | "eur" | "gbp" => FigureUnit::Currency,
        _ => return (FigureUnit::None, at),
    };
    (unit, at + skipped + word_len)
}

/// A figure converted into a KRI's unit.
#[derive(Debug, Clone, PartialEq)]
pub struct Converted {
    pub value: f64,
    /// Confidence lost to the conversion (an assumed unit).
    pub penalty: f64,
    pub note: Option<&'static str>,
}

/// Converts `figure` into `unit`; `None` when the figure cannot be a value of that unit
/// (a percentage for a count, hours for a percentage, a fraction of a count).
/// `ratio_hint` says the label called the figure a ratio or fraction.
pub fn convert(figure: &Figure, unit: KriUnit, ratio_hint: bool) -> Option<Converted> {
    let v = figure.value;
    let plain = |value: f64| {
        Some(Converted {
            value,
            penalty: 0.0,
            note: None,
        })
    };
    let converted = |value: f64, note: &'static str| {
        Some(Converted {
            value: round(value),
            penalty: 0.0,
            note: Some(note),
        })
    };
    use FigureUnit as F;
    match unit {
        KriUnit::Percent => match figure.unit {
            F::Percent if (0.0..=100.0).contains(&v) => plain(v),
            F::None if ratio_hint && (0.0..=1.0).contains(&v) => {
                converted(v * 100.0, "ratio converted to %")
            }
            F::None if figure.fractional && v > 0.0 && v < 1.0 => Some(Converted {
                value: round(v * 100.0),
                penalty: 0.05,
                note: Some("fraction below 1 read as a ratio and converted to %"),
            }),
            F::None if (0.0..=100.0).contains(&v) => Some(Converted {
                value: v,
                penalty: 0.02,
                note: Some("no unit stated; read as %"),
            }),
            _ => None,
        },
        KriUnit::Count => match figure.unit {
            F::None if !figure.fractional && v >= 0.0 => plain(v),
            F::None if v >= 0.0 && (v - v.round()).abs() < 1e-9 => plain(v.round()),
            _ => None,
        },
        KriUnit::Days => match figure.unit {
            F::None | F::Days => plain(v),
            F::Hours => converted(v / 24.0, "hours converted to days"),
            F::Minutes => converted(v / 1440.0, "minutes converted to days"),
            F::Weeks => converted(v * 7.0, "weeks converted to days"),
            F::Seconds => converted(v / 86400.0, "seconds converted to days"),
            _ => None,
        },
        KriUnit::Hours => match figure.unit {
            F::None | F::Hours => plain(v),
            F::Days => converted(v * 24.0, "days converted to hours"),
            F::Minutes => converted(v / 60.0, "minutes converted to hours"),
            F::Weeks => converted(v * 168.0, "weeks converted to hours"),
            F::Seconds => converted(v / 3600.0, "seconds converted to hours"),
            _ => None,
        },
        KriUnit::Currency => match figure.unit {
            F::None | F::Currency => plain(v),
            _ => None,
        },
        KriUnit::Other => match figure.unit {
            F::None => plain(v),
            _ => None,
        },
    }
}

/// Six significant decimals: 0.964 × 100 is 96.4, not 96.39999999999999.
fn round(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Option<Figure> {
        figures(text, 0, false).into_iter().next()
    }

    #[test]
    fn numbers_with_units_and_separators() {
        let f = one("Patch compliance | 91.3% |").unwrap();
        assert_eq!((f.value, f.unit), (91.3, FigureUnit::Percent));
        let f = one("backup success rate: 98.7 %").unwrap();
        assert_eq!((f.value, f.unit), (98.7, FigureUnit::Percent));
        assert_eq!(one("jobs scheduled: 1,412").unwrap().value, 1412.0);
        let f = one("mean time 6.5 hours").unwrap();
        assert_eq!((f.value, f.unit), (6.5, FigureUnit::Hours));
        assert_eq!(one("stale for 30d").unwrap().unit, FigureUnit::Days);
        assert!(one("about 40 hosts").unwrap().approximate);
    }

    #[test]
    fn dates_times_ids_and_versions_are_not_figures() {
        for text in [
            "2026-11-20",
            "03:10",
            "R-001",
            "sev1",
            "10.0.0.1",
            "v1.2",
            "Q4",
            "2fa",
        ] {
            assert_eq!(one(text), None, "{text}");
        }
        assert!(one("October 2026").unwrap().year_like);
    }

    #[test]
    fn conversions_into_the_kri_unit() {
        let ratio = one("0.964").unwrap();
        assert_eq!(convert(&ratio, KriUnit::Percent, true).unwrap().value, 96.4);
        let pct = one("7.8%").unwrap();
        assert!(convert(&pct, KriUnit::Count, false).is_none());
        let days = one("2 days").unwrap();
        assert_eq!(convert(&days, KriUnit::Hours, false).unwrap().value, 48.0);
        let mins = one("90 minutes").unwrap();
        assert_eq!(convert(&mins, KriUnit::Hours, false).unwrap().value, 1.5);
    }
}
