#!/usr/bin/python3
"""Reference values for internal/gate/abtest, made once with SciPy and statsmodels.

Run from this directory with Debian's Python (python3-scipy,
python3-statsmodels):

    /usr/bin/python3 reference.py > reference.json

The Go tests read reference.json; they never run Python.
"""
import json
import math
import sys
import warnings

import numpy as np
import scipy
import scipy.integrate
import scipy.stats as st
import statsmodels
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import proportion_effectsize, proportions_ztest

warnings.simplefilter("ignore")


def num(v):
    v = float(v)
    return None if math.isnan(v) else (str(v) if math.isinf(v) else v)


def proportions():
    cases = [
        ("basic", 120, 1000, 150, 1000),
        ("zero conversions in control", 0, 500, 5, 500),
        ("zero conversions in both", 0, 500, 0, 500),
        ("all conversions in both", 40, 40, 7, 7),
        ("equal", 50, 1000, 50, 1000),
        ("10% split", 3000, 90000, 380, 10000),
        ("very unequal groups", 7, 100000, 2, 300),
        ("near one", 500, 500, 499, 500),
        ("worse challenger", 1234, 45678, 256, 12345),
        ("far tail", 1000, 100000, 1500, 100000),
    ]
    out = []
    for name, xa, na, xb, nb in cases:
        # statsmodels' difference is group 1 minus group 2: challenger first.
        z, p = proportions_ztest([xb, xa], [nb, na])
        pa, pb = xa / na, xb / nb
        out.append(dict(name=name, xa=xa, na=na, xb=xb, nb=nb, z=num(z), p=num(p),
                        lift=lift_delta(pa, pa * (1 - pa) / na, pb, pb * (1 - pb) / nb)))
    return out


def lift_delta(ma, va, mb, vb, level=0.95):
    """Delta-method interval of mb/ma - 1, with the gradient of the ratio
    taken by complex-step differentiation (exact to rounding, and an
    independent route to the closed form the Go code uses)."""
    if ma == 0:
        return None
    f = lambda a, b: b / a - 1
    h = 1e-30
    ga = (f(complex(ma, h), mb)).imag / h
    gb = (f(ma, complex(mb, h))).imag / h
    se = math.sqrt(ga * ga * va + gb * gb * vb)
    z = st.norm.ppf(1 - (1 - level) / 2)
    est = f(ma, mb)
    return dict(estimate=est, low=est - z * se, high=est + z * se)


def samples():
    rng = np.random.default_rng(20261123)
    cases = [
        ("normal shift", rng.normal(10, 2, 200), rng.normal(10.5, 3, 150)),
        ("ties (integers)", rng.integers(0, 6, 120).astype(float), rng.integers(1, 7, 80).astype(float)),
        ("equal samples", np.array([1.0, 2, 3, 4, 5, 6, 7, 8]), np.array([1.0, 2, 3, 4, 5, 6, 7, 8])),
        ("very unequal sizes", rng.exponential(120, 2000), rng.exponential(150, 5)),
        ("latency lognormal", rng.lognormal(5, 0.4, 300), rng.lognormal(5.1, 0.5, 40)),
        ("heavy ties", np.round(rng.normal(0, 1, 60)), np.round(rng.normal(0.3, 1, 70))),
        ("all equal values", np.full(10, 3.0), np.full(7, 3.0)),
        ("constant groups, different", np.full(5, 1.0), np.full(6, 2.0)),
        ("single challenger value", rng.normal(0, 1, 30), np.array([2.5])),
        ("far tail", rng.normal(0, 1, 3000), rng.normal(0.3, 1, 3000)),
    ]
    out = []
    for name, a, b in cases:
        c = dict(name=name, a=a.tolist(), b=b.tolist())
        u = st.mannwhitneyu(a, b, method="asymptotic", use_continuity=True, alternative="two-sided")
        c["mwu_u"], c["mwu_p"] = num(u.statistic), num(u.pvalue)
        if len(a) >= 2 and len(b) >= 2:
            t = st.ttest_ind(b, a, equal_var=False)
            c["welch_t"], c["welch_p"] = num(t.statistic), num(t.pvalue)
            va, vb = np.var(a, ddof=1) / len(a), np.var(b, ddof=1) / len(b)
            c["welch_df"] = num((va + vb) ** 2 / (va ** 2 / (len(a) - 1) + vb ** 2 / (len(b) - 1))) if va + vb > 0 else None
            c["lift"] = lift_delta(np.mean(a), va, np.mean(b), vb)
        out.append(c)
    return out


def srm():
    cases = [
        ("exact 90/10", [9000, 1000], [0.9, 0.1]),
        ("mild drift", [8950, 1050], [0.9, 0.1]),
        ("broken split", [50000, 5100], [0.9, 0.1]),
        ("50/50", [10123, 9877], [0.5, 0.5]),
        ("three groups", [3300, 3350, 3100], [1, 1, 1]),
        ("empty challenger", [1000, 0], [0.9, 0.1]),
    ]
    out = []
    for name, obs, w in cases:
        w = np.array(w, float) / sum(w)
        exp = w * sum(obs)
        r = st.chisquare(obs, exp)
        out.append(dict(name=name, observed=obs, weights=w.tolist(), chi2=num(r.statistic), p=num(r.pvalue)))
    return out


def power():
    cases = [
        ("ctr 10% to 11%, 50/50", 0.10, 0.11, 0.05, 0.8, 1.0),
        ("conversion 5% +5%, 10% challenger", 0.05, 0.0525, 0.05, 0.8, 1 / 9),
        ("drop 30% to 25%, alpha 1%, power 90%", 0.30, 0.25, 0.01, 0.9, 1 / 9),
        ("large effect, small n", 0.2, 0.5, 0.05, 0.8, 1.0),
        ("challenger larger", 0.02, 0.024, 0.05, 0.85, 3.0),
    ]
    out = []
    for name, pa, pb, alpha, pw, ratio in cases:
        h = proportion_effectsize(pb, pa)
        n = NormalIndPower().solve_power(effect_size=h, alpha=alpha, power=pw, ratio=ratio, alternative="two-sided")
        got = NormalIndPower().power(h, 1000.0, alpha, ratio=ratio, alternative="two-sided")
        out.append(dict(name=name, pa=pa, pb=pb, alpha=alpha, power=pw, ratio=ratio, h=num(h),
                        nobs1=num(n), power_at_1000=num(got)))
    return out


def msprt():
    """log of the mixture likelihood ratio by numerical integration of
    prod N(diff; theta, V) / N(diff; theta0, V) over N(theta; theta0, tau2)."""
    cases = [
        (0.01, 1e-4, 1e-4, 0.0),
        (0.0, 1e-4, 1e-4, 0.0),
        (-0.003, 2e-6, 1e-5, 0.0),
        (0.5, 0.04, 0.25, 0.1),
        (0.002, 1e-6, 4e-6, 0.0),
    ]
    out = []
    for diff, v, tau2, theta0 in cases:
        sd = math.sqrt(v)
        null = st.norm.pdf(diff, theta0, sd)
        f = lambda th: st.norm.pdf(diff, th, sd) / null * st.norm.pdf(th, theta0, math.sqrt(tau2))
        lo, hi = theta0 - 40 * math.sqrt(tau2), theta0 + 40 * math.sqrt(tau2)
        lam, _ = scipy.integrate.quad(f, lo, hi, points=[diff, theta0], limit=500, epsabs=0, epsrel=1e-12)
        out.append(dict(diff=diff, v=v, tau2=tau2, theta0=theta0, log_lr=math.log(lam)))
    return out


json.dump(dict(
    generated_by="testdata/reference.py",
    scipy=scipy.__version__, statsmodels=statsmodels.__version__, numpy=np.__version__,
    proportions=proportions(), samples=samples(), srm=srm(), power=power(), msprt=msprt(),
), sys.stdout, indent=1)
sys.stdout.write("\n")
