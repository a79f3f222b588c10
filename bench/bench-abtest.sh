#!/usr/bin/env bash
# Times internal/gate/abtest's Mann–Whitney U and Welch t-test against SciPy
# (scipy.stats.mannwhitneyu method="asymptotic", ttest_ind equal_var=False)
# on the same two deterministic groups of BENCH_N values each (default
# 1,000,000, with ties), and prints both p-values to show they agree.
#
#   BENCH_N=200000 bash bench/bench-abtest.sh
set -euo pipefail
cd "$(dirname "$0")/.."
n=${BENCH_N:-1000000}
py=/usr/bin/python3

go_out=$(BENCH_N=$n go test -v -run '^$' -bench 'BenchmarkMannWhitney$|BenchmarkWelch$' -benchtime 5x ./internal/gate/abtest)
# "BenchmarkMannWhitney-2  5  123456789 ns/op" and "bench_test.go:40: bench-p welch 0.0172…"
go_ns() { echo "$go_out" | awk -v name="$1" '$1 ~ "^"name"(-[0-9]+)?$" && $4 == "ns/op" {print $3}'; }
go_p() { echo "$go_out" | awk -v name="$1" '$2 == "bench-p" && $3 == name {print $4; exit}'; }
go_mw_ns=$(go_ns BenchmarkMannWhitney); go_mw_p=$(go_p mann-whitney)
go_w_ns=$(go_ns BenchmarkWelch); go_w_p=$(go_p welch)

py_out=$($py - "$n" <<'PY'
import sys, time
import numpy as np
import scipy.stats as st
n = int(sys.argv[1])
i = np.arange(n, dtype=np.int64)
a = ((i * 7919) % 100003) / 1000
b = ((i * 7927) % 100019) / 1000 + 0.3
def best(f, reps=5):
    t = []
    for _ in range(reps):
        s = time.perf_counter(); r = f(); t.append(time.perf_counter() - s)
    return min(t) * 1e9, r.pvalue
mw_ns, mw_p = best(lambda: st.mannwhitneyu(a, b, method="asymptotic", use_continuity=True, alternative="two-sided"))
w_ns, w_p = best(lambda: st.ttest_ind(b, a, equal_var=False))
print(mw_ns, mw_p, w_ns, w_p)
PY
)
read -r py_mw_ns py_mw_p py_w_ns py_w_p <<< "$py_out"

printf '\n%d values per group (mlgate: mean of 5 runs, SciPy: best of 5)\n' "$n"
printf '%-14s %14s %14s %8s   %-22s %-22s\n' test "mlgate ms" "SciPy ms" "ratio" "mlgate p" "SciPy p"
row() {
  awk -v t="$1" -v g="$2" -v s="$3" -v gp="$4" -v sp="$5" 'BEGIN {
    printf "%-14s %14.1f %14.1f %7.2fx   %-22s %-22s\n", t, g/1e6, s/1e6, s/g, gp, sp }'
}
row mann-whitney "$go_mw_ns" "$py_mw_ns" "$go_mw_p" "$py_mw_p"
row welch "$go_w_ns" "$py_w_ns" "$go_w_p" "$py_w_p"
echo "(ratio = SciPy time / mlgate time; above 1 means mlgate is faster)"
