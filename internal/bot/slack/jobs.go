package slack

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"gitlab.com/mlgate/mlgate/internal/bot"
	"gitlab.com/mlgate/mlgate/internal/forge"
)

// errNotPosted makes an update wait (retried with backoff) until the
// message it updates is posted.
var errNotPosted = errors.New("the request's Slack message is not posted yet")

// Handlers returns the outbox handlers of the Slack job kinds and of
// rollbacks.
func (b *Bot) Handlers() map[string]bot.Handler {
	return map[string]bot.Handler{
		bot.KindSlackPost:    bot.HandlerFunc(b.post),
		bot.KindSlackUpdate:  bot.HandlerFunc(b.update),
		bot.KindSlackReply:   bot.HandlerFunc(b.reply),
		bot.KindSlackRespond: bot.HandlerFunc(b.respond),
		bot.KindRollback:     bot.HandlerFunc(b.rollback),
	}
}

// Notify delivers notify actions to their channel (or slack.channel).
func (b *Bot) Notify(ctx context.Context, j bot.Job) error {
	t := j.Task.Notify
	if t == nil {
		return forge.Permanent(errors.New("notify job without a task"))
	}
	ch := t.Channel
	if ch == "" {
		ch = b.Config.Channel
	}
	return b.Slack.Reply(ctx, ch, "", t.Text)
}

func (b *Bot) approval(ctx context.Context, j bot.Job) (bot.Approval, error) {
	if j.Task.Slack == nil {
		return bot.Approval{}, forge.Permanent(fmt.Errorf("%s job without a task", j.Kind))
	}
	a, err := b.Store.GetApproval(ctx, j.Task.Slack.ApprovalID)
	if errors.Is(err, bot.ErrNotFound) {
		return a, forge.Permanent(err)
	}
	return a, err
}

// post posts a request's message once: a retry after the ts was recorded
// does not post a second message, and a retry after an attempt that may
// have posted without recording it (killed, or Slack's answer lost) first
// looks for that message in the channel (FindApproval) and records it.
func (b *Bot) post(ctx context.Context, j bot.Job) (forge.Run, error) {
	a, err := b.approval(ctx, j)
	if err != nil || a.TS != "" {
		return forge.Run{}, err
	}
	ch := b.Config.Channel
	if j.Attempts > 1 || j.LastError != "" {
		ts, err := b.Slack.FindApproval(ctx, ch, a.ID, j.CreatedAt)
		switch {
		case err == nil && ts != "":
			if err := b.Store.SetApprovalMessage(ctx, a.ID, ch, ts); err != nil {
				return forge.Run{}, err
			}
			return forge.Run{Detail: fmt.Sprintf("found request %d's message, posted by an earlier attempt, in %s at %s", a.ID, ch, ts)}, nil
		case err == nil:
		case errors.Is(err, errHistoryTooLong) || errors.Is(err, forge.ErrPermanent):
			// The search cannot tell (a channel name instead of an ID, a
			// missing scope, a busy channel): posting again risks a second
			// message, never a missing one.
			b.Log.Warn("cannot look for the message an earlier attempt may have posted; posting it",
				"request", a.ID, "channel", ch, "err", err)
		default:
			return forge.Run{}, err // Slack unavailable: retried later
		}
	}
	ch, ts, err := b.Slack.PostApproval(ctx, ch, a)
	if err != nil {
		return forge.Run{}, err
	}
	if err := b.Store.SetApprovalMessage(ctx, a.ID, ch, ts); err != nil {
		return forge.Run{}, err
	}
	return forge.Run{Detail: fmt.Sprintf("posted request %d to %s at %s", a.ID, ch, ts)}, nil
}

// update rewrites the message from the request's current state, so
// updates that queue up all show the latest one.
func (b *Bot) update(ctx context.Context, j bot.Job) (forge.Run, error) {
	a, err := b.approval(ctx, j)
	if err != nil {
		return forge.Run{}, err
	}
	if a.TS == "" {
		return forge.Run{}, fmt.Errorf("update request %d: %w", a.ID, errNotPosted)
	}
	// Two updates of one request may run at once on two workers; each
	// checks after its call that it showed the current state, and shows it
	// again otherwise, so the message ends on the latest state.
	for range 3 {
		if err := b.Slack.UpdateApproval(ctx, a); err != nil {
			return forge.Run{}, err
		}
		now, err := b.Store.GetApproval(ctx, a.ID)
		if err != nil {
			return forge.Run{}, err
		}
		if sameView(a, now) {
			break
		}
		a = now
	}
	return forge.Run{Detail: fmt.Sprintf("updated request %d: %s", a.ID, a.State)}, nil
}

// sameView reports whether two reads of a request render the same message.
func sameView(x, y bot.Approval) bool {
	return x.State == y.State && x.PipelineURL == y.PipelineURL && slices.Equal(x.Approvers, y.Approvers) &&
		x.DecidedBy == y.DecidedBy
}

func (b *Bot) reply(ctx context.Context, j bot.Job) (forge.Run, error) {
	a, err := b.approval(ctx, j)
	if err != nil {
		return forge.Run{}, err
	}
	if a.IsPromotion() && a.TS == "" {
		// A canary's events belong in its request's thread.
		return forge.Run{}, fmt.Errorf("reply to request %d: %w", a.ID, errNotPosted)
	}
	ch := a.Channel
	if ch == "" {
		ch = b.Config.Channel
	}
	if err := b.Slack.Reply(ctx, ch, a.TS, j.Task.Slack.Text); err != nil {
		return forge.Run{}, err
	}
	return forge.Run{Detail: fmt.Sprintf("replied in the thread of request %d", a.ID)}, nil
}

func (b *Bot) respond(ctx context.Context, j bot.Job) (forge.Run, error) {
	t := j.Task.Slack
	if t == nil || t.ResponseURL == "" {
		return forge.Run{}, forge.Permanent(errors.New("slack_respond job without a response_url"))
	}
	if err := b.Slack.Respond(ctx, t.ResponseURL, t.Text); err != nil {
		return forge.Run{}, err
	}
	return forge.Run{Detail: "answered through response_url"}, nil
}

func (b *Bot) rollback(ctx context.Context, j bot.Job) (forge.Run, error) {
	t := j.Task.Rollback
	if t == nil {
		return forge.Run{}, forge.Permanent(errors.New("rollback job without a task"))
	}
	task := *t
	task.JobID, task.Attempt = j.ID, j.Attempts
	if j.Attempts > 1 || j.LastError != "" {
		// An earlier attempt ran and may have started the rollback.
		task.Since = j.CreatedAt
	}
	if task.Mode != "pipeline" {
		a, err := b.Store.GetApproval(ctx, t.ApprovalID)
		if err != nil {
			if errors.Is(err, bot.ErrNotFound) {
				err = forge.Permanent(err)
			}
			return forge.Run{}, err
		}
		task.PlayJob = a.RollbackJob
		task.Choose = func(ctx context.Context, job int64) (int64, error) {
			return b.Store.ChooseRollbackJob(ctx, t.ApprovalID, job)
		}
	}
	run, err := b.Rollbacks.Rollback(ctx, task)
	if err != nil {
		return run, err
	}
	if err := b.Store.RollbackStarted(ctx, t.ApprovalID, run.WebURL, b.now()); err != nil {
		return run, err
	}
	b.wake()
	return run, nil
}
