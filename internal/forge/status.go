package forge

import (
	"strings"
	"unicode/utf8"
)

// State is a commit status state in mlgate's words; each forge maps it to
// its own (GitHub has no skipped state and shows success).
type State string

// The commit status states mlgate sets.
const (
	Pending State = "pending"
	Success State = "success"
	Failed  State = "failed"
	Skipped State = "skipped"
)

// CommitStatus is one status on a commit: Pending while a report is being
// posted, then the gate's outcome.
type CommitStatus struct {
	// Name is the status context, "mlgate/<gate>".
	Name  string
	State State
	// Description is the gate's summary; each forge trims it to its
	// limit with TrimDescription.
	Description string
	// TargetURL links the job (CI_JOB_URL) or the workflow run.
	TargetURL string
}

// TrimDescription puts a commit status description on one line and trims
// it to n characters, ending with "…" when cut.
func TrimDescription(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if n <= 0 {
		return ""
	}
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	rs := []rune(s)
	return strings.TrimRightFunc(string(rs[:n-1]), func(r rune) bool { return r == ' ' }) + "…"
}
