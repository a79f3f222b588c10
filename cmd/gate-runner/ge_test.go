package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

const geTestdata = "../../internal/gate/data/gx/testdata/"

// TestDataGEResults: `gate-runner data --ge-results` with files Great
// Expectations wrote: a failed expectation exits 1, one whose severity is
// warning exits 0 with a warning, and the report, results.json and JUnit
// carry each expectation with its observed value.
func TestDataGEResults(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "fail")
	code, stdout, stderr := runMain(t, nil, "data", "--ge-results", geTestdata+"titanic_expected_data_asset_validate_results.json", "--out", out)
	if code != 1 {
		t.Fatalf("failed expectation: exit %d\n%s%s", code, stdout, stderr)
	}
	md := readFile(t, filepath.Join(out, "report.md"))
	for _, want := range []string{
		"| PClass: expect_column_values_to_be_in_set | 1 of 1313 unexpected (0.0761615%) | values in {1st, 2nd, 3rd} | ❌ fail |",
		"| Age: expect_column_mean_to_be_between | 30.398 | 20 ≤ mean ≤ 40 | ✅ pass |",
		"| Name: expect_column_to_exist | present | column present | ✅ pass |",
		"PClass: 1 of 1313 unexpected (0.0761615%); e.g. * (1×); expected values in {1st, 2nd, 3rd}",
		"Great Expectations: 1 of 10 expectations failed, 0 warned (1 validation run).",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("report.md lacks %q:\n%s", want, md)
		}
	}
	var rep struct {
		Gates []struct {
			Checks []struct{ Name, Observed, Status string }
		}
	}
	if err := json.Unmarshal([]byte(readFile(t, filepath.Join(out, "results.json"))), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Gates) != 1 || len(rep.Gates[0].Checks) != 10 || rep.Gates[0].Checks[3].Observed != "1 of 1313 unexpected (0.0761615%)" {
		t.Errorf("results.json: %+v", rep)
	}
	if j := readFile(t, filepath.Join(out, "junit.xml")); !strings.Contains(j, `observed=&#34;1 of 1313 unexpected (0.0761615%)&#34;`) {
		t.Errorf("junit.xml lacks the observed value:\n%s", j)
	}

	out = filepath.Join(dir, "warn")
	code, stdout, stderr = runMain(t, nil, "data", "--ge-results", geTestdata+"derived.titanic_severity_warning.json", "--out", out)
	if code != 0 || !strings.Contains(readFile(t, filepath.Join(out, "report.md")), "| PClass: expect_column_values_to_be_in_set | 1 of 1313 unexpected (0.0761615%) | values in {1st, 2nd, 3rd} | ⚠️ warn |") {
		t.Errorf("warning severity: exit %d\n%s%s", code, stdout, stderr)
	}

	// From the config, through run, beside nothing else.
	cfg := mustWrite(t, dir, "mlgate.yml", "version: 1\ngates:\n  data:\n    ge_results: "+geTestdata+"ValidationOperatorResult_with_multiple_validation_results.json\n")
	if code, stdout, stderr := runMain(t, nil, "validate", "-c", cfg); code != 0 {
		t.Errorf("validate: exit %d %s%s", code, stdout, stderr)
	}
	code, stdout, stderr = runMain(t, nil, "run", "-c", cfg, "--out", filepath.Join(dir, "run"))
	if code != 1 || !strings.Contains(stdout, "basic.warning (run 2): table: expect_table_row_count_to_be_between") || !strings.Contains(stdout, "3 columns: Team, ") {
		t.Errorf("run: exit %d\n%s%s", code, stdout, stderr)
	}
}

// TestDataGEResultsBadInput: a file that is not a Great Expectations
// result exits 2 with one line naming it and what was wrong.
func TestDataGEResultsBadInput(t *testing.T) {
	dir := t.TempDir()
	notJSON := mustWrite(t, dir, "notjson.json", "success: false\n")
	suite := mustWrite(t, dir, "suite.json", `{"name": "s", "expectations": [{"type": "expect_column_to_exist", "kwargs": {"column": "a"}}]}`)
	wrongType := mustWrite(t, dir, "wrong.json", `{"results": [{"success": "false", "expectation_config": {"type": "expect_column_to_exist"}}]}`)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--ge-results", notJSON}, notJSON + ": line 1, column 1: not JSON: invalid character 's' looking for beginning of value"},
		{[]string{"--ge-results", suite}, suite + ": expectations[0]: an expectation without success or result: this looks like an expectation suite"},
		{[]string{"--ge-results", wrongType}, wrongType + `: results[0].success: a string ("false"), expected true or false`},
		{[]string{"--ge-results", filepath.Join(dir, "absent.json")}, "absent.json: no such file or directory"},
		{nil, "data needs a file: give --data FILE or --ge-results FILE"},
	} {
		code, stdout, stderr := runMain(t, nil, append([]string{"data", "--out", filepath.Join(dir, "o")}, tc.args...)...)
		if code != 2 || !strings.Contains(stderr, tc.want) || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%v: exit %d, stderr %q, want one line with %q (stdout %q)", tc.args, code, stderr, tc.want, stdout)
		}
	}
}
