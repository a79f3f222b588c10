#!/usr/bin/python3
"""Writes trec_eval's values for a run and qrels file as JSON.

Usage: trec_reference.py TREC_EVAL QRELS RUN OUT.json [QID...]

TREC_EVAL is a trec_eval 9.0.8 binary built outside this repository. Its
stock build prints values with "%6.4f"; a build whose print format was
changed to "%.17g" (meas_print_single.c, meas_print_final.c; nothing else)
prints them in full. The JSON records which one made the values
("decimals": 4 or 17). The named QIDs' per-query values are kept too.
"""
import json
import subprocess
import sys

MEASURES = ["P.5,10", "recall.5,10", "ndcg_cut.5,10", "map_cut.5,10",
            "success.5,10", "recip_rank", "num_q"]
NAMES = {"P": "precision", "recall": "recall", "ndcg_cut": "ndcg",
         "map_cut": "map", "success": "hit_rate"}


def name(m):
    if m == "recip_rank":
        return "mrr"
    if m == "num_q":
        return "users_evaluated"
    base, k = m.rsplit("_", 1)
    return "%s@%s" % (NAMES[base], k)


def main():
    te, qrels, run, out = sys.argv[1:5]
    want = set(sys.argv[5:])
    cmd = [te, "-q"]
    for m in MEASURES:
        cmd += ["-m", m]
    cmd += [qrels, run]
    text = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    version = subprocess.run([te, "-v"], capture_output=True, text=True)
    means, per_query, decimals = {}, {}, 4
    for line in text.splitlines():
        m, qid, v = line.split()
        if "." in v and len(v.split(".")[1]) > 4:
            decimals = 17
        val = float(v) if m != "num_q" else int(v)
        if qid == "all":
            means[name(m)] = val
        elif qid in want:
            per_query.setdefault(qid, {})[name(m)] = val
    doc = {
        "tool": (version.stdout + version.stderr).strip(),
        "command": "trec_eval -q " + " ".join("-m " + m for m in MEASURES) + " QRELS RUN",
        "decimals": decimals,
        "means": means,
        "per_query": per_query,
    }
    with open(out, "w") as f:
        json.dump(doc, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
