package gx

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"gitlab.com/mlgate/mlgate/internal/gate"
)

var update = flag.Bool("update", false, "rewrite testdata/checks.golden")

func mustRead(tb testing.TB, path string) *Results {
	tb.Helper()
	r, err := ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

// geStats is what Great Expectations itself counted: each run's
// statistics, read straight from the file.
func geStats(tb testing.TB, path string) []map[string]float64 {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	var doc struct {
		Statistics map[string]float64 `json:"statistics"`
		RunResults map[string]struct {
			ValidationResult struct {
				Statistics map[string]float64 `json:"statistics"`
			} `json:"validation_result"`
			Statistics map[string]float64 `json:"statistics"`
		} `json:"run_results"`
		ValidationResults []struct {
			Statistics map[string]float64 `json:"statistics"`
		} `json:"validation_results"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		tb.Fatal(err)
	}
	var out []map[string]float64
	switch {
	case doc.RunResults != nil:
		keys := make([]string, 0, len(doc.RunResults))
		for k := range doc.RunResults {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			s := doc.RunResults[k].ValidationResult.Statistics
			if s == nil {
				s = doc.RunResults[k].Statistics
			}
			out = append(out, s)
		}
	case doc.ValidationResults != nil:
		for _, v := range doc.ValidationResults {
			out = append(out, v.Statistics)
		}
	case doc.Statistics != nil:
		out = append(out, doc.Statistics)
	}
	return out
}

// TestFixtures reads every file Great Expectations wrote and holds the
// checks to Great Expectations' own statistics: one check per evaluated
// expectation, a pass for each successful one, and no type left unknown.
func TestFixtures(t *testing.T) {
	cases := []struct {
		file, form string
		runs       int
	}{
		{"titanic_expected_data_asset_validate_results.json", "validation result", 1},
		{"titanic_expected_data_asset_validate_results_with_exceptions.json", "validation result", 1},
		{"expected_evrs_BasicSuiteBuilderProfiler_on_titanic_demo_mode.json", "validation result", 1},
		{"expected_cli_results_default.json", "validation result", 1},
		{"BasicDatasetProfiler_evrs.json", "validation result", 1},
		{"datetime_column_evrs.json", "validation result", 1},
		{"ValidationOperatorResult_with_multiple_validation_results.json", "checkpoint result", 2},
		{"try_gx_end_to_end.checkpoint_result.json", "checkpoint result (describe)", 1},
		{"derived.checkpoint_run_results_1x.json", "checkpoint result", 2},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			path := filepath.Join("testdata", tc.file)
			r := mustRead(t, path)
			if r.Form != tc.form || len(r.Runs) != tc.runs {
				t.Fatalf("form %q with %d runs, want %q with %d", r.Form, len(r.Runs), tc.form, tc.runs)
			}
			stats := geStats(t, path)
			if len(stats) != len(r.Runs) {
				t.Fatalf("%d runs, Great Expectations' statistics for %d", len(r.Runs), len(stats))
			}
			checks, notes := r.Checks()
			if len(notes) != len(r.Runs) {
				t.Errorf("%d notes for %d runs", len(notes), len(r.Runs))
			}
			names := map[string]bool{}
			i := 0
			for k, run := range r.Runs {
				pass := 0
				for range run.Expectations {
					c := checks[i]
					i++
					if names[c.Name] {
						t.Errorf("check name %q twice", c.Name)
					}
					names[c.Name] = true
					if c.Status == gate.Pass {
						pass++
					}
					if c.Status != gate.Pass && c.Message == "" {
						t.Errorf("%s: %s without a message", c.Name, c.Status)
					}
					if c.Observed == "" && c.Candidate == nil {
						t.Errorf("%s: no observed value", c.Name)
					}
				}
				for _, x := range run.Expectations {
					if _, ok := known[x.Type]; !ok {
						t.Errorf("%s: type %s not mapped", x.Path, x.Type)
					}
				}
				if got, want := float64(len(run.Expectations)), stats[k]["evaluated_expectations"]; got != want {
					t.Errorf("run %d: %v expectations, Great Expectations evaluated %v", k, got, want)
				}
				if got, want := float64(pass), stats[k]["successful_expectations"]; got != want {
					t.Errorf("run %d: %v passed, Great Expectations counted %v successful", k, got, want)
				}
			}
			if i != len(checks) {
				t.Errorf("%d checks for %d expectations", len(checks), i)
			}
		})
	}
}

// TestSingleExpectation: one ExpectationValidationResult, as GX 1.x's docs
// print it: a failed max with its observed value and bounds.
func TestSingleExpectation(t *testing.T) {
	r := mustRead(t, "testdata/test_an_expectation.validation_result.json")
	checks, _ := r.Checks()
	if r.Form != "expectation result" || len(checks) != 1 {
		t.Fatalf("form %q, %d checks", r.Form, len(checks))
	}
	c := checks[0]
	want := gate.Check{Name: "passenger_count: expect_column_max_to_be_between", Rule: "4.0 ≤ max ≤ 5.0", Candidate: gate.F(6), Status: gate.Fail,
		Message: "passenger_count: observed 6; expected 4.0 ≤ max ≤ 5.0"}
	if c.Name != want.Name || c.Rule != want.Rule || *c.Candidate != 6 || c.Status != want.Status || c.Message != want.Message {
		t.Errorf("got %+v\nwant %+v", c, want)
	}
}

// TestGolden renders the checks of every file in testdata, so that a
// reader sees each expectation type's observed value and rule as the
// report shows them.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.json")
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, f := range files {
		r := mustRead(t, f)
		checks, notes := r.Checks()
		fmt.Fprintf(&b, "## %s\n", filepath.Base(f))
		for _, n := range notes {
			fmt.Fprintf(&b, "> %s\n", strings.ReplaceAll(n, "testdata/", ""))
		}
		for _, c := range checks {
			v := c.Observed
			if v == "" {
				v = gate.FormatNumber(*c.Candidate)
			}
			fmt.Fprintf(&b, "%s | %s | %s | %s", c.Status, c.Name, v, c.Rule)
			if c.Message != "" {
				fmt.Fprintf(&b, "\n    %s", c.Message)
			}
			b.WriteString("\n")
		}
		b.WriteString("\n")
	}
	golden := "testdata/checks.golden"
	if *update {
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if b.String() != string(want) {
		t.Errorf("checks differ from %s (go test -run TestGolden -update rewrites it):\n%s", golden, b.String())
	}
}
