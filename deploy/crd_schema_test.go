package deploy_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// crdSchema is one version of a CustomResourceDefinition's
// openAPIV3Schema, kept as decoded JSON.
type crdSchema struct {
	group, version, kind string
	schema               map[string]any
}

// loadCRDs reads the CustomResourceDefinitions of a file into their
// schemas, by apiVersion and kind.
func loadCRDs(path string) (map[string]crdSchema, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	docs, err := yamlDocs(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	out := map[string]crdSchema{}
	for _, d := range docs {
		if d["kind"] != "CustomResourceDefinition" {
			continue
		}
		spec, _ := d["spec"].(map[string]any)
		group, _ := spec["group"].(string)
		names, _ := spec["names"].(map[string]any)
		kind, _ := names["kind"].(string)
		versions, _ := spec["versions"].([]any)
		for _, v := range versions {
			v, _ := v.(map[string]any)
			name, _ := v["name"].(string)
			s, _ := v["schema"].(map[string]any)
			schema, _ := s["openAPIV3Schema"].(map[string]any)
			if schema == nil {
				return nil, fmt.Errorf("%s: %s/%s %s has no openAPIV3Schema", path, group, name, kind)
			}
			out[group+"/"+name+" "+kind] = crdSchema{group, name, kind, schema}
		}
	}
	return out, nil
}

// yamlDocs decodes every document of a YAML stream into JSON types
// (numbers as json.Number, so that integer and number differ).
func yamlDocs(b []byte) ([]map[string]any, error) {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	var out []map[string]any
	for i := 1; ; i++ {
		var doc map[string]any
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("document %d: %w", i, err)
		}
		if doc == nil {
			continue
		}
		js, err := json.Marshal(doc)
		if err != nil {
			return nil, fmt.Errorf("document %d: %w", i, err)
		}
		var v map[string]any
		d := json.NewDecoder(bytes.NewReader(js))
		d.UseNumber()
		if err := d.Decode(&v); err != nil {
			return nil, fmt.Errorf("document %d: %w", i, err)
		}
		out = append(out, v)
	}
}

// validateSchema checks v against the subset of OpenAPI v3 that
// Kubernetes structural schemas use, as the API server does on create:
// type (object, array, string, integer, number, boolean), format int32
// bounds (int64 by parsing), properties with required,
// additionalProperties (a schema or false), items, enum, pattern,
// min/maxLength, minimum and maximum, maxItems, nullable, anyOf / oneOf /
// allOf / not, and the extensions x-kubernetes-int-or-string,
// x-kubernetes-preserve-unknown-fields and x-kubernetes-embedded-resource
// (apiVersion, kind and metadata allowed). A field that no schema declares
// is an error (the API server prunes it, and kubectl's strict field
// validation refuses it), unless the object preserves unknown fields.
// x-kubernetes-validations (CEL) rules are not evaluated. Errors name the
// path.
func validateSchema(path string, v any, s map[string]any) []string {
	var errs []string
	bad := func(format string, a ...any) { errs = append(errs, path+": "+fmt.Sprintf(format, a...)) }
	if v == nil {
		if s["nullable"] == true {
			return nil
		}
	}
	for _, key := range []string{"allOf", "anyOf", "oneOf"} {
		subs, _ := s[key].([]any)
		if len(subs) == 0 {
			continue
		}
		ok := 0
		var first []string
		for _, sub := range subs {
			sub, _ := sub.(map[string]any)
			// A branch inherits nothing: in structural schemas the
			// branches only add constraints on the same value.
			e := validateSchema(path, v, withoutUnknownCheck(sub))
			if len(e) == 0 {
				ok++
			} else if first == nil {
				first = e
			}
		}
		switch {
		case key == "allOf" && ok != len(subs):
			errs = append(errs, first...)
		case key == "anyOf" && ok == 0:
			bad("matches none of anyOf (first: %s)", strings.Join(first, "; "))
		case key == "oneOf" && ok != 1:
			bad("matches %d of oneOf, expected exactly 1", ok)
		}
	}
	if n, _ := s["not"].(map[string]any); n != nil && len(validateSchema(path, v, withoutUnknownCheck(n))) == 0 {
		bad("matches a schema it must not match")
	}
	if s["x-kubernetes-int-or-string"] == true {
		switch x := v.(type) {
		case string:
			return errs
		case json.Number:
			if _, err := strconv.ParseInt(x.String(), 10, 64); err == nil {
				return errs
			}
		}
		return append(errs, fmt.Sprintf("%s: %s, expected an integer or a string", path, show(v)))
	}
	if req, _ := s["required"].([]any); len(req) > 0 {
		m, ok := v.(map[string]any)
		if ok {
			for _, r := range req {
				if _, has := m[r.(string)]; !has {
					bad("required field %q is missing", r)
				}
			}
		}
	}
	typ, _ := s["type"].(string)
	switch typ {
	case "":
	case "object":
		m, ok := v.(map[string]any)
		if !ok {
			return append(errs, fmt.Sprintf("%s: %s, expected an object", path, show(v)))
		}
		props, _ := s["properties"].(map[string]any)
		addl := s["additionalProperties"]
		preserve := s["x-kubernetes-preserve-unknown-fields"] == true
		embedded := s["x-kubernetes-embedded-resource"] == true
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			child := path + "." + k
			if ps, ok := props[k].(map[string]any); ok {
				errs = append(errs, validateSchema(child, m[k], ps)...)
				continue
			}
			switch a := addl.(type) {
			case map[string]any:
				errs = append(errs, validateSchema(child, m[k], a)...)
				continue
			case bool:
				if a {
					continue
				}
			}
			if preserve || s[noUnknownCheck] == true || (embedded && (k == "apiVersion" || k == "kind" || k == "metadata")) {
				continue
			}
			errs = append(errs, fmt.Sprintf("%s: unknown field (known: %s)", child, strings.Join(sortedKeys(props), ", ")))
		}
	case "array":
		a, ok := v.([]any)
		if !ok {
			return append(errs, fmt.Sprintf("%s: %s, expected an array", path, show(v)))
		}
		if mx, ok := number(s["maxItems"]); ok && float64(len(a)) > mx {
			bad("%d items, expected at most %v", len(a), mx)
		}
		if items, ok := s["items"].(map[string]any); ok {
			for i, x := range a {
				errs = append(errs, validateSchema(fmt.Sprintf("%s[%d]", path, i), x, items)...)
			}
		}
	case "string":
		str, ok := v.(string)
		if !ok {
			return append(errs, fmt.Sprintf("%s: %s, expected a string", path, show(v)))
		}
		if p, ok := s["pattern"].(string); ok {
			re, err := regexp.Compile(p)
			if err != nil {
				bad("schema pattern %q does not compile: %v", p, err)
			} else if !re.MatchString(str) {
				bad("%q does not match the pattern %s", str, p)
			}
		}
		if mn, ok := number(s["minLength"]); ok && float64(len(str)) < mn {
			bad("%q is shorter than %v", str, mn)
		}
		if mx, ok := number(s["maxLength"]); ok && float64(len(str)) > mx {
			bad("%q is longer than %v", str, mx)
		}
	case "integer", "number":
		n, ok := v.(json.Number)
		if !ok {
			return append(errs, fmt.Sprintf("%s: %s, expected %s %s", path, show(v), article(typ), typ))
		}
		f, err := n.Float64()
		if err != nil {
			return append(errs, fmt.Sprintf("%s: %s: %v", path, n, err))
		}
		if typ == "integer" {
			i, err := strconv.ParseInt(n.String(), 10, 64)
			if err != nil {
				return append(errs, fmt.Sprintf("%s: %s, expected an integer", path, n))
			}
			if s["format"] == "int32" && (i < math.MinInt32 || i > math.MaxInt32) {
				bad("%d is out of int32", i)
			}
		}
		if mn, ok := number(s["minimum"]); ok && f < mn {
			bad("%v is below the minimum %v", f, mn)
		}
		if mx, ok := number(s["maximum"]); ok && f > mx {
			bad("%v is above the maximum %v", f, mx)
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			return append(errs, fmt.Sprintf("%s: %s, expected a boolean", path, show(v)))
		}
	default:
		bad("schema type %q is not handled", typ)
	}
	if enum, ok := s["enum"].([]any); ok && !slices.ContainsFunc(enum, func(e any) bool { return fmt.Sprint(e) == fmt.Sprint(v) }) {
		bad("%s is not one of %v", show(v), enum)
	}
	return errs
}

// noUnknownCheck marks a combinator's branch: it constrains the value
// the parent schema already checks, so fields it does not list are not
// unknown.
const noUnknownCheck = "x-mlgate-branch"

func withoutUnknownCheck(s map[string]any) map[string]any {
	c := make(map[string]any, len(s)+1)
	for k, v := range s {
		c[k] = v
	}
	c[noUnknownCheck] = true
	return c
}

func number(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case int:
		return float64(x), true
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	}
	return 0, false
}

func show(v any) string {
	switch x := v.(type) {
	case string:
		return strconv.Quote(x)
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case nil:
		return "null"
	}
	return fmt.Sprint(v)
}

func article(typ string) string {
	if typ == "integer" {
		return "an"
	}
	return "a"
}

func sortedKeys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
