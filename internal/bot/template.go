package bot

import (
	"fmt"
	"strings"
	"text/template"
	"time"
)

// TemplateData is what rule templates see: {{ .Labels.model }},
// {{ .Annotations.psi }}, {{ .Fingerprint }}, {{ .Rule }} and, in HTTP
// bodies, {{ .Variables.MODEL }}.
type TemplateData struct {
	Rule         string
	Status       string
	Fingerprint  string
	GroupKey     string
	Receiver     string
	Labels       map[string]string
	Annotations  map[string]string
	StartsAt     time.Time
	GeneratorURL string
	Variables    map[string]string
}

// NewTemplateData returns the data of an alert matched by rule.
func NewTemplateData(a Alert, rule string) TemplateData {
	return TemplateData{
		Rule: rule, Status: a.Status, Fingerprint: a.Fingerprint, GroupKey: a.GroupKey,
		Receiver: a.Receiver, Labels: a.Labels, Annotations: a.Annotations,
		StartsAt: a.StartsAt, GeneratorURL: a.GeneratorURL,
	}
}

var funcs = template.FuncMap{
	"lower": strings.ToLower,
	"upper": strings.ToUpper,
	"default": func(def, v string) string {
		if v == "" {
			return def
		}
		return v
	},
	"json": jsonString,
}

func parseTemplate(key, s string) (*template.Template, error) {
	t, err := template.New(key).Funcs(funcs).Option("missingkey=zero").Parse(s)
	if err != nil {
		return nil, fmt.Errorf("%s: template %q does not parse: %w", key, s, err)
	}
	return t, nil
}

func render(t *template.Template, d TemplateData) (string, error) {
	var b strings.Builder
	if err := t.Execute(&b, d); err != nil {
		return "", fmt.Errorf("render %s: %w", t.Name(), err)
	}
	return b.String(), nil
}
