package store

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"gitlab.com/mlgate/mlgate/internal/bot"
)

func gateCall(rev string, now time.Time) bot.GateCall {
	return bot.GateCall{Canary: bot.Canary{Engine: bot.EngineFlagger, Namespace: "test", Name: "podinfo", Revision: rev},
		ProposedBy: "U_ENG", Phase: "Promoting", Expires: time.Hour, Needed: 1, Now: now}
}

// jobsOf counts the jobs of a kind.
func jobsOf(t *testing.T, s *DB, kind string) []bot.Job {
	t.Helper()
	js, err := s.ListJobs(context.Background(), bot.JobFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	var out []bot.Job
	for _, j := range js {
		if j.Kind == kind {
			out = append(out, j)
		}
	}
	return out
}

func TestPromotionGate(t *testing.T) {
	eachStore(t, func(t *testing.T, s *DB) {
		ctx := context.Background()
		// Calls from many replicas at once: one request, one Slack post.
		var wg sync.WaitGroup
		gates := make([]bot.Gate, 8)
		errs := make([]error, 8)
		for i := range gates {
			wg.Add(1)
			go func() {
				defer wg.Done()
				gates[i], errs[i] = s.PromotionGate(ctx, gateCall("85d557f47b", t0))
			}()
		}
		wg.Wait()
		created := 0
		for i, g := range gates {
			if errs[i] != nil {
				t.Fatal(errs[i])
			}
			if g.Open || g.Approval.ID != gates[0].Approval.ID || g.Approval.Kind != bot.ApprovalPromotion {
				t.Fatalf("gate %d: %+v", i, g)
			}
			if g.Created {
				created++
			}
		}
		if created != 1 || len(jobsOf(t, s, bot.KindSlackPost)) != 1 {
			t.Fatalf("created %d requests, %d slack posts; want 1 and 1", created, len(jobsOf(t, s, bot.KindSlackPost)))
		}
		id := gates[0].Approval.ID
		a, err := s.GetApproval(ctx, id)
		if err != nil || a.Kind != bot.ApprovalPromotion || a.Project != "test/podinfo" || a.Version != "85d557f47b" || a.ProposedBy != "U_ENG" {
			t.Fatalf("request %+v %v", a, err)
		}
		// Self-approval is refused; the product manager's approval opens
		// the gate and queues no rollback.
		if out, err := s.Decide(ctx, bot.Decision{ApprovalID: id, User: "U_ENG", Approve: true, Now: t0.Add(time.Minute)}); err != nil || out.Changed {
			t.Fatalf("self-approval: %+v %v", out, err)
		}
		if out, err := s.Decide(ctx, bot.Decision{ApprovalID: id, User: "U_PM", Approve: true, Now: t0.Add(2 * time.Minute)}); err != nil || !out.Changed || out.Started {
			t.Fatalf("approval: %+v %v", out, err)
		}
		if n := len(jobsOf(t, s, bot.KindRollback)); n != 0 {
			t.Fatalf("%d rollback jobs for an approved promotion", n)
		}
		g, err := s.PromotionGate(ctx, gateCall("85d557f47b", t0.Add(3*time.Minute)))
		if err != nil || !g.Open || g.Created {
			t.Fatalf("after approval: %+v %v", g, err)
		}
		if yes, _, err := s.PromotionRollback(ctx, bot.CanaryEvent{Canary: gateCall("85d557f47b", t0).Canary, Now: t0}); err != nil || yes {
			t.Fatalf("rollback of an approved promotion: %v %v", yes, err)
		}

		// A rejection is a rollback asked for: yes, once announced.
		r, err := s.PromotionGate(ctx, gateCall("bbb222", t0))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Decide(ctx, bot.Decision{ApprovalID: r.Approval.ID, User: "U_PM", Now: t0.Add(time.Minute)}); err != nil {
			t.Fatal(err)
		}
		for range 2 {
			yes, _, err := s.PromotionRollback(ctx, bot.CanaryEvent{Canary: gateCall("bbb222", t0).Canary, Phase: "Progressing", Now: t0.Add(2 * time.Minute)})
			if err != nil || !yes {
				t.Fatalf("rollback after rejection: %v %v", yes, err)
			}
		}
		replies := jobsOf(t, s, bot.KindSlackReply)
		if len(replies) != 1 || replies[0].Task.Slack.ApprovalID != r.Approval.ID {
			t.Fatalf("rollback replies %+v", replies)
		}
		if g, _ := s.PromotionGate(ctx, gateCall("bbb222", t0.Add(3*time.Minute))); g.Open {
			t.Fatal("a rejected promotion opened")
		}

		// Expiry keeps the gate closed and is audited.
		e, _ := s.PromotionGate(ctx, gateCall("ccc333", t0))
		g, err = s.PromotionGate(ctx, gateCall("ccc333", t0.Add(2*time.Hour)))
		if err != nil || g.Open || g.Approval.State != bot.ApprovalExpired {
			t.Fatalf("expired: %+v %v", g, err)
		}
		if out, _ := s.Decide(ctx, bot.Decision{ApprovalID: e.Approval.ID, User: "U_PM", Approve: true, Now: t0.Add(3 * time.Hour)}); out.Changed {
			t.Fatal("an expired promotion was approved")
		}
		audit, _ := s.ListAudit(ctx, 100)
		seen := map[string]bool{}
		for _, a := range audit {
			seen[a.Action] = true
		}
		for _, want := range []string{"propose_promotion", "approve_promotion_refused", "approve_promotion", "reject_promotion",
			"promotion_rollback_answered", "promotion_expired"} {
			if !seen[want] {
				t.Errorf("no %s in the audit log: %v", want, seen)
			}
		}
	})
}

func TestCanaryEvent(t *testing.T) {
	eachStore(t, func(t *testing.T, s *DB) {
		ctx := context.Background()
		c := bot.Canary{Engine: bot.EngineFlagger, Namespace: "test", Name: "podinfo", Revision: "85d557f47b"}
		ev := func(typ, msg string) (bool, error) {
			return s.CanaryEvent(ctx, bot.CanaryEvent{Canary: c, Phase: "Progressing", Type: typ, Message: msg, Now: t0})
		}
		// Before the request: a Normal event is recorded only, a Warning
		// goes to the channel.
		if q, err := ev("Normal", "Advance podinfo.test canary weight 5"); err != nil || q {
			t.Fatalf("normal event before the request: %v %v", q, err)
		}
		if q, err := ev("Warning", "Halt advancement no values found for metric error-rate"); err != nil || !q {
			t.Fatalf("warning before the request: %v %v", q, err)
		}
		if _, err := ev("Warning", "Halt advancement no values found for metric error-rate"); !errors.Is(err, bot.ErrDuplicate) {
			t.Fatalf("repeat: %v", err)
		}
		if n := len(jobsOf(t, s, bot.KindNotify)); n != 1 {
			t.Fatalf("%d notify jobs, want 1", n)
		}
		// After the request: in its thread.
		g, err := s.PromotionGate(ctx, gateCall("85d557f47b", t0))
		if err != nil {
			t.Fatal(err)
		}
		if q, err := ev("Normal", "Confirm-promotion check product-owner-approval failed"); err != nil || !q {
			t.Fatalf("event after the request: %v %v", q, err)
		}
		rs := jobsOf(t, s, bot.KindSlackReply)
		if len(rs) != 1 || rs[0].Task.Slack.ApprovalID != g.Approval.ID {
			t.Fatalf("thread replies %+v", rs)
		}
	})
}
