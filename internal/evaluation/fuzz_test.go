package evaluation

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"gitlab.com/mlgate/mlgate/internal/gate"
)

type fuzzRow struct {
	user, item string
	value      float64
}

// collect runs a scanner over path and returns its rows.
func collect(scan func(fn rowFunc) error) ([]fuzzRow, error) {
	var rows []fuzzRow
	err := scan(func(u, i []byte, v float64, row, line int) error {
		rows = append(rows, fuzzRow{string(u), string(i), v})
		return nil
	})
	return rows, err
}

func fuzzFile(t *testing.T, name string, data []byte) string {
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// FuzzRunReader checks that the TREC run reader never panics and that
// every row it accepts has non-empty ids without blanks and a score that
// is not NaN.
func FuzzRunReader(f *testing.F) {
	f.Add([]byte("q1 Q0 d1 1 0.5 run\nq1 Q0 d2 2 0.25 run\n"))
	f.Add([]byte("# comment\n\nq1\tQ0\td1\t1\t-1e300\trun\r\n"))
	f.Add([]byte("q1 Q0 d1 1 nan run\n"))
	f.Add([]byte("q1 Q0 d1 1 0.5\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p := fuzzFile(t, "f.run", data)
		rows, err := collect(func(fn rowFunc) error { return scanRun(context.Background(), p, fn) })
		if err != nil {
			return
		}
		for _, r := range rows {
			if r.user == "" || r.item == "" || strings.ContainsAny(r.user+r.item, " \t\n") || math.IsNaN(r.value) {
				t.Fatalf("bad row accepted: %+v", r)
			}
		}
	})
}

// FuzzQrelsReader checks the qrels reader the same way, with integer
// relevance.
func FuzzQrelsReader(f *testing.F) {
	f.Add([]byte("q1 0 d1 1\nq1 0 d2 0\n"))
	f.Add([]byte("q1 0 d1 2.0\nq1 0 d2 -1\n"))
	f.Add([]byte("q1 0 d1 x\n"))
	f.Add([]byte("q1 0 d1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p := fuzzFile(t, "f.qrels", data)
		rows, err := collect(func(fn rowFunc) error { return scanQrels(context.Background(), p, fn) })
		if err != nil {
			return
		}
		for _, r := range rows {
			if r.user == "" || r.item == "" || r.value != math.Trunc(r.value) {
				t.Fatalf("bad row accepted: %+v", r)
			}
		}
	})
}

// FuzzFastCSV checks the fast CSV scanner against internal/dataset's
// general reader: whenever the fast path accepts a file, the general
// reader must read the same rows; when it rejects one, so must the other.
func FuzzFastCSV(f *testing.F) {
	f.Add([]byte("user_id,item_id,score\nu1,i1,0.5\nu1,i2,1e3\r\n"))
	f.Add([]byte("\ufeffscore,item_id,user_id\n1,a,b\n\n2,c,d\n"))
	f.Add([]byte("user_id,item_id,score\n\"u1\",i1,0.5\n"))
	f.Add([]byte("user_id,item_id,score\nu1,i1\n"))
	f.Add([]byte("user_id,user_id,item_id,score\nu1,u1,i1,1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p := fuzzFile(t, "f.csv", data)
		ctx := context.Background()
		fast, ferr := collect(func(fn rowFunc) error { return scanFastCSV(ctx, p, predictionColumns, fn) })
		if errors.Is(ferr, errSlowPath) {
			return
		}
		slow, serr := collect(func(fn rowFunc) error { return scanDataset(ctx, p, predictionColumns, fn) })
		if (ferr == nil) != (serr == nil) {
			t.Fatalf("fast error %v, general reader error %v", ferr, serr)
		}
		if ferr == nil && !reflect.DeepEqual(fast, slow) {
			t.Fatalf("fast rows %+v\ngeneral rows %+v", fast, slow)
		}
	})
}

// FuzzRankingCompute checks that Compute on arbitrary run and qrels files
// gives an input error or metrics within [0, 1], never a panic.
func FuzzRankingCompute(f *testing.F) {
	f.Add([]byte("u1 Q0 d1 1 0.5 r\nu1 Q0 d2 2 0.5 r\nu2 Q0 d1 1 1 r\n"), []byte("u1 0 d1 1\nu2 0 d3 3\n"))
	f.Add([]byte("u1 Q0 d1 1 0.5 r\nu2 Q0 d1 1 1 r\nu1 Q0 d2 2 0.5 r\n"), []byte("u1 0 d2 2\nu2 0 d1 0\n"))
	f.Fuzz(func(t *testing.T, run, qrels []byte) {
		dir := t.TempDir()
		rp, qp := filepath.Join(dir, "f.run"), filepath.Join(dir, "f.qrels")
		if os.WriteFile(rp, run, 0o644) != nil || os.WriteFile(qp, qrels, 0o644) != nil {
			t.Fatal("write")
		}
		res, err := Compute(context.Background(), Input{Predictions: rp, Labels: qp, K: []int{1, 3}})
		if err != nil {
			if !errors.Is(err, gate.ErrInput) {
				t.Fatalf("error not marked as input: %v", err)
			}
			return
		}
		for k, v := range res.Values {
			if !(v >= 0 && v <= 1+1e-12) {
				t.Fatalf("%s = %v out of [0, 1]", k, v)
			}
		}
	})
}
