#!/usr/bin/env bash
# Times `gate-runner metrics` against trec_eval on the same TREC run and
# qrels files: BENCH_USERS users (default 1,000,000) x BENCH_TOP predictions
# (default 100) over BENCH_ITEMS items (default 100,000), 5-20 graded labels
# per user. The files are generated once under bench/out/ (gitignored).
#
#   TREC_EVAL=/path/to/trec_eval BENCH_USERS=100000 bash bench/bench-metrics.sh
#
# trec_eval is looked up in $TREC_EVAL, then on PATH; without it only
# gate-runner is timed. BENCH_TREC_TIMEOUT (seconds, default 1800) bounds
# trec_eval's run: trec_eval 9.0.8 finds each run query's judgements by a
# linear search over all qrels queries (trec_eval.c, the loop after "Find rel
# info for this query"), so its time grows with users squared; at 1M users
# it needs hours. Peak memory is the maximum resident set size reported by
# GNU time (/usr/bin/time -v). BENCH_TOOLS="gate-runner trec_eval" (the
# default) times both; naming one times only that one and shows the other's
# figures from an earlier run on the same files, marked as such.
set -euo pipefail
cd "$(dirname "$0")/.."

users=${BENCH_USERS:-1000000}
top=${BENCH_TOP:-100}
items=${BENCH_ITEMS:-100000}
limit=${BENCH_TREC_TIMEOUT:-1800}
out=bench/out/metrics
stem=$out/u${users}-t${top}-i${items}
mkdir -p "$out"

if [ ! -x /usr/bin/time ]; then
  echo "bench-metrics: /usr/bin/time (GNU time) is missing: apt-get install time" >&2
  exit 2
fi
if [ ! -s "$stem.run" ] || [ ! -s "$stem.qrels" ]; then
  echo "generating $users users x top-$top ($((users * top)) rows) in $stem.{run,qrels} ..."
  go run ./internal/evaluation/testdata/gen -kind bench -users "$users" -top "$top" -items "$items" \
    -out "$out" -name "$(basename "$stem")"
fi
echo "run file:   $(du -h "$stem.run" | cut -f1) ($(wc -l < "$stem.run") rows)"
echo "qrels file: $(du -h "$stem.qrels" | cut -f1) ($(wc -l < "$stem.qrels") rows)"

te=${TREC_EVAL:-$(command -v trec_eval || true)}
tools=${BENCH_TOOLS:-gate-runner trec_eval}
res=$stem

# measure NAME OUTFILE CMD...: runs CMD under GNU time, writes its stdout
# to OUTFILE and "seconds peak_kb exit" to OUTFILE.time.
measure() {
  local name=$1 o=$2; shift 2
  echo "timing $name ..."
  set +e
  /usr/bin/time -v -o "$o.tv" "$@" > "$o" 2> "$o.err"
  local rc=$?
  set -e
  local wall kb
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$o.tv")
  kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$o.tv")
  echo "$wall $kb $rc" > "$o.time"
  if [ "$rc" -ne 0 ]; then
    echo "  $name exited $rc: $(tail -n 2 "$o.err" | tr '\n' ' ')"
  fi
}

rm -f "$res.ours.json.fresh" "$res.trec.txt.fresh"
if [[ " $tools " == *" gate-runner "* ]]; then
  go build -trimpath -o bin/ ./cmd/gate-runner # cheap when up to date
  measure gate-runner "$res.ours.json" bin/gate-runner metrics --predictions "$stem.run" --labels "$stem.qrels" --k 5,10 --format json
  touch "$res.ours.json.fresh"
fi
if [[ " $tools " == *" trec_eval "* ]]; then
  if [ -n "$te" ] && [ -x "$te" ]; then
    measure trec_eval "$res.trec.txt" timeout "$limit" "$te" -m P.5,10 -m recall.5,10 -m ndcg_cut.5,10 -m map_cut.5,10 \
      -m success.5,10 -m recip_rank -m num_q "$stem.qrels" "$stem.run"
    touch "$res.trec.txt.fresh"
  else
    echo "trec_eval not found (set TREC_EVAL or put it on PATH): timing gate-runner only"
    rm -f "$res.trec.txt" "$res.trec.txt.time"
  fi
fi

/usr/bin/python3 - "$res" "$users" "$top" "$limit" <<'PY'
import json, os, sys, time
res, users, top, limit = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
def timing(p):
    if not os.path.exists(p + ".time"):
        return None
    w, kb, rc = open(p + ".time").read().split()
    when = "" if os.path.exists(p + ".fresh") else "  (earlier run, " + time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(os.path.getmtime(p + ".time"))) + ")"
    return float(w), int(kb) / 1024, int(rc), when
ours, trec = timing(res + ".ours.json"), timing(res + ".trec.txt")
print()
print("metrics on %d users x top-%d (%d rows)" % (users, top, users * top))
print("%-12s %10s %12s %6s" % ("tool", "wall s", "peak RSS MB", "exit"))
for name, t in (("gate-runner", ours), ("trec_eval", trec)):
    if t:
        note = {124: "  (timed out after %s s)" % limit, 143: "  (killed)"}.get(t[2], "")
        print("%-12s %10.2f %12.0f %6d%s%s" % (name, t[0], t[1], t[2], note, t[3]))
if ours and trec and ours[2] == 0 and trec[2] == 0:
    print("ratio trec_eval/gate-runner: time %.2fx, memory %.2fx" % (trec[0] / ours[0], trec[1] / ours[1]))
    names = {"P": "precision", "recall": "recall", "ndcg_cut": "ndcg", "map_cut": "map", "success": "hit_rate"}
    mine = json.load(open(res + ".ours.json"))
    mine = mine.get("values", mine)
    worst = 0.0
    print("%-14s %12s %12s" % ("metric", "gate-runner", "trec_eval"))
    for line in open(res + ".trec.txt"):
        m, q, v = line.split()
        if m == "num_q":
            key, val = "users_evaluated", int(v)
        elif m == "recip_rank":
            key, val = "mrr", float(v)
        else:
            b, k = m.rsplit("_", 1)
            key, val = "%s@%s" % (names[b], k), float(v)
        g = mine.get(key)
        print("%-14s %12s %12s" % (key, "%.6f" % g if isinstance(g, float) else g, v))
        if isinstance(g, (int, float)) and key != "users_evaluated":
            worst = max(worst, abs(g - val))
    print("largest difference: %.2g (trec_eval prints 4 decimals)" % worst)
elif ours and not trec:
    print("ratio: not available without trec_eval")
PY
