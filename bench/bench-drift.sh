#!/usr/bin/env bash
# Times `gate-runner drift` against the pandas + SciPy script users write
# today (bench/drift_pandas.py, the same statistics) on two CSV files of
# BENCH_ROWS rows (default 1,000,000) x (16 numeric + 4 categorical)
# columns, generated once under bench/out/drift/ (gitignored) by
# bench/drift_gen.py with the floats as pandas' DataFrame.to_csv writes them
# by default (shortest round trip: up to 17 significant digits, exponents).
# The same rows written with float_format="%.6f" are read by gate-runner as
# a second row, and both rows' reading time per byte is printed. Prints wall time, peak memory (GNU time's maximum
# resident set size), the time spent reading the files, the ratio, and the
# largest difference between the two tools' numbers. The same rows are
# also written as Parquet (bench/csv2parquet) and timed with gate-runner.
# Every command runs BENCH_REPEAT times (default 3) and its median run is
# reported; all the runs' wall times are printed.
#
#   BENCH_ROWS=200000 BENCH_REPEAT=1 bash bench/bench-drift.sh
set -euo pipefail
cd "$(dirname "$0")/.."

rows=${BENCH_ROWS:-1000000}
out=bench/out/drift
mkdir -p "$out"
ref=$out/ref-$rows-pandas.csv
cur=$out/cur-$rows-pandas.csv
ref6=$out/ref-$rows-f6.csv
cur6=$out/cur-$rows-f6.csv

go build -trimpath -o bin/ ./cmd/gate-runner
if [ ! -x /usr/bin/time ]; then
  echo "bench-drift: /usr/bin/time (GNU time) is missing: apt-get install time" >&2
  exit 2
fi
if [ ! -s "$ref" ] || [ ! -s "$cur" ]; then
  echo "generating $rows rows x 20 columns in $ref and $cur ..."
  /usr/bin/python3 bench/drift_gen.py "$rows" "$ref" "$cur"
fi
if [ ! -s "$ref6" ] || [ ! -s "$cur6" ]; then
  echo "generating the same rows with %.6f floats in $ref6 and $cur6 ..."
  /usr/bin/python3 bench/drift_gen.py "$rows" "$ref6" "$cur6" %.6f
fi
echo "reference: $(du -h "$ref" | cut -f1), current: $(du -h "$cur" | cut -f1); as %.6f: $(du -h "$ref6" | cut -f1), $(du -h "$cur6" | cut -f1)"

# measure NAME OUTFILE CMD...: runs CMD under GNU time, writes its stdout
# to OUTFILE and "seconds peak_kb exit" to OUTFILE.time.
measure() {
  local name=$1 o=$2; shift 2
  local reps=${BENCH_REPEAT:-3} k rc wall kb
  echo "timing $name ($reps runs, the median kept) ..."
  : > "$o.runs"
  for k in $(seq "$reps"); do
    set +e
    /usr/bin/time -v -o "$o.tv.$k" "$@" > "$o.$k" 2> "$o.err.$k"
    rc=$?
    set -e
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$o.tv.$k")
    kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$o.tv.$k")
    echo "$wall $kb $rc $k" >> "$o.runs"
    if [ "$rc" -gt 1 ]; then
      echo "  $name exited $rc: $(tail -n 2 "$o.err.$k" | tr '\n' ' ')"
    fi
  done
  # The median run's output, timing and stderr become the measurement.
  k=$(sort -n "$o.runs" | awk -v m=$(( (reps + 1) / 2 )) 'NR == m {print $4}')
  mv "$o.$k" "$o"; mv "$o.err.$k" "$o.err"; mv "$o.tv.$k" "$o.tv"
  awk -v k="$k" '$4 == k {print $1, $2, $3}' "$o.runs" > "$o.time"
  rm -f "$o".[0-9]* "$o".err.[0-9]* "$o".tv.[0-9]*
  echo "  wall s: $(cut -d' ' -f1 "$o.runs" | sort -n | tr '\n' ' ')"
}

# Warm the page cache so that neither tool pays for the first read.
cat "$ref" "$cur" > /dev/null
# gate-runner exits 1 when the drift gate fails: that is a result here.
measure gate-runner "$out/ours.json" bin/gate-runner drift --reference "$ref" --current "$cur" --format json --out "$out/mlgate-out"
cat "$ref6" "$cur6" > /dev/null
measure gate-runner-f6 "$out/ours-f6.json" bin/gate-runner drift --reference "$ref6" --current "$cur6" --format json --out "$out/mlgate-out-f6"
measure pandas+scipy "$out/pandas.json" /usr/bin/python3 bench/drift_pandas.py "$ref" "$cur"
# The same data as Parquet (written by bench/csv2parquet: pyarrow is not
# available here), compared by gate-runner; pandas cannot read Parquet
# without pyarrow or fastparquet, so it has no Parquet row.
refpq=$out/ref-$rows.parquet
curpq=$out/cur-$rows.parquet
if [ ! -s "$refpq" ] || [ ! -s "$curpq" ] || [ "$refpq" -ot "$ref" ] || [ "$curpq" -ot "$cur" ]; then
  echo "writing the same rows as Parquet in $refpq and $curpq ..."
  go run ./bench/csv2parquet "$ref" "$refpq"
  go run ./bench/csv2parquet "$cur" "$curpq"
fi
echo "reference: $(du -h "$refpq" | cut -f1), current: $(du -h "$curpq" | cut -f1) as Parquet"
cat "$refpq" "$curpq" > /dev/null
measure gate-runner-parquet "$out/ours-parquet.json" bin/gate-runner drift --reference "$refpq" --current "$curpq" --format json --out "$out/mlgate-out-parquet"
# A stored reference profile, written once (timed apart), then compared.
measure profile-build "$out/profile.txt" bin/gate-runner profile --data "$ref" --out "$out/ref-$rows.profile.json"
measure gate-runner-profile "$out/ours-profile.json" bin/gate-runner drift --reference "$out/ref-$rows.profile.json" --current "$cur" --format json --out "$out/mlgate-out-profile"

/usr/bin/python3 - "$out" "$rows" "$ref" "$cur" "$ref6" "$cur6" <<'PY'
import json, os, re, sys
out, rows = sys.argv[1], int(sys.argv[2])
size, size6 = [os.path.getsize(sys.argv[3]) + os.path.getsize(sys.argv[4]), os.path.getsize(sys.argv[5]) + os.path.getsize(sys.argv[6])]
def timing(p):
    w, kb, rc = open(p + ".time").read().split()
    return float(w), int(kb) / 1024, int(rc)
ours, theirs = timing(out + "/ours.json"), timing(out + "/pandas.json")
prof, build = timing(out + "/ours-profile.json"), timing(out + "/profile.txt")
d = json.load(open(out + "/ours.json"))
d = d.get("details", d)
our_read = d["timing"]["read_seconds"]
m = re.search(r"read_seconds ([0-9.]+)", open(out + "/pandas.json.err").read())
their_read = float(m.group(1)) if m else float("nan")
print()
print("drift on 2 files x %d rows x (16 numeric + 4 categorical)" % rows)
print("%-14s %9s %12s %14s %6s" % ("tool", "wall s", "peak RSS MB", "read files s", "exit"))
print("%-14s %9.2f %12.0f %14.2f %6d" % ("gate-runner", ours[0], ours[1], our_read, ours[2]))
print("%-14s %9.2f %12.0f %14.2f %6d" % ("pandas+scipy", theirs[0], theirs[1], their_read, theirs[2]))
f6, d6 = timing(out + "/ours-f6.json"), json.load(open(out + "/ours-f6.json"))
d6 = d6.get("details", d6)
print("%-14s %9.2f %12.0f %14.2f %6d" % ("gate-runner f6", f6[0], f6[1], d6["timing"]["read_seconds"], f6[2]))
pq, dq = timing(out + "/ours-parquet.json"), json.load(open(out + "/ours-parquet.json"))
print("%-14s %9.2f %12.0f %14.2f %6d" % ("gate-runner pq", pq[0], pq[1], dq["timing"]["read_seconds"], pq[2]))
pd_ = json.load(open(out + "/ours-profile.json"))
print("%-14s %9.2f %12.0f %14.2f %6d" % ("gate-runner *", prof[0], prof[1], pd_["timing"]["read_seconds"], prof[2]))
print("rows above: CSV as pandas' to_csv writes it by default (%.0f MB in all); f6: the same rows with float_format='%%.6f' (%.0f MB)" % (size / 1e6, size6 / 1e6))
ns, ns6 = 1e9 * our_read / size, 1e9 * d6["timing"]["read_seconds"] / size6
print("gate-runner reading per byte: pandas default %.2f ns/B, %%.6f %.2f ns/B, ratio %.2f (goal <= 1.3)" % (ns, ns6, ns / ns6))
print("pq: the same rows as Parquet (Snappy, row groups of 131072); no pandas+scipy Parquet row: pandas cannot read Parquet here (no pyarrow or fastparquet)")
print("* against a stored profile (written once in %.2f s, %.0f MB peak); KS and Wasserstein from its sketch" % (build[0], build[1]))
if pq[0] > 0:
    print("speed-up on Parquet against pandas+scipy on CSV: %.1fx" % (theirs[0] / pq[0]))
if ours[0] > 0:
    print("speed-up: %.1fx end to end; gate-runner's statistics are %.0f%% of its time" %
          (theirs[0] / ours[0], 100 * (1 - our_read / ours[0])))
if prof[0] > 0:
    print("speed-up from the stored profile: %.1fx" % (theirs[0] / prof[0]))
PY
echo "largest differences, gate-runner against pandas + SciPy:"
/usr/bin/python3 bench/drift_agree.py "$out/ours.json" "$out/pandas.json"
echo "largest differences, gate-runner on Parquet against pandas + SciPy on CSV:"
/usr/bin/python3 bench/drift_agree.py "$out/ours-parquet.json" "$out/pandas.json"
echo "largest differences, gate-runner from the profile against pandas + SciPy (KS, Wasserstein approximate):"
/usr/bin/python3 bench/drift_agree.py "$out/ours-profile.json" "$out/pandas.json"
