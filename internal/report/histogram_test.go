package report

import (
	"bytes"
	"encoding/json"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gitlab.com/mlgate/mlgate/internal/gate"
)

// driftCharts are a numeric feature over the reference's quantile bins and
// a categorical one over its categories, as internal/gate/drift draws them.
var driftCharts = map[string]gate.Chart{
	"numeric": {Title: "session_length_s: PSI 0.24", Check: "session_length_s", Kind: gate.Histogram,
		Edges: []float64{2.39, 11.5, 17.9, 24.5, 33.5, 52.8, 266},
		Series: []gate.Series{{Name: "reference", Values: []float64{0.2, 0.2, 0.2, 0.2, 0.1, 0.1}},
			{Name: "current", Values: []float64{0.05, 0.1, 0.15, 0.2, 0.2, 0.3}}}},
	"categorical": {Title: "device <&> os: PSI 0.21", Check: "device <&> os", Kind: gate.Histogram,
		Labels: []string{"android", "ios", "web"},
		Series: []gate.Series{{Name: "reference", Values: []float64{0.45, 0.35, 0.2}},
			{Name: "current", Values: []float64{0.3, 0.3, 0.4}}}},
}

func TestHistogramSVG(t *testing.T) {
	for name, c := range driftCharts {
		t.Run(name, func(t *testing.T) {
			svg := SVG(c)
			golden(t, "histogram-"+name+".svg", []byte(svg+"\n"))
			for _, want := range []string{`role="img"`, `aria-label="`, `<desc>Share of rows per bin of reference and current, overlaid`,
				`fill="#8c9bab" fill-opacity="0.55"`, `fill="#1f6feb" fill-opacity="0.55"`, `>share</text>`} {
				if !strings.Contains(svg, want) {
					t.Errorf("SVG lacks %q", want)
				}
			}
			if strings.Contains(svg, "<&>") {
				t.Error("title not escaped")
			}
			// Both series' bars: one per bin each, at the same x (overlaid).
			if n := strings.Count(svg, `class="bar"`); n != 2*len(c.Series[0].Values) {
				t.Errorf("%d bars, want %d", n, 2*len(c.Series[0].Values))
			}
			for i := range c.Series[0].Values {
				label := binLabel(c, i)
				if !strings.Contains(svg, "reference, "+escText(label)) || !strings.Contains(svg, "current, "+escText(label)) {
					t.Errorf("bin %q lacks a bar of each series", label)
				}
			}
		})
	}
}

func escText(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// TestHistogramPNG decodes the PNG of each drift chart: its size, the
// same bytes twice, and both series' translucent colours (over white)
// painted where one series is above the other.
func TestHistogramPNG(t *testing.T) {
	for name, c := range driftCharts {
		t.Run(name, func(t *testing.T) {
			b, err := PNG(c)
			if err != nil {
				t.Fatal(err)
			}
			again, err := PNG(c)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(b, again) {
				t.Error("the same chart gave different PNG bytes")
			}
			img, err := png.Decode(bytes.NewReader(b))
			if err != nil {
				t.Fatalf("not a PNG: %v", err)
			}
			if sz := img.Bounds().Size(); sz.X != 853 || sz.Y != 427 {
				t.Errorf("size %v, want 853×427 (640×320 pt at 96 dpi)", sz)
			}
			for j, s := range c.Series {
				want := overWhite(palette[j], histogramOpacity)
				if n := countNear(img, want); n < 500 {
					t.Errorf("%s: %d pixels of %v, want ≥ 500", s.Name, n, want)
				}
			}
		})
	}
}

// overWhite is colour hex at opacity a over a white background.
func overWhite(hex string, a float64) [3]uint8 {
	c := hexColor(hex)
	r, g, b, _ := c.RGBA()
	mix := func(v uint32) uint8 { return uint8(float64(v>>8)*a + 255*(1-a) + 0.5) }
	return [3]uint8{mix(r), mix(g), mix(b)}
}

func countNear(img image.Image, want [3]uint8) int {
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			d := func(v uint32, w uint8) int { return max(int(v>>8)-int(w), int(w)-int(v>>8)) }
			if d(r, want[0]) <= 3 && d(g, want[1]) <= 3 && d(bl, want[2]) <= 3 {
				n++
			}
		}
	}
	return n
}

// TestWriteChartFiles writes a warning report: a PNG per drifted feature
// (not per passing one) with a safe name, linked from report.md and
// listed in results.json's outputs.
func TestWriteChartFiles(t *testing.T) {
	dir := t.TempDir()
	r := richFixture(t, gate.Warn)
	paths, err := Write(dir, r)
	if err != nil {
		t.Fatal(err)
	}
	wantPNG := []string{"drift-age.png", "drift-device.png"}
	for _, name := range wantPNG {
		if !slices.Contains(paths, filepath.Join(dir, name)) {
			t.Errorf("Write did not report %s: %v", name, paths)
		}
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := png.Decode(bytes.NewReader(b)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "drift-income.png")); err == nil {
		t.Error("a PNG for income, which did not drift")
	}
	md, err := os.ReadFile(filepath.Join(dir, MarkdownFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"![age: PSI 0.24](drift-age.png)", "![device: PSI 0.21](drift-device.png)"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("report.md lacks %q", want)
		}
	}
	raw, err := os.ReadFile(filepath.Join(dir, ResultsFile))
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Outputs []string `json:"outputs"`
	}
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatal(err)
	}
	if want := append(slices.Clone(Files), wantPNG...); !slices.Equal(got.Outputs, want) {
		t.Errorf("outputs %v, want %v", got.Outputs, want)
	}
	// The same report again gives the same bytes.
	before, _ := os.ReadFile(filepath.Join(dir, "drift-age.png"))
	if _, err := Write(dir, r); err != nil {
		t.Fatal(err)
	}
	after, _ := os.ReadFile(filepath.Join(dir, "drift-age.png"))
	if !bytes.Equal(before, after) {
		t.Error("drift-age.png changed on a second Write")
	}
	// A passing run in the same directory removes the pictures of the
	// features that no longer drift, and nothing it did not write.
	if err := os.WriteFile(filepath.Join(dir, "notes.png"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Write(dir, richFixture(t, gate.Pass)); err != nil {
		t.Fatal(err)
	}
	left, _ := filepath.Glob(filepath.Join(dir, "*.png"))
	if !slices.Equal(left, []string{filepath.Join(dir, "notes.png")}) {
		t.Errorf("after a passing run: %v, want only notes.png", left)
	}
}

func TestChartFileNames(t *testing.T) {
	hist := func(check string) gate.Chart {
		return gate.Chart{Title: check, Check: check, Kind: gate.Histogram, Edges: []float64{0, 1},
			Series: []gate.Series{{Name: "reference", Values: []float64{1}}}}
	}
	checks := []string{"price (€)", "../../etc/passwd", "price-€", "", ".hidden", strings.Repeat("x", 200), "Price (€)"}
	g := gate.Result{Gate: "drift"}
	for _, c := range checks {
		g.Checks = append(g.Checks, gate.Check{Name: c, Status: gate.Warn})
		g.Charts = append(g.Charts, hist(c))
	}
	g.Checks = append(g.Checks, gate.Check{Name: "ok", Status: gate.Pass})
	g.Charts = append(g.Charts, hist("ok"), gate.Chart{Title: "bars", Kind: gate.Bars})
	r := &gate.Report{Gates: []gate.Result{g}}
	var got []string
	for _, f := range ChartFiles(r) {
		got = append(got, f.Name)
	}
	want := []string{"drift-price.png", "drift-etc-passwd.png", "drift-price-2.png", "drift-chart.png", "drift-hidden.png",
		"drift-" + strings.Repeat("x", 80) + ".png", "drift-Price-3.png"}
	if !slices.Equal(got, want) {
		t.Errorf("names\n got %q\nwant %q", got, want)
	}
}
