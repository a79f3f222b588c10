package slack

import (
	"context"
	"log/slog"
	"slices"
	"time"

	"gitlab.com/mlgate/mlgate/internal/bot"
	"gitlab.com/mlgate/mlgate/internal/forge"
)

// Store is what the bot needs of the store.
type Store interface {
	GetApproval(ctx context.Context, id int64) (bot.Approval, error)
	ListApprovals(ctx context.Context, limit int) ([]bot.Approval, error)
	ProposeRollback(ctx context.Context, a bot.Approval) (bot.Approval, error)
	Decide(ctx context.Context, d bot.Decision) (bot.Outcome, error)
	ExpireApprovals(ctx context.Context, now time.Time) (int, error)
	SetApprovalMessage(ctx context.Context, id int64, channel, ts string) error
	RollbackStarted(ctx context.Context, approvalID int64, pipelineURL string, now time.Time) error
	ChooseRollbackJob(ctx context.Context, approvalID, jobID int64) (int64, error)
	EnqueueJob(ctx context.Context, j bot.Job, audit *bot.AuditEntry) (bool, error)
	AddAudit(ctx context.Context, e bot.AuditEntry) error
	ListJobs(ctx context.Context, f bot.JobFilter) ([]bot.Job, error)
	ListPipelines(ctx context.Context, limit int) ([]bot.Pipeline, error)
	ListCooldowns(ctx context.Context, now time.Time) ([]bot.ActiveCooldown, error)
	RecentAlerts(ctx context.Context, limit int) ([]bot.Alert, error)
}

// Rollbacker starts an approved rollback (forge/gitlab's Rollbacks).
type Rollbacker interface {
	Rollback(ctx context.Context, t forge.RollbackTask) (forge.Run, error)
}

// Bot is mlbot's Slack side.
type Bot struct {
	Config    *bot.SlackConfig
	Store     Store
	Slack     *Client
	Rollbacks Rollbacker
	Log       *slog.Logger
	// Wake tells the outbox worker jobs were stored; may be nil.
	Wake func()
	Now  func() time.Time
}

func (b *Bot) now() time.Time {
	if b.Now == nil {
		return time.Now().UTC()
	}
	return b.Now().UTC()
}

func (b *Bot) wake() {
	if b.Wake != nil {
		b.Wake()
	}
}

// Sweep marks expired rollback requests every interval until ctx ends
// (their messages then say so).
func (b *Bot) Sweep(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		n, err := b.Store.ExpireApprovals(ctx, b.now())
		if err != nil {
			b.Log.Error("expire rollback requests", "err", err)
			continue
		}
		if n > 0 {
			b.Log.Info("rollback requests expired", "count", n)
			b.wake()
		}
	}
}

func sorted(s []string) []string {
	slices.Sort(s)
	return s
}
