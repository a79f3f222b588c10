package promote

import (
	"context"
	"errors"
	"fmt"

	"gitlab.com/mlgate/mlgate/internal/gate"
	"gitlab.com/mlgate/mlgate/internal/mlflow"
)

// GitLabRegistry writes a plan to GitLab's model registry through its
// MLflow-compatible API ($CI_API_V4_URL/projects/:id/ml/mlflow). That API
// can update descriptions but sets no aliases and no tags after a
// version is created, so a promotion is recorded in descriptions:
//
//   - the registered model's description holds a block listing the
//     versions behind the aliases (- `champion`: 1.5.0);
//   - the version's description holds a block with the validation summary
//     and the tags (- `validation_status`: passed).
//
// GitLab's versions are MAJOR.MINOR.PATCH, the version name without
// MODEL-v.
type GitLabRegistry struct {
	Client *mlflow.Client
}

var _ Registry = (*GitLabRegistry)(nil)

// State reads the aliases block of the model's description.
func (r *GitLabRegistry) State(ctx context.Context, model string, aliases State) (State, error) {
	m, err := r.Client.RegisteredModel(ctx, model)
	if errors.Is(err, mlflow.ErrNotFound) {
		return State{}, gate.Input(fmt.Errorf("GitLab's model registry has no model %s", model))
	}
	if err != nil {
		return State{}, err
	}
	body, _ := getBlock(m.Description, "aliases")
	var s State
	for _, t := range parseItems(body) {
		switch t.Key {
		case aliases.Champion:
			s.Champion = t.Value
		case aliases.Previous:
			s.Previous = t.Value
		}
	}
	return s, nil
}

// HasVersion checks that the version exists.
func (r *GitLabRegistry) HasVersion(ctx context.Context, model, version string) error {
	_, err := r.Client.ModelVersion(ctx, model, version)
	if errors.Is(err, mlflow.ErrNotFound) {
		return gate.Input(fmt.Errorf("GitLab's model registry has no version %s of model %s (create it before promoting it)", version, model))
	}
	return err
}

// Steps lists Apply's writes.
func (r *GitLabRegistry) Steps(p *Plan) []string {
	var s []string
	target := p.Version
	if p.Rollback {
		target = p.Demoted
	}
	if target != "" && (len(p.Tags) > 0 || p.Description != "") {
		s = append(s, fmt.Sprintf("write the validation block of version %s's description:", target))
		if p.Description != "" {
			s = append(s, "    "+p.Description)
		}
		for _, t := range p.Tags {
			s = append(s, fmt.Sprintf("    %s: %s", t.Key, t.Value))
		}
	}
	if p.After != p.Before {
		s = append(s, fmt.Sprintf("write the aliases block of model %s's description (GitLab has no aliases):", p.Model))
		for _, a := range aliasSteps(p) {
			s = append(s, "    "+a)
		}
	}
	return s
}

// Apply writes the version's block, then the model's.
func (r *GitLabRegistry) Apply(ctx context.Context, p *Plan) error {
	c := r.Client
	target := p.Version
	if p.Rollback {
		target = p.Demoted
	}
	if target != "" && (len(p.Tags) > 0 || p.Description != "") {
		v, err := c.ModelVersion(ctx, p.Model, target)
		if err != nil {
			return err
		}
		old, _ := getBlock(v.Description, "validation")
		summary := p.Description
		if summary == "" {
			summary, _, _ = cutItems(old)
		}
		body := summary
		if items := itemLines(mergeTags(parseItems(old), p.Tags)); items != "" {
			body += "\n\n" + items
		}
		if err := c.UpdateVersionDescription(ctx, p.Model, target, setBlock(v.Description, "validation", body)); err != nil {
			return err
		}
	}
	if p.After == p.Before {
		return nil
	}
	m, err := c.RegisteredModel(ctx, p.Model)
	if err != nil {
		return err
	}
	var items []Tag
	if p.After.Champion != "" {
		items = append(items, Tag{p.Aliases.Champion, p.After.Champion})
	}
	if p.After.Previous != "" {
		items = append(items, Tag{p.Aliases.Previous, p.After.Previous})
	}
	return c.UpdateModelDescription(ctx, p.Model, setBlock(m.Description, "aliases", itemLines(items)))
}

// cutItems splits a validation block into its summary (the text before
// the list) and the list.
func cutItems(block string) (string, string, bool) {
	loc := itemLine.FindStringIndex(block)
	if loc == nil {
		return block, "", false
	}
	return trimNL(block[:loc[0]]), block[loc[0]:], true
}

func trimNL(s string) string {
	for len(s) > 0 && (s[len(s)-1] == '\n' || s[len(s)-1] == ' ') {
		s = s[:len(s)-1]
	}
	return s
}
