// Package scorefile reads a model's scores from a file, as DVC and DVCLive
// write their metrics files:
// JSON or YAML, nested keys flattened with ".", numbers kept and every other
// value (strings, lists, booleans) ignored.
package scorefile

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"path/filepath"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"gitlab.com/mlgate/mlgate/internal/dataset"
	"gitlab.com/mlgate/mlgate/internal/gate"
)

// LoadFile reads the metrics file at path; the format follows the
// extension (.json, .yaml, .yml), and a file without one is tried as JSON.
func LoadFile(path string) (gate.Metrics, error) {
	b, err := dataset.ReadFile(path)
	if err != nil {
		return nil, gate.Input(fmt.Errorf("read metrics file: %w", err))
	}
	m, err := Parse(b, filepath.Ext(path))
	if err != nil {
		return nil, gate.Input(fmt.Errorf("%s: %w", path, err))
	}
	return m, nil
}

// Parse reads metrics from b; ext (".json", ".yaml", ".yml") chooses the
// format.
func Parse(b []byte, ext string) (gate.Metrics, error) {
	var v any
	switch strings.ToLower(ext) {
	case ".yaml", ".yml":
		if err := yaml.Unmarshal(b, &v); err != nil {
			return nil, fmt.Errorf("not valid YAML: %v", err)
		}
	default:
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("not valid JSON: %v", err)
		}
		if dec.More() {
			return nil, fmt.Errorf("not valid JSON: more than one value")
		}
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("expected an object of metric names to numbers, found %s", typeName(v))
	}
	m := gate.Metrics{}
	if err := flatten("", obj, m); err != nil {
		return nil, err
	}
	if len(m) == 0 {
		return nil, fmt.Errorf("no numeric metric found: expected e.g. {\"precision@5\": 0.21}")
	}
	return m, nil
}

func flatten(prefix string, obj map[string]any, out gate.Metrics) error {
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		name := k
		if prefix != "" {
			name = prefix + "." + k
		}
		switch x := obj[k].(type) {
		case map[string]any:
			if err := flatten(name, x, out); err != nil {
				return err
			}
		case json.Number:
			f, err := x.Float64()
			if err != nil {
				return fmt.Errorf("key %s: %q is not a finite number", name, x)
			}
			out[name] = f
		case float64:
			out[name] = x
		case int:
			out[name] = float64(x)
		case int64:
			out[name] = float64(x)
		case uint64:
			out[name] = float64(x)
		}
		if f, ok := out[name]; ok && math.IsInf(f, 0) {
			return fmt.Errorf("key %s: value is infinite", name)
		}
	}
	return nil
}

func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case []any:
		return "a list"
	case string:
		return "a string"
	case json.Number, float64, int:
		return "a number"
	case bool:
		return "a boolean"
	}
	return fmt.Sprintf("%T", v)
}
