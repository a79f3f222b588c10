package promote

import (
	"context"
	"errors"
	"fmt"

	"gitlab.com/mlgate/mlgate/internal/gate"
	"gitlab.com/mlgate/mlgate/internal/mlflow"
)

// MLflowRegistry writes a plan to an MLflow tracking server's model
// registry: the aliases themselves, one version tag a Tag, and the
// version's description.
type MLflowRegistry struct {
	Client *mlflow.Client
}

var _ Registry = (*MLflowRegistry)(nil)

// State reads the versions behind the two aliases.
func (r *MLflowRegistry) State(ctx context.Context, model string, aliases State) (State, error) {
	var s State
	for _, a := range []struct {
		alias string
		into  *string
	}{{aliases.Champion, &s.Champion}, {aliases.Previous, &s.Previous}} {
		v, err := r.Client.VersionByAlias(ctx, model, a.alias)
		if errors.Is(err, mlflow.ErrNotFound) {
			continue
		}
		if err != nil {
			return State{}, err
		}
		*a.into = v.Version
	}
	return s, nil
}

// HasVersion checks that the version is registered.
func (r *MLflowRegistry) HasVersion(ctx context.Context, model, version string) error {
	_, err := r.Client.ModelVersion(ctx, model, version)
	if errors.Is(err, mlflow.ErrNotFound) {
		return gate.Input(fmt.Errorf("the registry has no version %s of model %s (register the model version before promoting it)", version, model))
	}
	return err
}

// Steps lists Apply's writes.
func (r *MLflowRegistry) Steps(p *Plan) []string {
	var s []string
	target := p.Version
	for _, t := range p.Tags {
		s = append(s, fmt.Sprintf("set tag %s=%s on version %s", t.Key, t.Value, target))
	}
	if p.Description != "" {
		s = append(s, fmt.Sprintf("set the description of version %s: %q", target, p.Description))
	}
	return append(s, aliasSteps(p)...)
}

// aliasSteps are the alias moves in the order Apply makes them: previous
// first, so that the old champion is never unreachable.
func aliasSteps(p *Plan) []string {
	var s []string
	if p.After.Previous != p.Before.Previous {
		if p.After.Previous == "" {
			s = append(s, fmt.Sprintf("delete alias %s (was version %s)", p.Aliases.Previous, p.Before.Previous))
		} else {
			s = append(s, fmt.Sprintf("set alias %s: version %s → %s", p.Aliases.Previous, orDefault(p.Before.Previous, "none"), p.After.Previous))
		}
	}
	if p.After.Champion != p.Before.Champion {
		s = append(s, fmt.Sprintf("set alias %s: version %s → %s", p.Aliases.Champion, orDefault(p.Before.Champion, "none"), p.After.Champion))
	}
	return s
}

// Apply writes the plan: tags, description, then the aliases (for a
// rollback: champion first, then previous is deleted).
func (r *MLflowRegistry) Apply(ctx context.Context, p *Plan) error {
	c := r.Client
	if p.Rollback {
		if err := c.SetAlias(ctx, p.Model, p.Aliases.Champion, p.After.Champion); err != nil {
			return err
		}
		if err := c.DeleteAlias(ctx, p.Model, p.Aliases.Previous); err != nil {
			return err
		}
		for _, t := range p.Tags {
			if err := c.SetVersionTag(ctx, p.Model, p.Demoted, t.Key, t.Value); err != nil {
				return err
			}
		}
		return nil
	}
	for _, t := range p.Tags {
		if err := c.SetVersionTag(ctx, p.Model, p.Version, t.Key, t.Value); err != nil {
			return err
		}
	}
	if p.Description != "" {
		v, err := c.ModelVersion(ctx, p.Model, p.Version)
		if err != nil {
			return err
		}
		if err := c.UpdateVersionDescription(ctx, p.Model, p.Version, setBlock(v.Description, "validation", p.Description)); err != nil {
			return err
		}
	}
	if p.After.Previous != p.Before.Previous {
		var err error
		if p.After.Previous == "" {
			err = c.DeleteAlias(ctx, p.Model, p.Aliases.Previous)
		} else {
			err = c.SetAlias(ctx, p.Model, p.Aliases.Previous, p.After.Previous)
		}
		if err != nil {
			return err
		}
	}
	if p.After.Champion != p.Before.Champion {
		return c.SetAlias(ctx, p.Model, p.Aliases.Champion, p.After.Champion)
	}
	return nil
}
