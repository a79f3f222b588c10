#!/usr/bin/env bash
# One job against N parallel jobs, as the drift-check component runs them
# with `parallel: N`: the drift bench's reference (bench/drift_gen.py,
# BENCH_ROWS rows x 20 columns, pandas' default to_csv, generated once under
# bench/out/drift/ as bench-drift.sh does) cut into BENCH_FILES files, then
#
#   single:  gate-runner profile --data 'part-*.csv'  + drift against it
#   sharded: N x gate-runner profile --data 'part-*.csv' --shard I/N,
#            gate-runner profile merge, drift against the merged profile
#
# Prints each step's wall time and peak memory (GNU time; the median of
# BENCH_REPEAT runs, default 3), the sharded
# pipeline's critical path (the slowest shard + merge + drift: what N CI
# runners would take) and its ratio to the single job, the wall time of
# the N shards run at once on this machine (bounded by its cores), and the
# largest |KS| and |PSI| difference between the two drift results with the
# bounds they state.
#
#   BENCH_ROWS=200000 BENCH_SHARDS=4 BENCH_FILES=8 BENCH_REPEAT=3 bash bench/bench-profile-shards.sh
set -euo pipefail
cd "$(dirname "$0")/.."

rows=${BENCH_ROWS:-1000000}
shards=${BENCH_SHARDS:-4}
files=${BENCH_FILES:-8}
src=bench/out/drift
out=bench/out/profile-shards
ref=$src/ref-$rows-pandas.csv
cur=$src/cur-$rows-pandas.csv
mkdir -p "$src" "$out"

if [ ! -x /usr/bin/time ]; then
  echo "bench-profile-shards: /usr/bin/time (GNU time) is missing: apt-get install time" >&2
  exit 2
fi
go build -trimpath -o bin/ ./cmd/gate-runner
if [ ! -s "$ref" ] || [ ! -s "$cur" ]; then
  echo "generating $rows rows x 20 columns in $ref and $cur ..."
  /usr/bin/python3 bench/drift_gen.py "$rows" "$ref" "$cur"
fi
parts=$out/parts-$rows-$files
if [ ! -s "$parts/part-$((files - 1)).csv" ]; then
  echo "cutting $ref into $files files ..."
  rm -rf "$parts"; mkdir -p "$parts"
  head -n 1 "$ref" > "$out/header"
  tail -n +2 "$ref" > "$out/body"
  split -n "l/$files" -d -a 3 "$out/body" "$parts/body-"
  rm "$out/body"
  i=0
  for b in "$parts"/body-*; do
    cat "$out/header" "$b" > "$parts/part-$i.csv"; rm "$b"; i=$((i + 1))
  done
fi
glob="$parts/part-*.csv"

# timed NAME CMD...: runs CMD BENCH_REPEAT times (default 3) under GNU
# time; appends "NAME seconds peak_kb" of the median run (by wall time).
: > "$out/times"
timed() {
  local name=$1 k rc; shift
  : > "$out/$name.runs"
  for k in $(seq "${BENCH_REPEAT:-3}"); do
    rc=0
    /usr/bin/time -f "%e %M" -o "$out/$name.time" "$@" > "$out/$name.out" 2> "$out/$name.err" || rc=$?
    if [ "$rc" -gt 1 ]; then echo "  $name exited $rc: $(tail -n 2 "$out/$name.err" | tr '\n' ' ')" >&2; exit "$rc"; fi
    tail -n 1 "$out/$name.time" >> "$out/$name.runs"
  done
  echo "$name $(sort -n "$out/$name.runs" | awk '{a[NR]=$0} END {print a[int((NR+1)/2)]}')" >> "$out/times"
}

echo "single job: profile $files files, drift ..."
rm -rf "$out/single" "$out/sharded"; mkdir -p "$out/single" "$out/sharded/shards"
timed single-profile bin/gate-runner profile --data "$glob" --out "$out/single/ref.profile.json"
timed single-drift bin/gate-runner drift --reference "$out/single/ref.profile.json" --current "$cur" --format json --out "$out/single"

echo "sharded: $shards profiling jobs one after the other (each job's own time), merge, drift ..."
for i in $(seq "$shards"); do
  timed "shard-$i" bin/gate-runner profile --data "$glob" --shard "$i/$shards" --out "$out/sharded/shards/s-$i-of-$shards.profile.json"
done
timed merge bin/gate-runner profile merge "$out/sharded/shards/"*.profile.json --out "$out/sharded/ref.profile.json"
timed sharded-drift bin/gate-runner drift --reference "$out/sharded/ref.profile.json" --current "$cur" --format json --out "$out/sharded"

echo "sharded: the $shards profiling jobs at once on this machine ($(nproc) cores) ..."
start=$(date +%s%N)
for i in $(seq "$shards"); do
  bin/gate-runner profile --data "$glob" --shard "$i/$shards" --out "$out/sharded/at-once-$i.profile.json" > /dev/null &
done
wait
at_once=$(( ($(date +%s%N) - start) / 1000000 ))

/usr/bin/python3 - "$out" "$shards" "$at_once" <<'PY'
import json, sys
out, n, at_once = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]) / 1000
t = {}
for line in open(f"{out}/times"):
    name, sec, kb = line.split()
    t[name] = (float(sec), int(kb))
print(f"{'step':<16} {'wall s':>8} {'peak MB':>8}")
for name, (s, kb) in t.items():
    print(f"{name:<16} {s:8.2f} {kb / 1024:8.0f}")
single = t["single-profile"][0] + t["single-drift"][0]
slowest = max(t[f"shard-{i}"][0] for i in range(1, n + 1))
path = slowest + t["merge"][0] + t["sharded-drift"][0]
print(f"single job (profile + drift):                      {single:8.2f} s")
print(f"{n} shards, critical path (slowest + merge + drift):  {path:8.2f} s   ratio sharded/single {path / single:.2f}")
print(f"{n} shards at once on this machine (profiling only):  {at_once:8.2f} s   vs the single profile {t['single-profile'][0]:.2f} s")

def feats(p):
    d = json.load(open(p))
    g = d["gates"][0]["details"]["features"] if "gates" in d else d["details"]["features"]
    return {f["name"]: f for f in g}
a, b = feats(f"{out}/single/results.json"), feats(f"{out}/sharded/results.json")
dks = dpsi = bks = bpsi = 0.0
same = True
for k, f in a.items():
    g = b[k]
    same &= f["status"] == g["status"]
    if f["type"] in ("numeric", "timestamp") and f.get("ks_statistic") is not None:
        dks, dpsi = max(dks, abs(f["ks_statistic"] - g["ks_statistic"])), max(dpsi, abs(f["psi"] - g["psi"]))
        # Both are from profiles: the single one's KS has its own bound.
        bks = max(bks, (g.get("ks_error_bound") or 0) + (f.get("ks_error_bound") or 0))
        bpsi = max(bpsi, (g.get("psi_error_bound") or 0) + (f.get("psi_error_bound") or 0))
print(f"largest |KS sharded - single| {dks:.2g} (largest sum of the stated bounds {bks:.2g}), |PSI| {dpsi:.2g} (bound {bpsi:.2g}); verdicts {'equal' if same else 'DIFFER'}")
PY
