package promote

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"gitlab.com/mlgate/mlgate/internal/gate"
)

// The aliases a promotion moves, unless a Request names others.
const (
	Champion = "champion"
	Previous = "previous"
)

// The validation tags a promotion sets on the version.
const (
	TagStatus      = "validation_status" // passed or failed
	TagVersionName = "mlgate.version_name"
	TagGatePrefix  = "mlgate.gate." // + gate name: its status
	TagPipeline    = "mlgate.pipeline_url"
	TagCommit      = "mlgate.commit"
	TagRolledBack  = "mlgate.rolled_back" // set on a champion a rollback demoted
)

// ErrRefused marks a promotion the gate results do not allow.
var ErrRefused = errors.New("promotion refused")

// Tag is one key and value set on a model version.
type Tag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// State is which registry versions hold the two aliases ("" for none).
type State struct {
	Champion string `json:"champion,omitempty"`
	Previous string `json:"previous,omitempty"`
}

// Plan is what a promotion or rollback changes in the registry.
type Plan struct {
	Model string `json:"model"`
	// Version is the registry's version (MLflow's number, GitLab's
	// MAJOR.MINOR.PATCH); VersionName is MODEL-vMAJOR.MINOR.PATCH.
	Version     string `json:"version,omitempty"`
	VersionName string `json:"version_name,omitempty"`
	Rollback    bool   `json:"rollback,omitempty"`
	// Passed is false for a refused promotion: only the tags and the
	// description are written, no alias moves.
	Passed  bool   `json:"passed"`
	Summary string `json:"summary"`
	// Aliases names the two aliases (champion and previous by default).
	Aliases State `json:"aliases"`
	Before  State `json:"before"`
	After   State `json:"after"`
	// Tags and Description are written on Version (on the demoted
	// champion, for a rollback).
	Tags        []Tag  `json:"tags,omitempty"`
	Description string `json:"description,omitempty"`
	// Demoted is the champion a rollback replaced.
	Demoted string `json:"demoted,omitempty"`
}

// Registry is a model registry a plan is written to.
type Registry interface {
	// State returns the versions holding the aliases; a model with
	// neither is State{}; an error when the registry cannot be read.
	State(ctx context.Context, model string, aliases State) (State, error)
	// HasVersion returns an error wrapping gate.ErrInput when the version
	// does not exist.
	HasVersion(ctx context.Context, model, version string) error
	// Apply writes the plan; it returns the first write that failed.
	Apply(ctx context.Context, p *Plan) error
	// Steps says in words what Apply writes, one line a write.
	Steps(p *Plan) []string
}

// versionName is MODEL-vMAJOR.MINOR.PATCH, as config's model.version.
var versionName = regexp.MustCompile(`^([A-Za-z0-9][A-Za-z0-9_.-]*)-v(\d+\.\d+\.\d+)([-+][0-9A-Za-z.-]+)?$`)

// CheckName returns the MAJOR.MINOR.PATCH of name, or an input error
// when name does not follow MODEL-vMAJOR.MINOR.PATCH for this model.
func CheckName(model, name string) (string, error) {
	m := versionName.FindStringSubmatch(name)
	if m == nil {
		return "", gate.Input(fmt.Errorf("version name %q does not follow MODEL-vMAJOR.MINOR.PATCH (e.g. %s-v1.4.0)", name, orDefault(model, "recommender")))
	}
	if model != "" && m[1] != model {
		return "", gate.Input(fmt.Errorf("version name %q is not a version of model %q (expected %s-vMAJOR.MINOR.PATCH)", name, model, model))
	}
	return m[2] + m[3], nil
}

// Verdict reads the merged gate results: passed when no gate failed and
// at least one passed or warned; the summary names each gate's status
// and, for a refusal, the failing gates' own summaries. No gate at all
// is an input error.
func Verdict(r *gate.Report) (bool, string, error) {
	if r == nil || len(r.Gates) == 0 {
		return false, "", gate.Input(errors.New("no gate results: promote needs the results.json of the gate jobs (--in)"))
	}
	var parts, failed []string
	ran := false
	for _, g := range r.Gates {
		parts = append(parts, g.Gate+" "+string(g.Status))
		switch g.Status {
		case gate.Fail:
			failed = append(failed, fmt.Sprintf("%s: %s", g.Gate, g.Summary))
		case gate.Pass, gate.Warn:
			ran = true
		}
	}
	s := strings.Join(parts, ", ")
	switch {
	case len(failed) > 0:
		return false, fmt.Sprintf("gates %s; failed: %s", s, strings.Join(failed, "; ")), nil
	case !ran:
		return false, fmt.Sprintf("gates %s; none passed", s), nil
	}
	return true, "gates " + s, nil
}

// Request is a promotion to plan.
type Request struct {
	Model       string
	Version     string // the registry's version
	VersionName string
	Report      *gate.Report
	// Aliases names the champion and previous aliases ("" for the
	// defaults).
	Aliases State
}

// PlanPromotion checks the request against the registry and returns what
// promoting it changes. A refused promotion is a plan with Passed false.
func PlanPromotion(ctx context.Context, reg Registry, req Request) (*Plan, error) {
	passed, summary, err := Verdict(req.Report)
	if err != nil {
		return nil, err
	}
	aliases := defaults(req.Aliases)
	if err := reg.HasVersion(ctx, req.Model, req.Version); err != nil {
		return nil, err
	}
	before, err := reg.State(ctx, req.Model, aliases)
	if err != nil {
		return nil, err
	}
	p := &Plan{Model: req.Model, Version: req.Version, VersionName: req.VersionName, Passed: passed,
		Summary: summary, Aliases: aliases, Before: before, After: before}
	status := "failed"
	if passed {
		status = "passed"
		if before.Champion != req.Version {
			p.After = State{Champion: req.Version, Previous: before.Champion}
			if before.Champion == "" {
				p.After.Previous = before.Previous
			}
		}
	}
	p.Tags = []Tag{{TagStatus, status}, {TagVersionName, req.VersionName}}
	for _, g := range req.Report.Gates {
		p.Tags = append(p.Tags, Tag{TagGatePrefix + g.Gate, string(g.Status)})
	}
	if l := req.Report.Lineage; l != nil {
		if l.Pipeline != "" {
			p.Tags = append(p.Tags, Tag{TagPipeline, l.Pipeline})
		}
		if l.Commit != "" {
			p.Tags = append(p.Tags, Tag{TagCommit, l.Commit})
		}
	}
	p.Description = fmt.Sprintf("%s: validation %s (%s)", req.VersionName, status, summary)
	if l := req.Report.Lineage; l != nil && l.Pipeline != "" {
		p.Description += " in " + l.Pipeline
	}
	return p, nil
}

// PlanRollback returns the plan that makes the previous version champion
// again and drops the previous alias (the demoted champion gets the
// rolled-back tag, so a second rollback cannot return to it). reason is
// recorded in that tag (the pipeline URL, say). An input error when
// nothing holds the previous alias.
func PlanRollback(ctx context.Context, reg Registry, model string, aliases State, reason string) (*Plan, error) {
	aliases = defaults(aliases)
	before, err := reg.State(ctx, model, aliases)
	if err != nil {
		return nil, err
	}
	if before.Previous == "" {
		return nil, gate.Input(fmt.Errorf("model %s has no %q version to roll back to (champion: %s)", model, aliases.Previous, orDefault(before.Champion, "none")))
	}
	p := &Plan{Model: model, Rollback: true, Passed: true, Aliases: aliases, Before: before,
		After: State{Champion: before.Previous}, Demoted: before.Champion, Version: before.Champion}
	p.Summary = fmt.Sprintf("roll back %s: %s %s → %s", model, aliases.Champion, orDefault(before.Champion, "none"), before.Previous)
	if before.Champion != "" {
		p.Tags = []Tag{{TagRolledBack, orDefault(reason, "rolled back")}}
	}
	return p, nil
}

func defaults(a State) State {
	a.Champion = orDefault(a.Champion, Champion)
	a.Previous = orDefault(a.Previous, Previous)
	return a
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}
