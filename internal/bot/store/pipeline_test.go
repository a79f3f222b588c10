package store

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"gitlab.com/mlgate/mlgate/internal/bot"
	"gitlab.com/mlgate/mlgate/internal/forge"
)

// TestEarlyPipelineStatus: a pipeline's hooks arrive before the job that
// started it recorded it (the replica was killed between GitLab's answer
// and the record, and the retry adopts the pipeline later; found by the
// soak). The final status is kept, not replaced by an earlier status
// delivered after it, and applied when the pipeline is recorded; a
// rollback's outcome then goes to its Slack thread.
func TestEarlyPipelineStatus(t *testing.T) {
	eachStore(t, func(t *testing.T, s *DB) {
		ctx := context.Background()
		for i, status := range []string{"success", "running"} {
			ev := bot.PipelineEvent{Source: "gitlab", DeliveryKey: fmt.Sprint("77:", status), Backend: "gitlab", ExternalID: 77,
				Status: status, Now: t0.Add(time.Duration(i) * time.Second)}
			if got, err := s.PipelineEvent(ctx, ev); err != nil || got != nil {
				t.Fatalf("hook %s of an unrecorded pipeline = %+v, %v; want nil, nil", status, got, err)
			}
		}
		task := forge.RollbackTask{ApprovalID: 5, Mode: "play", JobName: "rollback", Project: "ml/rec", Ref: "main", Version: "v3", Model: "rec"}
		if _, err := s.EnqueueJob(ctx, bot.Job{Kind: bot.KindRollback, Model: "rec", DedupKey: "approval/5/rollback", State: bot.JobPending,
			NextAttemptAt: t0, CreatedAt: t0, UpdatedAt: t0, Task: bot.Task{Rollback: &task}}, nil); err != nil {
			t.Fatal(err)
		}
		jobs, err := s.ClaimJobs(ctx, bot.Claim{Kinds: []string{bot.KindRollback}, N: 1, Lease: time.Minute, Token: "a", Now: t0})
		if err != nil || len(jobs) != 1 {
			t.Fatalf("claim = %+v, %v", jobs, err)
		}
		p := &bot.Pipeline{JobID: jobs[0].ID, Backend: "gitlab", Project: "ml/rec", ExternalID: 77, Ref: "main", WebURL: "http://gl/p/77", Status: "pending"}
		if err := s.FinishJob(ctx, bot.Finish{ID: jobs[0].ID, Lease: "a", State: bot.JobDone, Pipeline: p, Now: t0.Add(time.Minute)}); err != nil {
			t.Fatal(err)
		}
		ps, _ := s.ListPipelines(ctx, 0)
		if len(ps) != 1 || ps[0].Status != "success" {
			t.Fatalf("pipelines = %+v, want 77 success", ps)
		}
		all, _ := s.ListJobs(ctx, bot.JobFilter{Limit: 100})
		var replies []string
		for _, j := range all {
			if j.Kind == bot.KindSlackReply {
				replies = append(replies, j.Task.Slack.Text)
			}
		}
		if len(replies) != 1 || !strings.Contains(replies[0], "Rollback pipeline 77 of rec to \"v3\" finished: *success*") {
			t.Fatalf("thread replies = %q, want the rollback's outcome", replies)
		}
		// A hook of a pipeline that never becomes mlbot's is dropped a day on.
		late := bot.PipelineEvent{Source: "gitlab", DeliveryKey: "8:running", Backend: "gitlab", ExternalID: 8, Status: "running", Now: t0.Add(25 * time.Hour)}
		if _, err := s.PipelineEvent(ctx, late); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM early_statuses`).Scan(&n); err != nil || n != 1 {
			t.Errorf("early statuses kept: %d, %v; want 1 (pipeline 77's applied, the day-old pruned)", n, err)
		}
	})
}
