package prom

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

var placeholder = regexp.MustCompile(`\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}`)

// Expand replaces each {{name}} in a PromQL template by vars[name]. Values
// are inserted as they are; a placeholder without a value is an error naming
// it, so that a typo never reaches Prometheus as literal braces.
func Expand(tmpl string, vars map[string]string) (string, error) {
	var missing []string
	out := placeholder.ReplaceAllStringFunc(tmpl, func(m string) string {
		name := placeholder.FindStringSubmatch(m)[1]
		v, ok := vars[name]
		if !ok {
			missing = append(missing, name)
			return m
		}
		return v
	})
	if len(missing) > 0 {
		known := make([]string, 0, len(vars))
		for k := range vars {
			known = append(known, "{{"+k+"}}")
		}
		sort.Strings(known)
		return "", fmt.Errorf("query %q: unknown placeholder {{%s}}, expected one of %s", tmpl, missing[0], strings.Join(known, ", "))
	}
	return out, nil
}
