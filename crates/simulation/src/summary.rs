//! From simulated annual losses to the figures a risk owner reads: mean, percentiles,
//! value at risk, expected shortfall, chance of a loss-free year and the loss exceedance
//! curve. Linear-time selection, not a full sort: most simulated years are loss-free
//! and only a handful of order statistics are needed.

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
    pub fn from_positive_losses(mut positive: Vec<f64>, years: usize) -> Self {
        let n = years.max(positive.len()).max(1);
        let zeros = n - positive.len();
        let total: f64 = positive.iter().sum();
        let max = positive.iter().copied().fold(0.0_f64, f64::max);
        let min = if zeros > 0 {
            0.0
        } else {
            positive.iter().copied().fold(f64::INFINITY, f64::min)
        };
        let positive = positive.as_mut_slice();
        // Inverse-CDF quantiles (the ceil(q·n)-th smallest year), selected in increasing
        // order: each selection leaves everything larger to its right, so the next one
        // only searches that remainder.
        let mut searched_from = 0;
        let mut quantile = |q: f64| -> f64 {
            let rank = ((q * n as f64).ceil() as usize).clamp(1, n) - 1;
            if rank < zeros {
                return 0.0;
            }
            let k = rank - zeros;
            let from = searched_from.min(k);
            let value = kth(&mut positive[from..], k - from);
            searched_from = k + 1;
            value
        };
        let (p50, p90, p95, p99) = (
            quantile(0.50),
            quantile(0.90),
            quantile(0.95),
            quantile(0.99),
        );
        // Worst 1% of years: the `tail` largest, found above the P99 selection.
        let tail = (n as f64 * 0.01).ceil() as usize;
        let tail_sum: f64 = if tail <= positive.len() {
            let from = positive.len() - tail;
            let searched = searched_from.min(from);
            if from < positive.len() {
                kth(&mut positive[searched..], from - searched);
            }
            positive[from..].iter().sum()
        } else {
            positive.iter().sum()
        };
        let expected_shortfall99 = tail_sum / tail.max(1) as f64;
        let exceedance_curve = exceedance_curve(positive, n, max);
        Self {
            iterations: n as u64,
            mean: total / n as f64,
            p50,
            p90,
            p95,
            p99,
            var95: p95,
            var99: p99,
            expected_shortfall99,
            probability_of_zero_loss: zeros as f64 / n as f64,
            min: if min.is_finite() { min } else { 0.0 },
            max,
            exceedance_curve,
        }
    }
}

/// P(annual loss > t) at thresholds spaced evenly in log between the smallest positive
/// loss and the largest, starting from 0.
fn exceedance_curve(positive: &[f64], n: usize, max: f64) -> Vec<ExceedancePoint> {
    let smallest = positive.iter().copied().fold(f64::INFINITY, f64::min);
    if positive.is_empty() || !smallest.is_finite() {
        return vec![ExceedancePoint {
            loss: 0.0,
            probability: 0.0,
        }];
    }
    let (lo, hi) = (smallest.ln(), max.ln().max(smallest.ln()));
    let mut thresholds = vec![0.0];
    thresholds.extend(
        (0..CURVE_POINTS - 1)
            .map(|i| (lo + (hi - lo) * i as f64 / (CURVE_POINTS - 2) as f64).exp()),
    );
    // Each loss exceeds the thresholds below it: count by bucket, then sum from the top.
    let mut below = vec![0u64; thresholds.len() + 1];
    // Thresholds after 0 are geometric, so a logarithm finds a loss's place; a cheap
    // approximate one suffices because the comparisons after it make the place exact.
    let step = (hi - lo) / (CURVE_POINTS - 2) as f64;
    let last = thresholds.len() - 1;
    for &loss in positive {
        let guess = if step > 0.0 {
            (((approximate_ln(loss) - lo) / step) as usize + 1).min(last + 1)
        } else {
            1
        };
        let mut place = guess.clamp(1, last + 1);
        while place > 1 && thresholds[place - 1] >= loss {
            place -= 1;
        }
        while place <= last && thresholds[place] < loss {
            place += 1;
        }
        below[place] += 1;
    }
    let mut exceeding = 0u64;
    let mut counts = vec![0u64; thresholds.len()];
    for i in (0..thresholds.len()).rev() {
        exceeding += below[i + 1];
        counts[i] = exceeding;
    }
    thresholds
        .into_iter()
        .zip(counts)
        .map(|(loss, count)| ExceedancePoint {
            loss,
            probability: count as f64 / n as f64,
        })
        .collect()
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
