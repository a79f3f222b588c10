package slack

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"gitlab.com/mlgate/mlgate/internal/bot"
	"gitlab.com/mlgate/mlgate/internal/bot/store"
	"gitlab.com/mlgate/mlgate/internal/forge"
)

// rollbackFunc adapts a function to Rollbacker.
type rollbackFunc func(ctx context.Context, t forge.RollbackTask) (forge.Run, error)

func (f rollbackFunc) Rollback(ctx context.Context, t forge.RollbackTask) (forge.Run, error) {
	return f(ctx, t)
}

// TestRollbackRemembersChosenJob: the first attempt records the job it
// is about to play on the request and loses the play's answer (killed);
// the retry is handed that job, so it can adopt it instead of choosing
// again (the replay the soak found).
func TestRollbackRemembersChosenJob(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	st, err := store.OpenSQLite(ctx, filepath.Join(t.TempDir(), "mlbot.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	a, err := st.ProposeRollback(ctx, bot.Approval{Rule: "slack", Model: "rec", Project: "ml/rec", Ref: "main", Version: "v3",
		State: bot.ApprovalProposed, ProposedBy: "U1", ExpiresAt: now.Add(time.Hour), CreatedAt: now})
	if err != nil {
		t.Fatal(err)
	}
	var seen []forge.RollbackTask
	lost := errors.New("connection reset")
	b := &Bot{Store: st, Log: slog.New(slog.DiscardHandler), Now: func() time.Time { return now },
		Rollbacks: rollbackFunc(func(ctx context.Context, task forge.RollbackTask) (forge.Run, error) {
			seen = append(seen, task)
			if task.PlayJob == 0 {
				if _, err := task.Choose(ctx, 501); err != nil {
					return forge.Run{}, err
				}
				return forge.Run{}, lost
			}
			return forge.Run{Backend: "gitlab", Project: "ml/rec", ExternalID: 55, WebURL: "http://gl/p/55"}, nil
		})}
	job := bot.Job{ID: 9, Kind: bot.KindRollback, Attempts: 1, CreatedAt: now,
		Task: bot.Task{Rollback: &forge.RollbackTask{ApprovalID: a.ID, Mode: "play", JobName: "rollback", Project: "ml/rec",
			Ref: "main", Version: "v3", Model: "rec"}}}
	if _, err := b.rollback(ctx, job); !errors.Is(err, lost) {
		t.Fatalf("first attempt: %v, want the lost answer", err)
	}
	if got, _ := st.GetApproval(ctx, a.ID); got.RollbackJob != 501 {
		t.Fatalf("the request records job %d, want 501", got.RollbackJob)
	}
	job.Attempts, job.LastError = 2, lost.Error()
	run, err := b.rollback(ctx, job)
	if err != nil || run.ExternalID != 55 {
		t.Fatalf("retry: %+v, %v", run, err)
	}
	if len(seen) != 2 || seen[1].PlayJob != 501 || seen[1].JobID != 9 || seen[1].Attempt != 2 || !seen[1].Since.Equal(now) {
		t.Fatalf("tasks %+v; the retry wants PlayJob 501, JobID 9, Attempt 2, Since the job's creation", seen)
	}
	if got, _ := st.GetApproval(ctx, a.ID); got.PipelineURL != "http://gl/p/55" {
		t.Errorf("the request links %q, want the adopted pipeline", got.PipelineURL)
	}
}
