package report

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"gitlab.com/mlgate/mlgate/internal/gates"
)

// chromium finds a headless-capable Chromium, or skips the test saying
// how to get one.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("chromium is not installed (apt-get install chromium, or run .ci/install.d/chromium.sh): report.html is not checked in a browser")
	return ""
}

// runChromium runs headless Chromium with the flags that keep it off the
// network and returns its stdout and stderr.
func runChromium(t *testing.T, bin string, args ...string) (string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
		"--user-data-dir=" + t.TempDir(), "--enable-logging=stderr", "--v=0"}
	cmd := exec.CommandContext(ctx, bin, append(base, args...)...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %v: %v\n%s", args, err, errb.String())
	}
	return out.String(), errb.String()
}

// probe is appended to a copy of report.html (the report itself has no
// script): it measures every chart as laid out and writes the result into
// the DOM that --dump-dom prints.
const probe = `<script>
window.__errors = [];
window.addEventListener('error', e => window.__errors.push(String(e.message)));
const charts = [...document.querySelectorAll('svg.chart')].map(s => {
  const r = s.getBoundingClientRect();
  const shapes = [...s.querySelectorAll('rect')].filter(x => x.getBBox().width > 0 && x.getBBox().height > 0).length;
  return {kind: s.dataset.kind, w: r.width, h: r.height, shapes: shapes, title: (s.querySelector('title')||{}).textContent};
});
const pre = document.createElement('pre');
pre.id = 'mlgate-probe';
pre.textContent = JSON.stringify({charts: charts, errors: window.__errors, width: document.documentElement.scrollWidth});
document.body.appendChild(pre);
</script>`

var consoleLine = regexp.MustCompile(`(?m)^.*(CONSOLE|Uncaught|Failed to load resource|Refused to).*$`)

// TestHTMLInChromium renders report.html of a demo-like report in headless
// Chromium: the page loads with no console error, every chart lays out with
// its bars drawn, and a screenshot (kept in the temp directory, not in the
// repository) shows the charts' colours.
func TestHTMLInChromium(t *testing.T) {
	bin := chromium(t)
	r := richFixture(t, gates.Fail)
	html, err := HTML(r)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Count(string(html), `<svg xmlns="http://www.w3.org/2000/svg" class="chart"`)
	if want == 0 {
		t.Fatal("the fixture has no chart")
	}
	dir := filepath.Join(os.TempDir(), "mlgate-report-screenshot")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	page := filepath.Join(dir, HTMLFile)
	if err := os.WriteFile(page, html, 0o644); err != nil {
		t.Fatal(err)
	}
	shot := filepath.Join(dir, "report.png")
	os.Remove(shot)

	// 1. The report as it is: no console message, a screenshot.
	_, stderr := runChromium(t, bin, "--screenshot="+shot, "--window-size=1280,2000", "file://"+page)
	if m := consoleLine.FindAllString(stderr, -1); len(m) > 0 {
		t.Errorf("console messages loading report.html:\n%s", strings.Join(m, "\n"))
	}
	checkScreenshot(t, shot)
	fmt.Printf("report.html screenshot: %s\n", shot)
	t.Logf("report.html screenshot: %s (page %s)", shot, page)

	// 2. A probed copy: every chart laid out with visible bars.
	probed := filepath.Join(t.TempDir(), "probed.html")
	if err := os.WriteFile(probed, bytes.Replace(html, []byte("</body>"), []byte(probe+"</body>"), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	dom, stderr := runChromium(t, bin, "--dump-dom", "--window-size=1280,2000", "file://"+probed)
	if m := consoleLine.FindAllString(stderr, -1); len(m) > 0 {
		t.Errorf("console messages:\n%s", strings.Join(m, "\n"))
	}
	i := strings.Index(dom, `<pre id="mlgate-probe">`)
	if i < 0 {
		t.Fatalf("the probe did not run; DOM:\n%.2000s", dom)
	}
	raw := dom[i+len(`<pre id="mlgate-probe">`):]
	raw = raw[:strings.Index(raw, "</pre>")]
	raw = strings.NewReplacer("&quot;", `"`, "&amp;", "&", "&lt;", "<", "&gt;", ">").Replace(raw)
	var res struct {
		Charts []struct {
			Kind, Title string
			W, H        float64
			Shapes      int
		}
		Errors []string
		Width  float64
	}
	if err := json.Unmarshal([]byte(raw), &res); err != nil {
		t.Fatalf("probe result %q: %v", raw, err)
	}
	if len(res.Errors) > 0 {
		t.Errorf("script errors: %v", res.Errors)
	}
	if len(res.Charts) != want {
		t.Errorf("%d charts in the browser's DOM, %d in report.html", len(res.Charts), want)
	}
	for _, c := range res.Charts {
		if c.W < 300 || c.H < 100 || c.Shapes < 3 || c.Kind == "empty" {
			t.Errorf("chart %q (%s) did not render: %.0f×%.0f px, %d visible shapes", c.Title, c.Kind, c.W, c.H, c.Shapes)
		}
	}
	if res.Width > 1280 {
		t.Errorf("the page is %.0f px wide: it scrolls sideways in a 1280 px window", res.Width)
	}
}

// checkScreenshot asserts a 1280×2000 PNG with the report's chart colours
// painted over a real area.
func checkScreenshot(t *testing.T, path string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("no screenshot: %v", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if sz := img.Bounds().Size(); sz != (image.Point{1280, 2000}) {
		t.Errorf("screenshot is %v", sz)
	}
	if n := colours(img); n < 50 {
		t.Errorf("screenshot has %d colours: a blank page?", n)
	}
	// The candidate's bars are #1f6feb, drawn at 55% opacity in histograms.
	blue := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			r, g, bl, _ := img.At(x, y).RGBA()
			if r>>8 < 140 && g>>8 > 90 && g>>8 < 200 && bl>>8 > 200 {
				blue++
			}
		}
	}
	if blue < 500 {
		t.Errorf("only %d sampled pixels in the candidate's blue: the charts did not paint", blue)
	}
}
