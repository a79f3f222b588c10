package drift

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

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
		// A valid profile merges with itself into a valid profile, unless
		// it is an empty shard's: merging only those is an error.
		m, err := MergeProfiles([]string{p, p}, []*Profile{prof, prof})
		if prof.IsEmpty() {
			if err == nil {
				t.Fatal("merging only empty shards' profiles gave no error")
			}
			return
		}
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
