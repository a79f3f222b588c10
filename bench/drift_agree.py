#!/usr/bin/python3
"""Compares gate-runner drift's JSON with the pandas + SciPy script's JSON
and prints the largest relative and absolute difference per statistic
(p-values: the looser of the two, as the tests use).

usage: drift_agree.py GATE_RUNNER.json PANDAS.json
"""
import json
import sys


def load(path):
    with open(path) as f:
        d = json.load(f)
    d = d.get("details", d)
    return {f["name"]: f for f in d["features"]}


def main():
    g, p = load(sys.argv[1]), load(sys.argv[2])
    worst, worst_abs = {}, {}
    for name, pf in p.items():
        gf = g[name]
        for k, v in pf.items():
            if not isinstance(v, float):
                continue
            w = gf.get(k)
            if w is None:
                worst[k] = float("inf")
                continue
            d = abs(w - v) / max(abs(v), 1e-300) if v != 0 else abs(w)
            if k.endswith("pvalue"):
                d = min(d, abs(w - v))  # p-values: absolute or relative
            worst[k] = max(worst.get(k, 0.0), d)
            worst_abs[k] = max(worst_abs.get(k, 0.0), abs(w - v))
    for k in sorted(worst):
        print(f"  {k:14s} max relative difference {worst[k]:.3g}, absolute {worst_abs.get(k, float('inf')):.3g}")


if __name__ == "__main__":
    main()
