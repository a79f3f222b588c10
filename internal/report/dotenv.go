package report

import (
	"fmt"
	"regexp"
	"strings"

	"gitlab.com/mlgate/mlgate/internal/gate"
)

// Dotenv renders gates.env for artifacts:reports:dotenv, so that later jobs
// (deploy, rollback) can read the verdict:
//
//	MLGATE_STATUS=fail
//	MLGATE_FAILED_GATES=compare
//	MLGATE_COMPARE_STATUS=fail
//	MLGATE_MODEL_VERSION=recommender-v1.5.0
//
// Values are single-line and unquoted, as GitLab's dotenv parser wants.
func Dotenv(r *gate.Report) string {
	var b strings.Builder
	line := func(k, v string) { fmt.Fprintf(&b, "%s=%s\n", k, oneLine(v)) }
	st := r.Overall()
	line("MLGATE_STATUS", string(st))
	var failed, warned []string
	for _, g := range r.Gates {
		switch g.Status {
		case gate.Fail:
			failed = append(failed, g.Gate)
		case gate.Warn:
			warned = append(warned, g.Gate)
		}
	}
	line("MLGATE_FAILED_GATES", strings.Join(failed, ","))
	line("MLGATE_WARNED_GATES", strings.Join(warned, ","))
	if r.Name != "" {
		line("MLGATE_REPORT_NAME", r.Name)
	}
	if r.Model != "" {
		line("MLGATE_MODEL", r.Model)
	}
	if r.ModelVersion != "" {
		line("MLGATE_MODEL_VERSION", r.ModelVersion)
	}
	for _, g := range r.Gates {
		line("MLGATE_"+envName(g.Gate)+"_STATUS", string(g.Status))
	}
	return b.String()
}

var nonEnv = regexp.MustCompile(`[^A-Z0-9_]`)

func envName(s string) string { return nonEnv.ReplaceAllString(strings.ToUpper(s), "_") }

func oneLine(s string) string {
	return strings.NewReplacer("\n", " ", "\r", " ").Replace(s)
}
