package gate

import (
	"encoding/json"
	"fmt"
)

// Status is the verdict of a check or a gate.
type Status string

// The statuses, from best to worst. Skip means the check could not apply (no
// baseline for a relative rule, say); it never fails a gate.
const (
	Pass Status = "pass"
	Skip Status = "skip"
	Warn Status = "warn"
	Fail Status = "fail"
)

func (s Status) rank() int {
	switch s {
	case Pass:
		return 1
	case Skip:
		return 0
	case Warn:
		return 2
	case Fail:
		return 3
	}
	return -1
}

// Worse returns the worse of s and t: fail over warn over pass over skip.
// A gate whose every check skipped is skipped; one pass makes it pass.
func Worse(s, t Status) Status {
	if s == "" {
		return t
	}
	if t.rank() > s.rank() {
		return t
	}
	return s
}

// Worst folds Worse over statuses; it returns Skip for none.
func Worst(statuses ...Status) Status {
	var w Status
	for _, s := range statuses {
		w = Worse(w, s)
	}
	if w == "" {
		return Skip
	}
	return w
}

// Failed reports whether s fails a gate (and so the pipeline).
func (s Status) Failed() bool { return s == Fail }

// Mark returns a short mark for tables: ✅ pass, ⚠️ warn, ❌ fail, ⏭️ skip.
func (s Status) Mark() string {
	switch s {
	case Pass:
		return "✅"
	case Warn:
		return "⚠️"
	case Fail:
		return "❌"
	case Skip:
		return "⏭️"
	}
	return "?"
}

// UnmarshalJSON accepts only the four known statuses.
func (s *Status) UnmarshalJSON(b []byte) error {
	var v string
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	switch Status(v) {
	case Pass, Warn, Fail, Skip:
		*s = Status(v)
		return nil
	}
	return fmt.Errorf("status %q: expected pass, warn, fail or skip", v)
}
