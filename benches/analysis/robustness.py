#!/usr/bin/env python3
"""Rank robustness in numpy: the same computation as `ifn_core::analysis::robustness`.

Reads what `cargo bench -p ifn-core --bench robustness_numpy` wrote to DIR (base-unit classes,
populations, communes, weights, draw parameters), redoes the Monte Carlo over the weights and
the leave-one-out the straightforward vectorised way (matrix products for the unit totals,
bincount roll-ups, argsort ranks, numpy percentiles), times it, and compares its output with
the Rust CSV (DIR/rust.csv).

    python3 benches/analysis/robustness.py DIR [RUNS]

The draws are the very same as Rust's: SplitMix64 seeded from (seed, draw index), written
with numpy uint64 arithmetic.
"""

import csv
import json
import math
import sys
import time

import numpy as np

GAMMA = np.uint64(0x9E3779B97F4A7C15)
M1 = np.uint64(0xBF58476D1CE4E5B9)
M2 = np.uint64(0x94D049BB133111EB)
DRAW = np.uint64(0xD1B54A32D192ED03)
GRID = float(1 << 28)
BATCH = 50  # draws per matrix product (memory: units x BATCH doubles, several times)


def mix(z):
    z = (z ^ (z >> np.uint64(30))) * M1
    z = (z ^ (z >> np.uint64(27))) * M2
    return z ^ (z >> np.uint64(31))


def draw_weights(weights, draws, spread, seed):
    """draws x k weights, bit for bit those of the Rust side."""
    d = np.arange(draws, dtype=np.uint64)
    z = mix((np.uint64(seed) ^ (d * DRAW)) + GAMMA)  # the per-draw seed
    out = np.empty((draws, len(weights)))
    for j, w in enumerate(weights):
        step = np.uint64((0x9E3779B97F4A7C15 * (j + 1)) % (1 << 64))
        bits = mix(z + step) >> np.uint64(11)
        u = bits.astype(np.float64) / float(1 << 53)
        out[:, j] = w * (1.0 - spread + 2.0 * spread * u)
    return out


def totals(C, P, pop, commune, n, W):
    """Commune totals for weight columns W (k x B): n x B."""
    num = C @ W
    den = P @ W
    with np.errstate(invalid="ignore", divide="ignore"):
        t = num / den
    valid = den > 0
    b = W.shape[1]
    # One bincount for all draws: commune index + n * draw index.
    idx = (commune[:, None] + n * np.arange(b)[None, :]).ravel()
    size = n * b
    tv = np.where(valid, t, 0.0)
    pw = np.where(valid, pop[:, None], 0.0)
    sw = np.bincount(idx, weights=(tv * pop[:, None]).ravel(), minlength=size)
    w = np.bincount(idx, weights=pw.ravel(), minlength=size)
    su = np.bincount(idx, weights=tv.ravel(), minlength=size)
    cnt = np.bincount(idx, weights=valid.ravel().astype(np.float64), minlength=size)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(w > 0, sw / w, np.where(cnt > 0, su / cnt, np.nan))
    return out.reshape(b, n).T


def min_ranks(T):
    """Ranks per column (1 = highest; ties take the smallest rank); 0 for NaN."""
    q = np.round(T * GRID)
    key = np.where(np.isnan(q), np.inf, -q)
    order = np.argsort(key, axis=0, kind="stable")
    s = np.take_along_axis(key, order, axis=0)
    pos = np.arange(T.shape[0])[:, None] * np.ones((1, T.shape[1]), dtype=np.int64)
    new = np.ones_like(s, dtype=bool)
    new[1:] = s[1:] != s[:-1]
    first = np.maximum.accumulate(np.where(new, pos, 0), axis=0)
    ranks = np.empty_like(first)
    np.put_along_axis(ranks, order, first + 1, axis=0)
    return np.where(np.isinf(key), 0, ranks)


def robustness(C, P, pop, commune, n, weights, draws, spread, seed):
    W = draw_weights(weights, draws, spread, seed)
    R = np.empty((n, draws), dtype=np.int64)
    for start in range(0, draws, BATCH):
        stop = min(start + BATCH, draws)
        R[:, start:stop] = min_ranks(totals(C, P, pop, commune, n, W[start:stop].T))
    ranked = (R > 0).sum(axis=0)
    cut = np.ceil(ranked / 10.0)
    top = ((R > 0) & (R <= cut[None, :])).mean(axis=1)
    Rf = np.where(R > 0, R, np.nan).astype(np.float64)
    if np.isnan(Rf).any():
        p05, med, p95 = np.nanpercentile(Rf, [5, 50, 95], axis=1)
    else:
        p05, med, p95 = np.percentile(Rf, [5, 50, 95], axis=1)
    base = min_ranks(totals(C, P, pop, commune, n, np.array(weights)[:, None]))[:, 0]
    loo = []
    for k in range(len(weights)):
        w = np.array(weights)
        w[k] = 0.0
        loo.append(min_ranks(totals(C, P, pop, commune, n, w[:, None]))[:, 0])
    return base, med, p05, p95, top, np.array(loo).T


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "/tmp/ifn-bench-analysis"
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    params = json.load(open(f"{out}/params.json"))
    data = np.loadtxt(f"{out}/units.csv", delimiter=",", skiprows=1)
    commune = data[:, 0].astype(np.int64)
    pop = data[:, 1]
    C = data[:, 2:]
    P = (C > 0).astype(np.float64)
    n = params["territories"]
    args = (C, P, pop, commune, n, params["weights"], params["draws"], params["spread"], params["seed"])
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        result = robustness(*args)
        times.append(time.perf_counter() - t)
    times.sort()
    print(
        f"numpy {np.__version__}: {n} communes, {params['draws']} draws + leave-one-out: "
        f"best {times[0]:.3f} s, median {times[len(times) // 2]:.3f} s of {runs}"
    )
    print(f"NUMPY_SECONDS={times[0]:.6f}")

    # Same output as Rust?
    base, med, p05, p95, top, loo = result
    try:
        rows = list(csv.DictReader(open(f"{out}/rust.csv")))
    except FileNotFoundError:
        print("no rust.csv to compare with")
        return
    keys = params["indicators"]
    num = lambda s: float(s) if s != "" else math.nan
    agree = {"rank": 0, "rank_median": 0, "rank_p05": 0, "rank_p95": 0, "top_decile_share": 0, "rank_without": 0}
    for t, row in enumerate(rows):
        agree["rank"] += int(row["rank"] or 0) == base[t]
        agree["rank_median"] += num(row["rank_median"]) == med[t]
        agree["rank_p05"] += num(row["rank_p05"]) == p05[t]
        agree["rank_p95"] += num(row["rank_p95"]) == p95[t]
        agree["top_decile_share"] += abs(num(row["top_decile_share"]) - top[t]) < 1e-12
        agree["rank_without"] += all(int(row[f"rank_without_{k}"] or 0) == loo[t, j] for j, k in enumerate(keys))
    print("agreement with Rust (share of communes with the same value): " + ", ".join(
        f"{k} {v / len(rows):.4f}" for k, v in agree.items()))


if __name__ == "__main__":
    main()
