package bot

import (
	"fmt"
	"strings"
	"text/template"
)

func (r *Rule) compile(c *Config, key string) error {
	if len(r.Matchers) == 0 {
		return fmt.Errorf("%s.matchers: none, expected at least one matcher", key)
	}
	r.matchers = r.matchers[:0]
	for j, s := range r.Matchers {
		m, err := ParseMatcher(s)
		if err != nil {
			return fmt.Errorf("%s.matchers[%d]: %w", key, j, err)
		}
		r.matchers = append(r.matchers, m)
	}
	var err error
	if r.model, err = parseTemplate(key+".model", r.Model); err != nil {
		return err
	}
	if r.Cooldown < 0 {
		return fmt.Errorf("%s.cooldown: %s, expected a positive duration or none", key, r.Cooldown)
	}
	if len(r.Actions) == 0 {
		return fmt.Errorf("%s.actions: none, expected retrain, notify or propose_rollback", key)
	}
	for j := range r.Actions {
		if err := r.Actions[j].compile(c, fmt.Sprintf("%s.actions[%d]", key, j)); err != nil {
			return err
		}
	}
	return nil
}

func (a *Action) compile(c *Config, key string) error {
	n := 0
	for _, set := range []bool{a.Retrain != nil, a.Notify != nil, a.ProposeRollback != nil} {
		if set {
			n++
		}
	}
	if n != 1 {
		return fmt.Errorf("%s: %d kinds set, expected exactly one of retrain, notify, propose_rollback", key, n)
	}
	switch {
	case a.Retrain != nil:
		return a.Retrain.compile(c, key+".retrain")
	case a.Notify != nil:
		if a.Notify.Channel == "" {
			return fmt.Errorf("%s.notify.channel: missing", key)
		}
		_, err := parseTemplate(key+".notify.text", a.Notify.Text)
		return err
	default:
		p := a.ProposeRollback
		if p.Project == "" {
			return fmt.Errorf("%s.propose_rollback.project: missing", key)
		}
		if p.Expires < 0 {
			return fmt.Errorf("%s.propose_rollback.expires: %s, expected a positive duration", key, p.Expires)
		}
		_, err := parseTemplate(key+".propose_rollback.version", p.Version)
		return err
	}
}

func (r *Retrain) compile(c *Config, key string) error {
	switch r.Backend {
	case "gitlab":
		if c.Backends.GitLab == nil {
			return fmt.Errorf("%s.backend: gitlab, but backends.gitlab is not configured", key)
		}
		if r.Project == "" || r.Ref == "" {
			return fmt.Errorf("%s: project and ref are required for the gitlab backend", key)
		}
	case "github":
		if c.Backends.GitHub == nil {
			return fmt.Errorf("%s.backend: github, but backends.github is not configured", key)
		}
		if r.Repository == "" || r.Workflow == "" || r.Ref == "" {
			return fmt.Errorf("%s: repository, workflow and ref are required for the github backend", key)
		}
		if _, _, ok := splitRepo(r.Repository); !ok {
			return fmt.Errorf("%s.repository: %q, expected owner/name", key, r.Repository)
		}
	default:
		if c.Backends.HTTP[r.Backend] == nil {
			return fmt.Errorf("%s.backend: %q is not gitlab, github or a backends.http entry", key, r.Backend)
		}
	}
	r.vars = map[string]*template.Template{}
	for k, v := range r.Variables {
		t, err := parseTemplate(key+".variables."+k, v)
		if err != nil {
			return err
		}
		r.vars[k] = t
	}
	return nil
}

// Match returns the rules that apply to labels: the first matching rule,
// and the following matching ones while each matched rule says continue.
func (c *Config) Match(labels map[string]string) []*Rule {
	var out []*Rule
	for _, r := range c.Rules {
		if !r.Matches(labels) {
			continue
		}
		out = append(out, r)
		if !r.Continue {
			break
		}
	}
	return out
}

// Matches reports whether every matcher of the rule holds.
func (r *Rule) Matches(labels map[string]string) bool {
	for _, m := range r.matchers {
		if !m.Matches(labels) {
			return false
		}
	}
	return true
}

// ModelOf renders the rule's model template for an alert.
func (r *Rule) ModelOf(a Alert) (string, error) {
	return render(r.model, NewTemplateData(a, r.Name))
}

func splitRepo(s string) (owner, name string, ok bool) {
	owner, name, ok = strings.Cut(s, "/")
	return owner, name, ok && owner != "" && name != "" && !strings.Contains(name, "/")
}
