package gitlab

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"gitlab.com/mlgate/mlgate/internal/forge"
	"gitlab.com/mlgate/mlgate/internal/forge/gitlab/gitlabtest"
)

func rollbacksFor(t *testing.T, gl *gitlabtest.Server) *Rollbacks {
	t.Helper()
	c, err := New(gl.URL+"/api/v4", Token{Value: "glpat-r", Source: "test"}, Options{RetryMax: -1})
	if err != nil {
		t.Fatal(err)
	}
	return NewRollbacks(c)
}

// TestRollbackRetryAfterLostPlay is the replay the soak found: the play
// call reaches GitLab but its answer is lost (a crash, a dropped
// connection), and the deploy the rollback starts has a manual rollback
// job of its own. The retry, told the job the first attempt chose, adopts
// it; a retry that chose again played the new deploy's job, a second
// rollback.
func TestRollbackRetryAfterLostPlay(t *testing.T) {
	ctx := context.Background()
	gl := gitlabtest.New(t, "ml%2Frec")
	gl.Redeploy = true
	first := gl.Deploy("production", "rollback")
	gl.LoseEvery = 1
	gl.SetMode(gitlabtest.ModeLoseN)
	r := rollbacksFor(t, gl)
	task := forge.RollbackTask{ApprovalID: 1, Mode: "play", JobName: "rollback", Project: "ml/rec", Ref: "production",
		Version: "v4", Model: "rec"}
	var recorded int64
	task.Choose = func(_ context.Context, job int64) (int64, error) {
		if recorded == 0 {
			recorded = job
		}
		return recorded, nil
	}
	if _, err := r.Rollback(ctx, task); err == nil {
		t.Fatal("the first attempt's answer was dropped, yet it reported success")
	}
	if recorded != first || len(gl.Plays()) != 1 {
		t.Fatalf("after the first attempt: recorded job %d (want %d), plays %+v", recorded, first, gl.Plays())
	}
	gl.SetMode(gitlabtest.ModeOK)

	retry := task
	retry.PlayJob = recorded
	run, err := r.Rollback(ctx, retry)
	if err != nil {
		t.Fatal(err)
	}
	plays := gl.Plays()
	if len(plays) != 1 {
		t.Fatalf("the retry played again: %+v", plays)
	}
	if run.ExternalID != plays[0].PipelineID || run.Status != "pending" || run.WebURL != gl.URL+"/ml/rec/-/pipelines/1" {
		t.Errorf("adopted run %+v, want pipeline %d of the first play", run, plays[0].PipelineID)
	}

	// What the retry did before the job was recorded: it chose again,
	// and found the new deploy's job.
	blind := task
	blind.Choose = nil
	if _, err := r.Rollback(ctx, blind); err != nil {
		t.Fatal(err)
	}
	if n := len(gl.Plays()); n != 2 {
		t.Fatalf("a retry that chooses again: %d plays, want 2 (the replay)", n)
	}
}

// TestRollbackRetryBeforePlay: the first attempt recorded its job and
// crashed before the play call; the retry plays that job, once.
func TestRollbackRetryBeforePlay(t *testing.T) {
	gl := gitlabtest.New(t, "ml%2Frec")
	job := gl.Deploy("production", "rollback")
	r := rollbacksFor(t, gl)
	task := forge.RollbackTask{ApprovalID: 1, Mode: "play", JobName: "rollback", Project: "ml/rec", Ref: "production",
		Version: "v4", Model: "rec", PlayJob: job}
	run, err := r.Rollback(context.Background(), task)
	if err != nil {
		t.Fatal(err)
	}
	plays := gl.Plays()
	if len(plays) != 1 || plays[0].JobID != job || plays[0].Variables["ROLLBACK_TO"] != "v4" || run.ExternalID != plays[0].PipelineID {
		t.Fatalf("plays %+v, run %+v", plays, run)
	}
}

// TestRollbackPipelineRetryAdopts: in pipeline mode a retry after a lost
// answer adopts the pipeline the first attempt created.
func TestRollbackPipelineRetryAdopts(t *testing.T) {
	gl := gitlabtest.New(t, "ml%2Frec")
	gl.LoseEvery = 1
	gl.SetMode(gitlabtest.ModeLoseN)
	r := rollbacksFor(t, gl)
	task := forge.RollbackTask{ApprovalID: 1, Mode: "pipeline", Project: "ml/rec", Ref: "production",
		Version: "v4", Model: "rec", JobID: 42, Attempt: 1}
	if _, err := r.Rollback(context.Background(), task); err == nil {
		t.Fatal("the first attempt's answer was dropped, yet it reported success")
	}
	gl.SetMode(gitlabtest.ModeOK)
	task.Attempt, task.Since = 2, gl.Created()[0].CreatedAt.Add(-time.Minute)
	run, err := r.Rollback(context.Background(), task)
	if err != nil {
		t.Fatal(err)
	}
	created := gl.Created()
	if len(created) != 1 || run.ExternalID != created[0].ID || created[0].Variables["ROLLBACK_TO"] != "v4" {
		t.Fatalf("created %+v, run %+v", created, run)
	}
}

// TestRollbackJobTaken: two approved rollbacks of one project find the
// same manual job; the store gives it to the first (Choose answers the
// second with forge.JobTaken). The job is played once: the second
// rollback adopts it when it rolls back the same model to the same
// version, and fails for good, naming the first, when it does not.
func TestRollbackJobTaken(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		name, model, version string
		adopt                bool
	}{
		{"same model and version", "rec", "v4", true},
		{"another version", "rec", "v2", false},
		{"another model", "ranker", "v4", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			gl := gitlabtest.New(t, "ml%2Frec")
			job := gl.Deploy("production", "rollback")
			r := rollbacksFor(t, gl)
			holder := map[int64]int64{} // job -> approval, as the store keeps it
			task := func(approval int64, model, version string) forge.RollbackTask {
				t := forge.RollbackTask{ApprovalID: approval, Mode: "play", JobName: "rollback", Project: "ml/rec",
					Ref: "production", Version: version, Model: model}
				t.Choose = func(_ context.Context, j int64) (int64, error) {
					if a, ok := holder[j]; ok && a != approval {
						return 0, &forge.JobTaken{Job: j, Approval: a, Model: "rec", Version: "v4"}
					}
					holder[j] = approval
					return j, nil
				}
				return t
			}
			// Approval 1's rollback recorded the job and has not played
			// it yet when approval 2's finds it still manual.
			holder[job] = 1
			run, err := r.Rollback(ctx, task(2, c.model, c.version))
			if n := len(gl.Plays()); n != 0 {
				t.Fatalf("the second rollback played %d jobs", n)
			}
			if _, err := r.Rollback(ctx, task(1, "rec", "v4")); err != nil {
				t.Fatal(err)
			}
			if plays := gl.Plays(); len(plays) != 1 || plays[0].JobID != job {
				t.Fatalf("plays %+v, want job %d once", plays, job)
			}
			if c.adopt {
				if err != nil || run.ExternalID == 0 || !strings.Contains(run.Detail, "approval 1's rollback") {
					t.Fatalf("second rollback: %+v, %v; want it to adopt approval 1's", run, err)
				}
				return
			}
			if !errors.Is(err, forge.ErrPermanent) || !strings.Contains(err.Error(), fmt.Sprintf("job %d is the rollback of approval 1 (rec to \"v4\")", job)) {
				t.Fatalf("second rollback: %v; want a permanent error naming approval 1's rollback", err)
			}
		})
	}
}
