//! Keyset pagination with opaque cursors. A cursor names the sort and the last item's
//! sort key and id, so the next page starts strictly after it: rows inserted meanwhile
//! never shift or repeat a page.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;

use crate::error::ToolError;
use draxis_protocol::types::{DEFAULT_LIMIT, MAX_LIMIT, Page};

/// One component of a sort key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum KeyPart {
    Num(f64),
    Text(String),
}

/// What a key part holds: the shape a sort's cursors must have, part by part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    Num,
    Text,
}

impl KeyPart {
    /// Which kind of part this is.
    pub fn kind(&self) -> KeyKind {
        match self {
            KeyPart::Num(_) => KeyKind::Num,
            KeyPart::Text(_) => KeyKind::Text,
        }
    }

    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (KeyPart::Num(a), KeyPart::Num(b)) => a.total_cmp(b),
            (KeyPart::Text(a), KeyPart::Text(b)) => a.cmp(b),
            (KeyPart::Num(_), KeyPart::Text(_)) => Ordering::Less,
            (KeyPart::Text(_), KeyPart::Num(_)) => Ordering::Greater,
        }
    }
}

/// A full sort key: the parts, then the row id as tie-breaker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SortKey {
    #[serde(rename = "k")]
    pub parts: Vec<KeyPart>,
    #[serde(rename = "i")]
    pub id: i64,
}

impl SortKey {
    pub fn new(parts: Vec<KeyPart>, id: i64) -> Self {
        Self { parts, id }
    }

    fn cmp(&self, other: &Self) -> Ordering {
        for (a, b) in self.parts.iter().zip(&other.parts) {
            match a.cmp(b) {
                Ordering::Equal => {}
                unequal => return unequal,
            }
        }
        self.parts
            .len()
            .cmp(&other.parts.len())
            .then(self.id.cmp(&other.id))
    }
}

#[derive(Serialize, Deserialize)]
struct CursorBody {
    /// The sort this cursor continues.
    s: String,
    #[serde(flatten)]
    key: SortKey,
}

/// Encodes the position after `key` under `sort`.
pub fn encode_cursor(sort: &str, key: &SortKey) -> String {
    let body = CursorBody {
        s: sort.to_string(),
        key: key.clone(),
    };
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(&body).unwrap_or_default())
}

/// The refusal of a cursor that decodes but was not made for this list.
fn foreign_cursor() -> ToolError {
    ToolError::InvalidArgument(
        "this cursor does not belong to this list; start again without cursor".into(),
    )
}

/// Decodes a cursor made by [`encode_cursor`] for the same sort, whose key parts have
/// the kinds of `shape`; anything else is refused as an argument error.
pub fn decode_cursor(sort: &str, shape: &[KeyKind], cursor: &str) -> Result<SortKey, ToolError> {
    let key = decode_cursor_any_shape(sort, cursor)?;
    if !key
        .parts
        .iter()
        .map(KeyPart::kind)
        .eq(shape.iter().copied())
    {
        return Err(foreign_cursor());
    }
    Ok(key)
}

/// Decodes a cursor for `sort` without knowing its shape; [`paginate`] checks the shape
/// against the items' keys.
fn decode_cursor_any_shape(sort: &str, cursor: &str) -> Result<SortKey, ToolError> {
    let invalid = || {
        ToolError::InvalidArgument(
            "cursor is not valid: pass the nextCursor of the previous page unchanged, or omit cursor to start again".into(),
        )
    };
    let bytes = URL_SAFE_NO_PAD
        .decode(cursor.trim())
        .map_err(|_| invalid())?;
    let body: CursorBody = serde_json::from_slice(&bytes).map_err(|_| invalid())?;
    if body.s != sort {
        return Err(ToolError::InvalidArgument(format!(
            "cursor belongs to a listing sorted by `{}`, not `{sort}`: keep the same sort between pages, or omit cursor to start again",
            body.s
        )));
    }
    if body.key.parts.iter().any(|part| match part {
        KeyPart::Num(n) => !n.is_finite(),
        KeyPart::Text(_) => false,
    }) {
        return Err(foreign_cursor());
    }
    Ok(body.key)
}

/// Validated page size.
pub fn page_limit(limit: Option<u32>) -> Result<usize, ToolError> {
    match limit.unwrap_or(DEFAULT_LIMIT) {
        0 => Err(ToolError::InvalidArgument(format!(
            "limit must be between 1 and {MAX_LIMIT}; you sent 0"
        ))),
        n if n > MAX_LIMIT => Err(ToolError::InvalidArgument(format!(
            "limit must be between 1 and {MAX_LIMIT}; you sent {n}: page with nextCursor instead"
        ))),
        n => Ok(n as usize),
    }
}

/// Sorts `items` by `key`, and returns the page after `cursor`.
pub fn paginate<T>(
    items: Vec<T>,
    sort: &str,
    key: impl Fn(&T) -> SortKey,
    cursor: Option<&str>,
    limit: Option<u32>,
) -> Result<Page<T>, ToolError> {
    let limit = page_limit(limit)?;
    let after = cursor
        .map(|c| decode_cursor_any_shape(sort, c))
        .transpose()?;
    let total = items.len() as u64;
    let mut keyed: Vec<(SortKey, T)> = items.into_iter().map(|item| (key(&item), item)).collect();
    // Every item's key has the sort's shape; a cursor of another shape was made elsewhere.
    if let (Some(after), Some((first, _))) = (&after, keyed.first())
        && !after
            .parts
            .iter()
            .map(KeyPart::kind)
            .eq(first.parts.iter().map(KeyPart::kind))
    {
        return Err(foreign_cursor());
    }
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    let mut remaining = keyed
        .into_iter()
        .filter(|(k, _)| {
            after
                .as_ref()
                .is_none_or(|after| k.cmp(after) == Ordering::Greater)
        })
        .peekable();
    let mut page = Vec::with_capacity(limit);
    let mut last_key = None;
    while page.len() < limit {
        let Some((k, item)) = remaining.next() else {
            break;
        };
        page.push(item);
        last_key = Some(k);
    }
    let next_cursor = match (remaining.peek(), last_key) {
        (Some(_), Some(last)) => Some(encode_cursor(sort, &last)),
        _ => None,
    };
    Ok(Page {
        items: page,
        next_cursor,
        total,
        note: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(n: &(i64, f64)) -> SortKey {
        SortKey::new(vec![KeyPart::Num(-n.1)], n.0)
    }

    #[test]
    fn pages_walk_everything_once_and_survive_inserts() {
        let mut rows: Vec<(i64, f64)> = (1..=10).map(|i| (i, (i % 4) as f64)).collect();
        let first = paginate(rows.clone(), "score", key, None, Some(4)).unwrap();
        assert_eq!(first.items.len(), 4);
        assert_eq!(first.total, 10);
        // A row inserted before the cursor position does not shift the next page.
        rows.push((11, 99.0));
        let mut seen: Vec<i64> = first.items.iter().map(|r| r.0).collect();
        let mut cursor = first.next_cursor;
        while let Some(c) = cursor {
            let page = paginate(rows.clone(), "score", key, Some(&c), Some(4)).unwrap();
            seen.extend(page.items.iter().map(|r| r.0));
            cursor = page.next_cursor;
        }
        seen.sort_unstable();
        assert_eq!(seen, (1..=10).collect::<Vec<_>>());
    }

    #[test]
    fn a_key_that_sorts_last_survives_its_cursor() {
        // Rows without a value sort last under the largest finite key; JSON has no
        // infinity, so that key must still make a cursor that reads back.
        let rows: Vec<(i64, f64)> = (1..=4).map(|i| (i, f64::MAX)).collect();
        let first = paginate(
            rows.clone(),
            "score",
            |r| SortKey::new(vec![KeyPart::Num(r.1)], r.0),
            None,
            Some(2),
        )
        .unwrap();
        let cursor = first.next_cursor.unwrap();
        let second = paginate(
            rows,
            "score",
            |r| SortKey::new(vec![KeyPart::Num(r.1)], r.0),
            Some(&cursor),
            Some(2),
        )
        .unwrap();
        assert_eq!(second.items.len(), 2);
    }

    #[test]
    fn bad_cursors_and_limits_are_explained() {
        let rows = vec![(1, 1.0)];
        for bad in ["", "!!!", "eyJ4IjoxfQ"] {
            let err = paginate(rows.clone(), "score", key, Some(bad), None).unwrap_err();
            assert!(err.to_string().contains("cursor"), "{err}");
        }
        let other = encode_cursor("name", &SortKey::new(vec![], 1));
        let err = paginate(rows.clone(), "score", key, Some(&other), None).unwrap_err();
        assert!(err.to_string().contains("same sort"), "{err}");
        assert!(paginate(rows.clone(), "score", key, None, Some(0)).is_err());
        // Right sort, wrong shape: refused as an argument, never reaching storage.
        for parts in [
            vec![],
            vec![KeyPart::Text("x".into())],
            vec![KeyPart::Num(1.0), KeyPart::Num(2.0)],
        ] {
            let forged = encode_cursor("score", &SortKey::new(parts, 1));
            let err = paginate(rows.clone(), "score", key, Some(&forged), None).unwrap_err();
            assert!(
                err.to_string().contains("does not belong to this list"),
                "{err}"
            );
            let err = decode_cursor("score", &[KeyKind::Num], &forged).unwrap_err();
            assert!(matches!(err, ToolError::InvalidArgument(_)), "{err}");
        }
        let good = encode_cursor("name", &SortKey::new(vec![KeyPart::Text("a".into())], 3));
        assert_eq!(
            decode_cursor("name", &[KeyKind::Text], &good).unwrap().id,
            3
        );
        let wrong_types = URL_SAFE_NO_PAD.encode(br#"{"s":"name","k":[null],"i":"x"}"#);
        assert!(decode_cursor("name", &[KeyKind::Text], &wrong_types).is_err());
        assert!(paginate(rows.clone(), "score", key, None, Some(201)).is_err());
        assert!(paginate(rows, "score", key, None, Some(200)).is_ok());
    }
}
