package gx

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// obj is a JSON object and where it is in the file, for errors.
type obj struct {
	m    map[string]any
	path string
	file string
}

func (o obj) at(key string) string {
	if o.path == "" {
		return key
	}
	return o.path + "." + key
}

func (o obj) errf(key, format string, a ...any) error {
	return &Error{File: o.file, Path: o.at(key), Msg: fmt.Sprintf(format, a...)}
}

func (o obj) has(key string) bool {
	v, ok := o.m[key]
	return ok && v != nil
}

// keys are the object's keys, sorted.
func (o obj) keys() []string {
	ks := make([]string, 0, len(o.m))
	for k := range o.m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// object returns the object at key; ok is false when it is absent or null.
func (o obj) object(key string) (obj, bool, error) {
	v, ok := o.m[key]
	if !ok || v == nil {
		return obj{m: map[string]any{}, path: o.at(key), file: o.file}, false, nil
	}
	m, isMap := v.(map[string]any)
	if !isMap {
		return obj{}, false, o.errf(key, "%s, expected an object", describe(v))
	}
	return obj{m: m, path: o.at(key), file: o.file}, true, nil
}

func (o obj) list(key string) ([]any, bool, error) {
	v, ok := o.m[key]
	if !ok || v == nil {
		return nil, false, nil
	}
	l, isList := v.([]any)
	if !isList {
		return nil, false, o.errf(key, "%s, expected a list", describe(v))
	}
	return l, true, nil
}

func (o obj) str(key string) (string, bool, error) {
	v, ok := o.m[key]
	if !ok || v == nil {
		return "", false, nil
	}
	s, isStr := v.(string)
	if !isStr {
		return "", false, o.errf(key, "%s, expected a string", describe(v))
	}
	return s, true, nil
}

func (o obj) boolean(key string) (*bool, error) {
	v, ok := o.m[key]
	if !ok || v == nil {
		return nil, nil
	}
	b, isBool := v.(bool)
	if !isBool {
		return nil, o.errf(key, "%s, expected true or false", describe(v))
	}
	return &b, nil
}

// number returns the number at key; ok is false when it is absent or null.
func (o obj) number(key string) (float64, bool, error) {
	v, ok := o.m[key]
	if !ok || v == nil {
		return 0, false, nil
	}
	f, isNum := toFloat(v)
	if !isNum {
		return 0, false, o.errf(key, "%s, expected a number", describe(v))
	}
	return f, true, nil
}

func toFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case json.Number:
		f, err := strconv.ParseFloat(string(x), 64)
		if err != nil {
			// Beyond float64's range: ParseFloat gives ±Inf and the error.
			return f, !math.IsNaN(f)
		}
		return f, true
	case float64:
		return x, true
	}
	return 0, false
}

// describe names a JSON value's kind and shows a short form of it.
func describe(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return fmt.Sprintf("%t (a boolean)", x)
	case json.Number, float64:
		return "the number " + compact(x, 40)
	case string:
		return "a string (" + strconv.Quote(short(x, 40)) + ")"
	case []any:
		return fmt.Sprintf("a list of %d", len(x))
	case map[string]any:
		ks := obj{m: x}.keys()
		if len(ks) > 6 {
			ks = append(ks[:6], "…")
		}
		return "an object with keys " + strings.Join(ks, ", ")
	}
	return fmt.Sprintf("%T", v)
}

// short cuts s to at most n runes, marking the cut with "…".
func short(s string, n int) string {
	if len(s) <= n {
		return s
	}
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// compact is v as compact JSON (NaN and infinities as Python writes
// them), cut to n runes (n ≤ 0: whole).
func compact(v any, n int) string {
	var b strings.Builder
	writeJSON(&b, v)
	if n > 0 {
		return short(b.String(), n)
	}
	return b.String()
}

func writeJSON(b *strings.Builder, v any) {
	switch x := v.(type) {
	case float64:
		switch {
		case math.IsNaN(x):
			b.WriteString("NaN")
		case math.IsInf(x, 1):
			b.WriteString("Infinity")
		case math.IsInf(x, -1):
			b.WriteString("-Infinity")
		default:
			b.WriteString(strconv.FormatFloat(x, 'g', -1, 64))
		}
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteString(", ")
			}
			writeJSON(b, e)
		}
		b.WriteByte(']')
	case map[string]any:
		b.WriteByte('{')
		for i, k := range (obj{m: x}).keys() {
			if i > 0 {
				b.WriteString(", ")
			}
			kb, _ := json.Marshal(k)
			b.Write(kb)
			b.WriteString(": ")
			writeJSON(b, x[k])
		}
		b.WriteByte('}')
	default:
		j, err := json.Marshal(x)
		if err != nil {
			fmt.Fprint(b, x)
			return
		}
		b.Write(j)
	}
}
