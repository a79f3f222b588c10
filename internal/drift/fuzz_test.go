package drift

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// FuzzKS2Samp feeds arbitrary small samples (decoded from bytes, NaN and
// infinities dropped) to the KS test: it must not panic, must give a
// statistic and p-value in [0, 1], and must not depend on which sample
// comes first.
func FuzzKS2Samp(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, uint8(1))
	f.Add([]byte{0, 0, 0, 0, 0, 0, 240, 63, 0, 0, 0, 0, 0, 0, 0, 64, 0, 0, 0, 0, 0, 0, 8, 64}, uint8(2))
	f.Fuzz(func(t *testing.T, data []byte, split uint8) {
		var x []float64
		for len(data) >= 8 {
			v := math.Float64frombits(binary.LittleEndian.Uint64(data))
			data = data[8:]
			if !math.IsNaN(v) && !math.IsInf(v, 0) {
				x = append(x, v)
			}
		}
		k := int(split)
		if len(x) < 2 || k == 0 || k >= len(x) {
			return
		}
		a, b := slices.Clone(x[:k]), slices.Clone(x[k:])
		slices.Sort(a)
		slices.Sort(b)
		r1, r2 := KS2Samp(a, b), KS2Samp(b, a)
		for _, r := range []KSResult{r1, r2} {
			if !(r.Statistic >= 0 && r.Statistic <= 1 && r.PValue >= 0 && r.PValue <= 1) {
				t.Fatalf("KS2Samp(%v, %v) = %+v: out of [0, 1]", a, b, r)
			}
		}
		if math.Abs(r1.Statistic-r2.Statistic) > 1e-12 || math.Abs(r1.PValue-r2.PValue) > 1e-9 {
			t.Fatalf("asymmetric: %+v vs %+v", r1, r2)
		}
		w := Wasserstein(a, b)
		if w < 0 || math.IsNaN(w) && !math.IsInf(a[0]-b[0], 0) {
			t.Fatalf("Wasserstein = %v", w)
		}
	})
}

// FuzzReadProfile reads arbitrary profile files: a bad one is an error,
// never a panic, and a good one compares with a small current file.
func FuzzReadProfile(f *testing.F) {
	f.Add([]byte(`{"version":2,"rows":3,"bins":10,"sketch_size":2,"shards":1,"features":[{"name":"x","type":"numeric","n":3,"missing":0,"edges":[1,2],"counts":[1,1,1],"min":0,"max":2,"sum":3,"sketch":{"values":[0,1,2],"weights":[1,1,1],"rank_error_up":0,"rank_error_down":0,"l1_error":0}},{"name":"c","type":"categorical","n":2,"categories":{"a":2}}]}`))
	f.Add([]byte(`{"version":2,"rows":9,"bins":3,"sketch_size":1,"shards":2,"edges_approximate":true,"features":[{"name":"x","type":"timestamp","n":9,"edges":[-1e300],"counts":[0,9],"min":-1e300,"max":1e300,"sum":0,"sketch":{"values":[-1e300,1e300],"weights":[4,5],"rank_error_up":3,"rank_error_down":4,"l1_error":1e308}}]}`))
	f.Add([]byte(`{"version":2,"bins":1,"sketch_size":1,"shards":1,"features":[]}`))
	f.Add([]byte(`{"version":1,"features":[]}`))
	dir := f.TempDir()
	cur := filepath.Join(dir, "cur.csv")
	if err := os.WriteFile(cur, []byte("x,c\n0.5,a\n3,b\n,a\n"), 0o644); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		p := filepath.Join(t.TempDir(), "r.profile.json")
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		prof, err := ReadProfile(p)
		if err != nil {
			return
		}
		// A valid profile merges with itself into a valid profile.
		m, err := MergeProfiles([]string{p, p}, []*Profile{prof, prof})
		if err != nil {
			t.Fatalf("a profile does not merge with itself: %v", err)
		}
		if _, err := json.Marshal(m); err != nil {
			t.Fatalf("merged profile does not encode: %v", err)
		}
		r, err := CompareProfileFile(context.Background(), prof, p, cur, Options{Workers: 1})
		if err != nil {
			return
		}
		for _, f := range r.Features {
			if _, err := f.MarshalJSON(); err != nil {
				t.Fatal(err)
			}
		}
	})
}
