package gx

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBadInput: every file that is not a Great Expectations result gets
// one line naming the file, where and what was found and expected.
func TestBadInput(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"empty", "", "ge.json: empty file, expected a Great Expectations validation result (JSON)"},
		{"not JSON", "success: true\n", "ge.json: line 1, column 1: not JSON: invalid character 's' looking for beginning of value"},
		{"syntax on line 3", "{\n \"results\": [\n  {,}]}", "ge.json: line 3, column 4: not JSON: invalid character ',' looking for beginning of object key string"},
		{"syntax after NaN", "{\"a\": NaN, \"b\": NaN,\n ]", "ge.json: line 2, column 2: not JSON: invalid character ']' looking for beginning of object key string"},
		{"cut short", `{"results": [`, "ge.json: not JSON: the file ends inside a value"},
		{"two values", `{"results": []} {}`, "ge.json: line 1, column 17: more after the JSON value, expected one JSON object"},
		{"array", `[1, 2]`, "ge.json: a list of 2, expected a Great Expectations validation result (a JSON object)"},
		{"string", `"results"`, `ge.json: a string ("results"), expected a Great Expectations validation result (a JSON object)`},
		{"other object", `{"name": "x", "version": 2}`,
			"ge.json: an object with keys name, version: expected a Great Expectations validation result (key results), checkpoint result (run_results or validation_results) or expectation result (expectation_config)"},
		{"suite, not result", `{"name": "s", "expectations": [{"type": "expect_column_to_exist", "kwargs": {"column": "a"}}]}`,
			"ge.json: expectations[0]: an expectation without success or result: this looks like an expectation suite, expected the result of validating one (checkpoint.run() or validator.validate())"},
		{"results not a list", `{"results": {"a": 1}}`, "ge.json: results: an object with keys a, expected a list"},
		{"result not an object", `{"results": [3]}`, "ge.json: results[0]: the number 3, expected an expectation's result (an object)"},
		{"no type", `{"results": [{"success": true, "expectation_config": {"kwargs": {}}}]}`,
			`ge.json: results[0].expectation_config: an object with keys kwargs: no expectation type, expected "type" (GE 1.x) or "expectation_type" (GE 0.x)`},
		{"type a number", `{"results": [{"success": true, "expectation_config": {"type": 7}}]}`,
			"ge.json: results[0].expectation_config.type: the number 7, expected a string"},
		{"success a string", `{"results": [{"success": "yes", "expectation_config": {"type": "expect_column_to_exist"}}]}`,
			`ge.json: results[0].success: a string ("yes"), expected true or false`},
		{"no success", `{"results": [{"expectation_config": {"type": "expect_column_to_exist"}, "result": {}}]}`,
			"ge.json: results[0].success: missing, expected true or false (or an exception in exception_info)"},
		{"kwargs a list", `{"results": [{"success": true, "expectation_config": {"type": "t", "kwargs": []}}]}`,
			"ge.json: results[0].expectation_config.kwargs: a list of 0, expected an object"},
		{"count a string", `{"results": [{"success": true, "expectation_config": {"type": "expect_column_values_to_be_unique"}, "result": {"unexpected_count": "3"}}]}`,
			`ge.json: results[0].result.unexpected_count: a string ("3"), expected a number`},
		{"counts not pairs", `{"results": [{"success": true, "expectation_config": {"type": "t"}, "result": {"partial_unexpected_counts": [1]}}]}`,
			"ge.json: results[0].result.partial_unexpected_counts[0]: the number 1, expected {value, count}"},
		{"raised not a bool", `{"results": [{"success": false, "expectation_config": {"type": "t"}, "exception_info": {"raised_exception": "no"}}]}`,
			`ge.json: results[0].exception_info.raised_exception: a string ("no"), expected true or false`},
		{"run_results a string", `{"run_results": "x"}`, `ge.json: run_results: a string ("x"), expected an object of validation results`},
		{"run_results empty", `{"run_results": {}}`, "ge.json: run_results: empty, expected at least one validation result"},
		{"run entry not a result", `{"run_results": {"id1": {"actions_results": {}}}}`,
			`ge.json: run_results["id1"]: an object with keys actions_results, expected a validation result (results) or validation_result`},
		{"run entry wrong", `{"run_results": {"id1": {"validation_result": {"results": [{"success": 1, "expectation_config": {"type": "t"}}]}}}}`,
			`ge.json: run_results["id1"].validation_result.results[0].success: the number 1, expected true or false`},
		{"validation_results a number", `{"validation_results": 5}`, "ge.json: validation_results: the number 5, expected a list"},
		{"validation_results entry", `{"validation_results": [{"expectations": [{"expectation_type": "t", "success": null}]}]}`,
			"ge.json: validation_results[0].expectations[0].success: missing, expected true or false (or an exception in exception_info)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("ge.json", []byte(tc.in))
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("err %v (%T), want *Error", err, err)
			}
			if err.Error() != tc.want {
				t.Errorf("\n got %s\nwant %s", err, tc.want)
			}
		})
	}
}

func TestReadFileMissing(t *testing.T) {
	p := filepath.Join(t.TempDir(), "nope.json")
	_, err := ReadFile(p)
	if err == nil || !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), p) {
		t.Errorf("err = %v", err)
	}
}

// FuzzParse: no input panics Parse or Checks; an error is one line that
// starts with the file's name.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.json")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil && len(b) < 10000 {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"results": [{"success": false, "expectation_config": {"type": "expect_column_kl_divergence_to_be_less_than", "kwargs": {"column": "x"}}, "result": {"observed_value": -Infinity}}]}`))
	f.Add([]byte(`{"run_results": [{"results": []}], "validation_results": 1}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := Parse("f.json", b)
		if err != nil {
			if msg := err.Error(); !strings.HasPrefix(msg, "f.json: ") || strings.Contains(msg, "\n") {
				t.Fatalf("error not one line about the file: %q", msg)
			}
			return
		}
		checks, notes := r.Checks()
		n := 0
		for _, run := range r.Runs {
			n += len(run.Expectations)
		}
		if len(checks) != n || len(notes) != len(r.Runs) {
			t.Fatalf("%d checks for %d expectations, %d notes for %d runs", len(checks), n, len(notes), len(r.Runs))
		}
	})
}
