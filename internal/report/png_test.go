package report

import (
	"bytes"
	"image"
	"image/png"
	"testing"

	"gitlab.com/mlgate/mlgate/internal/gate"
)

func TestPNG(t *testing.T) {
	r := richFixture(t, gate.Fail)
	for _, g := range r.Gates {
		for _, c := range g.Charts {
			b, err := PNG(c)
			if err != nil {
				t.Fatalf("%s: %v", c.Title, err)
			}
			img, err := png.Decode(bytes.NewReader(b))
			if err != nil {
				t.Fatalf("%s: not a PNG: %v", c.Title, err)
			}
			if sz := img.Bounds().Size(); sz.X < 600 || sz.Y < 300 {
				t.Errorf("%s: %v", c.Title, sz)
			}
			if n := colours(img); n < 4 {
				t.Errorf("%s: %d colours: nothing drawn", c.Title, n)
			}
		}
	}
	if _, err := PNG(gate.Chart{Title: "empty"}); err == nil {
		t.Error("a chart without series drew")
	}
}

// colours counts distinct colours on a coarse grid.
func colours(img image.Image) int {
	seen := map[[4]uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 3 {
		for x := b.Min.X; x < b.Max.X; x += 3 {
			r, g, bl, a := img.At(x, y).RGBA()
			seen[[4]uint32{r >> 8, g >> 8, bl >> 8, a >> 8}] = true
		}
	}
	return len(seen)
}

func TestSparkline(t *testing.T) {
	cases := []struct {
		vs   []float64
		mx   float64
		want string
	}{
		{[]float64{0, 0.5, 1}, 1, "▁▅█"},
		{[]float64{0.1, 0.2}, 0.4, "▃▅"},
		{[]float64{1, 2}, 0, "▁▁"},
		{nil, 1, ""},
	}
	for _, c := range cases {
		if got := Sparkline(c.vs, c.mx); got != c.want {
			t.Errorf("Sparkline(%v, %v) = %q, want %q", c.vs, c.mx, got, c.want)
		}
	}
}

func TestHistogramsMostDriftedFirst(t *testing.T) {
	g := richFixture(t, gate.Warn).Gates[3]
	g.Charts[0], g.Charts[2] = g.Charts[2], g.Charts[0] // age last in the gate's order
	if got := histogramOrder(g); got[0] != 2 {
		t.Errorf("order %v: age (warn) should come first", got)
	}
}
