#!/usr/bin/python3
"""Writes seeded classification and regression data sets and the values
scikit-learn computes for them (sklearn_reference.json).

Run from this directory with /usr/bin/python3 (needs numpy, scikit-learn).
"""
import gzip
import json

import numpy as np
import sklearn
from sklearn import metrics as m

rng = np.random.default_rng(20261123)


def write(path, header, rows):
    with gzip.open(path, "wt") as f:
        f.write(header + "\n")
        for r in rows:
            f.write(",".join(r) + "\n")


def classification(n, name, extreme):
    y = rng.integers(0, 2, n)
    # Informative, tied scores (rounded to 2 decimals), a few exact 0s and 1s.
    p = np.clip(0.35 * y + rng.uniform(0, 0.65, n), 0, 1).round(2)
    if extreme:
        p[rng.choice(n, 20, replace=False)] = 0.0
        p[rng.choice(n, 20, replace=False)] = 1.0
    ids = ["r%d" % i for i in range(n)]
    order = rng.permutation(n)  # predictions in another order than labels
    write(name + "_labels.csv.gz", "id,label", [(ids[i], str(y[i])) for i in range(n)])
    write(name + "_predictions.csv.gz", "id,score", [(ids[i], repr(float(p[i]))) for i in order])
    out = {}
    for thr in (0.5, 0.3):
        hard = (p >= thr).astype(int)
        out["threshold_%g" % thr] = {
            "accuracy": m.accuracy_score(y, hard),
            "precision": m.precision_score(y, hard, zero_division=0),
            "recall": m.recall_score(y, hard, zero_division=0),
            "f1": m.f1_score(y, hard, zero_division=0),
            "roc_auc": m.roc_auc_score(y, p),
            "pr_auc": m.average_precision_score(y, p),
            "log_loss": m.log_loss(y, p),
        }
    return out


def regression(n, name):
    y = rng.normal(10, 5, n).round(3)
    y[rng.choice(n, 15, replace=False)] = 0.0  # zero targets: MAPE's eps
    pred = y + rng.normal(0, 2, n)
    ids = ["r%d" % i for i in range(n)]
    order = rng.permutation(n)
    write(name + "_labels.csv.gz", "id,target", [(ids[i], repr(float(y[i]))) for i in range(n)])
    write(name + "_predictions.csv.gz", "id,prediction", [(ids[i], repr(float(pred[i]))) for i in order])
    return {
        "rmse": float(np.sqrt(m.mean_squared_error(y, pred))),
        "mae": m.mean_absolute_error(y, pred),
        "mape": m.mean_absolute_percentage_error(y, pred),
        "r2": m.r2_score(y, pred),
    }


ref = {
    "sklearn": sklearn.__version__,
    "classification": classification(5000, "cls", True),
    "regression": regression(3000, "reg"),
}
with open("sklearn_reference.json", "w") as f:
    json.dump(ref, f, indent=1, sort_keys=True)
    f.write("\n")
