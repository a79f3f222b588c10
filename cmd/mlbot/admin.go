package main

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"gitlab.com/mlgate/mlgate/internal/bot"
)

// adminStore is what the admin commands (migrate, jobs, audit) need of
// the store.
type adminStore interface {
	Migrate(ctx context.Context) error
	ListJobs(ctx context.Context, f bot.JobFilter) ([]bot.Job, error)
	RetryJob(ctx context.Context, id int64, actor string, now time.Time) error
	ListAudit(ctx context.Context, limit int) ([]bot.AuditEntry, error)
}

// openAdmin opens the store of the config for an admin command.
func (m *Main) openAdmin(ctx context.Context) (adminStore, error) {
	_, st, err := m.open(ctx)
	if err != nil {
		return nil, err
	}
	return st, nil
}

func (m *Main) validate() error {
	cfg, err := bot.LoadFile(m.configPath)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "%s: ok (%d rules, store %s)\n", m.configPath, len(cfg.Rules), cfg.Store.Driver)
	for _, r := range cfg.Rules {
		if cfg.Slack != nil {
			break
		}
		var rollback, notify bool
		for _, a := range r.Actions {
			rollback = rollback || a.ProposeRollback != nil
			notify = notify || a.Notify != nil
		}
		if rollback {
			fmt.Fprintf(m.Stdout, "note: rule %s: rollback requests are stored and wait in the outbox until a slack section is configured\n", r.Name)
		}
		if notify {
			fmt.Fprintf(m.Stdout, "note: rule %s: notify jobs are stored and wait in the outbox until a slack section is configured\n", r.Name)
		}
	}
	return nil
}

func (m *Main) migrate(ctx context.Context) error {
	// Opening migrates; Migrate again is a no-op that proves it.
	st, err := m.openAdmin(ctx)
	if err != nil {
		return err
	}
	if err := st.Migrate(ctx); err != nil {
		return err
	}
	fmt.Fprintln(m.Stdout, "schema up to date")
	return nil
}

func (m *Main) jobs(ctx context.Context) error {
	if len(m.args) == 0 {
		return fmt.Errorf("%w: jobs list | jobs retry ID", errUsage)
	}
	switch m.args[0] {
	case "list":
		if m.state != "" && !slices.Contains(bot.JobStates, bot.JobState(m.state)) {
			return fmt.Errorf("%w: --state %q, expected one of %v", errUsage, m.state, bot.JobStates)
		}
		st, err := m.openAdmin(ctx)
		if err != nil {
			return err
		}
		jobs, err := st.ListJobs(ctx, bot.JobFilter{State: bot.JobState(m.state), Limit: m.limit})
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tSTATE\tKIND\tRULE\tMODEL\tATTEMPTS\tNEXT ATTEMPT\tRESULT / LAST ERROR")
		for _, j := range jobs {
			next := "-"
			if j.State == bot.JobPending {
				next = j.NextAttemptAt.Format(time.RFC3339)
			}
			out := j.Result
			if out == "" {
				out = oneLine(j.LastError)
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%d\t%s\t%s\n", j.ID, j.State, j.Kind, j.Rule, bot.Clip(j.Model, 60), j.Attempts, next, out)
		}
		return tw.Flush()
	case "retry":
		if len(m.args) != 2 {
			return fmt.Errorf("%w: jobs retry ID", errUsage)
		}
		id, err := strconv.ParseInt(m.args[1], 10, 64)
		if err != nil {
			return fmt.Errorf("%w: job id %q is not a number", errUsage, m.args[1])
		}
		st, err := m.openAdmin(ctx)
		if err != nil {
			return err
		}
		if err := st.RetryJob(ctx, id, "cli", time.Now()); err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "job %d is pending again\n", id)
		return nil
	}
	return fmt.Errorf("%w: jobs %s: expected list or retry", errUsage, m.args[0])
}

func (m *Main) audit(ctx context.Context) error {
	st, err := m.openAdmin(ctx)
	if err != nil {
		return err
	}
	entries, err := st.ListAudit(ctx, m.limit)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "WHEN\tACTOR\tACTION\tSUBJECT\tALERT\tJOB\tDETAIL")
	for _, e := range entries {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d\t%s\n", e.At.Format(time.RFC3339), e.Actor, e.Action, e.Subject, e.AlertID, e.JobID, oneLine(e.Detail))
	}
	return tw.Flush()
}

func oneLine(s string) string {
	s = strings.ReplaceAll(s, "\n", " ")
	if len(s) > 160 {
		s = s[:157] + "..."
	}
	return s
}
