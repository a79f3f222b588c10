package config

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestLoadGEResults: gates.data.ge_results names a Great Expectations
// result; the data gate needs no data file beside it.
func TestLoadGEResults(t *testing.T) {
	c, err := LoadFile("testdata/conf.data-ge-good.yml")
	if err != nil {
		t.Fatal(err)
	}
	if g := c.Gates.Data; g == nil || g.GEResults != "gx/uncommitted/validations/train.json" || g.Data != "" || g.MinRows != 100 {
		t.Errorf("data = %+v", c.Gates.Data)
	}
}

func TestLoadFileGood(t *testing.T) {
	c, err := LoadFile("testdata/conf.good.yml")
	if err != nil {
		t.Fatal(err)
	}
	if c.Model.Version != "recommender-v1.4.0" || c.Report.Name != "offline" || c.Report.Out != "mlgate-out" {
		t.Errorf("model/report = %+v %+v", c.Model, c.Report)
	}
	cg := c.Gates.Compare
	if cg == nil || len(cg.Rules) != 3 || cg.Baseline.GitLab.Job != "evaluate" || !cg.Baseline.Optional {
		t.Fatalf("compare = %+v", cg)
	}
	if r := cg.Rules[2]; r.Higher() || *r.Max != 300 {
		t.Errorf("latency rule = %+v", r)
	}
	if got := strings.Join(c.Gates.Names(), ","); got != "compare" {
		t.Errorf("Names() = %s", got)
	}
}

// TestLoadFileErrors asserts the exact message of every invalid fixture:
// the message is the user interface.
func TestLoadFileErrors(t *testing.T) {
	cases := map[string]string{
		"unknown-key":             `testdata/conf.unknown-key.yml:6: unknown key "min_ration" in gates.compare.rules[0]: expected one of higher_is_better, max, max_drop, metric, min, min_delta, min_ratio, severity`,
		"unknown-top":             `testdata/conf.unknown-top.yml:3: unknown key "gate" in the top level: expected one of gates, model, report, version`,
		"bad-type":                "testdata/conf.bad-type.yml:6: cannot unmarshal !!str `ninety-...` into float64",
		"no-condition":            `testdata/conf.no-condition.yml: gates.compare.rules[0]: rule for precision@5 sets no condition: expected one of min, max, min_ratio, max_drop, min_delta`,
		"two-baselines":           `testdata/conf.two-baselines.yml: gates.compare.baseline: found 2 sources, expected exactly one of file, predictions+labels, gitlab, mlflow`,
		"bad-mlflow-uri":          `testdata/conf.bad-mlflow-uri.yml: gates.compare.baseline.mlflow.uri: "models:/recommender/3" is not of the form models:/NAME@ALIAS`,
		"bad-version":             `testdata/conf.bad-version.yml: model.version is "1.4", expected MODEL-vMAJOR.MINOR.PATCH (e.g. recommender-v1.4.0)`,
		"dup-key":                 `testdata/conf.dup-key.yml:6: key "compare" appears twice in gates`,
		"syntax":                  `testdata/conf.syntax.yml:2: did not find expected ',' or '}'`,
		"unused-section":          `testdata/conf.unused-section.yml:3: unknown key "auc_drop" in gates.concept: expected one of fail_drop, l2_c, label, new, old, warn_drop`,
		"concept-no-new":          `testdata/conf.concept-no-new.yml: gates.concept: old, new and label are required (the old and the new labelled file and their 0/1 label column)`,
		"concept-warn-above-fail": `testdata/conf.concept-warn-above-fail.yml: gates.concept.warn_drop 0.2 is above fail_drop 0.1, expected warn_drop ≤ fail_drop`,
		"drift-bad-kind":          `testdata/conf.drift-bad-kind.yml: gates.drift.schema.age: unknown column type "integer": expected numeric, categorical, boolean or timestamp`,
		"drift-warn-above-fail":   `testdata/conf.drift-warn-above-fail.yml: gates.drift.features.price: psi_warn 0.5 is above psi_fail 0.4, expected psi_warn ≤ psi_fail`,
		"drift-negative-bad-rows": `testdata/conf.drift-negative-bad-rows.yml: gates.drift.max_bad_rows is -3, expected a count ≥ 0`,
		"data-bad-range":          `testdata/conf.data-bad-range.yml: gates.data.columns.age: min 10 is above max 5`,
		"data-ge-unknown-key":     `testdata/conf.data-ge-unknown-key.yml:3: unknown key "ge_result" in gates.data: expected one of columns, data, ge_results, key, label, max_bad_rows, max_duplicates, max_imbalance, max_missing, max_rows, min_rows, reference`,
		"data-ge-list":            "testdata/conf.data-ge-list.yml:3: cannot unmarshal !!seq into string",
		"drift-unknown-key":       `testdata/conf.drift-unknown-key.yml:3: unknown key "psi_warm" in gates.drift: expected one of alpha, bins, correction, current, drift_share_fail, effect_floor, features, ignore, max_bad_rows, psi_fail, psi_warn, push, reference, schema`,
	}
	for name, want := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := LoadFile(filepath.Join("testdata", "conf."+name+".yml"))
			if err == nil {
				t.Fatal("no error")
			}
			if err.Error() != want {
				t.Errorf("error\n got: %s\nwant: %s", err, want)
			}
		})
	}
}

func TestLoadConcept(t *testing.T) {
	c, err := LoadFile("testdata/conf.concept-good.yml")
	if err != nil {
		t.Fatal(err)
	}
	want := ConceptGate{Old: "old.csv", New: "new.csv", Label: "y", C: 0.5, WarnDrop: 0.02, FailDrop: 0.08}
	if g := c.Gates.Concept; g == nil || *g != want {
		t.Errorf("concept = %+v, want %+v", g, want)
	}
	if got := strings.Join(c.Gates.Names(), ","); got != "concept" {
		t.Errorf("Names() = %s", got)
	}
}

func TestLoadEmpty(t *testing.T) {
	if _, err := Load(nil); err == nil || err.Error() != "config: empty config: expected at least a gates: section" {
		t.Errorf("err = %v", err)
	}
}

func FuzzLoad(f *testing.F) {
	for _, s := range []string{"gates: {compare: {candidate: {file: a}, rules: [{metric: m, min: 1}]}}", "a: [", "gates:\n  compare:\n    baseline: {mlflow: {uri: 'models:/a@b'}}\n", "&a [*a]"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := Load(b)
		if err == nil && c == nil {
			t.Fatal("nil config without error")
		}
	})
}
