//! From simulated annual losses to the figures a risk owner reads: mean, percentiles,
//! value at risk, expected shortfall, chance of a loss-free year and the loss exceedance
//! curve. Linear-time selection, not a full sort: most simulated years are loss-free
//! and only a handful of order statistics are needed.

use crate::parallel::in_parts;

/// One point of the loss exceedance curve.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ExceedancePoint {
    pub loss: f64,
    /// Probability that the annual loss exceeds `loss`.
    pub probability: f64,
}

/// Summary of a simulated annual loss distribution.
#[derive(Debug, Clone, PartialEq)]
pub struct LossSummary {
    pub iterations: u64,
    pub mean: f64,
    pub p50: f64,
    pub p90: f64,
    pub p95: f64,
    pub p99: f64,
    /// Value at risk at 95%: the annual loss exceeded in 5% of years (= P95).
    pub var95: f64,
    /// Value at risk at 99% (= P99).
    pub var99: f64,
    /// Mean annual loss over the worst 1% of years.
    pub expected_shortfall99: f64,
    pub probability_of_zero_loss: f64,
    pub min: f64,
    pub max: f64,
    /// About 100 points, losses ascending, probabilities non-increasing.
    pub exceedance_curve: Vec<ExceedancePoint>,
}

/// Points on the loss exceedance curve.
const CURVE_POINTS: usize = 100;

/// The k-th smallest (0-based) of `values`, reordering them.
fn kth(values: &mut [f64], k: usize) -> f64 {
    *values.select_nth_unstable_by(k, f64::total_cmp).1
}

impl LossSummary {
    /// Summarises annual losses (non-negative).
    pub fn from_losses(losses: Vec<f64>) -> Self {
        let years = losses.len();
        Self::from_positive_losses(
            losses.into_iter().filter(|&loss| loss > 0.0).collect(),
            years,
        )
    }

    /// Summarises `years` simulated years of which only those with a loss are given.
    pub fn from_positive_losses(positive: Vec<f64>, years: usize) -> Self {
        summarize(&[positive], years, 1)
    }
}

/// Where the loss exceedance curve puts a loss: thresholds are 0 and then geometric, so a
/// cheap approximate logarithm finds the place and two comparisons make it exact.
/// Place `p` holds losses in (thresholds[p-1], thresholds[p]]; the last place holds
/// losses above the last threshold. Places order losses, so they also serve selection.
struct Places {
    thresholds: Vec<f64>,
    lo: f64,
    /// Places per unit of ln(loss); 0 when every loss is the same.
    per_ln: f64,
}

impl Places {
    fn new(smallest: f64, max: f64) -> Self {
        let (lo, hi) = (smallest.ln(), max.ln().max(smallest.ln()));
        let mut thresholds = vec![0.0];
        thresholds.extend(
            (0..CURVE_POINTS - 1)
                .map(|i| (lo + (hi - lo) * i as f64 / (CURVE_POINTS - 2) as f64).exp()),
        );
        let step = (hi - lo) / (CURVE_POINTS - 2) as f64;
        Self {
            thresholds,
            lo,
            per_ln: if step > 0.0 { 1.0 / step } else { 0.0 },
        }
    }

    /// Number of places: one per threshold, plus "above the last".
    fn count(&self) -> usize {
        self.thresholds.len() + 1
    }

    #[inline]
    fn of(&self, loss: f64) -> usize {
        let last = self.thresholds.len() - 1;
        // Negative guesses saturate to 0 in the cast.
        let guess = ((approximate_ln(loss) - self.lo) * self.per_ln) as usize + 1;
        let mut place = guess.min(last + 1);
        while place > 1 && self.thresholds[place - 1] >= loss {
            place -= 1;
        }
        while place <= last && self.thresholds[place] < loss {
            place += 1;
        }
        place
    }
}

/// Summarises `years` simulated years from the losses of the years with a loss, given in
/// parts (in year order). Every pass runs part by part on `threads`; order statistics are
/// exact: the curve's places split the losses into ordered buckets, and only the few
/// buckets holding a wanted rank are gathered and selected in.
pub(crate) fn summarize(parts: &[Vec<f64>], years: usize, threads: usize) -> LossSummary {
    // Pass 1: count, sum, smallest, largest.
    let stats = in_parts(parts.len(), threads, |i, _: &mut ()| {
        let part = &parts[i];
        let mut sum = 0.0;
        let (mut min, mut max) = (f64::INFINITY, 0.0_f64);
        for &loss in part {
            sum += loss;
            min = min.min(loss);
            max = max.max(loss);
        }
        (part.len(), sum, min, max)
    });
    let positives: usize = stats.iter().map(|s| s.0).sum();
    let total: f64 = stats.iter().map(|s| s.1).sum();
    let smallest = stats.iter().map(|s| s.2).fold(f64::INFINITY, f64::min);
    let max = stats.iter().map(|s| s.3).fold(0.0_f64, f64::max);
    let n = years.max(positives).max(1);
    let zeros = n - positives;
    let tail = (n as f64 * 0.01).ceil() as usize;
    let min = if zeros > 0 || !smallest.is_finite() {
        0.0
    } else {
        smallest
    };
    let summary = |p: [f64; 4], expected_shortfall99: f64, exceedance_curve| LossSummary {
        iterations: n as u64,
        mean: total / n as f64,
        p50: p[0],
        p90: p[1],
        p95: p[2],
        p99: p[3],
        var95: p[2],
        var99: p[3],
        expected_shortfall99,
        probability_of_zero_loss: zeros as f64 / n as f64,
        min,
        max,
        exceedance_curve,
    };
    if positives == 0 {
        let flat = vec![ExceedancePoint {
            loss: 0.0,
            probability: 0.0,
        }];
        return summary([0.0; 4], 0.0, flat);
    }

    // Pass 2: each loss's place, counted per place.
    let places = Places::new(smallest, max);
    let placed = in_parts(parts.len(), threads, |i, _: &mut ()| {
        let part = &parts[i];
        let mut counts = vec![0usize; places.count()];
        let at: Vec<u8> = part
            .iter()
            .map(|&loss| {
                let place = places.of(loss);
                counts[place] += 1;
                place as u8
            })
            .collect();
        (at, counts)
    });
    let mut below = vec![0usize; places.count()];
    for (_, counts) in &placed {
        for (sum, count) in below.iter_mut().zip(counts) {
            *sum += count;
        }
    }
    // Losses before each place, in ascending order of loss.
    let mut before = vec![0usize; places.count()];
    for p in 1..places.count() {
        before[p] = before[p - 1] + below[p - 1];
    }
    let place_of_rank = |k: usize| (1..places.count()).rfind(|&p| before[p] <= k).unwrap_or(1);

    // The ranks wanted among the positive losses (ascending, 0-based): the percentiles
    // above the loss-free years, and the first of the worst 1% of years.
    let quantile_ranks: Vec<Option<usize>> = [0.50, 0.90, 0.95, 0.99]
        .iter()
        .map(|q| {
            let rank = ((q * n as f64).ceil() as usize).clamp(1, n) - 1;
            rank.checked_sub(zeros)
        })
        .collect();
    let tail_from = positives.checked_sub(tail);
    let mut wanted: Vec<usize> = quantile_ranks
        .iter()
        .chain(std::iter::once(&tail_from))
        .flatten()
        .map(|&k| place_of_rank(k))
        .collect();
    wanted.sort_unstable();
    wanted.dedup();
    let mut slot_of = vec![usize::MAX; places.count()];
    for (slot, &place) in wanted.iter().enumerate() {
        slot_of[place] = slot;
    }
    let tail_place = tail_from.map(place_of_rank);

    // Pass 3: gather the wanted places' losses, and sum the losses above the tail's place.
    let gathered = in_parts(parts.len(), threads, |i, _: &mut ()| {
        let (part, at) = (&parts[i], &placed[i].0);
        let mut slots: Vec<Vec<f64>> = vec![Vec::new(); wanted.len()];
        let mut above_tail = 0.0;
        for (&loss, &place) in part.iter().zip(at) {
            let place = usize::from(place);
            let slot = slot_of[place];
            if slot != usize::MAX {
                slots[slot].push(loss);
            }
            if tail_place.is_some_and(|t| place > t) {
                above_tail += loss;
            }
        }
        (slots, above_tail)
    });
    let mut slots: Vec<Vec<f64>> = vec![Vec::new(); wanted.len()];
    let mut above_tail = 0.0;
    for (part_slots, part_above) in gathered {
        for (slot, values) in slots.iter_mut().zip(part_slots) {
            slot.extend_from_slice(&values);
        }
        above_tail += part_above;
    }
    let mut select = |k: usize| -> f64 {
        let place = place_of_rank(k);
        kth(&mut slots[slot_of[place]], k - before[place])
    };
    let mut p = [0.0; 4];
    for (value, rank) in p.iter_mut().zip(&quantile_ranks) {
        *value = rank.map_or(0.0, &mut select);
    }
    let tail_sum = match (tail_from, tail_place) {
        (Some(from), Some(place)) => {
            let slot = &mut slots[slot_of[place]];
            let first = from - before[place];
            if first < slot.len() {
                kth(slot, first);
            }
            above_tail + slot[first..].iter().sum::<f64>()
        }
        _ => total,
    };
    let expected_shortfall99 = tail_sum / tail.max(1) as f64;

    // P(loss > threshold): the losses at places above it, over all years.
    let mut exceeding = 0usize;
    let mut curve = vec![
        ExceedancePoint {
            loss: 0.0,
            probability: 0.0
        };
        places.thresholds.len()
    ];
    for i in (0..places.thresholds.len()).rev() {
        exceeding += below[i + 1];
        curve[i] = ExceedancePoint {
            loss: places.thresholds[i],
            probability: exceeding as f64 / n as f64,
        };
    }
    summary(p, expected_shortfall99, curve)
}

/// ln(x) within 0.06 for positive normal x, from the float's exponent and mantissa
/// (log2 x ≈ exponent + mantissa − 1): a few instructions instead of a libm call.
#[inline]
fn approximate_ln(x: f64) -> f64 {
    let bits = x.to_bits();
    let exponent = ((bits >> 52) & 0x7ff) as i64 - 1023;
    let mantissa = f64::from_bits((bits & 0x000f_ffff_ffff_ffff) | 0x3ff0_0000_0000_0000);
    (exponent as f64 + mantissa - 1.0) * std::f64::consts::LN_2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_known_sample() {
        let losses: Vec<f64> = (0..100)
            .map(|i| if i < 50 { 0.0 } else { (i - 49) as f64 })
            .collect();
        let s = LossSummary::from_losses(losses);
        assert_eq!(s.probability_of_zero_loss, 0.5);
        assert_eq!(s.p50, 0.0);
        assert_eq!(s.p90, 40.0);
        assert_eq!(s.p99, 49.0);
        assert_eq!(s.max, 50.0);
        assert_eq!(s.expected_shortfall99, 50.0);
        assert_eq!(s.mean, (1..=50).sum::<i32>() as f64 / 100.0);
        assert_eq!(
            s.exceedance_curve[0],
            ExceedancePoint {
                loss: 0.0,
                probability: 0.5
            }
        );
    }

    #[test]
    fn approximate_ln_is_close() {
        for x in [1e-3, 0.5, 1.0, 1.5, 2.0, 3.0, 1234.5, 9.9e7, 1e15] {
            assert!((approximate_ln(x) - f64::ln(x)).abs() < 0.061, "{x}");
        }
    }

    #[test]
    fn curve_matches_direct_counting() {
        let losses: Vec<f64> = (1..=5000)
            .map(|i| (i as f64 * 7.3).powf(1.7) * if i % 3 == 0 { 0.0 } else { 1.0 })
            .collect();
        let n = losses.len() as f64;
        let s = LossSummary::from_losses(losses.clone());
        for point in &s.exceedance_curve {
            let direct = losses.iter().filter(|&&x| x > point.loss).count() as f64 / n;
            assert_eq!(point.probability, direct, "at {}", point.loss);
        }
    }

    #[test]
    fn all_zero_years() {
        let s = LossSummary::from_losses(vec![0.0; 10]);
        assert_eq!(
            (s.mean, s.p99, s.max, s.probability_of_zero_loss),
            (0.0, 0.0, 0.0, 1.0)
        );
    }
}
