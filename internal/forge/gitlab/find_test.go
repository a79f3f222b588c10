package gitlab

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"gitlab.com/mlgate/mlgate/internal/forge"
	"gitlab.com/mlgate/mlgate/internal/forge/gitlab/gitlabtest"
	"gitlab.com/mlgate/mlgate/internal/testenv"
)

// lost stores the pipeline whose answer job 7's earlier attempt lost.
func lost(gl *gitlabtest.Server, named bool) {
	p := gitlabtest.Pipeline{Ref: "main", Source: "api", CreatedAt: gl.Now().Add(-20 * time.Second),
		Variables: map[string]string{forge.JobIDVariable: "7", "MODEL": "rec"}}
	if named {
		p.Name = forge.PipelineName(7)
	}
	gl.Add(p)
}

func pipelinesFor(t *testing.T, gl *gitlabtest.Server) *Pipelines {
	t.Helper()
	c, err := New(gl.URL+"/api/v4", Token{Value: "glpat-x", Source: "test"}, Options{RetryMax: -1})
	if err != nil {
		t.Fatal(err)
	}
	return NewPipelines(c, "")
}

// retry is job 7's second attempt: queued 30 s ago (this machine's clock).
func retry() forge.RetrainTask {
	return forge.RetrainTask{Backend: "gitlab", Project: "ml/rec", Ref: "main", Variables: map[string]string{"MODEL": "rec"},
		JobID: 7, Since: time.Now().Add(-30 * time.Second)}
}

// TestRetrainFindsEarlierPipeline covers a retried job among thousands of
// pipelines on the ref: the pipeline its lost attempt created is found by
// name in one list call, or by the window since the job was queued on
// GitLab's clock (even 7 minutes ahead of ours, or a GitLab without the
// name and created_* filters), and adopted; without one a single new
// pipeline carries MLGATE_JOB_ID and MLGATE_PIPELINE_NAME. The number of
// calls each search makes is bounded, whatever the history.
func TestRetrainFindsEarlierPipeline(t *testing.T) {
	tests := []struct {
		name      string
		named     bool // the project sets workflow:name
		knownName bool // an earlier create in this process showed it
		noFilters bool
		skew      time.Duration
		lost      bool
		wantCalls int // list + variable calls of the search
	}{
		{"named, found by name", true, false, false, 0, true, 2},
		{"named and known, none: one call", true, true, false, 0, false, 1},
		{"named, not yet known, none: name then window", true, false, false, 0, false, 2},
		{"unnamed, found in the window", false, false, false, 0, true, 3},
		{"unnamed, none in the window", false, false, false, 0, false, 2},
		{"GitLab's clock 7 minutes ahead", false, false, false, 7 * time.Minute, true, 3},
		{"GitLab's clock 7 minutes behind", false, false, false, -7 * time.Minute, true, 3},
		{"a GitLab without the filters", false, false, true, 0, true, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gl := gitlabtest.New(t, "ml%2Frec")
			gl.Named, gl.NoFilters, gl.Skew = tt.named, tt.noFilters, tt.skew
			gl.AddHistory(3000, "main", gl.Now().Add(-2*time.Minute))
			if tt.lost {
				lost(gl, tt.named)
			}
			p := pipelinesFor(t, gl)
			if tt.knownName {
				p.look.setNamed("ml/rec", true)
			}
			run, err := p.Retrain(context.Background(), retry())
			if err != nil {
				t.Fatal(err)
			}
			c := gl.Counts()
			created := gl.Created()
			switch {
			case tt.lost && (run.ExternalID != 3001 || len(created) != 0 || run.Detail == ""):
				t.Errorf("run %+v, %d created; want pipeline 3001 adopted", run, len(created))
			case !tt.lost && (len(created) != 1 || run.ExternalID != created[0].ID ||
				created[0].Variables[forge.JobIDVariable] != "7" || created[0].Variables[forge.PipelineNameVariable] != "mlbot retrain job 7"):
				t.Errorf("run %+v, created %+v; want one new pipeline carrying job 7", run, created)
			}
			if got := c.Lists + c.VariableReads; got != tt.wantCalls {
				t.Errorf("search made %d calls (%+v), want %d", got, c, tt.wantCalls)
			}
		})
	}
}

// TestRetrainWideWindow has 60 pipelines of other jobs created since job
// 7 was queued: one attempt reads findReads of them, and the next goes on
// where it stopped, so every candidate is read once and the third attempt
// creates the pipeline.
func TestRetrainWideWindow(t *testing.T) {
	gl := gitlabtest.New(t, "ml%2Frec")
	gl.AddHistory(60, "main", gl.Now())
	p := pipelinesFor(t, gl)
	task := retry()
	task.Since = time.Now().Add(-2 * time.Minute)
	for attempt := 1; attempt <= 2; attempt++ {
		_, err := p.Retrain(context.Background(), task)
		if !errors.Is(err, errSearchUnfinished) || errors.Is(err, forge.ErrPermanent) {
			t.Fatalf("attempt %d: %v; want a retryable unfinished search", attempt, err)
		}
	}
	if _, err := p.Retrain(context.Background(), task); err != nil {
		t.Fatal(err)
	}
	if c := gl.Counts(); c.VariableReads != 60 || len(gl.Created()) != 1 {
		t.Errorf("%+v, %d created; want 60 variable reads and 1 pipeline", c, len(gl.Created()))
	}
}

// TestRetrainSearchPastOnePass: after a restart in a burst, the window
// of a job's life holds more pipelines than one attempt lists (1,500 of
// other jobs, newer than the lost one); each attempt goes on below where
// the last stopped, so the search reaches the lost pipeline at the
// bottom and adopts it instead of retrying for ever (found by
// TestKillDuringBurstPostgres: jobs at attempt 130, never done).
func TestRetrainSearchPastOnePass(t *testing.T) {
	gl := gitlabtest.New(t, "ml%2Frec")
	gl.Add(gitlabtest.Pipeline{Ref: "main", Source: "api", CreatedAt: gl.Now().Add(-30 * time.Minute),
		Variables: map[string]string{forge.JobIDVariable: "7", "MODEL": "rec"}})
	gl.AddHistory(1500, "main", gl.Now())
	searchUntilAdopted(t, gl)
}

// searchUntilAdopted retries job 7, lost 30 minutes ago as pipeline 1
// below 1,500 pipelines of other jobs, until it adopts pipeline 1: within
// as many attempts as reading each candidate once takes, and reading each
// once.
func searchUntilAdopted(t *testing.T, gl *gitlabtest.Server) {
	t.Helper()
	p := pipelinesFor(t, gl)
	task := retry()
	task.Since = time.Now().Add(-31 * time.Minute)
	const most = 1500/findReads + 2
	for attempt := 1; ; attempt++ {
		run, err := p.Retrain(context.Background(), task)
		if err == nil {
			if run.ExternalID != 1 || len(gl.Created()) != 0 {
				t.Fatalf("run %+v, %d created; want the lost pipeline 1 adopted", run, len(gl.Created()))
			}
			if c := gl.Counts(); c.VariableReads != 1501 {
				t.Errorf("%+v: want each of the 1,501 candidates read once", c)
			}
			return
		}
		if !errors.Is(err, errSearchUnfinished) || attempt == most {
			t.Fatalf("attempt %d: %v; want the search to finish within %d attempts", attempt, err, most)
		}
	}
}

// TestRetrainSearchPastOneSecond: the same, but the 1,500 pipelines were
// created within one second (a burst on a fast GitLab; created_at has a
// resolution of a second). A cursor of creation times cannot move past
// that second, so each attempt also remembers the page it reached and the
// next lists on from there (found by TestKillDuringBurstPostgres once
// mlbot got faster: jobs at attempt 200, listing the same 1,000
// pipelines read already).
func TestRetrainSearchPastOneSecond(t *testing.T) {
	gl := gitlabtest.New(t, "ml%2Frec")
	gl.Add(gitlabtest.Pipeline{Ref: "main", Source: "api", CreatedAt: gl.Now().Add(-30 * time.Minute),
		Variables: map[string]string{forge.JobIDVariable: "7", "MODEL": "rec"}})
	burst := gl.Now().Add(-time.Minute).Truncate(time.Second)
	var ps []gitlabtest.Pipeline
	for i := range 1500 {
		ps = append(ps, gitlabtest.Pipeline{Ref: "main", Source: "api", CreatedAt: burst.Add(time.Duration(i) * time.Microsecond),
			Variables: map[string]string{forge.JobIDVariable: strconv.Itoa(100000 + i), "MODEL": "rec"}})
	}
	gl.Add(ps...)
	searchUntilAdopted(t, gl)
}

// TestRetrainSearchBudget: with slow calls and a short deadline, the search
// gives up (retryably) within half the deadline, leaving the rest.
func TestRetrainSearchBudget(t *testing.T) {
	gl := gitlabtest.New(t, "ml%2Frec")
	gl.Latency = 50 * time.Millisecond
	gl.AddHistory(40, "main", gl.Now())
	ctx, cancel := context.WithTimeout(context.Background(), 600*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := pipelinesFor(t, gl).Retrain(ctx, retry())
	if err == nil || errors.Is(err, forge.ErrPermanent) || len(gl.Created()) != 0 {
		t.Fatalf("err %v, %d created; want a retryable error and no pipeline", err, len(gl.Created()))
	}
	if ctx.Err() != nil {
		t.Errorf("the search took %v: the whole 600ms deadline, none left for the create call", time.Since(start))
	}
}

// TestRetrainSearchErrors: a failing search is retried (5xx) or fails the
// job (4xx), never creates blind; a first attempt does not search.
func TestRetrainSearchErrors(t *testing.T) {
	gl := gitlabtest.New(t, "ml%2Frec")
	gl.SetMode(gitlabtest.ModeOutage)
	p := pipelinesFor(t, gl)
	if _, err := p.Retrain(context.Background(), retry()); err == nil || errors.Is(err, forge.ErrPermanent) {
		t.Errorf("503: %v, want retryable", err)
	}
	gl.SetMode(gitlabtest.ModeOK)
	task := retry()
	task.Project = "ml/other" // unknown to the stand-in: 404
	if _, err := p.Retrain(context.Background(), task); !errors.Is(err, forge.ErrPermanent) {
		t.Errorf("404: %v, want permanent", err)
	}
	task = retry()
	task.Since = time.Time{}
	if _, err := p.Retrain(context.Background(), task); err != nil {
		t.Fatal(err)
	}
	if c := gl.Counts(); c.Lists != 0 || c.Creates != 1 {
		t.Errorf("first attempt: %+v; want no search and one create", c)
	}
}

// TestRetrainRemembersAttempts: when this process made every earlier
// attempt of a job, it searches only where one of them may have created
// a pipeline: not at all after GitLab refused the create call (503), and
// only the span of a call whose answer was lost after one that was, even
// with pipelines of other jobs created since. A process that did not see
// them all (a restart, another replica) searches the job's whole life.
func TestRetrainRemembersAttempts(t *testing.T) {
	testenv.Slow(t, "waits out real retry backoffs")
	first := forge.RetrainTask{Backend: "gitlab", Project: "ml/rec", Ref: "main", JobID: 7}
	again := func(attempt int) forge.RetrainTask {
		t := retry()
		t.Attempt = attempt
		return t
	}
	t.Run("refused: no search", func(t *testing.T) {
		gl := gitlabtest.New(t, "ml%2Frec")
		gl.AddHistory(3000, "main", gl.Now())
		p := pipelinesFor(t, gl)
		gl.SetMode(gitlabtest.ModeOutage)
		if _, err := p.Retrain(context.Background(), first); err == nil {
			t.Fatal("want the 503")
		}
		gl.SetMode(gitlabtest.ModeOK)
		if _, err := p.Retrain(context.Background(), again(2)); err != nil {
			t.Fatal(err)
		}
		if c := gl.Counts(); c.Lists != 0 || c.VariableReads != 0 || len(gl.Created()) != 1 {
			t.Errorf("%+v, %d created; want no search and one pipeline", c, len(gl.Created()))
		}
	})
	t.Run("answer lost: the span of that call", func(t *testing.T) {
		gl := gitlabtest.New(t, "ml%2Frec")
		gl.AddHistory(3000, "main", gl.Now().Add(-time.Minute))
		p := pipelinesFor(t, gl)
		gl.SetMode(gitlabtest.ModeDrop)
		if _, err := p.Retrain(context.Background(), first); err == nil {
			t.Fatal("want the dropped connection")
		}
		time.Sleep(6 * time.Second) // past the window's margin
		gl.SetMode(gitlabtest.ModeOK)
		for range 30 { // other jobs' pipelines since
			gl.Add(gitlabtest.Pipeline{Ref: "main", Source: "api", CreatedAt: gl.Now(), Variables: map[string]string{forge.JobIDVariable: "8"}})
		}
		run, err := p.Retrain(context.Background(), again(2))
		if err != nil {
			t.Fatal(err)
		}
		c := gl.Counts()
		if len(gl.Created()) != 1 || run.ExternalID != gl.Created()[0].ID || c.Lists+c.VariableReads != 3 {
			t.Errorf("run %+v, %+v, %d created; want the lost pipeline adopted in 3 calls", run, c, len(gl.Created()))
		}
	})
	t.Run("not seen here: the job's life", func(t *testing.T) {
		gl := gitlabtest.New(t, "ml%2Frec")
		gl.AddHistory(3000, "main", gl.Now().Add(-time.Minute))
		gl.SetMode(gitlabtest.ModeOutage)
		pipelinesFor(t, gl).Retrain(context.Background(), first)
		gl.SetMode(gitlabtest.ModeOK)
		if _, err := pipelinesFor(t, gl).Retrain(context.Background(), again(2)); err != nil {
			t.Fatal(err)
		}
		if c := gl.Counts(); c.Lists != 2 {
			t.Errorf("%+v; want a search by name and one by the job's life", c)
		}
	})
}
