#!/usr/bin/python3
"""The drift check as users write it today with pandas and SciPy: the same
statistics gate-runner drift computes (PSI, KL, JS over 10 reference-quantile
bins with a 1e-4 floor, KS, Wasserstein; chi-square, PSI, JS over
categories). Prints the per-feature numbers as JSON and the time spent
reading the CSV files on stderr.

usage: drift_pandas.py REFERENCE.csv CURRENT.csv > out.json
"""
import json
import sys
import time

import numpy as np
import pandas as pd
from scipy import stats
from scipy.spatial.distance import jensenshannon


def shares(counts):
    return np.clip(counts / counts.sum(), 1e-4, None)


def main():
    t0 = time.perf_counter()
    ref = pd.read_csv(sys.argv[1])
    cur = pd.read_csv(sys.argv[2])
    t_read = time.perf_counter() - t0
    out = []
    for col in ref.columns:
        r, c = ref[col].dropna(), cur[col].dropna()
        if pd.api.types.is_numeric_dtype(r):
            r, c = r.to_numpy(), c.to_numpy()
            edges = np.unique(np.quantile(r, np.linspace(0, 1, 11)[1:-1]))
            rs = shares(np.bincount(np.searchsorted(edges, r, side="right"), minlength=edges.size + 1))
            cs = shares(np.bincount(np.searchsorted(edges, c, side="right"), minlength=edges.size + 1))
            ks = stats.ks_2samp(r, c)
            out.append({
                "name": col, "type": "numeric",
                "psi": float(np.sum((cs - rs) * np.log(cs / rs))),
                "kl": float(np.sum(cs * np.log(cs / rs))),
                "js_distance": float(jensenshannon(rs, cs)),
                "ks_statistic": float(ks.statistic), "ks_pvalue": float(ks.pvalue),
                "wasserstein": float(stats.wasserstein_distance(r, c)),
            })
        else:
            rv, cv = r.value_counts(), c.value_counts()
            cats = sorted(set(rv.index) | set(cv.index))
            a = rv.reindex(cats, fill_value=0).to_numpy()
            b = cv.reindex(cats, fill_value=0).to_numpy()
            chi2, p, _, _ = stats.chi2_contingency(np.vstack([a, b]))
            rs, cs = shares(a), shares(b)
            out.append({
                "name": col, "type": "categorical", "chi2": float(chi2), "chi2_pvalue": float(p),
                "psi": float(np.sum((cs - rs) * np.log(cs / rs))),
                "js_distance": float(jensenshannon(rs, cs)),
                "new_categories": [k for k in cats if k not in rv.index],
            })
    json.dump({"features": out}, sys.stdout)
    print(f"read_seconds {t_read:.3f}", file=sys.stderr)


if __name__ == "__main__":
    main()
