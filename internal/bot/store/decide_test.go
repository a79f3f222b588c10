package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"gitlab.com/mlgate/mlgate/internal/bot"
	"gitlab.com/mlgate/mlgate/internal/forge"
)

func TestDecide(t *testing.T) {
	eachStore(t, func(t *testing.T, s *DB) {
		ctx := context.Background()
		propose := func(needed int) bot.Approval {
			a, err := s.ProposeRollback(ctx, bot.Approval{Rule: "slack", Model: "rec", Project: "g/p", Ref: "main",
				Version: "v1", State: bot.ApprovalProposed, ProposedBy: "U_ENG", ExpiresAt: t0.Add(30 * time.Minute),
				CreatedAt: t0, Needed: needed, Reason: "drift"})
			if err != nil {
				t.Fatal(err)
			}
			return a
		}
		decide := func(id int64, user string, approve bool, at time.Time) bot.Outcome {
			out, err := s.Decide(ctx, bot.Decision{ApprovalID: id, User: user, Approve: approve, Now: at,
				Rollback: forge.RollbackTask{Mode: "play", JobName: "rollback"}})
			if err != nil {
				t.Fatal(err)
			}
			return out
		}

		// Eight approvals at once (two replicas, double clicks): one wins.
		a := propose(1)
		var wg sync.WaitGroup
		var mu sync.Mutex
		changed, started := 0, 0
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				out := decide(a.ID, "U_PO", true, t0.Add(time.Minute))
				mu.Lock()
				defer mu.Unlock()
				if out.Changed {
					changed++
				}
				if out.Started {
					started++
				}
			}()
		}
		wg.Wait()
		if changed != 1 || started != 1 {
			t.Fatalf("%d decisions changed it and %d started a rollback, want 1 and 1", changed, started)
		}
		jobs, err := s.ListJobs(ctx, bot.JobFilter{})
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[string]int{}
		for _, j := range jobs {
			kinds[j.Kind]++
			if j.Kind == bot.KindRollback {
				rt := j.Task.Rollback
				if rt == nil || rt.ApprovalID != a.ID || rt.Version != "v1" || rt.Model != "rec" || rt.JobName != "rollback" {
					t.Errorf("rollback task %+v", rt)
				}
			}
		}
		if kinds[bot.KindRollback] != 1 || kinds[bot.KindSlackPost] != 1 || kinds[bot.KindSlackUpdate] != 1 {
			t.Errorf("jobs by kind %v", kinds)
		}

		// Self-approval, a repeated approval, expiry.
		b := propose(2)
		if out := decide(b.ID, "U_ENG", true, t0); out.Changed || out.Refused == "" {
			t.Errorf("self-approval %+v", out)
		}
		if out := decide(b.ID, "U_PO", true, t0); !out.Changed || out.Approval.State != bot.ApprovalProposed {
			t.Errorf("first of two approvals %+v", out)
		}
		if out := decide(b.ID, "U_PO", true, t0); out.Changed {
			t.Errorf("the same approver twice %+v", out)
		}
		if out := decide(b.ID, "U_PO2", true, t0.Add(30*time.Minute)); out.Changed || out.Approval.State != bot.ApprovalExpired {
			t.Errorf("after expiry %+v", out)
		}
		c := propose(1)
		n, err := s.ExpireApprovals(ctx, t0.Add(31*time.Minute))
		if err != nil || n != 1 {
			t.Fatalf("expired %d, %v", n, err)
		}
		if got, _ := s.GetApproval(ctx, c.ID); got.State != bot.ApprovalExpired {
			t.Errorf("state %s", got.State)
		}
		if _, err := s.Decide(ctx, bot.Decision{ApprovalID: 999, User: "U_PO", Approve: true, Now: t0}); err == nil {
			t.Error("unknown request decided")
		}
		es, _ := s.ListAudit(ctx, 100)
		count := map[string]int{}
		for _, e := range es {
			count[e.Action]++
		}
		if count["approve_rollback"] != 2 || count["approve_rollback_refused"] != 10 || count["rollback_expired"] != 2 {
			t.Errorf("audit %v", count)
		}
	})
}

// TestChooseRollbackJob records the GitLab job an approved rollback
// plays: the first choice sticks, a second attempt is told the first
// one's job, and the approval reads back with it.
func TestChooseRollbackJob(t *testing.T) {
	eachStore(t, func(t *testing.T, s *DB) {
		ctx := context.Background()
		a, err := s.ProposeRollback(ctx, bot.Approval{Rule: "slack", Model: "rec", Project: "ml/rec", Ref: "main",
			Version: "v3", State: bot.ApprovalProposed, ProposedBy: "U1", ExpiresAt: t0.Add(time.Hour), CreatedAt: t0})
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := s.GetApproval(ctx, a.ID); got.RollbackJob != 0 {
			t.Fatalf("a new approval has rollback job %d, want 0", got.RollbackJob)
		}
		if got, err := s.ChooseRollbackJob(ctx, a.ID, 501); err != nil || got != 501 {
			t.Fatalf("first choice = %d, %v; want 501", got, err)
		}
		if got, err := s.ChooseRollbackJob(ctx, a.ID, 777); err != nil || got != 501 {
			t.Fatalf("second choice = %d, %v; want the first one's 501", got, err)
		}
		if got, err := s.GetApproval(ctx, a.ID); err != nil || got.RollbackJob != 501 {
			t.Fatalf("approval reads back rollback job %d, %v; want 501", got.RollbackJob, err)
		}
		if _, err := s.ChooseRollbackJob(ctx, a.ID+100, 1); !errors.Is(err, bot.ErrNotFound) {
			t.Fatalf("unknown approval: %v, want ErrNotFound", err)
		}

		// A second approval of the project that found the same manual
		// job is told whose it is, and records nothing.
		b, err := s.ProposeRollback(ctx, bot.Approval{Rule: "slack", Model: "ranker", Project: "ml/rec", Ref: "main",
			Version: "v7", State: bot.ApprovalProposed, ProposedBy: "U2", ExpiresAt: t0.Add(time.Hour), CreatedAt: t0})
		if err != nil {
			t.Fatal(err)
		}
		var taken *forge.JobTaken
		if _, err := s.ChooseRollbackJob(ctx, b.ID, 501); !errors.As(err, &taken) ||
			*taken != (forge.JobTaken{Job: 501, Approval: a.ID, Model: "rec", Version: "v3"}) {
			t.Fatalf("second approval choosing the first one's job: %v, want JobTaken by approval %d", err, a.ID)
		}
		if got, _ := s.GetApproval(ctx, b.ID); got.RollbackJob != 0 {
			t.Fatalf("the second approval recorded job %d", got.RollbackJob)
		}
		if got, err := s.ChooseRollbackJob(ctx, b.ID, 502); err != nil || got != 502 {
			t.Fatalf("second approval choosing another job = %d, %v; want 502", got, err)
		}

		// Approvals racing for one job: exactly one records it.
		var ids []int64
		for i := range 8 {
			c, err := s.ProposeRollback(ctx, bot.Approval{Rule: "slack", Model: fmt.Sprintf("m%d", i), Project: "ml/rec", Ref: "main",
				Version: "v1", State: bot.ApprovalProposed, ProposedBy: "U3", ExpiresAt: t0.Add(time.Hour), CreatedAt: t0})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, c.ID)
		}
		var wg sync.WaitGroup
		errs := make([]error, len(ids))
		for i, id := range ids {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = s.ChooseRollbackJob(ctx, id, 900)
			}()
		}
		wg.Wait()
		won := 0
		for i, err := range errs {
			switch {
			case err == nil:
				won++
			case !errors.As(err, &taken):
				t.Errorf("approval %d: %v", ids[i], err)
			}
		}
		if won != 1 {
			t.Errorf("%d approvals recorded job 900, want 1 (errors %v)", won, errs)
		}
	})
}

// TestChooseRollbackJobReplicas: on PostgreSQL, approvals decided on
// different replicas (each its own store and transactions) race for one
// manual job; exactly one records it, the others are told whose it is.
func TestChooseRollbackJobReplicas(t *testing.T) {
	if pg == nil {
		t.Skip("PostgreSQL unavailable: " + pgSkipped)
	}
	ctx := context.Background()
	dsn := pg.NewDB(t)
	var replicas []*DB
	for range 4 {
		s, err := OpenPostgres(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		replicas = append(replicas, s)
	}
	for round := range 5 {
		var ids []int64
		for i := range replicas {
			a, err := replicas[0].ProposeRollback(ctx, bot.Approval{Rule: "slack", Model: fmt.Sprintf("m%d", i), Project: "ml/rec",
				Ref: "main", Version: "v1", State: bot.ApprovalProposed, ProposedBy: "U1", ExpiresAt: t0.Add(time.Hour), CreatedAt: t0})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, a.ID)
		}
		job := int64(1000 + round)
		errs := make([]error, len(ids))
		var wg sync.WaitGroup
		for i, id := range ids {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = replicas[i].ChooseRollbackJob(ctx, id, job)
			}()
		}
		wg.Wait()
		won := 0
		for i, err := range errs {
			var taken *forge.JobTaken
			switch {
			case err == nil:
				won++
			case !errors.As(err, &taken):
				t.Errorf("round %d, approval %d: %v", round, ids[i], err)
			}
		}
		if won != 1 {
			t.Fatalf("round %d: %d replicas recorded job %d, want 1 (errors %v)", round, won, job, errs)
		}
	}
}
