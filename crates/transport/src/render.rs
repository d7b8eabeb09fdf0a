//! Tool results in the two forms MCP asks for, the JSON text copy and the structured value,
//! remembering how each list item rendered so that an unchanged item is not serialized again.
//!
//! Rendering is a pure function of the item, and a remembered rendering is reused only for
//! an item *equal* to the one it was made from, so reuse can never show different data,
//! whichever tenant asks: the memo saves work and nothing else. An item that changed (a new
//! value, a status that went stale) is simply rendered afresh. Each memo is bounded and
//! starts over when full. Equality is the items' derived `PartialEq`, so the one liberty
//! is IEEE's: `0.0` and `-0.0` are equal and may come out as either; a NaN never matches
//! and is rendered every time.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use draxis_protocol::types::{
    ControlSummary, IntegrationSummary, KriSummary, OutcomeSummary, Page, RiskSummary,
    SimulationSummary, VendorSummary,
};
use serde::Serialize;
use serde_json::Value;
use serde_json::value::RawValue;

/// Items remembered per list type before a memo starts over: room for the hot lists of
/// many tenants, while each remembered item costs about three copies of its JSON.
const ITEMS_PER_MEMO: usize = 2048;

/// A tool result rendered as MCP asks: JSON text (for clients that read only `content`) and
/// the same data as `structuredContent`.
#[derive(Debug)]
pub(crate) struct Rendered {
    pub text: String,
    pub value: Value,
}

impl Rendered {
    /// Renders any result without a memo.
    pub(crate) fn of<R: Serialize>(result: &R) -> serde_json::Result<Self> {
        Ok(Self {
            text: serde_json::to_string(result)?,
            value: serde_json::to_value(result)?,
        })
    }
}

/// A list item a memo can recognise again.
pub(crate) trait ListItem: Serialize + PartialEq + Send + Sync + Sized + 'static {
    /// The item's public id (`kri_12`): items with one id usually render alike.
    fn memo_key(&self) -> &str;
    /// The memo of this item's list.
    fn memo(memos: &ListMemos) -> &ItemMemo<Self>;
}

macro_rules! list_items {
    ($($item:ty => $memo:ident),+ $(,)?) => {
        $(impl ListItem for $item {
            fn memo_key(&self) -> &str {
                &self.id
            }
            fn memo(memos: &ListMemos) -> &ItemMemo<Self> {
                &memos.$memo
            }
        })+
    };
}

list_items!(
    KriSummary => kris,
    ControlSummary => controls,
    RiskSummary => risks,
    OutcomeSummary => outcomes,
    VendorSummary => vendors,
    SimulationSummary => simulations,
    IntegrationSummary => integrations,
);

/// One item and both of its renderings.
struct RenderedItem<T> {
    item: T,
    text: Box<RawValue>,
    value: Value,
}

/// The remembered renderings of one list type.
pub(crate) struct ItemMemo<T> {
    items: Mutex<HashMap<String, Arc<RenderedItem<T>>>>,
    capacity: usize,
}

impl<T> std::fmt::Debug for ItemMemo<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ItemMemo")
            .field("capacity", &self.capacity)
            .finish_non_exhaustive()
    }
}

impl<T: ListItem> ItemMemo<T> {
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        Self {
            items: Mutex::new(HashMap::new()),
            capacity,
        }
    }

    /// Renders a page exactly as [`Rendered::of`] would, reusing remembered items.
    pub(crate) fn render_page(&self, page: Page<T>) -> serde_json::Result<Rendered> {
        let Page {
            items,
            next_cursor,
            total,
            note,
        } = page;
        let mut found: Vec<Option<Arc<RenderedItem<T>>>> = {
            let remembered = self.items.lock().unwrap_or_else(PoisonError::into_inner);
            items
                .iter()
                .map(|item| {
                    remembered
                        .get(item.memo_key())
                        .filter(|known| known.item == *item)
                        .cloned()
                })
                .collect()
        };
        let mut fresh = Vec::new();
        for (slot, item) in found.iter_mut().zip(items) {
            if slot.is_none() {
                let rendered = Arc::new(RenderedItem {
                    text: serde_json::value::to_raw_value(&item)?,
                    value: serde_json::to_value(&item)?,
                    item,
                });
                fresh.push(Arc::clone(&rendered));
                *slot = Some(rendered);
            }
        }
        if !fresh.is_empty() {
            let mut remembered = self.items.lock().unwrap_or_else(PoisonError::into_inner);
            if remembered.len() + fresh.len() > self.capacity {
                remembered.clear();
            }
            for rendered in fresh {
                remembered.insert(rendered.item.memo_key().to_owned(), rendered);
            }
        }
        let rendered: Vec<Arc<RenderedItem<T>>> = found.into_iter().flatten().collect();
        let text = serde_json::to_string(&Page {
            items: rendered
                .iter()
                .map(|r| &*r.text)
                .collect::<Vec<&RawValue>>(),
            next_cursor: next_cursor.clone(),
            total,
            note: note.clone(),
        })?;
        let mut value = serde_json::to_value(Page::<()> {
            items: Vec::new(),
            next_cursor,
            total,
            note,
        })?;
        if let Value::Object(fields) = &mut value {
            fields.insert(
                "items".into(),
                Value::Array(rendered.iter().map(|r| r.value.clone()).collect()),
            );
        }
        Ok(Rendered { text, value })
    }
}

/// One memo per list tool, shared by every request of the process.
#[derive(Debug)]
pub(crate) struct ListMemos {
    pub kris: ItemMemo<KriSummary>,
    pub controls: ItemMemo<ControlSummary>,
    pub risks: ItemMemo<RiskSummary>,
    pub outcomes: ItemMemo<OutcomeSummary>,
    pub vendors: ItemMemo<VendorSummary>,
    pub simulations: ItemMemo<SimulationSummary>,
    pub integrations: ItemMemo<IntegrationSummary>,
}

impl Default for ListMemos {
    fn default() -> Self {
        Self {
            kris: ItemMemo::with_capacity(ITEMS_PER_MEMO),
            controls: ItemMemo::with_capacity(ITEMS_PER_MEMO),
            risks: ItemMemo::with_capacity(ITEMS_PER_MEMO),
            outcomes: ItemMemo::with_capacity(ITEMS_PER_MEMO),
            vendors: ItemMemo::with_capacity(ITEMS_PER_MEMO),
            simulations: ItemMemo::with_capacity(ITEMS_PER_MEMO),
            integrations: ItemMemo::with_capacity(ITEMS_PER_MEMO),
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};
    use draxis_protocol::types::{Direction, Frequency, KriStatus};

    use super::*;

    fn kri(id: u32, value: f64) -> KriSummary {
        KriSummary {
            id: format!("kri_{id}"),
            slug: format!("metric_{id}_pct"),
            name: format!("Metric \"{id}\" \\ coverage"),
            category: "identity".into(),
            unit: "%".into(),
            direction: Direction::LowerIsWorse,
            warn: 95.0,
            critical: 85.0,
            current_value: Some(value),
            last_observed_at: Some(Utc.with_ymd_and_hms(2026, 11, 24, 0, 0, 0).unwrap()),
            status: if value <= 85.0 {
                KriStatus::Red
            } else {
                KriStatus::Green
            },
            status_reason: format!("{value} against the critical threshold 85"),
            frequency: Frequency::Daily,
            owner: "Ana Müller".into(),
            source_integration_id: id.is_multiple_of(2).then(|| "int_1".into()),
            source_integration_name: id.is_multiple_of(2).then(|| "AI Drop Zone".into()),
            risk_refs: vec!["R-001".into(), "R-014".into()],
            risk_count: 2,
            control_refs: Vec::new(),
            control_count: 0,
            outcome_ref: None,
        }
    }

    fn page(items: Vec<KriSummary>, next_cursor: Option<&str>) -> Page<KriSummary> {
        Page {
            total: items.len() as u64 + 7,
            items,
            next_cursor: next_cursor.map(str::to_owned),
            note: None,
        }
    }

    /// What the memo must always produce: exactly the plain rendering.
    fn assert_renders_like_plain(memo: &ItemMemo<KriSummary>, page: Page<KriSummary>) {
        let plain = Rendered::of(&page).unwrap();
        let memoized = memo.render_page(page).unwrap();
        assert_eq!(memoized.text, plain.text);
        assert_eq!(memoized.value, plain.value);
    }

    #[test]
    fn a_page_renders_the_same_whether_remembered_or_not() {
        let memo = ItemMemo::with_capacity(64);
        let items: Vec<_> = (1..=5).map(|i| kri(i, 80.0 + f64::from(i))).collect();
        assert_renders_like_plain(&memo, page(items.clone(), Some("opaque-cursor")));
        // Now every item is remembered; the page still comes out identical.
        assert_renders_like_plain(&memo, page(items.clone(), None));
        assert_renders_like_plain(&memo, page(items[1..3].to_vec(), Some("x")));
        assert_renders_like_plain(&memo, page(Vec::new(), None));
    }

    #[test]
    fn a_changed_item_is_rendered_afresh() {
        let memo = ItemMemo::with_capacity(64);
        assert_renders_like_plain(&memo, page(vec![kri(1, 90.0), kri(2, 91.0)], None));
        let mut changed = kri(1, 70.0);
        assert_renders_like_plain(&memo, page(vec![changed.clone(), kri(2, 91.0)], None));
        changed.risk_refs.push("R-020".into());
        let rendered = memo.render_page(page(vec![changed], None)).unwrap();
        assert!(rendered.text.contains("R-020"), "{}", rendered.text);
        assert_eq!(rendered.value["items"][0]["currentValue"], 70.0);
    }

    #[test]
    fn a_full_memo_starts_over_and_stays_correct() {
        let memo = ItemMemo::with_capacity(4);
        for round in 0..3 {
            let items: Vec<_> = (1..=3).map(|i| kri(i + round * 3, 90.0)).collect();
            assert_renders_like_plain(&memo, page(items, None));
            assert!(memo.items.lock().unwrap().len() <= 4);
        }
    }
}
