#!/usr/bin/python3
"""An independent pure-Python implementation of the trec_eval 9.0.8 measures
the metrics package reproduces, run on ref.run.gz / ref.qrels.gz; writes
python_reference.json. It cross-checks the full-precision trec_eval values
(whose build only changed the print format) with a second implementation.

Run from this directory: /usr/bin/python3 python_reference.py
"""
import gzip
import json
import math
from collections import defaultdict

KS = (5, 10)


def read(path, cols):
    with gzip.open(path, "rt") as f:
        for line in f:
            fields = line.split()
            if fields:
                yield [fields[i] for i in cols]


run = defaultdict(list)
for qid, doc, score in read("ref.run.gz", (0, 2, 4)):
    run[qid].append((float(score), doc))
qrels = defaultdict(dict)
for qid, doc, rel in read("ref.qrels.gz", (0, 2, 3)):
    qrels[qid][doc] = int(rel)

sums = defaultdict(float)
n = 0
for qid in sorted(run):
    if qid not in qrels:
        continue  # trec_eval without -c: only queries with judgements
    n += 1
    judged = qrels[qid]
    # Score descending, ties by docno descending (strcmp order).
    ranked = sorted(run[qid], key=lambda sd: (sd[0], sd[1].encode()), reverse=True)
    rels = [judged.get(doc, 0) for _, doc in ranked]
    num_rel = sum(1 for r in judged.values() if r >= 1)
    ideal = sorted((r for r in judged.values() if r >= 1), reverse=True)
    for k in KS:
        top = rels[:k]
        hits = sum(1 for r in top if r >= 1)
        sums["precision@%d" % k] += hits / k
        sums["hit_rate@%d" % k] += 1.0 if hits else 0.0
        if num_rel:
            sums["recall@%d" % k] += hits / num_rel
            ap, seen = 0.0, 0
            for i, r in enumerate(top):
                if r >= 1:
                    seen += 1
                    ap += seen / (i + 1)
            sums["map@%d" % k] += ap / num_rel
            dcg = sum(r / math.log2(i + 2) for i, r in enumerate(top) if r > 0)
            idcg = sum(r / math.log2(i + 2) for i, r in enumerate(ideal[:k]))
            sums["ndcg@%d" % k] += dcg / idcg
    for i, r in enumerate(rels):
        if r >= 1:
            sums["mrr"] += 1 / (i + 1)
            break

means = {m: v / n for m, v in sums.items()}
means["users_evaluated"] = n
with open("python_reference.json", "w") as f:
    json.dump({"tool": "python_reference.py", "means": means}, f, indent=1, sort_keys=True)
    f.write("\n")
