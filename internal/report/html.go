package report

import (
	"bytes"
	_ "embed"
	"html/template"

	"gitlab.com/mlgate/mlgate/internal/gates"
)

//go:embed report.html.tmpl
var htmlTemplate string

var htmlTmpl = template.Must(template.New("report").Funcs(template.FuncMap{
	"cell":    cell,
	"delta":   deltaCell,
	"ratio":   ratioCell,
	"verdict": verdictWord,
	"svg":     func(c gates.Chart) template.HTML { return template.HTML(SVG(c)) }, // SVG escapes every text it draws
	"labels": func(g gates.Result) []string {
		b, c := labels(g)
		return []string{b, c}
	},
}).Parse(htmlTemplate))

// HTML renders report.html: one self-contained page (inline CSS and SVG, no
// script, no outside request) with every gate's table and charts.
func HTML(r *gates.Report) ([]byte, error) {
	var buf bytes.Buffer
	data := struct {
		*gates.Report
		Overall gates.Status
		Summary string
	}{r, r.Overall(), overallLine(r)}
	if err := htmlTmpl.Execute(&buf, data); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
