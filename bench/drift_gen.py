#!/usr/bin/python3
"""Writes the drift benchmark's two CSV files: ROWS rows of 16 numeric
(f0..f15) and 4 categorical (c0..c3) columns. The current file shifts
some features so that the report has drift to find.

The floats are written as DataFrame.to_csv writes them by default
(shortest round-trip form: up to 17 significant digits, exponents such as
1.5e-05), or with FLOAT_FORMAT (e.g. %.6f) when it is given.

usage: drift_gen.py ROWS REFERENCE.csv CURRENT.csv [FLOAT_FORMAT]
"""
import sys

import numpy as np
import pandas as pd


def table(rows, rng, drift):
    cols = {}
    for j in range(16):
        shift = 0.3 * drift if j % 4 == 0 else 0.0
        scale = 1.0 + (0.2 * drift if j % 5 == 1 else 0.0)
        if j % 3 == 0:
            x = rng.normal(shift, scale, rows)
        elif j % 3 == 1:
            x = rng.lognormal(shift, scale, rows)
        else:
            x = rng.integers(0, 50, rows) + shift  # many ties
        miss = rng.random(rows) < 0.01
        x = x.astype(float)
        x[miss] = np.nan
        cols[f"f{j}"] = x
    for j in range(4):
        k = 5 + 10 * j
        p = np.arange(1, k + 1, dtype=float)
        if drift and j % 2 == 0:
            p = p[::-1]
        p /= p.sum()
        cats = np.array([f"cat{i}" for i in range(k)])
        cols[f"c{j}"] = cats[rng.choice(k, size=rows, p=p)]
    return pd.DataFrame(cols)


def main():
    rows = int(sys.argv[1])
    fmt = sys.argv[4] if len(sys.argv) > 4 else None
    table(rows, np.random.default_rng(1), 0).to_csv(sys.argv[2], index=False, float_format=fmt)
    table(rows, np.random.default_rng(2), 1).to_csv(sys.argv[3], index=False, float_format=fmt)


if __name__ == "__main__":
    main()
