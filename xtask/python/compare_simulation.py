"""The Python side of `cargo xtask bench-sim`: the same one-risk annual-loss model in
vectorized numpy (compound Poisson-lognormal, as Netflix's riskquant does it), and the
closest model pyfair can express (annual loss = LEF x LM, both PERT), each timed with the
same outputs the Rust engine produces: mean, P50/P90/P95/P99, expected shortfall 99%,
probability of zero loss and a 100-point loss exceedance curve. Prints one JSON line.

Usage: compare_simulation.py RATE LOW HIGH ITERATIONS SEED RUNS
"""

import json
import math
import sys
import time

import numpy as np

Z95 = 1.6448536


def summarize(losses: np.ndarray) -> dict:
    p50, p90, p95, p99 = np.percentile(losses, [50, 90, 95, 99])
    ordered = np.sort(losses)
    tail = ordered[-max(1, math.ceil(len(losses) * 0.01)):]
    positive = ordered[ordered > 0]
    if len(positive):
        grid = np.concatenate([[0.0], np.geomspace(positive[0], ordered[-1], 99)])
    else:
        grid = np.zeros(1)
    exceed = 1.0 - np.searchsorted(ordered, grid, side="right") / len(losses)
    return {
        "mean": float(losses.mean()), "p50": float(p50), "p90": float(p90), "p95": float(p95),
        "p99": float(p99), "es99": float(tail.mean()), "zero": float((losses == 0).mean()),
        "curve_points": int(len(exceed)),
    }


def numpy_model(rate, low, high, n, seed):
    rng = np.random.default_rng(seed)
    mu = (math.log(low) + math.log(high)) / 2
    sigma = (math.log(high) - math.log(low)) / (2 * Z95)
    counts = rng.poisson(rate, n)
    magnitudes = rng.lognormal(mu, sigma, int(counts.sum()))
    years = np.repeat(np.arange(n), counts)
    losses = np.bincount(years, weights=magnitudes, minlength=n)
    return summarize(losses)


def pyfair_model(rate, low, high, n, seed):
    import pyfair
    np.random.seed(seed)
    model = pyfair.FairModel(name="bench", n_simulations=n, random_seed=seed)
    model.input_data("Loss Event Frequency", low=rate / 3, mode=rate, high=rate * 3)
    model.input_data("Loss Magnitude", low=low, mode=math.sqrt(low * high), high=high)
    model.calculate_all()
    return summarize(model.export_results()["Risk"].to_numpy())


def best_of(runs, fn, *args):
    best, result = float("inf"), None
    for run in range(runs):
        started = time.perf_counter()
        result = fn(*args[:-1], args[-1] + run)
        best = min(best, (time.perf_counter() - started) * 1000)
    return best, result


def main():
    rate, low, high = (float(x) for x in sys.argv[1:4])
    n, seed, runs = (int(x) for x in sys.argv[4:7])
    numpy_ms, numpy_result = best_of(runs, numpy_model, rate, low, high, n, seed)
    pyfair_ms, pyfair_result = best_of(runs, pyfair_model, rate, low, high, n, seed)
    print(json.dumps({
        "numpy": dict(numpy_result, best_ms=numpy_ms),
        "pyfair": dict(pyfair_result, best_ms=pyfair_ms),
    }))


if __name__ == "__main__":
    main()
