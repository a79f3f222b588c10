package runner

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestExpandGlobs(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"a.xml", "sub/b.xml", "sub/deep/c.xml", "sub/c.txt"} {
		p := filepath.Join(dir, f)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	j := func(s ...string) []string {
		for i := range s {
			s[i] = filepath.Join(dir, s[i])
		}
		return s
	}
	for _, c := range []struct {
		name     string
		patterns []string
		want     []string
		err      string
	}{
		{"star", j("*.xml"), j("a.xml"), ""},
		{"double star", j("**/*.xml"), j("a.xml", "sub/b.xml", "sub/deep/c.xml"), ""},
		{"repeats once", j("a.xml", "*.xml"), j("a.xml"), ""},
		{"no match", j("*.json"), nil, `"` + filepath.Join(dir, "*.json") + `" matches no file`},
		{"missing file", j("nope.xml"), nil, "stat " + filepath.Join(dir, "nope.xml") + ": no such file or directory"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := ExpandGlobs(context.Background(), c.patterns)
			if c.err != "" {
				if err == nil || err.Error() != c.err {
					t.Fatalf("err %v, want %s", err, c.err)
				}
				return
			}
			if err != nil || !slices.Equal(got, c.want) {
				t.Errorf("got %v, %v; want %v", got, err, c.want)
			}
		})
	}
}
