package config

import (
	"fmt"
	"reflect"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

var cfgType = reflect.TypeOf(Config{})

// checkKeys walks the YAML tree against the Go type and reports the first
// unknown or repeated key with its line, the path to it and the keys that
// are allowed there. yaml.v3's own KnownFields gives neither path nor the
// allowed keys, which is what a user needs to fix a typo.
func checkKeys(file string, n *yaml.Node, t reflect.Type, path string) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			if err := checkKeys(file, c, t, path); err != nil {
				return err
			}
		}
		return nil
	case yaml.AliasNode:
		return checkKeys(file, n.Alias, t, path)
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			if n.Tag == "!!null" {
				return nil
			}
			return &Error{File: file, Line: n.Line, Msg: fmt.Sprintf("%s is a %s, expected a mapping of keys", where(path), kindName(n))}
		}
		fields := yamlFields(t)
		seen := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Value == "<<" {
				continue
			}
			ft, ok := fields[k.Value]
			if !ok {
				return &Error{File: file, Line: k.Line, Msg: fmt.Sprintf("unknown key %q in %s: expected one of %s", k.Value, where(path), allowed(fields))}
			}
			if seen[k.Value] {
				return &Error{File: file, Line: k.Line, Msg: fmt.Sprintf("key %q appears twice in %s", k.Value, where(path))}
			}
			seen[k.Value] = true
			if err := checkKeys(file, v, ft, join(path, k.Value)); err != nil {
				return err
			}
		}
	case reflect.Slice, reflect.Array:
		if n.Kind == yaml.SequenceNode {
			for i, c := range n.Content {
				if err := checkKeys(file, c, t.Elem(), fmt.Sprintf("%s[%d]", path, i)); err != nil {
					return err
				}
			}
		}
	case reflect.Map:
		if n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				if err := checkKeys(file, n.Content[i+1], t.Elem(), join(path, n.Content[i].Value)); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// yamlFields maps each YAML key of struct t to its field type, following
// ",inline" fields.
func yamlFields(t reflect.Type) map[string]reflect.Type {
	m := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("yaml")
		name, opts, _ := strings.Cut(tag, ",")
		if name == "-" {
			continue
		}
		if strings.Contains(opts, "inline") {
			ft := f.Type
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			for k, v := range yamlFields(ft) {
				m[k] = v
			}
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		m[name] = f.Type
	}
	return m
}

func allowed(fields map[string]reflect.Type) string {
	var ks []string
	for k := range fields {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	if len(ks) == 0 {
		return "no keys (this section takes none yet)"
	}
	return strings.Join(ks, ", ")
}

func where(path string) string {
	if path == "" {
		return "the top level"
	}
	return path
}

func join(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "list"
	case yaml.ScalarNode:
		return fmt.Sprintf("scalar (%q)", n.Value)
	}
	return "value"
}
