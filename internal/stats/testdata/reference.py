#!/usr/bin/python3
"""Generates reference.json: the drift statistics as SciPy computes them.

Run once with /usr/bin/python3 (numpy, scipy) from internal/stats:
    /usr/bin/python3 testdata/reference.py > testdata/reference.json
The Go tests compare against the committed JSON and never run Python.

Large samples are not stored: a case may name a generator ("gen") that both
this script and the Go test evaluate identically in IEEE float64:
    x_i = ((i*mul) % mod) / scale + ((i*mul2) % mod2) / scale2 + shift
"""
import json
import sys

import numpy as np
import scipy
import scipy.special
from scipy import stats
from scipy.spatial.distance import jensenshannon

FLOOR = 1e-4
BINS = 10


def gen(g):
    i = np.arange(g["n"], dtype=np.int64)
    x = ((i * g["mul"]) % g["mod"]) / g["scale"]
    x = x + ((i * g["mul2"]) % g["mod2"]) / g["scale2"]
    return x + g["shift"]


def values(spec):
    if isinstance(spec, dict):
        return gen(spec)
    return np.asarray([np.nan if v is None else v for v in spec], dtype=float)


def numeric(ref, cur):
    ref = ref[~np.isnan(ref)]
    cur = cur[~np.isnan(cur)]
    if ref.size == 0 or cur.size == 0:
        return {"empty": True}
    q = np.linspace(0, 1, BINS + 1)[1:-1]
    edges = np.unique(np.quantile(ref, q))
    rc = np.bincount(np.searchsorted(edges, ref, side="right"), minlength=edges.size + 1)
    cc = np.bincount(np.searchsorted(edges, cur, side="right"), minlength=edges.size + 1)
    rs = np.clip(rc / rc.sum(), FLOOR, None)
    cs = np.clip(cc / cc.sum(), FLOOR, None)
    ks = stats.ks_2samp(ref, cur, alternative="two-sided", method="auto")
    return {
        "edges": edges.tolist(),
        "ref_counts": rc.tolist(),
        "cur_counts": cc.tolist(),
        "psi": float(np.sum((cs - rs) * np.log(cs / rs))),
        "kl": float(np.sum(cs * np.log(cs / rs))),
        "js_distance": float(jensenshannon(rs, cs)),
        "ks_statistic": float(ks.statistic),
        "ks_pvalue": float(ks.pvalue),
        "wasserstein": float(stats.wasserstein_distance(ref, cur)),
    }


def categorical(ref, cur):
    cats = sorted(set(ref) | set(cur))
    a = np.array([ref.get(c, 0) for c in cats])
    b = np.array([cur.get(c, 0) for c in cats])
    if a.sum() == 0 or b.sum() == 0:
        return {"empty": True}
    chi2, p, dof, _ = stats.chi2_contingency(np.vstack([a, b]))
    rs = np.clip(a / a.sum(), FLOOR, None)
    cs = np.clip(b / b.sum(), FLOOR, None)
    return {
        "chi2": float(chi2), "chi2_pvalue": float(p), "dof": int(dof),
        "psi": float(np.sum((cs - rs) * np.log(cs / rs))),
        "js_distance": float(jensenshannon(rs, cs)),
        "new_categories": [c for c in cats if ref.get(c, 0) == 0],
    }


def bh(ps):
    """Benjamini-Hochberg adjusted p-values by the definition
    q_(i) = min_{j>=i} p_(j) m / j, evaluated directly (O(m^2))."""
    ps = np.asarray(ps, dtype=float)
    m = ps.size
    order = np.argsort(ps, kind="stable")
    sp = ps[order]
    q = np.empty(m)
    for i in range(m):
        q[i] = min(1.0, min(sp[j] * m / (j + 1) for j in range(i, m)))
    out = np.empty(m)
    out[order] = q
    return out.tolist()


rng = np.random.default_rng(20261123)


def r(a):
    return [float(v) for v in a]


G = dict(mul=7919, mod=10007, scale=1000.0, mul2=104729, mod2=1009, scale2=997.0, shift=0.0)
numeric_cases = [
    ("normal_small_shift", r(rng.normal(0, 1, 50)), r(rng.normal(0.5, 1, 60))),
    ("identical", r(np.arange(100) * 0.37), r(np.arange(100) * 0.37)),
    ("ties_integers", r(rng.integers(0, 6, 200)), r(rng.integers(0, 7, 300))),
    ("constant_both", [3.0] * 100, [3.0] * 80),
    ("constant_ref", [3.0] * 100, r(rng.normal(3, 1, 90))),
    ("n1_each", [1.5], [2.5]),
    ("n1_vs_5", [1.0], [0.5, 1.0, 2.0, 3.0, 4.0]),
    ("with_missing", [1.0, None, 2.0, 3.0, None, 4.0, 5.0], [None, 2.5, 3.5, 4.5, 6.0]),
    ("all_missing_ref", [None, None, None], [1.0, 2.0]),
    ("equal_n_1000", r(rng.normal(0, 1, 1000)), r(rng.normal(0.1, 1, 1000))),
    ("unequal_3000_7000", r(rng.exponential(1, 3000)), r(rng.exponential(1.05, 7000))),
    ("binary", r(rng.integers(0, 2, 500)), r((rng.random(400) < 0.6).astype(float))),
    ("lognormal_heavy", r(rng.lognormal(0, 2, 800)), r(rng.lognormal(0.2, 2, 900))),
    ("asymp_12000_15000", dict(G, n=12000), dict(G, n=15000, shift=0.01)),
    ("tiny_vs_big", [0.1, 0.2, 0.3, 5.0, 7.0], dict(G, n=20000)),
    ("asymp_1e6_tiny_shift", dict(G, n=1000000), dict(G, n=1200000, shift=0.001)),
    ("asymp_1e6_shift", dict(G, n=1000000), dict(G, n=1000000, shift=0.2, mul=7907)),
    ("asymp_1e6_mid_p", dict(G, n=1000000), dict(G, n=900000, shift=0.015, mul=7933)),
    ("asymp_2e5_mid_p", dict(G, n=200000), dict(G, n=150000, shift=0.03, mul=7937)),
    ("asymp_1e7_identical_law", dict(G, n=10000000), dict(G, n=10000000, mul=7927)),
]

cat_cases = [
    ("three_cats", {"a": 50, "b": 30, "c": 20}, {"a": 40, "b": 35, "c": 25}),
    ("new_category", {"a": 500, "b": 300}, {"a": 400, "b": 250, "z": 90}),
    ("one_category", {"a": 10}, {"a": 25}),
    ("two_cats_yates", {"x": 12, "y": 5}, {"x": 3, "y": 9}),
    ("yates_small_diff", {"x": 100, "y": 100}, {"x": 100, "y": 101}),
    ("many_cats", {str(k): int(v) for k, v in enumerate(rng.integers(1, 1000, 40))},
     {str(k): int(v) for k, v in enumerate(rng.integers(1, 1000, 45))}),
    ("empty_ref", {}, {"a": 3}),
    ("large_counts", {"a": 4000000, "b": 3000000, "c": 3000000}, {"a": 4001000, "b": 2999500, "c": 2999500}),
]

kstwo_grid = []
for n in [1, 2, 3, 5, 10, 50, 100, 140, 141, 500, 1000, 5000, 30000, 100000, 100001, 500000, 1000000, 10000000]:
    for d in [0.0001, 0.0005, 0.001, 0.003, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.45, 0.5, 0.7, 0.95]:
        kstwo_grid.append([n, d, float(stats.kstwo.sf(d, n))])
# The two-sample tests' range, where smirnov's lower sum has 10^4 to 10^6
# terms (taken on a sampled grid in Go).
for n in [16385, 50000, 123457, 333333, 999999]:
    for d in [0.0021, 0.0035, 0.006, 0.012, 0.025, 0.045]:
        if n * d * d < 370:
            kstwo_grid.append([n, d, float(stats.kstwo.sf(d, n))])
smirnov_grid = []
for n in [2, 3, 7, 10, 20, 100, 1000, 10000, 100000, 1000000, 2000000]:
    for d in [0.0002, 0.001, 0.01, 0.04, 0.1, 0.25, 0.5, 0.6, 0.9, 0.99]:
        smirnov_grid.append([n, d, float(scipy.special.smirnov(n, d))])

pvals = [0.01, 0.04, 0.03, 0.04, 0.5, 0.001, 0.2, 0.9, 0.04, 1.0]

out = {
    "scipy": scipy.__version__, "numpy": np.__version__,
    "numeric": [{"name": n, "ref": a, "cur": b, "want": numeric(values(a), values(b))} for n, a, b in numeric_cases],
    "categorical": [{"name": n, "ref": a, "cur": b, "want": categorical(a, b)} for n, a, b in cat_cases],
    "kstwo_sf": kstwo_grid,
    "smirnov": smirnov_grid,
    "bh": {"p": pvals, "want": bh(pvals)},
}
json.dump(out, sys.stdout, indent=1)
sys.stdout.write("\n")
