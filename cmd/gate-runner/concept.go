package main

import (
	"context"
	"errors"

	"gitlab.com/mlgate/mlgate/internal/gate"
	"gitlab.com/mlgate/mlgate/internal/gate/concept"
	"gitlab.com/mlgate/mlgate/internal/pushgw"
)

// runConcept is `gate-runner concept`: concept drift as the AUC drop of a
// logistic model trained on the old labelled sample.
func runConcept(ctx context.Context, m *Main, args []string) error {
	var c common
	var oldPath, newPath, label, push string
	var opt concept.Options
	fs := m.flagSet("concept", &c)
	fs.StringVar(&oldPath, "old", "", "old labelled data file (the model is trained on 80% of it, the rest is its hold-out)")
	fs.StringVar(&newPath, "new", "", "new labelled data file")
	fs.StringVar(&label, "label", "", "the 0/1 label column")
	fs.Float64Var(&opt.C, "l2-c", 1, "inverse L2 regularisation strength, as scikit-learn's C")
	fs.Float64Var(&opt.WarnDrop, "warn-drop", 0.05, "AUC drop above which the gate warns")
	fs.Float64Var(&opt.FailDrop, "fail-drop", 0.1, "AUC drop above which the gate fails (the plan's severe drift)")
	fs.StringVar(&push, "push", "", "Pushgateway URL to push mlgate_concept_auc_drop and the AUCs to (job mlgate_concept, grouped by the config's model.name)")
	if err := m.parse(fs, args); err != nil {
		return err
	}
	if err := c.checkFormat(); err != nil {
		return err
	}
	if oldPath == "" || newPath == "" || label == "" {
		return gate.Input(errors.New("concept needs --old FILE --new FILE --label COLUMN"))
	}
	if opt.C <= 0 || opt.WarnDrop < 0 || opt.FailDrop < opt.WarnDrop {
		return gate.Input(errors.New("expected --l2-c > 0 and 0 ≤ --warn-drop ≤ --fail-drop"))
	}
	cfg, err := c.loadConfig(false)
	if err != nil {
		return err
	}
	start := m.Now()
	cg := &concept.Gate{Old: oldPath, New: newPath, Label: label, Options: opt}
	rep, err := cg.Report(ctx)
	if err != nil {
		return err
	}
	res := rep.Result()
	res.Duration = m.Now().Sub(start)
	if push != "" {
		if err := pushgw.PushConcept(ctx, push, cfg.Model.Name, rep, m.Now(), nil); err != nil {
			return err
		}
	}
	return m.finishOne(&c, cfg, res)
}
