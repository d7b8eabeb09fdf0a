//! `draxis-admin simulate`: Monte Carlo loss simulations (FAIR) for a risk, an
//! outcome, or all of them — computed here, or queued for a running server.

use clap::Args;
use draxis_app::App;
use draxis_domain::repository::RefKind;
use draxis_domain::simulations::Subject;

use super::support::lookup;

#[derive(Debug, Args)]
pub struct SimulateArgs {
    #[arg(long)]
    tenant: String,
    /// A risk, by ref or id (risk_3).
    #[arg(long, group = "subject")]
    risk: Option<String>,
    /// An outcome, by ref (O-01) or id (out_2): its risks' losses summed per year.
    #[arg(long, group = "subject")]
    outcome: Option<String>,
    /// Every risk and every outcome of the tenant.
    #[arg(long, group = "subject")]
    all: bool,
    /// Simulated years (1-10,000,000).
    #[arg(long, default_value_t = draxis_domain::simulations::DEFAULT_ITERATIONS)]
    iterations: u64,
    /// Random seed: the same seed and register give the same results.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Only queue the runs; a running draxis-server computes them in the background.
    #[arg(long)]
    queue: bool,
}

pub async fn run(app: &App, args: SimulateArgs) -> anyhow::Result<()> {
    let SimulateArgs {
        tenant,
        risk,
        outcome,
        all,
        iterations,
        seed,
        queue,
    } = args;
    let store = &app.store;
    let tenant = store.require_tenant(&tenant).await?;
    let service = &app.simulations;
    let subject = match (risk, outcome, all) {
        (Some(key), _, _) => Some(Subject::Risk(
            lookup(store, &tenant, RefKind::Risk, &key).await?,
        )),
        (_, Some(key), _) => Some(Subject::Outcome(
            lookup(store, &tenant, RefKind::Outcome, &key).await?,
        )),
        (_, _, true) => None,
        _ => anyhow::bail!("say what to simulate: --risk REF, --outcome REF or --all"),
    };
    match (subject, queue) {
        (Some(subject), true) => {
            let id = service
                .enqueue(tenant.id, subject, iterations, seed)
                .await?;
            eprintln!("queued simulation sim_{id}; a running draxis-server will compute it");
        }
        (Some(subject), false) => {
            let started = std::time::Instant::now();
            let (id, results) = service
                .run_now(tenant.id, subject, iterations, seed, threads())
                .await?;
            eprintln!(
                "sim_{id}: {iterations} years in {:.0} ms; mean annual loss {:.0}, P90 {:.0}, P99 {:.0}, expected shortfall 99% {:.0}, no-loss years {:.1}%",
                started.elapsed().as_secs_f64() * 1000.0,
                results.mean_annual_loss,
                results.p90,
                results.p99,
                results.expected_shortfall99,
                results.probability_of_zero_loss * 100.0
            );
        }
        (None, true) => anyhow::bail!("--queue takes one --risk or --outcome"),
        (None, false) => {
            let started = std::time::Instant::now();
            let runs = service
                .run_all(tenant.id, iterations, seed, threads())
                .await?;
            eprintln!(
                "{runs} simulations of {iterations} years in {:.0} ms",
                started.elapsed().as_secs_f64() * 1000.0
            );
        }
    }
    Ok(())
}

fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}
