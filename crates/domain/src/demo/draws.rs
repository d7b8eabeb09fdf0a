//! Random draws the demo builders share: one item of a list, a weighted criticality.

use draxis_protocol::types::Criticality;
use rand::RngExt;
use rand::rngs::ChaCha8Rng;

/// One of `items`, uniformly.
pub(super) fn pick<'a, T>(rng: &mut ChaCha8Rng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

/// A criticality drawn with `weights` for critical, high, medium and low (summing to 1).
pub(super) fn criticality_from(rng: &mut ChaCha8Rng, weights: [f64; 4]) -> Criticality {
    let roll: f64 = rng.random();
    let mut acc = 0.0;
    for (w, c) in weights.iter().zip([
        Criticality::Critical,
        Criticality::High,
        Criticality::Medium,
        Criticality::Low,
    ]) {
        acc += w;
        if roll < acc {
            return c;
        }
    }
    Criticality::Low
}
