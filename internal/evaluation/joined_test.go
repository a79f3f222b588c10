package evaluation

import (
	"context"
	"errors"
	"strings"
	"testing"

	"gitlab.com/mlgate/mlgate/internal/gate"
)

type sklearnRef struct {
	Classification map[string]map[string]float64 `json:"classification"`
	Regression     map[string]float64            `json:"regression"`
}

// TestClassificationAgainstSklearn compares every classification metric
// with scikit-learn at two thresholds; the task is detected.
func TestClassificationAgainstSklearn(t *testing.T) {
	var ref sklearnRef
	mustJSON(t, "testdata/sklearn_reference.json", &ref)
	for _, tc := range []struct {
		key string
		thr float64
	}{{"threshold_0.5", 0}, {"threshold_0.3", 0.3}} {
		t.Run(tc.key, func(t *testing.T) {
			res := mustCompute(t, Input{Predictions: "testdata/cls_predictions.csv.gz", Labels: "testdata/cls_labels.csv.gz", Threshold: tc.thr})
			if res.Task != Classification {
				t.Fatalf("task %q, want classification", res.Task)
			}
			want := ref.Classification[tc.key]
			if len(want) != 7 {
				t.Fatalf("reference has %d values", len(want))
			}
			for name, w := range want {
				if got, ok := res.Values[name]; !ok || !closeTo(got, w, 1e-9) {
					t.Errorf("%s = %.17g, scikit-learn %.17g", name, got, w)
				}
			}
			if res.Counts["rows"] != 5000 {
				t.Errorf("rows = %d", res.Counts["rows"])
			}
		})
	}
}

// TestRegressionAgainstSklearn compares rmse, mae, mape (with zero
// targets) and r2 with scikit-learn.
func TestRegressionAgainstSklearn(t *testing.T) {
	var ref sklearnRef
	mustJSON(t, "testdata/sklearn_reference.json", &ref)
	res := mustCompute(t, Input{Predictions: "testdata/reg_predictions.csv.gz", Labels: "testdata/reg_labels.csv.gz"})
	if res.Task != Regression {
		t.Fatalf("task %q, want regression", res.Task)
	}
	for name, w := range ref.Regression {
		if got, ok := res.Values[name]; !ok || !closeTo(got, w, 1e-9) {
			t.Errorf("%s = %.17g, scikit-learn %.17g", name, got, w)
		}
	}
	if res.Counts["zero_targets"] != 15 {
		t.Errorf("zero_targets = %d, want 15", res.Counts["zero_targets"])
	}
}

// TestJoinedEdgeCases checks hand-computed values and the one-class case.
func TestJoinedEdgeCases(t *testing.T) {
	dir := t.TempDir()
	lab := mustWrite(t, dir, "l.csv", []string{"id,label", "a,1", "b,1", "c,1"})
	pred := mustWrite(t, dir, "p.csv", []string{"id,probability", "c,0.9", "a,0.2", "b,0.6"})
	res := mustCompute(t, Input{Task: Classification, Predictions: pred, Labels: lab})
	if _, ok := res.Values["roc_auc"]; ok {
		t.Error("roc_auc given for one class")
	}
	if !closeTo(res.Values["recall"], 2.0/3, 1e-15) || !closeTo(res.Values["accuracy"], 2.0/3, 1e-15) {
		t.Errorf("values %v", res.Values)
	}
	if len(res.Notes) == 0 || !strings.Contains(strings.Join(res.Notes, " "), "one class") {
		t.Errorf("notes %q", res.Notes)
	}
	rl := mustWrite(t, dir, "rl.csv", []string{"id,target", "a,2", "b,2"})
	rp := mustWrite(t, dir, "rp.csv", []string{"id,prediction", "a,2", "b,2"})
	if r := mustCompute(t, Input{Task: Regression, Predictions: rp, Labels: rl}); r.Values["r2"] != 1 || r.Values["rmse"] != 0 {
		t.Errorf("perfect constant fit: %v", r.Values)
	}
}

// TestJoinedErrors checks the messages for bad classification input.
func TestJoinedErrors(t *testing.T) {
	dir := t.TempDir()
	lab := mustWrite(t, dir, "l.csv", []string{"id,label", "a,1", "b,0"})
	cases := []struct {
		name   string
		task   Task
		preds  string
		labels string
		want   string
	}{
		{"bad score", Classification, mustWrite(t, dir, "p1.csv", []string{"id,score", "a,0.1", "b,abc"}), lab, `p1.csv: row 2, column "score": found "abc", expected a probability of class 1`},
		{"missing id", Classification, mustWrite(t, dir, "p2.csv", []string{"id,score", "a,0.1"}), lab, `l.csv: row 2, column "id": id "b" has no prediction`},
		{"extra id", Classification, mustWrite(t, dir, "p3.csv", []string{"id,score", "a,0.1", "b,0.2", "z,1"}), lab, `p3.csv: row 3, column "id": id "z" has no label`},
		{"duplicate", Classification, mustWrite(t, dir, "p4.csv", []string{"id,score", "a,0.1", "a,0.2"}), lab, `p4.csv: row 2, column "id": id "a" appears twice`},
		{"no score column", Classification, mustWrite(t, dir, "p5.csv", []string{"id,value", "a,0.1"}), lab, `p5.csv, column "score": no column with a probability of class 1: expected one of score, probability, proba, prediction`},
		{"bad label", Classification, mustWrite(t, dir, "p6.csv", []string{"id,score", "a,0.1"}), mustWrite(t, dir, "l2.csv", []string{"id,label", "a,2"}), `l2.csv: row 1, column "label": found "2", expected a class label 0 or 1`},
		{"empty", Regression, mustWrite(t, dir, "p7.csv", []string{"id,prediction"}), mustWrite(t, dir, "l3.csv", []string{"id,target"}), `l3.csv: no data rows`},
		{"unknown task", "clustering", mustWrite(t, dir, "p8.csv", []string{"id,prediction"}), lab, `unknown task`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Compute(context.Background(), Input{Task: tc.task, Predictions: tc.preds, Labels: tc.labels})
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, gate.ErrInput) {
				t.Errorf("not an input error: %v", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q\nwant it to contain %q", err, tc.want)
			}
		})
	}
}
