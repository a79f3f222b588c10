package concept

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gitlab.com/mlgate/mlgate/internal/gate"
)

// mustLabelled writes n rows of two features and a label drawn from a
// logistic model with weights w.
func mustLabelled(tb testing.TB, path string, n int, seed uint64, w [2]float64) {
	tb.Helper()
	rng := rand.New(rand.NewPCG(seed, 9))
	var b strings.Builder
	b.WriteString("a,b,flag,y\n")
	for i := 0; i < n; i++ {
		a, c := rng.NormFloat64(), rng.NormFloat64()*3+1
		p := 1 / (1 + math.Exp(-(w[0]*a + w[1]*c)))
		y := 0
		if rng.Float64() < p {
			y = 1
		}
		fmt.Fprintf(&b, "%.5f,%.5f,%t,%d\n", a, c, i%2 == 0, y)
	}
	b.WriteString(",1,true,0\n") // a missing feature: skipped
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		tb.Fatal(err)
	}
}

func TestConcept(t *testing.T) {
	dir := t.TempDir()
	old := filepath.Join(dir, "old.csv")
	mustLabelled(t, old, 3000, 1, [2]float64{2, 0.5})
	cases := []struct {
		name string
		w    [2]float64
		want gate.Status
	}{
		{"same concept", [2]float64{2, 0.5}, gate.Pass},
		{"reversed concept", [2]float64{-2, 0.5}, gate.Fail},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			nw := filepath.Join(dir, fmt.Sprintf("new%d.csv", i))
			mustLabelled(t, nw, 2000, uint64(10+i), c.w)
			r, err := Measure(context.Background(), old, nw, "y", Options{})
			if err != nil {
				t.Fatal(err)
			}
			if r.Status != c.want || r.NTrain != 2400 || r.NHoldout != 600 || r.NNew != 2000 || r.Skipped != 2 {
				t.Errorf("status %s (AUC %v → %v), train %d hold-out %d new %d skipped %d", r.Status, r.AUCHoldout, r.AUCNew, r.NTrain, r.NHoldout, r.NNew, r.Skipped)
			}
			if len(r.Features) != 3 || r.AUCHoldout < 0.8 {
				t.Errorf("features %v, hold-out AUC %v", r.Features, r.AUCHoldout)
			}
			res := r.Result()
			if res.Status != c.want || len(res.Checks) != 1 {
				t.Errorf("result %s with %d checks", res.Status, len(res.Checks))
			}
		})
	}
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("a,b,flag,y\n1,2,true,maybe\n"), 0o644)
	if _, err := Measure(context.Background(), old, bad, "y", Options{}); err == nil || !strings.Contains(err.Error(), `column "y": label "maybe" is not 0/1`) {
		t.Errorf("bad label: err = %v", err)
	}
	if _, err := Measure(context.Background(), old, old, "nope", Options{}); err == nil || !strings.Contains(err.Error(), `column "nope": no such label column`) {
		t.Errorf("missing label column: err = %v", err)
	}
}
