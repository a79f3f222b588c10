package slack

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gitlab.com/mlgate/mlgate/internal/bot"
	"gitlab.com/mlgate/mlgate/internal/forge"
)

// commandRoles is the role each command needs.
var commandRoles = map[string]bot.Role{
	"status":   bot.RoleView,
	"retrain":  bot.RoleRetrain,
	"rollback": bot.RoleProposeRollback,
	"approve":  bot.RoleApproveRollback,
	"reject":   bot.RoleApproveRollback,
}

// Command runs one /mlops command and returns the ephemeral answer.
func (b *Bot) Command(ctx context.Context, c Command) (string, error) {
	if c.Name == "help" {
		if c.Problem != "" {
			return c.Problem + "\n" + HelpText, nil
		}
		return HelpText, nil
	}
	switch c.Name {
	case "approve", "reject":
		return b.Decide(ctx, c.UserID, c.ApprovalID, c.Name == "approve")
	}
	role := commandRoles[c.Name]
	ok, err := b.Allowed(ctx, c.UserID, role)
	if err != nil {
		return "", fmt.Errorf("check role %s of %s: %w", role, c.UserID, err)
	}
	if !ok {
		b.audit(ctx, c.UserID, c.Name+"_refused", c.Model, fmt.Sprintf("role %s needed", role))
		return fmt.Sprintf(":no_entry: `/mlops %s` needs the role *%s*.", c.Name, role), nil
	}
	switch c.Name {
	case "status":
		return b.status(ctx, c.Model)
	case "retrain":
		return b.retrain(ctx, c)
	default:
		return b.proposeRollback(ctx, c)
	}
}

func (b *Bot) model(name string) (*bot.SlackModel, string) {
	m := b.Config.Models[name]
	if m != nil {
		return m, ""
	}
	known := make([]string, 0, len(b.Config.Models))
	for k := range b.Config.Models {
		known = append(known, k)
	}
	return nil, fmt.Sprintf("Model %q is not in slack.models (known: %s).", name, strings.Join(sorted(known), ", "))
}

// retrain queues a retraining of a model, unless the model's cooldown
// runs (a retraining started by an alert or another /mlops retrain): then
// it refuses, and the word force overrides. Refusals and overrides are
// audited.
func (b *Bot) retrain(ctx context.Context, c Command) (string, error) {
	m, problem := b.model(c.Model)
	if m == nil {
		return problem, nil
	}
	now := b.now()
	cds, err := b.Store.ListCooldowns(ctx, now)
	if err != nil {
		return "", err
	}
	var held *bot.ActiveCooldown
	for i := range cds {
		if cds[i].Model == c.Model {
			held = &cds[i]
		}
	}
	if held != nil && !c.Force {
		b.audit(ctx, c.UserID, "retrain_refused", c.Model, fmt.Sprintf("cooldown until %s (job %d); force overrides",
			held.Until.Format(time.RFC3339), held.JobID))
		return fmt.Sprintf(":hourglass: %s was retrained by job %d; its cooldown runs until %s. "+
			"`/mlops retrain %s force [reason]` retrains anyway.", c.Model, held.JobID, held.Until.Format(time.RFC3339), c.Model), nil
	}
	vars := map[string]string{"MODEL": c.Model, "REASON": c.Reason, "TRIGGERED_BY": "slack:" + c.UserID}
	// The retraining holds the model's cooldown (taken over when forced)
	// so that alerts do not retrain the model again right after it.
	var cooldown time.Duration
	if m.Cooldown != nil {
		cooldown = *m.Cooldown
	}
	j := bot.Job{Kind: bot.KindRetrain, Rule: "slack", Model: c.Model, State: bot.JobPending,
		DedupKey: fmt.Sprintf("slack/retrain/%s/%s/%d", c.Model, c.UserID, now.UnixNano()), NextAttemptAt: now,
		CreatedAt: now, UpdatedAt: now, Task: bot.Task{Retrain: &forge.RetrainTask{Backend: "gitlab",
			Project: m.Project, Ref: m.Ref, Variables: vars, Cooldown: cooldown, Force: held != nil}}}
	audit := &bot.AuditEntry{At: now, Actor: c.UserID, Action: "retrain", Subject: c.Model,
		Detail: fmt.Sprintf("/mlops retrain on %s@%s: %s", m.Project, m.Ref, c.Reason)}
	answer := fmt.Sprintf("Retraining of %s queued on %s@%s.", c.Model, m.Project, m.Ref)
	if held != nil {
		audit.Action = "retrain_forced"
		audit.Detail += fmt.Sprintf(" (forced inside the cooldown until %s of job %d)", held.Until.Format(time.RFC3339), held.JobID)
		answer = fmt.Sprintf("Retraining of %s queued on %s@%s, inside its cooldown (until %s): forced.", c.Model, m.Project,
			m.Ref, held.Until.Format(time.RFC3339))
	}
	if _, err := b.Store.EnqueueJob(ctx, j, audit); err != nil {
		return "", err
	}
	b.wake()
	return answer, nil
}

func (b *Bot) proposeRollback(ctx context.Context, c Command) (string, error) {
	m, problem := b.model(c.Model)
	if m == nil {
		return problem, nil
	}
	now := b.now()
	a, err := b.Store.ProposeRollback(ctx, bot.Approval{Rule: "slack", Model: c.Model, Project: m.Project, Ref: m.Ref,
		Version: c.Version, State: bot.ApprovalProposed, ProposedBy: c.UserID, ExpiresAt: now.Add(b.Config.Expires),
		CreatedAt: now, Needed: b.Config.Approvals, Reason: fmt.Sprintf("/mlops rollback by <@%s>", c.UserID)})
	if err != nil {
		return "", err
	}
	b.wake()
	return fmt.Sprintf("Rollback request #%d posted in <#%s>; it needs %d approval(s) by someone else within %s.",
		a.ID, b.Config.Channel, a.Needed, b.Config.Expires), nil
}

// status lists pending requests, recent jobs and pipelines and running
// cooldowns, for one model or all.
func (b *Bot) status(ctx context.Context, model string) (string, error) {
	now := b.now()
	var sb strings.Builder
	title := "all models"
	if model != "" {
		title = model
	}
	fmt.Fprintf(&sb, "*mlbot status: %s*\n", title)
	alerts, err := b.Store.RecentAlerts(ctx, 20)
	if err != nil {
		return "", err
	}
	sb.WriteString("*Recent alerts*\n")
	n := 0
	for _, a := range alerts {
		if (model != "" && a.Labels["model"] != model) || n == 5 {
			continue
		}
		fmt.Fprintf(&sb, "• %s %s %s since %s\n", a.Status, a.Name(), a.LabelString(), a.StartsAt.Format(time.RFC3339))
		n++
	}
	if n == 0 {
		sb.WriteString("• none\n")
	}
	as, err := b.Store.ListApprovals(ctx, 50)
	if err != nil {
		return "", err
	}
	sb.WriteString("*Pending rollback and promotion requests*\n")
	n = 0
	for _, a := range as {
		if a.State == bot.ApprovalProposed && !a.Expired(now) && (model == "" || a.Model == model) {
			what := fmt.Sprintf("%s to %s", a.Model, versionText(a.Version))
			if a.IsPromotion() {
				what = fmt.Sprintf("promote %s (%s revision %s)", a.Model, a.Project, a.Version)
			}
			fmt.Fprintf(&sb, "• #%d %s, %d/%d approvals, expires in %s\n", a.ID, what,
				len(a.Approvers), a.Needed, a.ExpiresAt.Sub(now).Round(time.Minute))
			n++
		}
	}
	if n == 0 {
		sb.WriteString("• none\n")
	}
	jobs, err := b.Store.ListJobs(ctx, bot.JobFilter{Limit: 50})
	if err != nil {
		return "", err
	}
	sb.WriteString("*Recent retrainings and rollbacks*\n")
	n = 0
	for _, j := range jobs {
		if (j.Kind != bot.KindRetrain && j.Kind != bot.KindRollback) || (model != "" && j.Model != model) || n == 5 {
			continue
		}
		fmt.Fprintf(&sb, "• job %d %s %s: %s %s\n", j.ID, j.Kind, j.Model, j.State, j.Result)
		n++
	}
	if n == 0 {
		sb.WriteString("• none\n")
	}
	ps, err := b.Store.ListPipelines(ctx, 5)
	if err != nil {
		return "", err
	}
	sb.WriteString("*Last pipelines*\n")
	for _, p := range ps {
		fmt.Fprintf(&sb, "• %s %d %s %s\n", p.Backend, p.ExternalID, p.Status, p.WebURL)
	}
	if len(ps) == 0 {
		sb.WriteString("• none\n")
	}
	cs, err := b.Store.ListCooldowns(ctx, now)
	if err != nil {
		return "", err
	}
	sb.WriteString("*Cooldowns*\n")
	n = 0
	for _, c := range cs {
		if model == "" || c.Model == model {
			fmt.Fprintf(&sb, "• %s until %s (job %d)\n", c.Model, c.Until.Format(time.RFC3339), c.JobID)
			n++
		}
	}
	if n == 0 {
		sb.WriteString("• none\n")
	}
	return sb.String(), nil
}
