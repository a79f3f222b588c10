package evaluation

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"

	"gitlab.com/mlgate/mlgate/internal/dataset"
	"gitlab.com/mlgate/mlgate/internal/gate"
)

const (
	refRun   = "testdata/ref.run.gz"
	refQrels = "testdata/ref.qrels.gz"
)

type trecRef struct {
	Decimals int                           `json:"decimals"`
	Means    map[string]float64            `json:"means"`
	PerQuery map[string]map[string]float64 `json:"per_query"`
}

// TestRankingAgainstTrecEval checks the means of every metric against
// trec_eval 9.0.8 on the generated reference set: at full precision (a
// build printing %.17g) to 1e-9, against the stock build's 4 decimals, and
// against an independent Python implementation (python_reference.py).
func TestRankingAgainstTrecEval(t *testing.T) {
	res := mustCompute(t, Input{Task: Ranking, Predictions: refRun, Labels: refQrels, K: []int{10, 5}})
	for _, tc := range []struct {
		file string
		tol  float64
	}{
		{"testdata/trec_eval_full.json", 1e-9},
		{"testdata/trec_eval_stock.json", 5e-5},
		{"testdata/python_reference.json", 1e-9},
	} {
		t.Run(filepath.Base(tc.file), func(t *testing.T) {
			var ref trecRef
			mustJSON(t, tc.file, &ref)
			if len(ref.Means) < 11 {
				t.Fatalf("reference has %d means", len(ref.Means))
			}
			for name, want := range ref.Means {
				if name == "users_evaluated" {
					if got := res.Counts[name]; got != int(want) {
						t.Errorf("%s = %d, trec_eval num_q %v", name, got, want)
					}
					continue
				}
				got, ok := res.Values[name]
				if !ok {
					t.Errorf("%s missing", name)
					continue
				}
				if !closeTo(got, want, tc.tol) {
					t.Errorf("%s = %.17g, trec_eval %.17g (diff %.3g)", name, got, want, got-want)
				}
			}
		})
	}
}

// TestRankingPerUser checks single users' values against trec_eval -q by
// evaluating files cut down to that user.
func TestRankingPerUser(t *testing.T) {
	var ref trecRef
	mustJSON(t, "testdata/trec_eval_full.json", &ref)
	run, qrels := mustReadLines(t, refRun), mustReadLines(t, refQrels)
	dir := t.TempDir()
	if len(ref.PerQuery) < 5 {
		t.Fatalf("only %d per-query references", len(ref.PerQuery))
	}
	for qid, want := range ref.PerQuery {
		t.Run(qid, func(t *testing.T) {
			pick := func(lines []string) []string {
				var out []string
				for _, l := range lines {
					if strings.HasPrefix(l, qid+" ") {
						out = append(out, l)
					}
				}
				return out
			}
			r := mustWrite(t, dir, qid+".run", pick(run))
			q := mustWrite(t, dir, qid+".qrels", pick(qrels))
			res := mustCompute(t, Input{Predictions: r, Labels: q})
			if res.Task != Ranking || res.Counts["users_evaluated"] != 1 {
				t.Fatalf("task %s, counts %v", res.Task, res.Counts)
			}
			for name, w := range want {
				if got := res.Values[name]; !closeTo(got, w, 1e-9) {
					t.Errorf("%s = %.17g, trec_eval %.17g", name, got, w)
				}
			}
		})
	}
}

// refTables converts the reference run and qrels to tables in several
// formats and orders.
func refTables(t *testing.T) (dir string, preds, labels []string) {
	t.Helper()
	dir = t.TempDir()
	for _, l := range mustReadLines(t, refRun) {
		f := strings.Fields(l)
		preds = append(preds, f[0]+","+f[2]+","+f[4])
	}
	for _, l := range mustReadLines(t, refQrels) {
		f := strings.Fields(l)
		labels = append(labels, f[0]+","+f[2]+","+f[3])
	}
	return dir, preds, labels
}

// TestRankingTableFormats checks that CSV (fast path, quoted slow path,
// shuffled rows), JSONL and Parquet give the TREC files' values.
func TestRankingTableFormats(t *testing.T) {
	want := mustCompute(t, Input{Predictions: refRun, Labels: refQrels})
	dir, preds, labels := refTables(t)
	lab := mustWrite(t, dir, "labels.csv", append([]string{"user_id,item_id,relevance"}, labels...))
	shuffled := append([]string(nil), preds...)
	rng := rand.New(rand.NewPCG(1, 2))
	rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	quoted := make([]string, len(preds))
	jsonl := make([]string, len(preds))
	for i, p := range preds {
		f := strings.Split(p, ",")
		quoted[i] = fmt.Sprintf("%q,%s,%s", f[0], f[1], f[2])
		jsonl[i] = fmt.Sprintf(`{"user_id":%q,"item_id":%q,"score":%s}`, f[0], f[1], f[2])
	}
	type pqRow struct {
		User  string  `parquet:"user_id"`
		Item  string  `parquet:"item_id"`
		Score float64 `parquet:"score"`
	}
	var pq []pqRow
	for _, p := range preds {
		f := strings.Split(p, ",")
		v, err := strconv.ParseFloat(f[2], 64)
		if err != nil {
			t.Fatal(err)
		}
		pq = append(pq, pqRow{f[0], f[1], v})
	}
	pqPath := filepath.Join(dir, "p.parquet")
	if err := parquet.WriteFile(pqPath, pq); err != nil {
		t.Fatal(err)
	}
	cases := map[string]string{
		"parquet":  pqPath,
		"csv":      mustWrite(t, dir, "p.csv", append([]string{"user_id,item_id,score"}, preds...)),
		"shuffled": mustWrite(t, dir, "s.csv", append([]string{"score,item_id,user_id"}, reorder(shuffled)...)),
		"quoted":   mustWrite(t, dir, "q.csv", append([]string{"user_id,item_id,score"}, quoted...)),
		"jsonl":    mustWrite(t, dir, "p.jsonl", jsonl),
	}
	for name, p := range cases {
		t.Run(name, func(t *testing.T) {
			got := mustCompute(t, Input{Predictions: p, Labels: lab})
			for k, w := range want.Values {
				if !closeTo(got.Values[k], w, 1e-12) {
					t.Errorf("%s = %.17g, TREC files give %.17g", k, got.Values[k], w)
				}
			}
			for k, w := range want.Counts {
				if got.Counts[k] != w {
					t.Errorf("count %s = %d, TREC files give %d", k, got.Counts[k], w)
				}
			}
		})
	}
}

// reorder turns "u,i,s" rows into "s,i,u" so that column lookup by name is
// exercised.
func reorder(rows []string) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		f := strings.Split(r, ",")
		out[i] = f[2] + "," + f[1] + "," + f[0]
	}
	return out
}

// TestRankingCounts checks the user counts against counts taken directly
// from the files.
func TestRankingCounts(t *testing.T) {
	res := mustCompute(t, Input{Predictions: refRun, Labels: refQrels})
	runUsers, labUsers, relUsers := map[string]bool{}, map[string]bool{}, map[string]bool{}
	items := map[string]bool{}
	for _, l := range mustReadLines(t, refRun) {
		f := strings.Fields(l)
		runUsers[f[0]], items[f[2]] = true, true
	}
	for _, l := range mustReadLines(t, refQrels) {
		f := strings.Fields(l)
		labUsers[f[0]], items[f[2]] = true, true
		if f[3] != "0" {
			relUsers[f[0]] = true
		}
	}
	var both, noPred, noLab, noRel int
	for u := range labUsers {
		if runUsers[u] {
			both++
			if !relUsers[u] {
				noRel++
			}
		} else {
			noPred++
		}
	}
	for u := range runUsers {
		if !labUsers[u] {
			noLab++
		}
	}
	want := map[string]int{"users_evaluated": both, "users_without_predictions": noPred, "users_without_labels": noLab, "users_without_relevant": noRel, "catalogue_items": len(items)}
	for k, w := range want {
		if res.Counts[k] != w {
			t.Errorf("%s = %d, want %d", k, res.Counts[k], w)
		}
	}
	if noPred == 0 || noLab == 0 || noRel == 0 {
		t.Errorf("reference set lacks an edge case: %v", want)
	}
}

// TestRankingSmall checks hand-computed values, tie-breaking and coverage.
func TestRankingSmall(t *testing.T) {
	dir := t.TempDir()
	// u1: d3 and d1 tie at 0.5; trec_eval puts d3 (larger id) first.
	run := mustWrite(t, dir, "a.run", []string{"u1 Q0 d1 1 0.5 r", "u1 Q0 d3 2 0.5 r", "u2 Q0 d1 1 0.9 r", "u9 Q0 d7 1 1 r"})
	qrels := mustWrite(t, dir, "a.qrels", []string{"u1 0 d1 2", "u1 0 d2 0", "u2 0 d1 0", "u3 0 d5 1"})
	res := mustCompute(t, Input{Predictions: run, Labels: qrels, K: []int{1, 2}})
	want := map[string]float64{
		"precision@1": 0, "precision@2": 0.25, "recall@2": 0.5, "hit_rate@1": 0, "hit_rate@2": 0.5,
		"mrr": 0.25, "map@2": 0.25, "ndcg@2": (2 / 1.584962500721156) / 2 / 2,
		// catalogue d1 d2 d3 d5 d7; top-1 of u1, u2, u9: d3, d1, d7.
		"coverage@1": 3.0 / 5, "coverage@2": 3.0 / 5,
	}
	for k, w := range want {
		if !closeTo(res.Values[k], w, 1e-12) {
			t.Errorf("%s = %v, want %v", k, res.Values[k], w)
		}
	}
	counts := map[string]int{"users_evaluated": 2, "users_without_predictions": 1, "users_without_labels": 1, "users_without_relevant": 1}
	for k, w := range counts {
		if res.Counts[k] != w {
			t.Errorf("%s = %d, want %d", k, res.Counts[k], w)
		}
	}
}

// TestRankingErrors checks that bad input is an input error naming the
// file, row and column.
func TestRankingErrors(t *testing.T) {
	dir := t.TempDir()
	goodQrels := mustWrite(t, dir, "good.qrels", []string{"u1 0 d1 1"})
	goodRun := mustWrite(t, dir, "good.run", []string{"u1 Q0 d1 1 0.5 r"})
	// More than one reading block (1 MiB) before the bad line.
	long := make([]string, 0, 60001)
	for i := 0; i < 60000; i++ {
		long = append(long, fmt.Sprintf("u%d Q0 d%d 1 0.5 run-with-a-long-tag", i/10, i))
	}
	long = append(long, "u9 Q0 d1 1 x r")
	cases := []struct {
		name, preds, labels, want string
	}{
		{"bad score after blocks", mustWrite(t, dir, "long.run", long), goodQrels,
			`long.run: row 60001 (line 60001), column "score": found "x"`},
		{"line too long", mustWrite(t, dir, "huge.run", []string{"u1 Q0 d1 1 0.5 r", strings.Repeat("x", 1<<20+10)}), goodQrels,
			`huge.run: line 2: line longer than 1048576 bytes`},
		{"duplicate item", mustWrite(t, dir, "dup.run", []string{"u1 Q0 d1 1 0.5 r", "u1 Q0 d1 2 0.4 r"}), goodQrels,
			`dup.run: row 2 (line 2), column "item_id": user "u1" lists item "d1" twice`},
		{"bad score", mustWrite(t, dir, "score.run", []string{"u1 Q0 d1 1 high r"}), goodQrels,
			`score.run: row 1 (line 1), column "score": found "high", expected a number`},
		{"fields", mustWrite(t, dir, "fields.run", []string{"u1 Q0 d1 1 0.5"}), goodQrels,
			`fields.run: row 1 (line 1): has 5 fields, expected at least 6 (qid Q0 docno rank score tag; further fields are ignored)`},
		{"qrels fields", goodRun, mustWrite(t, dir, "fields.qrels", []string{"u1 0 d1 1 extra"}),
			`fields.qrels: row 1 (line 1): has 5 fields, expected 4 (qid iter docno rel)`},
		{"empty run", mustWrite(t, dir, "empty.run", []string{""}), goodQrels, `empty.run: empty file`},
		{"qrels dup", goodRun, mustWrite(t, dir, "dup.qrels", []string{"u1 0 d1 1", "u1 0 d1 0"}),
			`dup.qrels: line 2, column "item_id": user "u1" has item "d1" twice`},
		{"qrels rel", goodRun, mustWrite(t, dir, "rel.qrels", []string{"u1 0 d1 yes"}),
			`rel.qrels: row 1 (line 1), column "rel": found "yes", expected an integer relevance`},
		{"csv column", mustWrite(t, dir, "p.csv", []string{"user_id,item,score", "u1,d1,1"}), goodQrels,
			`p.csv, column "item_id": no such column`},
		{"csv score", mustWrite(t, dir, "p2.csv", []string{"user_id,item_id,score", "u1,d1,1", "u1,d2,x"}), goodQrels,
			`p2.csv: row 2 (line 3), column "score": found "x", expected a number`},
		{"csv quoted score", mustWrite(t, dir, "p3.csv", []string{"user_id,item_id,score", `"u1",d1,`}), goodQrels,
			`p3.csv: row 1, column "score": found "", expected a number`},
		{"no overlap", mustWrite(t, dir, "other.run", []string{"u2 Q0 d1 1 0.5 r"}), goodQrels,
			`no user appears in both`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Compute(context.Background(), Input{Task: Ranking, Predictions: tc.preds, Labels: tc.labels})
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, gate.ErrInput) {
				t.Errorf("not an input error: %v", err)
			}
			var re *dataset.RowError
			if !errors.As(err, &re) {
				t.Errorf("not a RowError: %v", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q\nwant it to contain %q", err, tc.want)
			}
		})
	}
}

// TestRankingCanceled checks that a canceled context stops Compute with
// the context's error, not an input error.
func TestRankingCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	dir, preds, labels := refTables(t)
	p := mustWrite(t, dir, "p.csv", append([]string{"user_id,item_id,score"}, preds...))
	l := mustWrite(t, dir, "l.csv", append([]string{"user_id,item_id,relevance"}, labels...))
	for _, in := range []Input{
		{Predictions: p, Labels: l},
		{Predictions: refRun, Labels: refQrels},
		{Predictions: "testdata/cls_predictions.csv.gz", Labels: "testdata/cls_labels.csv.gz", Task: Classification},
	} {
		_, err := Compute(ctx, in)
		if !errors.Is(err, context.Canceled) || errors.Is(err, gate.ErrInput) {
			t.Errorf("%s: error %v, want context.Canceled only", in.Predictions, err)
		}
	}
}

// TestParseScoreRange checks atof's handling of out-of-range numbers.
func TestParseScoreRange(t *testing.T) {
	for in, want := range map[string]bool{"1e400": true, "-1e400": true, "1e-400": true, "0x1p3": true, "nan": false, "1,5": false} {
		if _, ok := parseScore([]byte(in)); ok != want {
			t.Errorf("parseScore(%q) ok = %v, want %v", in, ok, want)
		}
	}
}

// TestRankingDefaultRelevance checks that labels without a relevance
// column count every listed item as relevance 1, and that the task is
// detected from the item_id column.
func TestRankingDefaultRelevance(t *testing.T) {
	dir := t.TempDir()
	p := mustWrite(t, dir, "p.csv", []string{"user_id,item_id,score", "u1,a,0.9", "u1,b,0.8", "u1,c,0.7"})
	l := mustWrite(t, dir, "l.csv", []string{"user_id,item_id", "u1,b", "u1,z"})
	res := mustCompute(t, Input{Predictions: p, Labels: l, K: []int{2}})
	if res.Task != Ranking {
		t.Fatalf("task %q", res.Task)
	}
	// b at rank 2: P@2 = 1/2, recall@2 = 1/2, mrr = 1/2, map@2 = (1/2)/2,
	// ndcg@2 = (1/log2(3)) / (1 + 1/log2(3)).
	d := 1 / 1.5849625007211562
	want := map[string]float64{"precision@2": 0.5, "recall@2": 0.5, "mrr": 0.5, "map@2": 0.25, "ndcg@2": d / (1 + d), "coverage@2": 2.0 / 4}
	for k, w := range want {
		if !closeTo(res.Values[k], w, 1e-12) {
			t.Errorf("%s = %v, want %v", k, res.Values[k], w)
		}
	}
}
