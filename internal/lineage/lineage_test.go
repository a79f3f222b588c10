package lineage

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"gitlab.com/mlgate/mlgate/internal/gate"
)

func reference(t *testing.T) map[string]string {
	t.Helper()
	b, err := os.ReadFile("testdata/reference.json")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestHash(t *testing.T) {
	ref := reference(t)
	cases := []struct{ path, want string }{
		{"testdata/train.csv", ref["train.csv"]},
		{"testdata/tracked.csv", "md5:" + ref["tracked.csv.md5"] + " (dvc)"},
		{"testdata/pulled-later.parquet", "md5:" + ref["tracked.csv.md5"] + " (dvc)"}, // not pulled: only its .dvc is here
	}
	for _, c := range cases {
		got, err := Hash(c.path)
		if err != nil || got != c.want {
			t.Errorf("Hash(%s) = %q, %v; want %q", c.path, got, err, c.want)
		}
	}
	dir := t.TempDir()
	bad := filepath.Join(dir, "x.csv")
	os.WriteFile(bad, []byte("a\n"), 0o644)
	os.WriteFile(bad+".dvc", []byte("outs:\n- path: other.csv\n  md5: 1\n- path: y\n"), 0o644)
	if _, err := Hash(bad); err == nil || !strings.Contains(err.Error(), "x.csv.dvc: no outs entry with path x.csv") {
		t.Errorf("bad dvc: %v", err)
	}
}

func TestParams(t *testing.T) {
	p, err := Params("testdata/params.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"train.lr": 0.05, "train.epochs": 20, "train.layers": []any{64, 32}, "model.name": "als", "seed": 7}
	if !reflect.DeepEqual(p, want) {
		t.Errorf("got %#v", p)
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "p.yaml"), []byte("- a\n"), 0o644)
	if _, err := Params(filepath.Join(dir, "p.yaml")); err == nil || !strings.Contains(err.Error(), "p.yaml: not a YAML mapping") {
		t.Errorf("%v", err)
	}
}

func TestCollectAndConfigFiles(t *testing.T) {
	type gateSection struct {
		Data      string
		Reference *string
		Rules     []struct{ File string }
		Name      string
	}
	ref := "testdata/tracked.csv"
	cfg := struct {
		Gates *gateSection
		Extra map[string]string
	}{Gates: &gateSection{Data: "testdata/train.csv", Reference: &ref, Name: "not a file", Rules: []struct{ File string }{{"testdata/missing.csv"}}},
		Extra: map[string]string{"x": "testdata/train.csv", "script": "testdata/make_reference.py", "dvc": "testdata/pulled-later.parquet"}}
	files := ConfigFiles(cfg)
	if !reflect.DeepEqual(files, []string{"testdata/pulled-later.parquet", "testdata/tracked.csv", "testdata/train.csv"}) {
		t.Fatalf("files %v", files)
	}
	l, err := Collect(gate.Lineage{Commit: "abc"}, append(files, "testdata/missing.csv"), "testdata/params.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if l.Commit != "abc" || len(l.Files) != 3 || l.Files["testdata/train.csv"] != reference(t)["train.csv"] || l.Params["train.lr"] != 0.05 || l.ParamsFile != "testdata/params.yaml" {
		t.Errorf("%+v", l)
	}
}
