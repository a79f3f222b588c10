package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gitlab.com/mlgate/mlgate/internal/report"
	"gitlab.com/mlgate/mlgate/internal/report/htmlcheck"
	"gitlab.com/mlgate/mlgate/internal/testenv"
)

// TestDemoReportInChromium runs `gate-runner demo` (what `make demo` runs)
// and renders its report.html in headless Chromium: no console error,
// every chart rendered. The screenshot stays in the temp directory (not
// the repository); its path is printed.
func TestDemoReportInChromium(t *testing.T) {
	testenv.Slow(t, "renders the demo report in headless Chromium")
	bin, err := htmlcheck.Find()
	if err != nil {
		t.Skip(err.Error() + ": the demo's report.html is not checked in a browser")
	}
	out := filepath.Join(os.TempDir(), "mlgate-demo-screenshot")
	if err := os.RemoveAll(out); err != nil {
		t.Fatal(err)
	}
	if code, stdout, stderr := runMain(t, nil, "demo", "--out", out); code != 0 {
		t.Fatalf("demo exit %d\n%s%s", code, stdout, stderr)
	}
	page := filepath.Join(out, report.HTMLFile)
	html, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	res, err := htmlcheck.Check(ctx, bin, page, filepath.Join(out, "report.png"), 1280, 2000, [3]uint8{0x1f, 0x6f, 0xeb})
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("demo report.html screenshot: %s\n", res.Screenshot)
	t.Logf("demo report.html screenshot: %s", res.Screenshot)
	for _, p := range res.Problems(strings.Count(string(html), `class="chart"`), 1280) {
		t.Error(p)
	}
}
