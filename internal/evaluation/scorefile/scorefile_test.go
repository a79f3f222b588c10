package scorefile

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"gitlab.com/mlgate/mlgate/internal/gate"
)

func TestParse(t *testing.T) {
	cases := []struct {
		name, ext, in string
		want          gate.Metrics
		err           string
	}{
		{"flat json", ".json", `{"precision@5": 0.21, "recall@10": 4e-1}`, gate.Metrics{"precision@5": 0.21, "recall@10": 0.4}, ""},
		{"dvc nested", ".json", `{"eval": {"auc": 0.9, "loss": 1}, "model": "x", "tags": [1]}`, gate.Metrics{"eval.auc": 0.9, "eval.loss": 1}, ""},
		{"yaml", ".yaml", "train:\n  rmse: 1.5\ntest:\n  rmse: 2\n", gate.Metrics{"train.rmse": 1.5, "test.rmse": 2}, ""},
		{"list", ".json", `[1,2]`, nil, "expected an object of metric names to numbers, found a list"},
		{"no numbers", ".json", `{"a": "b"}`, nil, `no numeric metric found: expected e.g. {"precision@5": 0.21}`},
		{"two values", ".json", `{"a": 1} {"b": 2}`, nil, "not valid JSON: more than one value"},
		{"huge", ".json", `{"a": 1e400}`, nil, `key a: "1e400" is not a finite number`},
		{"yaml inf", ".yml", "a: .inf\n", nil, "key a: value is infinite"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Parse([]byte(c.in), c.ext)
			if c.err != "" {
				if err == nil || err.Error() != c.err {
					t.Fatalf("err = %v, want %s", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(c.want) {
				t.Fatalf("got %v, want %v", got, c.want)
			}
			for k, v := range c.want {
				if got[k] != v {
					t.Errorf("%s = %v, want %v", k, got[k], v)
				}
			}
		})
	}
}

func TestLoadFileNamesFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "m.json")
	os.WriteFile(p, []byte("{"), 0o644)
	_, err := LoadFile(p)
	if err == nil || !errors.Is(err, gate.ErrInput) || err.Error() != p+": not valid JSON: unexpected EOF" {
		t.Errorf("err = %v", err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"a": {"b": 1}}`), ".json")
	f.Add([]byte("a:\n  b: 1\n"), ".yaml")
	f.Add([]byte("&a [*a, *a]"), ".yml")
	f.Fuzz(func(t *testing.T, b []byte, ext string) {
		m, err := Parse(b, ext)
		if err == nil && len(m) == 0 {
			t.Fatal("no metrics and no error")
		}
	})
}
