//! Tables, whatever their syntax (Markdown pipes, HTML, CSV/TSV): one long-format row
//! per metric ("Metric | Value"), or one wide-format column per metric. The current
//! column wins over previous ones; targets and changes are never observations.

use super::collector::{Collector, Labelled};
use super::text::{find_iso_date, humanize};
use crate::figures::{Figure, first_figure};

/// One cell: its trimmed text and where it starts in the artifact.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Cell<'a> {
    pub text: &'a str,
    pub start: usize,
}

/// A row and the byte range of the whole row (the span proposals cite).
#[derive(Debug, Clone)]
pub(crate) struct Row<'a> {
    pub cells: Vec<Cell<'a>>,
    pub start: usize,
    pub end: usize,
}

const CURRENT_HEADERS: &[&str] = &[
    "current", "this", "now", "latest", "actual", "value", "today", "observed", "result",
    "reading", "measured", "count", "total", "score", "level", "status",
];
const PAST_HEADERS: &[&str] = &[
    "previous",
    "prior",
    "last",
    "before",
    "baseline",
    "target",
    "goal",
    "objective",
    "threshold",
    "sla",
    "change",
    "delta",
    "diff",
    "trend",
    "budget",
    "limit",
    "benchmark",
    "was",
    "old",
    "expected",
    "plan",
    "planned",
    "forecast",
    "industry",
];
const DATE_HEADERS: &[&str] = &["as of", "as_of", "date", "observed", "updated", "timestamp"];
const UNIT_HEADERS: &[&str] = &["unit", "units", "uom"];

fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
}

fn is_date_header(h: &str) -> bool {
    let l = h.to_ascii_lowercase();
    DATE_HEADERS.iter().any(|d| l.contains(d)) && !l.contains("days")
}

fn numeric(cell: &Cell<'_>) -> Option<Figure> {
    let f = first_figure(cell.text, cell.start)?;
    // The cell must be essentially the figure: "91.3%", "18.5 days", "1,412".
    let rest = cell.text.len().saturating_sub(f.end - f.start);
    (rest <= 6 && !f.year_like).then_some(f)
}

/// Reads a table given its header (when it has one) and its data rows.
pub(crate) fn read(
    c: &mut Collector<'_>,
    header: Option<&Row<'_>>,
    rows: &[Row<'_>],
    kind: &'static str,
) {
    if rows.is_empty() {
        return;
    }
    let width = rows.iter().map(|r| r.cells.len()).max().unwrap_or(0);
    let header_text = |col: usize| header.and_then(|h| h.cells.get(col)).map_or("", |c| c.text);
    // The label column: the first whose data cells are mostly text.
    // A sample decides the table's shape; long tables are read, not re-scanned.
    let sample = &rows[..rows.len().min(64)];
    let label_col = (0..width).find(|col| {
        let texts = sample
            .iter()
            .filter(|r| {
                r.cells.get(*col).is_some_and(|c| {
                    !c.text.is_empty() && numeric(c).is_none() && find_iso_date(c.text).is_none()
                })
            })
            .count();
        texts * 2 > sample.len()
    });
    let header_matches = header.map_or(0, |h| {
        h.cells
            .iter()
            .filter(|cell| {
                let tokens = c.tokenize(&humanize(cell.text), 0);
                c.catalog.match_label(&tokens, &[]).is_some()
                    || c.catalog.by_slug(cell.text.trim()).is_some()
            })
            .count()
    });
    let label_matches = label_col.map_or(0, |col| {
        sample
            .iter()
            .filter(|r| {
                r.cells
                    .get(col)
                    .is_some_and(|cell| c.names_a_kri(cell.text))
            })
            .count()
    });
    if header_matches > label_matches {
        read_wide(c, header, rows, width, kind);
        return;
    }
    let Some(label_col) = label_col else {
        return;
    };
    let date_col = (0..width).find(|col| *col != label_col && is_date_header(header_text(*col)));
    let unit_col = (0..width).find(|col| {
        *col != label_col
            && UNIT_HEADERS.contains(&header_text(*col).trim().to_ascii_lowercase().as_str())
    });
    // Value columns: neither the label, a date, a unit, nor a reference column.
    let mut value_cols: Vec<usize> = (0..width)
        .filter(|col| Some(*col) != date_col && Some(*col) != unit_col && *col != label_col)
        .filter(|col| !words(header_text(*col)).any(|w| PAST_HEADERS.contains(&w.as_str())))
        .filter(|col| {
            rows.iter().any(|r| {
                r.cells
                    .get(*col)
                    .is_some_and(|cell| numeric(cell).is_some())
            })
        })
        .collect();
    let current = value_cols
        .iter()
        .copied()
        .find(|col| words(header_text(*col)).any(|w| CURRENT_HEADERS.contains(&w.as_str())));
    let several = value_cols.len() > 1 && current.is_none();
    if let Some(col) = current {
        value_cols = vec![col];
    }
    let Some(&value_col) = value_cols.last() else {
        return;
    };
    let header_date =
        header.and_then(|h| find_iso_date(h.cells.get(value_col).map_or("", |c| c.text)));
    for row in rows {
        let (Some(label), Some(cell)) = (row.cells.get(label_col), row.cells.get(value_col)) else {
            continue;
        };
        let Some(figure) = numeric(cell) else {
            continue;
        };
        // The row's date is read only if the row yields a candidate.
        let date_cell = date_col
            .and_then(|col| row.cells.get(col))
            .map(|cell| cell.text);
        let observed_at = if date_cell.is_some() {
            None
        } else {
            header_date.clone()
        };
        let unit = unit_col.and_then(|col| row.cells.get(col)).map(|c| c.text);
        let before = c.candidate_count();
        c.labelled(Labelled {
            label: label.text,
            context: &[],
            figure,
            span: (row.start, row.end),
            observed_at,
            date_from: date_cell,
            base: if several { 0.92 } else { 0.97 },
            structure: kind,
            unit_hint: unit,
            known: None,
        });
        if several && c.candidate_count() > before {
            c.note_last("took the rightmost of several value columns");
        }
    }
}

/// One column per metric: the value is the last row's (the latest when rows are dated).
fn read_wide(
    c: &mut Collector<'_>,
    header: Option<&Row<'_>>,
    rows: &[Row<'_>],
    width: usize,
    kind: &'static str,
) {
    let Some(header) = header else { return };
    let date_col = (0..width).find(|col| {
        header
            .cells
            .get(*col)
            .is_some_and(|h| is_date_header(h.text))
    });
    let latest = match date_col {
        Some(col) => rows
            .iter()
            .max_by_key(|r| r.cells.get(col).and_then(|c| find_iso_date(c.text)))
            .unwrap_or(&rows[rows.len() - 1]),
        None => &rows[rows.len() - 1],
    };
    let observed_at = date_col
        .and_then(|col| latest.cells.get(col))
        .and_then(|cell| find_iso_date(cell.text));
    for (col, head) in header.cells.iter().enumerate() {
        if Some(col) == date_col {
            continue;
        }
        let Some(cell) = latest.cells.get(col) else {
            continue;
        };
        let Some(figure) = numeric(cell) else {
            continue;
        };
        let before = c.candidate_count();
        c.labelled(Labelled {
            label: head.text,
            context: &[],
            figure,
            span: (latest.start, latest.end),
            observed_at: observed_at.clone(),
            date_from: None,
            base: if rows.len() > 1 && date_col.is_none() {
                0.88
            } else {
                0.96
            },
            structure: kind,
            unit_hint: None,
            known: None,
        });
        if c.candidate_count() > before {
            // Cite the header as well as the row: the label lives there.
            c.widen_last(header.start);
        }
    }
}

/// Splits one delimited line into cells, honouring double quotes.
fn split_delimited(line: &str, base: usize, delimiter: u8) -> Vec<Cell<'_>> {
    let b = line.as_bytes();
    let mut cells = Vec::new();
    let mut start = 0;
    let mut quoted = false;
    let mut i = 0;
    while i <= b.len() {
        let at_end = i == b.len();
        if !at_end && b[i] == b'"' {
            quoted = !quoted;
        } else if at_end || (!quoted && b[i] == delimiter) {
            let raw = &line[start..i];
            let text = raw.trim().trim_matches('"');
            // `text` is a slice of `line`: its offset is a pointer difference.
            let offset = text.as_ptr() as usize - line.as_ptr() as usize;
            cells.push(Cell {
                text,
                start: base + offset,
            });
            start = i + 1;
        }
        i += 1;
    }
    cells
}

fn field_count(line: &str, delimiter: u8) -> usize {
    split_delimited(line, 0, delimiter).len()
}

pub(crate) fn guess_delimiter(head: &str) -> u8 {
    let first = head.lines().next().unwrap_or("");
    [b'\t', b';', b',']
        .into_iter()
        .max_by_key(|d| field_count(first, *d))
        .unwrap_or(b',')
}

/// A CSV or TSV body without a name or type saying so: at least three lines with the
/// same number (≥ 2) of fields, and no Markdown pipes.
pub(crate) fn sniff_delimited(head: &str) -> Option<u8> {
    let lines: Vec<&str> = head
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(6)
        .collect();
    // Pipes are Markdown; braces, `=` and `#` comments are metrics or logs, not rows.
    if lines.len() < 3
        || lines
            .iter()
            .any(|l| l.contains(['|', '{', '=']) || l.trim_start().starts_with('#'))
    {
        return None;
    }
    for d in [b'\t', b',', b';'] {
        let n = field_count(lines[0], d);
        if n >= 2
            && lines.iter().all(|l| field_count(l, d) == n)
            && lines.iter().all(|l| !l.trim_end().ends_with('.'))
        {
            return Some(d);
        }
    }
    None
}

/// A CSV/TSV artifact; false when it is not one after all.
pub(crate) fn scan_delimited(c: &mut Collector<'_>, text: &str, delimiter: u8) -> bool {
    let mut rows = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        if !body.trim().is_empty() {
            rows.push(Row {
                cells: split_delimited(body, offset, delimiter),
                start: offset,
                end: offset + body.len(),
            });
        }
        offset += line.len();
    }
    if rows.len() < 2 || rows[0].cells.len() < 2 {
        return false;
    }
    // A header row has no figures in it.
    let has_header = rows[0].cells.iter().all(|cell| numeric(cell).is_none());
    if has_header {
        let header = rows.remove(0);
        read(c, Some(&header), &rows, "CSV row");
    } else {
        read(c, None, &rows, "CSV row");
    }
    true
}

/// A Markdown pipe table: `| a | b |` lines, the second a `|---|---|` separator.
pub(crate) fn markdown_cells(line: &str, base: usize) -> Vec<Cell<'_>> {
    let trimmed_start = line.len() - line.trim_start().len();
    let body = line.trim();
    let inner_start = trimmed_start + usize::from(body.starts_with('|'));
    let inner_end = trimmed_start + body.len() - usize::from(body.len() > 1 && body.ends_with('|'));
    let inner = &line[inner_start..inner_end.max(inner_start)];
    let mut cells = Vec::new();
    let mut from = 0;
    for piece in inner.split('|') {
        let lead = piece.len() - piece.trim_start().len();
        let text = piece.trim().trim_matches('*').trim();
        let inner_lead = piece.find(text).unwrap_or(lead);
        cells.push(Cell {
            text,
            start: base + inner_start + from + inner_lead,
        });
        from += piece.len() + 1;
    }
    cells
}

pub(crate) fn is_markdown_separator(line: &str) -> bool {
    let t = line.trim();
    t.contains('-')
        && t.contains('|')
        && t.chars().all(|c| matches!(c, '|' | '-' | ':' | ' ' | '\t'))
}

/// HTML: reads every `<table>` row by row and returns the text with all tags blanked
/// out (same length, so offsets still point into the artifact) for the line readers.
pub(crate) fn scan_html(c: &mut Collector<'_>, text: &str) -> String {
    let lower = text.to_ascii_lowercase();
    let mut masked: Vec<u8> = text.as_bytes().to_vec();
    let mut table_ranges = Vec::new();
    let mut search = 0;
    while let Some(open) = lower[search..].find("<table").map(|i| i + search) {
        let close = lower[open..]
            .find("</table>")
            .map_or(text.len(), |i| open + i + 8);
        table_ranges.push((open, close));
        read_html_table(c, text, &lower, open, close);
        search = close;
    }
    // Blank tags, and whole tables (already read), keeping newlines.
    let mut in_tag = false;
    let mut range = 0;
    for (i, byte) in masked.iter_mut().enumerate() {
        // Ranges are in text order: one pointer walks them.
        while range < table_ranges.len() && table_ranges[range].1 <= i {
            range += 1;
        }
        let inside_table = table_ranges
            .get(range)
            .is_some_and(|(a, b)| (*a..*b).contains(&i));
        if *byte == b'<' {
            in_tag = true;
        }
        let blank = in_tag || inside_table;
        if *byte == b'>' {
            in_tag = false;
        }
        if blank && *byte != b'\n' {
            *byte = b' ';
        }
    }
    // Entities become spaces of the same length.
    for entity in ["&nbsp;", "&amp;", "&lt;", "&gt;", "&quot;", "&#39;"] {
        let mut from = 0;
        while let Some(at) = lower[from..].find(entity).map(|i| i + from) {
            for b in &mut masked[at..at + entity.len()] {
                *b = b' ';
            }
            from = at + entity.len();
        }
    }
    // Blanking only replaced ASCII bytes and whole tags, so the text stays UTF-8.
    String::from_utf8(masked).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

fn read_html_table(c: &mut Collector<'_>, text: &str, lower: &str, open: usize, close: usize) {
    let mut rows: Vec<Row<'_>> = Vec::new();
    let mut header: Option<Row<'_>> = None;
    let mut at = open;
    while let Some(tr) = lower[at..close].find("<tr").map(|i| i + at) {
        let end = lower[tr..close].find("</tr>").map_or(close, |i| tr + i + 5);
        let mut cells = Vec::new();
        let mut is_header = true;
        let mut k = tr;
        while let Some(cell_open) = lower[k..end].find("<t").map(|i| i + k) {
            // Bytes, not text: the letter after `<t` may be any character.
            let tag = &lower.as_bytes()[cell_open..(cell_open + 3).min(end)];
            if tag != b"<td" && tag != b"<th" {
                k = cell_open + 2;
                continue;
            }
            is_header &= tag == b"<th";
            let Some(content_start) = lower[cell_open..end].find('>').map(|i| cell_open + i + 1)
            else {
                break;
            };
            let content_end = lower[content_start..end]
                .find("</t")
                .or_else(|| lower[content_start..end].find("<t"))
                .map_or(end, |i| content_start + i);
            let inner = strip_tags(&text[content_start..content_end]);
            let lead = inner.len() - inner.trim_start().len();
            let t = inner.trim();
            cells.push(Cell {
                text: t,
                start: content_start + lead,
            });
            k = content_end;
        }
        if !cells.is_empty() {
            let row = Row {
                cells,
                start: tr,
                end,
            };
            if is_header && header.is_none() && rows.is_empty() {
                header = Some(row);
            } else {
                rows.push(row);
            }
        }
        at = end;
    }
    if header.is_none()
        && rows.len() > 1
        && rows[0].cells.iter().all(|cell| numeric(cell).is_none())
    {
        header = Some(rows.remove(0));
    }
    read(c, header.as_ref(), &rows, "HTML table row");
}

/// The text of a cell without inner tags (`<b>91%</b>`): the first tag-free run that is
/// not blank, which keeps the cell a verbatim slice.
fn strip_tags(inner: &str) -> &str {
    if !inner.contains('<') {
        return inner;
    }
    let mut best = "";
    let mut rest = inner;
    loop {
        let (run, after) = match rest.find('<') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, ""),
        };
        if run.trim().len() > best.trim().len() {
            best = run;
        }
        match after.find('>') {
            Some(j) => rest = &after[j + 1..],
            None => break,
        }
    }
    best
}
