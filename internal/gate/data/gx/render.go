package gx

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"gitlab.com/mlgate/mlgate/internal/gate"
)

// The renderings of Great Expectations' values for people.

func count(v any) string {
	if l, ok := v.([]any); ok {
		return strconv.Itoa(len(l))
	}
	return "?"
}

// mismatches reads details.mismatched: a list of {Expected Column
// Position, Expected, Found} (ordered list) or {unexpected, missing}
// (set).
func mismatches(details map[string]any) string {
	switch m := details["mismatched"].(type) {
	case []any:
		var parts []string
		for i, e := range m {
			if i == maxExamples {
				parts = append(parts, fmt.Sprintf("and %d more", len(m)-i))
				break
			}
			mm, _ := e.(map[string]any)
			parts = append(parts, fmt.Sprintf("position %s: expected %s, found %s", valueText(mm["Expected Column Position"], 0),
				quoted(mm["Expected"]), quoted(mm["Found"])))
		}
		if len(parts) > 0 {
			return "; " + strings.Join(parts, "; ")
		}
	case map[string]any:
		var parts []string
		if l, ok := m["unexpected"].([]any); ok && len(l) > 0 {
			parts = append(parts, "unexpected "+listText(l, maxExamples))
		}
		if l, ok := m["missing"].([]any); ok && len(l) > 0 {
			parts = append(parts, "missing "+listText(l, maxExamples))
		}
		if len(parts) > 0 {
			return "; " + strings.Join(parts, "; ")
		}
	}
	return ""
}

// valueCounts lists distinct values with their counts from
// details.value_counts when given.
func valueCounts(v any, details map[string]any) string {
	vc, _ := details["value_counts"].([]any)
	if len(vc) == 0 {
		return listText(v, maxExamples)
	}
	var parts []string
	for i, e := range vc {
		if i == maxExamples {
			parts = append(parts, fmt.Sprintf("… %d in all", len(vc)))
			break
		}
		m, _ := e.(map[string]any)
		parts = append(parts, fmt.Sprintf("%s (%s)", quoted(m["value"]), valueText(m["count"], 0)))
	}
	return strings.Join(parts, ", ")
}

// setDiff names the distinct values outside value_set and the values of
// value_set not seen, as the expectation cares.
func setDiff(observed, valueSet any, how observer) string {
	obs, _ := observed.([]any)
	want, ok := valueSet.([]any)
	if !ok {
		return ""
	}
	in := func(l []any, v any) bool {
		for _, e := range l {
			if key(e) == key(v) {
				return true
			}
		}
		return false
	}
	var outside, absent []any
	if how != obsDistinctSuperset {
		for _, v := range obs {
			if !in(want, v) {
				outside = append(outside, v)
			}
		}
	}
	if how != obsDistinctSubset {
		for _, v := range want {
			if !in(obs, v) {
				absent = append(absent, v)
			}
		}
	}
	s := ""
	if len(outside) > 0 {
		s += "; outside the set: " + listText(outside, maxExamples)
	}
	if len(absent) > 0 {
		s += "; not found: " + listText(absent, maxExamples)
	}
	return s
}

// key compares values as Great Expectations would: 1 and 1.0 alike.
func key(v any) string {
	if f, ok := toFloat(v); ok {
		return strconv.FormatFloat(f, 'g', -1, 64)
	}
	return compact(v, 0)
}

func quantiles(v any) string {
	m, _ := v.(map[string]any)
	qs, _ := m["quantiles"].([]any)
	vs, _ := m["values"].([]any)
	if len(qs) == 0 {
		return valueText(v, maxExamples)
	}
	parts := make([]string, len(qs))
	for i, q := range qs {
		val := "?"
		if i < len(vs) {
			val = valueText(vs[i], 0)
		}
		parts[i] = "q" + valueText(q, 0) + " = " + val
	}
	return strings.Join(parts, ", ")
}

func failedQuantiles(v any, details map[string]any) string {
	ok, _ := details["success_details"].([]any)
	m, _ := v.(map[string]any)
	qs, _ := m["quantiles"].([]any)
	var bad []string
	for i, s := range ok {
		if b, isBool := s.(bool); isBool && !b && i < len(qs) {
			bad = append(bad, "q"+valueText(qs[i], 0))
		}
	}
	if len(bad) == 0 {
		return ""
	}
	return "; out of range: " + strings.Join(bad, ", ")
}

// valueText renders a JSON value for people: numbers as the report
// formats them, strings as they are, lists of up to n items (n ≤ 0: all),
// objects as compact JSON, null as "none".
func valueText(v any, n int) string {
	switch x := v.(type) {
	case nil:
		return "none"
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case []any:
		return "[" + listText(x, n) + "]"
	case map[string]any:
		if p, ok := x["$PARAMETER"].(string); ok {
			return "$" + p // a suite parameter
		}
		return compact(x, maxObserved)
	}
	if n, ok := v.(json.Number); ok && len(n) <= 12 {
		return string(n) // as written: 84000.75, not 84000.8
	}
	if f, ok := toFloat(v); ok {
		return num(f)
	}
	return compact(v, maxObserved)
}

// listText joins up to n items of a list (n ≤ 0: all), quoting strings
// that need it.
func listText(v any, n int) string {
	l, ok := v.([]any)
	if !ok {
		return valueText(v, n)
	}
	parts := make([]string, 0, len(l))
	for i, e := range l {
		if n > 0 && i == n {
			parts = append(parts, fmt.Sprintf("… %d in all", len(l)))
			break
		}
		parts = append(parts, quoted(e))
	}
	return strings.Join(parts, ", ")
}

// quoted is a value for a list: a string in quotes when it is empty or
// holds a comma, space or quote; other values as valueText.
func quoted(v any) string {
	if s, ok := v.(string); ok {
		if s == "" || strings.ContainsAny(s, ", \"'") {
			return strconv.Quote(s)
		}
		return s
	}
	return valueText(v, maxExamples)
}

func num(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	return gate.FormatNumber(f)
}

func hasKey(m map[string]any, k string) bool {
	_, ok := m[k]
	return ok
}
