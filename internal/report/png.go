package report

import (
	"bytes"
	"fmt"
	"image/color"
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"gitlab.com/mlgate/mlgate/internal/gate"
)

// PNG draws a chart as a PNG image (640×320 points at 96 dpi) with
// gonum/plot, for forges that show images in comments and for the files
// Write puts next to report.md: grouped bars per label, or the
// histogram's series overlaid (translucent, as in report.html) per bin.
// The same chart always gives the same bytes. A chart with no data is an
// error.
func PNG(c gate.Chart) ([]byte, error) {
	if len(c.Series) == 0 {
		return nil, fmt.Errorf("chart %q has no series", c.Title)
	}
	n := 0
	for _, s := range c.Series {
		n = max(n, len(s.Values))
	}
	if n == 0 {
		return nil, fmt.Errorf("chart %q has no values", c.Title)
	}
	p := plot.New()
	p.Title.Text = c.Title
	p.Legend.Top = true
	p.Legend.Left = true
	p.Legend.XOffs = 8
	p.Y.Min = 0
	p.X.Min, p.X.Max = -0.6, float64(n)-0.4
	// Bars of one label are scaled to their larger value, as in the SVG:
	// a precision of 0.2 and a latency of 180 ms stay readable side by
	// side; the values are printed above each group.
	scale := make([]float64, n)
	for i := range scale {
		scale[i] = 1
	}
	if c.Kind == gate.Histogram {
		p.Y.Label.Text = "share"
		p.Y.Max = 1.3 * chartMax(c) // room for the legend
	} else {
		p.Y.Label.Text = "relative to the larger value"
		p.Y.Max = 1.3
		for i := range scale {
			mx := 0.0
			for _, s := range c.Series {
				if i < len(s.Values) && !math.IsNaN(s.Values[i]) && !math.IsInf(s.Values[i], 0) {
					mx = math.Max(mx, math.Abs(s.Values[i]))
				}
			}
			if mx > 0 {
				scale[i] = 1 / mx
			}
		}
	}
	groupW := vg.Points(math.Min(120, 480/float64(n)))
	barW := groupW / vg.Length(len(c.Series)+1)
	overlay := c.Kind == gate.Histogram
	if overlay {
		barW = groupW * 0.9
	}
	for j, s := range c.Series {
		vals := make(plotter.Values, n)
		for i := range vals {
			if i < len(s.Values) && !math.IsNaN(s.Values[i]) && !math.IsInf(s.Values[i], 0) {
				vals[i] = math.Abs(s.Values[i]) * scale[i]
			}
		}
		bc, err := plotter.NewBarChart(vals, barW)
		if err != nil {
			return nil, fmt.Errorf("chart %q series %q: %w", c.Title, s.Name, err)
		}
		bc.Color = hexColor(palette[j%len(palette)])
		bc.LineStyle.Width = 0
		if overlay {
			// Every series on the same bins, translucent, the
			// reference below: the shift reads from the colours.
			bc.Color = translucent(bc.Color, histogramOpacity)
		} else {
			bc.Offset = barW * (vg.Length(j) - vg.Length(len(c.Series)-1)/2)
		}
		p.Add(bc)
		p.Legend.Add(s.Name, bc)
	}
	labels := make([]string, n)
	for i := range labels {
		if c.Kind == gate.Histogram {
			labels[i] = binLabel(c, i)
		} else if i < len(c.Labels) {
			labels[i] = c.Labels[i]
		}
	}
	p.NominalX(labels...)
	if c.Kind != gate.Histogram {
		if err := valueLabels(p, c, n); err != nil {
			return nil, fmt.Errorf("chart %q: %w", c.Title, err)
		}
	}
	if n > 6 {
		p.X.Tick.Label.Rotation = math.Pi / 5
		p.X.Tick.Label.XAlign = -0.9
		p.X.Tick.Label.YAlign = -0.5
	}
	wt, err := p.WriterTo(640, 320, "png")
	if err != nil {
		return nil, fmt.Errorf("chart %q: %w", c.Title, err)
	}
	var buf bytes.Buffer
	if _, err := wt.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("chart %q: %w", c.Title, err)
	}
	return buf.Bytes(), nil
}

// hexColor parses "#rrggbb".
func hexColor(h string) color.Color {
	v, err := strconv.ParseUint(h[1:], 16, 32)
	if err != nil || len(h) != 7 {
		return color.Black
	}
	return color.RGBA{R: uint8(v >> 16), G: uint8(v >> 8), B: uint8(v), A: 255}
}

// translucent returns c with opacity a, over white when drawn.
func translucent(c color.Color, a float64) color.Color {
	r, g, b, _ := c.RGBA()
	return color.NRGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8), A: uint8(math.Round(a * 255))}
}

// valueLabels prints each label's values ("0.2 → 0.188") above its bars.
func valueLabels(p *plot.Plot, c gate.Chart, n int) error {
	xy := plotter.XYLabels{XYs: make(plotter.XYs, n), Labels: make([]string, n)}
	for i := 0; i < n; i++ {
		var vs []string
		for _, s := range c.Series {
			v := "missing"
			if i < len(s.Values) && !math.IsNaN(s.Values[i]) {
				v = gate.FormatNumber(s.Values[i])
			}
			vs = append(vs, v)
		}
		xy.XYs[i] = plotter.XY{X: float64(i), Y: 1.03}
		xy.Labels[i] = strings.Join(vs, " → ")
	}
	l, err := plotter.NewLabels(xy)
	if err != nil {
		return err
	}
	for i := range l.TextStyle {
		l.TextStyle[i].XAlign = -0.5
	}
	p.Add(l)
	return nil
}
