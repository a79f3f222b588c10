package github

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzReadEvent feeds arbitrary event payloads: an error, never a panic.
func FuzzReadEvent(f *testing.F) {
	for _, s := range []string{`{"pull_request": {"number": 3, "head": {"sha": "ab"}}}`, `{"number": "x"}`, `[]`, `{"pull_request": null}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		p := filepath.Join(t.TempDir(), "event.json")
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		_, _, _ = readEvent(p)
	})
}
