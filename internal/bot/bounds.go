package bot

import (
	"fmt"
	"unicode/utf8"
)

// Bounds on what an alert's labels and annotations become once rendered:
// a label is free text of any size to Alertmanager, but a pipeline
// variable, a model name and a Slack message are not.
const (
	// MaxVariableBytes bounds one rendered pipeline variable (or HTTP
	// backend URL). A CI job gets each variable in its environment, where
	// Linux refuses a single string over 128 KiB; a label that large is a
	// mistake, not a parameter.
	MaxVariableBytes = 10 << 10
	// MaxModelBytes bounds a rendered model name, the key of cooldowns and
	// rollbacks, shown in Slack and `mlbot jobs list` (GitLab's own names
	// stop at 255).
	MaxModelBytes = 255
	// MaxSlackText bounds a rendered notify text: Slack cuts a section
	// block at 3,000 characters.
	MaxSlackText = 3000
)

// Clip returns s cut to at most n bytes on a rune boundary, with "…" in
// place of the cut.
func Clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n - len("…")
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:max(cut, 0)] + "…"
}

// tooLarge is the reason a retrain job fails when what was rendered for
// it is over a bound.
func tooLarge(what string, n, limit int) error {
	return fmt.Errorf("%s is %d bytes once rendered from the alert, more than %d: not sent (is a label or annotation that large?)", what, n, limit)
}
