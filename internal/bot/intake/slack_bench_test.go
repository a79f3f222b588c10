package intake

import (
	"context"
	"fmt"
	"math"
	"slices"
	"testing"
	"time"

	"gitlab.com/mlgate/mlgate/internal/bot"
	"gitlab.com/mlgate/mlgate/internal/forge"
	"gitlab.com/mlgate/mlgate/internal/forge/gitlab"
)

// approvalsPerRun is how many approvals one benchmark iteration times.
const approvalsPerRun = 100

// BenchmarkApproveToPlay times, for each of 100 approvals, the span from
// the signed Approve click reaching mlbot to GitLab receiving the play
// call of the rollback job, through the durable outbox (SQLite, one
// worker woken by the decision). It reports p50, p99 and the maximum.
func BenchmarkApproveToPlay(b *testing.B) {
	var all []time.Duration
	for b.Loop() {
		b.StopTimer()
		f := newSlackFixture(b, 1)
		f.realTime = true
		ids := make([]int64, approvalsPerRun)
		for i := range ids {
			now := time.Now().UTC()
			a, err := f.st.ProposeRollback(context.Background(), bot.Approval{Rule: "bench", Model: "rec", Project: "ml/rec",
				Ref: "main", Version: fmt.Sprintf("v%d", i), State: bot.ApprovalProposed, ProposedBy: "U_ENG",
				ExpiresAt: now.Add(time.Hour), CreatedAt: now, Needed: 1})
			if err != nil {
				b.Fatal(err)
			}
			ids[i] = a.ID
		}
		f.drain(b) // post the messages first
		w := f.workers[0]
		w.Config.PollInterval = time.Second
		f.bot.Wake = w.Wake
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { w.Run(ctx); close(done) }()
		plays := make(chan call, approvalsPerRun)
		f.gitlab.mu.Lock()
		f.gitlab.seen = make(chan call, 4*approvalsPerRun)
		seen := f.gitlab.seen
		f.gitlab.mu.Unlock()
		go func() {
			for c := range seen {
				if c.Method == "POST" {
					plays <- c
				}
			}
		}()
		b.StartTimer()
		for i, id := range ids {
			start := time.Now()
			if code, body := f.signed(b, "/v1/slack/interactions", f.click("U_PO", id, true, fmt.Sprint("bench", i)), start); code != 200 {
				b.Fatalf("click %d: %d %s", i, code, body)
			}
			select {
			case c := <-plays:
				all = append(all, c.At.Sub(start))
			case <-time.After(10 * time.Second):
				b.Fatalf("approval %d: no play call within 10 s", i)
			}
		}
		b.StopTimer()
		cancel()
		<-done
		if n := len(f.gitlab.get("/api/v4/projects/ml/rec/jobs/901/play")); n != approvalsPerRun {
			b.Fatalf("%d plays for %d approvals", n, approvalsPerRun)
		}
		b.StartTimer()
	}
	report(b, "approve→play through the outbox", all)
}

// BenchmarkRollbackDirect is the floor of BenchmarkApproveToPlay: the
// same three GitLab calls (newest pipelines, their manual jobs, play)
// made directly, without the click, the store or the outbox.
func BenchmarkRollbackDirect(b *testing.B) {
	var all []time.Duration
	for b.Loop() {
		b.StopTimer()
		gl, rec := newFakeGitLab(b)
		gc, err := gitlab.New(gl.URL+"/api/v4", gitlab.Token{Value: "glpat-test", Kind: gitlab.PrivateToken, Source: "bench"},
			gitlab.Options{RetryMax: -1})
		if err != nil {
			b.Fatal(err)
		}
		r := gitlab.NewRollbacks(gc)
		b.StartTimer()
		for i := range approvalsPerRun {
			start := time.Now()
			if _, err := r.Rollback(context.Background(), forge.RollbackTask{Mode: "play", JobName: "rollback",
				Project: "ml/rec", Ref: "main", Version: fmt.Sprint("v", i), Model: "rec"}); err != nil {
				b.Fatal(err)
			}
			plays := rec.get("/api/v4/projects/ml/rec/jobs/901/play")
			all = append(all, plays[len(plays)-1].At.Sub(start))
		}
	}
	report(b, "direct GitLab calls", all)
}

func report(b *testing.B, what string, all []time.Duration) {
	slices.Sort(all)
	// Nearest rank: the smallest value with at least p of them at or below it.
	q := func(p float64) time.Duration { return all[int(math.Ceil(p*float64(len(all))))-1] }
	p50, p99, mx := q(0.50), q(0.99), all[len(all)-1]
	b.ReportMetric(float64(p50.Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(p99.Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(mx.Microseconds())/1000, "max-ms")
	fmt.Printf("%s over %d: p50 %s  p99 %s  max %s\n", what, len(all), p50.Round(10*time.Microsecond),
		p99.Round(10*time.Microsecond), mx.Round(10*time.Microsecond))
}
