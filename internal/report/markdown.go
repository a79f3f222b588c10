package report

import (
	"fmt"
	"strings"

	"gitlab.com/mlgate/mlgate/internal/gate"
)

// MarkdownOptions add what only the poster knows: links to the pipeline,
// the job and the HTML report, and a limit on the length.
type MarkdownOptions struct {
	PipelineURL string
	JobURL      string
	HTMLURL     string
	// MaxRows caps the rows of each gate's table (0: no cap); the rest
	// go into a collapsed section below it.
	MaxRows int
	// Images are the URLs of uploaded chart images by ChartKey; without
	// one a histogram is drawn as a line of text.
	Images map[string]string
}

// Markdown renders the merge-request comment. It starts with Marker(r.Name)
// so that the comment can be found and edited in place, and reads well in
// GitLab's and GitHub's Markdown and as plain text in a notification email.
func Markdown(r *gate.Report, o MarkdownOptions) string {
	var b strings.Builder
	header(&b, r)
	b.WriteString(overallLine(r) + "\n\n")
	gateTable(&b, r)
	for _, g := range r.Gates {
		gateMarkdown(&b, g, o)
	}
	footer(&b, r, o)
	return b.String()
}

// header writes the marker and the heading with the verdict and the model
// version.
func header(b *strings.Builder, r *gate.Report) {
	st := r.Overall()
	b.WriteString(Marker(r.Name) + "\n")
	title := "mlgate"
	if r.Name != "" && r.Name != "mlgate" {
		title += " · " + r.Name
	}
	what := r.ModelVersion
	if what == "" {
		what = r.Model
	}
	if what != "" {
		what = " for " + "`" + what + "`"
	}
	fmt.Fprintf(b, "## %s %s%s: %s\n\n", st.Mark(), title, what, verdictWord(st))
}

// gateTable lists the gates with their verdicts when there are several.
func gateTable(b *strings.Builder, r *gate.Report) {
	if len(r.Gates) < 2 {
		return
	}
	b.WriteString("| gate | status | summary |\n|---|---|---|\n")
	for _, g := range r.Gates {
		fmt.Fprintf(b, "| %s | %s %s | %s |\n", esc(g.Title), g.Status.Mark(), g.Status, esc(g.Summary))
	}
	b.WriteString("\n")
}

func overallLine(r *gate.Report) string {
	var failed, warned []string
	for _, g := range r.Gates {
		switch g.Status {
		case gate.Fail:
			failed = append(failed, g.Gate)
		case gate.Warn:
			warned = append(warned, g.Gate)
		}
	}
	n := len(r.Gates)
	switch {
	case n == 0:
		return "No gate ran."
	case n == 1 && len(failed) == 1:
		return fmt.Sprintf("**The gate failed:** %s. The pipeline stops here.", failed[0])
	case n == 1 && len(warned) == 1:
		return fmt.Sprintf("**The gate passed with warnings:** %s.", warned[0])
	case n == 1 && r.Gates[0].Status == gate.Skip:
		return "**The gate was skipped.**"
	case n == 1:
		return "**The gate passed.**"
	case len(failed) > 0:
		return fmt.Sprintf("**%d of %d gates failed:** %s. The pipeline stops here.", len(failed), n, strings.Join(failed, ", "))
	case len(warned) > 0:
		return fmt.Sprintf("**All %d gates passed**, %d with warnings: %s.", n, len(warned), strings.Join(warned, ", "))
	}
	return fmt.Sprintf("**All %d gates passed.**", n)
}

func gateMarkdown(b *strings.Builder, g gate.Result, o MarkdownOptions) {
	fmt.Fprintf(b, "### %s %s\n\n%s\n\n", g.Status.Mark(), g.Title, g.Summary)
	for _, n := range g.Notes {
		fmt.Fprintf(b, "> %s\n", n)
	}
	if len(g.Notes) > 0 {
		b.WriteString("\n")
	}
	decision(b, g)
	if len(g.Checks) > 0 {
		rows := g.Checks
		var hidden []gate.Check
		if o.MaxRows > 0 && len(rows) > o.MaxRows {
			sorted := worstFirst(rows)
			rows, hidden = sorted[:o.MaxRows], sorted[o.MaxRows:]
		}
		checkTable(b, g, rows)
		if len(hidden) > 0 {
			fmt.Fprintf(b, "<details><summary>%s (passing or less severe)</summary>\n\n", plural(len(hidden), "more check", "more checks"))
			checkTable(b, g, hidden)
			b.WriteString("</details>\n\n")
		}
		failures(b, g)
	}
	charts(b, g, o)
	details(b, g)
}

// checkTable writes a table of checks. A gate whose checks have no
// baseline (tests, drift) gets the short form without the baseline, Δ and
// ratio columns, which would be all dashes.
func checkTable(b *strings.Builder, g gate.Result, rows []gate.Check) {
	bl, cl := labels(g)
	if !hasBaseline(g) {
		if g.CandidateLabel == "" {
			cl = "value"
		}
		fmt.Fprintf(b, "| check | %s | rule | status |\n|---|---:|---|---|\n", esc(cl))
		for _, c := range rows {
			fmt.Fprintf(b, "| %s | %s | %s | %s %s |\n", esc(c.Name), esc(valueCell(c)), esc(c.Rule), c.Status.Mark(), c.Status)
		}
		b.WriteString("\n")
		return
	}
	fmt.Fprintf(b, "| check | %s | %s | Δ | ratio | rule | status |\n|---|---:|---:|---:|---:|---|---|\n", esc(bl), esc(cl))
	for _, c := range rows {
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %s | %s %s |\n", esc(c.Name), cell(c.Baseline), esc(valueCell(c)),
			deltaCell(c.Delta), ratioCell(c.Ratio), esc(c.Rule), c.Status.Mark(), c.Status)
	}
	b.WriteString("\n")
}

func hasBaseline(g gate.Result) bool {
	for _, c := range g.Checks {
		if c.Baseline != nil {
			return true
		}
	}
	return false
}

// failures lists every failing and warning check with its message.
func failures(b *strings.Builder, g gate.Result) {
	var msgs []string
	for _, c := range g.Checks {
		if c.Message != "" && (c.Status == gate.Fail || c.Status == gate.Warn) {
			msgs = append(msgs, fmt.Sprintf("- %s **%s**: %s", c.Status.Mark(), esc(c.Name), c.Message))
		}
	}
	if len(msgs) > 0 {
		b.WriteString(strings.Join(msgs, "\n") + "\n\n")
	}
}

// worstFirst orders fail, warn, pass, skip, keeping the order within each.
func worstFirst(cs []gate.Check) []gate.Check {
	var out []gate.Check
	for _, s := range []gate.Status{gate.Fail, gate.Warn, gate.Pass, gate.Skip} {
		for _, c := range cs {
			if c.Status == s {
				out = append(out, c)
			}
		}
	}
	return out
}

func labels(g gate.Result) (string, string) {
	bl, cl := g.BaselineLabel, g.CandidateLabel
	if bl == "" {
		bl = "production"
	}
	if cl == "" {
		cl = "candidate"
	}
	return bl, cl
}

// esc makes text safe inside a Markdown table cell.
func esc(s string) string {
	s = strings.ReplaceAll(s, "|", "\\|")
	return strings.ReplaceAll(s, "\n", " ")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
