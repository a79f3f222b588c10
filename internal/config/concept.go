package config

import "fmt"

// ConceptGate configures concept drift as `gate-runner run` runs it: a
// logistic model trained on the old labelled file, its AUC on the old
// hold-out against its AUC on the new file. A zero threshold means its
// default. (`gate-runner concept` takes the same inputs as flags.)
type ConceptGate struct {
	// Old and New are the labelled data files (CSV, JSON Lines or
	// Parquet, optionally .gz).
	Old string `yaml:"old"`
	New string `yaml:"new"`
	// Label is the 0/1 label column; the features are the old file's
	// other numeric and boolean columns.
	Label string `yaml:"label"`
	// C is the inverse L2 regularisation strength, as scikit-learn's (1).
	C float64 `yaml:"l2_c"`
	// WarnDrop and FailDrop: an AUC drop above them warns or fails (0.05
	// and 0.1).
	WarnDrop float64 `yaml:"warn_drop"`
	FailDrop float64 `yaml:"fail_drop"`
}

func (g *ConceptGate) validate(file string) error {
	if g == nil {
		return nil
	}
	errf := func(format string, a ...any) error {
		return &Error{File: file, Msg: "gates.concept" + fmt.Sprintf(format, a...)}
	}
	if g.Old == "" || g.New == "" || g.Label == "" {
		return errf(": old, new and label are required (the old and the new labelled file and their 0/1 label column)")
	}
	if g.C < 0 {
		return errf(".l2_c is %g, expected > 0", g.C)
	}
	warn, fail := g.WarnDrop, g.FailDrop
	if warn < 0 || fail < 0 {
		return errf(": AUC drops must not be negative (warn_drop %g, fail_drop %g)", warn, fail)
	}
	if warn == 0 {
		warn = 0.05
	}
	if fail == 0 {
		fail = 0.1
	}
	if warn > fail {
		return errf(".warn_drop %g is above fail_drop %g, expected warn_drop ≤ fail_drop", warn, fail)
	}
	return nil
}
