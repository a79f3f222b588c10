package report

import (
	"bytes"
	"fmt"
	"image/color"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"gitlab.com/mlgate/mlgate/internal/gates"
)

// PNG draws a chart as a PNG image (640×320 points at 96 dpi) with
// gonum/plot, for forges that show images in comments: grouped bars per
// label, or the histogram's series side by side per bin. A chart with no
// data is an error.
func PNG(c gates.Chart) ([]byte, error) {
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
	p.Y.Min = 0
	if c.Kind == gates.Histogram {
		p.Y.Label.Text = "share"
	}
	groupW := vg.Points(math.Min(60, 420/float64(n)))
	barW := groupW / vg.Length(len(c.Series)+1)
	for j, s := range c.Series {
		vals := make(plotter.Values, n)
		for i := range vals {
			if i < len(s.Values) && !math.IsNaN(s.Values[i]) && !math.IsInf(s.Values[i], 0) {
				vals[i] = s.Values[i]
			}
		}
		bc, err := plotter.NewBarChart(vals, barW)
		if err != nil {
			return nil, fmt.Errorf("chart %q series %q: %w", c.Title, s.Name, err)
		}
		bc.Color = hexColor(palette[j%len(palette)])
		bc.LineStyle.Width = 0
		bc.Offset = barW * (vg.Length(j) - vg.Length(len(c.Series)-1)/2)
		p.Add(bc)
		p.Legend.Add(s.Name, bc)
	}
	labels := make([]string, n)
	for i := range labels {
		if c.Kind == gates.Histogram {
			labels[i] = binLabel(c, i)
		} else if i < len(c.Labels) {
			labels[i] = c.Labels[i]
		}
	}
	p.NominalX(labels...)
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
