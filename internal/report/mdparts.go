package report

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"

	"gitlab.com/mlgate/mlgate/internal/gate"
)

// maxHistograms is how many histograms (the top drifted features, as the
// gate orders its charts) the comment shows per gate.
const maxHistograms = 5

// charts shows a gate's charts: uploaded images where there are some, and
// histograms as lines of text (which read in any client and in email),
// the most drifted features first.
func charts(b *strings.Builder, g gate.Result, o MarkdownOptions) {
	var imgs []string
	for i, c := range g.Charts {
		if u := o.Images[ChartKey(g.Gate, i)]; u != "" && c.Kind != gate.Histogram {
			imgs = append(imgs, fmt.Sprintf("![%s](%s)", esc(c.Title), u))
		}
	}
	hist := histogramOrder(g)
	if len(hist) > maxHistograms {
		hist = hist[:maxHistograms]
	}
	if len(hist) > 0 {
		drifted := 0
		for _, i := range hist {
			if st := checkStatus(g, chartCheck(g.Charts[i])); st == gate.Fail || st == gate.Warn {
				drifted++
			}
		}
		if drifted > 0 {
			fmt.Fprintf(b, "**Top drifted features** (%s; share of rows per bin, bins from the reference):\n\n```text\n", plural(drifted, "drifted", "drifted"))
		} else {
			b.WriteString("**Feature histograms** (no feature drifted; share of rows per bin, bins from the reference):\n\n```text\n")
		}
		for _, i := range hist {
			c := g.Charts[i]
			st := checkStatus(g, chartCheck(c))
			mark := ""
			if st != "" {
				mark = " " + st.Mark()
			}
			fmt.Fprintf(b, "%s%s\n", c.Title, mark)
			mx := chartMax(c)
			for _, s := range c.Series {
				fmt.Fprintf(b, "  %-10s %s\n", s.Name, Sparkline(s.Values, mx))
			}
		}
		b.WriteString("```\n\n")
		for _, i := range hist {
			if u := o.Images[ChartKey(g.Gate, i)]; u != "" {
				imgs = append(imgs, fmt.Sprintf("![%s](%s)", esc(g.Charts[i].Title), u))
			}
		}
	}
	if len(imgs) > 0 {
		b.WriteString(strings.Join(imgs, " ") + "\n\n")
	}
}

// histogramOrder returns the indexes of the gate's histograms, those of
// failing features first, then warning ones, then the rest, each by the
// check's value (the drift statistic) descending, else in gate order.
func histogramOrder(g gate.Result) []int {
	var idx []int
	for i, c := range g.Charts {
		if c.Kind == gate.Histogram {
			idx = append(idx, i)
		}
	}
	rank := map[gate.Status]int{gate.Fail: 0, gate.Warn: 1}
	key := func(i int) (int, float64) {
		name := chartCheck(g.Charts[i])
		for _, c := range g.Checks {
			if c.Name == name {
				r, ok := rank[c.Status]
				if !ok {
					r = 2
				}
				v := math.Inf(-1)
				if c.Candidate != nil {
					v = *c.Candidate
				}
				return r, v
			}
		}
		return 3, math.Inf(-1)
	}
	sort.SliceStable(idx, func(a, b int) bool {
		ra, va := key(idx[a])
		rb, vb := key(idx[b])
		if ra != rb {
			return ra < rb
		}
		return va > vb
	})
	return idx
}

// chartCheck is the name of the check a chart illustrates: its Check, or
// its Title in reports written before charts named their check.
func chartCheck(c gate.Chart) string {
	if c.Check != "" {
		return c.Check
	}
	return c.Title
}

func checkStatus(g gate.Result, name string) gate.Status {
	for _, c := range g.Checks {
		if c.Name == name {
			return c.Status
		}
	}
	return ""
}

func chartMax(c gate.Chart) float64 {
	mx := 0.0
	for _, s := range c.Series {
		for _, v := range s.Values {
			if !math.IsNaN(v) && !math.IsInf(v, 0) {
				mx = math.Max(mx, v)
			}
		}
	}
	return mx
}

// Sparkline draws values as a line of block characters scaled to mx (the
// largest value of all series of a chart, so that they compare); a
// missing value is a space.
func Sparkline(vs []float64, mx float64) string {
	blocks := []rune("▁▂▃▄▅▆▇█")
	var b strings.Builder
	for _, v := range vs {
		switch {
		case math.IsNaN(v) || math.IsInf(v, 0):
			b.WriteRune(' ')
		case mx <= 0 || v <= 0:
			b.WriteRune(blocks[0])
		default:
			b.WriteRune(blocks[max(0, min(len(blocks)-1, int(v/mx*float64(len(blocks)-1)+0.5)))])
		}
	}
	return b.String()
}

// decision shows an A/B (or any) decision the gate put in its Details
// ({"decision": "promote", "reason": "...", numbers...}) with its numbers.
func decision(b *strings.Builder, g gate.Result) {
	m := detailsMap(g.Details)
	d, ok := m["decision"].(string)
	if !ok || d == "" {
		return
	}
	fmt.Fprintf(b, "**Decision: %s**", esc(d))
	if r, ok := m["reason"].(string); ok && r != "" {
		fmt.Fprintf(b, ": %s", r)
	}
	b.WriteString("\n\n")
	rows := flatten(m, "", nil)
	var nums []kv
	for _, r := range rows {
		if r.num {
			nums = append(nums, r)
		}
	}
	if len(nums) > 0 {
		b.WriteString("| number | value |\n|---|---:|\n")
		for _, r := range nums {
			fmt.Fprintf(b, "| %s | %s |\n", esc(r.k), esc(r.v))
		}
		b.WriteString("\n")
	}
}

// details is the collapsed section with the gate's own data and timing.
func details(b *strings.Builder, g gate.Result) {
	m := detailsMap(g.Details)
	if _, ok := m["decision"]; ok {
		return // shown open by decision
	}
	rows := flatten(m, "", nil)
	if len(rows) == 0 {
		return
	}
	fmt.Fprintf(b, "<details><summary>Details of %s</summary>\n\n| key | value |\n|---|---|\n", esc(g.Title))
	for i, r := range rows {
		if i == maxDetailRows {
			fmt.Fprintf(b, "| … | %d more in results.json |\n", len(rows)-i)
			break
		}
		fmt.Fprintf(b, "| %s | %s |\n", esc(r.k), esc(r.v))
	}
	b.WriteString("\n</details>\n\n")
}

const maxDetailRows = 40

type kv struct {
	k, v string
	num  bool
}

// detailsMap turns a gate's Details (its own struct, a map holding
// structs, or the map either becomes after a trip through results.json)
// into a map of JSON values, as results.json shows them.
func detailsMap(d any) map[string]any {
	if d == nil {
		return nil
	}
	raw, err := json.Marshal(d)
	if err != nil {
		m, _ := d.(map[string]any) // not JSON (a NaN): its scalars still show
		return m
	}
	var m map[string]any
	if json.Unmarshal(raw, &m) != nil {
		return nil
	}
	return m
}

// flatten lists scalar leaves with dotted keys, sorted; lists are counted.
func flatten(v any, prefix string, out []kv) []kv {
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			key := k
			if prefix != "" {
				key = prefix + "." + k
			}
			out = flatten(x[k], key, out)
		}
	case []any:
		out = append(out, kv{k: prefix, v: fmt.Sprintf("%d items", len(x))})
	case float64:
		out = append(out, kv{k: prefix, v: gate.FormatNumber(x), num: true})
	case nil:
	default:
		out = append(out, kv{k: prefix, v: oneLineText(fmt.Sprint(x))})
	}
	return out
}

// footer links the pipeline, the job and the HTML report and states the
// lineage: commit, data file hashes, training parameters.
func footer(b *strings.Builder, r *gate.Report, o MarkdownOptions) {
	var links []string
	for _, l := range []struct{ name, url string }{{"pipeline", o.PipelineURL}, {"job", o.JobURL}, {"full HTML report", o.HTMLURL}} {
		if l.url != "" {
			links = append(links, fmt.Sprintf("[%s](%s)", l.name, l.url))
		}
	}
	lin := r.Lineage
	if lin != nil && lin.Commit != "" {
		links = append(links, "commit `"+short(lin.Commit, 12)+"`")
	}
	if len(links) > 0 {
		b.WriteString("---\n" + strings.Join(links, " · ") + "\n")
	}
	if lin == nil || (len(lin.Files) == 0 && len(lin.Params) == 0) {
		return
	}
	b.WriteString("\n<details><summary>Lineage: data and parameters</summary>\n\n")
	if len(lin.Files) > 0 {
		b.WriteString("| data file | hash |\n|---|---|\n")
		for _, p := range sortedKeys(lin.Files) {
			fmt.Fprintf(b, "| `%s` | `%s` |\n", esc(p), esc(lin.Files[p]))
		}
		b.WriteString("\n")
	}
	if len(lin.Params) > 0 {
		src := "params"
		if lin.ParamsFile != "" {
			src = "`" + lin.ParamsFile + "`"
		}
		fmt.Fprintf(b, "| %s | value |\n|---|---|\n", src)
		for _, k := range sortedKeys(lin.Params) {
			fmt.Fprintf(b, "| %s | %s |\n", esc(k), esc(oneLineText(fmt.Sprint(lin.Params[k]))))
		}
		b.WriteString("\n")
	}
	b.WriteString("</details>\n")
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func short(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// SummaryMarkdown is the comment for a report too long for the forge: the
// verdict, one line per gate, the failing checks, and a link to the HTML
// report for the rest.
func SummaryMarkdown(r *gate.Report, o MarkdownOptions) string {
	var b strings.Builder
	header(&b, r)
	b.WriteString(overallLine(r) + "\n\n")
	b.WriteString("| gate | status | summary |\n|---|---|---|\n")
	for _, g := range r.Gates {
		fmt.Fprintf(&b, "| %s | %s %s | %s |\n", esc(g.Title), g.Status.Mark(), g.Status, esc(g.Summary))
	}
	b.WriteString("\n")
	n := 0
	for _, g := range r.Gates {
		for _, c := range g.Checks {
			if c.Status == gate.Fail && n < 20 {
				fmt.Fprintf(&b, "- ❌ **%s / %s**: %s\n", esc(g.Gate), esc(c.Name), oneLineText(c.Message))
				n++
			}
		}
	}
	if n > 0 {
		b.WriteString("\n")
	}
	where := "the HTML report (report.html) in the job's artifacts"
	if o.HTMLURL != "" {
		where = fmt.Sprintf("the [full HTML report](%s)", o.HTMLURL)
	}
	fmt.Fprintf(&b, "_The full report is longer than this site allows in a comment; every table and chart is in %s._\n\n", where)
	footer(&b, &gate.Report{Lineage: r.Lineage}, o)
	return b.String()
}
