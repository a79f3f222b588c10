package report

import (
	"bytes"
	_ "embed"
	"html/template"
	"strings"

	"gitlab.com/mlgate/mlgate/internal/gate"
)

//go:embed report.html.tmpl
var htmlTemplate string

var htmlTmpl = template.Must(template.New("report").Funcs(template.FuncMap{
	"cell":    cell,
	"value":   valueCell,
	"delta":   deltaCell,
	"ratio":   ratioCell,
	"verdict": verdictWord,
	"svg":     func(c gate.Chart) template.HTML { return template.HTML(SVG(c)) }, // SVG escapes every text it draws
	"details": htmlDetails,
	"labels": func(g gate.Result) []string {
		b, c := labels(g)
		return []string{b, c}
	},
}).Parse(htmlTemplate))

// HTML renders report.html: one self-contained page (inline CSS and SVG, no
// script, no outside request) with every gate's table and charts.
func HTML(r *gate.Report) ([]byte, error) {
	var buf bytes.Buffer
	data := struct {
		*gate.Report
		Overall gate.Status
		Summary string
	}{r, r.Overall(), strings.ReplaceAll(overallLine(r), "**", "")}
	if err := htmlTmpl.Execute(&buf, data); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// detailRow is one line of a gate's Details in report.html.
type detailRow struct{ K, V string }

// htmlDetails returns a gate's decision (when its Details has one) and its
// Details as flattened rows: only the numbers when there is a decision.
func htmlDetails(g gate.Result) struct {
	Decision, Reason string
	Rows             []detailRow
} {
	var out struct {
		Decision, Reason string
		Rows             []detailRow
	}
	m := detailsMap(g.Details)
	out.Decision, _ = m["decision"].(string)
	out.Reason, _ = m["reason"].(string)
	for i, r := range flatten(m, "", nil) {
		if i == maxDetailRows {
			break
		}
		if out.Decision != "" && !r.num {
			continue
		}
		out.Rows = append(out.Rows, detailRow{r.k, r.v})
	}
	return out
}
