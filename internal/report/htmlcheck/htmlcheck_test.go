package htmlcheck

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gitlab.com/mlgate/mlgate/internal/testenv"
)

// TestCheckCatchesBrokenPages: the checker itself sees a console error, a
// script error, a chart that is not laid out and a blank page.
func TestCheckCatchesBrokenPages(t *testing.T) {
	testenv.Slow(t, "loads pages in headless Chromium")
	bin, err := Find()
	if err != nil {
		t.Skip(err.Error())
	}
	dir := t.TempDir()
	page := filepath.Join(dir, "broken.html")
	os.WriteFile(page, []byte(`<!DOCTYPE html><html><body>
<svg class="chart" data-kind="bars" width="0" height="0"><title>hidden</title><rect width="10" height="10"/></svg>
<img src="missing.png">
<script>console.error("boom from the page"); undefinedFunction();</script>
</body></html>`), 0o644)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	res, err := Check(ctx, bin, page, filepath.Join(dir, "shot.png"), 800, 600, [3]uint8{0x1f, 0x6f, 0xeb})
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(res.Problems(2, 800), "\n")
	for _, want := range []string{"boom from the page", "1 charts in the browser, 2 expected", `chart "hidden" (bars) did not render: 0×0 px`, "blank, or the charts did not paint"} {
		if !strings.Contains(got, want) {
			t.Errorf("problems lack %q:\n%s", want, got)
		}
	}
}
