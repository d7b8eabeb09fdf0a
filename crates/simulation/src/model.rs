//! What a simulation is given: loss event frequency, loss magnitude, controls, and the
//! checks that turn bad parameters into clear errors instead of panics.

/// Most simulated years one run may ask for.
pub const MAX_ITERATIONS: u64 = 10_000_000;

/// Why a model cannot be simulated. Each message says what to change.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SimError {
    #[error("iterations must be between 1 and {MAX_ITERATIONS}; got {0}")]
    Iterations(u64),
    #[error("{what} must be a finite number; got {value}")]
    NotFinite { what: &'static str, value: f64 },
    #[error("{what} must not be negative; got {value}")]
    Negative { what: &'static str, value: f64 },
    #[error("{what}: the 90% interval needs 0 < low < high; got low {low}, high {high}")]
    Interval {
        what: &'static str,
        low: f64,
        high: f64,
    },
    #[error("{what}: PERT needs min <= most likely <= max and min < max; got {min}, {mode}, {max}")]
    Pert {
        what: &'static str,
        min: f64,
        mode: f64,
        max: f64,
    },
    #[error("{what} must be a probability between 0 and 1; got {value}")]
    Probability { what: &'static str, value: f64 },
    #[error("an outcome simulation needs at least one risk")]
    NoRisks,
}

/// Loss events per year.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Frequency {
    /// A fixed Poisson rate.
    Rate(f64),
    /// A rate drawn for each simulated year from PERT(min, most likely, max).
    Pert {
        min: f64,
        most_likely: f64,
        max: f64,
    },
}

/// Loss per event.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Magnitude {
    /// Lognormal whose 5th and 95th percentiles are `low` and `high`.
    LogNormal90 { low: f64, high: f64 },
    /// PERT(min, most likely, max).
    Pert {
        min: f64,
        most_likely: f64,
        max: f64,
    },
}

/// A loss that follows some primary events (fines, lawsuits, customer churn).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Secondary {
    /// Chance that a primary event also causes this loss.
    pub probability: f64,
    pub magnitude: Magnitude,
}

/// What a control reduces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ControlTarget {
    Frequency,
    Magnitude,
    Both,
}

/// A control acting on a risk.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Control {
    /// 0 (no effect) to 1 (removes what it targets).
    pub effectiveness: f64,
    pub target: ControlTarget,
    /// Planned controls count only in the residual stage.
    pub planned: bool,
}

/// Which controls apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// No controls at all.
    Inherent,
    /// Controls in place today.
    Current,
    /// Controls in place plus those planned.
    Residual,
}

/// One risk's loss model.
#[derive(Debug, Clone, PartialEq)]
pub struct RiskModel {
    pub frequency: Frequency,
    pub magnitude: Magnitude,
    pub secondary: Option<Secondary>,
    pub controls: Vec<Control>,
}

/// σ of a lognormal from its 90% interval: (ln hi − ln lo) / (2 · z₀.₉₅).
pub(crate) const Z95: f64 = 1.644_853_6;

fn finite(what: &'static str, value: f64) -> Result<f64, SimError> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(SimError::NotFinite { what, value })
    }
}

fn pert(what: &'static str, min: f64, mode: f64, max: f64) -> Result<(), SimError> {
    for v in [min, mode, max] {
        finite(what, v)?;
    }
    if min < 0.0 {
        return Err(SimError::Negative { what, value: min });
    }
    if !(min <= mode && mode <= max && min < max) {
        return Err(SimError::Pert {
            what,
            min,
            mode,
            max,
        });
    }
    Ok(())
}

impl Magnitude {
    pub(crate) fn validate(&self, what: &'static str) -> Result<(), SimError> {
        match *self {
            Magnitude::LogNormal90 { low, high } => {
                finite(what, low)?;
                finite(what, high)?;
                if !(low > 0.0 && low < high) {
                    return Err(SimError::Interval { what, low, high });
                }
                Ok(())
            }
            Magnitude::Pert {
                min,
                most_likely,
                max,
            } => pert(what, min, most_likely, max),
        }
    }
}

impl RiskModel {
    /// Checks every parameter; the engine runs only validated models.
    pub fn validate(&self) -> Result<(), SimError> {
        match self.frequency {
            Frequency::Rate(rate) => {
                finite("event frequency", rate)?;
                if rate < 0.0 {
                    return Err(SimError::Negative {
                        what: "event frequency",
                        value: rate,
                    });
                }
            }
            Frequency::Pert {
                min,
                most_likely,
                max,
            } => pert("event frequency", min, most_likely, max)?,
        }
        self.magnitude.validate("loss magnitude")?;
        if let Some(secondary) = &self.secondary {
            let p = finite("secondary loss probability", secondary.probability)?;
            if !(0.0..=1.0).contains(&p) {
                return Err(SimError::Probability {
                    what: "secondary loss probability",
                    value: p,
                });
            }
            secondary.magnitude.validate("secondary loss magnitude")?;
        }
        for control in &self.controls {
            let e = finite("control effectiveness", control.effectiveness)?;
            if !(0.0..=1.0).contains(&e) {
                return Err(SimError::Probability {
                    what: "control effectiveness",
                    value: e,
                });
            }
        }
        Ok(())
    }

    /// Multipliers (frequency, magnitude) the stage's controls apply: Π (1 − effectiveness).
    pub(crate) fn reductions(&self, stage: Stage) -> (f64, f64) {
        let applies = |c: &&Control| match stage {
            Stage::Inherent => false,
            Stage::Current => !c.planned,
            Stage::Residual => true,
        };
        let mut frequency = 1.0;
        let mut magnitude = 1.0;
        for control in self.controls.iter().filter(applies) {
            let keep = 1.0 - control.effectiveness;
            if matches!(
                control.target,
                ControlTarget::Frequency | ControlTarget::Both
            ) {
                frequency *= keep;
            }
            if matches!(
                control.target,
                ControlTarget::Magnitude | ControlTarget::Both
            ) {
                magnitude *= keep;
            }
        }
        (frequency, magnitude)
    }
}

pub(crate) fn check_iterations(iterations: u64) -> Result<usize, SimError> {
    if iterations == 0 || iterations > MAX_ITERATIONS {
        return Err(SimError::Iterations(iterations));
    }
    Ok(iterations as usize)
}
