package data

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gitlab.com/mlgate/mlgate/internal/config"
	"gitlab.com/mlgate/mlgate/internal/gate"
	"gitlab.com/mlgate/mlgate/internal/gate/drift"
)

// TestCheckGEResults: a Great Expectations result alone, and beside a data
// file. A failed expectation fails the gate; one whose severity is warning
// only warns it, as the data gate's own warnings do.
func TestCheckGEResults(t *testing.T) {
	cases := []struct {
		name    string
		g       config.DataGate
		status  gate.Status
		checks  int
		summary string
	}{
		{"failed expectation", config.DataGate{GEResults: "gx/testdata/titanic_expected_data_asset_validate_results.json"}, gate.Fail, 10,
			"Great Expectations: 1 of 10 expectations failed, 0 warned (1 validation run)."},
		{"severity warning", config.DataGate{GEResults: "gx/testdata/derived.titanic_severity_warning.json"}, gate.Warn, 10,
			"Great Expectations: 0 of 10 expectations failed, 1 warned (1 validation run)."},
		{"checkpoint of two runs", config.DataGate{GEResults: "gx/testdata/ValidationOperatorResult_with_multiple_validation_results.json"}, gate.Fail, 22,
			"Great Expectations: 4 of 22 expectations failed, 0 warned (2 validation runs)."},
		{"all pass", config.DataGate{GEResults: "gx/testdata/datetime_column_evrs.json"}, gate.Pass, 2,
			"Great Expectations: 0 of 2 expectations failed, 0 warned (1 validation run)."},
		{"beside data", config.DataGate{Data: mustFile(t, "a,b\n1,x\n2,y\n"), GEResults: "gx/testdata/derived.titanic_severity_warning.json"}, gate.Warn, 4 + 10,
			"2 rows, 2 columns: 0 of 4 checks failed. Great Expectations: 0 of 10 expectations failed, 1 warned (1 validation run)."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g, err := New(&tc.g, nil)
			if err != nil {
				t.Fatal(err)
			}
			res, err := g.Run(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if res.Status != tc.status || len(res.Checks) != tc.checks || res.Summary != tc.summary {
				t.Errorf("%s, %d checks, %q; want %s, %d, %q", res.Status, len(res.Checks), res.Summary, tc.status, tc.checks, tc.summary)
			}
			if len(res.Notes) == 0 || !strings.HasPrefix(res.Notes[len(res.Notes)-1], "Great Expectations ") {
				t.Errorf("notes %q", res.Notes)
			}
		})
	}
}

func TestNewGEResults(t *testing.T) {
	for _, tc := range []struct {
		g    config.DataGate
		want string
	}{
		{config.DataGate{}, "data needs a file: give --data FILE or --ge-results FILE (or gates.data.data or gates.data.ge_results in the config)"},
		{config.DataGate{GEResults: "ge.json", Reference: "ref.csv"}, "data: reference ref.csv needs data to compare with it: give --data FILE (or gates.data.data in the config)"},
	} {
		_, err := New(&tc.g, nil)
		if err == nil || err.Error() != tc.want || !errors.Is(err, gate.ErrInput) {
			t.Errorf("New(%+v) = %v, want input error %q", tc.g, err, tc.want)
		}
	}
}

// TestCheckGEResultsBad: a file that is not a Great Expectations result
// is an input error in one line naming it.
func TestCheckGEResultsBad(t *testing.T) {
	p := filepath.Join(t.TempDir(), "suite.json")
	if err := os.WriteFile(p, []byte(`{"name": "s", "expectations": [{"type": "expect_column_to_exist", "kwargs": {"column": "a"}}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	g, err := New(&config.DataGate{GEResults: p}, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = g.Run(context.Background())
	if err == nil || !errors.Is(err, gate.ErrInput) || !strings.HasPrefix(err.Error(), p+": expectations[0]: an expectation without success or result") {
		t.Errorf("err = %v", err)
	}
	if _, err := Check(context.Background(), &config.DataGate{GEResults: p + ".missing"}, drift.Options{}); err == nil || !strings.Contains(err.Error(), p+".missing") {
		t.Errorf("missing file: %v", err)
	}
}
