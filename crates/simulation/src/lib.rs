//! The loss engine behind `list_simulations`: FAIR-style Monte Carlo of annual loss for a
//! risk, or for an outcome as the sum of its risks. Pure compute (no IO, no async), and
//! deterministic: the same model, seed and iteration count give the same results on any
//! number of threads.

mod engine;
mod model;
mod parallel;
mod summary;

pub use engine::{simulate_outcome, simulate_risk};
pub use model::{
    Control, ControlTarget, Frequency, MAX_ITERATIONS, Magnitude, RiskModel, Secondary, SimError,
    Stage,
};
pub use summary::{ExceedancePoint, LossSummary};
