package gx

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"gitlab.com/mlgate/mlgate/internal/gate"
)

// TestUnknownType: an expectation type mlgate does not know is kept as
// Great Expectations wrote it: its name, its raw result and its kwargs,
// with GE's verdict; a numeric observed_value is still the value.
func TestUnknownType(t *testing.T) {
	r := mustRead(t, "testdata/derived.custom_types.json")
	checks, _ := r.Checks()
	if len(checks) != 10 {
		t.Fatalf("%d checks, want all 10 expectations", len(checks))
	}
	byName := map[string]gate.Check{}
	for _, c := range checks {
		byName[c.Name] = c
	}
	three := byName["PClass: expect_column_values_to_equal_three"]
	if three.Status != gate.Fail ||
		!strings.HasPrefix(three.Observed, `{"element_count": 1313, "missing_count": 0, "missing_percent": 0.0, "partial_unexpected_counts": [{"count": 1, "value":…`) ||
		three.Rule != `{"column": "PClass", "value_set": ["1st", "2nd", "3rd"]}` ||
		!strings.Contains(three.Message, "expectation type expect_column_values_to_equal_three is not one mlgate knows; its result as Great Expectations wrote it: {") ||
		!strings.Contains(three.Message, `"unexpected_count": 1`) {
		t.Errorf("unknown failing type: %+v", three)
	}
	mx := byName["Age: expect_column_max_to_be_between_custom"]
	if mx.Status != gate.Pass || mx.Candidate == nil || *mx.Candidate != 30.397989417989418 ||
		!strings.Contains(mx.Message, `"observed_value": 30.397989417989418`) {
		t.Errorf("unknown passing type: %+v", mx)
	}
	if len(mx.Observed) > maxObserved+3 {
		t.Errorf("observed %d bytes, want at most %d runes", len(mx.Observed), maxObserved)
	}
}

// mutate parses a fixture, lets f change it and parses it again.
func mutate(tb testing.TB, file string, f func(doc map[string]any)) *Results {
	tb.Helper()
	b, err := json.Marshal(mustDoc(tb, file))
	if err != nil {
		tb.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		tb.Fatal(err)
	}
	f(doc)
	if b, err = json.Marshal(doc); err != nil {
		tb.Fatal(err)
	}
	r, err := Parse(file, b)
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

func mustDoc(tb testing.TB, file string) map[string]any {
	tb.Helper()
	var doc map[string]any
	b, err := os.ReadFile(file)
	if err != nil {
		tb.Fatal(err)
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		tb.Fatal(err)
	}
	return doc
}

// TestSeverity: a failed expectation warns only when its severity says
// warning, wherever Great Expectations' layouts let a team put it; a
// passed one passes whatever its severity; a severity mlgate cannot read
// fails and says so.
func TestSeverity(t *testing.T) {
	const file = "testdata/titanic_expected_data_asset_validate_results.json"
	pclass := func(doc map[string]any) map[string]any { // the failed expect_column_values_to_be_in_set
		return doc["results"].([]any)[3].(map[string]any)
	}
	cfg := func(doc map[string]any) map[string]any { return pclass(doc)["expectation_config"].(map[string]any) }
	cases := []struct {
		name   string
		set    func(doc map[string]any)
		status gate.Status
		msg    string
	}{
		{"none", func(map[string]any) {}, gate.Fail, "expected values in {1st, 2nd, 3rd}"},
		{"meta.severity warning", func(d map[string]any) { cfg(d)["meta"] = map[string]any{"severity": "warning"} }, gate.Warn,
			"(severity warning in meta.severity: a warning)"},
		{"meta.severity WARN", func(d map[string]any) { cfg(d)["meta"] = map[string]any{"severity": "WARN"} }, gate.Warn, "a warning"},
		{"meta.severity info", func(d map[string]any) { cfg(d)["meta"] = map[string]any{"severity": "info"} }, gate.Warn, "a warning"},
		{"meta.severity critical", func(d map[string]any) { cfg(d)["meta"] = map[string]any{"severity": "critical"} }, gate.Fail, "expected values in {1st, 2nd, 3rd}"},
		{"properties.severity", func(d map[string]any) {
			cfg(d)["meta"] = map[string]any{"attributes": map[string]any{"properties": map[string]any{"severity": "warning", "dimension": "validity"}}}
		}, gate.Warn, "in meta.attributes.properties.severity"},
		{"properties.severity P3", func(d map[string]any) {
			cfg(d)["meta"] = map[string]any{"attributes": map[string]any{"properties": map[string]any{"severity": "P3"}}}
		}, gate.Fail, `severity "P3" (meta.attributes.properties.severity) is not one mlgate reads`},
		{"meta.severity a number", func(d map[string]any) { cfg(d)["meta"] = map[string]any{"severity": 3} }, gate.Fail, `severity "3" (meta.severity) is not one`},
		{"result meta", func(d map[string]any) { pclass(d)["meta"] = map[string]any{"severity": "warning"} }, gate.Warn, "in the result's meta.severity"},
		{"config severity", func(d map[string]any) { cfg(d)["severity"] = "warning" }, gate.Warn, "(severity warning in severity: a warning)"},
		{"meta wins over config", func(d map[string]any) {
			cfg(d)["severity"] = "warning"
			cfg(d)["meta"] = map[string]any{"severity": "critical"}
		}, gate.Fail, "expected values in"},
		{"passed with severity", func(d map[string]any) {
			pclass(d)["success"] = true
			cfg(d)["meta"] = map[string]any{"severity": "critical"}
		}, gate.Pass, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := mutate(t, file, tc.set)
			checks, _ := r.Checks()
			c := checks[3]
			if c.Status != tc.status || !strings.Contains(c.Message, tc.msg) {
				t.Errorf("%s %q, want %s with %q", c.Status, c.Message, tc.status, tc.msg)
			}
		})
	}
}

// TestSuiteSeverityLevel: a 0.x checkpoint's run marked
// expectation_suite_severity_level warning makes its failures warnings.
func TestSuiteSeverityLevel(t *testing.T) {
	r := mutate(t, "testdata/ValidationOperatorResult_with_multiple_validation_results.json", func(doc map[string]any) {
		for _, v := range doc["run_results"].(map[string]any) {
			v.(map[string]any)["expectation_suite_severity_level"] = "warning"
			break
		}
	})
	checks, notes := r.Checks()
	var warned, failed int
	for _, c := range checks {
		switch c.Status {
		case gate.Warn:
			warned++
		case gate.Fail:
			failed++
		}
	}
	if warned != 2 || failed != 2 {
		t.Errorf("%d warned, %d failed; want the 2 failures of one run to warn, the other run's 2 to fail\n%v", warned, failed, notes)
	}
}

// TestNaNAndInfinity: Python's json writes NaN and ±Infinity; they are
// read as numbers, also inside strings untouched.
func TestNaNAndInfinity(t *testing.T) {
	in := `{"results": [{"success": false, "expectation_config": {"type": "expect_column_kl_divergence_to_be_less_than",
	  "kwargs": {"column": "x", "threshold": 0.1, "partition_object": {"bins": [-Infinity, 0, Infinity], "weights": [0.5, 0.5]}}},
	  "result": {"observed_value": Infinity, "details": {"note": "NaN and Infinity in a string stay text"}}},
	 {"success": false, "expectation_config": {"type": "expect_column_mean_to_be_between", "kwargs": {"column": "y", "min_value": 0}},
	  "result": {"observed_value": NaN}}]}`
	r, err := Parse("kl.json", []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	checks, _ := r.Checks()
	if checks[0].Observed != "Infinity" || checks[0].Candidate != nil || checks[0].Message != "x: observed Infinity; expected KL divergence from the partition < 0.1" {
		t.Errorf("KL: %+v", checks[0])
	}
	if checks[1].Observed != "NaN" || checks[1].Status != gate.Fail {
		t.Errorf("mean: %+v", checks[1])
	}
	if d := r.Runs[0].Expectations[0].Result["details"].(map[string]any)["note"]; d != "NaN and Infinity in a string stay text" {
		t.Errorf("string changed: %q", d)
	}
}

// TestRules: each mapped type's rule in words, from its kwargs.
func TestRules(t *testing.T) {
	cases := []struct {
		typ, kw, want string
	}{
		{"expect_column_values_to_be_between", `{"column": "a", "min_value": 1, "max_value": 5, "strict_max": true, "mostly": 0.9}`, "1 ≤ values < 5 (mostly 0.9)"},
		{"expect_column_values_to_be_between", `{"column": "a", "min_value": 0, "strict_min": true}`, "values > 0"},
		{"expect_column_values_to_be_between", `{"column": "a", "max_value": {"$PARAMETER": "upper"}}`, "values ≤ $upper"},
		{"expect_table_row_count_to_equal", `{"value": 10}`, "row count = 10"},
		{"expect_table_columns_to_match_set", `{"column_set": ["a", "b"], "exact_match": false}`, "columns include {a, b}"},
		{"expect_column_to_exist", `{"column": "a", "column_index": 2}`, "column present at index 2"},
		{"expect_column_values_to_match_regex_list", `{"column": "a", "regex_list": ["^x", "y$"], "match_on": "all"}`, "values match all of /^x/, /y$/"},
		{"expect_column_values_to_not_match_like_pattern", `{"column": "a", "like_pattern": "%x"}`, "values do not match LIKE '%x'"},
		{"expect_column_pair_values_a_to_be_greater_than_b", `{"column_A": "a", "column_B": "b", "or_equal": true}`, "a ≥ b"},
		{"expect_column_value_z_scores_to_be_less_than", `{"column": "a", "threshold": 3}`, "|z-score| < 3"},
		{"expect_column_values_to_be_increasing", `{"column": "a", "strictly": true}`, "values strictly increasing"},
		{"expect_column_chisquare_test_p_value_to_be_greater_than", `{"column": "a"}`, "chi-square p-value > 0.05"},
		{"expect_multicolumn_sum_to_equal", `{"column_list": ["a", "b"], "sum_total": 100}`, "row sum = 100"},
		{"expect_column_values_to_be_in_set", `{"column": "a", "value_set": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]}`, "values in {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, … 12 in all}"},
	}
	for _, tc := range cases {
		var kw map[string]any
		d := json.NewDecoder(strings.NewReader(tc.kw))
		d.UseNumber()
		if err := d.Decode(&kw); err != nil {
			t.Fatal(err)
		}
		if got := ruleText(&Expectation{Type: tc.typ, Kwargs: kw}); got != tc.want {
			t.Errorf("%s %s: %q, want %q", tc.typ, tc.kw, got, tc.want)
		}
	}
	// Every mapped type says something with no kwargs at all.
	for typ, sp := range known {
		if sp.rule(kwargs{}) == "" {
			t.Errorf("%s: empty rule", typ)
		}
	}
}

// TestObservedShapes: the aggregate shapes the real files do not hold.
func TestObservedShapes(t *testing.T) {
	cases := []struct {
		typ, kw, result string
		observed, msg   string
	}{
		{"expect_table_columns_to_match_set", `{"column_set": ["a", "b"]}`,
			`{"observed_value": ["a", "c"], "details": {"mismatched": {"unexpected": ["c"], "missing": ["b"]}}}`,
			"2 columns: a, c", "table: 2 columns: a, c; unexpected c; missing b; expected columns = {a, b}"},
		{"expect_table_columns_to_match_ordered_list", `{"column_list": ["a", "b"]}`,
			`{"observed_value": ["b", "a"], "details": {"mismatched": [{"Expected Column Position": 0, "Expected": "a", "Found": "b"}]}}`,
			"2 columns: b, a", "table: 2 columns: b, a; position 0: expected a, found b; expected columns in this order: a, b"},
		{"expect_column_distinct_values_to_equal_set", `{"column": "c", "value_set": [1, 2, 3]}`,
			`{"observed_value": [1.0, 2, 4]}`,
			"3 distinct: 1.0, 2, 4", "c: 3 distinct: 1.0, 2, 4; outside the set: 4; not found: 3; expected distinct values = {1, 2, 3}"},
		{"expect_column_quantile_values_to_be_between", `{"column": "q", "quantile_ranges": {"quantiles": [0.5, 0.9], "value_ranges": [[1, 2], [null, 5]]}}`,
			`{"observed_value": {"quantiles": [0.5, 0.9], "values": [1.5, 7]}, "details": {"success_details": [true, false]}}`,
			"q0.5 = 1.5, q0.9 = 7", "q: q0.5 = 1.5, q0.9 = 7; out of range: q0.9; expected q0.5 in [1, 2], q0.9 in [—, 5]"},
		{"expect_table_row_count_to_equal_other_table", `{"other_table_name": "t2"}`,
			`{"observed_value": {"self": 10, "other": 12}}`,
			"10 rows, the other table 12", "table: 10 rows, the other table 12; expected row count = that of table t2"},
		{"unexpected_rows_expectation", `{"unexpected_rows_query": "SELECT * FROM {batch} WHERE x < 0"}`,
			`{"observed_value": "3 unexpected rows", "details": {"unexpected_rows": []}}`,
			"3 unexpected rows", "table: observed 3 unexpected rows; expected no rows from SELECT * FROM {batch} WHERE x < 0"},
		{"expect_column_values_to_not_be_null", `{"column": "n"}`, `{}`,
			"—", "n: Great Expectations wrote no details of the result (result_format BOOLEAN_ONLY?); expected values not null"},
		{"expect_column_to_exist", `{"column": "gone"}`, `null`, "absent", "gone: column gone is missing; expected column present"},
	}
	for _, tc := range cases {
		in := `{"success": false, "expectation_config": {"type": "` + tc.typ + `", "kwargs": ` + tc.kw + `}, "result": ` + tc.result + `}`
		r, err := Parse("x.json", []byte(in))
		if err != nil {
			t.Fatal(err)
		}
		checks, _ := r.Checks()
		if c := checks[0]; c.Observed != tc.observed || c.Message != tc.msg || c.Status != gate.Fail {
			t.Errorf("%s:\n got %q / %q\nwant %q / %q", tc.typ, c.Observed, c.Message, tc.observed, tc.msg)
		}
	}
}
