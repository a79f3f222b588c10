package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"gitlab.com/mlgate/mlgate/internal/bot"
	"gitlab.com/mlgate/mlgate/internal/bot/store/pgtest"
	"gitlab.com/mlgate/mlgate/internal/forge"
	"gitlab.com/mlgate/mlgate/internal/testenv"
)

var (
	pg        *pgtest.Server
	pgSkipped string
)

func TestMain(m *testing.M) {
	var err error
	if pg, err = pgtest.Start(); err != nil {
		pgSkipped = err.Error()
	}
	code := m.Run()
	pg.Stop()
	os.Exit(code)
}

// eachStore runs fn against a fresh SQLite store and a fresh PostgreSQL
// store: the same suite for both implementations.
func eachStore(t *testing.T, fn func(t *testing.T, s *DB)) {
	t.Run("sqlite", func(t *testing.T) {
		s, err := OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "mlbot.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		fn(t, s)
	})
	t.Run("postgres", func(t *testing.T) {
		if pg == nil {
			t.Skip("PostgreSQL unavailable: " + pgSkipped)
		}
		s, err := OpenPostgres(context.Background(), pg.NewDB(t))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		fn(t, s)
	})
}

var t0 = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

func alert(fp, status string, starts time.Time) bot.Alert {
	return bot.Alert{GroupKey: "g", Receiver: "mlbot", Fingerprint: fp, Status: status, StartsAt: starts,
		Labels: map[string]string{"alertname": "Drift", "model": "rec"}, Annotations: map[string]string{"psi": "0.4"},
		ReceivedAt: t0}
}

// onePlan queues one retrain job per new firing alert.
func onePlan(a bot.Alert) bot.Plan {
	return bot.Plan{Jobs: []bot.Job{{Kind: bot.KindRetrain, Rule: "r", Model: "rec", State: bot.JobPending,
		DedupKey: "r/0", NextAttemptAt: t0, CreatedAt: t0, UpdatedAt: t0,
		Task: bot.Task{Retrain: &forge.RetrainTask{Backend: "gitlab", Project: "g/p", Ref: "main",
			Variables: map[string]string{"MODEL": a.Labels["model"]}}}}},
		Audit: []bot.AuditEntry{{At: t0, Actor: "rule", Action: "match", Subject: "r"}}}
}

func mustSave(t *testing.T, s *DB, alerts ...bot.Alert) bot.Intake {
	t.Helper()
	in, err := s.SaveAlerts(context.Background(), alerts, onePlan)
	if err != nil {
		t.Fatal(err)
	}
	return in
}

func TestSaveAlertsDedup(t *testing.T) {
	eachStore(t, func(t *testing.T, s *DB) {
		ctx := context.Background()
		a := alert("fp1", bot.StatusFiring, t0)
		steps := []struct {
			name   string
			alerts []bot.Alert
			want   bot.Intake
		}{
			{"first firing", []bot.Alert{a}, bot.Intake{New: 1, Matched: 1, Jobs: 1}},
			{"repeat", []bot.Alert{a}, bot.Intake{Duplicate: 1}},
			{"twice in one message", []bot.Alert{a, a}, bot.Intake{Duplicate: 2}},
			{"other group", []bot.Alert{func() bot.Alert { b := a; b.GroupKey = "h"; return b }()}, bot.Intake{New: 1, Matched: 1, Jobs: 1}},
			{"resolved", []bot.Alert{alert("fp1", bot.StatusResolved, t0)}, bot.Intake{Resolved: 1}},
			{"resolved again", []bot.Alert{alert("fp1", bot.StatusResolved, t0)}, bot.Intake{Duplicate: 1}},
			{"refiring", []bot.Alert{alert("fp1", bot.StatusFiring, t0.Add(time.Hour))}, bot.Intake{New: 1, Matched: 1, Jobs: 1}},
			{"resolved unseen", []bot.Alert{alert("fp2", bot.StatusResolved, t0)}, bot.Intake{New: 1}},
		}
		for _, st := range steps {
			if got := mustSave(t, s, st.alerts...); got != st.want {
				t.Errorf("%s: intake %+v, want %+v", st.name, got, st.want)
			}
		}
		jobs, err := s.ListJobs(ctx, bot.JobFilter{})
		if err != nil || len(jobs) != 3 {
			t.Fatalf("%d jobs (%v), want 3", len(jobs), err)
		}
		got, err := s.GetAlert(ctx, jobs[2].AlertID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != bot.StatusResolved || got.Labels["model"] != "rec" || !got.StartsAt.Equal(t0) {
			t.Errorf("first alert after resolve = %+v", got)
		}
		if jobs[2].Task.Retrain.Variables["MODEL"] != "rec" {
			t.Errorf("task did not round-trip: %+v", jobs[2].Task.Retrain)
		}
		if _, err := s.GetAlert(ctx, 999); !errors.Is(err, bot.ErrNotFound) {
			t.Errorf("GetAlert(999) = %v, want ErrNotFound", err)
		}
		audit, _ := s.ListAudit(ctx, 0)
		if len(audit) != 4 || audit[1].Action != "resolved" {
			t.Errorf("audit = %+v", audit)
		}
	})
}

func claim(t *testing.T, s *DB, token string, now time.Time, n int) []bot.Job {
	t.Helper()
	jobs, err := s.ClaimJobs(context.Background(), bot.Claim{Kinds: []string{bot.KindRetrain}, N: n, Lease: time.Minute, Token: token, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	return jobs
}

func TestClaimLeaseFinish(t *testing.T) {
	eachStore(t, func(t *testing.T, s *DB) {
		ctx := context.Background()
		mustSave(t, s, alert("fp1", bot.StatusFiring, t0))
		if jobs, _ := s.ClaimJobs(ctx, bot.Claim{Kinds: []string{bot.KindNotify}, N: 5, Lease: time.Minute, Token: "x", Now: t0}); len(jobs) != 0 {
			t.Errorf("claimed %d jobs of another kind", len(jobs))
		}
		jobs := claim(t, s, "a", t0, 5)
		if len(jobs) != 1 || jobs[0].State != bot.JobRunning || jobs[0].Attempts != 1 || jobs[0].Lease != "a" {
			t.Fatalf("claim = %+v", jobs)
		}
		id := jobs[0].ID
		if again := claim(t, s, "b", t0.Add(59*time.Second), 5); len(again) != 0 {
			t.Fatalf("claimed a leased job: %+v", again)
		}
		// The lease runs out (worker a died): b takes the job, a's result is refused.
		again := claim(t, s, "b", t0.Add(time.Minute), 5)
		if len(again) != 1 || again[0].Attempts != 2 {
			t.Fatalf("expired lease not reclaimed: %+v", again)
		}
		err := s.FinishJob(ctx, bot.Finish{ID: id, Lease: "a", State: bot.JobDone, Now: t0})
		if !errors.Is(err, bot.ErrLeaseLost) {
			t.Errorf("finish with a lost lease = %v, want ErrLeaseLost", err)
		}
		// A retryable failure: back to pending, not before its next attempt.
		next := t0.Add(2 * time.Minute)
		if err := s.FinishJob(ctx, bot.Finish{ID: id, Lease: "b", State: bot.JobPending, Error: "503", NextAttemptAt: next, Now: t0}); err != nil {
			t.Fatal(err)
		}
		if j := claim(t, s, "c", next.Add(-time.Millisecond), 5); len(j) != 0 {
			t.Errorf("claimed before next_attempt_at")
		}
		j := claim(t, s, "c", next, 5)
		if len(j) != 1 || j[0].LastError != "503" {
			t.Fatalf("claim after backoff = %+v", j)
		}
		p := &bot.Pipeline{JobID: id, AlertID: j[0].AlertID, Backend: "gitlab", Project: "g/p", ExternalID: 42, Ref: "main", Status: "created"}
		audit := &bot.AuditEntry{At: t0, Actor: "worker", Action: "retrain", JobID: id}
		if err := s.FinishJob(ctx, bot.Finish{ID: id, Lease: "c", State: bot.JobDone, Result: "http://x/42", Pipeline: p, Audit: audit, Now: t0}); err != nil {
			t.Fatal(err)
		}
		counts, err := s.CountJobs(ctx)
		if err != nil || counts[bot.JobDone] != 1 || len(counts) != 1 {
			t.Errorf("counts = %v, %v", counts, err)
		}
		if err := s.RetryJob(ctx, id, "test", t0); err == nil || err.Error() != fmt.Sprintf("job %d is done: only failed, dead or skipped jobs are retried", id) {
			t.Errorf("retry of a done job = %v", err)
		}
		if err := s.RetryJob(ctx, 999, "test", t0); !errors.Is(err, bot.ErrNotFound) {
			t.Errorf("retry of a missing job = %v", err)
		}
	})
}

func TestRetryJob(t *testing.T) {
	eachStore(t, func(t *testing.T, s *DB) {
		ctx := context.Background()
		mustSave(t, s, alert("fp1", bot.StatusFiring, t0))
		j := claim(t, s, "a", t0, 1)[0]
		if err := s.FinishJob(ctx, bot.Finish{ID: j.ID, Lease: "a", State: bot.JobDead, Error: "gave up", Now: t0}); err != nil {
			t.Fatal(err)
		}
		if got := claim(t, s, "b", t0.Add(time.Hour), 1); len(got) != 0 {
			t.Fatal("claimed a dead job")
		}
		dead, _ := s.ListJobs(ctx, bot.JobFilter{State: bot.JobDead})
		if len(dead) != 1 || dead[0].LastError != "gave up" {
			t.Fatalf("dead jobs = %+v", dead)
		}
		if err := s.RetryJob(ctx, j.ID, "ops", t0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		got := claim(t, s, "b", t0.Add(time.Hour), 1)
		if len(got) != 1 || got[0].Attempts != 1 {
			t.Fatalf("retried job claim = %+v", got)
		}
	})
}

func TestCooldown(t *testing.T) {
	eachStore(t, func(t *testing.T, s *DB) {
		ctx := context.Background()
		until := t0.Add(time.Hour)
		steps := []struct {
			name   string
			job    int64
			now    time.Time
			taken  bool
			holder int64
		}{
			{"first", 1, t0, true, 1},
			{"other job inside", 2, t0.Add(time.Minute), false, 1},
			{"holder again", 1, t0.Add(time.Minute), true, 1},
			{"after it ends", 2, until, true, 2},
		}
		for _, st := range steps {
			c, err := s.TakeCooldown(ctx, "rec", st.job, until, st.now)
			if err != nil {
				t.Fatal(err)
			}
			if c.Taken != st.taken || c.HolderJob != st.holder {
				t.Errorf("%s: %+v, want taken %v holder %d", st.name, c, st.taken, st.holder)
			}
		}
		if c, _ := s.TakeCooldown(ctx, "other", 3, until, t0); !c.Taken {
			t.Error("cooldowns are per model")
		}
		if err := s.ReleaseCooldown(ctx, "rec", 2); err != nil {
			t.Fatal(err)
		}
		if c, _ := s.TakeCooldown(ctx, "rec", 4, until, t0); !c.Taken {
			t.Error("released cooldown still holds")
		}
		// A forced retraining takes the cooldown over, and holds it.
		later := t0.Add(3 * time.Hour)
		if err := s.OverrideCooldown(ctx, "rec", 5, later); err != nil {
			t.Fatal(err)
		}
		if c, _ := s.TakeCooldown(ctx, "rec", 6, later, until); c.Taken || c.HolderJob != 5 || !c.Until.Equal(later) {
			t.Errorf("after an override: %+v, want held by job 5 until %s", c, later)
		}
		if err := s.OverrideCooldown(ctx, "new", 7, later); err != nil {
			t.Fatal(err)
		}
		if c, _ := s.TakeCooldown(ctx, "new", 8, later, t0); c.Taken || c.HolderJob != 7 {
			t.Errorf("override of a model without a cooldown: %+v", c)
		}
	})
}

func TestPipelineEvent(t *testing.T) {
	eachStore(t, func(t *testing.T, s *DB) {
		ctx := context.Background()
		mustSave(t, s, alert("fp1", bot.StatusFiring, t0))
		j := claim(t, s, "a", t0, 1)[0]
		p := &bot.Pipeline{JobID: j.ID, AlertID: j.AlertID, Backend: "gitlab", Project: "g/p", ExternalID: 42, Ref: "main", Status: "created"}
		if err := s.FinishJob(ctx, bot.Finish{ID: j.ID, Lease: "a", State: bot.JobDone, Pipeline: p, Now: t0}); err != nil {
			t.Fatal(err)
		}
		ev := bot.PipelineEvent{Source: "gitlab", DeliveryKey: "42:success", Backend: "gitlab", ExternalID: 42, Status: "success", Now: t0}
		got, err := s.PipelineEvent(ctx, ev)
		if err != nil || got == nil || got.AlertID != j.AlertID || got.JobID != j.ID || got.Status != "success" {
			t.Fatalf("event = %+v, %v", got, err)
		}
		if _, err := s.PipelineEvent(ctx, ev); !errors.Is(err, bot.ErrDuplicate) {
			t.Errorf("second delivery = %v, want ErrDuplicate", err)
		}
		other := ev
		other.DeliveryKey, other.ExternalID = "7:success", 7
		if got, err := s.PipelineEvent(ctx, other); err != nil || got != nil {
			t.Errorf("foreign pipeline = %+v, %v; want nil, nil", got, err)
		}
		ps, _ := s.ListPipelines(ctx, 0)
		if len(ps) != 1 || ps[0].Status != "success" {
			t.Errorf("pipelines = %+v", ps)
		}
	})
}

func TestApprovals(t *testing.T) {
	eachStore(t, func(t *testing.T, s *DB) {
		ctx := context.Background()
		plan := func(a bot.Alert) bot.Plan {
			return bot.Plan{Approvals: []bot.Approval{{Rule: "r", Model: "rec", Project: "g/p", Ref: "main",
				Version: "v1.2.3", State: bot.ApprovalProposed, ProposedBy: "rule:r", ExpiresAt: t0.Add(time.Hour), CreatedAt: t0}}}
		}
		in, err := s.SaveAlerts(ctx, []bot.Alert{alert("fp1", bot.StatusFiring, t0)}, plan)
		if err != nil || in.Matched != 1 || in.Jobs != 0 {
			t.Fatalf("intake %+v, %v", in, err)
		}
		as, err := s.ListApprovals(ctx, 0)
		if err != nil || len(as) != 1 || as[0].Version != "v1.2.3" || !as[0].ExpiresAt.Equal(t0.Add(time.Hour)) || as[0].AlertID == 0 {
			t.Fatalf("approvals = %+v, %v", as, err)
		}
	})
}

// TestConcurrentClaims has several workers drain jobs at once: every job
// is claimed exactly once.
func TestConcurrentClaims(t *testing.T) {
	eachStore(t, func(t *testing.T, s *DB) {
		ctx := context.Background()
		var alerts []bot.Alert
		for i := range 200 {
			alerts = append(alerts, alert(fmt.Sprintf("fp%d", i), bot.StatusFiring, t0))
		}
		mustSave(t, s, alerts...)
		var mu sync.Mutex
		seen := map[int64]int{}
		var wg sync.WaitGroup
		for w := range 6 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				token := fmt.Sprintf("w%d", w)
				for {
					jobs, err := s.ClaimJobs(ctx, bot.Claim{Kinds: []string{bot.KindRetrain}, N: 7, Lease: time.Hour, Token: token, Now: t0})
					if err != nil {
						t.Error(err)
						return
					}
					if len(jobs) == 0 {
						return
					}
					for _, j := range jobs {
						mu.Lock()
						seen[j.ID]++
						mu.Unlock()
						if err := s.FinishJob(ctx, bot.Finish{ID: j.ID, Lease: token, State: bot.JobDone, Now: t0}); err != nil {
							t.Error(err)
						}
					}
				}
			}()
		}
		wg.Wait()
		if len(seen) != 200 {
			t.Errorf("%d jobs claimed, want 200", len(seen))
		}
		for id, n := range seen {
			if n != 1 {
				t.Errorf("job %d claimed %d times", id, n)
			}
		}
	})
}

// TestFinishJobs records several outcomes and claims the next jobs in one
// write: an outcome whose lease was lost fails alone (nothing of it is
// stored), the others keep their pipeline and audit entry, and the claim
// takes the jobs that are due; DueOnly leaves jobs whose lease ran out.
func TestFinishJobs(t *testing.T) {
	eachStore(t, func(t *testing.T, s *DB) {
		ctx := context.Background()
		for i := range 5 {
			mustSave(t, s, alert(fmt.Sprint("fp", i), bot.StatusFiring, t0))
		}
		a := claim(t, s, "a", t0, 3)
		if len(a) != 3 {
			t.Fatalf("claimed %d jobs, want 3", len(a))
		}
		// b takes a[0] over after its lease ran out (the oldest of the
		// three); a's outcome for it is refused.
		if over := claim(t, s, "b", t0.Add(time.Minute), 1); len(over) != 1 || over[0].ID != a[0].ID {
			t.Fatalf("take-over claimed %+v, want job %d", over, a[0].ID)
		}
		var fs []bot.Finish
		for i, j := range a {
			fs = append(fs, bot.Finish{ID: j.ID, Lease: "a", State: bot.JobDone, Result: fmt.Sprint("http://x/", i), Now: t0,
				Pipeline: &bot.Pipeline{JobID: j.ID, AlertID: j.AlertID, Backend: "gitlab", Project: "g/p", ExternalID: int64(100 + i),
					Ref: "main", Status: "created"},
				Audit: &bot.AuditEntry{At: t0, Actor: "worker", Action: "retrain", JobID: j.ID}})
		}
		auditBefore, _ := s.ListAudit(ctx, 1000)
		jobs, errs, err := s.FinishJobs(ctx, fs, bot.Claim{Kinds: []string{bot.KindRetrain}, N: 5, Lease: time.Minute,
			Token: "c", Now: t0.Add(2 * time.Minute), DueOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		if !errors.Is(errs[0], bot.ErrLeaseLost) || errs[1] != nil || errs[2] != nil {
			t.Fatalf("errs = %v, want ErrLeaseLost, nil, nil", errs)
		}
		// Due-only: the two pending jobs, not b's running one whose lease ran out at t0+2m.
		if len(jobs) != 2 || jobs[0].Lease != "c" || jobs[0].ID == a[0].ID || jobs[1].ID == a[0].ID {
			t.Fatalf("claimed %+v, want the 2 pending jobs", jobs)
		}
		ps, _ := s.ListPipelines(ctx, 100)
		if len(ps) != 2 {
			t.Errorf("pipelines %+v, want 2 (the lost lease's is not stored)", ps)
		}
		auditAfter, _ := s.ListAudit(ctx, 1000)
		if len(auditAfter)-len(auditBefore) != 2 {
			t.Errorf("%d audit entries added, want 2", len(auditAfter)-len(auditBefore))
		}
		counts, _ := s.CountJobs(ctx)
		if counts[bot.JobDone] != 2 || counts[bot.JobRunning] != 3 {
			t.Errorf("counts %v, want 2 done and 3 running", counts)
		}
		// Without DueOnly the expired lease comes first.
		more, _, err := s.FinishJobs(ctx, nil, bot.Claim{Kinds: []string{bot.KindRetrain}, N: 5, Lease: time.Minute,
			Token: "d", Now: t0.Add(150 * time.Second)})
		if err != nil || len(more) != 1 || more[0].ID != a[0].ID || more[0].Attempts != 3 {
			t.Fatalf("claim with expired leases = %+v, %v; want job %d at attempt 3", more, err, a[0].ID)
		}
	})
}

// TestEarlyPipelineStatusRace records pipelines while their success hooks
// arrive at the same moment: every pipeline ends success, whichever
// transaction commits first (on PostgreSQL the hook could miss the record
// and the record the early status, both uncommitted; found by the soak).
func TestEarlyPipelineStatusRace(t *testing.T) {
	testenv.Slow(t, "1,200 concurrent transactions on each store, several seconds")
	eachStore(t, func(t *testing.T, s *DB) {
		ctx := context.Background()
		// The window is narrow: 3 rounds of 200 pipelines show the race
		// about 9 times in 10 without the lock.
		const n = 200
		for round := range 3 {
			var alerts []bot.Alert
			for i := range n {
				alerts = append(alerts, alert(fmt.Sprint("fp", round, "-", i), bot.StatusFiring, t0))
			}
			mustSave(t, s, alerts...)
			jobs := claim(t, s, "a", t0, n)
			if len(jobs) != n {
				t.Fatalf("claimed %d jobs, want %d", len(jobs), n)
			}
			var wg sync.WaitGroup
			errs := make(chan error, 2*n)
			for i, j := range jobs {
				id := int64(1000*(round+1) + i)
				wg.Add(2)
				go func() {
					defer wg.Done()
					p := &bot.Pipeline{JobID: j.ID, AlertID: j.AlertID, Backend: "gitlab", Project: "g/p", ExternalID: id, Ref: "main", Status: "created"}
					errs <- s.FinishJob(ctx, bot.Finish{ID: j.ID, Lease: "a", State: bot.JobDone, Pipeline: p, Now: t0})
				}()
				go func() {
					defer wg.Done()
					_, err := s.PipelineEvent(ctx, bot.PipelineEvent{Source: "gitlab", DeliveryKey: fmt.Sprint(id, ":success"),
						Backend: "gitlab", ExternalID: id, Status: "success", Now: t0})
					errs <- err
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
		}
		ps, err := s.ListPipelines(ctx, 3*n+1)
		if err != nil || len(ps) != 3*n {
			t.Fatalf("%d pipelines, %v; want %d", len(ps), err, 3*n)
		}
		for _, p := range ps {
			if p.Status != "success" {
				t.Errorf("pipeline %d is %s, want success", p.ExternalID, p.Status)
			}
		}
	})
}
