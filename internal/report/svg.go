package report

import (
	"fmt"
	"html"
	"math"
	"strings"

	"gitlab.com/mlgate/mlgate/internal/gate"
)

// palette colours series in order: production/reference first, then the
// candidate/current.
var palette = []string{"#8c9bab", "#1f6feb", "#d97706", "#16a34a"}

// SVG draws a chart as an inline SVG element. It never fails: a chart with
// no data draws a note saying so.
func SVG(c gate.Chart) string {
	switch c.Kind {
	case gate.Histogram:
		return histogramSVG(c)
	default:
		return barsSVG(c)
	}
}

// barsSVG draws one row per label with one horizontal bar per series. Each
// row is scaled to its own largest value: metrics of very different
// magnitudes (a precision of 0.2, a latency of 180 ms) stay readable, and
// the printed values carry the numbers.
func barsSVG(c gate.Chart) string {
	const w, labelW, valueW, barH, gap = 640, 150, 80, 14, 10
	n := len(c.Labels)
	if n == 0 || len(c.Series) == 0 {
		return emptySVG(c.Title)
	}
	rowH := len(c.Series)*barH + gap
	h := 40 + n*rowH + 20
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 %d %d" width="%d" height="%d" data-kind="bars">`, w, h, w, h)
	fmt.Fprintf(&b, `<title>%s</title>`, html.EscapeString(c.Title))
	legend(&b, c.Series, labelW, 1)
	plotW := float64(w - labelW - valueW)
	for i, l := range c.Labels {
		y := 40 + i*rowH
		fmt.Fprintf(&b, `<text x="%d" y="%d" class="lbl" text-anchor="end">%s</text>`, labelW-8, y+len(c.Series)*barH/2+4, html.EscapeString(l))
		max := 0.0
		for _, s := range c.Series {
			if i < len(s.Values) && !math.IsNaN(s.Values[i]) {
				max = math.Max(max, math.Abs(s.Values[i]))
			}
		}
		for j, s := range c.Series {
			by := y + j*barH
			v := math.NaN()
			if i < len(s.Values) {
				v = s.Values[i]
			}
			if math.IsNaN(v) {
				fmt.Fprintf(&b, `<text x="%d" y="%d" class="val">missing</text>`, labelW+4, by+barH-3)
				continue
			}
			bw := 0.0
			if max > 0 {
				bw = math.Abs(v) / max * plotW
			}
			fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s" class="bar"><title>%s: %s</title></rect>`,
				labelW, by, math.Max(bw, 1), barH-2, palette[j%len(palette)], html.EscapeString(s.Name), gate.FormatNumber(v))
			fmt.Fprintf(&b, `<text x="%.1f" y="%d" class="val">%s</text>`, float64(labelW)+math.Max(bw, 1)+4, by+barH-4, gate.FormatNumber(v))
		}
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// histogramOpacity is the opacity of overlaid histogram bars (SVG and
// PNG): where the series overlap, both stay visible.
const histogramOpacity = 0.55

// histogramSVG overlays the series' shares per bin, translucent, the
// reference first: bins are drawn of equal width (quantile bins of the
// reference, or categories), labelled by their edges or category names.
func histogramSVG(c gate.Chart) string {
	const w, h, left, bottom, top = 640, 260, 56, 60, 36
	if len(c.Series) == 0 || len(c.Series[0].Values) == 0 {
		return emptySVG(c.Title)
	}
	nb := len(c.Series[0].Values)
	max := chartMax(c)
	if max <= 0 {
		max = 1
	}
	var names []string
	for _, s := range c.Series {
		names = append(names, s.Name)
	}
	bins := "the reference's quantile bins"
	if len(c.Labels) > 0 {
		bins = "categories"
	}
	desc := fmt.Sprintf("Share of rows per bin of %s, overlaid over %d %s.", strings.Join(names, " and "), nb, bins)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" aria-label="%s" viewBox="0 0 %d %d" width="%d" height="%d" data-kind="histogram">`,
		html.EscapeString(c.Title+". "+desc), w, h, w, h)
	fmt.Fprintf(&b, `<title>%s</title><desc>%s</desc>`, html.EscapeString(c.Title), html.EscapeString(desc))
	legend(&b, c.Series, left, histogramOpacity)
	plotW, plotH := float64(w-left-10), float64(h-top-bottom)
	bw := plotW / float64(nb)
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" class="axis"/>`, left, h-bottom, w-10, h-bottom)
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" class="axis"/>`, left, top, left, h-bottom)
	fmt.Fprintf(&b, `<text x="%d" y="%d" class="val" text-anchor="end">%s</text>`, left-4, top+8, gate.FormatNumber(max))
	fmt.Fprintf(&b, `<text x="%d" y="%d" class="val" text-anchor="end">0</text>`, left-4, h-bottom)
	fmt.Fprintf(&b, `<text x="14" y="%d" class="val" text-anchor="middle" transform="rotate(-90 14 %d)">share</text>`, top+int(plotH/2), top+int(plotH/2))
	for j, s := range c.Series {
		for i, v := range s.Values {
			if math.IsNaN(v) || math.IsInf(v, 0) || i >= nb {
				continue
			}
			bh := math.Max(0, v) / max * plotH
			fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s" fill-opacity="%s" class="bar"><title>%s, %s: %s</title></rect>`,
				float64(left)+float64(i)*bw+1, float64(h-bottom)-bh, bw-2, bh, palette[j%len(palette)], gate.FormatNumber(histogramOpacity), html.EscapeString(s.Name), html.EscapeString(binLabel(c, i)), gate.FormatNumber(v))
		}
	}
	for i := 0; i < nb; i++ {
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" class="tick" text-anchor="end" transform="rotate(-35 %.1f %d)">%s</text>`,
			float64(left)+(float64(i)+0.5)*bw, h-bottom+14, float64(left)+(float64(i)+0.5)*bw, h-bottom+14, html.EscapeString(binLabel(c, i)))
	}
	b.WriteString(`</svg>`)
	return b.String()
}

func binLabel(c gate.Chart, i int) string {
	if i < len(c.Labels) {
		return c.Labels[i]
	}
	if i+1 < len(c.Edges) {
		lo, hi := c.Edges[i], c.Edges[i+1]
		f := func(v float64) string {
			if math.IsInf(v, -1) {
				return "−∞"
			}
			if math.IsInf(v, 1) {
				return "∞"
			}
			return gate.FormatNumber(v)
		}
		return f(lo) + "–" + f(hi)
	}
	return fmt.Sprint(i + 1)
}

// legend draws one swatch per series, with the bars' opacity.
func legend(b *strings.Builder, ss []gate.Series, x int, opacity float64) {
	op := ""
	if opacity < 1 {
		op = ` fill-opacity="` + gate.FormatNumber(opacity) + `"`
	}
	for j, s := range ss {
		lx := x + j*150
		fmt.Fprintf(b, `<rect x="%d" y="8" width="12" height="12" fill="%s"`+op+`/><text x="%d" y="18" class="lbl">%s</text>`, lx, palette[j%len(palette)], lx+16, html.EscapeString(s.Name))
	}
}

func emptySVG(title string) string {
	return fmt.Sprintf(`<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 640 40" width="640" height="40" data-kind="empty"><title>%s</title><text x="8" y="24" class="lbl">no data to chart</text></svg>`, html.EscapeString(title))
}
