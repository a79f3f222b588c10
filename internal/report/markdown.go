package report

import (
	"fmt"
	"strings"

	"gitlab.com/mlgate/mlgate/internal/gates"
)

// MarkdownOptions add what only the poster knows: links to the pipeline,
// the job and the HTML report, and a limit on the length.
type MarkdownOptions struct {
	PipelineURL string
	JobURL      string
	HTMLURL     string
	// MaxRows caps the rows of each gate's table (0: no cap); the rest
	// are counted and left to the HTML report.
	MaxRows int
}

// Markdown renders the merge-request comment. It starts with Marker(r.Name)
// so that the comment can be found and edited in place, and reads well in
// GitLab's and GitHub's Markdown and as plain text in a notification email.
func Markdown(r *gates.Report, o MarkdownOptions) string {
	var b strings.Builder
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
	fmt.Fprintf(&b, "## %s %s%s: %s\n\n", st.Mark(), title, what, verdictWord(st))
	b.WriteString(overallLine(r) + "\n\n")

	if len(r.Gates) > 1 {
		b.WriteString("| gate | status | summary |\n|---|---|---|\n")
		for _, g := range r.Gates {
			fmt.Fprintf(&b, "| %s | %s %s | %s |\n", esc(g.Title), g.Status.Mark(), g.Status, esc(g.Summary))
		}
		b.WriteString("\n")
	}
	for _, g := range r.Gates {
		gateMarkdown(&b, g, o)
	}
	footer(&b, r, o)
	return b.String()
}

func overallLine(r *gates.Report) string {
	var failed, warned []string
	for _, g := range r.Gates {
		switch g.Status {
		case gates.Fail:
			failed = append(failed, g.Gate)
		case gates.Warn:
			warned = append(warned, g.Gate)
		}
	}
	n := len(r.Gates)
	switch {
	case n == 0:
		return "No gate ran."
	case len(failed) > 0:
		return fmt.Sprintf("**%d of %d gates failed:** %s. The pipeline stops here.", len(failed), n, strings.Join(failed, ", "))
	case len(warned) > 0:
		return fmt.Sprintf("**All %d gates passed**, %d with warnings: %s.", n, len(warned), strings.Join(warned, ", "))
	}
	return fmt.Sprintf("**All %d gates passed.**", n)
}

func gateMarkdown(b *strings.Builder, g gates.Result, o MarkdownOptions) {
	fmt.Fprintf(b, "### %s %s\n\n%s\n\n", g.Status.Mark(), g.Title, g.Summary)
	for _, n := range g.Notes {
		fmt.Fprintf(b, "> %s\n", n)
	}
	if len(g.Notes) > 0 {
		b.WriteString("\n")
	}
	if len(g.Checks) == 0 {
		return
	}
	bl, cl := labels(g)
	fmt.Fprintf(b, "| check | %s | %s | Δ | ratio | rule | status |\n|---|---:|---:|---:|---:|---|---|\n", bl, cl)
	rows := g.Checks
	hidden := 0
	if o.MaxRows > 0 && len(rows) > o.MaxRows {
		rows = worstFirst(rows)[:o.MaxRows]
		hidden = len(g.Checks) - o.MaxRows
	}
	for _, c := range rows {
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %s | %s %s |\n", esc(c.Name), cell(c.Baseline), cell(c.Candidate),
			deltaCell(c.Delta), ratioCell(c.Ratio), esc(c.Rule), c.Status.Mark(), c.Status)
	}
	if hidden > 0 {
		fmt.Fprintf(b, "\n_%d more checks (all passing or less severe) are in the HTML report._\n", hidden)
	}
	b.WriteString("\n")
	var msgs []string
	for _, c := range g.Checks {
		if c.Message != "" && (c.Status == gates.Fail || c.Status == gates.Warn) {
			msgs = append(msgs, fmt.Sprintf("- %s **%s**: %s", c.Status.Mark(), esc(c.Name), c.Message))
		}
	}
	if len(msgs) > 0 {
		b.WriteString(strings.Join(msgs, "\n") + "\n\n")
	}
}

// worstFirst orders fail, warn, pass, skip, keeping the order within each.
func worstFirst(cs []gates.Check) []gates.Check {
	var out []gates.Check
	for _, s := range []gates.Status{gates.Fail, gates.Warn, gates.Pass, gates.Skip} {
		for _, c := range cs {
			if c.Status == s {
				out = append(out, c)
			}
		}
	}
	return out
}

func labels(g gates.Result) (string, string) {
	bl, cl := g.BaselineLabel, g.CandidateLabel
	if bl == "" {
		bl = "production"
	}
	if cl == "" {
		cl = "candidate"
	}
	return bl, cl
}

func footer(b *strings.Builder, r *gates.Report, o MarkdownOptions) {
	var links []string
	for _, l := range []struct{ name, url string }{{"pipeline", o.PipelineURL}, {"job", o.JobURL}, {"full HTML report", o.HTMLURL}} {
		if l.url != "" {
			links = append(links, fmt.Sprintf("[%s](%s)", l.name, l.url))
		}
	}
	if lin := r.Lineage; lin != nil {
		if lin.Commit != "" {
			c := lin.Commit
			if len(c) > 12 {
				c = c[:12]
			}
			links = append(links, "commit `"+c+"`")
		}
	}
	if len(links) > 0 {
		b.WriteString("---\n" + strings.Join(links, " · ") + "\n")
	}
}

// esc makes text safe inside a Markdown table cell.
func esc(s string) string {
	s = strings.ReplaceAll(s, "|", "\\|")
	return strings.ReplaceAll(s, "\n", " ")
}
