package stats

import (
	"encoding/json"
	"math"
	"os"
	"testing"
)

// reference is testdata/reference.json, written by testdata/reference.py
// with SciPy.
type reference struct {
	SciPy   string `json:"scipy"`
	Numeric []struct {
		Name string          `json:"name"`
		Ref  json.RawMessage `json:"ref"`
		Cur  json.RawMessage `json:"cur"`
		Want struct {
			Empty       bool      `json:"empty"`
			Edges       []float64 `json:"edges"`
			RefCounts   []int64   `json:"ref_counts"`
			CurCounts   []int64   `json:"cur_counts"`
			PSI         float64   `json:"psi"`
			KL          float64   `json:"kl"`
			JSDistance  float64   `json:"js_distance"`
			KSStatistic float64   `json:"ks_statistic"`
			KSPValue    float64   `json:"ks_pvalue"`
			Wasserstein float64   `json:"wasserstein"`
		} `json:"want"`
	} `json:"numeric"`
	Categorical []struct {
		Name string           `json:"name"`
		Ref  map[string]int64 `json:"ref"`
		Cur  map[string]int64 `json:"cur"`
		Want struct {
			Empty         bool     `json:"empty"`
			Chi2          float64  `json:"chi2"`
			Chi2PValue    float64  `json:"chi2_pvalue"`
			DoF           int      `json:"dof"`
			PSI           float64  `json:"psi"`
			JSDistance    float64  `json:"js_distance"`
			NewCategories []string `json:"new_categories"`
		} `json:"want"`
	} `json:"categorical"`
	KSTwoSF [][3]float64 `json:"kstwo_sf"`
	Smirnov [][3]float64 `json:"smirnov"`
	BH      struct {
		P    []float64 `json:"p"`
		Want []float64 `json:"want"`
	} `json:"bh"`
}

type genSpec struct {
	N      int64   `json:"n"`
	Mul    int64   `json:"mul"`
	Mod    int64   `json:"mod"`
	Scale  float64 `json:"scale"`
	Mul2   int64   `json:"mul2"`
	Mod2   int64   `json:"mod2"`
	Scale2 float64 `json:"scale2"`
	Shift  float64 `json:"shift"`
}

func mustReference(tb testing.TB) *reference {
	tb.Helper()
	b, err := os.ReadFile("testdata/reference.json")
	if err != nil {
		tb.Fatal(err)
	}
	var r reference
	if err := json.Unmarshal(b, &r); err != nil {
		tb.Fatal(err)
	}
	return &r
}

// mustValues decodes a case's sample: a list (null is missing, dropped)
// or a generator evaluated as the Python script does.
func mustValues(tb testing.TB, raw json.RawMessage) []float64 {
	tb.Helper()
	var list []*float64
	if err := json.Unmarshal(raw, &list); err == nil {
		out := make([]float64, 0, len(list))
		for _, v := range list {
			if v != nil {
				out = append(out, *v)
			}
		}
		return out
	}
	var g genSpec
	if err := json.Unmarshal(raw, &g); err != nil {
		tb.Fatal(err)
	}
	out := make([]float64, g.N)
	for i := int64(0); i < g.N; i++ {
		x := float64((i*g.Mul)%g.Mod) / g.Scale
		x = x + float64((i*g.Mul2)%g.Mod2)/g.Scale2
		out[i] = x + g.Shift
	}
	return out
}

// close reports whether got equals want within rel relative tolerance, or
// abs absolute tolerance, whichever is looser.
func near(got, want, rel, abs float64) bool {
	if math.IsNaN(want) || math.IsNaN(got) {
		return math.IsNaN(want) && math.IsNaN(got)
	}
	d := math.Abs(got - want)
	return d <= abs || d <= rel*math.Abs(want)
}

const (
	relStat = 1e-9
	absStat = 1e-12 // for statistics whose reference value is 0
	tolP    = 1e-6
)

func TestNumericAgainstSciPy(t *testing.T) {
	ref := mustReference(t)
	for _, c := range ref.Numeric {
		t.Run(c.Name, func(t *testing.T) {
			if testing.Short() && len(c.Ref) < 400 && c.Ref[0] == '{' {
				t.Skip("large generated case skipped in -short mode")
			}
			a, b := mustValues(t, c.Ref), mustValues(t, c.Cur)
			got := Numeric(a, b, DefaultBins)
			w := c.Want
			if w.Empty {
				if !math.IsNaN(got.PSI) || !math.IsNaN(got.KS.PValue) || !math.IsNaN(got.Wasserstein) {
					t.Errorf("empty sample: got %+v, want NaN statistics", got)
				}
				return
			}
			if len(got.Edges) != len(w.Edges) {
				t.Fatalf("edges = %v, want %v", got.Edges, w.Edges)
			}
			for i := range w.Edges {
				if got.Edges[i] != w.Edges[i] {
					t.Errorf("edge %d = %v, want %v (bit-exact numpy quantile)", i, got.Edges[i], w.Edges[i])
				}
			}
			for i := range w.RefCounts {
				if got.RefCounts[i] != w.RefCounts[i] || got.CurCounts[i] != w.CurCounts[i] {
					t.Errorf("bin %d counts = %d/%d, want %d/%d", i, got.RefCounts[i], got.CurCounts[i], w.RefCounts[i], w.CurCounts[i])
				}
			}
			checks := []struct {
				name      string
				got, want float64
				rel, abs  float64
			}{
				{"psi", got.PSI, w.PSI, relStat, absStat},
				{"kl", got.KL, w.KL, relStat, absStat},
				{"js_distance", got.JSDistance, w.JSDistance, relStat, 1e-8}, // sqrt of a value near 0
				{"ks_statistic", got.KS.Statistic, w.KSStatistic, relStat, absStat},
				{"ks_pvalue", got.KS.PValue, w.KSPValue, tolP, tolP},
				{"wasserstein", got.Wasserstein, w.Wasserstein, relStat, absStat},
			}
			for _, ck := range checks {
				if !near(ck.got, ck.want, ck.rel, ck.abs) {
					t.Errorf("%s = %.17g, want %.17g (SciPy)", ck.name, ck.got, ck.want)
				}
			}
		})
	}
}

func TestKSTwoSFAgainstSciPy(t *testing.T) {
	ref := mustReference(t)
	for _, c := range ref.KSTwoSF {
		n, d, want := int(c[0]), c[1], c[2]
		got := KSTwoSF(d, n)
		if !near(got, want, tolP, 1e-12) {
			t.Errorf("kstwo.sf(%v, %d) = %.17g, want %.17g", d, n, got, want)
		}
	}
}

func TestSmirnovAgainstSciPy(t *testing.T) {
	ref := mustReference(t)
	for _, c := range ref.Smirnov {
		n, d, want := int(c[0]), c[1], c[2]
		got := smirnov(n, d)
		if !near(got, want, 1e-9, 1e-15) {
			t.Errorf("smirnov(%d, %v) = %.17g, want %.17g", n, d, got, want)
		}
	}
}

// TestSmirnovSampledMatchesPlain checks the sampled lower sum against the
// plain one (every term) over the range two-sample tests reach: equal
// within 1e-10 relative (each term's logarithm, ~1e5, rounds to ~1e-11
// relative in both, and the two average different terms).
func TestSmirnovSampledMatchesPlain(t *testing.T) {
	for _, n := range []int{20000, 77777, 500000, 1000000} {
		for _, x := range []float64{0.0005, 0.0021, 0.004, 0.01, 0.03, 0.1} {
			nxfl, _ := modNX(n, x)
			m := n - nxfl
			got, ok := smirnovLowerSum(n, x, m)
			want, _ := smirnovSampled(n, x, m, 1)
			if !ok && float64(n)*x*x >= 2.2 && float64(n)*x*x < 370 { // where kolmogn calls smirnov
				t.Errorf("n %d x %v: not sampled", n, x)
			}
			if ok && math.Abs(got-want) > 1e-10*want {
				t.Errorf("n %d x %v: sampled %.17g, plain %.17g", n, x, got, want)
			}
		}
	}
}

func BenchmarkKSTwoSF500k(b *testing.B) {
	for b.Loop() {
		KSTwoSF(0.003, 500000)
	}
}

func TestCategoricalAgainstSciPy(t *testing.T) {
	ref := mustReference(t)
	for _, c := range ref.Categorical {
		t.Run(c.Name, func(t *testing.T) {
			got := Categorical(c.Ref, c.Cur)
			w := c.Want
			if w.Empty {
				if !math.IsNaN(got.Chi2) || !math.IsNaN(got.PSI) {
					t.Errorf("empty sample: chi2 %v psi %v, want NaN", got.Chi2, got.PSI)
				}
				return
			}
			if got.DoF != w.DoF {
				t.Errorf("dof = %d, want %d", got.DoF, w.DoF)
			}
			if !near(got.Chi2, w.Chi2, relStat, absStat) {
				t.Errorf("chi2 = %.17g, want %.17g", got.Chi2, w.Chi2)
			}
			if !near(got.PValue, w.Chi2PValue, tolP, tolP) {
				t.Errorf("chi2_pvalue = %.17g, want %.17g", got.PValue, w.Chi2PValue)
			}
			if !near(got.PSI, w.PSI, relStat, absStat) {
				t.Errorf("psi = %.17g, want %.17g", got.PSI, w.PSI)
			}
			if !near(got.JSDistance, w.JSDistance, relStat, 1e-8) {
				t.Errorf("js_distance = %.17g, want %.17g", got.JSDistance, w.JSDistance)
			}
			if len(got.New) != len(w.NewCategories) {
				t.Fatalf("new categories = %v, want %v", got.New, w.NewCategories)
			}
			for i := range got.New {
				if got.New[i] != w.NewCategories[i] {
					t.Errorf("new categories = %v, want %v", got.New, w.NewCategories)
				}
			}
		})
	}
}

func TestBenjaminiHochberg(t *testing.T) {
	ref := mustReference(t)
	got := BenjaminiHochberg(ref.BH.P)
	for i := range got {
		if !near(got[i], ref.BH.Want[i], 1e-12, 1e-15) {
			t.Errorf("q[%d] = %v, want %v", i, got[i], ref.BH.Want[i])
		}
	}
	withNaN := BenjaminiHochberg([]float64{0.01, math.NaN(), 0.02})
	if !math.IsNaN(withNaN[1]) || withNaN[0] != 0.02 || withNaN[2] != 0.02 {
		t.Errorf("BH with NaN = %v, want [0.02 NaN 0.02]", withNaN)
	}
}
