package report

import (
	"fmt"
	"sort"
	"strings"

	"gitlab.com/mlgate/mlgate/internal/gate"
)

// OpenMetrics renders metrics.txt for GitLab's metrics report
// (artifacts:reports:metrics): the merge-request widget shows how each line
// changed against the target branch. Lines are sorted so that diffs are
// stable.
//
//	mlgate_gate_status{gate="compare"} 1        (1 pass/warn/skip, 0 fail)
//	mlgate_check_value{gate="compare",check="precision@5",side="candidate"} 0.21
func OpenMetrics(r *gate.Report) string {
	var lines []string
	for _, g := range r.Gates {
		ok := 1
		if g.Status == gate.Fail {
			ok = 0
		}
		lines = append(lines, fmt.Sprintf("mlgate_gate_status{gate=%q} %d", g.Gate, ok))
		seen := map[string]bool{}
		for _, c := range g.Checks {
			for _, sv := range []struct {
				side string
				v    *float64
			}{{"candidate", c.Candidate}, {"baseline", c.Baseline}} {
				if sv.v == nil {
					continue
				}
				l := fmt.Sprintf("mlgate_check_value{gate=%s,check=%s,side=%q} %s", quote(g.Gate), quote(c.Name), sv.side, gate.FormatNumber(*sv.v))
				if !seen[l] {
					seen[l] = true
					lines = append(lines, l)
				}
			}
		}
	}
	sort.Strings(lines)
	return "# TYPE mlgate_gate_status gauge\n# TYPE mlgate_check_value gauge\n" + strings.Join(lines, "\n") + "\n# EOF\n"
}

// quote escapes a label value as OpenMetrics wants: backslash, quote, newline.
func quote(s string) string {
	s = strings.ReplaceAll(s, `\`, `\\`)
	s = strings.ReplaceAll(s, `"`, `\"`)
	s = strings.ReplaceAll(s, "\n", `\n`)
	return `"` + s + `"`
}
