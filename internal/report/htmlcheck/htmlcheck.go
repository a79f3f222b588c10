// Package htmlcheck renders a report.html in headless Chromium (Debian's
// chromium package) for tests: a screenshot, the console's messages, and
// every chart as the browser laid it out. It keeps Chromium off the
// network and leaves the page itself untouched (the probe runs on a copy).
package htmlcheck

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
)

// ErrNoChromium means no Chromium binary is on PATH.
var ErrNoChromium = errors.New("chromium is not installed (apt-get install chromium, or run .ci/install.d/chromium.sh)")

// Find returns the path of a headless-capable Chromium, or ErrNoChromium.
func Find() (string, error) {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", ErrNoChromium
}

// Chart is one <svg class="chart"> as the browser laid it out.
type Chart struct {
	Kind   string  `json:"kind"`
	Title  string  `json:"title"`
	W      float64 `json:"w"`
	H      float64 `json:"h"`
	Shapes int     `json:"shapes"` // rects with a non-empty box
}

// Result is what Check saw.
type Result struct {
	Console    []string // console and load errors Chromium logged
	Charts     []Chart
	Errors     []string // script errors on the page
	PageWidth  float64
	Screenshot string
	Size       image.Point
	Colours    int // distinct colours on a 3-pixel grid
	// Painted counts sampled pixels (every 2nd) of the colour given to
	// Check: bars the browser actually painted.
	Painted int
}

// Check renders page (a file) at width×height: a screenshot into shot,
// then a probed copy with --dump-dom. paint is the RGB colour whose
// pixels Painted counts.
func Check(ctx context.Context, bin, page, shot string, width, height int, paint [3]uint8) (*Result, error) {
	res := &Result{Screenshot: shot}
	abs, err := filepath.Abs(page)
	if err != nil {
		return nil, err
	}
	size := fmt.Sprintf("--window-size=%d,%d", width, height)
	_, stderr, err := run(ctx, bin, "--screenshot="+shot, size, "file://"+abs)
	if err != nil {
		return nil, err
	}
	res.Console = append(res.Console, consoleLine.FindAllString(stderr, -1)...)
	if err := res.readShot(shot, paint); err != nil {
		return nil, err
	}
	b, err := os.ReadFile(abs)
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "htmlcheck")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	probed := filepath.Join(dir, "probed.html")
	if err := os.WriteFile(probed, bytes.Replace(b, []byte("</body>"), []byte(probe+"</body>"), 1), 0o644); err != nil {
		return nil, err
	}
	dom, stderr, err := run(ctx, bin, "--dump-dom", size, "file://"+probed)
	if err != nil {
		return nil, err
	}
	res.Console = append(res.Console, consoleLine.FindAllString(stderr, -1)...)
	const open = `<pre id="mlgate-probe">`
	i := strings.Index(dom, open)
	if i < 0 {
		return nil, fmt.Errorf("the probe did not run; the DOM starts %.300q", dom)
	}
	raw := dom[i+len(open):]
	raw = html.UnescapeString(raw[:strings.Index(raw, "</pre>")])
	var p struct {
		Charts []Chart  `json:"charts"`
		Errors []string `json:"errors"`
		Width  float64  `json:"width"`
	}
	if err := json.Unmarshal([]byte(raw), &p); err != nil {
		return nil, fmt.Errorf("probe result %q: %w", raw, err)
	}
	res.Charts, res.Errors, res.PageWidth = p.Charts, p.Errors, p.Width
	return res, nil
}

// probe measures every chart as laid out and writes the result into the
// DOM that --dump-dom prints.
const probe = `<script>
window.__errors = [];
window.addEventListener('error', e => window.__errors.push(String(e.message)));
const charts = [...document.querySelectorAll('svg.chart')].map(s => {
  const r = s.getBoundingClientRect();
  const shapes = [...s.querySelectorAll('rect')].filter(x => { const b = x.getBBox(); return b.width > 0 && b.height > 0; }).length;
  return {kind: s.dataset.kind || '', w: r.width, h: r.height, shapes: shapes, title: (s.querySelector('title') || {}).textContent || ''};
});
const pre = document.createElement('pre');
pre.id = 'mlgate-probe';
pre.textContent = JSON.stringify({charts: charts, errors: window.__errors, width: document.documentElement.scrollWidth});
document.body.appendChild(pre);
</script>`

var consoleLine = regexp.MustCompile(`(?m)^.*(CONSOLE|Uncaught|Failed to load resource|Refused to).*$`)

// run runs headless Chromium with the flags that keep it off the network.
func run(ctx context.Context, bin string, args ...string) (string, string, error) {
	profile, err := os.MkdirTemp("", "chromium-profile")
	if err != nil {
		return "", "", err
	}
	defer os.RemoveAll(profile)
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
		"--user-data-dir=" + profile, "--enable-logging=stderr", "--v=0"}
	cmd := exec.CommandContext(ctx, bin, append(base, args...)...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return "", "", fmt.Errorf("chromium %s: %w: %s", strings.Join(args, " "), err, lastLines(errb.String(), 5))
	}
	return out.String(), errb.String(), nil
}

func lastLines(s string, n int) string {
	ls := strings.Split(strings.TrimSpace(s), "\n")
	if len(ls) > n {
		ls = ls[len(ls)-n:]
	}
	return strings.Join(ls, " | ")
}

func (r *Result) readShot(path string, paint [3]uint8) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("no screenshot: %w", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		return fmt.Errorf("screenshot %s: %w", path, err)
	}
	b := img.Bounds()
	r.Size = b.Size()
	seen := map[[3]uint32]bool{}
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			c := [3]uint32{cr >> 8, cg >> 8, cb >> 8}
			if x%3 == 0 && y%3 == 0 {
				seen[c] = true
			}
			if near(c, paint) {
				r.Painted++
			}
		}
	}
	r.Colours = len(seen)
	return nil
}

// near allows for anti-aliasing and the histograms' 55% opacity over
// white and grey.
func near(c [3]uint32, p [3]uint8) bool {
	d := 0
	for i := range c {
		x := int(c[i]) - int(p[i])
		if x < 0 {
			x = -x
		}
		d = max(d, x)
	}
	return d <= 100 && int(c[2]) > int(c[0])+60
}

// Problems holds a result to the bar every report.html must pass and
// returns what fails it: a console or script error, not want charts, a
// chart not laid out or without visible bars, a page wider than width, a
// blank screenshot or one where the colour given to Check is not painted.
func (r *Result) Problems(want, width int) []string {
	var ps []string
	if len(r.Console) > 0 || len(r.Errors) > 0 {
		ps = append(ps, fmt.Sprintf("console: %q, script errors: %q", r.Console, r.Errors))
	}
	if len(r.Charts) != want {
		ps = append(ps, fmt.Sprintf("%d charts in the browser, %d expected", len(r.Charts), want))
	}
	for _, c := range r.Charts {
		if c.W < 300 || c.H < 100 || c.Shapes < 3 || c.Kind == "empty" {
			ps = append(ps, fmt.Sprintf("chart %q (%s) did not render: %.0f×%.0f px, %d visible shapes", c.Title, c.Kind, c.W, c.H, c.Shapes))
		}
	}
	if r.PageWidth > float64(width) {
		ps = append(ps, fmt.Sprintf("the page is %.0f px wide: it scrolls sideways in %d px", r.PageWidth, width))
	}
	if r.Colours < 50 || r.Painted < 200 {
		ps = append(ps, fmt.Sprintf("screenshot %v with %d colours and %d painted pixels: blank, or the charts did not paint", r.Size, r.Colours, r.Painted))
	}
	return ps
}
