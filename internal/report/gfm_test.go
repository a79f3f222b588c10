package report

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer/html"

	"gitlab.com/mlgate/mlgate/internal/gate"
)

// TestMarkdownParsesAsGFM renders the comment with goldmark's GitHub
// Flavored Markdown (the dialect GitHub uses and GitLab's is a superset of
// for these constructs): every table parses as a table with all its rows,
// the <details> blocks pass through, no Markdown is left raw.
func TestMarkdownParsesAsGFM(t *testing.T) {
	md := goldmark.New(goldmark.WithExtensions(extension.GFM), goldmark.WithRendererOptions(html.WithUnsafe()))
	for _, st := range []gate.Status{gate.Pass, gate.Warn, gate.Fail} {
		t.Run(string(st), func(t *testing.T) {
			src := Markdown(richFixture(t, st), MarkdownOptions{MaxRows: 2, JobURL: "https://gl/j/1", HTMLURL: "https://gl/j/1/artifacts/file/out/report.html"})
			var out bytes.Buffer
			if err := md.Convert([]byte(src), &out); err != nil {
				t.Fatal(err)
			}
			h := out.String()
			seps := regexp.MustCompile(`(?m)^\|---`).FindAllString(src, -1)
			rows := regexp.MustCompile(`(?m)^\| `).FindAllString(src, -1)
			if got := strings.Count(h, "<table>"); got != len(seps) {
				t.Errorf("%d tables rendered, %d in the source", got, len(seps))
			}
			if got := strings.Count(h, "<tr>"); got != len(rows) {
				t.Errorf("%d table rows rendered, %d in the source", got, len(rows))
			}
			for _, raw := range []string{"**", "| ---", "](http", "```"} {
				if strings.Contains(h, raw) {
					t.Errorf("raw %q left in the rendered HTML", raw)
				}
			}
			if strings.Count(h, "<details>") != strings.Count(src, "<details>") || !strings.Contains(h, `<a href="https://gl/j/1/artifacts/file/out/report.html">full HTML report</a>`) {
				t.Errorf("details or links lost:\n%s", h)
			}
			if strings.Contains(h, "<h2>") != true || !strings.Contains(h, "<pre><code class=\"language-text\">") && strings.Contains(src, "```text") {
				t.Errorf("heading or histogram block lost")
			}
		})
	}
}
