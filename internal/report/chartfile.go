package report

import (
	"fmt"
	"strings"

	"gitlab.com/mlgate/mlgate/internal/gate"
)

// ChartFile is the PNG file of one chart of a report.
type ChartFile struct {
	// Gate and Chart index the chart: r.Gates[Gate].Charts[Chart].
	Gate, Chart int
	// Name is the file's name in the output directory:
	// "<gate>-<check>.png", e.g. drift-session_length_s.png.
	Name string
}

// maxFileStem bounds the part of a chart file's name taken from its
// check, so that a long feature name stays a valid file name.
const maxFileStem = 80

// ChartFiles lists the histograms of drifted features (their check warns
// or fails) with the file each is written to, in gate and chart order.
// Names keep letters, digits, '.', '_' and '-' of the check's name (a run
// of anything else becomes one '-'); names that would collide get "-2",
// "-3", … in order, so the same report always gives the same names.
func ChartFiles(r *gate.Report) []ChartFile {
	var out []ChartFile
	seen := map[string]bool{}
	for gi, g := range r.Gates {
		for ci, c := range g.Charts {
			if c.Kind != gate.Histogram {
				continue
			}
			if st := checkStatus(g, chartCheck(c)); st != gate.Warn && st != gate.Fail {
				continue
			}
			stem := sanitizeFileName(g.Gate) + "-" + sanitizeFileName(chartCheck(c))
			name := stem + ".png"
			for n := 2; seen[strings.ToLower(name)]; n++ {
				name = fmt.Sprintf("%s-%d.png", stem, n)
			}
			seen[strings.ToLower(name)] = true
			out = append(out, ChartFile{Gate: gi, Chart: ci, Name: name})
		}
	}
	return out
}

// sanitizeFileName keeps s's ASCII letters, digits, '.', '_' and '-',
// turns every other run into one '-', trims '-' and '.' at both ends (no
// hidden file, no "..") and cuts it to maxFileStem bytes; an empty result
// is "chart".
func sanitizeFileName(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range s {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-'
		switch {
		case ok:
			b.WriteRune(r)
			dash = false
		case !dash:
			b.WriteByte('-')
			dash = true
		}
	}
	out := strings.Trim(b.String(), "-.")
	if len(out) > maxFileStem {
		out = strings.Trim(out[:maxFileStem], "-.")
	}
	for strings.Contains(out, "..") {
		out = strings.ReplaceAll(out, "..", ".")
	}
	if out == "" {
		return "chart"
	}
	return out
}
