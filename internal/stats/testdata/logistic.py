#!/usr/bin/python3
"""Generates logistic.json: scikit-learn's L2 logistic regression and
roc_auc_score on deterministic data, for the concept-drift tests.

    /usr/bin/python3 testdata/logistic.py > testdata/logistic.json
"""
import json
import sys

import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

rng = np.random.default_rng(7)
cases = []
for name, n, p, C, sep in [("separable_ish", 300, 4, 1.0, 2.0), ("noisy", 500, 3, 0.1, 0.5), ("weak_reg", 200, 2, 100.0, 1.0)]:
    X = rng.normal(size=(n, p))
    w = rng.normal(size=p) * sep
    y = (rng.random(n) < 1 / (1 + np.exp(-(X @ w + 0.3)))).astype(float)
    m = LogisticRegression(C=C, tol=1e-12, max_iter=100000).fit(X, y)
    # scikit-learn's L-BFGS stops on a relative function tolerance (ftol
    # 64 eps) before its gradient tolerance; polish its answer with Newton
    # steps on the same objective so that the exact optimum is known too.
    theta = np.concatenate([m.coef_[0], m.intercept_])
    Xb = np.hstack([X, np.ones((n, 1))])
    R = np.eye(p + 1)
    R[p, p] = 0
    for _ in range(20):
        s = 1 / (1 + np.exp(-(Xb @ theta)))
        g = R @ theta + C * Xb.T @ (s - y)
        H = R + C * (Xb.T * (s * (1 - s))) @ Xb
        theta = theta - np.linalg.solve(H, g)
    Xt = rng.normal(size=(150, p))
    yt = (rng.random(150) < 1 / (1 + np.exp(-(Xt @ w + 0.3)))).astype(float)
    cases.append({
        "name": name, "C": C, "X": X.tolist(), "y": y.tolist(),
        "coef": m.coef_[0].tolist(), "intercept": float(m.intercept_[0]),
        "coef_optimum": theta[:p].tolist(), "intercept_optimum": float(theta[p]),
        "X_test": Xt.tolist(), "y_test": yt.tolist(),
        "auc_test": float(roc_auc_score(yt, m.predict_proba(Xt)[:, 1])),
    })
auc_cases = []
for scores, y in [
    ([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]),
    ([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1]),
    ([1, 2, 2, 3, 3, 3, 4], [0, 0, 1, 0, 1, 1, 1]),
    (rng.integers(0, 5, 100).tolist(), rng.integers(0, 2, 100).tolist()),
]:
    auc_cases.append({"scores": [float(s) for s in scores], "y": [float(v) for v in y],
                      "auc": float(roc_auc_score(y, scores))})
json.dump({"sklearn": sklearn.__version__, "logistic": cases, "auc": auc_cases}, sys.stdout)
sys.stdout.write("\n")
