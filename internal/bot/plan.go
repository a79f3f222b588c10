package bot

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"gitlab.com/mlgate/mlgate/internal/forge"
)

// Plan is what a newly stored firing alert asks for: the jobs of the
// outbox, the rollback proposals, and the audit entries that say why.
type Plan struct {
	Jobs      []Job
	Approvals []Approval
	Audit     []AuditEntry
}

// PlanAlert matches a firing alert against the rules and renders their
// actions. A template that fails to render gives a failed job with the
// reason, so the mistake is visible and nothing is silently dropped. The
// store plans an alert before it knows whether the alert is new (outside
// its one writer) and so before it has an ID: a job's DedupKey is
// "rule/action index", which the store prefixes with the alert's ID.
func (c *Config) PlanAlert(a Alert, now time.Time) Plan {
	var p Plan
	if !a.Firing() {
		return p
	}
	for _, r := range c.Match(a.Labels) {
		d := NewTemplateData(a, r.Name)
		model, merr := render(r.model, d)
		if n := len(model); n > MaxModelBytes && merr == nil {
			merr = tooLarge("the model name", n, MaxModelBytes)
		}
		model = Clip(model, MaxModelBytes)
		p.Audit = append(p.Audit, AuditEntry{At: now, Actor: ActorRule, Action: "match",
			Subject: r.Name, Detail: fmt.Sprintf("alert %s %s model %q", a.Name(), a.Fingerprint, model)})
		for i, act := range r.Actions {
			key := fmt.Sprintf("%s/%d", r.Name, i)
			switch {
			case act.Retrain != nil:
				j := Job{Kind: KindRetrain, AlertID: a.ID, Rule: r.Name, Model: model, DedupKey: key,
					State: JobPending, NextAttemptAt: now, CreatedAt: now, UpdatedAt: now}
				t, err := c.renderRetrain(act.Retrain, r, d)
				if err == nil {
					err = merr
				}
				if err != nil {
					j.State, j.LastError = JobFailed, err.Error()
				}
				j.Task.Retrain = t
				p.Jobs = append(p.Jobs, j)
			case act.Notify != nil:
				text := act.Notify.Text
				if text == "" {
					text = defaultNotifyText(a, r.Name)
				} else if tt, err := parseTemplate("text", text); err == nil {
					text, _ = render(tt, d)
				}
				text = Clip(text, MaxSlackText)
				p.Jobs = append(p.Jobs, Job{Kind: KindNotify, AlertID: a.ID, Rule: r.Name, Model: model,
					DedupKey: key, State: JobPending, NextAttemptAt: now, CreatedAt: now, UpdatedAt: now,
					Task: Task{Notify: &NotifyTask{Channel: act.Notify.Channel, Text: text}}})
			case act.ProposeRollback != nil:
				pr := act.ProposeRollback
				version := ""
				if tt, err := parseTemplate("version", pr.Version); err == nil {
					version, _ = render(tt, d)
				}
				p.Approvals = append(p.Approvals, Approval{AlertID: a.ID, Rule: r.Name, Model: model,
					Project: pr.Project, Ref: pr.Ref, Version: version, State: ApprovalProposed,
					ProposedBy: ActorRule + ":" + r.Name, ExpiresAt: now.Add(pr.Expires), CreatedAt: now,
					Reason: Clip(proposalReason(a, r.Name), MaxSlackText), Needed: c.ApprovalsNeeded()})
				p.Audit = append(p.Audit, AuditEntry{At: now, Actor: ActorRule, Action: "propose_rollback",
					Subject: model, Detail: fmt.Sprintf("rule %s proposes rolling back %s to %q", r.Name, pr.Project, version)})
			}
		}
	}
	for i := range p.Audit {
		p.Audit[i].AlertID = a.ID
	}
	return p
}

func (c *Config) renderRetrain(rt *Retrain, r *Rule, d TemplateData) (*forge.RetrainTask, error) {
	t := &forge.RetrainTask{Backend: rt.Backend, Project: rt.Project, Repository: rt.Repository,
		Workflow: rt.Workflow, Ref: rt.Ref, Cooldown: r.Cooldown, Variables: map[string]string{}}
	for k, tpl := range rt.vars {
		v, err := render(tpl, d)
		if err != nil {
			return t, err
		}
		t.Variables[k] = Clip(v, MaxVariableBytes)
		if len(v) > MaxVariableBytes {
			return t, tooLarge("variable "+k, len(v), MaxVariableBytes)
		}
	}
	if h := c.Backends.HTTP[rt.Backend]; h != nil {
		d.Variables = t.Variables
		var err error
		if t.URL, err = render(h.url, d); err != nil {
			return t, err
		}
		if t.Body, err = render(h.body, d); err != nil {
			return t, err
		}
	}
	return t, nil
}

// ApprovalsNeeded is how many approvers a rollback needs (slack.approvals,
// else 1).
func (c *Config) ApprovalsNeeded() int {
	if c.Slack != nil && c.Slack.Approvals > 0 {
		return c.Slack.Approvals
	}
	return 1
}

// proposalReason is the alert's summary and numbers, with a link to its
// source (the Prometheus graph) when Alertmanager gave one.
func proposalReason(a Alert, rule string) string {
	s := defaultNotifyText(a, rule)
	if a.GeneratorURL != "" {
		s += "\n<" + a.GeneratorURL + "|source>"
	}
	return s
}

func defaultNotifyText(a Alert, rule string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "[%s] %s (rule %s) %s", strings.ToUpper(a.Status), a.Name(), rule, a.LabelString())
	keys := make([]string, 0, len(a.Annotations))
	for k := range a.Annotations {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "\n%s: %s", k, a.Annotations[k])
	}
	return b.String()
}
