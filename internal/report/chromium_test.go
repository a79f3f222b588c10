package report

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gitlab.com/mlgate/mlgate/internal/gate"
	"gitlab.com/mlgate/mlgate/internal/report/htmlcheck"
	"gitlab.com/mlgate/mlgate/internal/testenv"
)

// TestHTMLInChromium renders report.html of a demo-like report (every gate
// kind, bars and histograms) in headless Chromium: no console error, every
// chart laid out with its bars, and a screenshot (in the temp directory,
// not the repository) in which the candidate's blue is painted.
func TestHTMLInChromium(t *testing.T) {
	testenv.Slow(t, "renders report.html in headless Chromium")
	bin, err := htmlcheck.Find()
	if err != nil {
		t.Skip(err.Error() + ": report.html is not checked in a browser")
	}
	html, err := HTML(richFixture(t, gate.Fail))
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(os.TempDir(), "mlgate-report-screenshot")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	page := filepath.Join(dir, HTMLFile)
	if err := os.WriteFile(page, html, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	res, err := htmlcheck.Check(ctx, bin, page, filepath.Join(dir, "report.png"), 1280, 2000, [3]uint8{0x1f, 0x6f, 0xeb})
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("report.html screenshot: %s\n", res.Screenshot)
	t.Logf("report.html screenshot: %s", res.Screenshot)
	for _, p := range res.Problems(strings.Count(string(html), `class="chart"`), 1280) {
		t.Error(p)
	}
}
