package lineage

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzDVCAndParams feeds arbitrary bytes as a .dvc file and as
// params.yaml: an error, never a panic.
func FuzzDVCAndParams(f *testing.F) {
	for _, s := range []string{"outs:\n- md5: abc\n  path: d.csv\n", "outs: 3", "a:\n  b: [1, 2]\n", "- x", "a: &a [*a]", ""} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		dir := t.TempDir()
		data := filepath.Join(dir, "d.csv")
		if err := os.WriteFile(data, []byte("x\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(data+".dvc", b, 0o644); err != nil {
			t.Fatal(err)
		}
		_, _ = Hash(data)
		p := filepath.Join(dir, "params.yaml")
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		_, _ = Params(p)
	})
}
