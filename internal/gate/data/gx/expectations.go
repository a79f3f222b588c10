package gx

import (
	"fmt"
	"strings"
)

// observer names a special way to render an observed_value; the default
// renders numbers, strings and lists as they are.
type observer int

const (
	obsValue observer = iota
	obsColumnsOrdered
	obsColumnsSet
	obsDistinctSubset   // distinct values ⊆ value_set
	obsDistinctSuperset // distinct values ⊇ value_set
	obsDistinctEqual    // distinct values = value_set
	obsQuantiles
	obsOtherTable
	obsExist
)

// spec is what this package knows of an expectation type: the requirement
// in words, read from the kwargs, and how its observed value reads.
type spec struct {
	rule func(k kwargs) string
	obs  observer
}

// kwargs are an expectation's arguments.
type kwargs map[string]any

// v renders the argument at key, "" when it is absent or null.
func (k kwargs) v(key string) string {
	x, ok := k[key]
	if !ok || x == nil {
		return ""
	}
	return valueText(x, 10)
}

func (k kwargs) flag(key string) bool {
	b, _ := k[key].(bool)
	return b
}

func between(what string) func(kwargs) string {
	return func(k kwargs) string {
		lo, hi := k.v("min_value"), k.v("max_value")
		lop, hip := " ≤ ", " ≤ "
		if k.flag("strict_min") {
			lop = " < "
		}
		if k.flag("strict_max") {
			hip = " < "
		}
		switch {
		case lo != "" && hi != "":
			return lo + lop + what + hip + hi
		case lo != "" && k.flag("strict_min"):
			return what + " > " + lo
		case lo != "":
			return what + " ≥ " + lo
		case hi != "":
			return what + hip + hi
		}
		return what + ": any (no bounds given)"
	}
}

func equal(what, key string) func(kwargs) string {
	return func(k kwargs) string { return what + " = " + k.v(key) }
}

func less(what, key, def string) func(kwargs) string {
	return func(k kwargs) string {
		t := k.v(key)
		if t == "" {
			t = def
		}
		return what + " < " + t
	}
}

func greater(what, key, def string) func(kwargs) string {
	return func(k kwargs) string {
		t := k.v(key)
		if t == "" {
			t = def
		}
		return what + " > " + t
	}
}

func fixed(s string) func(kwargs) string { return func(kwargs) string { return s } }

func set(prefix, key, suffix string) func(kwargs) string {
	return func(k kwargs) string { return prefix + setText(k[key]) + suffix }
}

func setText(v any) string {
	l, ok := v.([]any)
	if !ok {
		if v == nil {
			return "{}"
		}
		return valueText(v, 10)
	}
	parts := make([]string, 0, min(len(l), 10)+1)
	for i, e := range l {
		if i == 10 {
			parts = append(parts, fmt.Sprintf("… %d in all", len(l)))
			break
		}
		parts = append(parts, quoted(e))
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

func regexes(verb string) func(kwargs) string {
	return func(k kwargs) string {
		if l, ok := k["regex_list"].([]any); ok {
			how := "any"
			if m := k.v("match_on"); m != "" {
				how = m
			}
			parts := make([]string, len(l))
			for i, r := range l {
				parts[i] = "/" + valueText(r, 0) + "/"
			}
			return fmt.Sprintf("values %s %s of %s", verb, how, strings.Join(parts, ", "))
		}
		return "values " + verb + " /" + k.v("regex") + "/"
	}
}

func likes(verb string) func(kwargs) string {
	return func(k kwargs) string {
		if l, ok := k["like_pattern_list"].([]any); ok {
			how := "any"
			if m := k.v("match_on"); m != "" {
				how = m
			}
			parts := make([]string, len(l))
			for i, r := range l {
				parts[i] = "'" + valueText(r, 0) + "'"
			}
			return fmt.Sprintf("values %s LIKE %s of %s", verb, how, strings.Join(parts, ", "))
		}
		return "values " + verb + " LIKE '" + k.v("like_pattern") + "'"
	}
}

func quantileRule(k kwargs) string {
	qr, _ := k["quantile_ranges"].(map[string]any)
	qs, _ := qr["quantiles"].([]any)
	vr, _ := qr["value_ranges"].([]any)
	var parts []string
	for i, q := range qs {
		r := "any"
		if i < len(vr) {
			if b, ok := vr[i].([]any); ok && len(b) == 2 {
				r = "[" + orDash(b[0]) + ", " + orDash(b[1]) + "]"
			}
		}
		parts = append(parts, "q"+valueText(q, 0)+" in "+r)
	}
	if len(parts) == 0 {
		return "quantiles within their ranges"
	}
	return strings.Join(parts, ", ")
}

func orDash(v any) string {
	if v == nil {
		return "—"
	}
	return valueText(v, 0)
}

// known maps every expectation type this package renders on its own:
// Great Expectations 1.x's core expectations, the 0.x names that differ
// and the table, column and multi-column expectations of 0.x that 1.x
// dropped.
var known = map[string]spec{
	// Table.
	"expect_table_row_count_to_be_between":        {rule: between("row count")},
	"expect_table_row_count_to_equal":             {rule: equal("row count", "value")},
	"expect_table_row_count_to_equal_other_table": {rule: func(k kwargs) string { return "row count = that of table " + k.v("other_table_name") }, obs: obsOtherTable},
	"expect_table_column_count_to_be_between":     {rule: between("column count")},
	"expect_table_column_count_to_equal":          {rule: equal("column count", "value")},
	"expect_table_columns_to_match_ordered_list": {rule: func(k kwargs) string {
		if k["column_list"] == nil {
			return "columns in an order (no list given)"
		}
		return "columns in this order: " + listText(k["column_list"], 10)
	}, obs: obsColumnsOrdered},
	"expect_table_columns_to_match_set": {rule: func(k kwargs) string {
		if v, ok := k["exact_match"].(bool); ok && !v {
			return "columns include " + setText(k["column_set"])
		}
		return "columns = " + setText(k["column_set"])
	}, obs: obsColumnsSet},
	"expect_column_to_exist": {rule: func(k kwargs) string {
		if i := k.v("column_index"); i != "" {
			return "column present at index " + i
		}
		return "column present"
	}, obs: obsExist},

	// One value of a column.
	"expect_column_min_to_be_between":                               {rule: between("min")},
	"expect_column_max_to_be_between":                               {rule: between("max")},
	"expect_column_mean_to_be_between":                              {rule: between("mean")},
	"expect_column_median_to_be_between":                            {rule: between("median")},
	"expect_column_stdev_to_be_between":                             {rule: between("stdev")},
	"expect_column_sum_to_be_between":                               {rule: between("sum")},
	"expect_column_unique_value_count_to_be_between":                {rule: between("distinct values")},
	"expect_column_proportion_of_unique_values_to_be_between":       {rule: between("unique share")},
	"expect_column_quantile_values_to_be_between":                   {rule: quantileRule, obs: obsQuantiles},
	"expect_column_most_common_value_to_be_in_set":                  {rule: set("most common value in ", "value_set", "")},
	"expect_column_distinct_values_to_be_in_set":                    {rule: set("distinct values ⊆ ", "value_set", ""), obs: obsDistinctSubset},
	"expect_column_distinct_values_to_contain_set":                  {rule: set("distinct values ⊇ ", "value_set", ""), obs: obsDistinctSuperset},
	"expect_column_distinct_values_to_equal_set":                    {rule: set("distinct values = ", "value_set", ""), obs: obsDistinctEqual},
	"expect_column_kl_divergence_to_be_less_than":                   {rule: less("KL divergence from the partition", "threshold", "the threshold")},
	"expect_column_chisquare_test_p_value_to_be_greater_than":       {rule: greater("chi-square p-value", "p", "0.05")},
	"expect_column_bootstrapped_ks_test_p_value_to_be_greater_than": {rule: greater("bootstrapped KS p-value", "p", "0.05")},
	"expect_column_parameterized_distribution_ks_test_p_value_to_be_greater_than": {rule: func(k kwargs) string {
		return greater("KS p-value against "+k.v("distribution"), "p_value", "0.05")(k)
	}},
	"expect_column_pair_cramers_phi_value_to_be_less_than": {rule: less("Cramér's phi", "threshold", "0.1")},

	// Every value of a column.
	"expect_column_values_to_be_between":            {rule: between("values")},
	"expect_column_values_to_be_in_set":             {rule: set("values in ", "value_set", "")},
	"expect_column_values_to_not_be_in_set":         {rule: set("values not in ", "value_set", "")},
	"expect_column_values_to_be_null":               {rule: fixed("values null")},
	"expect_column_values_to_not_be_null":           {rule: fixed("values not null")},
	"expect_column_values_to_be_unique":             {rule: fixed("values unique")},
	"expect_column_values_to_be_of_type":            {rule: func(k kwargs) string { return "type " + k.v("type_") }},
	"expect_column_values_to_be_in_type_list":       {rule: func(k kwargs) string { return "type in " + setText(k["type_list"]) }},
	"expect_column_values_to_be_increasing":         {rule: monotonic("increasing")},
	"expect_column_values_to_be_decreasing":         {rule: monotonic("decreasing")},
	"expect_column_values_to_be_dateutil_parseable": {rule: fixed("values parse as dates")},
	"expect_column_values_to_be_json_parseable":     {rule: fixed("values parse as JSON")},
	"expect_column_values_to_match_json_schema": {rule: func(k kwargs) string {
		return "values match the JSON schema " + compact(k["json_schema"], 80)
	}},
	"expect_column_values_to_match_regex":                 {rule: regexes("match")},
	"expect_column_values_to_not_match_regex":             {rule: regexes("do not match")},
	"expect_column_values_to_match_regex_list":            {rule: regexes("match")},
	"expect_column_values_to_not_match_regex_list":        {rule: regexes("match none")},
	"expect_column_values_to_match_like_pattern":          {rule: likes("match")},
	"expect_column_values_to_not_match_like_pattern":      {rule: likes("do not match")},
	"expect_column_values_to_match_like_pattern_list":     {rule: likes("match")},
	"expect_column_values_to_not_match_like_pattern_list": {rule: likes("match none")},
	"expect_column_values_to_match_strftime_format": {rule: func(k kwargs) string {
		return "values match strftime " + k.v("strftime_format")
	}},
	"expect_column_value_lengths_to_be_between": {rule: between("value lengths")},
	"expect_column_value_lengths_to_equal":      {rule: equal("value lengths", "value")},
	"expect_column_value_z_scores_to_be_less_than": {rule: func(k kwargs) string {
		if v, ok := k["double_sided"].(bool); ok && !v {
			return less("z-score", "threshold", "the threshold")(k)
		}
		return less("|z-score|", "threshold", "the threshold")(k)
	}},

	// Several columns.
	"expect_column_pair_values_a_to_be_greater_than_b": {rule: pairGreater},
	"expect_column_pair_values_A_to_be_greater_than_B": {rule: pairGreater},
	"expect_column_pair_values_to_be_equal":            {rule: func(k kwargs) string { return k.v("column_A") + " = " + k.v("column_B") }},
	"expect_column_pair_values_to_be_in_set": {rule: func(k kwargs) string {
		return "(" + k.v("column_A") + ", " + k.v("column_B") + ") in " + setText(k["value_pairs_set"])
	}},
	"expect_compound_columns_to_be_unique":                   {rule: fixed("value combinations unique")},
	"expect_multicolumn_values_to_be_unique":                 {rule: fixed("values unique within each row")},
	"expect_select_column_values_to_be_unique_within_record": {rule: fixed("values unique within each row")},
	"expect_multicolumn_sum_to_equal":                        {rule: equal("row sum", "sum_total")},

	// A query.
	"unexpected_rows_expectation": {rule: func(k kwargs) string {
		return "no rows from " + short(k.v("unexpected_rows_query"), 80)
	}},
}

func monotonic(dir string) func(kwargs) string {
	return func(k kwargs) string {
		if k.flag("strictly") {
			return "values strictly " + dir
		}
		return "values " + dir
	}
}

func pairGreater(k kwargs) string {
	op := " > "
	if k.flag("or_equal") {
		op = " ≥ "
	}
	return k.v("column_A") + op + k.v("column_B")
}

// noise are kwargs no rule needs: how Great Expectations was asked to
// report, not what was expected.
var noise = map[string]bool{"result_format": true, "include_config": true, "catch_exceptions": true, "batch_id": true, "meta": true}

// ruleText is the requirement of expectation x in words, with mostly.
func ruleText(x *Expectation) string {
	k := kwargs(x.Kwargs)
	var r string
	if sp, ok := known[x.Type]; ok {
		r = sp.rule(k)
	} else {
		rest := map[string]any{}
		for key, v := range k {
			if !noise[key] {
				rest[key] = v
			}
		}
		return compact(rest, 160) // mostly too, as written
	}
	if m := k.v("mostly"); m != "" {
		r += " (mostly " + m + ")"
	}
	return r
}

// target names what an expectation is about: a column, a pair or list of
// columns, or the table.
func target(x *Expectation) string {
	k := kwargs(x.Kwargs)
	switch {
	case strings.HasPrefix(x.Type, "expect_table_"):
		return "table"
	case k.v("column") != "":
		return k.v("column")
	case k.v("column_A") != "" || k.v("column_B") != "":
		return k.v("column_A") + ", " + k.v("column_B")
	case k["column_list"] != nil:
		if l, ok := k["column_list"].([]any); ok && len(l) > 0 {
			return listText(l, 5)
		}
	}
	return "table"
}
