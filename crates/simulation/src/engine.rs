//! Sampling simulated years. Years are generated in fixed chunks, each with its own
//! random stream derived from (seed, risk, chunk), so results do not depend on how many
//! threads share the chunks.

use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};
use rand_distr::{Distribution, LogNormal, Pert, Poisson};

use crate::model::{Frequency, Magnitude, RiskModel, SimError, Stage, Z95, check_iterations};
use crate::parallel::in_parts;
use crate::summary::{LossSummary, summarize};

/// Simulated years per random stream.
const CHUNK: usize = 1 << 16;

pub(crate) enum MagnitudeSampler {
    LogNormal(LogNormal<f64>),
    Pert(Pert<f64>),
}

impl MagnitudeSampler {
    pub(crate) fn new(magnitude: &Magnitude, what: &'static str) -> Result<Self, SimError> {
        magnitude.validate(what)?;
        Ok(match *magnitude {
            Magnitude::LogNormal90 { low, high } => {
                let mu = (low.ln() + high.ln()) / 2.0;
                let sigma = (high.ln() - low.ln()) / (2.0 * Z95);
                MagnitudeSampler::LogNormal(LogNormal::new(mu, sigma).map_err(rejected(what))?)
            }
            Magnitude::Pert {
                min,
                most_likely,
                max,
            } => MagnitudeSampler::Pert(
                Pert::new(min, max)
                    .with_mode(most_likely)
                    .map_err(rejected(what))?,
            ),
        })
    }

    #[inline]
    pub(crate) fn sample(&self, rng: &mut Xoshiro256PlusPlus) -> f64 {
        match self {
            MagnitudeSampler::LogNormal(d) => d.sample(rng),
            MagnitudeSampler::Pert(d) => d.sample(rng),
        }
    }
}

enum FrequencySampler {
    /// Poisson with the (already reduced) rate; `None` when the rate is zero.
    Fixed(Option<Poisson<f64>>),
    /// A PERT-drawn rate per year, then scaled by the reduction.
    PerYear(Pert<f64>, f64),
}

/// Everything needed to draw one risk's years.
pub(crate) struct RiskSampler {
    frequency: FrequencySampler,
    magnitude: MagnitudeSampler,
    magnitude_scale: f64,
    secondary: Option<(f64, MagnitudeSampler)>,
}

impl RiskSampler {
    pub(crate) fn new(model: &RiskModel, stage: Stage) -> Result<Self, SimError> {
        model.validate()?;
        let (keep_frequency, keep_magnitude) = model.reductions(stage);
        let frequency = match model.frequency {
            Frequency::Rate(rate) => {
                let rate = rate * keep_frequency;
                FrequencySampler::Fixed(if rate > 0.0 {
                    Some(Poisson::new(rate).map_err(rejected("event frequency"))?)
                } else {
                    None
                })
            }
            Frequency::Pert {
                min,
                most_likely,
                max,
            } => FrequencySampler::PerYear(
                Pert::new(min, max)
                    .with_mode(most_likely)
                    .map_err(rejected("event frequency"))?,
                keep_frequency,
            ),
        };
        Ok(Self {
            frequency,
            magnitude: MagnitudeSampler::new(&model.magnitude, "loss magnitude")?,
            magnitude_scale: keep_magnitude,
            secondary: match &model.secondary {
                Some(s) => Some((
                    s.probability,
                    MagnitudeSampler::new(&s.magnitude, "secondary loss magnitude")?,
                )),
                None => None,
            },
        })
    }

    /// The loss of a year with `events` loss events.
    #[inline]
    fn loss_of(&self, rng: &mut Xoshiro256PlusPlus, events: u64) -> f64 {
        let mut loss = 0.0;
        for _ in 0..events {
            loss += self.magnitude.sample(rng);
            if let Some((probability, secondary)) = &self.secondary
                && rng.random_bool(*probability)
            {
                loss += secondary.sample(rng);
            }
        }
        loss * self.magnitude_scale
    }

    /// Draws `years` simulated years and hands each year with events to `sink` as
    /// (year index, loss). The frequency's kind is matched once, outside the year loop.
    #[inline]
    fn for_each_loss_year(
        &self,
        rng: &mut Xoshiro256PlusPlus,
        years: usize,
        mut sink: impl FnMut(usize, f64),
    ) {
        match &self.frequency {
            FrequencySampler::Fixed(None) => {}
            FrequencySampler::Fixed(Some(poisson)) => {
                for year in 0..years {
                    let events = poisson.sample(rng) as u64;
                    if events > 0 {
                        sink(year, self.loss_of(rng, events));
                    }
                }
            }
            FrequencySampler::PerYear(rate, keep) => {
                for year in 0..years {
                    let rate = rate.sample(rng) * keep;
                    let events = if rate > 0.0 {
                        Poisson::new(rate).map_or(0, |p| p.sample(rng) as u64)
                    } else {
                        0
                    };
                    if events > 0 {
                        sink(year, self.loss_of(rng, events));
                    }
                }
            }
        }
    }

    /// Adds this risk's loss for each year of `years`.
    fn add_years(&self, rng: &mut Xoshiro256PlusPlus, years: &mut [f64]) {
        self.for_each_loss_year(rng, years.len(), |year, loss| years[year] += loss);
    }

    /// The losses of the years with a loss among `years` simulated years, in order: the
    /// same draws as [`Self::add_years`], without storing the loss-free majority.
    /// `scratch` is a reused buffer: it stays warm in cache, and the part returned is
    /// allocated at its exact size.
    fn positive_years(
        &self,
        rng: &mut Xoshiro256PlusPlus,
        years: usize,
        scratch: &mut Vec<f64>,
    ) -> Vec<f64> {
        scratch.clear();
        scratch.reserve(years);
        self.for_each_loss_year(rng, years, |_, loss| {
            if loss > 0.0 {
                scratch.push(loss);
            }
        });
        scratch.as_slice().to_vec()
    }
}

/// rand_distr refusing parameters we validated: report it as the parameter it names.
fn rejected<E>(what: &'static str) -> impl Fn(E) -> SimError {
    move |_| SimError::NotFinite {
        what,
        value: f64::NAN,
    }
}

fn splitmix64(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// The random stream of one risk's share of one chunk of years.
fn stream(seed: u64, risk: u64, chunk: u64) -> Xoshiro256PlusPlus {
    Xoshiro256PlusPlus::seed_from_u64(splitmix64(
        seed ^ splitmix64(risk.wrapping_mul(0x1_0000_0001) ^ splitmix64(chunk)),
    ))
}

/// Annual losses, summed over `risks`, for `years` simulated years.
fn annual_losses(risks: &[RiskSampler], years: usize, seed: u64, threads: usize) -> Vec<f64> {
    let mut losses = vec![0.0; years];
    let fill = |index: usize, chunk: &mut [f64]| {
        for (r, risk) in risks.iter().enumerate() {
            risk.add_years(&mut stream(seed, r as u64, index as u64), chunk);
        }
    };
    let chunks = years.div_ceil(CHUNK);
    let threads = threads.clamp(1, chunks.max(1));
    if threads == 1 {
        losses
            .chunks_mut(CHUNK)
            .enumerate()
            .for_each(|(i, c)| fill(i, c));
        return losses;
    }
    let mut shares: Vec<Vec<(usize, &mut [f64])>> = (0..threads).map(|_| Vec::new()).collect();
    for (i, chunk) in losses.chunks_mut(CHUNK).enumerate() {
        shares[i % threads].push((i, chunk));
    }
    std::thread::scope(|scope| {
        for share in shares {
            let fill = &fill;
            scope.spawn(move || share.into_iter().for_each(|(i, c)| fill(i, c)));
        }
    });
    losses
}

/// Losses of the years with a loss, for one risk, one part per chunk in chunk order.
fn positive_losses(risk: &RiskSampler, years: usize, seed: u64, threads: usize) -> Vec<Vec<f64>> {
    // Each thread fills one scratch buffer, warm in cache, and keeps exact-size parts.
    in_parts(
        years.div_ceil(CHUNK),
        threads,
        |i, scratch: &mut Vec<f64>| {
            risk.positive_years(
                &mut stream(seed, 0, i as u64),
                CHUNK.min(years - i * CHUNK),
                scratch,
            )
        },
    )
}

/// Simulates `iterations` years of one risk at `stage`.
pub fn simulate_risk(
    model: &RiskModel,
    stage: Stage,
    iterations: u64,
    seed: u64,
    threads: usize,
) -> Result<LossSummary, SimError> {
    let years = check_iterations(iterations)?;
    let sampler = RiskSampler::new(model, stage)?;
    Ok(summarize(
        &positive_losses(&sampler, years, seed, threads),
        years,
        threads,
    ))
}

/// Simulates `iterations` years of an outcome: each year's loss is the sum of its risks'.
pub fn simulate_outcome(
    risks: &[RiskModel],
    stage: Stage,
    iterations: u64,
    seed: u64,
    threads: usize,
) -> Result<LossSummary, SimError> {
    let years = check_iterations(iterations)?;
    if risks.is_empty() {
        return Err(SimError::NoRisks);
    }
    let samplers = risks
        .iter()
        .map(|r| RiskSampler::new(r, stage))
        .collect::<Result<Vec<_>, _>>()?;
    let losses = annual_losses(&samplers, years, seed, threads);
    let parts: Vec<Vec<f64>> = losses
        .chunks(CHUNK)
        .map(|chunk| chunk.iter().copied().filter(|&loss| loss > 0.0).collect())
        .collect();
    Ok(summarize(&parts, years, threads))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ninety_percent_of_event_losses_fall_inside_the_interval() {
        let sampler = MagnitudeSampler::new(
            &Magnitude::LogNormal90 {
                low: 10_000.0,
                high: 2_000_000.0,
            },
            "m",
        )
        .unwrap();
        let mut rng = stream(7, 0, 0);
        let n = 400_000;
        let inside = (0..n)
            .map(|_| sampler.sample(&mut rng))
            .filter(|x| (10_000.0..=2_000_000.0).contains(x))
            .count();
        let share = inside as f64 / n as f64;
        assert!((share - 0.90).abs() < 0.003, "{share}");
    }
}
